// Only minirt::Error leaves the public API, with the message intact: paths
// that throw std::invalid_argument, std::system_error or std::bad_alloc
// inside the library are forced here, through the API.
#include <doctest/doctest.h>

#include <algorithm>
#include <atomic>
#include <cstddef>
#include <cstdlib>
#include <new>
#include <string>
#include <vector>

#include "minirt/minirt.h"
#include "tests/unit/allocation_hook.h"
#include "tests/unit/tiny_model_writer.h"

namespace minirt {
namespace {

std::string tiny_model_path() {
  static const std::string path = test::write_temp(test::serialize(test::valid_spec()), "api");
  return path;
}

// What a call threw: "" when nothing, the message of a minirt::Error, and
// "NOT minirt::Error: ..." for anything else.
template <typename F>
std::string thrown_by(F&& call) {
  try {
    call();
  } catch (const Error& e) {
    return e.what();
  } catch (const std::exception& e) {
    return std::string("NOT minirt::Error: ") + e.what();
  } catch (...) {
    return "NOT minirt::Error: not a std::exception";
  }
  return "";
}

TEST_CASE("api errors: a bad MINIRT_MAX_ISA (std::invalid_argument inside) is an Error") {
  const auto model = Model::load(tiny_model_path());
  setenv("MINIRT_MAX_ISA", "pentium", 1);
  const std::string error = thrown_by([&] { Session session(model); });
  unsetenv("MINIRT_MAX_ISA");
  CHECK(error ==
        "MINIRT_MAX_ISA='pentium' is not one of scalar, avx2, avx512, avx512_vnni, "
        "avx512_bf16, amx");
  CHECK(thrown_by([&] { Session session(model); }).empty());
}

TEST_CASE("api errors: every bad padding-free batch is an Error, and the session runs after") {
  Session session(Model::load(tiny_model_path()));
  const std::vector<int64_t> ids = {1, 2, 3};
  for (const std::vector<int64_t>& cu : std::vector<std::vector<int64_t>>{
           {}, {0}, {1, 3}, {0, 2, 2, 3}, {0, 3, 1, 3}, {0, 2}, {0, 4}, {0, -1, 3}}) {
    CAPTURE(cu.size());
    const std::string error = thrown_by([&] { (void)session.run_ragged({ids, cu, {}}); });
    CHECK(!error.empty());
    CHECK(error.find("NOT minirt::Error") == std::string::npos);
  }
  const std::vector<int64_t> cu = {0, 1, 3};
  CHECK(thrown_by([&] { (void)session.run_ragged({ids, cu, {}}); }).empty());
}

// Every allocation of load, session construction (a worker thread, code
// generation, packing), run and the descriptions fails in turn: each must
// surface as an Error (or be handled inside), and the next attempt must work.
TEST_CASE("api errors: an allocation failure anywhere is an Error that says memory ran out") {
  const int64_t ids[] = {1, 2, 3};
  const int64_t cu_seqlens[] = {0, 1, 3};
  Inputs inputs;
  inputs.input_ids = Int64Tensor(ids, {1, 3});
  const std::string path = tiny_model_path();
  int failures = 0;
  for (long at = 0;; ++at) {
    test::allocation_hook::fail_at = at;
    const std::string error = thrown_by([&] {
      const auto model = Model::load(path);
      (void)model->summary();
      (void)model->describe_ops();
      (void)model->plan_dump();
      Session session(model, {.threads = 3});  // a failed 2nd worker stops the 1st
      (void)session.run(inputs);
      (void)session.run_ragged({ids, cu_seqlens, {}});
    });
    const bool fired = test::allocation_hook::fail_at.load() < 0;
    test::allocation_hook::fail_at = -1;
    if (!fired) {
      CHECK(error.empty());
      break;
    }
    // Empty: a failure the library handles itself (std::stable_sort's
    // temporary buffer falls back to sorting in place).
    INFO("allocation ", at, ": ", error);
    CHECK((error.empty() || error.rfind("out of memory (", 0) == 0));
    failures += !error.empty();
  }
  CHECK(failures > 20);  // the loop reached well into construction
}

}  // namespace
}  // namespace minirt
