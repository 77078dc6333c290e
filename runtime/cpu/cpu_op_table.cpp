// The CPU backend's kind-to-factory table: one row per op kind of the schema
// (fb::OpParams), in its order. A new kind adds its factory here; a kind the
// CPU cannot run yet gets a null row and a clear Error at prepare.
#include <array>
#include <iterator>
#include <string>

#include "runtime/cpu/cpu_op.h"

namespace minirt {

// Defined in runtime/cpu/<op>_op.cpp.
std::unique_ptr<CpuOp> make_cpu_embed_layer_norm(const CpuOpSetup& setup);
std::unique_ptr<CpuOp> make_cpu_matmul(const CpuOpSetup& setup);
std::unique_ptr<CpuOp> make_cpu_attention(const CpuOpSetup& setup);
std::unique_ptr<CpuOp> make_cpu_add_layer_norm(const CpuOpSetup& setup);
std::unique_ptr<CpuOp> make_cpu_pooler(const CpuOpSetup& setup);
// Generic ops, on the reference kernels of ops/ref/generic_kernels.h.
std::unique_ptr<CpuOp> make_cpu_elementwise(const CpuOpSetup& setup);     // also Expand
std::unique_ptr<CpuOp> make_cpu_generic_matmul(const CpuOpSetup& setup);  // also Gemm
std::unique_ptr<CpuOp> make_cpu_softmax(const CpuOpSetup& setup);
std::unique_ptr<CpuOp> make_cpu_layer_normalization(const CpuOpSetup& setup);
std::unique_ptr<CpuOp> make_cpu_reduce_mean(const CpuOpSetup& setup);
std::unique_ptr<CpuOp> make_cpu_reshape(const CpuOpSetup& setup);
std::unique_ptr<CpuOp> make_cpu_transpose(const CpuOpSetup& setup);
std::unique_ptr<CpuOp> make_cpu_gather(const CpuOpSetup& setup);  // also GatherND
std::unique_ptr<CpuOp> make_cpu_slice(const CpuOpSetup& setup);
std::unique_ptr<CpuOp> make_cpu_concat(const CpuOpSetup& setup);
std::unique_ptr<CpuOp> make_cpu_range(const CpuOpSetup& setup);            // also DimValues
std::unique_ptr<CpuOp> make_cpu_quantize_linear(const CpuOpSetup& setup);  // also Dequantize

namespace {

using CpuOpFactory = std::unique_ptr<CpuOp> (*)(const CpuOpSetup&);

struct CpuOpRow {
  OpKind kind;
  CpuOpFactory make;  // nullptr: no CPU implementation
};

constexpr CpuOpRow kCpuOps[] = {
    {OpKind::NONE, nullptr},
    {OpKind::EmbedLayerNorm, make_cpu_embed_layer_norm},
    {OpKind::MatMul, make_cpu_matmul},
    {OpKind::Attention, make_cpu_attention},
    {OpKind::AddLayerNorm, make_cpu_add_layer_norm},
    {OpKind::Pooler, make_cpu_pooler},
    {OpKind::Elementwise, make_cpu_elementwise},
    {OpKind::GenericMatMul, make_cpu_generic_matmul},
    {OpKind::Gemm, make_cpu_generic_matmul},
    {OpKind::Softmax, make_cpu_softmax},
    {OpKind::LayerNormalization, make_cpu_layer_normalization},
    {OpKind::ReduceMean, make_cpu_reduce_mean},
    {OpKind::Reshape, make_cpu_reshape},
    {OpKind::Transpose, make_cpu_transpose},
    {OpKind::Gather, make_cpu_gather},
    {OpKind::GatherND, make_cpu_gather},
    {OpKind::Slice, make_cpu_slice},
    {OpKind::Concat, make_cpu_concat},
    {OpKind::Expand, make_cpu_elementwise},
    {OpKind::Range, make_cpu_range},
    {OpKind::DimValues, make_cpu_range},
    {OpKind::QuantizeLinear, make_cpu_quantize_linear},
    {OpKind::DequantizeLinear, make_cpu_quantize_linear},
};

constexpr bool rows_in_kind_order() {
  for (size_t i = 0; i < std::size(kCpuOps); ++i)
    if (static_cast<size_t>(kCpuOps[i].kind) != i) return false;
  return true;
}
static_assert(std::size(kCpuOps) == static_cast<size_t>(OpKind::MAX) + 1,
              "kCpuOps needs one row per fb::OpParams kind");
static_assert(rows_in_kind_order(), "kCpuOps rows must follow fb::OpParams order");

}  // namespace

std::unique_ptr<CpuOp> make_cpu_op(const CpuOpSetup& setup) {
  const OpInfo& op = setup.bound.op();
  const auto index = static_cast<size_t>(op.kind);
  const CpuOpFactory make = index < std::size(kCpuOps) ? kCpuOps[index].make : nullptr;
  if (!make) {
    const std::string kind = *fb::EnumNameOpParams(op.kind) ? fb::EnumNameOpParams(op.kind)
                                                            : "kind code " + std::to_string(index);
    throw Error("op '" + op.name + "' (" + kind + ") has no CPU implementation");
  }
  return make(setup);
}

}  // namespace minirt
