// What Model::load builds from a verified file: plain structs the backends
// read, with every index, dtype and shape already checked.
#pragma once

#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <type_traits>
#include <vector>

#include "format/dtype_info.h"
#include "minirt/minirt.h"
#include "minirt/tokenizer.h"
#include "ops/op_types.h"
#include "ops/run_shape.h"
#include "runtime/model/model_bytes.h"
#include "runtime/model/shared_prepared.h"
#include "runtime/plan/arena_planner.h"

namespace minirt {

using DType = fb::DType;

enum class ValueKind { kInput, kOutput, kWeight, kIntermediate };

// factor * (batch if batch) * (seq if seq). In a ragged run B*S is the
// token count (RunShape::tokens, equal to batch * seq when padded).
struct SymDim {
  int64_t factor = 1;
  bool batch = false;
  bool seq = false;

  int64_t eval(const RunShape& run) const {
    if (batch && seq) return factor * run.tokens;
    return factor * (batch ? run.batch : 1) * (seq ? run.seq : 1);
  }
  bool operator==(const SymDim&) const = default;
  std::string str() const;  // "768", "B", "S", "12*S", "B*S"
};

struct ValueInfo {
  std::string name;
  DType dtype = DType::F32;
  ValueKind kind = ValueKind::kIntermediate;
  std::vector<SymDim> shape;
  const uint8_t* weight = nullptr;  // kWeight: the bytes in Impl::file
  size_t max_bytes = 0;             // bytes at the model's max batch and seq, or its token budget

  // The dims of a run into out (room for the value's rank); returns the rank.
  // A ragged run packs the tokens: a B dim followed by an S dim is one dim of
  // the token count, so [B,S,768] is [tokens,768] (ragged_support.h says
  // which shapes a ragged run accepts).
  int dims(const RunShape& run, int64_t* out) const;
  int64_t numel(const RunShape& run) const;
  std::string shape_str() const;  // "[B,S,768]"
};

// Whether two enumerators have one code. A runtime enum that mirrors one of
// minirt.fbs's is tied to it by static_asserts of this where it is converted.
template <typename A, typename B>
constexpr bool same_code(A a, B b) {
  return static_cast<int>(a) == static_cast<int>(b);
}

// The file's activation as ops/op_types.h's; throws Error for an unknown code.
Activation activation_from(fb::Activation act);
// The file's precision floor, checked; throws Error for an unknown code.
fb::PrecisionFloor precision_floor_from(fb::PrecisionFloor floor);

// An op's kind is its params' type in the file: the schema's OpParams union is
// the one list of kinds (fb::EnumNameOpParams names them). NONE is no kind.
using OpKind = fb::OpParams;

struct OpInfo {
  OpKind kind = OpKind::NONE;
  std::string name;
  std::vector<int32_t> inputs;  // -1: optional input absent
  std::vector<int32_t> outputs;
  // Attributes; each kind reads its own.
  Activation activation = Activation::kNone;
  fb::PrecisionFloor precision_floor = fb::PrecisionFloor::Any;  // MatMul, Attention
  // MatMul: the file's static int8 input quantization (checked at load). Only
  // an int8 CPU MatMul reads it; fp32 and bf16 ignore it, and so does the
  // CUDA backend (fp16 only).
  std::optional<StaticQuantization> input_quantization;
  float epsilon = 0.0f;
  int32_t num_heads = 0;
  int32_t head_dim = 0;
  float scale = 1.0f;
  // Attention: the MatMul writing its QKV has an F32 floor, so its products
  // stay fp32 in every session (set_attention_floors).
  bool fp32_attention = false;
  // Generic ops' attributes.
  int elementwise_fn = 0;      // ref::ElementwiseFn
  int32_t axis = 0;            // Softmax, LayerNormalization, Gather, Concat, (De)QuantizeLinear
  std::vector<int32_t> axes;   // ReduceMean axes, Transpose perm
  std::vector<SymDim> dims;    // Slice starts, DimValues values
  std::vector<int64_t> steps;  // Slice
  float alpha = 1.0f, beta = 1.0f;
  bool trans_a = false, trans_b = false;
  double start = 0.0, delta = 0.0;  // Range
};

// Marks fp32_attention on each Attention with an F32 floor of its own (a QDQ
// graph's float attention) or whose QKV comes from a MatMul with an F32
// floor: the layer minirt-convert --min-cosine kept in fp32 keeps its
// attention in fp32 too, and a file with every MatMul at F32 runs a reduced
// session exactly as fp32.
void set_attention_floors(std::vector<OpInfo>& ops);

// Throws Error naming `where` when a vector of 8-byte elements (int64, Dim)
// starts misaligned. The FlatBuffers verifier checks a vector's length field
// (4-byte aligned), not its elements, so a corrupt offset can leave them
// misaligned, and reading them is undefined. The bytes start on a 64-byte
// boundary (a page for a map), so this is alignment within the file.
template <typename T>
void check_element_alignment(const flatbuffers::Vector<T>* vector, const std::string& where) {
  using Element = std::remove_pointer_t<typename flatbuffers::Vector<T>::return_type>;
  if (vector && vector->size() > 0 &&
      reinterpret_cast<uintptr_t>(vector->Data()) % alignof(Element) != 0)
    throw Error(where + " vector starts misaligned (corrupt file)");
}

// A file's dim as a SymDim. Throws Error naming `where` for symbol bits this
// runtime does not know: a newer format's symbol, which it would misread.
SymDim sym_dim_from(const fb::Dim& dim, const std::string& where);

// Reads the params of a generic op into op (kind and attributes); false when
// the params are not a generic op's.
bool read_generic_params(const fb::Op& src, OpInfo& op);

// What a graph input may hold, derived from the ops that read it.
struct InputLimit {
  int32_t value = -1;       // index into values
  int64_t index_bound = 0;  // ids must lie in [0, index_bound); 0: no bound
  bool binary = false;      // an attention mask: 0 or 1 only
};

struct Model::Impl {
  // Out of line and hidden: libminirt.so exports minirt::Model::*, never its
  // insides (exports.map; the weak inline destructor would match that glob).
  __attribute__((visibility("hidden"))) ~Impl();

  std::unique_ptr<const ModelBytes> file;  // the mapped file or the aligned copy
  std::string producer, source;
  std::vector<std::pair<std::string, std::string>> metadata;
  int32_t max_batch = 0, max_seq = 0;
  // Padding-free runs: the most tokens one may hold (the file's max_tokens,
  // else max_batch * max_seq), and why the model cannot run them (empty when
  // it can; set at load by check_ragged_support).
  int64_t max_tokens = 0;
  std::string ragged_refusal;
  std::vector<ValueInfo> values;
  std::vector<OpInfo> ops;
  std::vector<int32_t> inputs, outputs;
  std::vector<InputLimit> input_limits;  // parallel to inputs
  ArenaPlan arena;                       // offsets of kIntermediate and kOutput values
  std::vector<int64_t> arena_offset;     // per value; -1 for inputs and weights
  size_t weight_bytes = 0;
  std::unique_ptr<const Tokenizer> tokenizer;  // null: the file has none
  // Filled by sessions as they prepare ops; the model's data stays immutable.
  mutable SharedPrepared prepared;
};

// Builds the Impl from a mapped file or bytes in memory: verifier, then our
// own checks. Errors name bytes->name().
std::unique_ptr<Model::Impl> load_model_impl(std::unique_ptr<const ModelBytes> bytes,
                                             const LoadOptions& options);

}  // namespace minirt
