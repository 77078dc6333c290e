#include "serve/model_config.h"

#include <nlohmann/json.hpp>
#include <type_traits>

namespace minirt::serve {

namespace {

using nlohmann::json;

template <typename T>
T number_in(const json& value, const std::string& key, const std::string& path, T min, T max) {
  if (!value.is_number()) throw Error(path + ": '" + key + "' must be a number");
  const double v = value.get<double>();
  if (!(v >= static_cast<double>(min) && v <= static_cast<double>(max)))
    throw Error(path + ": '" + key + "' must be in [" + std::to_string(min) + ", " +
                std::to_string(max) + "], got " + value.dump());
  if (std::is_integral_v<T> && v != static_cast<double>(static_cast<int64_t>(v)))
    throw Error(path + ": '" + key + "' must be an integer, got " + value.dump());
  return static_cast<T>(v);
}

}  // namespace

ModelConfig parse_model_config(const std::string& json_text, const std::string& path) {
  json doc;
  try {
    doc = json::parse(json_text);
  } catch (const json::exception& e) {
    throw Error(path + ": not valid JSON: " + e.what());
  }
  if (!doc.is_object()) throw Error(path + ": must be a JSON object");
  ModelConfig config;
  for (const auto& [key, value] : doc.items()) {
    if (key == "instances") {
      config.instances = number_in<int>(value, key, path, 1, 256);
    } else if (key == "threads_per_instance") {
      config.threads_per_instance = number_in<int>(value, key, path, 1, 1024);
    } else if (key == "precision") {
      if (!value.is_string() || !precision_from_name(value.get<std::string>(), &config.precision))
        throw Error(path + ": 'precision' must be \"fp32\", \"bf16\" or \"int8\", got " +
                    value.dump());
    } else if (key == "bf16_attention") {
      if (!value.is_boolean())
        throw Error(path + ": 'bf16_attention' must be true or false, got " + value.dump());
      config.bf16_attention = value.get<bool>();
    } else if (key == "max_batch_tokens") {
      config.max_batch_tokens = number_in<int64_t>(value, key, path, 1, int64_t{1} << 30);
    } else if (key == "max_queue_delay_ms") {
      config.max_queue_delay_ms = number_in<double>(value, key, path, 0.0, 60000.0);
    } else if (key == "max_queue") {
      config.max_queue = number_in<int64_t>(value, key, path, 1, int64_t{1} << 20);
    } else if (key == "max_batch_requests") {
      config.max_batch_requests = number_in<int64_t>(value, key, path, 0, int64_t{1} << 20);
    } else if (key == "timeout_ms") {
      config.timeout_ms = number_in<double>(value, key, path, 1.0, 3.6e6);
    } else {
      throw Error(path + ": unknown key '" + key + "'");
    }
  }
  return config;
}

}  // namespace minirt::serve
