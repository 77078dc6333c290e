// Runs an imported graph on the host at a few small (batch, seq) "probe"
// sizes with made-up inputs. What each value looks like across the probes is
// the ground truth the passes build on: symbolic shapes are fitted from its
// dims, a value whose data is the same at every probe and depends on no
// input's contents is a constant, and a fusion checks that a subgraph
// computes what the fused op will (the attention mask bias, the position
// ids) by comparing its probe data with the fused op's definition.
#pragma once

#include <array>
#include <cstdint>
#include <vector>

#include "converter/import/onnx/host_tensor.h"
#include "converter/ir/graph.h"

namespace minirt::converter::onnx {

struct ProbeSize {
  int64_t batch, seq;
};
// Two sizes fix factor * batch^a * seq^b for a, b in {0, 1}: the four
// candidates grow by 1, 3/2, 5/3 and 5/2 from the first probe to the second.
inline constexpr std::array<ProbeSize, 2> kProbeSizes{{{2, 3}, {3, 5}}};

struct ValueFacts {
  uint32_t content_deps = 0;  // bit i: depends on the contents of graph input i
  // One per probe: dims always; values too when small enough to keep.
  std::vector<HostTensor> at_probe;
  bool has_data() const { return !at_probe.empty() && at_probe[0].has_data(); }
};

struct ProbeFacts {
  std::vector<ValueFacts> values;  // by value id; ids added later have none
  // The graph inputs fed at each probe, by name.
  std::vector<std::vector<HostTensor>> inputs;  // [probe][graph input index]

  const ValueFacts* find(int id) const;
};

// The probe inputs: input_ids and token_type_ids all 0 (valid for any
// table), attention_mask with zeros in varied places (first column 1).
HostTensor probe_input(const ir::Value& input, ProbeSize size);

// Throws std::runtime_error naming the op when an op fails at some probe.
ProbeFacts run_probes(const ir::Graph& g);

// A weight value as a host tensor (read in place when aligned).
HostTensor weight_tensor(const ir::Value& weight);

}  // namespace minirt::converter::onnx
