// What a run's size is: the one struct the session, the backend, every op
// and the kernels that need sizes read it from.
#pragma once

#include <cstdint>

namespace minirt {

struct RunShape {
  // The request's [batch, seq]; symbolic dims (BATCH, SEQ) evaluate to these.
  int64_t batch = 1;
  int64_t seq = 1;
  // Tokens the run holds: batch * seq for a padded batch. A padding-free
  // batch (not executed yet) will hold the sum of its sequences' lengths.
  int64_t tokens = 1;
  // Padding-free batches only: batch + 1 offsets, sequence b holding tokens
  // [cu_seqlens[b], cu_seqlens[b + 1]) and cu_seqlens[batch] == tokens.
  // nullptr for a padded run, the only kind executed today.
  const int64_t* cu_seqlens = nullptr;

  constexpr RunShape() = default;
  // A padded run: every sequence seq tokens long.
  constexpr RunShape(int64_t batch_size, int64_t seq_len)
      : batch(batch_size), seq(seq_len), tokens(batch_size * seq_len) {}

  constexpr bool padded() const { return cu_seqlens == nullptr; }
};

}  // namespace minirt
