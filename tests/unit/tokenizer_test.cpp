// The tokenizer's parts on hand-checked cases; tests/tokenizer holds the
// conformance run against Hugging Face's own implementation.
#include "minirt/tokenizer.h"

#include <doctest/doctest.h>

#include <string>
#include <vector>

#include "runtime/tokenizer/bert_normalizer.h"
#include "runtime/tokenizer/bert_pre_tokenizer.h"
#include "runtime/tokenizer/tokenizer_impl.h"
#include "runtime/tokenizer/unicode.h"
#include "runtime/tokenizer/utf8.h"

using namespace minirt;
using namespace minirt::tokenizer;

namespace {

std::u32string u32(std::string_view utf8) {
  std::u32string out;
  decode_utf8(utf8, out);
  return out;
}

std::string normalize(std::string_view text, NormalizerOptions options = {}) {
  std::u32string out;
  bert_normalize(options, u32(text), out);
  std::string bytes;
  for (char32_t c : out) append_utf8(c, bytes);
  return bytes;
}

TokenizerConfig small_config() {
  TokenizerConfig c;
  c.vocab = {"[PAD]", "[UNK]",  "[CLS]", "[SEP]", "[MASK]", "hello", "world", "un",
             "##aff", "##able", ",",     "!",     "a",      "##b",   "e"};
  c.unk_id = 1;
  c.pad_id = 0;
  c.special_ids = {0, 1, 2, 3, 4};
  c.single = bert_single_template(2, 3);
  c.pair = bert_pair_template(2, 3);
  c.max_length = 32;
  return c;
}

}  // namespace

TEST_CASE("utf8: strict decoding names the byte offset") {
  CHECK(u32("a\xC3\xA9\xE4\xB8\xAD\xF0\x9F\x98\x80") == U"a\u00E9\u4E2D\U0001F600");
  CHECK_THROWS_WITH(u32("ab\x80"), doctest::Contains("invalid UTF-8 at byte 2"));
  CHECK_THROWS_WITH(u32("\xC0\xAF"), doctest::Contains("overlong"));
  CHECK_THROWS_WITH(u32("x\xED\xA0\x80"),
                    doctest::Contains("byte 1 of the text: encoded surrogate"));
  CHECK_THROWS_WITH(u32("\xF4\x90\x80\x80"), doctest::Contains("past U+10FFFF"));
  CHECK_THROWS_WITH(u32("\xE4\xB8"), doctest::Contains("cut short"));
  CHECK_THROWS_WITH(u32("\xE4"
                        "a"
                        "\x80"),
                    doctest::Contains("byte 1 of the text: expected a continuation"));
  CHECK_THROWS_WITH(u32("\xFF"), doctest::Contains("0xF8-0xFF"));
}

TEST_CASE("unicode: the tables' properties") {
  CHECK((char_flags(U'\u200B') & kOther));  // zero width space: Cf
  CHECK((char_flags(U'\u00A0') & kWhitespace));
  CHECK((char_flags(U'\u3000') & kWhitespace));
  CHECK((char_flags(U'\u3001') & kPunctuation));
  CHECK_FALSE((char_flags(U'$') & kPunctuation));  // Sc; the pre-tokenizer adds ASCII symbols
  CHECK((char_flags(U'\u0301') & kNonspacingMark));
  CHECK((char_flags(U'\U000F0001') & kOther));  // private use, plane 15
  CHECK(combining_class(U'\u0301') == 230);
  char32_t buffer[3];
  auto d = decomposition(U'\u01D5', buffer);  // U with diaeresis and macron
  CHECK(std::u32string(d.begin(), d.end()) == U"U\u0308\u0304");
  d = decomposition(U'\uD55C', buffer);  // Hangul syllable han
  CHECK(std::u32string(d.begin(), d.end()) == U"\u1112\u1161\u11AB");
  CHECK(decomposition(U'a', buffer).empty());
  auto l = lowercase(U'\u0130');
  CHECK(std::u32string(l.begin(), l.end()) == U"i\u0307");
  CHECK(is_chinese_char(U'\u4E2D'));
  CHECK_FALSE(is_chinese_char(U'\u3042'));      // hiragana
  CHECK_FALSE(is_chinese_char(U'\U0002B820'));  // as Hugging Face's list: 0x2B920 onwards
}

TEST_CASE("normalizer: clean text, CJK, accents, lowercase") {
  CHECK(normalize("H\u00E9llo\tW\u00F6rld\u200B!") == "hello world!");
  CHECK(normalize("a\u4E2Db") == "a \u4E2D b");
  CHECK(normalize("\u0130") == "i");  // NFD first, the dot stripped, then lowercase
  NormalizerOptions cased{.clean_text = true,
                          .handle_chinese_chars = false,
                          .strip_accents = false,
                          .lowercase = false};
  CHECK(normalize("H\u00E9llo\x01\u4E2D", cased) == "H\u00E9llo\u4E2D");
  NormalizerOptions lower_only = cased;
  lower_only.lowercase = true;
  CHECK(normalize("\u0130\u03A3", lower_only) == "i\u0307\u03C3");  // no final sigma
  // Canonical order: the dot below (220) before the acute (230).
  NormalizerOptions nfd_only{.clean_text = false,
                             .handle_chinese_chars = false,
                             .strip_accents = true,
                             .lowercase = false};
  CHECK(normalize("\u1E0D", nfd_only) == "d");
}

