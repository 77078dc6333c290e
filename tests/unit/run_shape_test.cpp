// A run's size as every op reads it: a padded run's token count, and
// symbolic dims and element counts evaluated for it.
#include "ops/run_shape.h"

#include <doctest/doctest.h>

#include <array>

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

TEST_CASE("run shape: a ragged run packs B and S into its token count") {
  const int32_t cu[] = {0, 3, 4, 11};
  constexpr int64_t kCount = 3, kLongest = 7, kTokens = 11;
  const RunShape run = RunShape::packed(kCount, kLongest, kTokens, cu);
  CHECK(!run.padded());
  CHECK(SymDim{2, true, true}.eval(run) == 2 * kTokens);
  CHECK(SymDim{1, true, false}.eval(run) == kCount);
  ValueInfo hidden;  // [B,S,768] -> [tokens, 768]
  hidden.shape = {{1, true, false}, {1, false, true}, {768, false, false}};
  std::array<int64_t, 4> dims{};
  REQUIRE(hidden.dims(run, dims.data()) == 2);
  CHECK(dims[0] == kTokens);
  CHECK(dims[1] == 768);
  CHECK(hidden.numel(run) == kTokens * 768);
  ValueInfo pooled;  // [B,768] stays one row per sequence
  pooled.shape = {{1, true, false}, {768, false, false}};
  REQUIRE(pooled.dims(run, dims.data()) == 2);
  CHECK(dims[0] == kCount);
  // A padded run keeps every dim.
  REQUIRE(hidden.dims(RunShape(2, 5), dims.data()) == 3);
  CHECK(dims[0] == 2);
  CHECK(dims[1] == 5);
}

}  // namespace
}  // namespace minirt
