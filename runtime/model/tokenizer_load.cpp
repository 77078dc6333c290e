#include "runtime/model/tokenizer_load.h"

#include "runtime/tokenizer/tokenizer_impl.h"

namespace minirt {

namespace {

std::vector<tokenizer::TemplatePiece> read_template(
    const flatbuffers::Vector<const fb::TemplatePiece*>* pieces) {
  std::vector<tokenizer::TemplatePiece> out;
  if (pieces) {
    for (const fb::TemplatePiece* p : *pieces) {
      out.push_back({p->special_id(), p->sequence(), p->type_id()});
    }
  }
  return out;
}

// The bound the model puts on input `name` (0: none, or no such input).
int64_t input_bound(const Model::Impl& impl, const std::string& name) {
  for (size_t i = 0; i < impl.inputs.size(); ++i) {
    if (impl.values[impl.inputs[i]].name == name) return impl.input_limits[i].index_bound;
  }
  return 0;
}

}  // namespace

std::unique_ptr<const Tokenizer> load_tokenizer(const fb::Tokenizer& table,
                                                const Model::Impl& impl) {
  tokenizer::TokenizerConfig config;
  if (table.vocab()) {
    config.vocab.reserve(table.vocab()->size());
    for (const flatbuffers::String* token : *table.vocab()) {
      config.vocab.emplace_back(token ? token->string_view() : std::string_view());
    }
  }
  config.normalizer = {table.clean_text(), table.handle_chinese_chars(), table.strip_accents(),
                       table.lowercase()};
  config.unk_id = table.unk_id();
  config.pad_id = table.pad_id();
  config.continuing_subword_prefix =
      table.continuing_subword_prefix() ? table.continuing_subword_prefix()->str() : "";
  config.max_input_chars_per_word = table.max_input_chars_per_word();
  if (table.special_ids()) {
    config.special_ids.assign(table.special_ids()->begin(), table.special_ids()->end());
  }
  config.single = read_template(table.single());
  config.pair = read_template(table.pair());
  config.max_length = table.max_length();

  // Every id the tokenizer can give must index the model's embedding tables.
  const int64_t id_bound = input_bound(impl, "input_ids");
  if (id_bound > 0 && static_cast<int64_t>(config.vocab.size()) > id_bound) {
    throw Error("tokenizer: its vocabulary has " + std::to_string(config.vocab.size()) +
                " tokens but the model's input_ids take ids below " + std::to_string(id_bound));
  }
  const int64_t type_bound = input_bound(impl, "token_type_ids");
  if (type_bound == 1) {
    for (const tokenizer::TemplatePiece& piece : config.pair) {
      if (piece.type_id >= type_bound) {
        throw Error("tokenizer: the pair template gives type id " + std::to_string(piece.type_id) +
                    " but the model has " + std::to_string(type_bound) + " token type");
      }
    }
  }
  return make_tokenizer(std::move(config), impl.max_seq);
}

}  // namespace minirt
