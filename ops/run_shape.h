// What a run's size is: the one struct the session, the backend, every op
// and the kernels that need sizes read it from.
#pragma once

#include <cstdint>

namespace minirt {

struct RunShape {
  // A padded run: the request's [batch, seq]; symbolic dims (BATCH, SEQ)
  // evaluate to these. A padding-free (ragged) run: batch sequences, seq the
  // longest of them.
  int64_t batch = 1;
  int64_t seq = 1;
  // Tokens the run holds: batch * seq for a padded batch, the sum of the
  // sequences' lengths for a ragged one (what a B*S dim evaluates to).
  int64_t tokens = 1;
  // Ragged runs: batch + 1 offsets, sequence b holding tokens
  // [cu_seqlens[b], cu_seqlens[b + 1]) and cu_seqlens[batch] == tokens.
  // nullptr for a padded run, and for a ragged shape that only sizes buffers.
  const int32_t* cu_seqlens = nullptr;
  bool ragged = false;

  constexpr RunShape() = default;
  // A padded run: every sequence seq tokens long.
  constexpr RunShape(int64_t batch_size, int64_t seq_len)
      : batch(batch_size), seq(seq_len), tokens(batch_size * seq_len) {}

  // A ragged run of `count` sequences, the longest `longest` tokens long.
  static constexpr RunShape packed(int64_t count, int64_t longest, int64_t total,
                                   const int32_t* offsets) {
    RunShape run(count, longest);
    run.tokens = total;
    run.cu_seqlens = offsets;
    run.ragged = true;
    return run;
  }

  constexpr bool padded() const { return !ragged; }
};

}  // namespace minirt
