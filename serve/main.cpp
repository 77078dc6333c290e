// minirt-serve: the Open Inference Protocol (KServe v2) over HTTP and gRPC for
// every model in a directory, with dynamic batching per model.
//
//   minirt-serve --models DIR [--host 0.0.0.0] [--port 8000] [--grpc-port 8001]
//                [--http-threads 64] [--max-request-bytes 67108864] [--drain-timeout-s 30]
//
// SIGTERM or SIGINT: stop accepting, finish the requests in flight, exit 0
// (--drain-timeout-s bounds how long gRPC calls may still take to finish
// once the queues are empty).
#include <signal.h>

#include <cstdio>
#include <cstdlib>
#include <map>
#include <string>
#include <thread>

#include "serve/grpc_frontend.h"
#include "serve/http_frontend.h"
#include "serve/log.h"
#include "serve/model_metadata.h"

namespace minirt::serve {
namespace {

constexpr const char* kUsage =
    "usage: minirt-serve --models DIR [--host H] [--port P] [--grpc-port P] [--http-threads N]\n"
    "                    [--max-request-bytes N] [--drain-timeout-s S]\n"
    "  --port / --grpc-port 0 picks a free port (logged in the 'listening' line)\n";

struct Flags {
  std::map<std::string, std::string> values = {
      {"--host", "0.0.0.0"},      {"--port", "8000"},       {"--grpc-port", "8001"},
      {"--models", ""},           {"--http-threads", "64"}, {"--max-request-bytes", "67108864"},
      {"--drain-timeout-s", "30"}};

  long long integer(const std::string& flag, long long min, long long max) const {
    const std::string& text = values.at(flag);
    char* end = nullptr;
    const long long v = std::strtoll(text.c_str(), &end, 10);
    if (text.empty() || *end != '\0' || v < min || v > max)
      throw Error(flag + " must be an integer in [" + std::to_string(min) + ", " +
                  std::to_string(max) + "], got '" + text + "'");
    return v;
  }
};

Flags parse_flags(int argc, char** argv) {
  Flags flags;
  for (int i = 1; i < argc; ++i) {
    const std::string flag = argv[i];
    if (flag == "--help" || flag == "-h") {
      std::fputs(kUsage, stdout);
      std::exit(0);
    }
    if (!flags.values.count(flag)) throw Error("unknown flag '" + flag + "'");
    if (i + 1 >= argc) throw Error(flag + " needs a value");
    flags.values[flag] = argv[++i];
  }
  if (flags.values["--models"].empty()) throw Error("--models DIR is required");
  return flags;
}

int serve(const Flags& flags) {
  // The signals are taken by sigwait below; every thread started after this
  // inherits the mask, so none is interrupted by them.
  sigset_t stop_signals;
  sigemptyset(&stop_signals);
  sigaddset(&stop_signals, SIGTERM);
  sigaddset(&stop_signals, SIGINT);
  pthread_sigmask(SIG_BLOCK, &stop_signals, nullptr);
  signal(SIGPIPE, SIG_IGN);  // a client gone mid-write is an error return, not a death

  const size_t max_request_bytes =
      static_cast<size_t>(flags.integer("--max-request-bytes", 1024, int64_t{1} << 31));
  std::vector<LoadedModel> loaded = load_model_directory(flags.values.at("--models"));
  std::vector<std::string> names;
  for (const LoadedModel& m : loaded) names.push_back(m.name);
  Metrics metrics(names);
  ModelRepository repository(std::move(loaded), metrics);
  InferenceService service(repository, metrics);

  const std::string host = flags.values.at("--host");
  HttpFrontend http(service, {.host = host,
                              .port = static_cast<int>(flags.integer("--port", 0, 65535)),
                              .threads = static_cast<int>(flags.integer("--http-threads", 1, 4096)),
                              .max_request_bytes = max_request_bytes});
  GrpcFrontend grpc(service, {.host = host,
                              .port = static_cast<int>(flags.integer("--grpc-port", 0, 65535)),
                              .max_request_bytes = max_request_bytes});
  std::thread http_thread([&http] { http.serve(); });
  log_event("info", "listening",
            {{"http_port", http.port()},
             {"grpc_port", grpc.port()},
             {"host", host},
             {"models", repository.names()},
             {"version", server_version()}});

  int signal_number = 0;
  sigwait(&stop_signals, &signal_number);
  log_event("info", "shutdown_started",
            {{"signal", signal_number == SIGTERM ? "SIGTERM" : "SIGINT"}});
  // New inference requests get 503 / UNAVAILABLE and readiness turns false;
  // the batchers run what is queued at once (no waiting for company) and
  // stop; then the listeners close once every answer is written.
  service.stop_accepting();
  repository.drain();
  const auto grace = std::chrono::seconds(flags.integer("--drain-timeout-s", 0, 3600));
  http.stop();
  grpc.stop(std::chrono::duration_cast<std::chrono::milliseconds>(grace));
  http_thread.join();
  log_event("info", "shutdown_complete");
  return 0;
}

}  // namespace
}  // namespace minirt::serve

int main(int argc, char** argv) {
  try {
    return minirt::serve::serve(minirt::serve::parse_flags(argc, argv));
  } catch (const std::exception& e) {
    minirt::serve::log_event("error", "startup_failed", {{"message", e.what()}});
    std::fputs(minirt::serve::kUsage, stderr);
    return 2;
  }
}
