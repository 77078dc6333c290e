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

RefCaseResult run_case(Session& session, const RefCaseInputs& ref_case, bool ragged) {
  const fs::path case_dir(ref_case.dir);
  RefCaseResult result;
  result.case_name = ref_case.case_name;
  const Inputs inputs = ref_case.inputs();
  result.batch = inputs.input_ids.shape[0];
  result.seq = inputs.input_ids.shape[1];

  PackedCase packed;
  if (ragged) packed = pack_case(inputs, case_dir.string());
  const std::span<const OutputView> outputs =
      ragged ? session.run_ragged({packed.ids, packed.cu_seqlens, packed.types})
             : session.run(inputs);
  for (const fs::path& file : sorted_files(case_dir, "output_")) {
    const TensorProto expected = read_tensor_proto_file(file.string());
    auto it = std::find_if(outputs.begin(), outputs.end(),
                           [&](const OutputView& o) { return expected.name == o.name; });
    if (it == outputs.end())
      throw Error(file.string() + ": the model has no output '" + expected.name + "'");
    // A ragged run packs a per-token output [batch, seq, ...] into [tokens, ...].
    const bool packs = ragged && expected.dims.size() == 3;
    std::vector<int64_t> want_dims = expected.dims;
    if (packs) want_dims = {packed.cu_seqlens.back(), expected.dims[2]};
    const bool same_shape = static_cast<size_t>(it->rank) == want_dims.size() &&
                            std::equal(want_dims.begin(), want_dims.end(), it->shape.begin());
    int64_t expected_numel = 1;
    for (int64_t d : expected.dims) expected_numel *= d;
    if (!same_shape || expected.f32.size() != static_cast<size_t>(expected_numel))
      throw Error(file.string() + ": output '" + expected.name +
                  "' shape differs from the reference");
    double max_err = 0, err_squares = 0, ref_squares = 0;
    auto compare = [&](size_t want_index, size_t got_index) {
      const double err = std::fabs(static_cast<double>(it->data[got_index]) -
                                   static_cast<double>(expected.f32[want_index]));
      max_err = std::isnan(err) ? INFINITY : std::max(max_err, err);
      err_squares += err * err;
      ref_squares += static_cast<double>(expected.f32[want_index]) * expected.f32[want_index];
    };
    if (packs) {  // valid positions only
      const auto seq = static_cast<size_t>(expected.dims[1]);
      const auto width = static_cast<size_t>(expected.dims[2]);
      for (size_t b = 0; b < packed.lengths.size(); ++b)
        for (size_t t = 0; t < static_cast<size_t>(packed.lengths[b]); ++t)
          for (size_t c = 0; c < width; ++c)
            compare((b * seq + t) * width + c,
                    (static_cast<size_t>(packed.cu_seqlens[b]) + t) * width + c);
    } else {
      for (size_t i = 0; i < expected.f32.size(); ++i) compare(i, i);
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

PackedCase pack_case(const Inputs& inputs, const std::string& where) {
  const int64_t batch = inputs.input_ids.shape[0], seq = inputs.input_ids.shape[1];
  PackedCase packed;
  for (int64_t b = 0; b < batch; ++b) {
    int64_t length = seq;
    if (!inputs.attention_mask.empty()) {
      const int64_t* mask = inputs.attention_mask.data + b * seq;
      length = std::find(mask, mask + seq, 0) - mask;
      if (std::any_of(mask + length, mask + seq, [](int64_t m) { return m != 0; }))
        throw Error(where + ": row " + std::to_string(b) +
                    " of attention_mask has padding before a token; --ragged strips trailing "
                    "padding only");
      if (length == 0) throw Error(where + ": row " + std::to_string(b) + " is all padding");
    }
    packed.lengths.push_back(length);
    packed.cu_seqlens.push_back(packed.cu_seqlens.back() + length);
    const auto first = static_cast<size_t>(b * seq);
    packed.ids.insert(packed.ids.end(), inputs.input_ids.data + first,
                      inputs.input_ids.data + first + length);
    if (!inputs.token_type_ids.empty())
      packed.types.insert(packed.types.end(), inputs.token_type_ids.data + first,
                          inputs.token_type_ids.data + first + length);
  }
  return packed;
}

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

std::vector<RefCaseResult> run_ref_cases(Session& session, const std::string& dir, bool ragged) {
  std::vector<RefCaseResult> results;
  for (const RefCaseInputs& c : read_ref_case_inputs(dir))
    results.push_back(run_case(session, c, ragged));
  return results;
}

}  // namespace minirt
