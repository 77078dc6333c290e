#include "serve/log.h"

#include <chrono>
#include <cstdio>
#include <ctime>
#include <mutex>

namespace minirt::serve {

namespace {

std::string utc_timestamp() {
  const auto now = std::chrono::system_clock::now();
  const std::time_t seconds = std::chrono::system_clock::to_time_t(now);
  const auto millis =
      std::chrono::duration_cast<std::chrono::milliseconds>(now.time_since_epoch()).count() % 1000;
  std::tm tm{};
  gmtime_r(&seconds, &tm);
  char text[64];
  std::snprintf(text, sizeof text, "%04d-%02d-%02dT%02d:%02d:%02d.%03dZ", tm.tm_year + 1900,
                tm.tm_mon + 1, tm.tm_mday, tm.tm_hour, tm.tm_min, tm.tm_sec,
                static_cast<int>(millis));
  return text;
}

}  // namespace

void log_event(const char* level, const std::string& event, nlohmann::json fields) {
  nlohmann::json line = {{"ts", utc_timestamp()}, {"level", level}, {"event", event}};
  for (auto& [key, value] : fields.items()) line[key] = std::move(value);
  // Invalid UTF-8 from a client (a model name) is replaced, never thrown.
  const std::string text = line.dump(-1, ' ', false, nlohmann::json::error_handler_t::replace);
  static std::mutex mutex;
  std::lock_guard lock(mutex);
  std::fprintf(stderr, "%s\n", text.c_str());
  std::fflush(stderr);
}

}  // namespace minirt::serve
