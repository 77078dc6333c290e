// minirt-convert --calibrate: static int8 activation scales from sample
// inputs. The graph is written as a file in memory and run at fp32 over the
// samples twice (a run observer reads every int8 MatMul's input before the
// MatMul runs): once for each input's range and a random sample of its rows,
// once for a histogram over that range; then scale_choice.h picks each
// input's range. Padding never counts: a padded run skips the rows whose
// attention_mask is 0, a padding-free run has none.
#pragma once

#include <cstdio>
#include <memory>
#include <string>
#include <vector>

#include "converter/calibrate/scale_choice.h"
#include "converter/emit/emit_options.h"
#include "converter/ir/graph.h"
#include "minirt/minirt.h"
#include "runtime/tokenizer/tokenizer_config.h"

namespace minirt::converter {

struct CalibrationOptions {
  std::string inputs;  // --calibrate PATH: calibration_inputs.h
  ScaleOptions scale;
  int bins = 2048;            // histogram bins per input
  int64_t sample_rows = 256;  // rows kept per input to measure each choice's error
  // Run each batch padding-free when the model allows it (fewer rows to
  // compute; a model with generic ops runs padded).
  bool ragged = true;
  int threads = 1;
};

// One int8 MatMul's input.
struct MatMulCalibration {
  std::string op;  // the op's name
  size_t op_index = 0;
  float min = 0, max = 0;  // observed over the samples' valid rows
  int64_t rows = 0;        // valid rows seen
  ScaleChoice choice;
};

struct Calibration {
  std::vector<MatMulCalibration> matmuls;  // in op order
  int64_t batches = 0, sequences = 0, tokens = 0;
  bool ragged = false;  // whether the runs were padding-free
};

// Calibrates every MatMul of model that an int8 session runs in int8 (those
// without a precision floor). Throws Error for bad inputs (see
// read_calibration_inputs), a batch the model refuses (named), and a sample
// that makes a MatMul input NaN or infinite.
Calibration calibrate_model(const std::shared_ptr<const Model>& model,
                            const CalibrationOptions& options);

// The same for a graph about to be written (op indices are the graph's).
Calibration calibrate_graph(const ir::Graph& graph, const EmitOptions& emit,
                            const tokenizer::TokenizerConfig* tokenizer,
                            const CalibrationOptions& options);

// The converter's report: one line per MatMul with its method, range, scale
// and zero point, and the range it saw.
void print_calibration(const Calibration& calibration, const CalibrationOptions& options,
                       std::FILE* out);

}  // namespace minirt::converter
