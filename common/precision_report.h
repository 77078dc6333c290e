// The precision guard: a reduced precision's outputs against fp32's on the
// same inputs (reference-case folders), in the terms a search or ranking
// team judges a model by, not only max abs error.
#pragma once

#include <cstdio>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "common/refs.h"
#include "minirt/minirt.h"

namespace minirt {

struct OutputAgreement {
  std::string name;
  // Cosine similarity of each row (the last dim: a token's hidden vector, a
  // sequence's pooled vector, its logits) between fp32 and the precision.
  double min_cosine = 1, mean_cosine = 1;
  double max_abs = 0;
  double relative_rms = 0;  // ||reduced - fp32|| / ||fp32|| over every case
  // Outputs named *logits*: the fraction of rows whose argmax agrees.
  std::optional<double> top1_agreement;
  // Embedding outputs ([B, H], and [B, S, H] mean-pooled over the mask):
  // Spearman correlation of the pairwise cosine similarities of every
  // sequence of every case (does the precision rank neighbours as fp32 does);
  // needs 3 sequences or more.
  std::optional<double> spearman;
};

struct PrecisionReport {
  Precision precision = Precision::kFloat32;
  int64_t sequences = 0;  // over all cases
  std::vector<OutputAgreement> outputs;
  // The lowest min_cosine over the outputs.
  double min_cosine() const;
};

// Runs every case at fp32 and at precision (threads each, attention as
// SessionOptions::bf16_attention says) and compares.
// Throws Error when the CPU lacks the precision or a case does not run.
PrecisionReport compare_with_fp32(const std::shared_ptr<const Model>& model, Precision precision,
                                  const std::vector<RefCaseInputs>& cases, int threads,
                                  bool bf16_attention = true);

// One line per output.
void print_precision_report(const PrecisionReport& report, std::FILE* out);

// Spearman rank correlation of a and b (same size >= 2; ties get their mean
// rank); 1 when both are constant, 0 when only one is.
double spearman_correlation(const std::vector<double>& a, const std::vector<double>& b);

}  // namespace minirt
