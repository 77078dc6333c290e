// WordPiece as Hugging Face's tokenizers runs it: greedy longest match from
// the start of the word, continuation pieces looked up with their "##"
// prefix, the whole word [UNK] when any part has no match or the word has
// more than max_input_chars_per_word characters.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>
#include <unordered_map>
#include <vector>

namespace minirt::tokenizer {

// Views into the vocabulary the WordPiece was built from (no second copy of
// its strings: building the maps is most of a model's load time).
using TokenIds = std::unordered_map<std::string_view, int32_t>;

class WordPiece {
 public:
  // vocab[id] is the token with that id; throws Error for a duplicate token
  // or an unk_id out of range. vocab must outlive the WordPiece.
  WordPiece(const std::vector<std::string>& vocab, int32_t unk_id, std::string prefix,
            int max_input_chars_per_word);

  // Appends the ids of word (code points) to ids. scratch is reused storage.
  void encode(std::u32string_view word, std::vector<int64_t>& ids, std::string& scratch,
              std::vector<uint32_t>& boundaries) const;
  // The id of token, or -1.
  int32_t find(std::string_view token) const;

 private:
  TokenIds ids_;           // every token
  TokenIds continuation_;  // tokens with the prefix, keyed without it
  int32_t unk_id_;
  bool prefixed_;  // continuation pieces carry a prefix ("##")
  int max_chars_;
  size_t longest_ = 0;  // bytes of the longest token: no longer piece can match
};

}  // namespace minirt::tokenizer
