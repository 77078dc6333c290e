// minirt-serve's request parsers on bytes (serve/http_infer_decode.h,
// serve/grpc_infer_decode.h): what a well-formed request becomes, and the
// kInvalidArgument message each malformed part gets. Checking the tensors
// against a model is request_decode's (serve_faults_test, fuzz_serve_request).
#include <doctest/doctest.h>

#include <cstring>
#include <string>

#include "serve/grpc_infer_decode.h"
#include "serve/http_infer_decode.h"

namespace minirt::serve {
namespace {

Status http(const std::string& body, HttpInferRequest* out, const std::string* length = nullptr) {
  return decode_http_infer(body, length, "m", out);
}

std::string refusal(const std::string& body, const std::string* length = nullptr) {
  HttpInferRequest out;
  const Status status = http(body, &out, length);
  CHECK(status.code == StatusCode::kInvalidArgument);
  return status.message;
}

std::string int64_bytes(std::initializer_list<int64_t> values) {
  std::string bytes(values.size() * sizeof(int64_t), '\0');
  std::memcpy(bytes.data(), values.begin(), bytes.size());
  return bytes;
}

TEST_CASE("http: a JSON request becomes the inputs, outputs and id it names") {
  HttpInferRequest r;
  REQUIRE(http(R"({"id":"q1","inputs":[{"name":"input_ids","datatype":"INT64","shape":[1,3],
                  "data":[[2,5,3]]},{"name":"text","datatype":"BYTES","shape":[1],"data":["hi"]}],
                  "outputs":[{"name":"a","parameters":{"binary_data":true}},{"name":"b"}]})",
               &r)
              .ok());
  CHECK(r.call.model_name == "m");
  REQUIRE(r.call.inputs.size() == 2);
  CHECK(r.call.inputs[0].shape == std::vector<int64_t>{1, 3});
  CHECK(r.call.inputs[0].values == std::vector<int64_t>{2, 5, 3});
  CHECK(r.call.inputs[1].texts == std::vector<std::string>{"hi"});
  CHECK(r.call.requested_outputs == std::vector<std::string>{"a", "b"});
  CHECK(r.id == "q1");
  CHECK(r.wants_binary("a"));
  CHECK_FALSE(r.wants_binary("b"));
}

TEST_CASE("http: binary tensor data follows the JSON header, input by input") {
  const std::string header =
      R"({"inputs":[{"name":"input_ids","datatype":"INT64","shape":[2],"parameters":{"binary_data_size":16}},)"
      R"({"name":"text","datatype":"BYTES","shape":[1],"parameters":{"binary_data_size":7}}],)"
      R"("parameters":{"binary_data_output":true}})";
  const std::string texts = std::string("\x03\0\0\0abc", 7);
  const std::string length = std::to_string(header.size());
  HttpInferRequest r;
  REQUIRE(http(header + int64_bytes({7, 9}) + texts, &r, &length).ok());
  CHECK(r.call.inputs[0].values == std::vector<int64_t>{7, 9});
  CHECK(r.call.inputs[1].texts == std::vector<std::string>{"abc"});
  CHECK(r.wants_binary("anything"));

  // Bytes no input claims are refused, not ignored.
  CHECK(refusal(header + int64_bytes({7, 9}) + texts + "x", &length) ==
        "1 binary bytes follow the inputs' data");
  CHECK(refusal(header + int64_bytes({7}), &length) ==
        "input 'input_ids' binary_data_size 16 does not fit the 8 binary bytes left");
}

TEST_CASE("http: Inference-Header-Content-Length must be digits within the body") {
  const std::string body = R"({"inputs":[]})";
  for (const std::string bad :
       {"", "+13", " 13", "-0", "13 ", "0x0d", "14", "99999999999999999999"}) {
    CAPTURE(bad);
    CHECK(refusal(body, &bad) ==
          "Inference-Header-Content-Length is '" + bad + "' for a body of 13 bytes");
  }
}

