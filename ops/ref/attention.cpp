#include <algorithm>
#include <cmath>

#include "ops/ref/dot.h"
#include "ops/ref/grain.h"
#include "ops/ref/kernels.h"

namespace minirt::ref {
namespace {

// Where sequence b's rows start and how many it holds (padded: seq of them).
struct SequenceRows {
  int64_t first, length;
};
SequenceRows sequence_rows(const AttentionArgs& args, int64_t b) {
  if (!args.cu_seqlens) return {b * args.seq, args.seq};
  return {args.cu_seqlens[b], args.cu_seqlens[b + 1] - args.cu_seqlens[b]};
}

// One query row of one head. Scores are computed twice (once for the max,
// once for the weights) so the kernel needs no buffer of seq scores, and the
// weighted sum of values accumulates straight into dst.
void attend_row(const AttentionArgs& args, int64_t b, int64_t h, int64_t s) {
  const int64_t head_dim = args.head_dim;
  const int64_t width = args.num_heads * head_dim;  // of Q, K, V and dst rows
  const SequenceRows rows = sequence_rows(args, b);
  const float* batch_qkv = args.qkv + rows.first * 3 * width;
  // A ragged run has no padded keys: every bias is 0.
  const float* mask_bias = args.cu_seqlens ? nullptr : args.mask_bias + rows.first;
  const float* query = batch_qkv + s * 3 * width + h * head_dim;
  auto key = [&](int64_t t) { return batch_qkv + t * 3 * width + width + h * head_dim; };
  auto value = [&](int64_t t) { return batch_qkv + t * 3 * width + 2 * width + h * head_dim; };
  // A padded key's bias is the lowest float; adding a finite score to it stays
  // finite, and on a fully padded row all scores round to that same value,
  // so subtracting the max gives exp(0) for every key: uniform weights, as HF.
  auto score = [&](int64_t t) {
    return dot(query, key(t), head_dim) * args.scale + (mask_bias ? mask_bias[t] : 0.0f);
  };

  float max_score = score(0);
  for (int64_t t = 1; t < rows.length; ++t) max_score = std::max(max_score, score(t));

  float* dst = args.dst + (rows.first + s) * width + h * head_dim;
  std::fill(dst, dst + head_dim, 0.0f);
  double weight_sum = 0.0;  // >= 1: the max key contributes exp(0)
  for (int64_t t = 0; t < rows.length; ++t) {
    const float weight = std::exp(score(t) - max_score);
    weight_sum += weight;
    const float* v = value(t);
    for (int64_t d = 0; d < head_dim; ++d) dst[d] += weight * v[d];
  }
  const float inv_sum = static_cast<float>(1.0 / weight_sum);
  for (int64_t d = 0; d < head_dim; ++d) dst[d] *= inv_sum;
}

}  // namespace

void attention(const AttentionArgs& args, Parallel& parallel) {
  const int64_t seq = args.seq, heads = args.num_heads;
  const int64_t work_per_row = 3 * seq * args.head_dim;
  parallel.for_range(args.batch * heads * seq, grain_for(work_per_row),
                     [&](int64_t begin, int64_t end) {
                       for (int64_t row = begin; row < end; ++row) {
                         const int64_t b = row / (heads * seq);
                         const int64_t h = row / seq % heads;
                         // Ragged: seq is the longest, shorter sequences skip the rest.
                         if (row % seq < sequence_rows(args, b).length)
                           attend_row(args, b, h, row % seq);
                       }
                     });
}

}  // namespace minirt::ref
