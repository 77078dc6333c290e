// A C++ program shaped like a search backend, against the installed minirt:
// one model loaded once and shared; a pool of worker threads, each with its
// own Session, answering a stream of queries with embeddings and ranking the
// candidates by cosine similarity; latency percentiles at the end.
//
//   search MODEL.fb [WORKERS [CANDIDATES [QUERIES]]]     (defaults 4 256 1000)
//
// The candidates are random token sequences; query q is a copy of candidate
// (q * 7919) % CANDIDATES, so each query must find its source first, with an
// embedding bit for bit equal to the index's. Exits 1 when one does not.
#include <algorithm>
#include <atomic>
#include <chrono>
#include <cmath>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <exception>
#include <memory>
#include <random>
#include <string>
#include <thread>
#include <vector>

#include "minirt/minirt.h"

namespace {

using Clock = std::chrono::steady_clock;
using Tokens = std::vector<int64_t>;
using Embedding = std::vector<float>;

// The mean over tokens of the first output ([1, seq, hidden]), L2-normalized.
Embedding embed(minirt::Session& session, const Tokens& tokens) {
  const int64_t seq = static_cast<int64_t>(tokens.size());
  minirt::Inputs inputs;
  inputs.input_ids = minirt::Int64Tensor(tokens.data(), {1, seq});
  const minirt::OutputView& hidden = session.run(inputs)[0];
  const int64_t width = hidden.shape[hidden.rank - 1];
  Embedding mean(static_cast<size_t>(width), 0.0f);
  for (int64_t t = 0; t < seq; ++t)
    for (int64_t k = 0; k < width; ++k) mean[k] += hidden.data[t * width + k] / seq;
  double norm = 0.0;
  for (float v : mean) norm += double(v) * v;
  const float scale = norm > 0 ? static_cast<float>(1.0 / std::sqrt(norm)) : 0.0f;
  for (float& v : mean) v *= scale;
  return mean;
}

float cosine(const Embedding& a, const Embedding& b) {  // both normalized
  float dot = 0.0f;
  for (size_t k = 0; k < a.size(); ++k) dot += a[k] * b[k];
  return dot;
}

struct Answer {
  std::vector<int> top;  // the best 3 candidates, best first
  float best_score = 0.0f;
  bool same_embedding = false;  // bit for bit the index's embedding of the source
  double latency_ms = 0.0;
};

int source_of(int query, int candidates) {
  return static_cast<int>((int64_t(query) * 7919) % candidates);
}

double percentile(std::vector<double> values, double p) {
  std::sort(values.begin(), values.end());
  return values[static_cast<size_t>(p / 100.0 * double(values.size() - 1) + 0.5)];
}

int run(int argc, char** argv) {
  if (argc < 2 || argc > 5) {
    std::fprintf(stderr, "usage: search MODEL.fb [WORKERS [CANDIDATES [QUERIES]]]\n");
    return 2;
  }
  const int workers = argc > 2 ? std::atoi(argv[2]) : 4;
  const int candidates = argc > 3 ? std::atoi(argv[3]) : 256;
  const int queries = argc > 4 ? std::atoi(argv[4]) : 1000;
  if (workers < 1 || candidates < 3 || queries < 1) {
    std::fprintf(stderr, "search: need WORKERS >= 1, CANDIDATES >= 3, QUERIES >= 1\n");
    return 2;
  }

  // Loaded once; every session below shares it.
  const std::shared_ptr<const minirt::Model> model = minirt::Model::load(argv[1]);
  const minirt::ModelSummary summary = model->summary();
  int64_t vocab = 0;
  for (const minirt::InputInfo& input : summary.inputs)
    if (input.name == "input_ids") vocab = input.index_bound;
  if (vocab < 2) throw minirt::Error("search: the model's input_ids have no vocabulary bound");

  // The corpus: random sequences of 4..min(max_seq, 32) tokens.
  std::mt19937 rng(1234);
  std::uniform_int_distribution<int64_t> token(1, vocab - 1);
  std::uniform_int_distribution<int> length(4, std::min(summary.max_seq, 32));
  std::vector<Tokens> corpus(static_cast<size_t>(candidates));
  for (Tokens& doc : corpus) {
    doc.resize(static_cast<size_t>(length(rng)));
    for (int64_t& id : doc) id = token(rng);
  }
  const Clock::time_point index_start = Clock::now();
  std::vector<Embedding> index;
  {
    minirt::Session session(model);
    for (const Tokens& doc : corpus) index.push_back(embed(session, doc));
  }
  const double index_ms =
      std::chrono::duration<double, std::milli>(Clock::now() - index_start).count();

  // The query stream: workers take the next query until none is left.
  std::vector<Answer> answers(static_cast<size_t>(queries));
  std::atomic<int> next{0};
  const Clock::time_point serve_start = Clock::now();
  std::vector<std::thread> pool;
  for (int w = 0; w < workers; ++w)
    pool.emplace_back([&] {
      minirt::Session session(model);  // one per worker: a session serves one caller
      std::vector<std::pair<float, int>> scored(index.size());
      for (int q = next++; q < queries; q = next++) {
        const Clock::time_point start = Clock::now();
        const Embedding query =
            embed(session, corpus[static_cast<size_t>(source_of(q, candidates))]);
        for (size_t c = 0; c < index.size(); ++c)
          scored[c] = {cosine(query, index[c]), static_cast<int>(c)};
        std::partial_sort(scored.begin(), scored.begin() + 3, scored.end(),
                          [](const auto& a, const auto& b) { return a.first > b.first; });
        Answer& answer = answers[static_cast<size_t>(q)];
        answer.latency_ms = std::chrono::duration<double, std::milli>(Clock::now() - start).count();
        for (int k = 0; k < 3; ++k) answer.top.push_back(scored[static_cast<size_t>(k)].second);
        answer.best_score = scored[0].first;
        answer.same_embedding = query == index[static_cast<size_t>(source_of(q, candidates))];
      }
    });
  for (std::thread& t : pool) t.join();
  const double serve_s = std::chrono::duration<double>(Clock::now() - serve_start).count();

  int found = 0, identical = 0;
  std::vector<double> latencies;
  for (int q = 0; q < queries; ++q) {
    const Answer& answer = answers[static_cast<size_t>(q)];
    found += answer.top[0] == source_of(q, candidates);
    identical += answer.same_embedding;
    latencies.push_back(answer.latency_ms);
  }
  std::printf("model %s: max batch %d, max seq %d, vocabulary %lld\n", argv[1], summary.max_batch,
              summary.max_seq, static_cast<long long>(vocab));
  std::printf("index: %d candidates embedded in %.1f ms\n", candidates, index_ms);
  for (int q = 0; q < std::min(queries, 5); ++q) {
    const Answer& answer = answers[static_cast<size_t>(q)];
    std::printf("query %d: top %d %d %d (cosine %.6f)\n", q, answer.top[0], answer.top[1],
                answer.top[2], answer.best_score);
  }
  std::printf("queries %d on %d workers: found their source %d/%d, same embedding %d/%d\n", queries,
              workers, found, queries, identical, queries);
  std::printf("latency ms: p50 %.3f  p90 %.3f  p99 %.3f  max %.3f;  %.0f queries/s\n",
              percentile(latencies, 50), percentile(latencies, 90), percentile(latencies, 99),
              percentile(latencies, 100), queries / serve_s);
  return found == queries && identical == queries ? 0 : 1;
}

}  // namespace

int main(int argc, char** argv) {
  try {
    return run(argc, argv);
  } catch (const std::exception& e) {
    std::fprintf(stderr, "search: %s\n", e.what());
    return 1;
  }
}
