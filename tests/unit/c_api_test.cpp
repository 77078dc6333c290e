// The C API (minirt_c.h), through nothing but that header: every function on
// its success path and on each of its error paths. c_api_header_check.c
// compiles the header as C.
#include <doctest/doctest.h>

#include <cstdio>
#include <string>
#include <thread>
#include <vector>

#include "minirt/minirt_c.h"
#include "tests/unit/tiny_model_writer.h"

extern "C" int minirt_c_header_check(const char* model_path);

namespace {

// The tiny model (tiny_model_writer.h): max batch 2, max seq 8, vocab 10, one
// output "out" [batch, seq, 3] that is 1.5 everywhere.
const std::vector<uint8_t>& tiny_bytes() {
  static const std::vector<uint8_t> bytes = minirt::test::serialize(minirt::test::valid_spec());
  return bytes;
}
const std::string& tiny_path() {
  static const std::string path = minirt::test::write_temp(tiny_bytes(), "c_api");
  return path;
}

// A failed call's code and message; the status is freed.
struct Failure {
  minirt_code code = MINIRT_OK;
  std::string message;
};
Failure failure(minirt_status* status) {
  Failure f{minirt_status_code(status), minirt_status_message(status)};
  minirt_status_free(status);
  return f;
}

// Checks that a call succeeded, printing its message when it did not.
void require_ok(minirt_status* status) {
  const Failure f = failure(status);
  INFO(f.message);
  REQUIRE(f.code == MINIRT_OK);
}

minirt_model* load_tiny() {
  minirt_model* model = nullptr;
  require_ok(minirt_model_load(tiny_path().c_str(), &model));
  REQUIRE(model != nullptr);
  return model;
}

minirt_session* make_session(const minirt_model* model,
                             const minirt_session_options* options = nullptr) {
  minirt_session* session = nullptr;
  require_ok(minirt_session_create(model, options, &session));
  REQUIRE(session != nullptr);
  return session;
}

// Runs ids [batch, seq] (values 1..9) and checks the one output: "out",
// [batch, seq, 3], all 1.5.
void run_and_check(minirt_session* session, int64_t batch, int64_t seq) {
  std::vector<int64_t> ids(static_cast<size_t>(batch * seq));
  for (size_t i = 0; i < ids.size(); ++i) ids[i] = 1 + static_cast<int64_t>(i % 9);
  require_ok(minirt_session_run_padded(session, ids.data(), nullptr, nullptr, batch, seq));
  size_t count = 0;
  require_ok(minirt_session_output_count(session, &count));
  REQUIRE(count == 1);
  const char* name = nullptr;
  const float* data = nullptr;
  int rank = 0;
  const int64_t* shape = nullptr;
  require_ok(minirt_session_output(session, 0, &name, &data, &rank, &shape));
  CHECK(std::string(name) == "out");
  REQUIRE(rank == 3);
  CHECK(shape[0] == batch);
  CHECK(shape[1] == seq);
  CHECK(shape[2] == 3);
  for (int64_t i = 0; i < batch * seq * 3; ++i) REQUIRE(data[i] == 1.5f);
}

}  // namespace

TEST_CASE("versions: the header's macros and the library agree") {
  CHECK(minirt_version() == MINIRT_VERSION);
  char expected[32];
  std::snprintf(expected, sizeof expected, "%d.%d.%d", MINIRT_VERSION_MAJOR, MINIRT_VERSION_MINOR,
                MINIRT_VERSION_PATCH);
  CHECK(std::string(minirt_version_string()) == expected);
}

TEST_CASE("status: NULL is success; a failure carries its code and message until freed") {
  CHECK(minirt_status_code(nullptr) == MINIRT_OK);
  CHECK(std::string(minirt_status_message(nullptr)).empty());
  minirt_status_free(nullptr);
  minirt_model* model = nullptr;
  minirt_status* status = minirt_model_load(nullptr, &model);
  REQUIRE(status != nullptr);
  CHECK(minirt_status_code(status) == MINIRT_INVALID_ARGUMENT);
  CHECK(std::string(minirt_status_message(status)) == "minirt_model_load: path must not be NULL");
  minirt_status_free(status);
}

