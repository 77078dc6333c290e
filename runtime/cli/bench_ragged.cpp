// minirt run --bench --lengths L1,L2,... | --length-mix FILE: throughput and
// latency of variable-length batches, run padding-free (Session::run_ragged)
// or, with --padded, the same batches padded to each batch's longest.
//
// A length mix is a histogram, one "LENGTH COUNT" pair per line (# starts a
// comment). Sequences are drawn from it (fixed seed) and packed in draw order
// into --batches batches, each holding at most --batch-tokens tokens and the
// model's max batch sequences, so the same batches also run padded.
// --dump-batches FILE writes each batch's lengths, one batch per line, for
// other runtimes to replay (bench/e2e/ragged_compare.sh).
#include <algorithm>
#include <cstdio>
#include <fstream>
#include <numeric>
#include <random>
#include <sstream>

#include "runtime/cli/args.h"
#include "runtime/cli/bench_stats.h"
#include "runtime/cli/commands.h"

namespace minirt::cli {
namespace {

std::vector<int64_t> parse_lengths(const std::string& text) {
  std::vector<int64_t> lengths;
  std::stringstream in(text);
  std::string item;
  while (std::getline(in, item, ',')) {
    char* end = nullptr;
    const long long v = std::strtoll(item.c_str(), &end, 10);
    if (item.empty() || *end != '\0' || v < 1)
      throw Error("--lengths takes positive integers separated by commas, got '" + text + "'");
    lengths.push_back(v);
  }
  if (lengths.empty()) throw Error("--lengths is empty");
  return lengths;
}

struct Histogram {
  std::vector<int64_t> lengths, counts;
};

Histogram read_length_mix(const std::string& path, int64_t max_seq) {
  std::ifstream file(path);
  if (!file) throw Error("cannot read length mix '" + path + "'");
  Histogram mix;
  std::string line;
  for (int number = 1; std::getline(file, line); ++number) {
    line = line.substr(0, line.find('#'));
    if (line.find_first_not_of(" \t\r") == std::string::npos) continue;
    std::istringstream fields(line);
    long long length = 0, count = 0;
    std::string rest;
    if (!(fields >> length >> count) || (fields >> rest) || length < 1 || count < 0)
      throw Error(path + ":" + std::to_string(number) +
                  ": expected 'LENGTH COUNT' (length >= 1, count >= 0), got '" + line + "'");
    if (length > max_seq)
      throw Error(path + ":" + std::to_string(number) + ": length " + std::to_string(length) +
                  " is above the model's max seq " + std::to_string(max_seq));
    mix.lengths.push_back(length);
    mix.counts.push_back(count);
  }
  if (std::accumulate(mix.counts.begin(), mix.counts.end(), 0LL) == 0)
    throw Error("length mix '" + path + "' holds no sequence");
  return mix;
}

// Draws from the mix in order and closes a batch when the next sequence
// would pass either limit.
std::vector<std::vector<int64_t>> batches_from_mix(const Histogram& mix, int64_t count,
                                                   int64_t max_tokens, int64_t max_sequences) {
  std::mt19937_64 rng(7);
  std::discrete_distribution<size_t> pick(mix.counts.begin(), mix.counts.end());
  std::vector<std::vector<int64_t>> batches(1);
  int64_t tokens = 0;
  while (true) {
    const int64_t length = mix.lengths[pick(rng)];
    if (tokens + length > max_tokens ||
        static_cast<int64_t>(batches.back().size()) == max_sequences) {
      if (static_cast<int64_t>(batches.size()) == count) break;
      batches.emplace_back();
      tokens = 0;
    }
    batches.back().push_back(length);
    tokens += length;
  }
  return batches;
}

// One batch's inputs in both layouts.
struct BatchInputs {
  std::vector<int64_t> lengths, cu_seqlens{0}, ids;     // packed
  std::vector<int64_t> padded_ids, padded_mask, zeros;  // [n, longest]
  int64_t longest = 0;

  BatchInputs(const ModelSummary& s, const std::vector<int64_t>& batch_lengths)
      : lengths(batch_lengths) {
    for (int64_t l : lengths) cu_seqlens.push_back(cu_seqlens.back() + l);
    longest = *std::max_element(lengths.begin(), lengths.end());
    ids = random_ids(s, cu_seqlens.back());
    const auto n = static_cast<int64_t>(lengths.size());
    padded_ids.assign(static_cast<size_t>(n * longest), 0);
    padded_mask = zeros = padded_ids;
    for (int64_t b = 0; b < n; ++b) {
      for (int64_t t = 0; t < lengths[static_cast<size_t>(b)]; ++t) {
        const auto at = static_cast<size_t>(b * longest + t);
        padded_ids[at] = ids[static_cast<size_t>(cu_seqlens[static_cast<size_t>(b)] + t)];
        padded_mask[at] = 1;
      }
    }
  }
  int64_t tokens() const { return cu_seqlens.back(); }

