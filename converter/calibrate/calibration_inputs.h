// The sample inputs minirt-convert --calibrate runs: reference-case folders
// (folders of input_K.pb TensorProtos, as refs/caseN) or a UTF-8 text file,
// one sample a line (a tab splits a text pair), run through the model's own
// tokenizer.
#pragma once

#include <string>
#include <vector>

#include "minirt/minirt.h"
#include "minirt/tokenizer.h"

namespace minirt::converter {

// One padded batch: [batch, seq], attention_mask 0 on padding.
struct CalibrationBatch {
  std::string name;    // "case0", "lines 1-8", for messages
  PaddedBatch tokens;  // ids, mask and token types, [batch, seq]
};

// path: a folder of case folders, or a text file. Text lines go in batches
// of up to model's max_batch. Throws Error naming what is wrong: no such
// path, no case or no non-empty line, an input that is not a BERT input or
// not [batch, seq], a text file for a model without a tokenizer.
std::vector<CalibrationBatch> read_calibration_inputs(const std::string& path, const Model& model);

}  // namespace minirt::converter
