// Session::run_ragged's request rules on a tiny hand-written model: each bad
// batch gets its own message, the token budget comes from the file (or, for a
// version-1 file, max_batch * max_seq), and the arena holds it.
#include <doctest/doctest.h>

#include <numeric>
#include <string>
#include <vector>

#include "minirt/minirt.h"
#include "tests/unit/tiny_model_writer.h"

namespace minirt {
namespace {

std::shared_ptr<const Model> tiny(int32_t max_tokens, const std::string& name) {
  test::ModelSpec spec = test::valid_spec();  // max batch 2, max seq 8
  if (max_tokens) {
    spec.version = 2;
    spec.max_tokens = max_tokens;
  }
  return Model::load(test::write_temp(test::serialize(spec), name));
}

std::string ragged_error(Session& session, const std::vector<int64_t>& ids,
                         const std::vector<int64_t>& cu, const std::vector<int64_t>& types = {}) {
  try {
    session.run_ragged({ids, cu, types});
  } catch (const Error& e) {
    return e.what();
  }
  return "";
}

std::vector<int64_t> ids_of(size_t n) { return std::vector<int64_t>(n, 3); }

TEST_CASE("ragged session: a version-1 file's budget is max_batch * max_seq") {
  const auto model = tiny(0, "ragged_v1");
  CHECK(model->summary().max_tokens == 16);
  CHECK(model->summary().ragged_refusal.empty());
  Session session(model);
  // More sequences than max_batch: a ragged batch is bounded by its tokens.
  std::vector<int64_t> cu(17);
  std::iota(cu.begin(), cu.end(), 0);
  const std::vector<int64_t> ids = ids_of(16);
  const auto out = session.run_ragged({ids, cu, {}});
  REQUIRE(out.size() == 1);
  CHECK(out[0].rank == 2);  // [B,S,3] packs into [tokens, 3]
  CHECK(out[0].shape[0] == 16);
  CHECK(out[0].shape[1] == 3);
  for (int64_t i = 0; i < out[0].numel(); ++i) CHECK(out[0].data[i] == doctest::Approx(1.5));
}

TEST_CASE("ragged session: the arena is planned for the file's token budget") {
  const auto small = tiny(0, "ragged_budget_16");
  const auto large = tiny(40, "ragged_budget_40");
  CHECK(large->summary().max_tokens == 40);
  CHECK(large->arena_bytes() > small->arena_bytes());
  Session session(large);
  const std::vector<int64_t> ids = ids_of(40), cu = {0, 8, 16, 24, 32, 40};
  const auto out = session.run_ragged({ids, cu, {}});
  CHECK(out[0].shape[0] == 40);
  const std::string error = ragged_error(session, ids_of(41), {0, 8, 16, 24, 32, 40, 41});
  CHECK(error ==
        "the batch holds 41 tokens, above the model's token budget of 40 (max_tokens; "
        "reconvert with a larger --max-tokens)");
}

TEST_CASE("ragged session: bad offsets and inputs are refused, each with its message") {
  Session session(tiny(0, "ragged_errors"));
  CHECK(ragged_error(session, {}, {}).starts_with("empty batch: cu_seqlens holds 0 offsets"));
  CHECK(ragged_error(session, {}, {0}).starts_with("empty batch: cu_seqlens holds 1 offsets"));
  CHECK(ragged_error(session, ids_of(2), {1, 2}) == "cu_seqlens[0] is 1, must be 0");
  CHECK(ragged_error(session, ids_of(4), {0, 2, 2, 4}) ==
        "cu_seqlens must increase: cu_seqlens[2] = 2 after cu_seqlens[1] = 2 (every sequence "
        "holds at least one token)");
  CHECK(ragged_error(session, ids_of(4), {0, 3, 1, 4})
            .starts_with("cu_seqlens must increase: cu_seqlens[2] = 1 after cu_seqlens[1] = 3"));
  CHECK(ragged_error(session, ids_of(10), {0, 1, 10}) ==
        "sequence 1 is 9 tokens long, above the model's max seq 8");
  CHECK(ragged_error(session, ids_of(5), {0, 2, 4}) ==
        "the last offset cu_seqlens[2] is 4 but input_ids holds 5 tokens");
  CHECK(ragged_error(session, ids_of(3), {0, 2, 4}) ==
        "the last offset cu_seqlens[2] is 4 but input_ids holds 3 tokens");
  CHECK(ragged_error(session, ids_of(24), {0, 8, 16, 24}) ==
        "the batch holds 24 tokens, above the model's token budget of 16 (max_tokens; "
        "reconvert with a larger --max-tokens)");
  CHECK(ragged_error(session, {1, 2, 10}, {0, 1, 3}) == "input_ids[2] is 10, must be in [0, 10)");
  CHECK(ragged_error(session, {1, 2, -1}, {0, 1, 3}) == "input_ids[2] is -1, must be in [0, 10)");
  CHECK(ragged_error(session, ids_of(3), {0, 1, 3}, {0, 1}) ==
        "token_type_ids holds 2 values, input_ids 3: one per token");
  CHECK(ragged_error(session, ids_of(3), {0, 1, 3}, {0, 2, 0}) ==
        "token_type_ids[1] is 2, must be in [0, 2)");
  // Still usable after each refusal.
  CHECK(ragged_error(session, ids_of(3), {0, 1, 3}, {0, 1, 0}).empty());
}

TEST_CASE("ragged session: the padded run is unchanged beside ragged runs") {
  Session session(tiny(0, "ragged_padded_beside"));
  std::vector<int64_t> ids(16, 3);
  Inputs in;
  in.input_ids = Int64Tensor(ids.data(), {2, 8});
  const auto padded = session.run(in);
  CHECK(padded[0].rank == 3);
  CHECK(padded[0].shape[0] == 2);
  CHECK(padded[0].shape[1] == 8);
  CHECK(padded[0].shape[2] == 3);
}

}  // namespace
}  // namespace minirt
