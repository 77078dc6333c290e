#include "runtime/tokenizer/utf8.h"

#include <cstdint>

#include "minirt/minirt.h"

namespace minirt::tokenizer {

namespace {

[[noreturn]] void fail(std::string_view what, size_t offset, const char* why) {
  throw Error("invalid UTF-8 at byte " + std::to_string(offset) + " of " + std::string(what) +
              ": " + why);
}

}  // namespace

void decode_utf8(std::string_view text, std::u32string& out, std::string_view what) {
  const auto* bytes = reinterpret_cast<const uint8_t*>(text.data());
  const size_t n = text.size();
  out.reserve(out.size() + n);
  for (size_t i = 0; i < n;) {
    const uint8_t lead = bytes[i];
    if (lead < 0x80) {
      out.push_back(lead);
      ++i;
      continue;
    }
    int length;
    char32_t cp, min;
    if ((lead & 0xE0) == 0xC0) {
      length = 2, cp = lead & 0x1F, min = 0x80;
    } else if ((lead & 0xF0) == 0xE0) {
      length = 3, cp = lead & 0x0F, min = 0x800;
    } else if ((lead & 0xF8) == 0xF0) {
      length = 4, cp = lead & 0x07, min = 0x10000;
    } else {
      fail(what, i,
           (lead & 0xC0) == 0x80 ? "continuation byte without a lead byte"
                                 : "byte 0xF8-0xFF never occurs in UTF-8");
    }
    if (i + length > n) fail(what, i, "sequence cut short by the end of the text");
    for (int k = 1; k < length; ++k) {
      const uint8_t byte = bytes[i + k];
      if ((byte & 0xC0) != 0x80) fail(what, i + k, "expected a continuation byte");
      cp = (cp << 6) | (byte & 0x3F);
    }
    if (cp < min) fail(what, i, "overlong encoding");
    if (cp >= 0xD800 && cp <= 0xDFFF) fail(what, i, "encoded surrogate (U+D800-U+DFFF)");
    if (cp > 0x10FFFF) fail(what, i, "code point past U+10FFFF");
    out.push_back(cp);
    i += length;
  }
}

void append_utf8(char32_t cp, std::string& out) {
  if (cp < 0x80) {
    out.push_back(static_cast<char>(cp));
  } else if (cp < 0x800) {
    out.push_back(static_cast<char>(0xC0 | (cp >> 6)));
    out.push_back(static_cast<char>(0x80 | (cp & 0x3F)));
  } else if (cp < 0x10000) {
    out.push_back(static_cast<char>(0xE0 | (cp >> 12)));
    out.push_back(static_cast<char>(0x80 | ((cp >> 6) & 0x3F)));
    out.push_back(static_cast<char>(0x80 | (cp & 0x3F)));
  } else {
    out.push_back(static_cast<char>(0xF0 | (cp >> 18)));
    out.push_back(static_cast<char>(0x80 | ((cp >> 12) & 0x3F)));
    out.push_back(static_cast<char>(0x80 | ((cp >> 6) & 0x3F)));
    out.push_back(static_cast<char>(0x80 | (cp & 0x3F)));
  }
}

}  // namespace minirt::tokenizer