TEST_CASE("http: malformed parts are named") {
  CHECK(refusal("{").find("malformed JSON") == 0);
  CHECK(refusal("[]") == "the request body must be a JSON object");
  CHECK(refusal(R"({"inputs":{}})") == "'inputs' must be an array");
  CHECK(refusal(R"({"inputs":[{"name":"x","datatype":"INT64","shape":[1]}]})") ==
        "input 'x' needs exactly one of 'data' and parameters.binary_data_size");
  CHECK(refusal(R"({"inputs":[{"name":"x","datatype":"INT64","shape":[-1],"data":[1]}]})") ==
        "input 'x' shape holds -1");
  CHECK(refusal(R"({"inputs":[{"name":"x","datatype":"INT64","shape":[1],"data":[[[[[1]]]]]}]})") ==
        "input 'x' data nests arrays too deeply");
  CHECK(refusal(R"({"inputs":[],"parameters":{"timeout":-1}})") ==
        "parameter 'timeout' must be a non-negative integer");
  CHECK(refusal(R"({"inputs":[],"outputs":[{"name":"a","parameters":{"binary_data":1}}]})") ==
        "parameter 'binary_data' must be a bool");
}

// A request controls how deep its JSON nests; the parser and the messages must
// not recurse that deep (the message used to dump the value, and the id was
// copied and echoed: a 2 MB body overflowed the handler thread's stack).
TEST_CASE("http: deeply nested values are refused by type, never dumped or echoed") {
  const int depth = 1'000'000;
  const std::string nested = std::string(depth, '[') + std::string(depth, ']');
  const std::string nested_object = [&] {
    std::string s;
    for (int i = 0; i < depth; ++i) s += R"({"a":)";
    return s + "1" + std::string(depth, '}');
  }();
  CHECK(refusal(R"({"inputs":[{"name":"x","datatype":"INT64","shape":[1],"data":)" + nested_object +
                "}]}") == "input 'x' data holds an object, not an INT64 value");
  CHECK(refusal(R"({"inputs":[{"name":"x","datatype":"INT64","shape":[)" + nested + "]}]}") ==
        "input 'x' shape holds an array");
  CHECK(refusal(R"({"id":)" + nested + R"(,"inputs":[]})") == "'id' must be a string");
}

TEST_CASE("grpc: contents and raw_input_contents become the same inputs") {
  inference::ModelInferRequest request;
  request.set_model_name("m");
  auto* in = request.add_inputs();
  in->set_name("input_ids");
  in->set_datatype("INT64");
  in->add_shape(2);
  in->mutable_contents()->add_int64_contents(4);
  in->mutable_contents()->add_int64_contents(6);
  request.add_outputs()->set_name("o");
  InferCall call;
  REQUIRE(decode_grpc_infer(request, &call).ok());
  CHECK(call.model_name == "m");
  CHECK(call.inputs[0].values == std::vector<int64_t>{4, 6});
  CHECK(call.requested_outputs == std::vector<std::string>{"o"});

  in->clear_contents();
  request.add_raw_input_contents(int64_bytes({4, 6}));
  REQUIRE(decode_grpc_infer(request, &call).ok());
  CHECK(call.inputs[0].values == std::vector<int64_t>{4, 6});
}

TEST_CASE("grpc: malformed parts are named") {
  inference::ModelInferRequest request;
  auto* in = request.add_inputs();
  in->set_name("x");
  in->set_datatype("INT64");
  request.add_raw_input_contents(std::string(12, '\0'));
  InferCall call;
  Status status = decode_grpc_infer(request, &call);
  CHECK(status.code == StatusCode::kInvalidArgument);
  CHECK(status.message == "input 'x' raw contents are 12 bytes, not a multiple of 8");

  in->mutable_contents()->add_int64_contents(1);
  CHECK(decode_grpc_infer(request, &call).message ==
        "input 'x' has contents and raw_input_contents");

  request.add_raw_input_contents("");
  CHECK(decode_grpc_infer(request, &call).message ==
        "raw_input_contents has 2 entries for 1 inputs");

  inference::ModelInferRequest text;
  auto* t = text.add_inputs();
  t->set_name("text");
  t->set_datatype("BYTES");
  text.add_raw_input_contents(std::string("\x09\0\0\0abc", 7));
  CHECK(decode_grpc_infer(text, &call).message ==
        "input 'text' BYTES element of 9 bytes runs past its data");
}

}  // namespace
}  // namespace minirt::serve
