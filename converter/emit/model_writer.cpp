#include "converter/emit/model_writer.h"

#include <bit>
#include <stdexcept>

#include "converter/emit/atomic_file.h"
#include "converter/emit/generic_params.h"
#include "converter/emit/validate.h"
#include "converter/ir/op_types.h"
#include "format/format_version.h"
#include "format/minirt_generated.h"

namespace minirt::converter {

namespace {

static_assert(std::endian::native == std::endian::little, "weights are stored little-endian");

constexpr size_t kWeightAlignment = 64;

fb::ValueKind to_fb(ir::ValueKind kind) {
  switch (kind) {
    case ir::ValueKind::kInput:
      return fb::ValueKind::Input;
    case ir::ValueKind::kOutput:
      return fb::ValueKind::Output;
    case ir::ValueKind::kWeight:
      return fb::ValueKind::Weight;
    case ir::ValueKind::kIntermediate:
      return fb::ValueKind::Intermediate;
  }
  throw std::logic_error("unknown value kind");
}

fb::Activation to_fb_activation(const std::string& name) {
  if (name == ir::activation::kNone) return fb::Activation::None;
  if (name == ir::activation::kGeluErf) return fb::Activation::GeluErf;
  if (name == ir::activation::kGeluTanh) return fb::Activation::GeluTanh;
  if (name == ir::activation::kTanh) return fb::Activation::Tanh;
  throw std::logic_error("unknown activation " + name);  // validate_graph rejects it first
}

fb::Dim to_fb(const ir::Dim& d) {
  auto symbols = fb::DimSymbol::NONE;
  if (d.batch) symbols |= fb::DimSymbol::BATCH;
  if (d.seq) symbols |= fb::DimSymbol::SEQ;
  return fb::Dim(d.factor, symbols);
}

// The op's params table and its union tag.
std::pair<fb::OpParams, flatbuffers::Offset<void>> build_params(flatbuffers::FlatBufferBuilder& b,
                                                                const ir::Op& op) {
  const ir::Attributes& a = op.attrs;
  if (op.type == ir::op_type::kEmbedLayerNorm) {
    return {fb::OpParams::EmbedLayerNorm,
            fb::CreateEmbedLayerNorm(b, a.get_float("epsilon")).Union()};
  }
  if (op.type == ir::op_type::kMatMul) {
    return {fb::OpParams::MatMul,
            fb::CreateMatMul(b, to_fb_activation(a.get_string("activation"))).Union()};
  }
  if (op.type == ir::op_type::kAttention) {
    return {fb::OpParams::Attention,
            fb::CreateAttention(b, static_cast<int32_t>(a.get_int("num_heads")),
                                static_cast<int32_t>(a.get_int("head_dim")), a.get_float("scale"))
                .Union()};
  }
  if (op.type == ir::op_type::kAddLayerNorm) {
    return {fb::OpParams::AddLayerNorm, fb::CreateAddLayerNorm(b, a.get_float("epsilon")).Union()};
  }
  if (op.type == ir::op_type::kPooler) {
    return {fb::OpParams::Pooler, fb::CreatePooler(b).Union()};
  }
  return build_generic_params(b, op);
}

}  // namespace

flatbuffers::DetachedBuffer build_model_buffer(const ir::Graph& graph, const EmitOptions& options) {
  validate_graph(graph, options);

  size_t weight_bytes = 0;
  for (const ir::Value& v : graph.values) weight_bytes += v.data.size() + kWeightAlignment;
  // Room for every weight plus the tables, so the builder never reallocates.
  flatbuffers::FlatBufferBuilder b(weight_bytes + (1 << 20));

  // Weights first: FlatBuffers fills the buffer from the back, so they end up
  // at the end of the file, after the small tables the loader reads first.
  // The builder aligns relative to the end of the buffer; forcing 64 here
  // also raises its minimum alignment to 64, and Finish pads the front so
  // the whole size is a multiple of it. Hence 64 from the end is 64 from the
  // start, checked below. (ForceVectorAlignment asserts alignment <=
  // FLATBUFFERS_MAX_ALIGNMENT, 32 by default: builds without NDEBUG must
  // define it as 64.)
  std::vector<flatbuffers::Offset<fb::Buffer>> buffers;
  std::vector<uint32_t> buffer_of_value(graph.values.size(), 0);
  for (size_t id = 0; id < graph.values.size(); ++id) {
    const ir::Value& v = graph.values[id];
    if (v.kind != ir::ValueKind::kWeight) continue;
    b.ForceVectorAlignment(v.data.size(), sizeof(uint8_t), kWeightAlignment);
    auto data = b.CreateVector(v.data.bytes().data(), v.data.size());
    buffer_of_value[id] = static_cast<uint32_t>(buffers.size());
    buffers.push_back(fb::CreateBuffer(b, data));
  }
  auto buffers_vec = b.CreateVector(buffers);

  std::vector<flatbuffers::Offset<fb::Value>> values;
  for (size_t id = 0; id < graph.values.size(); ++id) {
    const ir::Value& v = graph.values[id];
    std::vector<fb::Dim> dims;
    for (const ir::Dim& d : v.shape) dims.push_back(to_fb(d));
    values.push_back(fb::CreateValue(b, b.CreateString(v.name), ir::to_fb(v.dtype),
                                     b.CreateVectorOfStructs(dims), to_fb(v.kind),
                                     buffer_of_value[id]));
  }
  auto values_vec = b.CreateVector(values);

  std::vector<flatbuffers::Offset<fb::Op>> ops;
  for (const ir::Op& op : graph.ops) {
    auto name = b.CreateString(op.name);
    auto [params_type, params] = build_params(b, op);
    ops.push_back(fb::CreateOp(b, name, params_type, params, b.CreateVector(op.inputs),
                               b.CreateVector(op.outputs)));
  }
  auto ops_vec = b.CreateVector(ops);

  std::vector<flatbuffers::Offset<fb::KeyValue>> metadata;
  for (const auto& [key, value] : graph.metadata) {
    metadata.push_back(fb::CreateKeyValue(b, b.CreateString(key), b.CreateString(value)));
  }
  auto metadata_vec = b.CreateVector(metadata);

  auto model =
      fb::CreateModel(b, kFormatVersion, b.CreateString(kProducer), b.CreateString(options.source),
                      metadata_vec, options.max_batch, options.max_seq, values_vec, buffers_vec,
                      ops_vec, b.CreateVector(graph.inputs), b.CreateVector(graph.outputs));
  fb::FinishModelBuffer(b, model);

  if (!buffers.empty() && b.GetSize() % kWeightAlignment != 0) {
    throw std::logic_error("model buffer size is not a multiple of 64; weights would misalign");
  }
  flatbuffers::Verifier verifier(b.GetBufferPointer(), b.GetSize());
  if (!fb::VerifyModelBuffer(verifier)) {
    throw std::logic_error("the written model fails the FlatBuffers verifier");
  }
  return b.Release();
}

void write_model_file(const ir::Graph& graph, const EmitOptions& options,
                      const std::filesystem::path& path) {
  const flatbuffers::DetachedBuffer buffer = build_model_buffer(graph, options);
  write_file_atomically(path, {buffer.data(), buffer.size()});
}

}  // namespace minirt::converter
