// minirt's WordPiece tokenizer: text in, the ids Hugging Face's tokenizers
// gives out (BertNormalizer, BertPreTokenizer, WordPiece, TemplateProcessing,
// longest-first truncation), from the tokenizer sealed into the model file.
//
//   auto model = minirt::Model::load("model.fb");
//   const minirt::Tokenizer* tok = model->tokenizer();     // nullptr: none in the file
//   minirt::Encoding e = tok->encode("Hello, world!");     // [CLS] hello , world ! [SEP]
//   minirt::TokenBatch batch = tok->encode_batch(texts);   // ragged: ids + cu_seqlens
//   minirt::PaddedBatch padded = tok->pad(batch);          // [B, S] with attention_mask
//
// Text is UTF-8; invalid UTF-8 throws Error naming the byte offset. A
// Tokenizer is immutable and may be used from any number of threads.
#pragma once

#include <cstdint>
#include <memory>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "minirt/minirt.h"

namespace minirt {

// One text (or pair) after the post-processor and truncation.
struct Encoding {
  std::vector<int64_t> ids;
  std::vector<int64_t> type_ids;    // 0 on the first sequence, 1 on the second
  std::vector<std::string> tokens;  // the vocabulary entry of each id
};

// A padding-free batch: sequence b is [cu_seqlens[b], cu_seqlens[b + 1]) of
// ids and type_ids (the input of Session::run_ragged).
struct TokenBatch {
  std::vector<int64_t> ids;
  std::vector<int64_t> type_ids;
  std::vector<int64_t> cu_seqlens;  // size() + 1 offsets, starting at 0
  size_t size() const { return cu_seqlens.empty() ? 0 : cu_seqlens.size() - 1; }
};

// A batch padded to its longest sequence, [batch, seq] row-major each.
struct PaddedBatch {
  std::vector<int64_t> input_ids, attention_mask, token_type_ids;
  int64_t batch = 0, seq = 0;
  // Views of the three tensors for Session::run; valid while this lives.
  Inputs inputs() const;
};

struct TokenizerInfo {
  size_t vocab_size = 0;
  bool clean_text = false, handle_chinese_chars = false, strip_accents = false, lowercase = false;
  int max_length = 0;  // longer encodings are truncated to this many tokens
  int64_t unk_id = 0, pad_id = 0;
  std::vector<std::string> special_tokens;  // matched in the raw text before normalization
};

class Tokenizer {
 public:
  struct Impl;
  explicit Tokenizer(std::unique_ptr<Impl> impl);
  ~Tokenizer();
  Tokenizer(const Tokenizer&) = delete;
  Tokenizer& operator=(const Tokenizer&) = delete;

  Encoding encode(std::string_view text) const;
  Encoding encode(std::string_view text, std::string_view pair) const;
  // texts[i] alone, or with pairs[i] when pairs is not empty (then it has
  // texts.size() entries).
  TokenBatch encode_batch(std::span<const std::string> texts,
                          std::span<const std::string> pairs = {}) const;
  // Pads every sequence to the longest with the pad id (mask 0, type 0).
  PaddedBatch pad(const TokenBatch& batch) const;

  TokenizerInfo info() const;
  const Impl& impl() const { return *impl_; }

 private:
  std::unique_ptr<Impl> impl_;
};

}  // namespace minirt
