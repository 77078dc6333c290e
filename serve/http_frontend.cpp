#include "serve/http_frontend.h"

#include <httplib.h>
#include <sys/socket.h>

#include <nlohmann/json.hpp>

#include "serve/http_infer_decode.h"
#include "serve/http_peer.h"
#include "serve/log.h"
#include "serve/model_metadata.h"

namespace minirt::serve {

namespace {

using nlohmann::json;

int http_status(StatusCode code) {
  switch (code) {
    case StatusCode::kOk:
      return 200;
    case StatusCode::kInvalidArgument:
      return 400;
    case StatusCode::kNotFound:
      return 404;
    case StatusCode::kQueueFull:
    case StatusCode::kUnavailable:
      return 503;
    case StatusCode::kDeadlineExceeded:
      return 504;
    case StatusCode::kCancelled:
      return 499;  // nginx's "client closed request": nobody reads it
    case StatusCode::kInternal:
      break;
  }
  return 500;
}

void send_json(httplib::Response& res, int status, const json& body) {
  res.status = status;
  res.set_content(body.dump(-1, ' ', false, json::error_handler_t::replace), "application/json");
}

void send_error(httplib::Response& res, int status, const std::string& message) {
  send_json(res, status, {{"error", message}});
}

void send_infer_result(httplib::Response& res, const HttpInferRequest& request,
                       const std::string& model_name, const InferResult& result) {
  json body = {
      {"model_name", model_name}, {"model_version", kModelVersion}, {"outputs", json::array()}};
  if (request.id) body["id"] = *request.id;
  std::string binary;
  for (const OutputTensor& out : result.outputs) {
    json t = {{"name", out.name}, {"datatype", "FP32"}, {"shape", out.shape}};
    if (request.wants_binary(out.name)) {
      const size_t n = out.data.size() * sizeof(float);
      t["parameters"] = {{"binary_data_size", n}};
      binary.append(reinterpret_cast<const char*>(out.data.data()), n);
    } else {
      t["data"] = out.data;
    }
    body["outputs"].push_back(std::move(t));
  }
  const std::string text = body.dump(-1, ' ', false, json::error_handler_t::replace);
  res.status = 200;
  if (binary.empty()) {
    res.set_content(text, "application/json");
  } else {
    res.set_header(kHeaderLengthField, std::to_string(text.size()));
    res.set_content(text + binary, "application/octet-stream");
  }
}

const ServedModel* find_model(const InferenceService& service, const httplib::Request& req,
                              httplib::Response& res) {
  const std::string name = req.matches[1];
  const std::string version = req.matches.size() > 2 ? std::string(req.matches[2]) : "";
  const ServedModel* model = service.repository().find(name);
  if (model == nullptr) {
    send_error(res, 404, "unknown model '" + name + "'");
    return nullptr;
  }
  if (!version_served(version)) {
    send_error(
        res, 404,
        "model '" + name + "' has no version '" + version + "' (it has " + kModelVersion + ")");
    return nullptr;
  }
  return model;
}

json tensor_json(const std::vector<TensorMetadata>& tensors) {
  json out = json::array();
  for (const TensorMetadata& t : tensors)
    out.push_back({{"name", t.name}, {"datatype", t.datatype}, {"shape", t.shape}});
  return out;
}

}  // namespace

HttpFrontend::HttpFrontend(InferenceService& service, const HttpOptions& options)
    : server_(std::make_unique<httplib::Server>()) {
  httplib::Server& s = *server_;
  const int threads = options.threads;
  s.new_task_queue = [threads] { return new httplib::ThreadPool(static_cast<size_t>(threads)); };
  s.set_payload_max_length(options.max_request_bytes);
  // An idle keep-alive connection holds a worker; at shutdown, the drain
  // waits for it to time out. Clients keep a connection for the announced
  // timeout (Keep-Alive: timeout=2) less a margin; Node's fetch (undici 6)
  // subtracts 2 s, so it opens a connection per request.
  s.set_keep_alive_timeout(2);
  const std::string model_path = R"(/v2/models/([^/]+)(?:/versions/([^/]+))?)";

  s.Get("/v2/health/live", [](const httplib::Request&, httplib::Response& res) {
    send_json(res, 200, {{"live", true}});
  });
  s.Get("/v2/health/ready", [&service](const httplib::Request&, httplib::Response& res) {
    send_json(res, service.ready() ? 200 : 503, {{"ready", service.ready()}});
  });
  s.Get("/v2", [](const httplib::Request&, httplib::Response& res) {
    send_json(res, 200,
              {{"name", kServerName}, {"version", server_version()}, {"extensions", kExtensions}});
  });
  s.Get(model_path, [&service](const httplib::Request& req, httplib::Response& res) {
    const ServedModel* model = find_model(service, req, res);
    if (model == nullptr) return;
    send_json(res, 200,
              {{"name", model->name},
               {"versions", {kModelVersion}},
               {"platform", kPlatform},
               {"inputs", tensor_json(input_metadata(*model))},
               {"outputs", tensor_json(output_metadata(*model))}});
  });
  s.Get(model_path + "/ready", [&service](const httplib::Request& req, httplib::Response& res) {
    const ServedModel* model = find_model(service, req, res);
    if (model == nullptr) return;
    send_json(res, service.ready() ? 200 : 503,
              {{"name", model->name}, {"ready", service.ready()}});
  });
  s.Get("/metrics", [&service](const httplib::Request&, httplib::Response& res) {
    res.set_content(service.metrics().prometheus_text(), "text/plain; version=0.0.4");
  });
  s.Post(model_path + "/infer", [&service](const httplib::Request& req, httplib::Response& res) {
    const std::string name = req.matches[1];
    const std::string version = req.matches.size() > 2 ? std::string(req.matches[2]) : "";
    const std::string header_length = req.get_header_value(kHeaderLengthField);
    HttpInferRequest request;
    const Status decoded = decode_http_infer(
        req.body, req.has_header(kHeaderLengthField) ? &header_length : nullptr, name, &request);
    if (!decoded.ok()) {
      // A model the server does not have is reported as such before the body.
      const bool known = service.repository().find(name) != nullptr;
      service.metrics().failure(known ? name : "",
                                known ? StatusCode::kInvalidArgument : StatusCode::kNotFound);
      if (!known) return send_error(res, 404, "unknown model '" + name + "'");
      return send_error(res, 400, decoded.message);
    }
    if (!version_served(version))
      return send_error(res, 404, "model '" + name + "' has no version '" + version + "'");
    HttpPeer peer(req.local_port, req.remote_port);
    request.call.client_gone = [&peer] { return peer.gone(); };
    const InferResult result = service.infer(std::move(request.call), "http");
    if (!result.status.ok())
      return send_error(res, http_status(result.status.code), result.status.message);
    send_infer_result(res, request, name, result);
  });
  // Errors cpp-httplib raises itself (no route: 404, body over the limit:
  // 413, unparsable request: 400) get the protocol's error body too.
  s.set_error_handler(
      httplib::Server::HandlerWithResponse([](const httplib::Request& req, httplib::Response& res) {
        if (!res.body.empty()) return httplib::Server::HandlerResponse::Unhandled;
        const std::string message = res.status == 413 ? "request body over the size limit"
                                    : res.status == 404
                                        ? "no such endpoint: " + req.method + " " + req.path
                                        : "bad request";
        send_error(res, res.status, message);
        return httplib::Server::HandlerResponse::Handled;
      }));
  s.set_exception_handler(
      [](const httplib::Request&, httplib::Response& res, std::exception_ptr ep) {
        std::string message = "internal error";
        try {
          std::rethrow_exception(ep);
        } catch (const std::exception& e) {
          message = e.what();
        } catch (...) {
        }
        log_event("error", "http_handler_exception", {{"message", message}});
        send_error(res, 500, message);
      });
  // Answers go out at once: cpp-httplib sends a response's headers and body
  // in two writes, and Nagle's algorithm may hold the second until the first
  // is acknowledged (a round trip, or the peer's delayed ACK). On loopback
  // the ACK comes at once and it made no measurable difference. Accepted
  // sockets inherit the option from the listening one.
  s.set_tcp_nodelay(true);
  // Debian's cpp-httplib is built to listen with a backlog of 5. Clients
  // reconnect after an answer (Node's fetch after each, see above; any
  // client after 5 requests, cpp-httplib's keep-alive count), and a batch
  // answers many at once: past the backlog the kernel drops their SYNs, and
  // each waits out TCP's 1 s SYN retransmission (the p99 of about 1.1 s
  // under load). Its socket-options hook is handed the listening socket;
  // once bound, a second listen() raises the backlog to the system's limit.
  int listener = -1;
  s.set_socket_options([&listener](socket_t sock) {
    httplib::default_socket_options(sock);
    listener = sock;
  });
  port_ = options.port == 0 ? s.bind_to_any_port(options.host)
                            : (s.bind_to_port(options.host, options.port) ? options.port : -1);
  s.set_socket_options(httplib::default_socket_options);  // `listener` goes out of scope
  if (port_ < 0 || ::listen(listener, SOMAXCONN) != 0)
    throw Error("cannot listen for HTTP on " + options.host + ":" + std::to_string(options.port));
}

HttpFrontend::~HttpFrontend() = default;

void HttpFrontend::serve() { server_->listen_after_bind(); }

void HttpFrontend::stop() { server_->stop(); }

}  // namespace minirt::serve
