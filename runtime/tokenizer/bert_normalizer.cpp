#include "runtime/tokenizer/bert_normalizer.h"

#include <algorithm>

#include "runtime/tokenizer/unicode.h"

namespace minirt::tokenizer {

namespace {

// clean_text: drop NUL, U+FFFD and "other" characters (Cc, Cf, Co; tab, LF
// and CR count as whitespace instead), turn whitespace into ' '.
char32_t clean(char32_t c) {
  if (c == '\t' || c == '\n' || c == '\r') return ' ';
  if (c == 0 || c == 0xFFFD) return 0;
  const uint8_t flags = char_flags(c);
  if (flags & kOther) return 0;
  return (flags & kWhitespace) ? U' ' : c;
}

// NFD of text into out: full decomposition, then combining marks put in
// canonical order (a stable sort by class of each run of non-starters).
void nfd(const std::u32string& text, std::u32string& out) {
  out.clear();
  char32_t hangul[3];
  for (char32_t c : text) {
    std::span<const char32_t> parts = decomposition(c, hangul);
    if (parts.empty()) {
      out.push_back(c);
    } else {
      out.append(parts.begin(), parts.end());
    }
  }
  for (size_t i = 0; i < out.size();) {
    if (out[i] < 0x300 || combining_class(out[i]) == 0) {
      ++i;
      continue;
    }
    size_t end = i + 1;
    while (end < out.size() && combining_class(out[end]) != 0) ++end;
    if (end - i > 1) {
      std::stable_sort(out.begin() + i, out.begin() + end, [](char32_t a, char32_t b) {
        return combining_class(a) < combining_class(b);
      });
    }
    i = end;
  }
}

}  // namespace

void bert_normalize(const NormalizerOptions& options, const std::u32string& text,
                    std::u32string& out) {
  out.clear();
  out.reserve(text.size() + 8);
  for (char32_t c : text) {
    if (options.clean_text && (c = clean(c)) == 0) continue;
    if (options.handle_chinese_chars && c >= 0x3400 && is_chinese_char(c)) {
      out.push_back(' ');
      out.push_back(c);
      out.push_back(' ');
    } else {
      out.push_back(c);
    }
  }
  if (options.strip_accents) {
    std::u32string decomposed;
    nfd(out, decomposed);
    out.clear();
    for (char32_t c : decomposed) {
      if (c < 0x300 || !(char_flags(c) & kNonspacingMark)) out.push_back(c);
    }
  }
  if (options.lowercase) {
    // In place unless a character lowers to several (only U+0130 does).
    for (size_t i = 0; i < out.size(); ++i) {
      const char32_t c = out[i];
      if (c < 0x80) {
        if (c >= 'A' && c <= 'Z') out[i] = c + 32;
        continue;
      }
      std::span<const char32_t> lower = lowercase(c);
      if (lower.empty()) continue;
      out[i] = lower[0];
      if (lower.size() > 1) {
        out.insert(out.begin() + i + 1, lower.begin() + 1, lower.end());
        i += lower.size() - 1;
      }
    }
  }
}

}  // namespace minirt::tokenizer
