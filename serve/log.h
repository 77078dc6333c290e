// Structured logs: one JSON object per line on stderr, e.g.
//   {"ts":"2026-12-01T10:00:00.123Z","level":"info","event":"listening","http_port":8000}
#pragma once

#include <nlohmann/json.hpp>
#include <string>

namespace minirt::serve {

// Writes {"ts", "level", "event", ...fields} as one line; safe from any thread.
void log_event(const char* level, const std::string& event,
               nlohmann::json fields = nlohmann::json::object());

}  // namespace minirt::serve
