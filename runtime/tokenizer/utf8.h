// Strict UTF-8 decoding and encoding for the tokenizer.
//
// Invalid UTF-8 (a stray continuation byte, a truncated sequence, an overlong
// form, a surrogate, a code point past U+10FFFF) is an Error naming the byte
// offset. Hugging Face's tokenizers never sees such input either: its Rust
// API takes &str (valid UTF-8 by construction) and its Python binding raises
// on str that cannot be encoded; only the Node binding substitutes U+FFFD
// for a lone surrogate, which BertNormalizer's clean_text then deletes.
#pragma once

#include <string>
#include <string_view>
#include <vector>

namespace minirt::tokenizer {

// Appends the code points of text to out; throws Error "invalid UTF-8 at byte
// N of <what>: ..." on the first bad byte.
void decode_utf8(std::string_view text, std::u32string& out, std::string_view what = "the text");

// Appends the UTF-8 encoding of cp (a valid scalar value) to out.
void append_utf8(char32_t cp, std::string& out);

}  // namespace minirt::tokenizer
