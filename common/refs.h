// Runs reference cases (refs/caseN/input_K.pb, output_K.pb, as in the ONNX
// backend test data) through a session and measures the error per output.
#pragma once

#include <string>
#include <vector>

#include "common/tensor_proto.h"
#include "minirt/minirt.h"

namespace minirt {

// One reference case's inputs, read from its folder; inputs() views them.
struct RefCaseInputs {
  std::string case_name;  // directory name, e.g. "case0"
  std::string dir;
  std::vector<TensorProto> tensors;
  Inputs inputs() const;
};

// The case folders of dir (every subdirectory holding input_*.pb), in name
// order, with their inputs. Throws Error when dir has no case or an input is
// not a BERT input of shape [batch, seq].
std::vector<RefCaseInputs> read_ref_case_inputs(const std::string& dir);

// A padded batch as a padding-free one: row b keeps its first length[b]
// tokens, where the mask is 1. Throws Error naming `where` when a row has
// padding before a token or is all padding.
struct PackedCase {
  std::vector<int64_t> lengths, cu_seqlens{0}, ids, types;
  RaggedInputs inputs() const { return {ids, cu_seqlens, types}; }
};
PackedCase pack_case(const Inputs& inputs, const std::string& where);

struct RefOutputError {
  std::string name;
  double max_abs_error = 0;
  // ||got - ref|| / ||ref|| over the whole output: the error in proportion to
  // the output's size, which max_abs_error alone does not tell.
  double relative_rms_error = 0;
};

struct RefCaseResult {
  std::string case_name;  // directory name, e.g. "case0"
  int64_t batch = 0, seq = 0;
  std::vector<RefOutputError> outputs;
};

// Every subdirectory of dir holding input_*.pb, in name order. Throws Error
// when dir has no case, an input or output is unknown to the model, or an
// output's shape differs from the reference. `ragged` runs each case as a
// padding-free batch instead (Session::run_ragged): each row's padding, the
// attention_mask's trailing zeros, is stripped, and only valid positions are
// compared.
std::vector<RefCaseResult> run_ref_cases(Session& session, const std::string& dir,
                                         bool ragged = false);

}  // namespace minirt
