// A run's size as every op reads it: a padded run's token count, and
// symbolic dims and element counts evaluated for it.
#include "ops/run_shape.h"

#include <doctest/doctest.h>

#include "runtime/model/model_impl.h"

namespace minirt {
namespace {

TEST_CASE("run shape: a padded run holds batch * seq tokens and no offsets") {
  constexpr RunShape run(3, 7);
  static_assert(run.batch == 3 && run.seq == 7 && run.tokens == 21 && run.padded());
  CHECK(RunShape().tokens == 1);
}

TEST_CASE("run shape: dims and element counts evaluate against it") {
  const RunShape run(2, 5);
  CHECK(SymDim{768, false, false}.eval(run) == 768);
  CHECK(SymDim{1, true, false}.eval(run) == 2);
  CHECK(SymDim{12, false, true}.eval(run) == 60);
  CHECK(SymDim{1, true, true}.eval(run) == 10);
  ValueInfo value;
  value.shape = {{1, true, false}, {1, false, true}, {768, false, false}};
  CHECK(value.numel(run) == 2 * 5 * 768);
}

}  // namespace
}  // namespace minirt
