// minirt info: what a model file holds.
#include <cstdio>

#include "minirt/minirt.h"
#include "runtime/cli/args.h"
#include "runtime/cli/commands.h"

namespace minirt::cli {

int command_info(const std::vector<std::string>& argv) {
  const Args args(argv, {}, {"--plan"});
  if (args.positional().size() != 1) throw Error("info takes one model file");
  const auto model = Model::load(args.positional()[0]);
  const ModelSummary s = model->summary();
  std::printf("file      %s (%zu bytes)\nproducer  %s\nsource    %s\n",
              args.positional()[0].c_str(), s.file_bytes, s.producer.c_str(), s.source.c_str());
  for (const auto& [key, value] : s.metadata)
    std::printf("  %-24s %s\n", key.c_str(), value.c_str());
  std::printf(
      "max batch %d, max seq %d\nweights   %zu bytes\narena     %zu bytes at max batch and seq\n",
      s.max_batch, s.max_seq, s.weight_bytes, model->arena_bytes());
  for (const InputInfo& in : s.inputs) {
    if (in.binary)
      std::printf("input     %s: 0 or 1\n", in.name.c_str());
    else
      std::printf("input     %s: ids in [0, %lld)\n", in.name.c_str(),
                  static_cast<long long>(in.index_bound));
  }
  for (const std::string& out : s.outputs) std::printf("output    %s\n", out.c_str());
  std::printf("ops (%zu)\n", s.num_ops);
  for (const std::string& line : model->describe_ops()) std::printf("  %s\n", line.c_str());
  if (args.has("--plan")) std::printf("arena plan\n%s", model->plan_dump().c_str());
  return 0;
}

}  // namespace minirt::cli
