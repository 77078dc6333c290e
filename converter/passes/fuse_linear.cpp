#include "converter/import/onnx/onnx_import.h"
#include "converter/ir/op_types.h"
#include "converter/passes/passes.h"

namespace minirt::converter::passes {
namespace {

struct LinearMatch {
  int src, weight, bias;  // bias may be ir::kNoValue
  bool transposed;        // weight already [N,K] (Gemm transB=1)
};

bool is_vector_of(const ir::Graph& g, int id, int64_t n) {
  return is_weight(g, id) && const_dims(g.values[id].shape) == std::vector<int64_t>{n};
}

// A constant 2-D weight [K,N] (or [N,K] when transposed); returns N, or -1.
int64_t weight_out_dim(const ir::Graph& g, int id, bool transposed) {
  if (!is_weight(g, id) || g.values[id].dtype != ir::DType::kF32) return -1;
  const std::vector<int64_t> dims = const_dims(g.values[id].shape);
  return dims.size() == 2 ? dims[transposed ? 0 : 1] : -1;
}

std::optional<LinearMatch> match(const ir::Graph& g, const GraphIndex& index, const ir::Op& op) {
  const std::string_view type = onnx::onnx_op_type(op);
  if (type == "Gemm") {
    const bool tb = op.attrs.get_int_or("transB", 0) != 0;
    const int64_t n = weight_out_dim(g, op.inputs[1], tb);
    const int bias = op.inputs.size() > 2 ? op.inputs[2] : ir::kNoValue;
    if (op.attrs.get_int_or("transA", 0) != 0 || op.attrs.get_float_or("alpha", 1) != 1 ||
        op.attrs.get_float_or("beta", 1) != 1 || n < 0 ||
        (bias != ir::kNoValue && !is_vector_of(g, bias, n))) {
      return std::nullopt;
    }
    return LinearMatch{op.inputs[0], op.inputs[1], bias, tb};
  }
  if (type == "Add") {
    for (int i = 0; i < 2; ++i) {
      const ir::Op* mm = index.onnx_producer(op.inputs[i], "MatMul");
      if (mm == nullptr || index.use_count(op.inputs[i]) != 1) continue;
      const int64_t n = weight_out_dim(g, mm->inputs[1], false);
      if (n > 0 && is_vector_of(g, op.inputs[1 - i], n)) {
        return LinearMatch{mm->inputs[0], mm->inputs[1], op.inputs[1 - i], false};
      }
    }
  }
  return std::nullopt;
}

// [K,N] row-major -> [N,K], minirt's MatMul weight layout.
std::vector<float> transposed(const std::vector<float>& w, int64_t k, int64_t n) {
  std::vector<float> t(w.size());
  for (int64_t r = 0; r < k; ++r) {
    for (int64_t c = 0; c < n; ++c) t[c * k + r] = w[r * n + c];
  }
  return t;
}

}  // namespace

void fuse_linear(PassContext& ctx) {
  const GraphIndex index(ctx.g);
  int fused = 0;
  for (ir::Op& op : ctx.g.ops) {
    const std::optional<LinearMatch> m = match(ctx.g, index, op);
    if (!m) continue;
    int weight = m->weight;
    if (!m->transposed) {
      const std::vector<int64_t> dims = const_dims(ctx.g.values[weight].shape);
      weight = add_f32_weight(ctx.g, ctx.g.values[weight].name + ".T", {dims[1], dims[0]},
                              transposed(weight_floats(ctx.g, weight), dims[0], dims[1]));
    }
    op.type = ir::op_name(fb::OpParams::MatMul);
    op.inputs = {m->src, weight, m->bias, ir::kNoValue};
    op.attrs = {};
    op.attrs.set("activation", std::string(ir::activation_name(fb::Activation::None)));
    ++fused;
  }
  if (fused > 0)
    ctx.log.push_back("fuse_linear: " + std::to_string(fused) + " MatMul+Add / Gemm -> MatMul");
}

}  // namespace minirt::converter::passes
