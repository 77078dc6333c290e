#include "converter/calibrate/calibrate.h"

#include <algorithm>

#include "common/refs.h"
#include "converter/calibrate/calibration_inputs.h"
#include "converter/emit/model_writer.h"
#include "converter/ir/input_quantization.h"
#include "runtime/model/model_impl.h"
#include "runtime/session/run_observer.h"

namespace minirt::converter {
namespace {

bool runs_int8(const OpInfo& op) {
  return op.kind == OpKind::MatMul && op.precision_floor == fb::PrecisionFloor::Any;
}

// Feeds each int8 MatMul's valid input rows to its ActivationStats.
class MatMulInputObserver final : public RunObserver {
 public:
  MatMulInputObserver(const Model::Impl& model, const CalibrationOptions& options)
      : model_(model), slot_(model.ops.size(), -1) {
    for (size_t i = 0; i < model.ops.size(); ++i) {
      const OpInfo& op = model.ops[i];
      if (!runs_int8(op)) continue;
      slot_[i] = static_cast<int>(stats_.size());
      const ValueInfo& src = model.values[static_cast<size_t>(op.inputs[0])];
      const int64_t k = model.values[static_cast<size_t>(op.inputs[1])].shape[1].factor;
      stats_.emplace_back(op.name + " input '" + src.name + "'", k, options.sample_rows,
                          0x5eed + i);
    }
  }

  // The next run's attention mask ([batch, seq], nullptr for a ragged run),
  // and which pass it belongs to.
  void next_run(const int64_t* mask, bool histogram_pass) {
    mask_ = mask;
    histogram_pass_ = histogram_pass;
  }

  void before_op(size_t op_index, const OpInfo& op, const RunShape& run,
                 std::span<void* const> tensors) override {
    if (slot_[op_index] < 0) return;
    ActivationStats& stats = stats_[static_cast<size_t>(slot_[op_index])];
    const ValueInfo& src = model_.values[static_cast<size_t>(op.inputs[0])];
    const int64_t k = stats.row_size();
    const int64_t rows = src.numel(run) / k;
    // One row per token (padding included unless ragged), or one per sequence.
    const bool per_token = rows == run.tokens;
    if (!per_token && rows != run.batch)
      throw Error("calibration: cannot tell the padding rows of " + stats.name() + " " +
                  src.shape_str() + ": neither one row per token nor one per sequence");
    const auto* x = static_cast<const float*>(tensors[static_cast<size_t>(op.inputs[0])]);
    for (int64_t r = 0; r < rows; ++r) {
      if (per_token && run.padded() && mask_ && mask_[r] == 0) continue;
      const std::span<const float> row(x + r * k, static_cast<size_t>(k));
      if (histogram_pass_)
        stats.add_row_to_histogram(row);
      else
        stats.add_row(row);
    }
  }

  std::vector<ActivationStats>& stats() { return stats_; }

