#include "common/refs.h"

#include <algorithm>
#include <cmath>
#include <filesystem>

#include "common/tensor_proto.h"

namespace minirt {
namespace {

namespace fs = std::filesystem;

std::vector<fs::path> sorted_files(const fs::path& dir, const std::string& prefix) {
  std::vector<fs::path> files;
  for (const auto& entry : fs::directory_iterator(dir)) {
    const std::string name = entry.path().filename().string();
    if (entry.is_regular_file() && name.rfind(prefix, 0) == 0 && entry.path().extension() == ".pb")
      files.push_back(entry.path());
  }
  std::sort(files.begin(), files.end());
  return files;
}

RefCaseInputs read_case(const fs::path& case_dir) {
  RefCaseInputs c{case_dir.filename().string(), case_dir.string(), {}};
  for (const fs::path& file : sorted_files(case_dir, "input_")) {
    TensorProto t = read_tensor_proto_file(file.string());
    Inputs probe;
    if (!probe.find(t.name))
      throw Error(case_dir.string() + ": input '" + t.name + "' is not a BERT input");
    if (t.dims.size() != 2 || t.i64.empty())
      throw Error(case_dir.string() + ": input '" + t.name +
                  "' must be an integer [batch, seq] tensor");
    c.tensors.push_back(std::move(t));
  }
  return c;
}

RefCaseResult run_case(Session& session, const RefCaseInputs& ref_case) {
  const fs::path case_dir(ref_case.dir);
  RefCaseResult result;
  result.case_name = ref_case.case_name;
  const Inputs inputs = ref_case.inputs();
  result.batch = inputs.input_ids.shape[0];
  result.seq = inputs.input_ids.shape[1];

  const std::span<const OutputView> outputs = session.run(inputs);
  for (const fs::path& file : sorted_files(case_dir, "output_")) {
    const TensorProto expected = read_tensor_proto_file(file.string());
    auto it = std::find_if(outputs.begin(), outputs.end(),
                           [&](const OutputView& o) { return expected.name == o.name; });
    if (it == outputs.end())
      throw Error(file.string() + ": the model has no output '" + expected.name + "'");
    const bool same_shape =
        static_cast<size_t>(it->rank) == expected.dims.size() &&
        std::equal(expected.dims.begin(), expected.dims.end(), it->shape.begin());
    if (!same_shape || expected.f32.size() != static_cast<size_t>(it->numel()))
      throw Error(file.string() + ": output '" + expected.name +
                  "' shape differs from the reference");
    double max_err = 0, err_squares = 0, ref_squares = 0;
    for (size_t i = 0; i < expected.f32.size(); ++i) {
      const double err = std::fabs(static_cast<double>(it->data[i]) - expected.f32[i]);
      max_err = std::isnan(err) ? INFINITY : std::max(max_err, err);
      err_squares += err * err;
      ref_squares += static_cast<double>(expected.f32[i]) * expected.f32[i];
    }
    const double relative_rms =
        ref_squares > 0 ? std::sqrt(err_squares / ref_squares) : std::sqrt(err_squares);
    result.outputs.push_back(
        {expected.name, max_err, std::isnan(err_squares) ? INFINITY : relative_rms});
  }
  if (result.outputs.empty()) throw Error(case_dir.string() + ": no output_*.pb reference");
  return result;
}

}  // namespace

Inputs RefCaseInputs::inputs() const {
  Inputs inputs;
  for (const TensorProto& t : tensors)
    *inputs.find(t.name) = Int64Tensor(t.i64.data(), {t.dims[0], t.dims[1]});
  return inputs;
}

std::vector<RefCaseInputs> read_ref_case_inputs(const std::string& dir) {
  if (!fs::is_directory(dir)) throw Error("refs directory '" + dir + "' does not exist");
  std::vector<fs::path> cases;
  for (const auto& entry : fs::directory_iterator(dir))
    if (entry.is_directory() && !sorted_files(entry.path(), "input_").empty())
      cases.push_back(entry.path());
  if (cases.empty())
    throw Error("refs directory '" + dir + "' holds no case (a folder with input_*.pb files)");
  std::sort(cases.begin(), cases.end());
  std::vector<RefCaseInputs> inputs;
  for (const fs::path& c : cases) inputs.push_back(read_case(c));
  return inputs;
}

std::vector<RefCaseResult> run_ref_cases(Session& session, const std::string& dir) {
  std::vector<RefCaseResult> results;
  for (const RefCaseInputs& c : read_ref_case_inputs(dir)) results.push_back(run_case(session, c));
  return results;
}

}  // namespace minirt
