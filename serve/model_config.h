// A model's serving settings: models/X.json beside models/X.fb (optional;
// every key optional, unknown keys refused), e.g.
//   {"instances": 2, "threads_per_instance": 1, "precision": "fp32", "bf16_attention": true,
//    "max_batch_tokens": 4096, "max_queue_delay_ms": 5, "max_queue": 128,
//    "max_batch_requests": 0, "timeout_ms": 30000}
#pragma once

#include <cstdint>
#include <string>

#include "minirt/minirt.h"

namespace minirt::serve {

struct ModelConfig {
  int instances = 1;             // sessions, each run by its own thread
  int threads_per_instance = 1;  // SessionOptions::threads
  Precision precision = Precision::kFloat32;
  bool bf16_attention = true;  // SessionOptions::bf16_attention
  // A batch is cut once its tokens would pass this (or the model file's
  // max_tokens, if lower): real tokens for a model that runs ragged batches,
  // rows x longest sequence for one that runs padded. A single request larger
  // than it runs alone.
  int64_t max_batch_tokens = 8192;
  // ... or once its oldest request has waited this long. 0: never wait.
  double max_queue_delay_ms = 2.0;
  // Requests waiting (not yet in a batch); past it, requests are refused at once.
  int64_t max_queue = 256;
  // Requests per batch at most; 0: no cap beyond the token budget and the
  // model's max batch. 1 turns batching off (one request per run).
  int64_t max_batch_requests = 0;
  // Default per-request deadline, from arrival; a request may ask for less.
  double timeout_ms = 60000.0;
};

// Parses the config file's text; throws minirt::Error naming the key at fault.
ModelConfig parse_model_config(const std::string& json_text, const std::string& path);

}  // namespace minirt::serve
