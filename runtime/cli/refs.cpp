// minirt run --refs: max abs error per output against reference cases; for
// a reduced --precision also the precision guard against fp32 on the same
// inputs (common/precision_report.h), failing below --min-cosine; --ragged
// runs each case padding-free (padding stripped by the mask) and compares
// the valid positions.
#include "common/refs.h"

#include <cstdio>

#include "common/precision_report.h"
#include "runtime/cli/args.h"
#include "runtime/cli/commands.h"

namespace minirt::cli {

int command_refs(const std::string& model_path, const std::vector<std::string>& argv) {
  const Args args(argv, {"--refs", "--tol", "--threads", "--precision", "--min-cosine", "--device"},
                  {"--ragged", "--fp32-attention"});
  const double tolerance = args.real("--tol", 1e-4);
  const Precision precision = precision_flag(args);
  if (args.has("--min-cosine") && precision == Precision::kFloat32)
    throw Error("--min-cosine goes with a reduced --precision (bf16 or int8)");
  const double min_cosine = args.real("--min-cosine", 0);
  if (min_cosine > 1) throw Error("--min-cosine must be at most 1");
  const int threads = static_cast<int>(args.integer("--threads", 1, 1, 1024));
  const std::shared_ptr<const Model> model = Model::load(model_path);
  const bool bf16_attention = bf16_attention_flag(args);
  Session session(model, {.threads = threads,
                          .precision = precision,
                          .bf16_attention = bf16_attention,
                          .device = device_flag(args)});
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
  if (precision != Precision::kFloat32) {
    const PrecisionReport report = compare_with_fp32(
        model, precision, read_ref_case_inputs(args.str("--refs", "")), threads, bf16_attention);
    print_precision_report(report, stdout);
    if (report.min_cosine() < min_cosine) {
      std::printf("FAIL: lowest cosine %.6f is under --min-cosine %g\n", report.min_cosine(),
                  min_cosine);
      pass = false;
    }
  }
  return pass ? 0 : 1;
}

}  // namespace minirt::cli
