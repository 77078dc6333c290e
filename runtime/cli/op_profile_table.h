// `minirt run --bench --profile`: where the time of a run goes, op by op.
#pragma once

#include <span>

#include "minirt/minirt.h"

namespace minirt::cli {

// Prints each op's time per run and share of all op time, longest first,
// then the same by op kind: a table, or one JSON line when json is set.
void print_op_profile(std::span<const OpProfile> profile, bool json);

}  // namespace minirt::cli
