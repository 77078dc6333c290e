#include "converter/verify/verify_precisions.h"

#include <cstdio>

#include "common/precision_report.h"

namespace minirt::converter {

bool verify_precisions(const std::filesystem::path& model_file, const VerifyOptions& options) {
  // Cases first: a bad folder is an error before any session is made.
  const std::vector<RefCaseInputs> cases = read_ref_case_inputs(options.refs_dir);
  const std::shared_ptr<const Model> model = Model::load(model_file.string());
  bool pass = true, any = false;
  for (const Precision precision : {Precision::kBFloat16, Precision::kInt8}) {
    if (!precision_supported(precision)) continue;
    any = true;
    const PrecisionReport report = compare_with_fp32(model, precision, cases, 1);
    print_precision_report(report, stdout);
    if (options.min_cosine && report.min_cosine() < *options.min_cosine) {
      std::printf("  FAIL: lowest cosine %.6f is under --min-cosine %g\n", report.min_cosine(),
                  *options.min_cosine);
      pass = false;
    }
  }
  if (!any) std::printf("--verify: this CPU runs no reduced precision, nothing to compare\n");
  return pass;
}

}  // namespace minirt::converter
