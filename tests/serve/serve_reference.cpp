// The library's own outputs for the serve tests to compare the server's with:
// reads {"model": "x.fb", "cases": [{"shape": [B,S] or [S], "input_ids": [...],
// "attention_mask": [...] (optional), "token_type_ids": [...] (optional)}]}
// on stdin and prints, per case, [{"name", "shape", "data"}] for every output
// of Session::run on exactly that input (a 1-D case runs as [1,S]).
#include <iostream>
#include <iterator>
#include <nlohmann/json.hpp>

#include "minirt/minirt.h"

using nlohmann::json;

int main() {
  try {
    const json request = json::parse(std::cin);
    minirt::Session session(minirt::Model::load(request.at("model").get<std::string>()));
    json out = json::array();
    for (const json& c : request.at("cases")) {
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
      json outputs = json::array();
      for (const minirt::OutputView& view : session.run(inputs)) {
        outputs.push_back(
            {{"name", view.name},
             {"shape", std::vector<int64_t>(view.shape.begin(), view.shape.begin() + view.rank)},
             {"data", std::vector<float>(view.data, view.data + view.numel())}});
      }
      out.push_back(std::move(outputs));
    }
    std::cout << out.dump() << "\n";
    return 0;
  } catch (const std::exception& e) {
    std::cerr << "serve_reference: " << e.what() << "\n";
    return 1;
  }
}
