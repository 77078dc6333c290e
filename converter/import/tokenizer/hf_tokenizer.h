// A Hugging Face tokenizer folder -> the TokenizerConfig sealed into the file.
//
// tokenizer.json (what the fast tokenizer runs) is read when present; else
// vocab.txt with tokenizer_config.json's settings, as BertTokenizerFast
// builds them. Anything minirt's tokenizer would not run exactly as Hugging
// Face does (another model, normalizer, pre-tokenizer or truncation strategy,
// added tokens with strip or normalization flags) is refused by name.
#pragma once

#include <filesystem>
#include <optional>
#include <string>

#include "runtime/tokenizer/tokenizer_config.h"

namespace minirt::converter {

// nullopt when dir holds neither tokenizer.json nor vocab.txt. max_seq bounds
// the max length: the truncation in tokenizer.json must not exceed it, and
// without one the length is tokenizer_config.json's model_max_length capped
// at max_seq (the model cannot run longer). Throws std::runtime_error naming
// the file and field.
std::optional<tokenizer::TokenizerConfig> read_hf_tokenizer(const std::filesystem::path& dir,
                                                            int64_t max_seq);

// One line for the converter's report: "tokenizer: WordPiece, 30522 tokens, ...".
std::string describe_tokenizer(const tokenizer::TokenizerConfig& config);

}  // namespace minirt::converter
