// Every CUDA kernel, instantiated for the GPU: the translation unit nvcc
// compiles into minirt_cuda_kernels and the ptxas gate checks. The same
// kernel headers compile as host C++ in tests/simt against the emulator.
#include "ops/cuda/kernels/attention.cuh"
#include "ops/cuda/kernels/gemm.cuh"
#include "ops/cuda/kernels/gemv.cuh"
#include "ops/cuda/kernels/layer_norm.cuh"

namespace minirt::cuda {

template __global__ void add_layer_norm_kernel<float>(const AddLayerNormParams<float>);
template __global__ void add_layer_norm_kernel<dev::half>(const AddLayerNormParams<dev::half>);
template __global__ void embed_layer_norm_kernel<float>(const EmbedLayerNormParams<float>);
template __global__ void embed_layer_norm_kernel<dev::half>(const EmbedLayerNormParams<dev::half>);
template __global__ void attention_kernel<32>(const AttentionParams);
template __global__ void attention_kernel<64>(const AttentionParams);
template __global__ void gemm_kernel<float>(const GemmParams<float>);
template __global__ void gemm_kernel<dev::half>(const GemmParams<dev::half>);
template __global__ void gemv_kernel<float>(const GemmParams<float>);
template __global__ void gemv_kernel<dev::half>(const GemmParams<dev::half>);

}  // namespace minirt::cuda
