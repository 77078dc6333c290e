#include <limits>

#include "ops/ref/grain.h"
#include "ops/ref/kernels.h"
#include "ops/ref/layer_norm_row.h"
#include "ops/sequences.h"

namespace minirt::ref {

void embed_layer_norm(const EmbedLayerNormArgs& args, Parallel& parallel) {
  const int64_t hidden = args.hidden;
  // HF's additive mask: a padded key gets the most negative finite float, so a
  // row with every key padded still softmaxes to uniform weights, as in HF.
  constexpr float kMaskedBias = std::numeric_limits<float>::lowest();
  const int64_t rows = args.cu_seqlens ? args.cu_seqlens[args.batch] : args.batch * args.seq;
  parallel.for_range(rows, grain_for(4 * hidden), [&](int64_t begin, int64_t end) {
    for (int64_t token = begin; token < end; ++token) {
      const int64_t position =
          args.cu_seqlens ? token - args.cu_seqlens[sequence_of(args.cu_seqlens, args.batch, token)]
                          : token % args.seq;
      const int64_t type = args.token_type_ids ? args.token_type_ids[token] : 0;
      const float* word = args.word + args.input_ids[token] * hidden;
      const float* pos = args.position + position * hidden;
      const float* token_type = args.token_type + type * hidden;
      auto input = [&](int64_t i) { return double{word[i]} + pos[i] + token_type[i]; };
      layer_norm_row(input, args.gamma, args.beta, hidden, args.epsilon, args.dst + token * hidden);
      if (args.cu_seqlens) continue;  // no padding, no mask
      const bool attended = !args.attention_mask || args.attention_mask[token] != 0;
      args.mask_bias[token] = attended ? 0.0f : kMaskedBias;
    }
  });
}

}  // namespace minirt::ref