  void run(Session& session, const ModelSummary& s, bool padded) const {
    if (!padded) {
      session.run_ragged({ids, cu_seqlens, {}});
      return;
    }
    const auto n = static_cast<int64_t>(lengths.size());
    Inputs inputs;
    for (const InputInfo& in : s.inputs) {
      const std::vector<int64_t>& data = in.name == "input_ids"        ? padded_ids
                                         : in.name == "attention_mask" ? padded_mask
                                                                       : zeros;
      *inputs.find(in.name) = Int64Tensor(data.data(), {n, longest});
    }
    session.run(inputs);
  }
};

}  // namespace

int command_bench_ragged(const std::string& model_path, const std::vector<std::string>& argv) {
  const Args args(argv,
                  {"--lengths", "--length-mix", "--batch-tokens", "--batches", "--threads",
                   "--warmup", "--iters", "--precision", "--dump-batches"},
                  {"--bench", "--json", "--padded", "--fp32-attention"});
  if (args.has("--lengths") == args.has("--length-mix"))
    throw Error("--bench takes one of --lengths or --length-mix");
  const auto model = Model::load(model_path);
  const ModelSummary s = model->summary();
  const bool padded = args.has("--padded");
  if (!padded && !s.ragged_refusal.empty())
    throw Error("this model cannot run padding-free batches: " + s.ragged_refusal);
  const int64_t budget = args.integer("--batch-tokens", s.max_tokens, 1, s.max_tokens);
  std::vector<std::vector<int64_t>> batches;
  if (args.has("--lengths")) {
    batches.push_back(parse_lengths(args.str("--lengths", "")));
  } else {
    const Histogram mix = read_length_mix(args.str("--length-mix", ""), s.max_seq);
    batches = batches_from_mix(mix, args.integer("--batches", 32, 1, 100000), budget, s.max_batch);
  }
  if (args.has("--dump-batches")) {
    std::ofstream out(args.str("--dump-batches", ""));
    for (const auto& batch : batches) {
      for (size_t i = 0; i < batch.size(); ++i) out << (i ? " " : "") << batch[i];
      out << '\n';
    }
    if (!out) throw Error("cannot write " + args.str("--dump-batches", ""));
  }
  std::vector<BatchInputs> inputs;
  int64_t total_sequences = 0, total_tokens = 0, computed_tokens = 0;
  for (const auto& batch : batches) {
    const BatchInputs& in = inputs.emplace_back(s, batch);
    total_sequences += static_cast<int64_t>(batch.size());
    total_tokens += in.tokens();
    computed_tokens += padded ? static_cast<int64_t>(batch.size()) * in.longest : in.tokens();
  }

  const int threads = static_cast<int>(args.integer("--threads", 1, 1, 1024));
  Session session(model, {.threads = threads,
                          .precision = precision_flag(args),
                          .bf16_attention = bf16_attention_flag(args)});
  const long long warmup = args.integer("--warmup", 3, 0, 1'000'000);
  for (long long i = 0; i < warmup; ++i)
    inputs[static_cast<size_t>(i) % inputs.size()].run(session, s, padded);
  // --iters 0 (the default): every batch at least once, at least 10 runs and about 3 s.
  const long long iters = args.integer("--iters", 0, 0, 10'000'000);
  std::vector<double> latencies;
  double sequences = 0, tokens = 0;
  const Clock::time_point bench_start = Clock::now();
  while (iters > 0 ? static_cast<long long>(latencies.size()) < iters
                   : latencies.size() < std::max<size_t>(10, inputs.size()) ||
                         (micros_since(bench_start) < 3e6 && latencies.size() < 100000)) {
    const BatchInputs& in = inputs[latencies.size() % inputs.size()];
    const Clock::time_point start = Clock::now();
    in.run(session, s, padded);
    latencies.push_back(micros_since(start));
    sequences += static_cast<double>(in.lengths.size());
    tokens += static_cast<double>(in.tokens());
  }
  const double busy_s = std::accumulate(latencies.begin(), latencies.end(), 0.0) / 1e6;
  std::sort(latencies.begin(), latencies.end());
  const double p50 = percentile(latencies, 0.5), p90 = percentile(latencies, 0.9),
               p99 = percentile(latencies, 0.99);
  const double padding = 1.0 - static_cast<double>(total_tokens) / computed_tokens;
  const char* mode = padded ? "padded" : "ragged";
  if (args.has("--json")) {
    std::printf(
        "{\"model\": \"%s\", \"mode\": \"%s\", \"isa\": \"%s\", \"threads\": %d, \"batches\": %zu, "
        "\"sequences\": %lld, \"tokens\": %lld, \"runs\": %zu, \"p50_us\": %.1f, \"p90_us\": "
        "%.1f, \"p99_us\": %.1f, \"sequences_per_s\": %.2f, \"tokens_per_s\": %.1f, "
        "\"padding_fraction\": %.4f, \"arena_bytes\": %zu}\n",
        model_path.c_str(), mode, session.isa(), threads, inputs.size(),
        static_cast<long long>(total_sequences), static_cast<long long>(total_tokens),
        latencies.size(), p50, p90, p99, sequences / busy_s, tokens / busy_s, padding,
        session.arena_bytes());
    return 0;
  }
  std::printf("model       %s\nkernels     %s\n", model_path.c_str(), session.isa());
  std::printf(
      "batches     %zu %s batch%s: %lld sequences, %lld tokens (%.1f%% of computed tokens are "
      "padding), %d thread%s, %zu runs\n",
      inputs.size(), mode, inputs.size() == 1 ? "" : "es", static_cast<long long>(total_sequences),
      static_cast<long long>(total_tokens), 100.0 * padding, threads, threads == 1 ? "" : "s",
      latencies.size());
  std::printf("latency     per batch p50 %.3f ms  p90 %.3f ms  p99 %.3f ms\n", p50 / 1000,
              p90 / 1000, p99 / 1000);
  std::printf("throughput  %.1f sequences/s  %.0f tokens/s (tokens without padding)\n",
              sequences / busy_s, tokens / busy_s);
  std::printf("memory      arena %zu bytes, peak resident %zu bytes\n", session.arena_bytes(),
              peak_resident_bytes());
  return 0;
}

}  // namespace minirt::cli
