// What the CUDA backend runs, in plain C++ (no CUDA headers, built in every
// configuration, so it is tested on machines without CUDA): which sessions
// it accepts, and a run as the list of FusedLaunches (ops/cuda/launch.h)
// that the backend captures into a CUDA graph and the emulator tests replay.
#pragma once

#include <span>
#include <vector>

#include "ops/cuda/launch.h"
#include "runtime/exec/bound_op.h"

namespace minirt {

// Throws Error, naming the op or option, for what the CUDA backend cannot
// run: an op kind it has no kernel for (the generic ops), an attention head
// dim its kernel is not built for, a precision other than fp32, profiling.
void check_cuda_session(const Model::Impl& model, const SessionOptions& options);

// Throws Error for a run the backend cannot take: a padding-free (ragged)
// one. Its attention kernel takes the offsets, but the embedding and the
// pooler do not yet, and the graph cache is keyed by padded shapes; the
// backend checks before its cache lookup, so no padded graph is replayed.
void check_cuda_run(const RunShape& run);

// One op's launch for a run; throws Error for what check_cuda_session refuses.
cuda::FusedLaunch fused_launch(const BoundOp& op, const RunShape& run);

// A whole run: every op's launch over `tensors` (the backend's table, fp16
// activations and weights), then each graph output i converted to fp32
// into outputs[i]. Clears `launches` first.
void run_launches(const Model::Impl& model, const std::vector<void*>& tensors,
                  std::span<float* const> outputs, const RunShape& run,
                  std::vector<cuda::FusedLaunch>& launches);

}  // namespace minirt
