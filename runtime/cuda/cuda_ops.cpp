#include "runtime/cuda/cuda_ops.h"

#include <string>

#include "runtime/exec/fused_args.h"

namespace minirt {

cuda::FusedLaunch fused_launch(const BoundOp& op, const RunShape& run) {
  // The one list of op kinds the CUDA backend runs.
  switch (op.op().kind) {
    case OpKind::EmbedLayerNorm:
      return embed_layer_norm_args(op, run);
    case OpKind::MatMul:
      // fp16 only: a static int8 input quantization (op.op().input_quantization)
      // does not apply, as in fp32 and bf16 CPU sessions.
      return matmul_args(op, run);
    case OpKind::Attention: {
      const ref::AttentionArgs args = attention_args(op, run);
      if (!cuda::attention_head_dim_supported(args.head_dim))
        throw Error("device cuda: op '" + op.op().name + "' (Attention) has head dim " +
                    std::to_string(args.head_dim) +
                    "; the CUDA attention kernel runs head dims 16, 32 and 64");
      return args;
    }
    case OpKind::AddLayerNorm:
      return add_layer_norm_args(op, run);
    case OpKind::Pooler:
      return pooler_args(op, run);
    default:
      throw Error("device cuda: op '" + op.op().name + "' (" + fb::EnumNameOpParams(op.op().kind) +
                  ") has no CUDA kernel; the CUDA backend runs EmbedLayerNorm, MatMul, "
                  "Attention, AddLayerNorm and Pooler (use --device cpu)");
  }
}

void check_cuda_run(const RunShape& run) {
  if (run.ragged)
    throw Error(
        "device cuda: padding-free (ragged) runs are not supported by the CUDA backend yet; use "
        "Session::run (padded) on cuda, or run_ragged on the cpu device");
}

void check_cuda_session(const Model::Impl& model, const SessionOptions& options) {
  if (options.precision != Precision::kFloat32)
    throw Error(std::string("device cuda: precision ") + precision_name(options.precision) +
                " is for the CPU; the CUDA backend runs fp16 weights and activations with fp32 "
                "accumulation, asked for as fp32");
  if (options.profile) throw Error("device cuda: per-op profiling is CPU-only");
  // Every op through the one list, over a table of null pointers: only
  // kinds and attributes are read.
  const std::vector<void*> no_tensors(model.values.size(), nullptr);
  for (const OpInfo& op : model.ops) fused_launch(BoundOp(model, op, no_tensors), RunShape(1, 1));
}

void run_launches(const Model::Impl& model, const std::vector<void*>& tensors,
                  std::span<float* const> outputs, const RunShape& run,
                  std::vector<cuda::FusedLaunch>& launches) {
  check_cuda_run(run);
  launches.clear();
  for (const OpInfo& op : model.ops)
    launches.push_back(fused_launch(BoundOp(model, op, tensors), run));
  for (size_t i = 0; i < model.outputs.size(); ++i) {
    const auto v = static_cast<size_t>(model.outputs[i]);
    launches.push_back(cuda::ConvertArgs{tensors[v], outputs[i], model.values[v].numel(run)});
  }
}

}  // namespace minirt
