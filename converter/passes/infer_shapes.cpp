#include <optional>
#include <stdexcept>

#include "converter/passes/passes.h"

namespace minirt::converter::passes {

std::optional<ir::Dim> fit_dim(const std::vector<int64_t>& sizes) {
  for (const bool batch : {false, true}) {
    for (const bool seq : {false, true}) {
      auto scale = [&](size_t probe) {
        const onnx::ProbeSize p = onnx::kProbeSizes[probe];
        return (batch ? p.batch : 1) * (seq ? p.seq : 1);
      };
      if (sizes[0] % scale(0) != 0) continue;
      const int64_t factor = sizes[0] / scale(0);
      bool fits = true;
      for (size_t probe = 1; probe < sizes.size(); ++probe)
        fits &= factor * scale(probe) == sizes[probe];
      if (fits) return ir::Dim{factor, batch, seq};
    }
  }
  return std::nullopt;
}

void infer_shapes(PassContext& ctx) {
  for (const ir::Op& op : ctx.g.ops) {
    for (int id : op.outputs) {
      const std::vector<onnx::HostTensor>& probes = ctx.facts.values[id].at_probe;
      ir::Value& value = ctx.g.values[id];
      value.dtype = probes[0].dtype;
      value.shape.clear();
      for (size_t axis = 0; axis < probes[0].rank(); ++axis) {
        std::vector<int64_t> sizes;
        for (const onnx::HostTensor& t : probes) {
          if (t.rank() != probes[0].rank()) {
            throw std::runtime_error("value '" + value.name + "' changes rank with the input size");
          }
          sizes.push_back(t.dims[axis]);
        }
        const std::optional<ir::Dim> dim = fit_dim(sizes);
        if (!dim) {
          std::string seen;
          for (size_t p = 0; p < sizes.size(); ++p) {
            seen += (p ? ", " : "") + std::to_string(sizes[p]) + " at batch " +
                    std::to_string(onnx::kProbeSizes[p].batch) + " seq " +
                    std::to_string(onnx::kProbeSizes[p].seq);
          }
          throw std::runtime_error("value '" + value.name + "' dim " + std::to_string(axis) +
                                   " is " + seen + ": not factor * batch * seq");
        }
        value.shape.push_back(*dim);
      }
    }
  }
}

}  // namespace minirt::converter::passes
