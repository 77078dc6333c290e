#include "runtime/tokenizer/wordpiece.h"

#include <algorithm>

#include "minirt/minirt.h"
#include "runtime/tokenizer/utf8.h"

namespace minirt::tokenizer {

WordPiece::WordPiece(const std::vector<std::string>& vocab, int32_t unk_id, std::string prefix,
                     int max_input_chars_per_word)
    : unk_id_(unk_id), prefixed_(!prefix.empty()), max_chars_(max_input_chars_per_word) {
  if (unk_id < 0 || static_cast<size_t>(unk_id) >= vocab.size()) {
    throw Error("tokenizer: unk id " + std::to_string(unk_id) + " is outside the vocabulary of " +
                std::to_string(vocab.size()));
  }
  ids_.reserve(vocab.size());
  continuation_.reserve(vocab.size());
  for (size_t id = 0; id < vocab.size(); ++id) {
    const std::string& token = vocab[id];
    if (!ids_.emplace(token, static_cast<int32_t>(id)).second) {
      throw Error("tokenizer: vocabulary token '" + token + "' appears twice (ids " +
                  std::to_string(ids_.at(token)) + " and " + std::to_string(id) + ")");
    }
    longest_ = std::max(longest_, token.size());
    if (!prefix.empty() && token.size() > prefix.size() && token.starts_with(prefix)) {
      continuation_.emplace(std::string_view(token).substr(prefix.size()),
                            static_cast<int32_t>(id));
    }
  }
}

int32_t WordPiece::find(std::string_view token) const {
  auto it = ids_.find(token);
  return it == ids_.end() ? -1 : it->second;
}

void WordPiece::encode(std::u32string_view word, std::vector<int64_t>& ids, std::string& text,
                       std::vector<uint32_t>& boundaries) const {
  if (word.size() > static_cast<size_t>(max_chars_)) {
    ids.push_back(unk_id_);
    return;
  }
  // boundaries[k]: the byte offset of character k in text.
  text.clear();
  boundaries.clear();
  for (char32_t c : word) {
    boundaries.push_back(static_cast<uint32_t>(text.size()));
    append_utf8(c, text);
  }
  boundaries.push_back(static_cast<uint32_t>(text.size()));
  const size_t first_id = ids.size();
  for (size_t start = 0; start < word.size();) {
    const TokenIds& table = start > 0 && prefixed_ ? continuation_ : ids_;
    size_t end = word.size();
    while (end > start && boundaries[end] - boundaries[start] > longest_) --end;
    int32_t found = -1;
    for (; end > start; --end) {
      auto it = table.find(
          std::string_view(text).substr(boundaries[start], boundaries[end] - boundaries[start]));
      if (it != table.end()) {
        found = it->second;
        break;
      }
    }
    if (found < 0) {
      ids.resize(first_id);
      ids.push_back(unk_id_);
      return;
    }
    ids.push_back(found);
    start = end;
  }
}

}  // namespace minirt::tokenizer