TEST_CASE("precisions: names, support, values outside the enum") {
  CHECK(std::string(minirt_precision_name(MINIRT_PRECISION_FP32)) == "fp32");
  CHECK(std::string(minirt_precision_name(MINIRT_PRECISION_BF16)) == "bf16");
  CHECK(std::string(minirt_precision_name(MINIRT_PRECISION_INT8)) == "int8");
  CHECK(minirt_precision_name(static_cast<minirt_precision>(7)) == nullptr);
  CHECK(minirt_precision_supported(MINIRT_PRECISION_FP32) == 1);
  CHECK(minirt_precision_supported(static_cast<minirt_precision>(7)) == 0);
  const int bf16 = minirt_precision_supported(MINIRT_PRECISION_BF16);
  CHECK((bf16 == 0 || bf16 == 1));
}

TEST_CASE("model load from a path: success, limits, and every error") {
  minirt_model* model = load_tiny();
  int64_t max_batch = 0, max_seq = 0;
  require_ok(minirt_model_limits(model, &max_batch, &max_seq));
  CHECK(max_batch == 2);
  CHECK(max_seq == 8);
  require_ok(minirt_model_limits(model, nullptr, &max_seq));  // either out may be NULL
  minirt_model_release(model);
  minirt_model_release(nullptr);

  minirt_model* out = reinterpret_cast<minirt_model*>(&max_batch);  // must come back NULL
  const Failure missing = failure(minirt_model_load("/nonexistent/model.fb", &out));
  CHECK(missing.code == MINIRT_FAILED);
  CHECK(missing.message.find("/nonexistent/model.fb") != std::string::npos);
  CHECK(out == nullptr);
  CHECK(failure(minirt_model_load(tiny_path().c_str(), nullptr)).message ==
        "minirt_model_load: out must not be NULL");
  max_batch = 5;
  CHECK(failure(minirt_model_limits(nullptr, &max_batch, nullptr)).code == MINIRT_INVALID_ARGUMENT);
  CHECK(max_batch == 0);
}

TEST_CASE("model load from bytes: success, bad bytes, NULL arguments") {
  std::vector<uint8_t> bytes = tiny_bytes();
  minirt_model* model = nullptr;
  require_ok(minirt_model_load_from_memory(bytes.data(), bytes.size(), "tiny", &model));
  bytes.assign(bytes.size(), 0);  // the model holds its own copy
  minirt_session* session = make_session(model);
  run_and_check(session, 2, 8);
  minirt_session_release(session);
  minirt_model_release(model);

  require_ok(minirt_model_load_from_memory(tiny_bytes().data(), tiny_bytes().size(), nullptr,
                                           &model));  // NULL name: "<memory>"
  minirt_model_release(model);

  const std::vector<uint8_t> garbage(256, 0xab);
  const Failure bad =
      failure(minirt_model_load_from_memory(garbage.data(), garbage.size(), "garbage.fb", &model));
  CHECK(bad.code == MINIRT_FAILED);
  CHECK(bad.message.find("garbage.fb") != std::string::npos);
  CHECK(model == nullptr);
  const Failure unnamed =
      failure(minirt_model_load_from_memory(garbage.data(), garbage.size(), nullptr, &model));
  CHECK(unnamed.message.find("<memory>") != std::string::npos);
  CHECK(failure(minirt_model_load_from_memory(garbage.data(), 0, "empty", &model)).code ==
        MINIRT_FAILED);
  CHECK(failure(minirt_model_load_from_memory(nullptr, 10, "x", &model)).message ==
        "minirt_model_load_from_memory: bytes must not be NULL");
  CHECK(failure(minirt_model_load_from_memory(garbage.data(), 10, "x", nullptr)).code ==
        MINIRT_INVALID_ARGUMENT);
}

