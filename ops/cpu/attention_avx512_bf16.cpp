// The fused attention kernel with bfloat16 products (AVX512-BF16): Q K^T and
// P V round their inputs (queries, keys, the softmax weights, values) to bf16
// and accumulate in fp32 with vdpbf16ps, two products per lane and
// instruction, so the two products take half the instructions of the fp32
// kernel; scores, softmax and the output stay fp32 (attention_kernel.h).
#include "ops/cpu/attention.h"
#include "ops/cpu/vec_avx512.h"

MINIRT_TARGET_AVX512_BF16_BEGIN
#include "ops/cpu/attention_kernel.h"

namespace minirt::cpu {
namespace {

// vdpbf16ps multiplies 32-bit lanes that each hold a bf16 pair (the first
// element in the low half) and adds both products into an fp32 lane.
__m512 dot_pairs(__m512 acc, __m512i a, __m512i b) {
  return _mm512_dpbf16_ps(acc, reinterpret_cast<const __m512bh&>(a),
                          reinterpret_cast<const __m512bh&>(b));
}

// The 16 pairs of bf16(src[0 .. count)), zero past count (count > 0).
__m512i row_pairs(const float* src, int64_t count) {
  auto lanes = [](int64_t n) {
    return static_cast<__mmask16>(n >= 16 ? 0xffff : n <= 0 ? 0 : (1u << n) - 1);
  };
  const __m512bh packed = _mm512_cvtne2ps_pbh(_mm512_maskz_loadu_ps(lanes(count - 16), src + 16),
                                              _mm512_maskz_loadu_ps(lanes(count), src));
  return reinterpret_cast<const __m512i&>(packed);
}

// The pairs (bf16(first[d]), bf16(second[d])) for 16 d.
__m512i column_pairs(__m512 first, __m512 second) {
  const __m256bh low = _mm512_cvtneps_pbh(first), high = _mm512_cvtneps_pbh(second);
  return _mm512_or_si512(
      _mm512_cvtepu16_epi32(reinterpret_cast<const __m256i&>(low)),
      _mm512_slli_epi32(_mm512_cvtepu16_epi32(reinterpret_cast<const __m256i&>(high)), 16));
}

// The products of attention_kernel.h in bf16. Pairs run along the summed
// axis: head_dim pairs for Q K^T, key pairs for P V. Packed per block and
// tile (zeros past the head or the tile, so a pad never meets a NaN):
//   queries_[row][d pair]            the block's query rows
//   keys_[d pair][kKeys]             the tile's keys, transposed by pairs
//   values_[key pair][columns_]      the tile's values, interleaved by key pairs
class Bf16Products {
 public:
  using Vec = VecAvx512;
  // Eight rows: 16 score and 16 output accumulators of the 32 zmm registers,
  // so each key or value vector loaded serves twice the rows of fp32's four.
  static constexpr int kRows = 8;

  void begin_block(const HeadView& head, int64_t q_begin, int64_t q_end) {
    q_begin_ = q_begin;
    pairs_ = (head.head_dim + 1) / 2;
    columns_ = (head.head_dim + kW - 1) / kW * kW;
    for (int64_t s = q_begin; s < q_end; ++s) pack_row(head.query(s), head.head_dim, query(s));
  }

  void pack_keys(const HeadView& head, int64_t first, int count) {
    alignas(64) uint32_t row[kMaxPairs];
    for (int t = 0; t < kKeys; ++t) {
      if (t < count) {
        pack_row(head.key(first + t), head.head_dim, row);
      } else {
        std::fill_n(row, pairs_, 0u);
      }
      for (int64_t p = 0; p < pairs_; ++p) keys_[p * kKeys + t] = row[p];
    }
    for (int p = 0; p < (count + 1) / 2; ++p) {
      const float* first_row = head.value(first + 2 * p);
      const float* second_row = 2 * p + 1 < count ? head.value(first + 2 * p + 1) : nullptr;
      for (int64_t d = 0; d < head.head_dim; d += kW) {
        const int lanes = static_cast<int>(std::min<int64_t>(kW, head.head_dim - d));
        const __m512 second = second_row ? Vec::load_first(second_row + d, lanes) : Vec::zero();
        _mm512_store_si512(values_ + p * columns_ + d,
                           column_pairs(Vec::load_first(first_row + d, lanes), second));
      }
    }
  }

