#include "tests/simt/emulator.h"

#include <algorithm>
#include <cstring>
#include <memory>
#include <sstream>
#include <vector>

#include "ops/cuda/half.h"

#if defined(MINIRT_SIMT_ASAN)
#include <sanitizer/asan_interface.h>
#include <sanitizer/common_interface_defs.h>
#endif

// Switches fibers: saves the callee-saved registers, MXCSR and the x87
// control word on the current stack, stores its pointer in *save_sp, and
// resumes the stack at next_sp. (swapcontext does the same plus a
// sigprocmask system call per switch, which made the emulator 20x slower.)
#if !defined(__x86_64__)
#error "the SIMT emulator's fiber switch is x86-64 assembly (as the JIT kernels are x86-64)"
#endif
extern "C" void minirt_simt_switch(void** save_sp, void* next_sp);
asm(R"(
  .text
  .globl minirt_simt_switch
  .type minirt_simt_switch, @function
minirt_simt_switch:
  pushq %rbp
  pushq %rbx
  pushq %r12
  pushq %r13
  pushq %r14
  pushq %r15
  subq $8, %rsp
  stmxcsr (%rsp)
  fnstcw 4(%rsp)
  movq %rsp, (%rdi)
  movq %rsi, %rsp
  ldmxcsr (%rsp)
  fldcw 4(%rsp)
  addq $8, %rsp
  popq %r15
  popq %r14
  popq %r13
  popq %r12
  popq %rbx
  popq %rbp
  ret
  .size minirt_simt_switch, .-minirt_simt_switch
  .section .note.GNU-stack,"",@progbits
  .text
)");

