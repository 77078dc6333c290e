// The CUDA fused attention on the SIMT emulator against ref::attention, on
// fresh random fp16 QKV: head dims 16, 32 and 64, seq 1 to 512, no mask,
// ragged padding, a fully padded sequence, and ragged batches (cu_seqlens:
// rows packed, no mask) against the reference run per sequence.
#include <doctest/doctest.h>

#include <algorithm>

#include "ops/cuda/kernels/attention.cuh"
#include "ops/ref/kernels.h"
#include "tests/simt/kernel_test_util.h"
#include "tests/unit/attention_test_cases.h"

namespace minirt::test {
namespace {

// Runs the kernel on p under every schedule (output poisoned first) and
// compares with want. The probabilities go through fp16 for P x V, and the
// output is fp16: seen up to 7e-4 absolute, against 2e-3 x (1 + max |want|).
template <int kHeadDim>
void check_kernel(const cuda::AttentionParams& p, std::vector<Half>& got,
                  const std::vector<float>& want) {
  using Tile = cuda::AttentionTile;
  for (simt::Schedule schedule : simt::kSchedules) {
    CAPTURE(static_cast<int>(schedule));
    poison(got);
    simt::launch({{cuda::attention_blocks_x(p.seq), static_cast<unsigned>(p.heads),
                   static_cast<unsigned>(p.batch)},
                  Tile::kThreads,
                  Tile::shared_bytes(kHeadDim),
                  schedule},
                 cuda::attention_kernel<kHeadDim>, p);
    check_close(as_floats(got), to_doubles(want), 2e-3);
  }
}

template <int kHeadDim>
void check_attention(std::mt19937& rng, int batch, int seq, int heads) {
  const int width = heads * kHeadDim;
  // Scores of a few units: peaked, yet every key counts.
  const std::vector<float> qkv = random_halves(rng, batch * seq * 3 * width, -2.0f, 2.0f);
  const std::vector<Half> qkv_h = to_halves(qkv);
  for (MaskKind kind : {MaskKind::kNone, MaskKind::kPadded, MaskKind::kFirstFullyMasked}) {
    CAPTURE(kHeadDim);
    CAPTURE(batch);
    CAPTURE(seq);
    CAPTURE(heads);
    CAPTURE(static_cast<int>(kind));
    const std::vector<float> mask_bias = make_mask_bias(rng, batch, seq, kind);
    std::vector<float> want(batch * seq * width);
    ref::AttentionArgs args;
    args.qkv = qkv.data();
    args.mask_bias = mask_bias.data();
    args.dst = want.data();
    args.batch = batch;
    args.seq = seq;
    args.num_heads = heads;
    args.head_dim = kHeadDim;
    args.scale = 1.0f / std::sqrt(static_cast<float>(kHeadDim));
    SerialParallel serial;
    ref::attention(args, serial);

    std::vector<Half> got = poisoned<Half>(batch * seq * width);
    cuda::AttentionParams p;
    p.qkv = qkv_h.data();
    p.mask_bias = mask_bias.data();
    p.dst = got.data();
    p.batch = batch;
    p.seq = seq;
    p.heads = heads;
    p.scale = args.scale;
    check_kernel<kHeadDim>(p, got, want);
  }
}

TEST_CASE("CUDA attention matches ref::attention, head dims 16, 32 and 64, masked and not") {
  const uint32_t seed = fresh_seed();
  CAPTURE(seed);
  std::mt19937 rng(seed);
  for (auto [batch, seq, heads] : {std::tuple{1, 1, 1}, std::tuple{2, 7, 2}, std::tuple{1, 64, 3},
                                   std::tuple{2, 65, 1}, std::tuple{1, 130, 2}}) {
    check_attention<16>(rng, batch, seq, heads);
    check_attention<32>(rng, batch, seq, heads);
    check_attention<64>(rng, batch, seq, heads);
  }
}

// A ragged batch of `lengths` (packed rows, offsets in cu_seqlens) against
// ref::attention run on each sequence alone, unmasked.
template <int kHeadDim>
void check_ragged(std::mt19937& rng, const std::vector<int32_t>& lengths, int heads) {
  CAPTURE(kHeadDim);
  CAPTURE(heads);
  const int width = heads * kHeadDim, batch = static_cast<int>(lengths.size());
  std::vector<int32_t> cu_seqlens{0};
  for (int32_t length : lengths) cu_seqlens.push_back(cu_seqlens.back() + length);
  const int tokens = cu_seqlens.back();
  const int max_seq = *std::max_element(lengths.begin(), lengths.end());
  const std::vector<float> qkv = random_halves(rng, tokens * 3 * width, -2.0f, 2.0f);
  const std::vector<Half> qkv_h = to_halves(qkv);
  const float scale = 1.0f / std::sqrt(static_cast<float>(kHeadDim));
  std::vector<float> want(tokens * width);
  for (int b = 0; b < batch; ++b) {
    if (lengths[b] == 0) continue;
    const std::vector<float> no_mask(lengths[b], 0.0f);
    ref::AttentionArgs args;
    args.qkv = qkv.data() + cu_seqlens[b] * 3 * width;
    args.mask_bias = no_mask.data();
    args.dst = want.data() + cu_seqlens[b] * width;
    args.batch = 1;
    args.seq = lengths[b];
    args.num_heads = heads;
    args.head_dim = kHeadDim;
    args.scale = scale;
    SerialParallel serial;
    ref::attention(args, serial);
  }
  std::vector<Half> got = poisoned<Half>(tokens * width);
  cuda::AttentionParams p;
  p.qkv = qkv_h.data();
  p.cu_seqlens = cu_seqlens.data();
  p.dst = got.data();
  p.batch = batch;
  p.seq = max_seq;
  p.heads = heads;
  p.scale = scale;
  check_kernel<kHeadDim>(p, got, want);
}

TEST_CASE("CUDA attention on ragged batches (cu_seqlens) matches ref::attention per sequence") {
  const uint32_t seed = fresh_seed();
  CAPTURE(seed);
  std::mt19937 rng(seed);
  // Lengths across tile edges, a single token, an empty sequence, and
  // sequences shorter than the longest (their extra blocks leave at once).
  for (const std::vector<int32_t>& lengths :
       {std::vector<int32_t>{5}, std::vector<int32_t>{1, 70, 3}, std::vector<int32_t>{64, 0, 65},
        std::vector<int32_t>{130, 7}}) {
    CAPTURE(lengths.size());
    CAPTURE(lengths[0]);
    check_ragged<16>(rng, lengths, 2);
    check_ragged<32>(rng, lengths, 1);
    check_ragged<64>(rng, lengths, 2);
  }
}

TEST_CASE("CUDA attention at BERT's longest sequence, 512") {
  const uint32_t seed = fresh_seed();
  CAPTURE(seed);
  std::mt19937 rng(seed);
  check_attention<64>(rng, 1, 512, 1);
  check_attention<32>(rng, 1, 512, 1);
}

}  // namespace
}  // namespace minirt::test
