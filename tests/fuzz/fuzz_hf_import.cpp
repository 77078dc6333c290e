// libFuzzer target: a Hugging Face checkpoint (config.json, then
// model.safetensors, split as fuzz_input_split.h says) through the config
// and safetensors readers, the BERT graph builder and the converter's
// emit-and-load. The importer may only fail with std::runtime_error (which
// minirt::Error is); a crash, a sanitizer report or any other exception
// (std::out_of_range, nlohmann's json::exception) is a finding.
#include <algorithm>
#include <stdexcept>

#include "converter/emit/model_writer.h"
#include "converter/import/hf/bert_builder.h"
#include "converter/import/hf/bert_config.h"
#include "converter/import/hf/safetensors.h"
#include "tests/fuzz/fuzz_input_split.h"

namespace hf = minirt::converter::hf;

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  const auto [config_text, safetensors] = minirt::fuzz::split_input(data, size);
  try {
    const hf::BertConfig config = hf::parse_bert_config(config_text, "config.json");
    const hf::TensorSet tensors =
        hf::read_safetensors(minirt::fuzz::write_scratch("model.safetensors", safetensors));
    const minirt::ir::Graph graph = hf::build_bert_graph(config, tensors);
    minirt::converter::EmitOptions options;
    options.max_batch = 2;
    options.max_seq = static_cast<int32_t>(std::min<int64_t>(config.max_position_embeddings, 16));
    minirt::converter::build_model_buffer(graph, options);
  } catch (const std::runtime_error&) {
  }
  return 0;
}
