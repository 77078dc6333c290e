// A SIMT emulator that runs CUDA kernel source on the CPU, for tests.
//
// Each block's threads run as cooperative fibers (own 64 KB stacks, switched
// by a few lines of x86-64 assembly: swapcontext's system call per switch
// made it 20x slower), one block at a time. A fiber runs until it reaches a
// barrier or a warp collective, or exits; the scheduler then runs the next.
// A barrier releases when every thread of the block waits at it (the same
// call site); a warp collective (shfl, ldmatrix, mma) completes when all 32
// lanes of the warp have reached it, computing every lane's result at once,
// as the PTX ISA's fragment tables define them. Everything else is an error,
// reported by launch() as a SimtError naming the block, thread and cause,
// never a hang: threads waiting at different barriers, a thread that exits
// while others wait, a shared access outside the block's dynamic shared
// memory or a Shared window, a misaligned ldmatrix or cp.async, cp.async
// groups left unwaited, a fiber stack overflow.
//
// Shared memory starts poisoned (0xff bytes) in every block. cp.async copies
// are deferred until the cp.async.wait_group that covers them (and read the
// source then), so a kernel that reads shared memory before waiting reads
// stale data.
//
// Limits: blocks run one after another (no inter-block concurrency, so a
// kernel relying on block order would pass here and fail on a GPU); threads
// interleave only at barriers and collectives, so a data race shows only
// where the three schedules (below) read different data: a missing barrier
// between a shared store and another warp's load does, a race within a warp
// does not (compute-sanitizer racecheck on a GPU finds those);
// global memory is not bounds-checked (AddressSanitizer does, in the
// sanitizer job); blocks are one-dimensional; shfl has width 32 only; the mma
// accumulates in float in k order, which the hardware does not promise;
// device math (exp, erf, tanh, rsqrt) is the host's, not the GPU's.
//
// Kernels do not call this header: ops/cuda/device/simt.cuh maps the device
// primitives onto it when compiled for the host.
#pragma once

#include <cstddef>
#include <cstdint>
#include <functional>
#include <stdexcept>
#include <string>

// Set where AddressSanitizer is on: GCC defines __SANITIZE_ADDRESS__, clang
// answers __has_feature(address_sanitizer) instead.
#if defined(__SANITIZE_ADDRESS__)
#define MINIRT_SIMT_ASAN 1
#elif defined(__has_feature)
#if __has_feature(address_sanitizer)
#define MINIRT_SIMT_ASAN 1
#endif
#endif

namespace minirt::simt {

// Where a device primitive was called, for fault messages and for checking
// that a warp's lanes meet at the same collective. The primitives of
// ops/cuda/device/simt.cuh fill it from __builtin_FILE() and __builtin_LINE()
// as default arguments, which give the caller's file and line (the
// standard's source_location needs a builtin clang 14 lacks).
struct Site {
  const char* file = "";
  unsigned line = 0;
};

class SimtError : public std::runtime_error {
 public:
  using std::runtime_error::runtime_error;
};

struct Dim3 {
  unsigned x = 1, y = 1, z = 1;
};

// The order in which a block's threads run between synchronization points.
// Round robin runs every thread to its next barrier or collective in turn;
// the warp-serial orders run one warp as far as it can go before the next
// starts, first to last or last to first. A correct kernel gives the same
// result under each; a missing __syncthreads that one order hides (threads
// of other warps happen to have written or not yet overwritten the shared
// data) another shows. Kernel tests run all three.
enum class Schedule { kRoundRobin, kWarpsInOrder, kWarpsReversed };
inline constexpr Schedule kSchedules[] = {Schedule::kRoundRobin, Schedule::kWarpsInOrder,
                                          Schedule::kWarpsReversed};

struct LaunchConfig {
  Dim3 grid;
  unsigned block = 1;       // threads per block (1-D)
  size_t shared_bytes = 0;  // dynamic shared memory per block
  Schedule schedule = Schedule::kRoundRobin;
};

// Runs body once per thread of every block. Throws SimtError on a fault.
void launch(const LaunchConfig& config, const std::function<void()>& body);

template <typename... Params, typename... Args>
void launch(const LaunchConfig& config, void (*kernel)(Params...), Args&&... args) {
  launch(config, [&] { kernel(args...); });
}

// The calling thread's coordinates; only valid inside a launch.
unsigned thread_idx();
Dim3 block_idx();

void sync_threads(Site site);

// The block's dynamic shared memory, and the check every shared access makes:
// [p, p + bytes) must lie inside it. `what` names the access in the error.
std::byte* shared_base();
void check_shared(const void* p, size_t bytes, const char* what);

// Stops the launch with `message`, naming the calling block and thread.
[[noreturn]] void report_fault(const std::string& message);

enum class ShflMode { kIdx, kUp, kDown, kXor };
uint32_t shfl(uint32_t member_mask, uint32_t value, int lane_or_delta, ShflMode mode, Site site);

// ldmatrix.sync.aligned.m8n8.{x1,x2,x4}{.trans}.shared.b16: row_address is
// this lane's row (lanes 8i..8i+7 address matrix i's rows); out[i] receives
// this lane's word of matrix i.
void ldmatrix(int matrices, bool trans, const void* row_address, uint32_t* out, Site site);

// mma.sync.aligned.m16n8k16.row.col.f32.f16.f16.f32: d = a * b + c, the
// fragments as the calling lane holds them.
void mma_m16n8k16(const uint32_t a[4], const uint32_t b[2], const float c[4], float d[4],
                  Site site);

// cp.async.cg.shared.global 16 bytes, commit_group, wait_group n.
void cp_async_16(void* shared_dst, const void* global_src);
void cp_async_commit();
void cp_async_wait(int pending_groups);

}  // namespace minirt::simt
