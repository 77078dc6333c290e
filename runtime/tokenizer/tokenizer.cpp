#include <algorithm>

#include "runtime/tokenizer/bert_normalizer.h"
#include "runtime/tokenizer/bert_pre_tokenizer.h"
#include "runtime/tokenizer/tokenizer_impl.h"
#include "runtime/tokenizer/utf8.h"

namespace minirt {

using namespace tokenizer;

namespace {

int count_specials(const std::vector<TemplatePiece>& pieces) {
  return static_cast<int>(std::count_if(pieces.begin(), pieces.end(),
                                        [](const TemplatePiece& p) { return p.special_id >= 0; }));
}

// Hugging Face's TruncationStrategy::LongestFirst with a budget of n tokens
// (direction right, no stride): the shorter sequence keeps its length when
// the longer fits in what is left, else each gets half (the longer one the
// odd token).
void truncate_longest_first(std::vector<int64_t>& a, std::vector<int64_t>* b, size_t budget) {
  if (!b) {
    if (a.size() > budget) a.resize(budget);
    return;
  }
  if (a.size() + b->size() <= budget) return;
  size_t n1 = a.size(), n2 = b->size();
  const bool swap = n1 > n2;
  if (swap) std::swap(n1, n2);
  n2 = n1 > budget ? n1 : std::max(n1, budget - n1);
  if (n1 + n2 > budget) {
    n1 = budget / 2;
    n2 = n1 + budget % 2;
  }
  if (swap) std::swap(n1, n2);
  if (a.size() > n1) a.resize(n1);
  if (b->size() > n2) b->resize(n2);
}

}  // namespace

Tokenizer::Impl::Impl(TokenizerConfig cfg, int64_t max_seq)
    : config((check_tokenizer_config(cfg, max_seq), std::move(cfg))),
      wordpiece(config.vocab, config.unk_id, config.continuing_subword_prefix,
                config.max_input_chars_per_word),
      single_specials(count_specials(config.single)),
      pair_specials(count_specials(config.pair)) {
  for (int32_t id : config.special_ids) {
    std::u32string text;
    decode_utf8(config.vocab[id], text, "special token " + std::to_string(id));
    specials.push_back(std::move(text));
  }
}

void Tokenizer::Impl::encode_sequence(std::string_view text, std::vector<int64_t>& ids) const {
  std::u32string chars, normalized, scratch_word;
  decode_utf8(text, chars);
  std::vector<std::u32string_view> words;
  std::string piece_bytes;
  std::vector<uint32_t> boundaries;
  const size_t cap = static_cast<size_t>(config.max_length);
  auto encode_segment = [&](size_t begin, size_t end) {
    if (begin == end || ids.size() >= cap) return;
    bert_normalize(config.normalizer, chars.substr(begin, end - begin), normalized);
    words.clear();
    bert_pre_tokenize(normalized, words);
    for (std::u32string_view word : words) {
      if (ids.size() >= cap) return;
      wordpiece.encode(word, ids, piece_bytes, boundaries);
    }
  };
  // Special tokens are cut out of the raw text first, leftmost longest.
  size_t segment = 0;
  for (size_t i = 0; i < chars.size() && !specials.empty() && ids.size() < cap;) {
    size_t best = specials.size();
    for (size_t s = 0; s < specials.size(); ++s) {
      const std::u32string& special = specials[s];
      if (chars.compare(i, special.size(), special) == 0 &&
          (best == specials.size() || special.size() > specials[best].size())) {
        best = s;
      }
    }
    if (best == specials.size()) {
      ++i;
      continue;
    }
    encode_segment(segment, i);
    if (ids.size() >= cap) return;
    ids.push_back(config.special_ids[best]);
    i += specials[best].size();
    segment = i;
  }
  encode_segment(segment, chars.size());
}

void Tokenizer::Impl::post_process(std::vector<int64_t>& a, std::vector<int64_t>* b,
                                   std::vector<int64_t>& ids,
                                   std::vector<int64_t>& type_ids) const {
  const int specials_count = b ? pair_specials : single_specials;
  truncate_longest_first(a, b, static_cast<size_t>(config.max_length - specials_count));
  for (const TemplatePiece& piece : b ? config.pair : config.single) {
    if (piece.special_id >= 0) {
      ids.push_back(piece.special_id);
      type_ids.push_back(piece.type_id);
      continue;
    }
    const std::vector<int64_t>& seq = piece.sequence == 0 ? a : *b;
    ids.insert(ids.end(), seq.begin(), seq.end());
    type_ids.insert(type_ids.end(), seq.size(), piece.type_id);
  }
}

std::unique_ptr<Tokenizer> make_tokenizer(TokenizerConfig config, int64_t max_seq) {
  return std::make_unique<Tokenizer>(std::make_unique<Tokenizer::Impl>(std::move(config), max_seq));
}

Tokenizer::Tokenizer(std::unique_ptr<Impl> impl) : impl_(std::move(impl)) {}
Tokenizer::~Tokenizer() = default;

Encoding Tokenizer::encode(std::string_view text) const {
  Encoding out;
  std::vector<int64_t> a;
  impl_->encode_sequence(text, a);
  impl_->post_process(a, nullptr, out.ids, out.type_ids);
  for (int64_t id : out.ids) out.tokens.push_back(impl_->config.vocab[id]);
  return out;
}

Encoding Tokenizer::encode(std::string_view text, std::string_view pair) const {
  Encoding out;
  std::vector<int64_t> a, b;
  impl_->encode_sequence(text, a);
  impl_->encode_sequence(pair, b);
  impl_->post_process(a, &b, out.ids, out.type_ids);
  for (int64_t id : out.ids) out.tokens.push_back(impl_->config.vocab[id]);
  return out;
}

TokenBatch Tokenizer::encode_batch(std::span<const std::string> texts,
                                   std::span<const std::string> pairs) const {
  if (!pairs.empty() && pairs.size() != texts.size()) {
    throw Error("encode_batch: " + std::to_string(texts.size()) + " texts but " +
                std::to_string(pairs.size()) + " pairs");
  }
  TokenBatch batch;
  batch.cu_seqlens.push_back(0);
  std::vector<int64_t> a, b;
  for (size_t i = 0; i < texts.size(); ++i) {
    a.clear();
    impl_->encode_sequence(texts[i], a);
    if (pairs.empty()) {
      impl_->post_process(a, nullptr, batch.ids, batch.type_ids);
    } else {
      b.clear();
      impl_->encode_sequence(pairs[i], b);
      impl_->post_process(a, &b, batch.ids, batch.type_ids);
    }
    batch.cu_seqlens.push_back(static_cast<int64_t>(batch.ids.size()));
  }
  return batch;
}

PaddedBatch Tokenizer::pad(const TokenBatch& batch) const {
  PaddedBatch out;
  out.batch = static_cast<int64_t>(batch.size());
  for (size_t b = 0; b < batch.size(); ++b) {
    out.seq = std::max(out.seq, batch.cu_seqlens[b + 1] - batch.cu_seqlens[b]);
  }
  const size_t cells = static_cast<size_t>(out.batch * out.seq);
  out.input_ids.assign(cells, impl_->config.pad_id);
  out.attention_mask.assign(cells, 0);
  out.token_type_ids.assign(cells, 0);
  for (size_t b = 0; b < batch.size(); ++b) {
    const int64_t begin = batch.cu_seqlens[b], length = batch.cu_seqlens[b + 1] - begin;
    const size_t row = b * static_cast<size_t>(out.seq);
    std::copy_n(batch.ids.begin() + begin, length, out.input_ids.begin() + row);
    std::copy_n(batch.type_ids.begin() + begin, length, out.token_type_ids.begin() + row);
    std::fill_n(out.attention_mask.begin() + row, length, 1);
  }
  return out;
}

Inputs PaddedBatch::inputs() const {
  Inputs in;
  in.input_ids = Int64Tensor(input_ids.data(), {batch, seq});
  in.attention_mask = Int64Tensor(attention_mask.data(), {batch, seq});
  in.token_type_ids = Int64Tensor(token_type_ids.data(), {batch, seq});
  return in;
}

TokenizerInfo Tokenizer::info() const {
  const TokenizerConfig& c = impl_->config;
  TokenizerInfo info;
  info.vocab_size = c.vocab.size();
  info.clean_text = c.normalizer.clean_text;
  info.handle_chinese_chars = c.normalizer.handle_chinese_chars;
  info.strip_accents = c.normalizer.strip_accents;
  info.lowercase = c.normalizer.lowercase;
  info.max_length = c.max_length;
  info.unk_id = c.unk_id;
  info.pad_id = c.pad_id;
  for (int32_t id : c.special_ids) info.special_tokens.push_back(c.vocab[id]);
  return info;
}

}  // namespace minirt
