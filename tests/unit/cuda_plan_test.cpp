// The CUDA backend's plain-C++ side, on any machine: which sessions it
// refuses (naming the op or option), the run's launch list, the fp16 weight
// layout, and the bounded LRU cache of captured graphs.
#include <doctest/doctest.h>

#include <cstring>
#include <string>
#include <vector>

#include "ops/cuda/half.h"
#include "runtime/cuda/cuda_ops.h"
#include "runtime/cuda/graph_cache.h"
#include "runtime/cuda/half_weights.h"
#include "tests/unit/tiny_model_writer.h"

namespace minirt::test {
namespace {

std::shared_ptr<const Model> load_spec(const ModelSpec& spec) {
  const std::vector<uint8_t> bytes = serialize(spec);
  return Model::load_from_memory(bytes, "spec");
}

std::string refusal(const ModelSpec& spec, const SessionOptions& options = {}) {
  const auto model = load_spec(spec);
  try {
    check_cuda_session(model->impl(), options);
  } catch (const Error& e) {
    return e.what();
  }
  return "";
}

// valid_spec's MatMul widened to a QKV of one head of head_dim, then Attention.
ModelSpec attention_spec(int32_t head_dim) {
  ModelSpec m = valid_spec();
  const int32_t width = 3 * head_dim;
  m.values[10].shape = {dim(width), dim(4)};
  m.buffers[m.values[10].buffer] = floats(static_cast<size_t>(width) * 4, 0.5f);
  m.values[11].shape = {dim(width)};
  m.buffers[m.values[11].buffer] = floats(static_cast<size_t>(width), 0.5f);
  m.values[12] = {
      "qkv", fb::DType::F32, {batch_dim(), seq_dim(), dim(width)}, fb::ValueKind::Intermediate, 0};
  m.values.push_back(
      {"out", fb::DType::F32, {batch_dim(), seq_dim(), dim(head_dim)}, fb::ValueKind::Output, 0});
  SpecOp attention{
      .name = "attn", .type = fb::OpParams::Attention, .inputs = {12, 9}, .outputs = {13}};
  attention.num_heads = 1;
  attention.head_dim = head_dim;
  m.ops.push_back(attention);
  m.outputs = {13};
  return m;
}

TEST_CASE("the CUDA backend takes the fused ops at fp32 without profiling") {
  CHECK(refusal(valid_spec()) == "");
  CHECK(refusal(attention_spec(16)) == "");
  CHECK(refusal(attention_spec(64)) == "");
}

TEST_CASE("the CUDA backend refuses, by name, what it has no kernels for") {
  SUBCASE("a generic op") {
    ModelSpec m = valid_spec();
    m.values[12].kind = fb::ValueKind::Intermediate;
    m.values.push_back(
        {"y", fb::DType::F32, {batch_dim(), seq_dim(), dim(3)}, fb::ValueKind::Output, 0});
    m.ops.push_back({.name = "squash",
                     .type = fb::OpParams::Elementwise,
                     .inputs = {12},
                     .outputs = {13},
                     .fn = fb::ElementwiseFn::Tanh});
    m.outputs = {13};
    CHECK(refusal(m) ==
          "device cuda: op 'squash' (Elementwise) has no CUDA kernel; the CUDA backend runs "
          "EmbedLayerNorm, MatMul, Attention, AddLayerNorm and Pooler (use --device cpu)");
  }
  SUBCASE("an attention head dim the kernel is not built for") {
    CHECK(refusal(attention_spec(8)) ==
          "device cuda: op 'attn' (Attention) has head dim 8; the CUDA attention kernel runs "
          "head dims 16, 32 and 64");
  }
  SUBCASE("a reduced precision, profiling") {
    CHECK(refusal(valid_spec(), {.precision = Precision::kBFloat16})
              .starts_with("device cuda: precision bf16 is for the CPU"));
    CHECK(refusal(valid_spec(), {.profile = true}) == "device cuda: per-op profiling is CPU-only");
  }
}

TEST_CASE("a run's launches: each op with the run's sizes, then each output to fp32") {
  const auto model = load_spec(attention_spec(16));
  const Model::Impl& m = model->impl();
  std::vector<void*> tensors(m.values.size());
  std::vector<uint8_t> storage(m.values.size());
  for (size_t v = 0; v < tensors.size(); ++v) tensors[v] = &storage[v];  // distinct addresses
  std::vector<float> out(1);
  const std::vector<float*> outputs{out.data()};
  std::vector<cuda::FusedLaunch> launches;
  run_launches(m, tensors, outputs, RunShape(2, 5), launches);
  REQUIRE(launches.size() == 4);
  const auto& embed = std::get<ref::EmbedLayerNormArgs>(launches[0]);
  CHECK(embed.batch == 2);
  CHECK(embed.seq == 5);
  CHECK(embed.mask_bias == static_cast<float*>(tensors[9]));
  const auto& dense = std::get<ref::MatMulArgs>(launches[1]);
  CHECK(dense.m == 10);
  CHECK(dense.n == 48);
  const auto& attention = std::get<ref::AttentionArgs>(launches[2]);
  CHECK(attention.head_dim == 16);
  CHECK(attention.cu_seqlens == nullptr);
  const auto& convert = std::get<cuda::ConvertArgs>(launches[3]);
  CHECK(convert.src == tensors[13]);
  CHECK(convert.dst == out.data());
  CHECK(convert.count == 2 * 5 * 16);
}

TEST_CASE("a padding-free run is refused, before any launch is made") {
  const auto model = load_spec(attention_spec(16));
  const Model::Impl& m = model->impl();
  const std::vector<void*> tensors(m.values.size(), nullptr);
  std::vector<float> out(1);
  const std::vector<float*> outputs{out.data()};
  std::vector<cuda::FusedLaunch> launches;
  const int32_t offsets[] = {0, 3, 5};
  const RunShape ragged = RunShape::packed(2, 3, 5, offsets);
  CHECK_THROWS_WITH(check_cuda_run(ragged),
                    doctest::Contains("padding-free (ragged) runs are not supported by the CUDA "
                                      "backend yet"));
  CHECK_THROWS_AS(run_launches(m, tensors, outputs, ragged, launches), Error);
  CHECK(launches.empty());
  CHECK_NOTHROW(check_cuda_run(RunShape(2, 5)));
}

TEST_CASE("MatMuls of up to 8 rows take the GEMV kernel, more rows the tiled GEMM") {
  CHECK(cuda::use_gemv(1));
  CHECK(cuda::use_gemv(8));
  CHECK_FALSE(cuda::use_gemv(9));
}

TEST_CASE("fp16 weights: each 64-byte aligned, rounded to nearest even") {
  ModelSpec spec = valid_spec();
  std::vector<float> word(40);
  for (size_t i = 0; i < word.size(); ++i) word[i] = 1.0f + static_cast<float>(i) / 3.0f;
  word[1] = 70000.0f;  // past fp16's largest finite value
  std::memcpy(spec.buffers[spec.values[3].buffer].data(), word.data(), word.size() * 4);
  const auto model = load_spec(spec);
  const Model::Impl& m = model->impl();
  const HalfWeightLayout layout = half_weight_layout(m);
  std::vector<uint8_t> bytes(layout.bytes);
  write_half_weights(m, layout, bytes);
  for (size_t v = 0; v < m.values.size(); ++v) {
    CAPTURE(m.values[v].name);
    CHECK((layout.offset[v] == HalfWeightLayout::kNone) ==
          (m.values[v].kind != ValueKind::kWeight));
    if (layout.offset[v] != HalfWeightLayout::kNone) CHECK(layout.offset[v] % 64 == 0);
  }
  for (size_t i = 0; i < word.size(); ++i) {
    uint16_t bits;
    std::memcpy(&bits, bytes.data() + layout.offset[3] + 2 * i, 2);
    CHECK(bits == cuda::float_to_half_bits(word[i]));
  }
  uint16_t big;
  std::memcpy(&big, bytes.data() + layout.offset[3] + 2, 2);
  CHECK(big == 0x7c00);  // +infinity
}

// A value that counts its live copies, as graph handles must be freed once.
struct Counted {
  static inline int live = 0;
  int id = 0;
  explicit Counted(int i) : id(i) { ++live; }
  Counted(Counted&& other) noexcept : id(other.id) { ++live; }
  ~Counted() { --live; }
};

TEST_CASE("graph cache: keyed by batch, seq and given inputs; least recently used dropped") {
  {
    GraphCache<Counted> cache(3);
    cache.insert({1, 8, 1}, Counted(1));
    cache.insert({1, 8, 7}, Counted(2));  // same size, other inputs given: another graph
    cache.insert({2, 8, 1}, Counted(3));
    CHECK(Counted::live == 3);
    REQUIRE(cache.find({1, 8, 1}) != nullptr);  // now the most recent
    CHECK(cache.find({1, 8, 1})->id == 1);
    CHECK(cache.find({1, 9, 1}) == nullptr);
    cache.insert({4, 4, 1}, Counted(4));  // drops {1, 8, 7}, the least recent
    CHECK(cache.size() == 3);
    CHECK(Counted::live == 3);
    CHECK(cache.find({1, 8, 7}) == nullptr);
    CHECK(cache.find({2, 8, 1})->id == 3);
    CHECK(cache.find({4, 4, 1})->id == 4);
    CHECK(cache.find({1, 8, 1})->id == 1);
  }
  CHECK(Counted::live == 0);
  CHECK(GraphCache<Counted>::kDefaultCapacity == 16);
}

}  // namespace
}  // namespace minirt::test