namespace minirt::simt {
namespace {

// AddressSanitizer is told of every stack switch (else it sees one stack
// jump into another and reports overflows), and fiber stacks are unpoisoned
// before reuse (frames abandoned mid-call leave their redzones behind).
#if defined(MINIRT_SIMT_ASAN)
void asan_start_switch(void** fake_stack, const void* bottom, size_t size) {
  __sanitizer_start_switch_fiber(fake_stack, bottom, size);
}
void asan_finish_switch(void* fake_stack, const void** bottom, size_t* size) {
  __sanitizer_finish_switch_fiber(fake_stack, bottom, size);
}
void asan_unpoison(void* p, size_t size) { __asan_unpoison_memory_region(p, size); }
#else
void asan_start_switch(void**, const void*, size_t) {}
void asan_finish_switch(void*, const void**, size_t*) {}
void asan_unpoison(void*, size_t) {}
#endif

constexpr unsigned kWarpSize = 32;
constexpr size_t kStackBytes = 64 * 1024;
// Written at the far end of each fiber stack and checked at every switch
// back, so a kernel that outgrows its stack fails instead of corrupting the
// next thread's.
constexpr uint64_t kStackCanary = 0x5ca1ab1e0ddba11ull;

enum class Wait { kNone, kBarrier, kShfl, kLdmatrix, kMma };

const char* wait_name(Wait wait) {
  switch (wait) {
    case Wait::kNone:
      return "running";
    case Wait::kBarrier:
      return "__syncthreads";
    case Wait::kShfl:
      return "shfl.sync";
    case Wait::kLdmatrix:
      return "ldmatrix";
    case Wait::kMma:
      return "mma.sync";
  }
  return "?";
}

struct PendingCopy {
  void* dst;
  const void* src;
};

// One thread of the block: its fiber, and what it waits at with its operands.
struct Fiber {
  void* sp = nullptr;  // saved stack pointer while switched out
  char* stack = nullptr;
  bool finished = false;
  Wait wait = Wait::kNone;
  Site site;
  // Operands of the collective it waits at; results come back in out/out_f.
  uint32_t in[4] = {};
  uint32_t in_b[2] = {};
  float in_f[4] = {};
  int arg = 0;   // shfl lane/delta, ldmatrix matrix count
  int mode = 0;  // shfl mode, ldmatrix trans
  uint32_t mask = 0;
  const void* address = nullptr;
  uint32_t out[4] = {};
  float out_f[4] = {};
  // cp.async: committed groups (oldest first) and the open group.
  std::vector<std::vector<PendingCopy>> groups;
  std::vector<PendingCopy> open_group;
};

struct Block {
  LaunchConfig config;
  Dim3 index;
  std::vector<std::byte> shared;
  std::vector<Fiber> fibers;
  unsigned current = 0;
  void* scheduler_sp = nullptr;
  const void* scheduler_stack = nullptr;  // for AddressSanitizer
  size_t scheduler_stack_size = 0;
  const std::function<void()>* body = nullptr;
  std::string error;  // set by the first fault; the launch stops there
};

thread_local Block* t_block = nullptr;

Block& block() {
  if (t_block == nullptr) throw SimtError("simt: a device primitive was called outside a launch");
  return *t_block;
}

Fiber& self() { return block().fibers[block().current]; }

std::string where(const Block& b, unsigned thread) {
  std::ostringstream out;
  out << "block (" << b.index.x << "," << b.index.y << "," << b.index.z << ") thread " << thread;
  return out.str();
}

std::string site_name(const Site& site) {
  return std::string(site.file) + ":" + std::to_string(site.line);
}

[[noreturn]] void fault(const std::string& message) {
  throw SimtError(where(block(), block().current) + ": " + message);
}

void yield() {
  Block& b = block();
  void* fake_stack = nullptr;
  asan_start_switch(&fake_stack, b.scheduler_stack, b.scheduler_stack_size);
  minirt_simt_switch(&b.fibers[b.current].sp, b.scheduler_sp);
  asan_finish_switch(fake_stack, nullptr, nullptr);
}

[[noreturn]] void fiber_main() {
  Block& b = *t_block;
  asan_finish_switch(nullptr, &b.scheduler_stack, &b.scheduler_stack_size);
  try {
    (*b.body)();
    Fiber& f = b.fibers[b.current];
    if (!f.groups.empty() || !f.open_group.empty()) {
      fault("exited with cp.async copies never waited for");
    }
  } catch (const SimtError& e) {
    if (b.error.empty()) b.error = e.what();
  } catch (const std::exception& e) {
    if (b.error.empty()) b.error = where(b, b.current) + ": " + e.what();
  }
  b.fibers[b.current].finished = true;
  asan_start_switch(nullptr, b.scheduler_stack, b.scheduler_stack_size);  // leaves for good
  minirt_simt_switch(&b.fibers[b.current].sp, b.scheduler_sp);            // never resumed
  __builtin_unreachable();
}

// A fresh stack that minirt_simt_switch resumes into fiber_main.
void* initial_stack(char* stack) {
  asan_unpoison(stack, kStackBytes);
  std::memcpy(stack, &kStackCanary, sizeof kStackCanary);
  auto* top = reinterpret_cast<uint64_t*>((reinterpret_cast<uintptr_t>(stack + kStackBytes)) &
                                          ~uintptr_t{15});
  top[-1] = 0;  // fiber_main's return address: it never returns
  top[-2] = reinterpret_cast<uint64_t>(&fiber_main);
  for (int i = 3; i <= 8; ++i) top[-i] = 0;    // rbp, rbx, r12..r15
  top[-9] = 0x1f80u | uint64_t{0x037f} << 32;  // default MXCSR, x87 control word
  return top - 9;
}

void wait_at(Wait wait, const Site& site) {
  Fiber& f = self();
  f.wait = wait;
  f.site = site;
  yield();
}

float half_at(uint32_t word, int which) {
  return cuda::half_bits_to_float(static_cast<uint16_t>(word >> (16 * which)));
}

// Completes a shfl for a whole warp. CUDA's __shfl*_sync with width 32.
void complete_shfl(Fiber* lanes, unsigned count) {
  for (unsigned lane = 0; lane < count; ++lane) {
    Fiber& f = lanes[lane];
    const int arg = f.arg;
    int src = static_cast<int>(lane);
    switch (static_cast<ShflMode>(f.mode)) {
      case ShflMode::kIdx:
        src = arg & 31;
        break;
      case ShflMode::kUp:
        src = static_cast<int>(lane) - arg >= 0 ? static_cast<int>(lane) - arg : src;
        break;
      case ShflMode::kDown:
        src = static_cast<int>(lane) + arg < 32 ? static_cast<int>(lane) + arg : src;
        break;
      case ShflMode::kXor:
        src = static_cast<int>(lane) ^ (arg & 31);
        break;
    }
    if (static_cast<unsigned>(src) >= count || !(f.mask >> src & 1u)) {
      throw SimtError("shfl.sync lane " + std::to_string(lane) + " reads lane " +
                      std::to_string(src) + ", which is not in the warp's member mask");
    }
    f.out[0] = lanes[src].in[0];
  }
}

// ldmatrix: lane 8i + r addresses row r of matrix i; word w of row r of
// matrix i (elements 2w, 2w+1) goes to lane 4r + w. With .trans the lane
// gets elements [2w][r] and [2w+1][r] of the stored matrix instead.
void complete_ldmatrix(Fiber* lanes) {
  const int matrices = lanes[0].arg;
  const bool trans = lanes[0].mode != 0;
  for (int i = 0; i < matrices; ++i) {
    uint16_t m[8][8];
    for (int r = 0; r < 8; ++r) std::memcpy(m[r], lanes[8 * i + r].address, 16);
    for (int lane = 0; lane < 32; ++lane) {
      const int r = lane / 4, w = lane % 4;
      const uint16_t lo = trans ? m[2 * w][r] : m[r][2 * w];
      const uint16_t hi = trans ? m[2 * w + 1][r] : m[r][2 * w + 1];
      lanes[lane].out[i] = static_cast<uint32_t>(lo) | static_cast<uint32_t>(hi) << 16;
    }
  }
}

// mma.m16n8k16 .row.col f16 -> f32, from the PTX ISA's fragment tables with
// groupID g = lane / 4 and t = lane % 4:
//   A (16x16): a_i, i = 0..7 (two halves per register): row g for i in
//     {0,1,4,5}, g + 8 otherwise; column 2t + (i & 1), plus 8 for i >= 4.
//   B (16x8):  b_i, i = 0..3: row (k) 2t + (i & 1), plus 8 for i >= 2;
//     column (n) g.
//   C, D (16x8 f32): c_i, i = 0..3: row g for i < 2, g + 8 otherwise;
//     column 2t + (i & 1).
void complete_mma(Fiber* lanes) {
  float a[16][16], b[16][8], c[16][8];
  for (int lane = 0; lane < 32; ++lane) {
    const int g = lane / 4, t = lane % 4;
    for (int i = 0; i < 8; ++i) {
      const int row = (i < 2 || (i >= 4 && i < 6)) ? g : g + 8;
      const int col = 2 * t + (i & 1) + (i >= 4 ? 8 : 0);
      a[row][col] = half_at(lanes[lane].in[i / 2], i % 2);
    }
    for (int i = 0; i < 4; ++i) {
      b[2 * t + (i & 1) + (i >= 2 ? 8 : 0)][g] = half_at(lanes[lane].in_b[i / 2], i % 2);
      c[i < 2 ? g : g + 8][2 * t + (i & 1)] = lanes[lane].in_f[i];
    }
  }
  for (int lane = 0; lane < 32; ++lane) {
    const int g = lane / 4, t = lane % 4;
    for (int i = 0; i < 4; ++i) {
      const int row = i < 2 ? g : g + 8, col = 2 * t + (i & 1);
      float sum = c[row][col];
      for (int k = 0; k < 16; ++k) sum += a[row][k] * b[k][col];  // products exact in float
      lanes[lane].out_f[i] = sum;
    }
  }
}

// Tries to complete the collective warp w waits at. Returns true if it did.
bool resolve_warp(Block& b, unsigned w) {
  const unsigned first = w * kWarpSize;
  const unsigned count = std::min<unsigned>(kWarpSize, b.config.block - first);
  Fiber* lanes = &b.fibers[first];
  unsigned waiting = 0, exited = 0;
  for (unsigned l = 0; l < count; ++l) {
    if (lanes[l].finished) {
      ++exited;
    } else if (lanes[l].wait != Wait::kNone && lanes[l].wait != Wait::kBarrier) {
      ++waiting;
    } else {
      return false;  // a lane still runs or waits at a barrier
    }
  }
  if (waiting == 0) return false;
  unsigned lead = 0;
  while (lanes[lead].finished) ++lead;
  const Fiber& l0 = lanes[lead];
  auto fail = [&](const std::string& why) {
    throw SimtError(where(b, first + lead) + ": " + wait_name(l0.wait) + " at " +
                    site_name(l0.site) + ": " + why);
  };
  if (exited > 0) fail(std::to_string(exited) + " lane(s) of the warp exited before it");
  for (unsigned l = 0; l < count; ++l) {
    const Fiber& f = lanes[l];
    if (f.wait != l0.wait || f.site.line != l0.site.line ||
        std::strcmp(f.site.file, l0.site.file) != 0) {
      fail("lane " + std::to_string(l) + " waits at " + wait_name(f.wait) + " at " +
           site_name(f.site) + " instead");
    }
  }
  if (l0.wait == Wait::kShfl) {
    const uint32_t existing = count == 32 ? 0xffffffffu : (1u << count) - 1u;
    for (unsigned l = 0; l < count; ++l) {
      if (lanes[l].mask != existing) fail("member mask is not the warp's lanes");
    }
    complete_shfl(lanes, count);
  } else {
    if (count != kWarpSize) fail("needs a full warp of 32 threads");
    for (unsigned l = 0; l < count; ++l) {
      if (lanes[l].arg != l0.arg || lanes[l].mode != l0.mode) fail("lanes disagree on the shape");
    }
    if (l0.wait == Wait::kLdmatrix) {
      complete_ldmatrix(lanes);
    } else {
      complete_mma(lanes);
    }
  }
  for (unsigned l = 0; l < count; ++l) lanes[l].wait = Wait::kNone;
  return true;
}

// Releases a barrier every live thread waits at. Returns true if it did.
bool resolve_barrier(Block& b) {
  const Fiber* lead = nullptr;
  unsigned exited = 0;
  for (const Fiber& f : b.fibers) {
    if (f.finished) {
      ++exited;
    } else if (f.wait != Wait::kBarrier) {
      return false;
    } else if (lead == nullptr) {
      lead = &f;
    }
  }
  if (lead == nullptr) return false;
  const unsigned lead_index = static_cast<unsigned>(lead - b.fibers.data());
  const std::string at = "__syncthreads at " + site_name(lead->site);
  if (exited > 0) {
    throw SimtError(where(b, lead_index) + ": " + at + ": deadlock, " + std::to_string(exited) +
                    " thread(s) of the block exited without reaching it");
  }
  for (unsigned i = 0; i < b.fibers.size(); ++i) {
    const Fiber& f = b.fibers[i];
    if (f.site.line != lead->site.line || std::strcmp(f.site.file, lead->site.file) != 0) {
      throw SimtError(where(b, lead_index) + ": " + at + ": deadlock, thread " + std::to_string(i) +
                      " waits at the barrier at " + site_name(f.site));
    }
  }
  for (Fiber& f : b.fibers) f.wait = Wait::kNone;
  return true;
}

std::string describe_stall(const Block& b) {
  std::ostringstream out;
  out << where(b, 0) << ": deadlock:";
  for (unsigned i = 0; i < b.fibers.size(); ++i) {
    const Fiber& f = b.fibers[i];
    if (!f.finished)
      out << " thread " << i << " at " << wait_name(f.wait) << " " << site_name(f.site) << ";";
  }
  return out.str();
}

// Runs each runnable thread of warp w until it waits or exits. Returns
// whether any ran; a fault leaves b.error set.
bool run_warp(Block& b, unsigned w) {
  bool ran = false;
  const unsigned end = std::min<unsigned>((w + 1) * kWarpSize, b.config.block);
  for (unsigned i = w * kWarpSize; i < end && b.error.empty(); ++i) {
    Fiber& f = b.fibers[i];
    if (f.finished || f.wait != Wait::kNone) continue;
    b.current = i;
    void* fake_stack = nullptr;
    asan_start_switch(&fake_stack, f.stack, kStackBytes);
    minirt_simt_switch(&b.scheduler_sp, f.sp);
    asan_finish_switch(fake_stack, nullptr, nullptr);
    if (std::memcmp(f.stack, &kStackCanary, sizeof kStackCanary) != 0) {
      b.error = where(b, i) + ": overflowed its " + std::to_string(kStackBytes / 1024) +
                " KB fiber stack";
    }
    ran = true;
  }
  return ran;
}

// One step of the schedule: runs threads and completes the collectives they
// reach. Returns whether anything moved.
bool step(Block& b, Schedule schedule) {
  const unsigned warps = (b.config.block + kWarpSize - 1) / kWarpSize;
  if (schedule == Schedule::kRoundRobin) {
    bool moved = false;
    for (unsigned w = 0; w < warps && b.error.empty(); ++w) moved = run_warp(b, w) || moved;
    for (unsigned w = 0; w < warps && b.error.empty(); ++w) moved = resolve_warp(b, w) || moved;
    return moved;
  }
  // Warp-serial: the first warp in order that can move runs on until it
  // cannot (a barrier, or its end) before the next one starts.
  for (unsigned k = 0; k < warps && b.error.empty(); ++k) {
    const unsigned w = schedule == Schedule::kWarpsInOrder ? k : warps - 1 - k;
    const bool ran = run_warp(b, w);
    if (b.error.empty() && (resolve_warp(b, w) || ran)) return true;
  }
  return false;
}

void run_block(Block& b, char* stacks) {
  const unsigned n = b.config.block;
  b.fibers.assign(n, Fiber{});
  for (unsigned i = 0; i < n; ++i) {
    b.fibers[i].stack = stacks + i * kStackBytes;
    b.fibers[i].sp = initial_stack(b.fibers[i].stack);
  }
  for (;;) {
    bool moved = false;
    try {
      moved = step(b, b.config.schedule);
      if (!moved && b.error.empty()) moved = resolve_barrier(b);
    } catch (const SimtError& e) {
      b.error = e.what();
    }
    bool all_done = true;
    for (const Fiber& f : b.fibers) all_done = all_done && f.finished;
    if (b.error.empty() && !all_done && !moved) b.error = describe_stall(b);
    // On a fault the other fibers stay suspended and their stacks are
    // dropped: kernels hold nothing that needs a destructor.
    if (all_done || !b.error.empty()) return;
  }
}

}  // namespace

void launch(const LaunchConfig& config, const std::function<void()>& body) {
  if (t_block != nullptr) throw SimtError("simt: launch inside a launch");
  if (config.block == 0 || config.block > 1024) {
    throw SimtError("simt: block of " + std::to_string(config.block) + " threads (1..1024)");
  }
  const std::unique_ptr<char[]> stacks(new char[config.block * kStackBytes]);
  Block b;
  b.config = config;
  b.body = &body;
  t_block = &b;
  for (unsigned z = 0; z < config.grid.z; ++z) {
    for (unsigned y = 0; y < config.grid.y; ++y) {
      for (unsigned x = 0; x < config.grid.x; ++x) {
        b.index = Dim3{x, y, z};
        // Fresh shared memory per block, poisoned so unwritten reads show.
        b.shared.assign(config.shared_bytes, std::byte{0xff});
        b.error.clear();
        run_block(b, stacks.get());
        if (!b.error.empty()) {
          t_block = nullptr;
          throw SimtError(b.error);
        }
      }
    }
  }
  t_block = nullptr;
}

void report_fault(const std::string& message) { fault(message); }

unsigned thread_idx() { return block().current; }
Dim3 block_idx() { return block().index; }

void sync_threads(Site site) { wait_at(Wait::kBarrier, site); }

std::byte* shared_base() { return block().shared.data(); }

void check_shared(const void* p, size_t bytes, const char* what) {
  const Block& b = block();
  const auto* begin = static_cast<const std::byte*>(p);
  const std::byte* base = b.shared.data();
  if (begin < base || begin + bytes > base + b.shared.size()) {
    const long offset = static_cast<long>(begin - base);
    fault(std::string(what) + ": shared access of " + std::to_string(bytes) + " bytes at offset " +
          std::to_string(offset) + " outside the block's " + std::to_string(b.shared.size()) +
          " bytes");
  }
}

uint32_t shfl(uint32_t member_mask, uint32_t value, int lane_or_delta, ShflMode mode, Site site) {
  Fiber& f = self();
  f.in[0] = value;
  f.arg = lane_or_delta;
  f.mode = static_cast<int>(mode);
  f.mask = member_mask;
  wait_at(Wait::kShfl, site);
  return self().out[0];
}

void ldmatrix(int matrices, bool trans, const void* row_address, uint32_t* out, Site site) {
  if (matrices != 1 && matrices != 2 && matrices != 4) fault("ldmatrix of 1, 2 or 4 matrices");
  Fiber& f = self();
  const unsigned lane = block().current % kWarpSize;
  // Lanes past the last matrix's rows provide no address (their value is
  // ignored), as on the GPU.
  if (lane < 8u * static_cast<unsigned>(matrices)) {
    check_shared(row_address, 16, "ldmatrix");
    if (reinterpret_cast<uintptr_t>(row_address) % 16 != 0) {
      fault("ldmatrix row address not 16-byte aligned");
    }
  }
  f.address = row_address;
  f.arg = matrices;
  f.mode = trans ? 1 : 0;
  wait_at(Wait::kLdmatrix, site);
  for (int i = 0; i < matrices; ++i) out[i] = self().out[i];
}

void mma_m16n8k16(const uint32_t a[4], const uint32_t b[2], const float c[4], float d[4],
                  Site site) {
  Fiber& f = self();
  std::copy_n(a, 4, f.in);
  std::copy_n(b, 2, f.in_b);
  std::copy_n(c, 4, f.in_f);
  f.arg = 0;
  f.mode = 0;
  wait_at(Wait::kMma, site);
  std::copy_n(self().out_f, 4, d);
}

void cp_async_16(void* shared_dst, const void* global_src) {
  check_shared(shared_dst, 16, "cp.async destination");
  if (reinterpret_cast<uintptr_t>(shared_dst) % 16 != 0 ||
      reinterpret_cast<uintptr_t>(global_src) % 16 != 0) {
    fault("cp.async of 16 bytes needs 16-byte aligned addresses");
  }
  self().open_group.push_back(PendingCopy{shared_dst, global_src});
}

void cp_async_commit() {
  Fiber& f = self();
  f.groups.push_back(std::move(f.open_group));
  f.open_group.clear();
}

void cp_async_wait(int pending_groups) {
  Fiber& f = self();
  while (f.groups.size() > static_cast<size_t>(std::max(pending_groups, 0))) {
    for (const PendingCopy& copy : f.groups.front()) std::memcpy(copy.dst, copy.src, 16);
    f.groups.erase(f.groups.begin());
  }
}

}  // namespace minirt::simt
