#include "runtime/cli/op_profile_table.h"

#include <algorithm>
#include <cstdio>
#include <map>
#include <string>
#include <vector>

namespace minirt::cli {
namespace {

double per_run_ms(const OpProfile& entry) {
  return entry.runs > 0 ? entry.total_us / 1000.0 / static_cast<double>(entry.runs) : 0.0;
}

}  // namespace

void print_op_profile(std::span<const OpProfile> profile, bool json) {
  std::vector<OpProfile> ops(profile.begin(), profile.end());
  std::stable_sort(ops.begin(), ops.end(),
                   [](const OpProfile& a, const OpProfile& b) { return a.total_us > b.total_us; });
  double total_ms = 0.0;
  std::map<std::string, double> kind_ms;
  for (const OpProfile& op : ops) {
    total_ms += per_run_ms(op);
    kind_ms[op.kind] += per_run_ms(op);
  }
  auto percent = [&](double ms) { return total_ms > 0.0 ? 100.0 * ms / total_ms : 0.0; };

  if (json) {
    std::printf("{\"op_profile\": [");
    for (size_t i = 0; i < ops.size(); ++i) {
      std::printf("%s{\"op\": \"%s\", \"kind\": \"%s\", \"ms_per_run\": %.4f, \"percent\": %.2f}",
                  i ? ", " : "", ops[i].name, ops[i].kind, per_run_ms(ops[i]),
                  percent(per_run_ms(ops[i])));
    }
    std::printf("], \"ops_ms_per_run\": %.4f}\n", total_ms);
    return;
  }
  const long long runs = ops.empty() ? 0 : static_cast<long long>(ops.front().runs);
  std::printf("\nop profile    %.3f ms per run in ops, over %lld timed runs\n", total_ms, runs);
  std::printf("  %10s %7s  %-14s %s\n", "ms/run", "%", "kind", "op");
  for (const OpProfile& op : ops) {
    std::printf("  %10.3f %6.1f%%  %-14s %s\n", per_run_ms(op), percent(per_run_ms(op)), op.kind,
                op.name);
  }
  std::vector<std::pair<std::string, double>> kinds(kind_ms.begin(), kind_ms.end());
  std::stable_sort(kinds.begin(), kinds.end(),
                   [](const auto& a, const auto& b) { return a.second > b.second; });
  std::printf("by kind\n");
  for (const auto& [kind, ms] : kinds) {
    std::printf("  %10.3f %6.1f%%  %s\n", ms, percent(ms), kind.c_str());
  }
}

}  // namespace minirt::cli
