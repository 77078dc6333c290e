// minirt-convert --verify DIR: the written file, loaded as the runtime loads
// it, run at each reduced precision this CPU has against fp32 on the
// reference cases in DIR (common/precision_report.h).
#pragma once

#include <filesystem>
#include <optional>
#include <string>

namespace minirt::converter {

struct VerifyOptions {
  std::string refs_dir;
  std::optional<double> min_cosine;  // fail when any output's row cosine is lower
};

// Prints a report per precision; returns false when min_cosine is not held.
// A CPU with no reduced precision is told so and passes. Throws on bad cases.
bool verify_precisions(const std::filesystem::path& model_file, const VerifyOptions& options);

}  // namespace minirt::converter
