// What a model file says about its tokenizer, as plain structs: the loader
// reads it from the file, the converter from a Hugging Face folder, and
// check_tokenizer_config holds both to one set of rules.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "runtime/tokenizer/bert_normalizer.h"

namespace minirt::tokenizer {

// One element of a TemplateProcessing template: a special token, or the
// tokens of sequence A (0) or B (1); every token of it gets type_id.
struct TemplatePiece {
  int32_t special_id = -1;  // -1: a sequence
  uint8_t sequence = 0;
  uint8_t type_id = 0;
  bool operator==(const TemplatePiece&) const = default;
};

struct TokenizerConfig {
  std::vector<std::string> vocab;  // vocab[id]
  NormalizerOptions normalizer;
  int32_t unk_id = -1, pad_id = -1;
  std::string continuing_subword_prefix = "##";
  int32_t max_input_chars_per_word = 100;
  // Added tokens matched in the raw text before normalization ([CLS], [SEP],
  // [MASK], ...): each becomes its id whole.
  std::vector<int32_t> special_ids;
  std::vector<TemplatePiece> single, pair;
  // Encodings longer than this are truncated (longest first for pairs).
  int32_t max_length = 0;
};

// Throws Error naming the first broken rule: ids inside the vocabulary, the
// unk and pad tokens present, each template holding its sequences once,
// type ids 0 or 1, max_length above the pair template's special tokens and at
// most max_seq (the longest sequence the model runs; 0: no bound).
void check_tokenizer_config(const TokenizerConfig& config, int64_t max_seq);

// The templates of BERT: "[CLS] $A [SEP]" and "[CLS] $A [SEP] $B:1 [SEP]:1".
std::vector<TemplatePiece> bert_single_template(int32_t cls_id, int32_t sep_id);
std::vector<TemplatePiece> bert_pair_template(int32_t cls_id, int32_t sep_id);

}  // namespace minirt::tokenizer
