// minirt public C++ API.
//
//   auto model = minirt::Model::load("model.fb");          // mmap + verify
//   minirt::Session session(model, {.threads = 2});        // owns the arena
//   int64_t ids[] = {101, 7592, 102};
//   minirt::Inputs inputs;
//   inputs.input_ids = minirt::Int64Tensor(ids, {1, 3});  // [batch, seq]
//   auto outputs = session.run(inputs);
//   for (const minirt::OutputView& out : outputs)
//     printf("%s: [%lld, ...] first=%f\n", out.name, (long long)out.shape[0], out.data[0]);
//
// A Model is immutable after load and may be shared by any number of threads.
// A Session runs one request at a time; use one Session per concurrent caller.
// Every failure throws minirt::Error with a message naming what is wrong.
#pragma once

#include <array>
#include <cstddef>
#include <cstdint>
#include <initializer_list>
#include <memory>
#include <span>
#include <stdexcept>
#include <string>
#include <string_view>
#include <vector>

namespace minirt {

class Tokenizer;    // minirt/tokenizer.h
class RunObserver;  // internal (runtime/session/run_observer.h)

class Error : public std::runtime_error {
 public:
  using std::runtime_error::runtime_error;
};

inline constexpr int kMaxRank = 4;

// A caller-owned int64 tensor: data pointer plus shape. Only read during run().
struct Int64Tensor {
  const int64_t* data = nullptr;
  std::array<int64_t, kMaxRank> shape{};
  int rank = 0;

  Int64Tensor() = default;
  Int64Tensor(const int64_t* d, std::initializer_list<int64_t> dims);
  bool empty() const { return data == nullptr; }
};

// The three BERT inputs, each [batch, seq]. attention_mask defaults to all
// ones and token_type_ids to all zeros when left empty.
struct Inputs {
  Int64Tensor input_ids;
  Int64Tensor attention_mask;
  Int64Tensor token_type_ids;

  // The tensor for a graph input name, or nullptr for an unknown name.
  Int64Tensor* find(std::string_view name);
  const Int64Tensor* find(std::string_view name) const;
};

// A padding-free (ragged) batch: n sequences of any lengths, their tokens
// back to back with no padding. Sequence b is tokens [cu_seqlens[b],
// cu_seqlens[b + 1]); cu_seqlens starts at 0, increases strictly and ends at
// input_ids.size(). Only read during run_ragged().
struct RaggedInputs {
  std::span<const int64_t> input_ids;       // every sequence's tokens, one after another
  std::span<const int64_t> cu_seqlens;      // n + 1 offsets
  std::span<const int64_t> token_type_ids;  // optional, like input_ids; empty: all zeros
};

// A view into the session's arena: valid until the next run() on the session.
struct OutputView {
  const char* name = nullptr;
  const float* data = nullptr;
  std::array<int64_t, kMaxRank> shape{};
  int rank = 0;
  int64_t numel() const;
};

// What a graph input accepts: ids below index_bound (0: unbounded), or 0/1.
struct InputInfo {
  std::string name;
  int64_t index_bound = 0;
  bool binary = false;
};

struct ModelSummary {
  std::string producer;
  std::string source;
  std::vector<std::pair<std::string, std::string>> metadata;
  int max_batch = 0;
  int max_seq = 0;
  // Padding-free runs: the most tokens one batch may hold, and why this model
  // cannot run them (empty when Session::run_ragged works).
  int64_t max_tokens = 0;
  std::string ragged_refusal;
  size_t file_bytes = 0;
  size_t weight_bytes = 0;
  size_t num_ops = 0;
  std::vector<InputInfo> inputs;
  std::vector<std::string> outputs;
};

// Limits a model file is held to when it loads; a file over one is refused
// with an Error naming both numbers.
struct LoadOptions {
  // The activation arena every Session of the model allocates, at the file's
  // max batch and max seq (Model::arena_bytes()). BERT-base at batch 32,
  // seq 512 needs about 0.5 GB; raise this for larger planned sizes.
  size_t max_arena_bytes = size_t{4} << 30;
};

class Model {
 public:
  struct Impl;

  // mmaps the file, runs the FlatBuffers verifier and checks every index,
  // dtype and shape. Throws Error naming the problem.
  static std::shared_ptr<const Model> load(const std::string& path,
                                           const LoadOptions& options = {});
  // The same from a model file's bytes in memory, for callers that keep
  // models in their own storage. Weights are read in place and must start on
  // 64-byte boundaries, so the bytes are copied into a buffer of the model's
  // own: the caller's may go away (or be misaligned) once this returns.
  // Errors name the model `name`.
  static std::shared_ptr<const Model> load_from_memory(std::span<const uint8_t> bytes,
                                                       const std::string& name = "<memory>",
                                                       const LoadOptions& options = {});

  ModelSummary summary() const;
  // One line per op: "3 MatMul(gelu_erf) encoder.layer.0.ffn_in  [B,S,768] -> [B,S,3072]".
  std::vector<std::string> describe_ops() const;
  // Bytes of the activation arena a session needs at the planned max sizes.
  size_t arena_bytes() const;
  // A text dump of the arena plan: one line per planned tensor.
  std::string plan_dump() const;
  // The tokenizer sealed into the file (minirt/tokenizer.h), or nullptr when
  // the model has none. Lives as long as the Model.
  const Tokenizer* tokenizer() const;

