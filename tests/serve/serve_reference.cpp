// The library's own outputs for the serve tests to compare the server's with:
// reads {"model": "x.fb", "cases": [...]} on stdin, where a case is either
// token ids, {"shape": [B,S] or [S], "input_ids": [...], "attention_mask":
// [...] (optional), "token_type_ids": [...] (optional)}, run with Session::run
// on exactly that input (a 1-D case runs as [1,S]), or text, {"text": [...],
// "text_pair": [...] (optional)}, run with Session::run_texts. Prints, per
// case, {"outputs": [{"name", "shape", "data"}], "shape": [B,S],
// "attention_mask": [...]}: every output, and the [B,S] mask the run used.
#include <iostream>
#include <iterator>
#include <nlohmann/json.hpp>

#include "minirt/minirt.h"
#include "minirt/tokenizer.h"

using nlohmann::json;

namespace {

json outputs_json(std::span<const minirt::OutputView> views) {
  json outputs = json::array();
  for (const minirt::OutputView& view : views) {
    outputs.push_back(
        {{"name", view.name},
         {"shape", std::vector<int64_t>(view.shape.begin(), view.shape.begin() + view.rank)},
         {"data", std::vector<float>(view.data, view.data + view.numel())}});
  }
  return outputs;
}

}  // namespace

int main() {
  try {
    const json request = json::parse(std::cin);
    const auto model = minirt::Model::load(request.at("model").get<std::string>());
    minirt::Session session(model);
    json out = json::array();
    for (const json& c : request.at("cases")) {
      if (c.contains("text")) {
        const std::vector<std::string> texts = c["text"];
        std::vector<std::string> pairs;
        if (c.contains("text_pair")) pairs = c["text_pair"].get<std::vector<std::string>>();
        if (model->tokenizer() == nullptr)
          throw minirt::Error("a text case for a model without a tokenizer");
        const minirt::PaddedBatch padded =
            model->tokenizer()->pad(model->tokenizer()->encode_batch(texts, pairs));
        out.push_back({{"outputs", outputs_json(session.run_texts(texts, pairs))},
                       {"shape", {padded.batch, padded.seq}},
                       {"attention_mask", padded.attention_mask}});
        continue;
      }
      const std::vector<int64_t> shape = c.at("shape");
      const int64_t rows = shape.size() == 2 ? shape[0] : 1, seq = shape.back();
      const std::vector<int64_t> ids = c.at("input_ids");
      std::vector<int64_t> mask(ids.size(), 1), types(ids.size(), 0);
      if (c.contains("attention_mask")) mask = c["attention_mask"].get<std::vector<int64_t>>();
      if (c.contains("token_type_ids")) types = c["token_type_ids"].get<std::vector<int64_t>>();
      minirt::Inputs inputs;
      inputs.input_ids = minirt::Int64Tensor(ids.data(), {rows, seq});
      inputs.attention_mask = minirt::Int64Tensor(mask.data(), {rows, seq});
      inputs.token_type_ids = minirt::Int64Tensor(types.data(), {rows, seq});
      out.push_back({{"outputs", outputs_json(session.run(inputs))},
                     {"shape", {rows, seq}},
                     {"attention_mask", mask}});
    }
    std::cout << out.dump() << "\n";
    return 0;
  } catch (const std::exception& e) {
    std::cerr << "serve_reference: " << e.what() << "\n";
    return 1;
  }
}