TEST_CASE("session options: every setter, bad values, NULL options") {
  minirt_session_options* options = nullptr;
  require_ok(minirt_session_options_create(&options));
  require_ok(minirt_session_options_set_threads(options, 2));
  require_ok(minirt_session_options_set_precision(options, MINIRT_PRECISION_FP32));
  require_ok(minirt_session_options_set_precision_name(options, "fp32"));
  require_ok(minirt_session_options_set_device(options, MINIRT_DEVICE_CPU));
  minirt_model* model = load_tiny();
  minirt_session* session = make_session(model, options);
  minirt_session_options_release(options);  // the session copied them
  run_and_check(session, 1, 5);
  minirt_session_release(session);

  require_ok(minirt_session_options_create(&options));
  const Failure unknown_name = failure(minirt_session_options_set_precision_name(options, "fp16"));
  CHECK(unknown_name.code == MINIRT_INVALID_ARGUMENT);
  CHECK(unknown_name.message.find("'fp16'") != std::string::npos);
  CHECK(failure(minirt_session_options_set_precision(options, static_cast<minirt_precision>(3)))
            .code == MINIRT_INVALID_ARGUMENT);
  CHECK(failure(minirt_session_options_set_device(options, static_cast<minirt_device>(2))).code ==
        MINIRT_INVALID_ARGUMENT);
  CHECK(failure(minirt_session_options_set_precision_name(options, nullptr)).code ==
        MINIRT_INVALID_ARGUMENT);
  for (minirt_status* status :
       {minirt_session_options_set_threads(nullptr, 1),
        minirt_session_options_set_precision(nullptr, MINIRT_PRECISION_FP32),
        minirt_session_options_set_precision_name(nullptr, "fp32"),
        minirt_session_options_set_device(nullptr, MINIRT_DEVICE_CPU),
        minirt_session_options_create(nullptr)})
    CHECK(failure(status).code == MINIRT_INVALID_ARGUMENT);

  // The values a setter accepts and the session refuses: the runtime's error.
  minirt_session* refused = reinterpret_cast<minirt_session*>(options);
  require_ok(minirt_session_options_set_threads(options, 0));
  const Failure threads = failure(minirt_session_create(model, options, &refused));
  CHECK(threads.code == MINIRT_FAILED);
  CHECK(threads.message.find("threads") != std::string::npos);
  CHECK(refused == nullptr);
  require_ok(minirt_session_options_set_threads(options, 1));
  // CUDA with a CPU-only precision: refused by every build and machine
  // (tests/cuda/cuda_no_device_check.cpp covers CUDA on a machine without a GPU).
  require_ok(minirt_session_options_set_device(options, MINIRT_DEVICE_CUDA));
  require_ok(minirt_session_options_set_precision(options, MINIRT_PRECISION_BF16));
  CHECK(failure(minirt_session_create(model, options, &refused)).code == MINIRT_FAILED);
  require_ok(minirt_session_options_set_device(options, MINIRT_DEVICE_CPU));
  for (minirt_precision precision : {MINIRT_PRECISION_BF16, MINIRT_PRECISION_INT8}) {
    require_ok(minirt_session_options_set_precision(options, precision));
    const Failure f = failure(minirt_session_create(model, options, &refused));
    // A precision this CPU lacks is refused, never run as fp32.
    CHECK(f.code == (minirt_precision_supported(precision) ? MINIRT_OK : MINIRT_FAILED));
    minirt_session_release(refused);
  }
  minirt_session_options_release(options);
  minirt_session_options_release(nullptr);
  minirt_model_release(model);
}

