#include "common/precision_report.h"

#include <algorithm>
#include <cmath>
#include <numeric>

namespace minirt {
namespace {

struct Accumulator {
  OutputAgreement agreement;
  double cosine_sum = 0, err_squares = 0, ref_squares = 0;
  int64_t rows = 0, top1_rows = 0, top1_agree = 0;
  bool embedding = false;
  std::vector<std::vector<double>> fp32_embeddings, reduced_embeddings;
};

bool is_logits(const std::string& name) { return name.find("logits") != std::string::npos; }

double cosine(const double* a, const double* b, int64_t n) {
  double dot = 0, aa = 0, bb = 0;
  for (int64_t i = 0; i < n; ++i) {
    dot += a[i] * b[i];
    aa += a[i] * a[i];
    bb += b[i] * b[i];
  }
  if (aa == 0 && bb == 0) return 1;
  if (aa == 0 || bb == 0) return 0;
  return dot / std::sqrt(aa * bb);
}

// Sequence embeddings of one output: its rows for [B, H], the mask-weighted
// mean over tokens for [B, S, H].
std::vector<std::vector<double>> embeddings(const std::vector<double>& data, const OutputView& view,
                                            const Inputs& inputs) {
  const int64_t batch = view.shape[0], width = view.shape[view.rank - 1];
  const int64_t tokens = view.rank == 3 ? view.shape[1] : 1;
  std::vector<std::vector<double>> result(batch, std::vector<double>(width, 0.0));
  for (int64_t b = 0; b < batch; ++b) {
    int64_t counted = 0;
    for (int64_t s = 0; s < tokens; ++s) {
      const Int64Tensor& mask = inputs.attention_mask;
      if (view.rank == 3 && mask.data && mask.data[b * tokens + s] == 0) continue;
      ++counted;
      for (int64_t h = 0; h < width; ++h) result[b][h] += data[(b * tokens + s) * width + h];
    }
    for (double& x : result[b]) x /= std::max<int64_t>(counted, 1);
  }
  return result;
}

std::vector<double> ranks(const std::vector<double>& values) {
  std::vector<size_t> order(values.size());
  std::iota(order.begin(), order.end(), 0);
  std::sort(order.begin(), order.end(), [&](size_t a, size_t b) { return values[a] < values[b]; });
  std::vector<double> rank(values.size());
  for (size_t i = 0; i < order.size();) {
    size_t j = i;
    while (j + 1 < order.size() && values[order[j + 1]] == values[order[i]]) ++j;
    for (size_t k = i; k <= j; ++k) rank[order[k]] = 0.5 * static_cast<double>(i + j);
    i = j + 1;
  }
  return rank;
}

void add_case(Accumulator& acc, const std::vector<double>& fp32, const std::vector<double>& reduced,
              const OutputView& view, const Inputs& inputs) {
  const int64_t width = view.rank > 0 ? view.shape[view.rank - 1] : 1;
  const int64_t rows = static_cast<int64_t>(fp32.size()) / std::max<int64_t>(width, 1);
  OutputAgreement& a = acc.agreement;
  for (size_t i = 0; i < fp32.size(); ++i) {
    const double err = reduced[i] - fp32[i];
    a.max_abs = std::isnan(err) ? INFINITY : std::max(a.max_abs, std::fabs(err));
    acc.err_squares += err * err;
    acc.ref_squares += fp32[i] * fp32[i];
  }
  for (int64_t r = 0; r < rows; ++r) {
    const double c = cosine(&fp32[r * width], &reduced[r * width], width);
    a.min_cosine = std::isnan(c) ? -1 : std::min(a.min_cosine, c);
    acc.cosine_sum += c;
    if (is_logits(a.name)) {
      const auto top = [&](const std::vector<double>& v) {
        return std::max_element(v.begin() + r * width, v.begin() + (r + 1) * width) - v.begin();
      };
      acc.top1_agree += top(fp32) == top(reduced);
      ++acc.top1_rows;
    }
  }
  acc.rows += rows;
  acc.embedding = !is_logits(a.name) && (view.rank == 2 || view.rank == 3);
  if (acc.embedding) {
    for (auto& e : embeddings(fp32, view, inputs)) acc.fp32_embeddings.push_back(std::move(e));
    for (auto& e : embeddings(reduced, view, inputs))
      acc.reduced_embeddings.push_back(std::move(e));
  }
}

std::optional<double> embedding_spearman(const Accumulator& acc) {
  const size_t n = acc.fp32_embeddings.size();
  if (!acc.embedding || n < 3) return std::nullopt;
  std::vector<double> fp32, reduced;
  for (size_t i = 0; i < n; ++i) {
    for (size_t j = i + 1; j < n; ++j) {
      const int64_t width = static_cast<int64_t>(acc.fp32_embeddings[i].size());
      fp32.push_back(cosine(acc.fp32_embeddings[i].data(), acc.fp32_embeddings[j].data(), width));
      reduced.push_back(
          cosine(acc.reduced_embeddings[i].data(), acc.reduced_embeddings[j].data(), width));
    }
  }
  return spearman_correlation(fp32, reduced);
}

}  // namespace

double PrecisionReport::min_cosine() const {
  double lowest = 1;
  for (const OutputAgreement& o : outputs) lowest = std::min(lowest, o.min_cosine);
  return lowest;
}

double spearman_correlation(const std::vector<double>& a, const std::vector<double>& b) {
  if (a.size() != b.size() || a.size() < 2)
    throw Error("spearman_correlation needs two series of the same length, 2 or more");
  const std::vector<double> ra = ranks(a), rb = ranks(b);
  const double mean = 0.5 * static_cast<double>(a.size() - 1);  // the mean of any ranks
  double cov = 0, va = 0, vb = 0;
  for (size_t i = 0; i < a.size(); ++i) {
    cov += (ra[i] - mean) * (rb[i] - mean);
    va += (ra[i] - mean) * (ra[i] - mean);
    vb += (rb[i] - mean) * (rb[i] - mean);
  }
  if (va == 0 && vb == 0) return 1;
  if (va == 0 || vb == 0) return 0;
  return cov / std::sqrt(va * vb);
}

PrecisionReport compare_with_fp32(const std::shared_ptr<const Model>& model, Precision precision,
                                  const std::vector<RefCaseInputs>& cases, int threads,
                                  bool bf16_attention) {
  if (!precision_supported(precision))
    throw Error(std::string("this CPU has no ") + precision_name(precision) +
                " kernels (see minirt info)");
  Session fp32(model, {.threads = threads, .precision = Precision::kFloat32});
  Session reduced(model,
                  {.threads = threads, .precision = precision, .bf16_attention = bf16_attention});
  PrecisionReport report;
  report.precision = precision;
  std::vector<Accumulator> accs;
  for (const RefCaseInputs& c : cases) {
    const Inputs inputs = c.inputs();
    report.sequences += inputs.input_ids.shape[0];
    std::vector<std::vector<double>> fp32_data;
    for (const OutputView& o : fp32.run(inputs)) fp32_data.emplace_back(o.data, o.data + o.numel());
    const std::span<const OutputView> outs = reduced.run(inputs);
    if (accs.empty()) {
      accs.resize(outs.size());
      for (size_t i = 0; i < outs.size(); ++i) accs[i].agreement.name = outs[i].name;
    }
    for (size_t i = 0; i < outs.size(); ++i) {
      const std::vector<double> data(outs[i].data, outs[i].data + outs[i].numel());
      add_case(accs[i], fp32_data[i], data, outs[i], inputs);
    }
  }
  for (Accumulator& acc : accs) {
    OutputAgreement& a = acc.agreement;
    a.mean_cosine = acc.rows ? acc.cosine_sum / static_cast<double>(acc.rows) : 1;
    a.relative_rms = acc.ref_squares > 0 ? std::sqrt(acc.err_squares / acc.ref_squares)
                                         : std::sqrt(acc.err_squares);
    if (acc.top1_rows)
      a.top1_agreement = static_cast<double>(acc.top1_agree) / static_cast<double>(acc.top1_rows);
    a.spearman = embedding_spearman(acc);
    report.outputs.push_back(a);
  }
  return report;
}

void print_precision_report(const PrecisionReport& report, std::FILE* out) {
  std::fprintf(out, "%s against fp32 on the same inputs (%lld sequences):\n",
               precision_name(report.precision), static_cast<long long>(report.sequences));
  for (const OutputAgreement& o : report.outputs) {
    std::fprintf(out, "  %-18s cosine min %.6f mean %.6f  max_abs %.3g  rel_rms %.3g%%",
                 o.name.c_str(), o.min_cosine, o.mean_cosine, o.max_abs, 100 * o.relative_rms);
    if (o.top1_agreement) std::fprintf(out, "  top1 %.1f%%", 100 * *o.top1_agreement);
    if (o.spearman) std::fprintf(out, "  spearman %.4f", *o.spearman);
    std::fprintf(out, "\n");
  }
}

}  // namespace minirt
