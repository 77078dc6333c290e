// The Open Inference Protocol's gRPC service (serve/proto/open_inference.proto)
// on libgrpc++'s synchronous server. Infer answers with raw_output_contents
// (little-endian FP32, as Triton does) and takes int64_contents or
// raw_input_contents.
#pragma once

#include <cstddef>
#include <memory>
#include <string>

#include "serve/inference_service.h"

namespace grpc {
class Server;
}

namespace minirt::serve {

struct GrpcOptions {
  std::string host = "0.0.0.0";
  int port = 8001;  // 0: any free port
  size_t max_request_bytes = size_t{64} << 20;
};

class GrpcFrontend {
 public:
  GrpcFrontend(InferenceService& service, const GrpcOptions& options);
  ~GrpcFrontend();
  int port() const { return port_; }
  // Stops accepting and waits for the calls in flight, cancelling those still
  // running after `grace`.
  void stop(std::chrono::milliseconds grace);

 private:
  class Service;
  std::unique_ptr<Service> service_;
  std::unique_ptr<grpc::Server> server_;
  int port_ = 0;
};

}  // namespace minirt::serve
