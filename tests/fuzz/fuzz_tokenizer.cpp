// libFuzzer target: text through the tokenizer. The first byte picks the
// normalizer settings (clean text, CJK splitting, accent stripping,
// lowercase) and the max length; the rest is a text, or a text and its pair
// split at the separator of fuzz_input_split.h. Invalid UTF-8 may only fail
// with minirt::Error; every encoding must hold ids inside the vocabulary,
// type ids 0 or 1, at most max length tokens, and the template's specials;
// the batch and padded forms must agree with it.
#include <cstddef>
#include <cstdint>
#include <string>
#include <vector>

#include "minirt/tokenizer.h"
#include "runtime/tokenizer/tokenizer_config.h"
#include "runtime/tokenizer/tokenizer_impl.h"
#include "tests/fuzz/fuzz_input_split.h"

namespace {

using minirt::tokenizer::TokenizerConfig;

// A vocabulary with whole words, "##" pieces, punctuation, accented and CJK
// entries, so every stage of WordPiece has something to match.
TokenizerConfig config_for(uint8_t settings) {
  TokenizerConfig c;
  c.vocab = {"[PAD]",      "[UNK]",        "[CLS]", "[SEP]", "[MASK]", "hello", "world", "un",
             "##aff",      "##able",       ",",     "!",     "a",      "##b",   "e",     "\xC3\xA9",
             "##\xC3\xA9", "\xE4\xB8\xAD", "x",     "##x",   "##xx",   "1",     "##2"};
  c.unk_id = 1;
  c.pad_id = 0;
  c.special_ids = {0, 1, 2, 3, 4};
  c.single = minirt::tokenizer::bert_single_template(2, 3);
  c.pair = minirt::tokenizer::bert_pair_template(2, 3);
  c.normalizer = {.clean_text = (settings & 1) != 0,
                  .handle_chinese_chars = (settings & 2) != 0,
                  .strip_accents = (settings & 4) != 0,
                  .lowercase = (settings & 8) != 0};
  c.max_input_chars_per_word = 1 + (settings >> 4);  // 1..16: the [UNK]-whole-word rule
  c.max_length = (settings & 0x10) ? 8 : 64;
  return c;
}

void check(bool ok) {
  if (!ok) __builtin_trap();
}

void check_encoding(const minirt::Encoding& e, const TokenizerConfig& c, size_t specials) {
  check(e.ids.size() == e.type_ids.size() && e.ids.size() == e.tokens.size());
  check(e.ids.size() >= specials && e.ids.size() <= static_cast<size_t>(c.max_length));
  for (size_t i = 0; i < e.ids.size(); ++i) {
    check(e.ids[i] >= 0 && e.ids[i] < static_cast<int64_t>(c.vocab.size()));
    check(e.type_ids[i] == 0 || e.type_ids[i] == 1);
    check(e.tokens[i] == c.vocab[static_cast<size_t>(e.ids[i])]);
  }
  check(e.ids.front() == 2 && e.ids.back() == 3);  // [CLS] ... [SEP]
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  if (size == 0) return 0;
  const TokenizerConfig config = config_for(data[0]);
  const auto tokenizer = minirt::make_tokenizer(config, 0);
  const auto [text, pair] = minirt::fuzz::split_input(data + 1, size - 1);
  try {
    const minirt::Encoding single = tokenizer->encode(text);
    check_encoding(single, config, 2);
    const minirt::Encoding both = tokenizer->encode(text, pair);
    check_encoding(both, config, 3);

    const std::vector<std::string> texts = {std::string(text), std::string(pair)};
    const minirt::TokenBatch batch = tokenizer->encode_batch(texts);
    check(batch.size() == 2 && batch.cu_seqlens.back() == static_cast<int64_t>(batch.ids.size()));
    check(std::vector<int64_t>(batch.ids.begin(), batch.ids.begin() + batch.cu_seqlens[1]) ==
          single.ids);
    const minirt::PaddedBatch padded = tokenizer->pad(batch);
    check(padded.batch == 2 && padded.input_ids.size() == static_cast<size_t>(2 * padded.seq));
  } catch (const minirt::Error&) {
  }
  return 0;
}
