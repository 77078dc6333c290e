#include "serve/batch_runner.h"

#include <algorithm>
#include <cstring>

namespace minirt::serve {

int64_t OutputInfo::inner_numel() const {
  int64_t n = 1;
  for (const int64_t d : inner_shape) n *= d;
  return n;
}

void measure_rows(TokenBlock& t) {
  t.lengths.assign(static_cast<size_t>(t.rows), t.seq);
  if (t.attention_mask.empty()) return;
  for (int64_t r = 0; r < t.rows; ++r) {
    const int64_t* mask = t.attention_mask.data() + r * t.seq;
    const int64_t length = std::find(mask, mask + t.seq, 0) - mask;
    // A row with no token, or a token after padding: only a padded run masks
    // it the way it asks.
    if (length == 0 || std::find(mask + length, mask + t.seq, 1) != mask + t.seq) {
      t.lengths.clear();
      return;
    }
    t.lengths[static_cast<size_t>(r)] = length;
  }
}

void BatchCost::add(const TokenBlock& t) {
  rows_ += t.rows;
  longest_ = std::max(longest_, t.seq);
  real_ += t.real_tokens();
}

BatchRunner::BatchRunner(std::shared_ptr<const Model> model, const SessionOptions& options,
                         std::vector<OutputInfo> outputs)
    : session_(model, options),
      outputs_(std::move(outputs)),
      ragged_(model->summary().ragged_refusal.empty()),
      max_tokens_(model->summary().max_tokens) {}

namespace {

bool wanted(const PendingRequest& request, const std::string& name) {
  return request.requested_outputs.empty() ||
         std::find(request.requested_outputs.begin(), request.requested_outputs.end(), name) !=
             request.requested_outputs.end();
}

// A request's output in its own layout ([rows,] [seq,] inner...), all zeros.
OutputTensor zero_output(const OutputInfo& info, const TokenBlock& t) {
  OutputTensor out{info.name, {}, {}};
  if (!t.one_d) out.shape.push_back(t.rows);
  if (info.per_token) out.shape.push_back(t.seq);
  out.shape.insert(out.shape.end(), info.inner_shape.begin(), info.inner_shape.end());
  out.data.assign(static_cast<size_t>(t.rows * (info.per_token ? t.seq : 1) * info.inner_numel()),
                  0.0f);
  return out;
}

void fail(const std::vector<size_t>& which, std::vector<InferResult>& results, const char* what) {
  for (const size_t i : which) results[i] = {{StatusCode::kInternal, what}, {}};
}

}  // namespace

std::vector<InferResult> BatchRunner::execute(Batch batch) {
  std::vector<size_t> ragged, padded;
  int64_t ragged_tokens = 0;
  for (size_t i = 0; i < batch.size(); ++i) {
    const TokenBlock& t = batch[i]->tokens;
    const bool fits = ragged_ && !t.lengths.empty();
    (fits ? ragged : padded).push_back(i);
    if (fits) ragged_tokens += t.real_tokens();
  }
  // A lone request over the token budget (the batcher never builds a larger
  // batch) fits a padded run: decode checked it against max batch and seq.
  if (ragged_tokens > max_tokens_) {
    padded.insert(padded.end(), ragged.begin(), ragged.end());
    ragged.clear();
  }
  std::vector<InferResult> results(batch.size());
  if (!ragged.empty()) run_ragged(batch, ragged, results);
  if (!padded.empty()) run_padded(batch, padded, results);
  return results;
}

void BatchRunner::run_ragged(Batch batch, const std::vector<size_t>& which,
                             std::vector<InferResult>& results) {
  ids_.clear();
  types_.clear();
  cu_seqlens_.assign(1, 0);
  const bool any_types = std::any_of(which.begin(), which.end(), [&](size_t i) {
    return !batch[i]->tokens.token_type_ids.empty();
  });
  for (const size_t i : which) {
    const TokenBlock& t = batch[i]->tokens;
    for (int64_t r = 0; r < t.rows; ++r) {
      const int64_t length = t.lengths[static_cast<size_t>(r)];
      const auto src = t.input_ids.begin() + r * t.seq;
      ids_.insert(ids_.end(), src, src + length);
      if (t.token_type_ids.empty()) {
        if (any_types) types_.insert(types_.end(), static_cast<size_t>(length), 0);
      } else {
        const auto types = t.token_type_ids.begin() + r * t.seq;
        types_.insert(types_.end(), types, types + length);
      }
      cu_seqlens_.push_back(static_cast<int64_t>(ids_.size()));
    }
  }
  std::span<const OutputView> views;
  try {
    views = session_.run_ragged({ids_, cu_seqlens_, types_});
  } catch (const std::exception& e) {
    return fail(which, results, e.what());
  }
  // Sequence s of the run is one request row: per token, its tokens from
  // cu_seqlens[s]; per sequence, row s.
  for (size_t o = 0; o < outputs_.size(); ++o) {
    const OutputInfo& info = outputs_[o];
    const int64_t inner = info.inner_numel();
    size_t sequence = 0;
    for (const size_t i : which) {
      const TokenBlock& t = batch[i]->tokens;
      if (wanted(*batch[i], info.name)) {
        OutputTensor out = zero_output(info, t);
        for (int64_t r = 0; r < t.rows; ++r) {
          const size_t s = sequence + static_cast<size_t>(r);
          const float* src = views[o].data + (info.per_token ? cu_seqlens_[s] : int64_t(s)) * inner;
          const int64_t count = info.per_token ? t.lengths[static_cast<size_t>(r)] * inner : inner;
          std::memcpy(out.data.data() + r * (info.per_token ? t.seq : 1) * inner, src,
                      static_cast<size_t>(count) * sizeof(float));
        }
        results[i].outputs.push_back(std::move(out));
      }
      sequence += static_cast<size_t>(t.rows);
    }
  }
}

void BatchRunner::run_padded(Batch batch, const std::vector<size_t>& which,
                             std::vector<InferResult>& results) {
  int64_t rows = 0, longest = 0;
  for (const size_t i : which) {
    rows += batch[i]->tokens.rows;
    longest = std::max(longest, batch[i]->tokens.seq);
  }
  // Pad every row to the longest: ids and types 0, mask 0 past a row's end.
  ids_.assign(static_cast<size_t>(rows * longest), 0);
  mask_.assign(ids_.size(), 0);
  types_.assign(ids_.size(), 0);
  int64_t row = 0;
  for (const size_t i : which) {
    const TokenBlock& t = batch[i]->tokens;
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
  std::span<const OutputView> views;
  try {
    Inputs inputs;
    inputs.input_ids = Int64Tensor(ids_.data(), {rows, longest});
    inputs.attention_mask = Int64Tensor(mask_.data(), {rows, longest});
    inputs.token_type_ids = Int64Tensor(types_.data(), {rows, longest});
    views = session_.run(inputs);
  } catch (const std::exception& e) {
    return fail(which, results, e.what());
  }
  // Request i owns rows [row, row + rows_i) and, per token, the first seq_i
  // positions of each, of which those its mask covers.
  for (size_t o = 0; o < outputs_.size(); ++o) {
    const OutputInfo& info = outputs_[o];
    const int64_t inner = info.inner_numel();
    row = 0;
    for (const size_t i : which) {
      const TokenBlock& t = batch[i]->tokens;
      if (wanted(*batch[i], info.name)) {
        OutputTensor out = zero_output(info, t);
        for (int64_t r = 0; r < t.rows; ++r) {
          const float* src = views[o].data + (row + r) * (info.per_token ? longest : 1) * inner;
          if (!info.per_token) {
            std::memcpy(out.data.data() + r * inner, src,
                        static_cast<size_t>(inner) * sizeof(float));
            continue;
          }
          for (int64_t j = 0; j < t.seq; ++j)
            if (t.attention_mask.empty() || t.attention_mask[static_cast<size_t>(r * t.seq + j)])
              std::memcpy(out.data.data() + (r * t.seq + j) * inner, src + j * inner,
                          static_cast<size_t>(inner) * sizeof(float));
        }
        results[i].outputs.push_back(std::move(out));
      }
      row += t.rows;
    }
  }
}

}  // namespace minirt::serve
