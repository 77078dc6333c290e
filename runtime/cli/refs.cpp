// minirt run --refs: max abs error per output against reference cases;
// --ragged runs each case padding-free (padding stripped by the mask) and
// compares the valid positions.
#include "common/refs.h"

#include <cstdio>

#include "runtime/cli/args.h"
#include "runtime/cli/commands.h"

namespace minirt::cli {

int command_refs(const std::string& model_path, const std::vector<std::string>& argv) {
  const Args args(argv, {"--refs", "--tol", "--threads", "--precision"}, {"--ragged"});
  const double tolerance = args.real("--tol", 1e-4);
  Session session(Model::load(model_path),
                  {.threads = static_cast<int>(args.integer("--threads", 1, 1, 1024)),
                   .precision = precision_flag(args)});
  bool pass = true;
  for (const RefCaseResult& result :
       run_ref_cases(session, args.str("--refs", ""), args.has("--ragged"))) {
    std::printf("%-8s [%lld,%lld]", result.case_name.c_str(), static_cast<long long>(result.batch),
                static_cast<long long>(result.seq));
    for (const RefOutputError& out : result.outputs) {
      const bool ok = out.max_abs_error <= tolerance;
      pass &= ok;
      std::printf("  %s max_abs_err %.3g rel_rms %.2g%s", out.name.c_str(), out.max_abs_error,
                  out.relative_rms_error, ok ? "" : " FAIL");
    }
    std::printf("\n");
  }
  std::printf("%s (tolerance %g)\n", pass ? "PASS" : "FAIL", tolerance);
  return pass ? 0 : 1;
}

}  // namespace minirt::cli
