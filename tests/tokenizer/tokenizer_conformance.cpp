// Compares minirt's tokenizer (the one sealed into MODEL.fb) with the
// oracle's encodings of the same corpus, line for line:
//
//   tokenizer_conformance MODEL.fb CORPUS.jsonl EXPECTED.jsonl
//
// CORPUS lines are [text] or [text, pair]; EXPECTED lines {"ids", "type_ids"}
// (oracle.js encode). Prints every mismatch (up to 20) with both encodings
// and exits 1 if there is any; a line minirt refuses counts as a mismatch.
#include <cstdio>
#include <fstream>
#include <nlohmann/json.hpp>
#include <string>
#include <vector>

#include "minirt/tokenizer.h"

namespace {

std::vector<nlohmann::json> read_lines(const char* path) {
  std::ifstream in(path);
  if (!in) throw std::runtime_error(std::string("cannot open ") + path);
  std::vector<nlohmann::json> lines;
  for (std::string line; std::getline(in, line);) {
    if (!line.empty()) lines.push_back(nlohmann::json::parse(line));
  }
  return lines;
}

std::string join(const std::vector<int64_t>& v) {
  std::string s;
  for (int64_t x : v) {
    if (!s.empty()) s += ' ';
    s += std::to_string(x);
  }
  return s;
}

}  // namespace

int main(int argc, char** argv) {
  if (argc != 4) {
    std::fprintf(stderr, "usage: tokenizer_conformance MODEL.fb CORPUS.jsonl EXPECTED.jsonl\n");
    return 2;
  }
  try {
    const auto model = minirt::Model::load(argv[1]);
    const minirt::Tokenizer* tokenizer = model->tokenizer();
    if (!tokenizer) throw std::runtime_error(std::string(argv[1]) + " has no tokenizer");
    const auto corpus = read_lines(argv[2]);
    const auto expected = read_lines(argv[3]);
    if (corpus.size() != expected.size()) {
      throw std::runtime_error("corpus has " + std::to_string(corpus.size()) + " lines, expected " +
                               std::to_string(expected.size()));
    }
    const int max_length = tokenizer->info().max_length;
    size_t id_mismatches = 0, type_mismatches = 0, truncated = 0, pairs = 0, tokens = 0;
    for (size_t i = 0; i < corpus.size(); ++i) {
      const std::string text = corpus[i][0].get<std::string>();
      const bool pair = corpus[i].size() > 1;
      pairs += pair;
      const auto want_ids = expected[i]["ids"].get<std::vector<int64_t>>();
      const auto want_types = expected[i]["type_ids"].get<std::vector<int64_t>>();
      truncated += want_ids.size() == static_cast<size_t>(max_length);
      tokens += want_ids.size();
      minirt::Encoding got;
      std::string error;
      try {
        got = pair ? tokenizer->encode(text, corpus[i][1].get<std::string>())
                   : tokenizer->encode(text);
      } catch (const minirt::Error& e) {
        error = e.what();
      }
      const bool ids_ok = error.empty() && got.ids == want_ids;
      const bool types_ok = error.empty() && got.type_ids == want_types;
      id_mismatches += !ids_ok;
      type_mismatches += !types_ok;
      if ((!ids_ok || !types_ok) && id_mismatches + type_mismatches <= 20) {
        std::printf("MISMATCH line %zu: %s\n  hf     %s | types %s\n  minirt %s | types %s\n",
                    i + 1, corpus[i].dump().c_str(), join(want_ids).c_str(),
                    join(want_types).c_str(), join(got.ids).c_str(), join(got.type_ids).c_str());
        if (!error.empty()) std::printf("  error  %s\n", error.c_str());
      }
    }
    std::printf(
        "%s: %zu lines (%zu pairs, %zu at max length %d), %zu tokens: %zu id mismatches, %zu "
        "token type mismatches\n",
        argv[1], corpus.size(), pairs, truncated, max_length, tokens, id_mismatches,
        type_mismatches);
    return id_mismatches + type_mismatches == 0 ? 0 : 1;
  } catch (const std::exception& e) {
    std::fprintf(stderr, "tokenizer_conformance: %s\n", e.what());
    return 1;
  }
}
