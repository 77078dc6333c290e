// Tokenizer::Impl: the pipeline built from a checked TokenizerConfig.
#pragma once

#include <string>
#include <vector>

#include "minirt/tokenizer.h"
#include "runtime/tokenizer/tokenizer_config.h"
#include "runtime/tokenizer/wordpiece.h"

namespace minirt {

struct Tokenizer::Impl {
  // Throws Error for a config check_tokenizer_config refuses (max_seq as there).
  Impl(tokenizer::TokenizerConfig config, int64_t max_seq);

  // The ids of one sequence, before truncation and the template. Stops after
  // the word that reaches max_length ids, as Hugging Face's tokenizers 0.23
  // does: longest-first truncation then compares these capped lengths.
  void encode_sequence(std::string_view text, std::vector<int64_t>& ids) const;
  // Truncates a (and b when there is a pair) and appends the template's ids
  // and type ids.
  void post_process(std::vector<int64_t>& a, std::vector<int64_t>* b, std::vector<int64_t>& ids,
                    std::vector<int64_t>& type_ids) const;

  tokenizer::TokenizerConfig config;
  tokenizer::WordPiece wordpiece;
  std::vector<std::u32string> specials;  // parallel to config.special_ids
  int single_specials = 0, pair_specials = 0;
};

// Builds the public Tokenizer; the loader and the converter's check use it.
std::unique_ptr<Tokenizer> make_tokenizer(tokenizer::TokenizerConfig config, int64_t max_seq);

}  // namespace minirt
