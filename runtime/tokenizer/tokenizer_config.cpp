#include "runtime/tokenizer/tokenizer_config.h"

#include <algorithm>

#include "minirt/minirt.h"

namespace minirt::tokenizer {

namespace {

[[noreturn]] void fail(const std::string& what) { throw Error("tokenizer: " + what); }

void check_id(const TokenizerConfig& config, int64_t id, const std::string& what) {
  if (id < 0 || static_cast<size_t>(id) >= config.vocab.size()) {
    fail(what + " id " + std::to_string(id) + " is outside the vocabulary (" +
         std::to_string(config.vocab.size()) + " tokens)");
  }
}

// Special tokens of the template; each sequence it must hold appears once.
int check_template(const TokenizerConfig& config, const std::vector<TemplatePiece>& pieces,
                   int sequences, const char* name) {
  int specials = 0;
  int seen[2] = {0, 0};
  for (const TemplatePiece& piece : pieces) {
    if (piece.type_id > 1) {
      fail(std::string(name) + " template: type id " + std::to_string(piece.type_id) +
           " (BERT has types 0 and 1)");
    }
    if (piece.special_id >= 0) {
      check_id(config, piece.special_id, std::string(name) + " template's special token");
      ++specials;
    } else if (piece.sequence >= sequences) {
      fail(std::string(name) + " template: sequence " + std::to_string(piece.sequence) +
           " (it has " + std::to_string(sequences) + ")");
    } else {
      ++seen[piece.sequence];
    }
  }
  for (int s = 0; s < sequences; ++s) {
    if (seen[s] != 1) {
      fail(std::string(name) + " template holds sequence " + "AB"[s] + " " +
           std::to_string(seen[s]) + " times, not once");
    }
  }
  return specials;
}

}  // namespace

void check_tokenizer_config(const TokenizerConfig& config, int64_t max_seq) {
  if (config.vocab.empty()) fail("the vocabulary is empty");
  for (size_t id = 0; id < config.vocab.size(); ++id) {
    if (config.vocab[id].empty()) fail("vocabulary token " + std::to_string(id) + " is empty");
  }
  check_id(config, config.unk_id, "the unk token's");
  check_id(config, config.pad_id, "the pad token's");
  for (int32_t id : config.special_ids) check_id(config, id, "special token");
  if (config.max_input_chars_per_word <= 0) {
    fail("max_input_chars_per_word " + std::to_string(config.max_input_chars_per_word) +
         " is not positive");
  }
  check_template(config, config.single, 1, "single");
  const int pair_specials = check_template(config, config.pair, 2, "pair");
  if (config.max_length <= pair_specials) {
    fail("max length " + std::to_string(config.max_length) +
         " leaves no room beside the pair template's " + std::to_string(pair_specials) +
         " special tokens");
  }
  if (max_seq > 0 && config.max_length > max_seq) {
    fail("max length " + std::to_string(config.max_length) + " exceeds the model's max seq " +
         std::to_string(max_seq));
  }
}

std::vector<TemplatePiece> bert_single_template(int32_t cls_id, int32_t sep_id) {
  return {{cls_id, 0, 0}, {-1, 0, 0}, {sep_id, 0, 0}};
}

std::vector<TemplatePiece> bert_pair_template(int32_t cls_id, int32_t sep_id) {
  return {{cls_id, 0, 0}, {-1, 0, 0}, {sep_id, 0, 0}, {-1, 1, 1}, {sep_id, 0, 1}};
}

}  // namespace minirt::tokenizer