  const Impl& impl() const { return *impl_; }
  ~Model();

 private:
  explicit Model(std::unique_ptr<Impl> impl);
  std::unique_ptr<Impl> impl_;
};

// Arithmetic of the MatMul ops (the dense layers: over 90% of the FLOPs).
// Everything else (attention, LayerNorms, residuals) is fp32 in all three.
enum class Precision {
  kFloat32,   // fp32 throughout: the float64 references within 1e-4
  kBFloat16,  // MatMul inputs and weights rounded to bfloat16, fp32 accumulation:
              // about twice the MatMul throughput; needs AVX512-BF16 (Zen 4 and
              // later, Sapphire Rapids and later)
  kInt8,      // MatMul inputs quantized to u8 per row at run time, weights to s8
              // per output column at load, int32 accumulation: about four times
              // the MatMul throughput; needs AVX512-VNNI (Cascade Lake, Ice Lake
              // and later, Zen 4 and later)
};
// Accuracy of each against the references: bench/RESULTS.md.
const char* precision_name(Precision precision);  // "fp32", "bf16", "int8"
// Parses "fp32", "bf16" or "int8"; false for anything else.
bool precision_from_name(const std::string& name, Precision* precision);
// Whether this CPU (within MINIRT_MAX_ISA) has kernels for the precision,
// i.e. whether a Session with it can be made; fp32 always can.
bool precision_supported(Precision precision);

// Where a Session runs. kCuda: GPU 0 (compute capability 8.0 or later) with
// fp16 weights and activations, fp32 LayerNorm and softmax math and fp32
// accumulation, fp32 outputs; fp32 precision only, no profiling, and only
// models of the fused ops (EmbedLayerNorm, MatMul, Attention with head dim
// 16, 32 or 64, AddLayerNorm, Pooler). The Session constructor throws Error
// naming what is missing: a build without the CUDA backend (no nvcc, or
// -DMINIRT_CUDA=OFF), a machine without a usable GPU or driver, an op.
enum class Device { kCpu, kCuda };

struct SessionOptions {
  int threads = 1;
  // A precision the CPU (or the MINIRT_MAX_ISA cap) has no kernels for
  // makes the Session constructor throw Error; it never runs fp32 instead.
  Precision precision = Precision::kFloat32;
  // In a bf16 or int8 session on a CPU with AVX512-BF16, attention's Q K^T and
  // P V take bf16 inputs with fp32 accumulation (softmax and output stay
  // fp32); false keeps them fp32. Session::isa() says which runs.
  bool bf16_attention = true;
  // Time every op of every run (two clock reads per op); see Session::op_profile().
  bool profile = false;
  Device device = Device::kCpu;
};

// Wall time one op took over the runs since the session began or
// clear_op_profile(). Names point into the model, which the session holds.
struct OpProfile {
  const char* name = nullptr;  // the op's name in the file
  const char* kind = nullptr;  // "MatMul", "Attention", ...
  double total_us = 0.0;
  int64_t runs = 0;
};

class Session {
 public:
  explicit Session(std::shared_ptr<const Model> model, SessionOptions options = {});
  ~Session();
  Session(const Session&) = delete;
  Session& operator=(const Session&) = delete;

  // Runs one request of any batch <= max_batch and seq <= max_seq. No heap
  // allocation happens inside. The returned views live until the next run().
  std::span<const OutputView> run(const Inputs& inputs);

  // Runs a padding-free batch: up to the model's max_tokens tokens in all,
  // each sequence 1..max_seq long, attention within each sequence. Outputs
  // per token are packed like the input, [tokens, hidden] (sequence b's rows
  // from cu_seqlens[b]); outputs per sequence (pooled, logits) have one row
  // per sequence, [n, ...]. They equal Session::run's at every valid position.
  // Throws Error for a model with a generic op (ModelSummary::ragged_refusal)
  // and for offsets that do not describe input_ids. No heap allocation.
  std::span<const OutputView> run_ragged(const RaggedInputs& inputs);

  // Tokenize with the model's tokenizer (minirt/tokenizer.h), then run: one
  // text, a text pair, or a batch (texts[i] with pairs[i] when pairs is not
  // empty). Throws Error when the model has no tokenizer, for invalid UTF-8,
  // and past max_batch. These allocate (the token ids); run() does not.
  std::span<const OutputView> run_text(std::string_view text);
  std::span<const OutputView> run_text(std::string_view text, std::string_view pair);
  std::span<const OutputView> run_texts(std::span<const std::string> texts,
                                        std::span<const std::string> pairs = {});

  // One entry per op, in op-list order; empty unless SessionOptions::profile.
  std::span<const OpProfile> op_profile() const;
  void clear_op_profile();

  // Which kernel family this session runs ("reference" for now).
  const char* isa() const;
  size_t arena_bytes() const;

  struct Impl;

 private:
  friend void set_run_observer(Session& session, RunObserver* observer);
  std::unique_ptr<Impl> impl_;
};

}  // namespace minirt
