#include "serve/batch_runner.h"

#include <algorithm>
#include <cstring>

namespace minirt::serve {

int64_t OutputInfo::inner_numel() const {
  int64_t n = 1;
  for (const int64_t d : inner_shape) n *= d;
  return n;
}

int64_t batch_cost(int64_t rows, int64_t longest_seq) { return rows * longest_seq; }

BatchRunner::BatchRunner(std::shared_ptr<const Model> model, const SessionOptions& options,
                         std::vector<OutputInfo> outputs)
    : session_(std::move(model), options), outputs_(std::move(outputs)) {}

namespace {

bool wanted(const PendingRequest& request, const std::string& name) {
  return request.requested_outputs.empty() ||
         std::find(request.requested_outputs.begin(), request.requested_outputs.end(), name) !=
             request.requested_outputs.end();
}

}  // namespace

std::vector<InferResult> BatchRunner::execute(
    std::span<const std::shared_ptr<PendingRequest>> batch) {
  int64_t rows = 0, longest = 0;
  for (const auto& request : batch) {
    rows += request->tokens.rows;
    longest = std::max(longest, request->tokens.seq);
  }
  // Pad every row to the longest: ids and types 0, mask 0 past a row's end.
  ids_.assign(static_cast<size_t>(rows * longest), 0);
  mask_.assign(ids_.size(), 0);
  types_.assign(ids_.size(), 0);
  int64_t row = 0;
  for (const auto& request : batch) {
    const TokenBlock& t = request->tokens;
    for (int64_t r = 0; r < t.rows; ++r, ++row) {
      const size_t src = static_cast<size_t>(r * t.seq), dst = static_cast<size_t>(row * longest);
      std::copy_n(t.input_ids.begin() + src, t.seq, ids_.begin() + dst);
      if (t.attention_mask.empty())
        std::fill_n(mask_.begin() + dst, t.seq, 1);
      else
        std::copy_n(t.attention_mask.begin() + src, t.seq, mask_.begin() + dst);
      if (!t.token_type_ids.empty())
        std::copy_n(t.token_type_ids.begin() + src, t.seq, types_.begin() + dst);
    }
  }
  std::vector<InferResult> results(batch.size());
  std::span<const OutputView> views;
  try {
    Inputs inputs;
    inputs.input_ids = Int64Tensor(ids_.data(), {rows, longest});
    inputs.attention_mask = Int64Tensor(mask_.data(), {rows, longest});
    inputs.token_type_ids = Int64Tensor(types_.data(), {rows, longest});
    views = session_.run(inputs);
  } catch (const std::exception& e) {
    for (InferResult& result : results) result.status = {StatusCode::kInternal, e.what()};
    return results;
  }
  // Split each output back: request i owns rows [row, row + rows_i) and, per
  // token, the first seq_i positions of each.
  for (size_t o = 0; o < outputs_.size(); ++o) {
    const OutputInfo& info = outputs_[o];
    const float* data = views[o].data;
    const int64_t inner = info.inner_numel();
    row = 0;
    for (size_t i = 0; i < batch.size(); ++i) {
      const TokenBlock& t = batch[i]->tokens;
      if (wanted(*batch[i], info.name)) {
        OutputTensor out{info.name, {}, {}};
        if (!t.one_d) out.shape.push_back(t.rows);
        if (info.per_token) out.shape.push_back(t.seq);
        out.shape.insert(out.shape.end(), info.inner_shape.begin(), info.inner_shape.end());
        const int64_t per_row = info.per_token ? t.seq * inner : inner;
        out.data.resize(static_cast<size_t>(t.rows * per_row));
        for (int64_t r = 0; r < t.rows; ++r) {
          const int64_t src_row = (row + r) * (info.per_token ? longest * inner : inner);
          std::memcpy(out.data.data() + r * per_row, data + src_row,
                      static_cast<size_t>(per_row) * sizeof(float));
        }
        results[i].outputs.push_back(std::move(out));
      }
      row += t.rows;
    }
  }
  return results;
}

}  // namespace minirt::serve
