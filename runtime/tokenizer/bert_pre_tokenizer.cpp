#include "runtime/tokenizer/bert_pre_tokenizer.h"

#include "runtime/tokenizer/unicode.h"

namespace minirt::tokenizer {

namespace {

bool is_ascii_punctuation(char32_t c) {
  return (c >= '!' && c <= '/') || (c >= ':' && c <= '@') || (c >= '[' && c <= '`') ||
         (c >= '{' && c <= '~');
}

}  // namespace

void bert_pre_tokenize(std::u32string_view text, std::vector<std::u32string_view>& words) {
  size_t start = 0;
  for (size_t i = 0; i < text.size(); ++i) {
    const char32_t c = text[i];
    const uint8_t flags = char_flags(c);
    const bool space = flags & kWhitespace;
    const bool punct = !space && (is_ascii_punctuation(c) || (flags & kPunctuation));
    if (!space && !punct) continue;
    if (i > start) words.push_back(text.substr(start, i - start));
    if (punct) words.push_back(text.substr(i, 1));
    start = i + 1;
  }
  if (text.size() > start) words.push_back(text.substr(start));
}

}  // namespace minirt::tokenizer