TEST_CASE("pre-tokenizer: whitespace and punctuation") {
  std::u32string text = U"  Hi,there!! $5 \u3001x ";
  std::vector<std::u32string_view> words;
  bert_pre_tokenize(text, words);
  std::vector<std::u32string> got(words.begin(), words.end());
  CHECK(got == std::vector<std::u32string>{U"Hi", U",", U"there", U"!", U"!", U"$", U"5", U"\u3001",
                                           U"x"});
}

TEST_CASE("tokenizer: WordPiece, templates, specials, truncation") {
  auto tok = make_tokenizer(small_config(), 512);
  Encoding e = tok->encode("Hello, unaffable world!");
  CHECK(e.ids == std::vector<int64_t>{2, 5, 10, 7, 8, 9, 6, 11, 3});
  CHECK(e.tokens == std::vector<std::string>{"[CLS]", "hello", ",", "un", "##aff", "##able",
                                             "world", "!", "[SEP]"});
  // A word with an unmatched piece is [UNK] whole; so is an over-long word.
  CHECK(tok->encode("unaffx abb").ids == std::vector<int64_t>{2, 1, 12, 13, 13, 3});
  CHECK(tok->encode(std::string(101, 'a')).ids == std::vector<int64_t>{2, 1, 3});
  // Special tokens in the raw text are taken whole, before normalization.
  CHECK(tok->encode("a[MASK]e [mask]").ids == std::vector<int64_t>{2, 12, 4, 14, 1, 1, 1, 3});
  Encoding p = tok->encode("hello", "world!");
  CHECK(p.ids == std::vector<int64_t>{2, 5, 3, 6, 11, 3});
  CHECK(p.type_ids == std::vector<int64_t>{0, 0, 0, 1, 1, 1});

  TokenizerConfig c = small_config();
  c.max_length = 8;  // 5 tokens for a single text's content, 5 for a pair's
  auto short_tok = make_tokenizer(c, 512);
  CHECK(short_tok->encode("a a a a a a a a").ids.size() == 8);
  // Longest first: 2 + 9 -> the shorter keeps 2, the longer gets 3.
  CHECK(short_tok->encode("a a", "e e e e e e e e e").ids ==
        std::vector<int64_t>{2, 12, 12, 3, 14, 14, 14, 3});
  // Both long: halves, the odd token to the longer (here the first).
  CHECK(short_tok->encode("a a a a a a", "e e e e").ids ==
        std::vector<int64_t>{2, 12, 12, 12, 3, 14, 14, 3});
  CHECK(short_tok->encode("a a a a", "e e e e").ids ==
        std::vector<int64_t>{2, 12, 12, 3, 14, 14, 14, 3});

  // Lengths are compared after tokenization stops at the word reaching max
  // length (Hugging Face 0.23): 11 one-token words count 8, beating a
  // 10-piece word, so the first sequence gets the smaller half.
  CHECK(short_tok->encode("e e e e e e e e e e e", "abbbbbbbbb").ids ==
        std::vector<int64_t>{2, 14, 14, 3, 12, 13, 13, 3});

  TokenBatch batch = tok->encode_batch(std::vector<std::string>{"hello", "hello world !"});
  CHECK(batch.cu_seqlens == std::vector<int64_t>{0, 3, 8});
  PaddedBatch padded = tok->pad(batch);
  CHECK(padded.batch == 2);
  CHECK(padded.seq == 5);
  CHECK(padded.input_ids == std::vector<int64_t>{2, 5, 3, 0, 0, 2, 5, 6, 11, 3});
  CHECK(padded.attention_mask == std::vector<int64_t>{1, 1, 1, 0, 0, 1, 1, 1, 1, 1});
  CHECK_THROWS_WITH(tok->encode("ok \xC3"), doctest::Contains("invalid UTF-8 at byte 3"));
  CHECK_THROWS_WITH(
      tok->encode_batch(std::vector<std::string>{"a"}, std::vector<std::string>{"a", "b"}),
      doctest::Contains("1 texts but 2 pairs"));
}

TEST_CASE("tokenizer config: each rule named") {
  auto refused = [](auto edit, const char* message) {
    TokenizerConfig c = small_config();
    edit(c);
    CHECK_THROWS_WITH(make_tokenizer(c, 512), doctest::Contains(message));
  };
  refused([](TokenizerConfig& c) { c.unk_id = 15; }, "unk token's id 15 is outside");
  refused([](TokenizerConfig& c) { c.pad_id = -1; }, "pad token's id -1");
  refused([](TokenizerConfig& c) { c.special_ids.push_back(99); }, "special token id 99");
  refused([](TokenizerConfig& c) { c.vocab[6] = "hello"; }, "'hello' appears twice");
  refused([](TokenizerConfig& c) { c.vocab[6].clear(); }, "token 6 is empty");
  refused([](TokenizerConfig& c) { c.pair[3].sequence = 0; }, "holds sequence A 2 times");
  refused([](TokenizerConfig& c) { c.single[0].type_id = 2; }, "type id 2");
  refused([](TokenizerConfig& c) { c.pair[0].special_id = 40; },
          "pair template's special token id 40");
  refused([](TokenizerConfig& c) { c.max_length = 3; }, "max length 3 leaves no room");
  refused([](TokenizerConfig& c) { c.max_length = 513; }, "exceeds the model's max seq 512");
  refused([](TokenizerConfig& c) { c.max_input_chars_per_word = 0; }, "not positive");
}