 private:
  const Model::Impl& model_;
  std::vector<int> slot_;  // per op: index into stats_, -1 when not observed
  std::vector<ActivationStats> stats_;
  const int64_t* mask_ = nullptr;
  bool histogram_pass_ = false;
};

}  // namespace

Calibration calibrate_model(const std::shared_ptr<const Model>& model,
                            const CalibrationOptions& options) {
  const Model::Impl& m = model->impl();
  const std::vector<CalibrationBatch> batches = read_calibration_inputs(options.inputs, *model);
  Calibration result;
  result.ragged = options.ragged && m.ragged_refusal.empty();
  MatMulInputObserver observer(m, options);
  if (observer.stats().empty())
    throw Error("calibration: the model has no MatMul that runs in int8");
  Session session(model, {.threads = options.threads});
  set_run_observer(session, &observer);
  for (const bool histogram_pass : {false, true}) {
    for (const CalibrationBatch& batch : batches) {
      const Inputs inputs = batch.tokens.inputs();
      try {
        if (result.ragged) {
          const PackedCase packed = pack_case(inputs, batch.name);
          observer.next_run(nullptr, histogram_pass);
          session.run_ragged(packed.inputs());
        } else {
          observer.next_run(batch.tokens.attention_mask.data(), histogram_pass);
          session.run(inputs);
        }
      } catch (const Error& e) {
        throw Error("calibration sample " + batch.name + ": " + e.what());
      }
      if (histogram_pass) continue;
      ++result.batches;
      result.sequences += batch.tokens.batch;
      result.tokens +=
          std::count(batch.tokens.attention_mask.begin(), batch.tokens.attention_mask.end(), 1);
    }
    if (!histogram_pass)
      for (ActivationStats& stats : observer.stats()) stats.start_histogram(options.bins);
  }
  set_run_observer(session, nullptr);

  for (size_t i = 0, s = 0; i < m.ops.size(); ++i) {
    if (!runs_int8(m.ops[i])) continue;
    const ActivationStats& stats = observer.stats()[s++];
    const ValueInfo& weight = m.values[static_cast<size_t>(m.ops[i].inputs[1])];
    const std::span<const float> w(reinterpret_cast<const float*>(weight.weight),
                                   static_cast<size_t>(weight.shape[0].factor * stats.row_size()));
    result.matmuls.push_back({m.ops[i].name, i, stats.min(), stats.max(), stats.rows(),
                              choose_scale(stats, options.scale, w)});
  }
  return result;
}

Calibration calibrate_graph(const ir::Graph& graph, const EmitOptions& emit,
                            const tokenizer::TokenizerConfig* tokenizer,
                            const CalibrationOptions& options) {
  const flatbuffers::DetachedBuffer bytes = build_model_buffer(graph, emit, tokenizer);
  Calibration result = calibrate_model(
      Model::load_from_memory({bytes.data(), bytes.size()}, "--calibrate model"), options);
  // The file's ops are the graph's, in order (model_writer); check the names.
  for (const MatMulCalibration& c : result.matmuls) {
    if (c.op_index >= graph.ops.size() || graph.ops[c.op_index].name != c.op)
      throw Error("calibration: op " + std::to_string(c.op_index) + " '" + c.op +
                  "' is not the graph's op of that index");
  }
  return result;
}

void apply_calibration(ir::Graph& graph, const Calibration& c, const CalibrationOptions& options) {
  int chosen[3] = {};  // per method: max, percentile, mse
  for (const MatMulCalibration& m : c.matmuls) {
    const ref::RowQuantization& q = m.choice.quantization;
    ir::set_input_quantization(graph.ops[m.op_index],
                               {q.scale, static_cast<int32_t>(q.zero_point)});
    ++chosen[static_cast<int>(m.choice.method)];
  }
  std::string how = calibration_method_name(options.scale.method);
  if (options.scale.method == CalibrationMethod::kAuto) {
    how += " (" + std::to_string(chosen[0]) + " max, " + std::to_string(chosen[1]) +
           " percentile, " + std::to_string(chosen[2]) + " mse)";
  }
  graph.metadata.emplace_back("int8_calibration",
                              "static input scales on " + std::to_string(c.matmuls.size()) +
                                  " MatMuls, " + how + ", from " + std::to_string(c.sequences) +
                                  " sequences (" + std::to_string(c.tokens) + " tokens) of " +
                                  options.inputs);
}

void print_calibration(const Calibration& c, const CalibrationOptions& options, std::FILE* out) {
  std::fprintf(out, "calibration: %s", calibration_method_name(options.scale.method));
  if (options.scale.method == CalibrationMethod::kAuto ||
      options.scale.method == CalibrationMethod::kPercentile)
    std::fprintf(out, " (percentile %g)", options.scale.percentile);
  std::fprintf(out,
               ", %lld batches, %lld sequences, %lld tokens, %s runs; static u8 input scales:\n",
               static_cast<long long>(c.batches), static_cast<long long>(c.sequences),
               static_cast<long long>(c.tokens), c.ragged ? "padding-free" : "padded");
  for (const MatMulCalibration& m : c.matmuls) {
    const ScaleChoice& q = m.choice;
    std::fprintf(
        out, "  %-40s %-10s scale %.6g zero point %3.0f range [%.4g, %.4g] of seen [%.4g, %.4g]\n",
        m.op.c_str(), calibration_method_name(q.method), q.quantization.scale,
        q.quantization.zero_point, q.range.lo, q.range.hi, m.min, m.max);
  }
}

}  // namespace minirt::converter