TEST_CASE("sessions: padded runs, output views, bad shapes and NULL arguments") {
  minirt_model* model = load_tiny();
  minirt_session* session = make_session(model);
  size_t count = 7;
  require_ok(minirt_session_output_count(session, &count));
  CHECK(count == 0);  // no run yet
  run_and_check(session, 2, 8);
  run_and_check(session, 1, 1);

  // Explicit masks and type ids.
  const int64_t ids[] = {1, 2, 3, 4, 5, 6};
  const int64_t mask[] = {1, 1, 1, 1, 0, 0};
  const int64_t types[] = {0, 0, 1, 1, 1, 1};
  require_ok(minirt_session_run_padded(session, ids, mask, types, 2, 3));
  const float* data = nullptr;
  require_ok(minirt_session_output(session, 0, nullptr, &data, nullptr, nullptr));
  CHECK(data != nullptr);

  // Shapes and values the model refuses: no outputs afterwards.
  const std::vector<int64_t> many(64, 1);
  CHECK(failure(minirt_session_run_padded(session, many.data(), nullptr, nullptr, 3, 2)).code ==
        MINIRT_FAILED);  // batch past max_batch 2
  require_ok(minirt_session_output_count(session, &count));
  CHECK(count == 0);
  const Failure long_seq =
      failure(minirt_session_run_padded(session, many.data(), nullptr, nullptr, 1, 9));
  CHECK(long_seq.code == MINIRT_FAILED);  // seq past max_seq 8
  CHECK(!long_seq.message.empty());
  const int64_t out_of_vocab[] = {1, 10};
  CHECK(failure(minirt_session_run_padded(session, out_of_vocab, nullptr, nullptr, 1, 2)).code ==
        MINIRT_FAILED);
  const int64_t bad_mask[] = {1, 2};
  CHECK(failure(minirt_session_run_padded(session, ids, bad_mask, nullptr, 1, 2)).code ==
        MINIRT_FAILED);
  CHECK(failure(minirt_session_run_padded(session, ids, nullptr, nullptr, 0, 2)).code ==
        MINIRT_INVALID_ARGUMENT);
  CHECK(failure(minirt_session_run_padded(session, ids, nullptr, nullptr, 1, -1)).code ==
        MINIRT_INVALID_ARGUMENT);
  CHECK(failure(minirt_session_run_padded(session, nullptr, nullptr, nullptr, 1, 2)).code ==
        MINIRT_INVALID_ARGUMENT);
  CHECK(failure(minirt_session_run_padded(nullptr, ids, nullptr, nullptr, 1, 2)).code ==
        MINIRT_INVALID_ARGUMENT);
  run_and_check(session, 1, 2);  // the session works again after errors

  const char* name = "stale";
  const Failure past_end =
      failure(minirt_session_output(session, 1, &name, &data, nullptr, nullptr));
  CHECK(past_end.code == MINIRT_INVALID_ARGUMENT);
  CHECK(past_end.message.find("index 1") != std::string::npos);
  CHECK(name == nullptr);
  CHECK(data == nullptr);
  CHECK(failure(minirt_session_output(nullptr, 0, &name, nullptr, nullptr, nullptr)).code ==
        MINIRT_INVALID_ARGUMENT);
  CHECK(failure(minirt_session_output_count(nullptr, &count)).code == MINIRT_INVALID_ARGUMENT);
  CHECK(failure(minirt_session_output_count(session, nullptr)).code == MINIRT_INVALID_ARGUMENT);
  minirt_session* none = nullptr;
  CHECK(failure(minirt_session_create(nullptr, nullptr, &none)).code == MINIRT_INVALID_ARGUMENT);
  CHECK(failure(minirt_session_create(model, nullptr, nullptr)).code == MINIRT_INVALID_ARGUMENT);
  minirt_session_release(session);
  minirt_session_release(nullptr);
  minirt_model_release(model);
}

