// Tokens per second of minirt's tokenizer: Tokenizer::encode_batch over the
// single texts of a corpus (JSON lines, [text] or [text, pair]; pairs are
// skipped, as the Node binding's encodeBatch takes none), one thread, after a
// warm-up.
//
//   tokenizer_bench MODEL.fb CORPUS.jsonl REPEATS
#include <chrono>
#include <cstdio>
#include <fstream>
#include <nlohmann/json.hpp>
#include <string>
#include <vector>

#include "minirt/tokenizer.h"

int main(int argc, char** argv) {
  if (argc != 4) {
    std::fprintf(stderr, "usage: tokenizer_bench MODEL.fb CORPUS.jsonl REPEATS\n");
    return 2;
  }
  try {
    const auto model = minirt::Model::load(argv[1]);
    const minirt::Tokenizer* tokenizer = model->tokenizer();
    if (!tokenizer) throw std::runtime_error(std::string(argv[1]) + " has no tokenizer");
    std::vector<std::string> singles;
    std::ifstream in(argv[2]);
    for (std::string line; std::getline(in, line);) {
      if (line.empty()) continue;
      const auto input = nlohmann::json::parse(line);
      if (input.size() == 1) singles.push_back(input[0].get<std::string>());
    }
    const int repeats = std::stoi(argv[3]);
    auto run = [&] { return tokenizer->encode_batch(singles).ids.size(); };
    run();  // warm-up
    size_t tokens = 0;
    const auto start = std::chrono::steady_clock::now();
    for (int r = 0; r < repeats; ++r) tokens += run();
    const double s =
        std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
    std::printf(
        "{\"impl\": \"minirt Tokenizer::encode_batch (1 thread)\", \"texts\": %zu, \"tokens\": "
        "%zu, "
        "\"seconds\": %.4f, \"tokens_per_s\": %.0f}\n",
        singles.size() * repeats, tokens, s, tokens / s);
    return 0;
  } catch (const std::exception& e) {
    std::fprintf(stderr, "tokenizer_bench: %s\n", e.what());
    return 1;
  }
}
