// The Open Inference Protocol's HTTP/REST API on cpp-httplib: health, server
// and model metadata, model ready, infer (JSON, and the binary tensor data
// extension), plus Prometheus /metrics. Errors are {"error": "..."} bodies.
#pragma once

#include <cstddef>
#include <memory>
#include <string>

#include "serve/inference_service.h"

namespace httplib {
class Server;
}

namespace minirt::serve {

struct HttpOptions {
  std::string host = "0.0.0.0";
  int port = 8000;  // 0: any free port
  int threads = 64;
  size_t max_request_bytes = size_t{64} << 20;
};

class HttpFrontend {
 public:
  HttpFrontend(InferenceService& service, const HttpOptions& options);
  ~HttpFrontend();
  int port() const { return port_; }  // the bound port
  // Serves until stop(); call from its own thread.
  void serve();
  // Stops accepting; requests in flight finish first.
  void stop();

 private:
  std::unique_ptr<httplib::Server> server_;
  int port_ = 0;
};

}  // namespace minirt::serve
