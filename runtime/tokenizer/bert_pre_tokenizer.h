// Hugging Face's BertPreTokenizer: split on whitespace (dropped) and on
// punctuation (each punctuation character a word of its own).
#pragma once

#include <string>
#include <string_view>
#include <vector>

namespace minirt::tokenizer {

// Appends the words of text to words, as views into text.
void bert_pre_tokenize(std::u32string_view text, std::vector<std::u32string_view>& words);

}  // namespace minirt::tokenizer
