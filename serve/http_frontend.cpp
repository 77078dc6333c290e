#include "serve/http_frontend.h"

#include <httplib.h>

#include <cstring>
#include <nlohmann/json.hpp>

#include "serve/http_peer.h"
#include "serve/log.h"
#include "serve/model_metadata.h"

namespace minirt::serve {

namespace {

using nlohmann::json;

constexpr const char* kHeaderLengthField = "Inference-Header-Content-Length";

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

// The request's malformed parts are thrown as this and sent as 400.
struct BadRequest {
  std::string message;
};

// Appends every leaf of a (possibly nested) JSON array of integers. Nesting
// deeper than a [batch, seq] tensor could need is refused, not recursed into.
void flatten_int64(const json& data, const std::string& name, std::vector<int64_t>& out,
                   int depth = 0) {
  if (data.is_array()) {
    if (depth == 4) throw BadRequest{"input '" + name + "' data nests arrays too deeply"};
    for (const json& item : data) flatten_int64(item, name, out, depth + 1);
  } else if (data.is_number_integer()) {
    out.push_back(data.get<int64_t>());
  } else {
    throw BadRequest{"input '" + name + "' data holds " + data.dump() + ", not an INT64 value"};
  }
}

// The same for BYTES data: a (possibly nested) array of strings.
void flatten_strings(const json& data, const std::string& name, std::vector<std::string>& out,
                     int depth = 0) {
  if (data.is_array()) {
    if (depth == 4) throw BadRequest{"input '" + name + "' data nests arrays too deeply"};
    for (const json& item : data) flatten_strings(item, name, out, depth + 1);
  } else if (data.is_string()) {
    out.push_back(data.get<std::string>());
  } else {
    throw BadRequest{"input '" + name + "' data holds " + data.dump() + ", not a BYTES string"};
  }
}

const json* find_key(const json& object, const char* key) {
  const auto it = object.find(key);
  return it == object.end() ? nullptr : &*it;
}

// A parameter read as a bool or an unsigned integer; the JSON type is checked.
bool bool_parameter(const json& object, const char* key) {
  const json* params = find_key(object, "parameters");
  if (params == nullptr) return false;
  if (!params->is_object()) throw BadRequest{"'parameters' must be an object"};
  const json* value = find_key(*params, key);
  if (value == nullptr) return false;
  if (!value->is_boolean()) throw BadRequest{std::string("parameter '") + key + "' must be a bool"};
  return value->get<bool>();
}

const json* integer_parameter(const json& object, const char* key) {
  const json* params = find_key(object, "parameters");
  if (params == nullptr) return nullptr;
  if (!params->is_object()) throw BadRequest{"'parameters' must be an object"};
  const json* value = find_key(*params, key);
  if (value != nullptr && !value->is_number_unsigned())
    throw BadRequest{std::string("parameter '") + key + "' must be a non-negative integer"};
  return value;
}

std::string string_field(const json& object, const char* key, bool required) {
  const json* value = find_key(object, key);
  if (value == nullptr) {
    if (required) throw BadRequest{std::string("missing '") + key + "'"};
    return "";
  }
  if (!value->is_string()) throw BadRequest{std::string("'") + key + "' must be a string"};
  return value->get<std::string>();
}

// The request's JSON part and binary part (the binary tensor data extension).
struct InferBody {
  json header;
  std::string_view binary;
};

InferBody split_body(const httplib::Request& req) {
  InferBody body;
  std::string_view text = req.body;
  if (req.has_header(kHeaderLengthField)) {
    const std::string field = req.get_header_value(kHeaderLengthField);
    char* end = nullptr;
    const unsigned long long n = std::strtoull(field.c_str(), &end, 10);
    if (field.empty() || *end != '\0' || n > req.body.size())
      throw BadRequest{std::string(kHeaderLengthField) + " is '" + field + "' for a body of " +
                       std::to_string(req.body.size()) + " bytes"};
    text = std::string_view(req.body).substr(0, n);
    body.binary = std::string_view(req.body).substr(n);
  }
  try {
    body.header = json::parse(text);
  } catch (const json::exception& e) {
    throw BadRequest{std::string("malformed JSON: ") + e.what()};
  }
  if (!body.header.is_object()) throw BadRequest{"the request body must be a JSON object"};
  return body;
}

InferCall decode_infer(const InferBody& body, std::string model_name) {
  InferCall call;
  call.model_name = std::move(model_name);
  const json& h = body.header;
  const json* inputs = find_key(h, "inputs");
  if (inputs == nullptr || !inputs->is_array()) throw BadRequest{"'inputs' must be an array"};
  size_t binary_offset = 0;
  for (const json& in : *inputs) {
    if (!in.is_object()) throw BadRequest{"each input must be an object"};
    RawInput raw;
    raw.name = string_field(in, "name", true);
    raw.datatype = string_field(in, "datatype", true);
    const json* shape = find_key(in, "shape");
    if (shape == nullptr || !shape->is_array())
      throw BadRequest{"input '" + raw.name + "' needs a 'shape' array"};
    for (const json& d : *shape) {
      if (!d.is_number_integer() || d.get<int64_t>() < 0)
        throw BadRequest{"input '" + raw.name + "' shape holds " + d.dump()};
      raw.shape.push_back(d.get<int64_t>());
    }
    const json* binary_size = integer_parameter(in, "binary_data_size");
    const json* data = find_key(in, "data");
    if ((binary_size != nullptr) == (data != nullptr))
      throw BadRequest{"input '" + raw.name +
                       "' needs exactly one of 'data' and parameters.binary_data_size"};
    // Binary data: this input's bytes follow the previous inputs'.
    std::string_view binary;
    if (binary_size != nullptr) {
      const uint64_t n = binary_size->get<uint64_t>();
      if (n > body.binary.size() - binary_offset)
        throw BadRequest{"input '" + raw.name + "' binary_data_size " + std::to_string(n) +
                         " does not fit the " + std::to_string(body.binary.size() - binary_offset) +
                         " binary bytes left"};
      binary = body.binary.substr(binary_offset, n);
      binary_offset += n;
    }
    if (raw.datatype == "INT64") {
      if (data != nullptr) {
        flatten_int64(*data, raw.name, raw.values);
      } else {
        if (binary.size() % sizeof(int64_t) != 0)
          throw BadRequest{"input '" + raw.name + "' binary_data_size " +
                           std::to_string(binary.size()) + " is not a multiple of 8"};
        raw.values.resize(binary.size() / sizeof(int64_t));
        if (!binary.empty()) std::memcpy(raw.values.data(), binary.data(), binary.size());
      }
    } else if (raw.datatype == "BYTES") {
      if (data != nullptr)
        flatten_strings(*data, raw.name, raw.texts);
      else if (const Status split = split_bytes_elements(binary, raw.name, &raw.texts); !split.ok())
        throw BadRequest{split.message};
    }
    call.inputs.push_back(std::move(raw));
  }
  if (binary_offset != body.binary.size() && binary_offset != 0)
    throw BadRequest{std::to_string(body.binary.size() - binary_offset) +
                     " binary bytes follow the inputs' data"};
  if (const json* outputs = find_key(h, "outputs")) {
    if (!outputs->is_array()) throw BadRequest{"'outputs' must be an array"};
    for (const json& out : *outputs) {
      if (!out.is_object()) throw BadRequest{"each requested output must be an object"};
      call.requested_outputs.push_back(string_field(out, "name", true));
    }
  }
  // The Triton convention: parameters.timeout in microseconds.
  if (const json* timeout = integer_parameter(h, "timeout"))
    call.deadline = Clock::now() + std::chrono::microseconds(
                                       std::min<uint64_t>(timeout->get<uint64_t>(), 3600'000'000));
  return call;
}

// Which outputs go back as binary: those asking for it, or all when the
// request's parameters.binary_data_output is true.
bool wants_binary(const json& header, const std::string& name) {
  if (bool_parameter(header, "binary_data_output")) return true;
  if (const json* outputs = find_key(header, "outputs"))
    for (const json& out : *outputs)
      if (out.value("name", "") == name) return bool_parameter(out, "binary_data");
  return false;
}

void send_infer_result(httplib::Response& res, const json& request_header,
                       const std::string& model_name, const InferResult& result) {
  json body = {
      {"model_name", model_name}, {"model_version", kModelVersion}, {"outputs", json::array()}};
  if (const json* id = find_key(request_header, "id")) body["id"] = *id;
  std::string binary;
  for (const OutputTensor& out : result.outputs) {
    json t = {{"name", out.name}, {"datatype", "FP32"}, {"shape", out.shape}};
    if (wants_binary(request_header, out.name)) {
      const size_t n = out.data.size() * sizeof(float);
      t["parameters"] = {{"binary_data_size", n}};
      binary.append(reinterpret_cast<const char*>(out.data.data()), n);
    } else {
      t["data"] = out.data;
    }
    body["outputs"].push_back(std::move(t));
  }
  const std::string text = body.dump();
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
  // waits for it to time out.
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
    InferBody body;
    InferCall call;
    try {
      body = split_body(req);
      call = decode_infer(body, name);
    } catch (const BadRequest& e) {
      // A model the server does not have is reported as such before the body.
      const bool known = service.repository().find(name) != nullptr;
      service.metrics().failure(known ? name : "",
                                known ? StatusCode::kInvalidArgument : StatusCode::kNotFound);
      if (!known) return send_error(res, 404, "unknown model '" + name + "'");
      return send_error(res, 400, e.message);
    }
    if (!version_served(version))
      return send_error(res, 404, "model '" + name + "' has no version '" + version + "'");
    HttpPeer peer(req.local_port, req.remote_port);
    call.client_gone = [&peer] { return peer.gone(); };
    InferResult result = service.infer(std::move(call), "http");
    if (!result.status.ok())
      return send_error(res, http_status(result.status.code), result.status.message);
    try {
      send_infer_result(res, body.header, name, result);
    } catch (const BadRequest& e) {
      send_error(res, 400, e.message);
    }
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
  port_ = options.port == 0 ? s.bind_to_any_port(options.host)
                            : (s.bind_to_port(options.host, options.port) ? options.port : -1);
  if (port_ < 0)
    throw Error("cannot listen for HTTP on " + options.host + ":" + std::to_string(options.port));
}

HttpFrontend::~HttpFrontend() = default;

void HttpFrontend::serve() { server_->listen_after_bind(); }

void HttpFrontend::stop() { server_->stop(); }

}  // namespace minirt::serve
