#include "runtime/tokenizer/unicode.h"

#include <algorithm>
#include <array>

namespace minirt::tokenizer {

namespace {

struct FlagRange {
  uint32_t first, last;
  uint8_t flags;
};
struct ClassRange {
  uint32_t first, last;
  uint8_t combining_class;
};
struct Mapping {
  uint32_t cp, offset, length;
};

#include "runtime/tokenizer/unicode_tables.inc"

// The tables' code points as char32_t (the pools are uint32_t arrays).
static_assert(sizeof(char32_t) == sizeof(uint32_t));

template <typename Range>
const Range* find_range(std::span<const Range> ranges, char32_t cp) {
  auto it = std::upper_bound(ranges.begin(), ranges.end(), cp,
                             [](char32_t c, const Range& r) { return c < r.first; });
  if (it == ranges.begin()) return nullptr;
  --it;
  return cp <= it->last ? &*it : nullptr;
}

std::span<const char32_t> find_mapping(std::span<const Mapping> mappings, const uint32_t* pool,
                                       char32_t cp) {
  auto it = std::lower_bound(mappings.begin(), mappings.end(), cp,
                             [](const Mapping& m, char32_t c) { return m.cp < c; });
  if (it == mappings.end() || it->cp != cp) return {};
  return {reinterpret_cast<const char32_t*>(pool + it->offset), it->length};
}

// The Basic Multilingual Plane's flags in one array: nearly every character
// a tokenizer sees is there, and a lookup is then one load.
const std::array<uint8_t, 0x10000>& bmp_flags() {
  static const auto table = [] {
    std::array<uint8_t, 0x10000> flags{};
    for (const FlagRange& r : kFlagRanges) {
      for (uint32_t cp = r.first; cp <= r.last && cp < 0x10000; ++cp) flags[cp] = r.flags;
    }
    return flags;
  }();
  return table;
}

// Hangul syllable decomposition (Unicode 3.12): algorithmic, not in the tables.
constexpr char32_t kSBase = 0xAC00, kLBase = 0x1100, kVBase = 0x1161, kTBase = 0x11A7;
constexpr char32_t kVCount = 21, kTCount = 28, kNCount = kVCount * kTCount, kSCount = 19 * kNCount;

}  // namespace

uint8_t char_flags(char32_t cp) {
  if (cp < 0x10000) return bmp_flags()[cp];
  const FlagRange* r = find_range<FlagRange>(kFlagRanges, cp);
  return r ? r->flags : 0;
}

uint8_t combining_class(char32_t cp) {
  if (cp < 0x300) return 0;
  const ClassRange* r = find_range<ClassRange>(kCombiningClasses, cp);
  return r ? r->combining_class : 0;
}

std::span<const char32_t> decomposition(char32_t cp, char32_t (&buffer)[3]) {
  if (cp < 0xC0) return {};
  if (cp >= kSBase && cp < kSBase + kSCount) {
    const char32_t s = cp - kSBase;
    buffer[0] = kLBase + s / kNCount;
    buffer[1] = kVBase + (s % kNCount) / kTCount;
    buffer[2] = kTBase + s % kTCount;
    return {buffer, buffer[2] == kTBase ? size_t{2} : size_t{3}};
  }
  return find_mapping(kDecompositions, kDecompositionPool, cp);
}

std::span<const char32_t> lowercase(char32_t cp) {
  return find_mapping(kLowercases, kLowercasePool, cp);
}

bool is_chinese_char(char32_t cp) {
  return (cp >= 0x4E00 && cp <= 0x9FFF) || (cp >= 0x3400 && cp <= 0x4DBF) ||
         (cp >= 0x20000 && cp <= 0x2A6DF) || (cp >= 0x2A700 && cp <= 0x2B73F) ||
         (cp >= 0x2B740 && cp <= 0x2B81F) || (cp >= 0x2B920 && cp <= 0x2CEAF) ||
         (cp >= 0xF900 && cp <= 0xFAFF) || (cp >= 0x2F800 && cp <= 0x2FA1F);
}

}  // namespace minirt::tokenizer
