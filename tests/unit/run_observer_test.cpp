// run_observer.h: an observer sees every op before it runs, with its inputs
// written, in order; it changes no output; clearing it stops the calls.
#include "runtime/session/run_observer.h"

#include <doctest/doctest.h>

#include <vector>

#include "runtime/model/model_impl.h"
#include "tests/unit/tiny_model_writer.h"

namespace minirt {
namespace {

struct Seen {
  size_t op;
  std::string name;
  int64_t tokens;
  std::vector<float> src;  // the MatMul's input as it stood before the MatMul ran
};

class Recorder final : public RunObserver {
 public:
  explicit Recorder(const Model::Impl& model) : model_(model) {}
  void before_op(size_t op_index, const OpInfo& op, const RunShape& run,
                 std::span<void* const> tensors) override {
    Seen s{op_index, op.name, run.tokens, {}};
    if (op.kind == OpKind::MatMul) {
      const auto v = static_cast<size_t>(op.inputs[0]);
      const auto* x = static_cast<const float*>(tensors[v]);
      s.src.assign(x, x + model_.values[v].numel(run));
    }
    seen.push_back(std::move(s));
  }
  std::vector<Seen> seen;

 private:
  const Model::Impl& model_;
};

TEST_CASE("run observer: every op in order, inputs written, outputs unchanged, then cleared") {
  const std::vector<uint8_t> bytes = test::serialize(test::valid_spec());
  const auto model = Model::load_from_memory(bytes, "observer");
  Session session(model);
  const int64_t ids[] = {1, 2, 3, 4, 5, 6};
  Inputs in;
  in.input_ids = Int64Tensor(ids, {2, 3});
  const auto plain = session.run(in);
  const std::vector<float> expected(plain[0].data, plain[0].data + plain[0].numel());

  Recorder recorder(model->impl());
  set_run_observer(session, &recorder);
  const auto watched = session.run(in);
  CHECK(std::vector<float>(watched[0].data, watched[0].data + watched[0].numel()) == expected);
  REQUIRE(recorder.seen.size() == 2);
  CHECK(recorder.seen[0].op == 0);
  CHECK(recorder.seen[0].name == "embed");
  CHECK(recorder.seen[1].op == 1);
  CHECK(recorder.seen[1].name == "dense");
  CHECK(recorder.seen[1].tokens == 6);
  // The embedding's LayerNorm output of constant weights: 6 tokens x 4, all
  // equal to beta (0.5) since every row normalizes to zero.
  CHECK(recorder.seen[1].src == std::vector<float>(24, 0.5f));

  set_run_observer(session, nullptr);
  session.run(in);
  CHECK(recorder.seen.size() == 2);
}

}  // namespace
}  // namespace minirt
