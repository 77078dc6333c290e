// The CUDA-graph cost per kernel node on this GPU: graphs of N empty kernels
// replayed, the median replay time (CUDA events) over N. What a forward of
// ~40 small kernels pays before any arithmetic. Prints one JSON object.
//   nvcc -O2 -arch=sm_90a bench/gpu/graph_probe.cu -o graph_probe && ./graph_probe
#include <cuda_runtime.h>

#include <algorithm>
#include <cstdio>
#include <vector>

__global__ void empty_kernel() {}

#define CHECK(call)                                                                            \
  do {                                                                                         \
    const cudaError_t status = (call);                                                         \
    if (status != cudaSuccess) {                                                               \
      std::fprintf(stderr, "graph_probe: %s failed: %s\n", #call, cudaGetErrorString(status)); \
      return 1;                                                                                \
    }                                                                                          \
  } while (0)

int main() {
  cudaStream_t stream;
  CHECK(cudaStreamCreateWithFlags(&stream, cudaStreamNonBlocking));
  cudaEvent_t start, stop;
  CHECK(cudaEventCreate(&start));
  CHECK(cudaEventCreate(&stop));
  std::printf("{\"graph_probe\": [");
  const int counts[] = {1, 10, 40, 100, 1000};
  for (size_t c = 0; c < sizeof counts / sizeof counts[0]; ++c) {
    const int nodes = counts[c];
    cudaGraph_t graph;
    CHECK(cudaStreamBeginCapture(stream, cudaStreamCaptureModeThreadLocal));
    for (int i = 0; i < nodes; ++i) empty_kernel<<<1, 32, 0, stream>>>();
    CHECK(cudaStreamEndCapture(stream, &graph));
    cudaGraphExec_t exec;
    CHECK(cudaGraphInstantiate(&exec, graph, 0));
    for (int i = 0; i < 20; ++i) CHECK(cudaGraphLaunch(exec, stream));
    CHECK(cudaStreamSynchronize(stream));
    std::vector<float> times;
    for (int i = 0; i < 200; ++i) {
      CHECK(cudaEventRecord(start, stream));
      CHECK(cudaGraphLaunch(exec, stream));
      CHECK(cudaEventRecord(stop, stream));
      CHECK(cudaEventSynchronize(stop));
      float ms = 0.0f;
      CHECK(cudaEventElapsedTime(&ms, start, stop));
      times.push_back(ms * 1000.0f);
    }
    std::sort(times.begin(), times.end());
    const float median = times[times.size() / 2];
    std::printf("%s{\"nodes\": %d, \"replay_us\": %.3f, \"us_per_node\": %.4f}", c ? ", " : "",
                nodes, median, median / nodes);
    CHECK(cudaGraphExecDestroy(exec));
    CHECK(cudaGraphDestroy(graph));
  }
  std::printf("]}\n");
  return 0;
}
