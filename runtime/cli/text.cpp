// The text commands: minirt tokenize, minirt run --text, minirt embed.
#include <algorithm>
#include <cstdio>
#include <fstream>
#include <iostream>
#include <string>
#include <vector>

#include "minirt/tokenizer.h"
#include "runtime/cli/args.h"
#include "runtime/cli/commands.h"

namespace minirt::cli {

namespace {

const Tokenizer& tokenizer_of(const Model& model, const std::string& path) {
  const Tokenizer* tokenizer = model.tokenizer();
  if (!tokenizer) {
    throw Error(path + " has no tokenizer (convert it with one: minirt-convert --hf DIR with " +
                "tokenizer files, or --tokenizer DIR)");
  }
  return *tokenizer;
}

template <typename T>
void print_row(const char* label, const std::vector<T>& values) {
  std::printf("%-7s", label);
  for (const T& v : values) {
    if constexpr (std::is_same_v<T, std::string>) {
      std::printf(" %s", v.c_str());
    } else {
      std::printf(" %lld", static_cast<long long>(v));
    }
  }
  std::printf("\n");
}

// The output embeddings are pooled from: the first [batch, seq, hidden] one.
const OutputView& hidden_states(std::span<const OutputView> outputs) {
  for (const OutputView& out : outputs) {
    if (out.rank == 3) return out;
  }
  throw Error("embed needs a [batch, seq, hidden] output; this model has none");
}

// Pools sequence b of hidden ([B, S, H]) into out: its [CLS] row or the mean
// of its length rows.
void pool(const OutputView& hidden, int64_t b, int64_t length, bool mean, float* out) {
  const int64_t seq = hidden.shape[1], width = hidden.shape[2];
  const float* rows = hidden.data + b * seq * width;
  if (!mean) {
    std::copy_n(rows, width, out);
    return;
  }
  std::fill_n(out, width, 0.0f);
  for (int64_t s = 0; s < length; ++s) {
    for (int64_t h = 0; h < width; ++h) out[h] += rows[s * width + h];
  }
  for (int64_t h = 0; h < width; ++h) out[h] /= static_cast<float>(length);
}

void write_npy(const std::string& path, const std::vector<float>& data, size_t rows, size_t width) {
  std::string header = "{'descr': '<f4', 'fortran_order': False, 'shape': (" +
                       std::to_string(rows) + ", " + std::to_string(width) + "), }";
  // Magic, version 1.0, header length; the header padded so the data is 64-aligned.
  const size_t prefix = 10;
  header.append(63 - (prefix + header.size()) % 64, ' ');
  header.push_back('\n');
  std::ofstream out(path, std::ios::binary);
  if (!out) throw Error("cannot write " + path);
  const uint16_t length = static_cast<uint16_t>(header.size());
  out.write("\x93NUMPY\x01\x00", 8);
  out.write(reinterpret_cast<const char*>(&length), 2);
  out.write(header.data(), static_cast<std::streamsize>(header.size()));
  out.write(reinterpret_cast<const char*>(data.data()),
            static_cast<std::streamsize>(data.size() * sizeof(float)));
  if (!out) throw Error("cannot write " + path);
}

}  // namespace

int command_tokenize(const std::vector<std::string>& argv) {
  const Args args(argv, {}, {});
  const std::vector<std::string>& pos = args.positional();
  if (pos.size() < 2 || pos.size() > 3) throw Error("tokenize takes MODEL.fb TEXT [TEXT_PAIR]");
  const auto model = Model::load(pos[0]);
  const Tokenizer& tokenizer = tokenizer_of(*model, pos[0]);
  const Encoding e = pos.size() == 3 ? tokenizer.encode(pos[1], pos[2]) : tokenizer.encode(pos[1]);
  print_row("ids", e.ids);
  print_row("types", e.type_ids);
  print_row("tokens", e.tokens);
  return 0;
}

int command_run_text(const std::string& model_path, const std::vector<std::string>& argv) {
  const Args args(argv, {"--text", "--text-pair", "--threads", "--precision"}, {});
  Session session(Model::load(model_path),
                  {.threads = static_cast<int>(args.integer("--threads", 1, 1, 1024)),
                   .precision = precision_flag(args)});
  const std::string text = args.str("--text", "");
  const auto outputs = args.has("--text-pair") ? session.run_text(text, args.str("--text-pair", ""))
                                               : session.run_text(text);
  for (const OutputView& out : outputs) {
    std::printf("%s [", out.name);
    for (int d = 0; d < out.rank; ++d) {
      std::printf("%s%lld", d ? ", " : "", static_cast<long long>(out.shape[d]));
    }
    std::printf("]:");
    const int64_t n = out.numel(), shown = std::min<int64_t>(n, 8);
    for (int64_t i = 0; i < shown; ++i) std::printf(" %.6g", out.data[i]);
    std::printf("%s\n", shown < n ? " ..." : "");
  }
  return 0;
}

int command_embed(const std::vector<std::string>& raw_argv) {
  std::vector<std::string> argv = raw_argv;
  for (std::string& arg : argv) {
    if (arg == "-o") arg = "--output";
  }
  const Args args(argv, {"--pooling", "--output", "--batch-tokens", "--threads", "--precision"},
                  {});
  if (args.positional().size() != 1) throw Error("embed takes one model file (lines on stdin)");
  const std::string pooling = args.str("--pooling", "cls");
  if (pooling != "cls" && pooling != "mean") {
    throw Error("--pooling takes cls or mean, got '" + pooling + "'");
  }
  const auto model = Model::load(args.positional()[0]);
  const Tokenizer& tokenizer = tokenizer_of(*model, args.positional()[0]);
  const int64_t batch_tokens = args.integer("--batch-tokens", 8192, 1, int64_t{1} << 30);
  Session session(model, {.threads = static_cast<int>(args.integer("--threads", 1, 1, 1024)),
                          .precision = precision_flag(args)});

  std::vector<std::string> lines;
  for (std::string line; std::getline(std::cin, line);) lines.push_back(std::move(line));
  const TokenBatch all = tokenizer.encode_batch(lines);
  const int64_t max_batch = model->summary().max_batch;

  const std::string npy_path = args.str("--output", "");
  std::vector<float> embeddings;
  size_t width = 0;
  for (size_t first = 0; first < all.size();) {
    // Lines in order while the padded batch stays within the token budget
    // (always at least one line) and the model's max batch.
    size_t end = first;
    int64_t longest = 0;
    while (end < all.size() && static_cast<int64_t>(end - first) < max_batch) {
      const int64_t length = all.cu_seqlens[end + 1] - all.cu_seqlens[end];
      const int64_t padded = std::max(longest, length) * static_cast<int64_t>(end - first + 1);
      if (end > first && padded > batch_tokens) break;
      longest = std::max(longest, length);
      ++end;
    }
    TokenBatch group;
    const int64_t base = all.cu_seqlens[first];
    group.ids.assign(all.ids.begin() + base, all.ids.begin() + all.cu_seqlens[end]);
    group.type_ids.assign(all.type_ids.begin() + base, all.type_ids.begin() + all.cu_seqlens[end]);
    for (size_t i = first; i <= end; ++i) group.cu_seqlens.push_back(all.cu_seqlens[i] - base);
    const PaddedBatch padded = tokenizer.pad(group);
    const OutputView& hidden = hidden_states(session.run(padded.inputs()));
    width = static_cast<size_t>(hidden.shape[2]);
    std::vector<float> row(width);
    for (size_t b = 0; b < group.size(); ++b) {
      pool(hidden, static_cast<int64_t>(b), group.cu_seqlens[b + 1] - group.cu_seqlens[b],
           pooling == "mean", row.data());
      if (npy_path.empty()) {
        std::printf("[");
        for (size_t h = 0; h < width; ++h) std::printf("%s%.9g", h ? ", " : "", row[h]);
        std::printf("]\n");
      } else {
        embeddings.insert(embeddings.end(), row.begin(), row.end());
      }
    }
    first = end;
  }
  if (!npy_path.empty()) {
    write_npy(npy_path, embeddings, all.size(), width);
    std::fprintf(stderr, "wrote %s: %zu x %zu float32\n", npy_path.c_str(), all.size(), width);
  }
  return 0;
}

}  // namespace minirt::cli
