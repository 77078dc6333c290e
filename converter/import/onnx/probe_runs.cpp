#include "converter/import/onnx/probe_runs.h"

#include <stdexcept>

#include "converter/import/onnx/evaluator.h"
#include "converter/import/onnx/onnx_import.h"

namespace minirt::converter::onnx {
namespace {

// Values up to this many elements keep their data for the passes.
constexpr int64_t kKeptElements = 1 << 16;

}  // namespace

const ValueFacts* ProbeFacts::find(int id) const {
  return id >= 0 && static_cast<size_t>(id) < values.size() ? &values[id] : nullptr;
}

HostTensor probe_input(const ir::Value& input, ProbeSize size) {
  return HostTensor::computed(ir::DType::kI64, {size.batch, size.seq}, [&](void* dst) {
    if (input.name != "attention_mask") return;  // all 0
    for (int64_t b = 0; b < size.batch; ++b) {
      for (int64_t s = 0; s < size.seq; ++s) {
        // Row 0 all ones, row b ends in b zeros, odd rows also miss column 1.
        const bool masked = (s >= size.seq - b) || (b % 2 == 1 && s == 1 && size.seq > 2);
        static_cast<int64_t*>(dst)[b * size.seq + s] = masked ? 0 : 1;
      }
    }
  });
}

HostTensor weight_tensor(const ir::Value& weight) {
  HostTensor t{weight.dtype, {}, weight.data};
  for (const ir::Dim& d : weight.shape) t.dims.push_back(d.factor);
  const std::span<const uint8_t> bytes = weight.data.bytes();
  const size_t size = ir::dtype_size(weight.dtype);
  if (bytes.size() != static_cast<size_t>(t.count()) * size) {
    throw std::runtime_error("weight '" + weight.name + "' holds " + std::to_string(bytes.size()) +
                             " bytes for " + dims_string(t.dims));
  }
  if (reinterpret_cast<uintptr_t>(bytes.data()) % size != 0) {  // the kernels read it aligned
    t.bytes = ir::WeightBytes::owned_bytes(std::vector<uint8_t>(bytes.begin(), bytes.end()));
  }
  return t;
}

ProbeFacts run_probes(const ir::Graph& g) {
  ProbeFacts facts;
  facts.values.resize(g.values.size());
  std::vector<HostTensor> weights(g.values.size());
  for (size_t id = 0; id < g.values.size(); ++id) {
    if (g.values[id].kind == ir::ValueKind::kWeight) weights[id] = weight_tensor(g.values[id]);
  }
  for (size_t i = 0; i < g.inputs.size(); ++i) facts.values[g.inputs[i]].content_deps = 1u << i;

  for (const ProbeSize size : kProbeSizes) {
    std::vector<HostTensor> live(g.values.size());
    std::vector<HostTensor>& inputs = facts.inputs.emplace_back();
    for (int id : g.inputs) {
      inputs.push_back(probe_input(g.values[id], size));
      live[id] = inputs.back();
      facts.values[id].at_probe.push_back(live[id]);
    }
    for (const ir::Op& op : g.ops) {
      EvalInputs in;
      uint32_t deps = 0;
      for (int id : op.inputs) {
        if (id == ir::kNoValue) {
          in.push_back(nullptr);
          continue;
        }
        in.push_back(g.values[id].kind == ir::ValueKind::kWeight ? &weights[id] : &live[id]);
        deps |= facts.values[id].content_deps;
      }
      const std::string_view type = onnx_op_type(op);
      if (type == "Shape") deps = 0;  // a shape depends on sizes, not contents
      std::vector<HostTensor> out;
      try {
        out = evaluate_onnx_op(std::string(type), op.attrs, in);
      } catch (const std::runtime_error& e) {
        throw std::runtime_error("node '" + op.name + "' (" + std::string(type) + ") at batch " +
                                 std::to_string(size.batch) + ", seq " + std::to_string(size.seq) +
                                 ": " + e.what());
      }
      if (out.size() < op.outputs.size()) {
        throw std::runtime_error("node '" + op.name + "' (" + std::string(type) + "): only " +
                                 std::to_string(out.size()) + " output(s) supported");
      }
      for (size_t i = 0; i < op.outputs.size(); ++i) {
        const int id = op.outputs[i];
        facts.values[id].content_deps = deps;
        HostTensor kept = out[i];
        if (kept.count() > kKeptElements) kept.bytes = {};
        facts.values[id].at_probe.push_back(std::move(kept));
        live[id] = std::move(out[i]);
      }
    }
  }
  return facts;
}

}  // namespace minirt::converter::onnx
