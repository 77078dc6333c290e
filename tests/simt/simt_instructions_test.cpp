// The SIMT emulator's instructions against hand-computed tables from the PTX
// ISA, and its fault reports. Kernels here go through ops/cuda/device/simt.cuh,
// as the real kernels do.
#include <doctest/doctest.h>

#include <algorithm>
#include <cstring>
#include <string>
#include <vector>

#include "ops/cuda/device/simt.cuh"
#include "ops/cuda/half.h"

namespace minirt::test {
namespace {

using cuda::dev::Shared;
namespace dev = cuda::dev;

// Runs the launch and returns the SimtError's message ("" if none).
template <typename F>
std::string launch_error(const simt::LaunchConfig& config, F&& body) {
  try {
    simt::launch(config, body);
  } catch (const simt::SimtError& e) {
    return e.what();
  }
  return "";
}

TEST_CASE("shfl.sync xor, idx, up and down move lanes as CUDA's __shfl_*_sync with width 32") {
  std::vector<uint32_t> got_xor(64), got_idx(64), got_up(64), got_down(64);
  simt::launch({{1, 1, 1}, 64, 0}, [&] {
    const unsigned t = dev::thread_idx();
    const uint32_t v = 100 + t;
    got_xor[t] = dev::shfl_xor(v, 5);
    got_idx[t] = dev::shfl_idx(v, 7);
    got_up[t] = dev::shfl_up(v, 3);
    got_down[t] = dev::shfl_down(v, 3);
  });
  for (unsigned t = 0; t < 64; ++t) {
    CAPTURE(t);
    const unsigned warp = t / 32 * 32, lane = t % 32;
    CHECK(got_xor[t] == 100 + warp + (lane ^ 5));
    CHECK(got_idx[t] == 100 + warp + 7);
    CHECK(got_up[t] == 100 + (lane >= 3 ? t - 3 : t));  // lanes below delta keep theirs
    CHECK(got_down[t] == 100 + (lane + 3 < 32 ? t + 3 : t));
  }
  // A few by hand: lane 0 ^ 5 = 5, lane 6 ^ 5 = 3, lane 33 is warp 1 lane 1, 1 ^ 5 = 4.
  CHECK(got_xor[0] == 105);
  CHECK(got_xor[6] == 103);
  CHECK(got_xor[33] == 136);
  // A float reduction across the warp by xor butterflies.
  std::vector<float> sums(32);
  simt::launch({{1, 1, 1}, 32, 0}, [&] {
    float v = static_cast<float>(dev::thread_idx());
    for (int m = 16; m >= 1; m /= 2) v += dev::shfl_xor(v, m);
    sums[dev::thread_idx()] = v;
  });
  for (float s : sums) CHECK(s == 496.0f);
}

// Shared memory holds matrices of 8x8 b16 values, value(i, r, c) = 64 i + 8 r + c,
// rows 24 halves apart (padded, as kernels lay them out), matrix i at row 8 i.
constexpr unsigned kStride = 24;
uint16_t element(int i, int r, int c) { return static_cast<uint16_t>(64 * i + 8 * r + c); }

template <int kMatrices, bool kTrans>
std::vector<std::vector<uint32_t>> run_ldmatrix() {
  std::vector<std::vector<uint32_t>> got(32, std::vector<uint32_t>(kMatrices));
  simt::launch({{1, 1, 1}, 32, 4 * 8 * kStride * 2}, [&] {
    const Shared<uint16_t> smem(0, 4 * 8 * kStride);
    const unsigned lane = dev::thread_idx();
    if (lane == 0) {
      for (int i = 0; i < 4; ++i) {
        for (int r = 0; r < 8; ++r) {
          for (int c = 0; c < 8; ++c) smem[(8 * i + r) * kStride + c] = element(i, r, c);
        }
      }
    }
    dev::sync_threads();
    // Lane 8 i + r addresses row r of matrix i; lanes past the last matrix
    // point anywhere (here: row 0), as the ISA ignores them.
    const unsigned row = lane < 8u * kMatrices ? lane : 0;
    uint32_t out[kMatrices];
    dev::ldmatrix<kMatrices, kTrans>(out, smem.ptr(row * kStride, 8));
    for (int i = 0; i < kMatrices; ++i) got[lane][i] = out[i];
  });
  return got;
}

uint32_t word(uint16_t lo, uint16_t hi) { return lo | static_cast<uint32_t>(hi) << 16; }

template <int kMatrices, bool kTrans>
void check_ldmatrix() {
  CAPTURE(kMatrices);
  CAPTURE(kTrans);
  const auto got = run_ldmatrix<kMatrices, kTrans>();
  // PTX ISA, ldmatrix: lane 4 r + w holds row r, elements 2w and 2w+1 of each
  // matrix; with .trans, elements [2w][r] and [2w+1][r].
  for (int lane = 0; lane < 32; ++lane) {
    const int r = lane / 4, w = lane % 4;
    for (int i = 0; i < kMatrices; ++i) {
      CAPTURE(lane);
      CAPTURE(i);
      const uint32_t want = kTrans ? word(element(i, 2 * w, r), element(i, 2 * w + 1, r))
                                   : word(element(i, r, 2 * w), element(i, r, 2 * w + 1));
      CHECK(got[lane][i] == want);
    }
  }
  // By hand: lane 5 (r 1, w 1) gets (1,2),(1,3) = 10, 11; transposed (2,1),(3,1) = 17, 25.
  CHECK(got[5][0] == (kTrans ? word(17, 25) : word(10, 11)));
  // Lane 31 (r 7, w 3) of matrix 0: (7,6),(7,7) = 62, 63; transposed (6,7),(7,7) = 55, 63.
  CHECK(got[31][0] == (kTrans ? word(55, 63) : word(62, 63)));
  if constexpr (kMatrices == 4) {
    // Lane 0 of matrix 3: (0,0),(0,1) = 192, 193; transposed (0,0),(1,0) = 192, 200.
    CHECK(got[0][3] == (kTrans ? word(192, 200) : word(192, 193)));
  }
}

TEST_CASE("ldmatrix x1, x2, x4, with and without .trans, deliver the PTX ISA's lanes") {
  check_ldmatrix<1, false>();
  check_ldmatrix<1, true>();
  check_ldmatrix<2, false>();
  check_ldmatrix<2, true>();
  check_ldmatrix<4, false>();
  check_ldmatrix<4, true>();
}

uint16_t h(float v) { return cuda::float_to_half_bits(v); }

TEST_CASE("mma.m16n8k16: fragments placed by the PTX ISA's tables multiply as a triple loop") {
  // Small integers: every product and sum is exact in fp16 inputs and fp32.
  float a[16][16], b[16][8], c[16][8];
  for (int i = 0; i < 16; ++i) {
    for (int k = 0; k < 16; ++k) a[i][k] = static_cast<float>((i * 7 + k * 3) % 11 - 5);
  }
  for (int k = 0; k < 16; ++k) {
    for (int j = 0; j < 8; ++j) b[k][j] = static_cast<float>((k * 5 + j * 2) % 7 - 3);
  }
  for (int i = 0; i < 16; ++i) {
    for (int j = 0; j < 8; ++j) c[i][j] = static_cast<float>(i - j);
  }
  float want[16][8];
  for (int i = 0; i < 16; ++i) {
    for (int j = 0; j < 8; ++j) {
      want[i][j] = c[i][j];
      for (int k = 0; k < 16; ++k) want[i][j] += a[i][k] * b[k][j];
    }
  }
  // Direct: each lane builds its registers from the table (g = lane / 4,
  // t = lane % 4): A regs (g, 2t..), (g+8, 2t..), (g, 2t+8..), (g+8, 2t+8..);
  // B regs (k 2t.., n g), (k 2t+8.., n g); C/D (g, 2t..), (g+8, 2t..).
  float got[16][8] = {};
  simt::launch({{1, 1, 1}, 32, 0}, [&] {
    const int lane = static_cast<int>(dev::thread_idx()), g = lane / 4, t = lane % 4;
    const uint32_t ra[4] = {word(h(a[g][2 * t]), h(a[g][2 * t + 1])),
                            word(h(a[g + 8][2 * t]), h(a[g + 8][2 * t + 1])),
                            word(h(a[g][2 * t + 8]), h(a[g][2 * t + 9])),
                            word(h(a[g + 8][2 * t + 8]), h(a[g + 8][2 * t + 9]))};
    const uint32_t rb[2] = {word(h(b[2 * t][g]), h(b[2 * t + 1][g])),
                            word(h(b[2 * t + 8][g]), h(b[2 * t + 9][g]))};
    float d[4] = {c[g][2 * t], c[g][2 * t + 1], c[g + 8][2 * t], c[g + 8][2 * t + 1]};
    dev::mma_m16n8k16(ra, rb, d);
    got[g][2 * t] = d[0];
    got[g][2 * t + 1] = d[1];
    got[g + 8][2 * t] = d[2];
    got[g + 8][2 * t + 1] = d[3];
  });
  for (int i = 0; i < 16; ++i) {
    for (int j = 0; j < 8; ++j) {
      CAPTURE(i);
      CAPTURE(j);
      CHECK(got[i][j] == want[i][j]);
    }
  }
  // Through ldmatrix, as the GEMM loads them: A row-major [16][16] by x4
  // (lane l addresses row l % 16 at column 8 (l / 16)), B as W[n][k] by x2
  // (lane l addresses n = l % 8 at k = 8 (l / 8 % 2)).
  float via[16][8] = {};
  simt::launch({{1, 1, 1}, 32, (16 * 16 + 8 * 16) * 2}, [&] {
    const Shared<uint16_t> sa(0, 16 * 16), sw(16 * 16 * 2, 8 * 16);
    const int lane = static_cast<int>(dev::thread_idx()), g = lane / 4, t = lane % 4;
    if (lane == 0) {
      for (int i = 0; i < 16; ++i) {
        for (int k = 0; k < 16; ++k) sa[i * 16 + k] = h(a[i][k]);
      }
      for (int n = 0; n < 8; ++n) {
        for (int k = 0; k < 16; ++k) sw[n * 16 + k] = h(b[k][n]);
      }
    }
    dev::sync_threads();
    uint32_t ra[4], rb[2];
    dev::ldmatrix<4, false>(ra, sa.ptr((lane % 16) * 16 + lane / 16 * 8, 8));
    dev::ldmatrix<2, false>(rb, sw.ptr((lane % 8) * 16 + lane / 8 % 2 * 8, 8));
    float d[4] = {0, 0, 0, 0};
    dev::mma_m16n8k16(ra, rb, d);
    via[g][2 * t] = d[0];
    via[g][2 * t + 1] = d[1];
    via[g + 8][2 * t] = d[2];
    via[g + 8][2 * t + 1] = d[3];
  });
  for (int i = 0; i < 16; ++i) {
    for (int j = 0; j < 8; ++j) {
      CAPTURE(i);
      CAPTURE(j);
      CHECK(via[i][j] == want[i][j] - c[i][j]);
    }
  }
}

TEST_CASE("__syncthreads orders shared memory across the block's threads, in every schedule") {
  for (simt::Schedule schedule : simt::kSchedules) {
    CAPTURE(static_cast<int>(schedule));
    std::vector<float> got(96);
    simt::launch({{2, 1, 1}, 96, 96 * 4, schedule}, [&] {
      const Shared<float> smem(0, 96);
      const unsigned t = dev::thread_idx();
      smem[t] = static_cast<float>(t + 1000 * dev::block_idx_x());
      dev::sync_threads();
      if (dev::block_idx_x() == 1) got[t] = smem[(t + 1) % 96];
    });
    for (unsigned t = 0; t < 96; ++t) CHECK(got[t] == static_cast<float>(1000 + (t + 1) % 96));
  }
}

TEST_CASE("a missing __syncthreads that round robin hides, the warp-serial schedules show") {
  // Each thread writes its slot, then reads the slot 32 ahead (the next
  // warp's) without a barrier: wrong on a GPU, whatever one run shows.
  auto run = [](simt::Schedule schedule) {
    std::vector<uint32_t> got(64);
    simt::launch({{1, 1, 1}, 64, 64 * 4, schedule}, [&] {
      const Shared<uint32_t> smem(0, 64);
      const unsigned t = dev::thread_idx();
      smem[t] = t;
      (void)dev::shfl_xor(0u, 1);  // a warp collective: every warp runs to here
      got[t] = smem[(t + 32) % 64];
    });
    int stale = 0;
    for (unsigned t = 0; t < 64; ++t) stale += got[t] != (t + 32) % 64;
    return stale;
  };
  CHECK(run(simt::Schedule::kRoundRobin) == 0);      // every thread wrote before any read
  CHECK(run(simt::Schedule::kWarpsInOrder) == 32);   // warp 0 read warp 1's slots unwritten
  CHECK(run(simt::Schedule::kWarpsReversed) == 32);  // warp 1 read warp 0's
}

TEST_CASE("a barrier some threads skip or reach elsewhere is a reported deadlock, not a hang") {
  const std::string exited = launch_error({{1, 1, 1}, 64, 0}, [] {
    if (dev::thread_idx() == 3) return;
    dev::sync_threads();
  });
  CAPTURE(exited);
  CHECK(exited.find("deadlock") != std::string::npos);
  CHECK(exited.find("exited") != std::string::npos);

  const std::string elsewhere = launch_error({{1, 1, 1}, 64, 0}, [] {
    if (dev::thread_idx() < 32) {
      dev::sync_threads();
    } else {
      dev::sync_threads();
    }
  });
  CAPTURE(elsewhere);
  CHECK(elsewhere.find("deadlock") != std::string::npos);
  CHECK(elsewhere.find("waits at the barrier at") != std::string::npos);

  const std::string warp_exited = launch_error({{1, 1, 1}, 32, 0}, [] {
    if (dev::thread_idx() == 31) return;
    (void)dev::shfl_xor(1u, 1);
  });
  CAPTURE(warp_exited);
  CHECK(warp_exited.find("exited before it") != std::string::npos);

  const std::string mixed = launch_error({{1, 1, 1}, 32, 0}, [] {
    if (dev::thread_idx() == 0) {
      dev::sync_threads();
    } else {
      (void)dev::shfl_xor(1u, 1);
    }
  });
  CAPTURE(mixed);
  CHECK(mixed.find("deadlock") != std::string::npos);
}

TEST_CASE("shared memory outside a window or the block's allocation is a reported fault") {
  const std::string past_window = launch_error({{1, 1, 1}, 32, 256}, [] {
    const Shared<float> smem(0, 16);
    smem[dev::thread_idx()] = 1.0f;  // threads 16..31 run past the 16-float window
  });
  CAPTURE(past_window);
  CHECK(past_window.find("past its end") != std::string::npos);
  CHECK(past_window.find("thread 16") != std::string::npos);

  const std::string past_block = launch_error({{1, 1, 1}, 32, 64}, [] {
    const Shared<float> smem(32, 16);  // bytes 32..96 of a 64-byte allocation
    smem[0] = 1.0f;
  });
  CAPTURE(past_block);
  CHECK(past_block.find("outside the block's 64 bytes") != std::string::npos);

  std::vector<float> src(8, 1.0f);
  const std::string copy = launch_error({{1, 1, 1}, 32, 64}, [&] {
    dev::cp_async_16(dev::dynamic_shared() + 56, src.data());  // 56 + 16 > 64
    dev::cp_async_commit();
    dev::cp_async_wait<0>();
  });
  CAPTURE(copy);
  CHECK(copy.find("cp.async destination") != std::string::npos);

  const std::string ldmatrix = launch_error({{1, 1, 1}, 32, 64}, [] {
    uint32_t out[1];
    dev::ldmatrix<1, false>(out, dev::dynamic_shared() + 16 * (dev::thread_idx() % 8));
  });
  CAPTURE(ldmatrix);
  CHECK(ldmatrix.find("ldmatrix") != std::string::npos);
  CHECK(ldmatrix.find("outside") != std::string::npos);
}

TEST_CASE("cp.async lands at its wait_group, not before; unwaited copies are a fault") {
  alignas(16) const uint32_t src[8] = {11, 22, 33, 44, 55, 66, 77, 88};
  uint32_t before = 0, older = 0, newer = 0, after_all = 0;
  simt::launch({{1, 1, 1}, 1, 32}, [&] {
    const Shared<uint32_t> smem(0, 8);
    dev::cp_async_16(smem.ptr(0, 4), src);
    dev::cp_async_commit();
    dev::cp_async_16(smem.ptr(4, 4), src + 4);
    dev::cp_async_commit();
    before = smem[0];
    dev::cp_async_wait<1>();  // the older group is in, the newer may not be
    older = smem[0];
    newer = smem[4];
    dev::cp_async_wait<0>();
    after_all = smem[0] + smem[4];
  });
  CHECK(before == 0xffffffffu);  // shared memory starts poisoned
  CHECK(older == 11);
  CHECK(newer == 0xffffffffu);
  CHECK(after_all == 11 + 55);

  const std::string unwaited = launch_error({{1, 1, 1}, 1, 32}, [&] {
    dev::cp_async_16(dev::dynamic_shared(), src);
    dev::cp_async_commit();
  });
  CAPTURE(unwaited);
  CHECK(unwaited.find("never waited") != std::string::npos);
}

TEST_CASE("launches the emulator cannot run are refused with a reason") {
  CHECK(launch_error({{1, 1, 1}, 0, 0}, [] {}).find("block of 0 threads") != std::string::npos);
  CHECK(launch_error({{1, 1, 1}, 1025, 0}, [] {}).find("block of 1025") != std::string::npos);
  CHECK(launch_error({{1, 1, 1}, 1, 0}, [] {
          simt::launch({{1, 1, 1}, 1, 0}, [] {});
        }).find("launch inside a launch") != std::string::npos);
  CHECK_THROWS_AS(dev::thread_idx(), simt::SimtError);  // outside any launch
}

TEST_CASE("every block of a 3-D grid runs each of its threads once") {
  std::vector<int> runs(2 * 3 * 4 * 40, 0);
  simt::launch({{2, 3, 4}, 40, 0}, [&] {
    const unsigned block = (dev::block_idx_z() * 3 + dev::block_idx_y()) * 2 + dev::block_idx_x();
    ++runs[block * 40 + dev::thread_idx()];
  });
  CHECK(std::count(runs.begin(), runs.end(), 1) == static_cast<long>(runs.size()));
}

// AddressSanitizer would see the overflow itself, into frames it poisoned.
#if !defined(MINIRT_SIMT_ASAN)
TEST_CASE("a thread that outgrows its fiber stack is reported") {
  const std::string overflow = launch_error({{1, 1, 1}, 2, 0}, [] {
    if (dev::thread_idx() == 0) return;  // thread 1's overflow lands in thread 0's spent stack
    volatile char big[80 * 1024];
    for (size_t i = 0; i < sizeof big; ++i) big[i] = 1;
  });
  CAPTURE(overflow);
  CHECK(overflow.find("thread 1: overflowed its 64 KB fiber stack") != std::string::npos);
}
#endif

}  // namespace
}  // namespace minirt::test