  template <int R>
  void scores(const HeadView&, int64_t s, __m512 (&score)[R][kTileVectors]) const {
    for (int64_t p = 0; p < pairs_; ++p) {
      __m512i key[kTileVectors];
      for (int j = 0; j < kTileVectors; ++j) key[j] = _mm512_load_si512(keys_ + p * kKeys + j * kW);
      for (int i = 0; i < R; ++i) {
        const __m512i q = _mm512_set1_epi32(static_cast<int>(query(s + i)[p]));
        for (int j = 0; j < kTileVectors; ++j) score[i][j] = dot_pairs(score[i][j], q, key[j]);
      }
    }
  }

  template <int R>
  void add_weighted_values(const HeadView& head, int64_t s, const KeyTile& tile,
                           const float* weights, const float* rescale) const {
    alignas(64) uint32_t weight_pairs[R][kKeys / 2];
    for (int i = 0; i < R; ++i) pack_row(weights + i * kKeys, kKeys, weight_pairs[i]);
    const int pairs = (tile.count + 1) / 2;
    int64_t d = 0;
    for (; d + 2 * kW <= head.head_dim; d += 2 * kW)
      add_weighted_columns<R, 2, false>(head, s, pairs, weight_pairs, rescale, d, kW);
    for (; d < head.head_dim; d += kW) {
      const int lanes = static_cast<int>(std::min<int64_t>(kW, head.head_dim - d));
      if (lanes == kW) {
        add_weighted_columns<R, 1, false>(head, s, pairs, weight_pairs, rescale, d, lanes);
      } else {
        add_weighted_columns<R, 1, true>(head, s, pairs, weight_pairs, rescale, d, lanes);
      }
    }
  }

 private:
  static constexpr int kW = Vec::kWidth;
  static constexpr int kKeys = kTile<Vec>;
  static constexpr int64_t kMaxPairs = kAttentionMaxHeadDim / 2;
  static_assert(kKeys == 2 * kW, "one 32-bit broadcast of weight pairs per key pair");

  // bf16 pairs of src[0 .. count), zero past count up to a whole vector.
  static void pack_row(const float* src, int64_t count, uint32_t* dst) {
    for (int64_t d = 0; d < count; d += 2 * kW)
      _mm512_store_si512(dst + d / 2, row_pairs(src + d, count - d));
  }

  uint32_t* query(int64_t s) { return queries_[s - q_begin_]; }
  const uint32_t* query(int64_t s) const { return queries_[s - q_begin_]; }

  // out[i][d .. d + C vectors) = out * rescale[i] + sum over key pairs of
  // weight pair x value pair, the last vector holding `lanes` floats when kPartial.
  template <int R, int C, bool kPartial>
  void add_weighted_columns(const HeadView& head, int64_t s, int pairs,
                            const uint32_t (&weight_pairs)[R][kKeys / 2], const float* rescale,
                            int64_t d, int lanes) const {
    __m512 acc[R][C];
    for (int i = 0; i < R; ++i) {
      const __m512 factor = Vec::set1(rescale[i]);
      for (int j = 0; j < C; ++j)
        acc[i][j] =
            Vec::mul(load_lanes<Vec, kPartial>(head.out(s + i) + d + j * kW, lanes), factor);
    }
    for (int p = 0; p < pairs; ++p) {
      __m512i value[C];
      for (int j = 0; j < C; ++j) value[j] = _mm512_load_si512(values_ + p * columns_ + d + j * kW);
      for (int i = 0; i < R; ++i) {
        const __m512i w = _mm512_set1_epi32(static_cast<int>(weight_pairs[i][p]));
        for (int j = 0; j < C; ++j) acc[i][j] = dot_pairs(acc[i][j], w, value[j]);
      }
    }
    for (int i = 0; i < R; ++i) {
      for (int j = 0; j < C; ++j)
        store_lanes<Vec, kPartial>(head.out(s + i) + d + j * kW, acc[i][j], lanes);
    }
  }

  int64_t q_begin_ = 0, pairs_ = 0, columns_ = 0;
  alignas(64) uint32_t queries_[kQueryBlock][kMaxPairs];
  alignas(64) uint32_t keys_[kMaxPairs * kKeys];
  alignas(64) uint32_t values_[kKeys / 2 * kAttentionMaxHeadDim];
};

}  // namespace

void attention_avx512_bf16(const ref::AttentionArgs& args, Parallel& parallel) {
  attention_kernel<Bf16Products>(args, parallel);
}

}  // namespace minirt::cpu
MINIRT_TARGET_END