TEST_CASE("sessions: padding-free runs, the token budget, bad offsets and NULL arguments") {
  minirt_model* model = load_tiny();
  int64_t max_tokens = 0;
  require_ok(minirt_model_max_tokens(model, &max_tokens));
  CHECK(max_tokens == 16);  // a version-1 file: max batch 2 x max seq 8
  CHECK(failure(minirt_model_max_tokens(nullptr, &max_tokens)).code == MINIRT_INVALID_ARGUMENT);
  CHECK(failure(minirt_model_max_tokens(model, nullptr)).code == MINIRT_INVALID_ARGUMENT);
  minirt_session* session = make_session(model);
  // Three sequences (more than max batch 2) of 1, 5 and 2 tokens.
  const int64_t ids[] = {1, 2, 3, 4, 5, 6, 7, 8};
  const int64_t cu[] = {0, 1, 6, 8};
  const int64_t types[] = {0, 0, 1, 1, 1, 0, 0, 1};
  require_ok(minirt_session_run_ragged(session, ids, 8, cu, 3, types));
  require_ok(minirt_session_run_ragged(session, ids, 8, cu, 3, nullptr));
  const float* data = nullptr;
  int rank = 0;
  const int64_t* shape = nullptr;
  require_ok(minirt_session_output(session, 0, nullptr, &data, &rank, &shape));
  REQUIRE(rank == 2);  // [tokens, 3]
  CHECK(shape[0] == 8);
  CHECK(shape[1] == 3);
  for (int64_t i = 0; i < 8 * 3; ++i) REQUIRE(data[i] == 1.5f);

  const int64_t decreasing[] = {0, 6, 1, 8}, past_budget[] = {0, 8, 16, 17}, too_long[] = {0, 9};
  const Failure not_increasing =
      failure(minirt_session_run_ragged(session, ids, 8, decreasing, 3, nullptr));
  CHECK(not_increasing.code == MINIRT_FAILED);
  CHECK(not_increasing.message.find("cu_seqlens must increase") != std::string::npos);
  size_t count = 7;
  require_ok(minirt_session_output_count(session, &count));
  CHECK(count == 0);
  const Failure last = failure(minirt_session_run_ragged(session, ids, 7, cu, 3, nullptr));
  CHECK(last.message.find("the last offset cu_seqlens[3] is 8 but input_ids holds 7") !=
        std::string::npos);
  const std::vector<int64_t> many(17, 1);
  const Failure budget =
      failure(minirt_session_run_ragged(session, many.data(), 17, past_budget, 3, nullptr));
  CHECK(budget.message.find("17 tokens, above the model's token budget of 16") !=
        std::string::npos);
  const Failure long_seq =
      failure(minirt_session_run_ragged(session, many.data(), 9, too_long, 1, nullptr));
  CHECK(long_seq.message.find("above the model's max seq 8") != std::string::npos);
  CHECK(failure(minirt_session_run_ragged(session, ids, 8, cu, 0, nullptr)).code ==
        MINIRT_INVALID_ARGUMENT);  // an empty batch
  CHECK(failure(minirt_session_run_ragged(session, ids, 0, cu, 3, nullptr)).code ==
        MINIRT_INVALID_ARGUMENT);
  CHECK(failure(minirt_session_run_ragged(session, nullptr, 8, cu, 3, nullptr)).code ==
        MINIRT_INVALID_ARGUMENT);
  CHECK(failure(minirt_session_run_ragged(session, ids, 8, nullptr, 3, nullptr)).code ==
        MINIRT_INVALID_ARGUMENT);
  CHECK(failure(minirt_session_run_ragged(nullptr, ids, 8, cu, 3, nullptr)).code ==
        MINIRT_INVALID_ARGUMENT);
  require_ok(minirt_session_run_ragged(session, ids, 8, cu, 3, nullptr));  // works after errors
  minirt_session_release(session);
  minirt_model_release(model);
}

TEST_CASE("a session keeps its model alive after the caller releases the model handle") {
  minirt_model* model = load_tiny();
  minirt_session* first = make_session(model);
  minirt_session* second = make_session(model);
  minirt_model_release(model);  // the sessions still hold the model
  run_and_check(first, 2, 8);
  minirt_session_release(first);
  run_and_check(second, 1, 4);  // the last holder: the model goes with it
  minirt_session_release(second);
}

TEST_CASE("one model, a session per thread, runs at once") {
  minirt_model* model = load_tiny();
  std::vector<minirt_session*> sessions;
  for (int i = 0; i < 4; ++i) sessions.push_back(make_session(model));
  std::vector<minirt_code> codes(sessions.size(), MINIRT_INTERNAL);
  std::vector<std::thread> threads;
  for (size_t i = 0; i < sessions.size(); ++i)
    threads.emplace_back([&, i] {
      const int64_t ids[] = {1, 2, 3};
      minirt_code code = MINIRT_OK;
      for (int run = 0; run < 50 && code == MINIRT_OK; ++run)
        code = failure(minirt_session_run_padded(sessions[i], ids, nullptr, nullptr, 1, 3)).code;
      codes[i] = code;
    });
  for (std::thread& t : threads) t.join();
  for (size_t i = 0; i < sessions.size(); ++i) {
    CHECK(codes[i] == MINIRT_OK);
    run_and_check(sessions[i], 1, 3);
    minirt_session_release(sessions[i]);
  }
  minirt_model_release(model);
}

TEST_CASE("the header compiles as C, and a C translation unit runs a model") {
  CHECK(minirt_c_header_check(tiny_path().c_str()) == 1);  // one output
  CHECK(minirt_c_header_check("/nonexistent/model.fb") == -1);
}
