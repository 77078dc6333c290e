// Hugging Face's BertNormalizer, step for step: clean text, space around CJK
// ideographs, strip accents (NFD, then drop nonspacing marks), lowercase.
#pragma once

#include <string>

namespace minirt::tokenizer {

struct NormalizerOptions {
  bool clean_text = true;
  bool handle_chinese_chars = true;
  bool strip_accents = true;
  bool lowercase = true;
};

// Normalizes text (code points) into out (cleared first).
void bert_normalize(const NormalizerOptions& options, const std::u32string& text,
                    std::u32string& out);

}  // namespace minirt::tokenizer
