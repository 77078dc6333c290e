#include "converter/emit/model_writer.h"

#include <bit>
#include <stdexcept>

#include "converter/emit/atomic_file.h"
#include "converter/emit/op_params.h"
#include "format/format_version.h"
#include "format/minirt_generated.h"
#include "minirt/minirt.h"

namespace minirt::converter {

namespace {

static_assert(std::endian::native == std::endian::little, "weights are stored little-endian");

constexpr size_t kWeightAlignment = 64;

flatbuffers::Offset<fb::Tokenizer> write_tokenizer(flatbuffers::FlatBufferBuilder& b,
                                                   const tokenizer::TokenizerConfig& config) {
  auto pieces = [&](const std::vector<tokenizer::TemplatePiece>& from) {
    std::vector<fb::TemplatePiece> out;
    for (const tokenizer::TemplatePiece& p : from)
      out.emplace_back(p.special_id, p.sequence, p.type_id);
    return b.CreateVectorOfStructs(out);
  };
  const auto vocab = b.CreateVectorOfStrings(config.vocab);
  const auto prefix = b.CreateString(config.continuing_subword_prefix);
  const auto special_ids = b.CreateVector(config.special_ids);
  const auto single = pieces(config.single);
  const auto pair = pieces(config.pair);
  const tokenizer::NormalizerOptions& n = config.normalizer;
  return fb::CreateTokenizer(b, vocab, n.clean_text, n.handle_chinese_chars, n.strip_accents,
                             n.lowercase, config.unk_id, config.pad_id, prefix,
                             config.max_input_chars_per_word, special_ids, single, pair,
                             config.max_length);
}

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

fb::Dim to_fb(const ir::Dim& d) {
  auto symbols = fb::DimSymbol::NONE;
  if (d.batch) symbols |= fb::DimSymbol::BATCH;
  if (d.seq) symbols |= fb::DimSymbol::SEQ;
  return fb::Dim(d.factor, symbols);
}

// The graph as a FlatBuffer, unchecked beyond what the file cannot express.
flatbuffers::DetachedBuffer serialize(const ir::Graph& graph, const EmitOptions& options,
                                      const tokenizer::TokenizerConfig* tokenizer_config) {
  size_t weight_bytes = 0;
  for (const ir::Value& v : graph.values) weight_bytes += v.data.size() + kWeightAlignment;
  // Room for every weight plus the tables, so the builder never reallocates.
  flatbuffers::FlatBufferBuilder b(weight_bytes + (1 << 20));

  // Weights first: FlatBuffers fills the buffer from the back, so they end up
  // at the end of the file, after the small tables the loader reads first.
  // The builder aligns relative to the end of the buffer; forcing 64 here
  // also raises its minimum alignment to 64, and Finish pads the front so
  // the whole size is a multiple of it. Hence 64 from the end is 64 from the
  // start, which the loader checks. (ForceVectorAlignment asserts alignment <=
  // FLATBUFFERS_MAX_ALIGNMENT, 32 by default: builds without NDEBUG must
  // define it as 64.)
  std::vector<flatbuffers::Offset<fb::Buffer>> buffers;
  std::vector<uint32_t> buffer_of_value(graph.values.size(), 0);
  for (size_t id = 0; id < graph.values.size(); ++id) {
    const ir::Value& v = graph.values[id];
    if (v.kind != ir::ValueKind::kWeight) {
      if (!v.data.empty())
        throw std::runtime_error("value " + std::to_string(id) + " '" + v.name +
                                 "': only weights carry data");
      continue;
    }
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
  for (size_t i = 0; i < graph.ops.size(); ++i) {
    const ir::Op& op = graph.ops[i];
    auto name = b.CreateString(op.name);
    std::pair<fb::OpParams, flatbuffers::Offset<void>> params_of;
    try {
      params_of = build_op_params(b, op);
    } catch (const std::exception& e) {
      throw std::runtime_error("op " + std::to_string(i) + " '" + op.name + "' (" + op.type +
                               "): " + e.what());
    }
    auto [params_type, params] = params_of;
    ops.push_back(fb::CreateOp(b, name, params_type, params, b.CreateVector(op.inputs),
                               b.CreateVector(op.outputs)));
  }
  auto ops_vec = b.CreateVector(ops);

  std::vector<flatbuffers::Offset<fb::KeyValue>> metadata;
  for (const auto& [key, value] : graph.metadata) {
    metadata.push_back(fb::CreateKeyValue(b, b.CreateString(key), b.CreateString(value)));
  }
  auto metadata_vec = b.CreateVector(metadata);

  const flatbuffers::Offset<fb::Tokenizer> tokenizer =
      tokenizer_config ? write_tokenizer(b, *tokenizer_config) : 0;

  auto model = fb::CreateModel(
      b, kFormatVersion, b.CreateString(kProducer), b.CreateString(options.source), metadata_vec,
      options.max_batch, options.max_seq, values_vec, buffers_vec, ops_vec,
      b.CreateVector(graph.inputs), b.CreateVector(graph.outputs), options.max_tokens, tokenizer);
  fb::FinishModelBuffer(b, model);
  return b.Release();
}

}  // namespace

flatbuffers::DetachedBuffer build_model_buffer(const ir::Graph& graph, const EmitOptions& options,
                                               const tokenizer::TokenizerConfig* tokenizer) {
  flatbuffers::DetachedBuffer buffer = serialize(graph, options, tokenizer);
  try {
    Model::load_from_memory({buffer.data(), buffer.size()},
                            options.source.empty() ? "<converted>" : options.source);
  } catch (const Error& e) {
    throw std::runtime_error(std::string("the converter produced an invalid model: ") + e.what());
  }
  return buffer;
}

void write_model_file(const ir::Graph& graph, const EmitOptions& options,
                      const std::filesystem::path& path,
                      const tokenizer::TokenizerConfig* tokenizer) {
  const flatbuffers::DetachedBuffer buffer = build_model_buffer(graph, options, tokenizer);
  write_file_atomically(path, {buffer.data(), buffer.size()});
}

}  // namespace minirt::converter
