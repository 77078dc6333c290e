// libFuzzer target: an ONNX model (model.onnx, then the external data file
// model.onnx.data beside it, split as fuzz_input_split.h says) through the
// ONNX importer, its passes, and the converter's emit-and-load. The importer
// may only fail with std::runtime_error (which minirt::Error is); a crash, a
// sanitizer report or any other exception is a finding.
#include <algorithm>
#include <stdexcept>

#include "converter/emit/model_writer.h"
#include "converter/import/onnx/onnx_pipeline.h"
#include "tests/fuzz/fuzz_input_split.h"

namespace onnx = minirt::converter::onnx;

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  const auto [model, external] = minirt::fuzz::split_input(data, size);
  try {
    minirt::fuzz::write_scratch("model.onnx.data", external);
    const onnx::OnnxConversion conversion =
        onnx::convert_onnx(minirt::fuzz::write_scratch("model.onnx", model));
    minirt::converter::EmitOptions options;
    options.max_batch = 2;
    options.max_seq = 16;
    minirt::converter::build_model_buffer(conversion.graph, options);
  } catch (const std::runtime_error&) {
  }
  return 0;
}
