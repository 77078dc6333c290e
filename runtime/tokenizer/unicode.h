// The Unicode data BERT tokenization needs, from unicode_tables.inc (see
// gen_unicode_tables.py for which Unicode version each property follows).
#pragma once

#include <cstdint>
#include <span>

namespace minirt::tokenizer {

enum CharFlag : uint8_t {
  kOther = 1,           // Cc, Cf or Co: removed by clean_text (tab, LF, CR excepted)
  kWhitespace = 2,      // White_Space
  kPunctuation = 4,     // P*: split off by the pre-tokenizer
  kNonspacingMark = 8,  // Mn: removed by strip_accents after NFD
};

uint8_t char_flags(char32_t cp);
// Canonical_Combining_Class.
uint8_t combining_class(char32_t cp);
// The full canonical decomposition of cp (Hangul syllables included), or an
// empty span when cp decomposes to itself. buffer holds Hangul's jamo.
std::span<const char32_t> decomposition(char32_t cp, char32_t (&buffer)[3]);
// char::to_lowercase: the lowercase mapping, or an empty span for none.
std::span<const char32_t> lowercase(char32_t cp);
// BERT's "Chinese character": the CJK Unified Ideographs blocks (not kana or
// Hangul), as Hugging Face's BertNormalizer lists them.
bool is_chinese_char(char32_t cp);

}  // namespace minirt::tokenizer
