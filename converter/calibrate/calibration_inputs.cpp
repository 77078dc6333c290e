#include "converter/calibrate/calibration_inputs.h"

#include <algorithm>
#include <filesystem>
#include <fstream>

#include "common/refs.h"
#include "minirt/tokenizer.h"

namespace minirt::converter {
namespace {

namespace fs = std::filesystem;

std::vector<int64_t> copied(const Int64Tensor& t, size_t n, int64_t fill) {
  return t.empty() ? std::vector<int64_t>(n, fill) : std::vector<int64_t>(t.data, t.data + n);
}

std::vector<CalibrationBatch> from_cases(const std::string& dir) {
  std::vector<CalibrationBatch> batches;
  for (const RefCaseInputs& c : read_ref_case_inputs(dir)) {
    const Inputs in = c.inputs();
    if (in.input_ids.empty()) throw Error(c.dir + ": no input_ids input");
    PaddedBatch tokens;
    tokens.batch = in.input_ids.shape[0];
    tokens.seq = in.input_ids.shape[1];
    const auto n = static_cast<size_t>(tokens.batch * tokens.seq);
    tokens.input_ids = copied(in.input_ids, n, 0);
    tokens.attention_mask = copied(in.attention_mask, n, 1);
    tokens.token_type_ids = copied(in.token_type_ids, n, 0);
    batches.push_back({c.case_name, std::move(tokens)});
  }
  return batches;
}

std::vector<CalibrationBatch> from_text(const std::string& path, const Model& model) {
  const Tokenizer* tokenizer = model.tokenizer();
  if (!tokenizer) {
    throw Error("--calibrate " + path +
                " is a text file, but the model has no tokenizer to turn it into token ids: give "
                "--tokenizer DIR (or --hf DIR with tokenizer files), or reference-case folders");
  }
  std::ifstream in(path);
  if (!in) throw Error("--calibrate: cannot read " + path);
  std::vector<CalibrationBatch> batches;
  std::vector<std::string> texts, pairs;
  int64_t line_no = 0, first_line = 1, last_line = 0;
  bool paired = false;  // a batch holds only pairs or only single texts
  auto flush = [&] {
    if (texts.empty()) return;
    const std::string name =
        path + " lines " + std::to_string(first_line) + "-" + std::to_string(last_line);
    PaddedBatch padded;
    try {
      padded = tokenizer->pad(
          tokenizer->encode_batch(texts, paired ? pairs : std::vector<std::string>{}));
    } catch (const Error& e) {
      throw Error(name + ": " + e.what());
    }
    batches.push_back({name, std::move(padded)});
    texts.clear();
    pairs.clear();
  };
  const auto max_batch = static_cast<size_t>(model.summary().max_batch);
  for (std::string line; std::getline(in, line);) {
    ++line_no;
    if (!line.empty() && line.back() == '\r') line.pop_back();
    if (line.find_first_not_of(" \t") == std::string::npos) continue;
    const size_t tab = line.find('\t');
    if (!texts.empty() && paired != (tab != std::string::npos)) flush();
    if (texts.empty()) {
      first_line = line_no;
      paired = tab != std::string::npos;
    }
    last_line = line_no;
    texts.push_back(line.substr(0, tab));
    pairs.push_back(tab == std::string::npos ? std::string() : line.substr(tab + 1));
    if (texts.size() == max_batch) flush();
  }
  flush();
  if (batches.empty()) throw Error("--calibrate " + path + ": no non-empty line to calibrate on");
  return batches;
}

}  // namespace

std::vector<CalibrationBatch> read_calibration_inputs(const std::string& path, const Model& model) {
  if (fs::is_directory(path)) return from_cases(path);
  if (fs::is_regular_file(path)) return from_text(path, model);
  throw Error("--calibrate " + path + ": no such folder or file");
}

}  // namespace minirt::converter
