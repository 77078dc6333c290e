#include "serve/grpc_frontend.h"

#include <grpcpp/grpcpp.h>

#include "open_inference.grpc.pb.h"
#include "serve/grpc_infer_decode.h"
#include "serve/model_metadata.h"

namespace minirt::serve {

namespace {

grpc::StatusCode grpc_code(StatusCode code) {
  switch (code) {
    case StatusCode::kOk:
      return grpc::StatusCode::OK;
    case StatusCode::kInvalidArgument:
      return grpc::StatusCode::INVALID_ARGUMENT;
    case StatusCode::kNotFound:
      return grpc::StatusCode::NOT_FOUND;
    case StatusCode::kQueueFull:
      return grpc::StatusCode::RESOURCE_EXHAUSTED;
    case StatusCode::kUnavailable:
      return grpc::StatusCode::UNAVAILABLE;
    case StatusCode::kDeadlineExceeded:
      return grpc::StatusCode::DEADLINE_EXCEEDED;
    case StatusCode::kCancelled:
      return grpc::StatusCode::CANCELLED;
    case StatusCode::kInternal:
      break;
  }
  return grpc::StatusCode::INTERNAL;
}

void fill_tensors(
    const std::vector<TensorMetadata>& from,
    google::protobuf::RepeatedPtrField<inference::ModelMetadataResponse::TensorMetadata>* to) {
  for (const TensorMetadata& t : from) {
    auto* m = to->Add();
    m->set_name(t.name);
    m->set_datatype(t.datatype);
    for (const int64_t d : t.shape) m->add_shape(d);
  }
}

}  // namespace

class GrpcFrontend::Service final : public inference::GRPCInferenceService::Service {
 public:
  explicit Service(InferenceService& service) : service_(service) {}

  grpc::Status ServerLive(grpc::ServerContext*, const inference::ServerLiveRequest*,
                          inference::ServerLiveResponse* response) override {
    response->set_live(true);
    return grpc::Status::OK;
  }

  grpc::Status ServerReady(grpc::ServerContext*, const inference::ServerReadyRequest*,
                           inference::ServerReadyResponse* response) override {
    response->set_ready(service_.ready());
    return grpc::Status::OK;
  }

  grpc::Status ModelReady(grpc::ServerContext*, const inference::ModelReadyRequest* request,
                          inference::ModelReadyResponse* response) override {
    const grpc::Status status = check_model(request->name(), request->version());
    if (!status.ok()) return status;
    response->set_ready(service_.ready());
    return grpc::Status::OK;
  }

  grpc::Status ServerMetadata(grpc::ServerContext*, const inference::ServerMetadataRequest*,
                              inference::ServerMetadataResponse* response) override {
    response->set_name(kServerName);
    response->set_version(server_version());
    for (const std::string& e : kExtensions) response->add_extensions(e);
    return grpc::Status::OK;
  }

  grpc::Status ModelMetadata(grpc::ServerContext*, const inference::ModelMetadataRequest* request,
                             inference::ModelMetadataResponse* response) override {
    const grpc::Status status = check_model(request->name(), request->version());
    if (!status.ok()) return status;
    const ServedModel& model = *service_.repository().find(request->name());
    response->set_name(model.name);
    // Appended: GCC 12 warns falsely (-Wrestrict) on the generated
    // add_versions(const char*) once inlined.
    response->add_versions()->append(kModelVersion);
    response->set_platform(kPlatform);
    fill_tensors(input_metadata(model), response->mutable_inputs());
    fill_tensors(output_metadata(model), response->mutable_outputs());
    return grpc::Status::OK;
  }

  grpc::Status ModelInfer(grpc::ServerContext* context, const inference::ModelInferRequest* request,
                          inference::ModelInferResponse* response) override {
    if (!version_served(request->model_version()))
      return {grpc::StatusCode::NOT_FOUND, "model '" + request->model_name() +
                                               "' has no version '" + request->model_version() +
                                               "'"};
    InferCall call;
    const Status decoded = decode_grpc_infer(*request, &call);
    if (!decoded.ok()) {
      const bool known = service_.repository().find(request->model_name()) != nullptr;
      service_.metrics().failure(known ? request->model_name() : "",
                                 known ? StatusCode::kInvalidArgument : StatusCode::kNotFound);
      if (!known)
        return {grpc::StatusCode::NOT_FOUND, "unknown model '" + request->model_name() + "'"};
      return {grpc_code(decoded.code), decoded.message};
    }
    if (context->deadline() != std::chrono::system_clock::time_point::max())
      call.deadline = Clock::now() + (context->deadline() - std::chrono::system_clock::now());
    call.client_gone = [context] { return context->IsCancelled(); };
    const InferResult result = service_.infer(std::move(call), "grpc");
    if (!result.status.ok()) return {grpc_code(result.status.code), result.status.message};
    response->set_model_name(request->model_name());
    response->set_model_version(kModelVersion);
    response->set_id(request->id());
    for (const OutputTensor& out : result.outputs) {
      auto* t = response->add_outputs();
      t->set_name(out.name);
      t->set_datatype("FP32");
      for (const int64_t d : out.shape) t->add_shape(d);
      response->add_raw_output_contents(reinterpret_cast<const char*>(out.data.data()),
                                        out.data.size() * sizeof(float));
    }
    return grpc::Status::OK;
  }

 private:
  grpc::Status check_model(const std::string& name, const std::string& version) const {
    if (service_.repository().find(name) == nullptr)
      return {grpc::StatusCode::NOT_FOUND, "unknown model '" + name + "'"};
    if (!version_served(version))
      return {grpc::StatusCode::NOT_FOUND, "model '" + name + "' has no version '" + version + "'"};
    return grpc::Status::OK;
  }

  InferenceService& service_;
};

GrpcFrontend::GrpcFrontend(InferenceService& service, const GrpcOptions& options)
    : service_(std::make_unique<Service>(service)) {
  grpc::ServerBuilder builder;
  const std::string address = options.host + ":" + std::to_string(options.port);
  builder.AddListeningPort(address, grpc::InsecureServerCredentials(), &port_);
  builder.SetMaxReceiveMessageSize(static_cast<int>(options.max_request_bytes));
  builder.SetMaxSendMessageSize(-1);
  builder.RegisterService(service_.get());
  server_ = builder.BuildAndStart();
  if (server_ == nullptr || port_ == 0) throw Error("cannot listen for gRPC on " + address);
}

GrpcFrontend::~GrpcFrontend() = default;

void GrpcFrontend::stop(std::chrono::milliseconds grace) {
  server_->Shutdown(std::chrono::system_clock::now() + grace);
  server_->Wait();
}

}  // namespace minirt::serve
