// minirt run --bench: latency and memory of one (batch, seq) shape; with
// --lengths or --length-mix, bench_ragged.cpp's variable-length batches.
#include <algorithm>
#include <cstdio>
#include <numeric>

#include "minirt/minirt.h"
#include "runtime/cli/args.h"
#include "runtime/cli/bench_stats.h"
#include "runtime/cli/commands.h"
#include "runtime/cli/op_profile_table.h"

namespace minirt::cli {

int command_bench(const std::string& model_path, const std::vector<std::string>& argv) {
  for (const std::string& arg : argv)
    if (arg == "--lengths" || arg == "--length-mix") return command_bench_ragged(model_path, argv);
  const Args args(
      argv, {"--batch", "--seq", "--threads", "--warmup", "--iters", "--precision", "--device"},
      {"--bench", "--json", "--profile", "--fp32-attention"});
  const Clock::time_point cold_start = Clock::now();
  const auto model = Model::load(model_path);
  const ModelSummary s = model->summary();
  const int64_t batch = args.integer("--batch", 1, 1, s.max_batch);
  const int64_t seq = args.integer("--seq", std::min(128, s.max_seq), 1, s.max_seq);
  const int threads = static_cast<int>(args.integer("--threads", 1, 1, 1024));
  const long long warmup = args.integer("--warmup", 3, 0, 1'000'000);
  // --iters 0 (the default): at least 10 runs and about 3 s of them.
  const long long iters = args.integer("--iters", 0, 0, 10'000'000);

  const std::vector<int64_t> ids = random_ids(s, batch * seq);
  const std::vector<int64_t> mask(ids.size(), 1), types(ids.size(), 0);
  Inputs inputs;
  for (const InputInfo& in : s.inputs) {
    const std::vector<int64_t>& data = in.name == "input_ids"        ? ids
                                       : in.name == "attention_mask" ? mask
                                                                     : types;
    *inputs.find(in.name) = Int64Tensor(data.data(), {batch, seq});
  }

  Session session(model, {.threads = threads,
                          .precision = precision_flag(args),
                          .bf16_attention = bf16_attention_flag(args),
                          .profile = args.has("--profile"),
                          .device = device_flag(args)});
  session.run(inputs);
  const double cold_us = micros_since(cold_start);
  for (long long i = 0; i < warmup; ++i) session.run(inputs);
  session.clear_op_profile();  // only the timed runs count

  std::vector<double> latencies;
  const Clock::time_point bench_start = Clock::now();
  while (iters > 0 ? static_cast<long long>(latencies.size()) < iters
                   : latencies.size() < 10 ||
                         (micros_since(bench_start) < 3e6 && latencies.size() < 100000)) {
    const Clock::time_point start = Clock::now();
    session.run(inputs);
    latencies.push_back(micros_since(start));
  }
  std::sort(latencies.begin(), latencies.end());
  const double mean = std::accumulate(latencies.begin(), latencies.end(), 0.0) /
                      static_cast<double>(latencies.size());
  const double p50 = percentile(latencies, 0.5), p90 = percentile(latencies, 0.9),
               p99 = percentile(latencies, 0.99);
  const double seqs_per_s = static_cast<double>(batch) * 1e6 / mean;

  if (args.has("--json")) {
    std::printf(
        "{\"model\": \"%s\", \"isa\": \"%s\", \"batch\": %lld, \"seq\": %lld, \"threads\": %d, "
        "\"iters\": %zu, "
        "\"p50_us\": %.1f, \"p90_us\": %.1f, \"p99_us\": %.1f, \"mean_us\": %.1f, "
        "\"sequences_per_s\": %.2f, "
        "\"tokens_per_s\": %.1f, \"cold_start_us\": %.1f, \"arena_bytes\": %zu, \"weight_bytes\": "
        "%zu, "
        "\"peak_resident_bytes\": %zu}\n",
        model_path.c_str(), session.isa(), static_cast<long long>(batch),
        static_cast<long long>(seq), threads, latencies.size(), p50, p90, p99, mean, seqs_per_s,
        seqs_per_s * static_cast<double>(seq), cold_us, session.arena_bytes(), s.weight_bytes,
        peak_resident_bytes());
    if (args.has("--profile")) print_op_profile(session.op_profile(), true);
    return 0;
  }
  std::printf(
      "model       %s\nkernels     %s\nshape       batch %lld, seq %lld, %d thread%s, %zu "
      "iterations\n",
      model_path.c_str(), session.isa(), static_cast<long long>(batch), static_cast<long long>(seq),
      threads, threads == 1 ? "" : "s", latencies.size());
  std::printf("latency     p50 %.3f ms  p90 %.3f ms  p99 %.3f ms  mean %.3f ms\n", p50 / 1000,
              p90 / 1000, p99 / 1000, mean / 1000);
  std::printf("throughput  %.2f sequences/s  %.0f tokens/s\n", seqs_per_s,
              seqs_per_s * static_cast<double>(seq));
  std::printf("cold start  %.1f ms (load to first result)\n", cold_us / 1000);
  std::printf("memory      arena %zu bytes, weights %zu bytes, peak resident %zu bytes\n",
              session.arena_bytes(), s.weight_bytes, peak_resident_bytes());
  if (args.has("--profile")) print_op_profile(session.op_profile(), false);
  return 0;
}

}  // namespace minirt::cli
