// A kernel the ptxas gate must reject: a register array stored to and read at
// run-time indices lives in local memory (a stack frame). ctest expects the
// gate to fail on this file.
__global__ void local_memory_kernel(const int* index, float* out) {
  float values[64];
  for (int i = 0; i < 64; ++i) values[i] = out[i];
  values[index[0] & 63] += 1.0f;
  out[threadIdx.x] = values[index[threadIdx.x] & 63];
}
