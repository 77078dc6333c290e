// The C API (minirt_c.h) over the C++ API: handles wrap the C++ objects, and
// every call runs inside guarded(), which turns whatever the C++ side throws
// into a minirt_status so that no exception crosses into C.
#include "minirt/minirt_c.h"

#include <exception>
#include <memory>
#include <new>
#include <optional>
#include <span>
#include <string>

#include "minirt/minirt.h"

struct minirt_status {
  minirt_code code;
  std::string message;
};

struct minirt_model {
  std::shared_ptr<const minirt::Model> model;
};

struct minirt_session_options {
  minirt::SessionOptions options;
};

struct minirt_session {
  minirt::Session session;
  std::span<const minirt::OutputView> outputs;  // the last successful run's
};

namespace {

#define MINIRT_STRINGIFY2(x) #x
#define MINIRT_STRINGIFY(x) MINIRT_STRINGIFY2(x)
constexpr const char* kVersionString = MINIRT_STRINGIFY(MINIRT_VERSION_MAJOR) "." MINIRT_STRINGIFY(
    MINIRT_VERSION_MINOR) "." MINIRT_STRINGIFY(MINIRT_VERSION_PATCH);

// Returned when even the status cannot be allocated; minirt_status_free
// recognizes it and leaves it alone.
minirt_status g_out_of_memory{MINIRT_OUT_OF_MEMORY, "out of memory"};

// A bad argument found by this layer, before the C++ API is called.
struct InvalidArgument {
  std::string message;
};

minirt_status* make_status(minirt_code code, const char* message) noexcept {
  try {
    return new minirt_status{code, message};
  } catch (...) {
    return &g_out_of_memory;
  }
}

template <typename F>
minirt_status* guarded(F&& body) noexcept {
  try {
    body();
    return nullptr;
  } catch (const InvalidArgument& e) {
    return make_status(MINIRT_INVALID_ARGUMENT, e.message.c_str());
  } catch (const minirt::Error& e) {
    return make_status(MINIRT_FAILED, e.what());
  } catch (const std::bad_alloc&) {
    return &g_out_of_memory;
  } catch (const std::exception& e) {
    return make_status(MINIRT_INTERNAL, e.what());
  } catch (...) {
    return make_status(MINIRT_INTERNAL, "unknown exception inside minirt");
  }
}

// Throws InvalidArgument naming the function and the parameter when p is NULL.
void require(const void* p, const char* function, const char* parameter) {
  if (p == nullptr)
    throw InvalidArgument{std::string(function) + ": " + parameter + " must not be NULL"};
}

// Precondition of every function with an out-parameter: it is cleared first,
// so that it holds NULL/0 on every failure.
template <typename T>
void clear(T* out) {
  if (out) *out = T{};
}

// The C++ precision for a C value; nullopt for an int not in the enum.
std::optional<minirt::Precision> to_cpp(minirt_precision precision) {
  switch (precision) {
    case MINIRT_PRECISION_FP32:
      return minirt::Precision::kFloat32;
    case MINIRT_PRECISION_BF16:
      return minirt::Precision::kBFloat16;
    case MINIRT_PRECISION_INT8:
      return minirt::Precision::kInt8;
    case MINIRT_PRECISION_MAX_ENUM:
      break;
  }
  return std::nullopt;
}

}  // namespace

extern "C" {

uint32_t minirt_version(void) { return MINIRT_VERSION; }
const char* minirt_version_string(void) { return kVersionString; }

minirt_code minirt_status_code(const minirt_status* status) {
  return status ? status->code : MINIRT_OK;
}
const char* minirt_status_message(const minirt_status* status) {
  return status ? status->message.c_str() : "";
}
void minirt_status_free(minirt_status* status) {
  if (status != &g_out_of_memory) delete status;
}

const char* minirt_precision_name(minirt_precision precision) {
  const std::optional<minirt::Precision> known = to_cpp(precision);
  return known ? minirt::precision_name(*known) : nullptr;
}
int minirt_precision_supported(minirt_precision precision) {
  try {
    const std::optional<minirt::Precision> known = to_cpp(precision);
    return known && minirt::precision_supported(*known) ? 1 : 0;
  } catch (...) {  // nothing crosses into C; a CPU query that fails means no kernels
    return 0;
  }
}

minirt_status* minirt_model_load(const char* path, minirt_model** out) {
  clear(out);
  return guarded([&] {
    require(out, "minirt_model_load", "out");
    require(path, "minirt_model_load", "path");
    *out = new minirt_model{minirt::Model::load(path)};
  });
}

minirt_status* minirt_model_load_from_memory(const void* bytes, size_t size, const char* name,
                                             minirt_model** out) {
  clear(out);
  return guarded([&] {
    require(out, "minirt_model_load_from_memory", "out");
    require(bytes, "minirt_model_load_from_memory", "bytes");
    *out = new minirt_model{minirt::Model::load_from_memory(
        {static_cast<const uint8_t*>(bytes), size}, name ? name : "<memory>")};
  });
}

minirt_status* minirt_model_limits(const minirt_model* model, int64_t* max_batch,
                                   int64_t* max_seq) {
  clear(max_batch);
  clear(max_seq);
  return guarded([&] {
    require(model, "minirt_model_limits", "model");
    const minirt::ModelSummary summary = model->model->summary();
    if (max_batch) *max_batch = summary.max_batch;
    if (max_seq) *max_seq = summary.max_seq;
  });
}

minirt_status* minirt_model_max_tokens(const minirt_model* model, int64_t* max_tokens) {
  clear(max_tokens);
  return guarded([&] {
    require(model, "minirt_model_max_tokens", "model");
    require(max_tokens, "minirt_model_max_tokens", "max_tokens");
    const minirt::ModelSummary summary = model->model->summary();
    *max_tokens = summary.ragged_refusal.empty() ? summary.max_tokens : 0;
  });
}

void minirt_model_release(minirt_model* model) { delete model; }

minirt_status* minirt_session_options_create(minirt_session_options** out) {
  clear(out);
  return guarded([&] {
    require(out, "minirt_session_options_create", "out");
    *out = new minirt_session_options{};
  });
}

minirt_status* minirt_session_options_set_threads(minirt_session_options* options, int threads) {
  return guarded([&] {
    require(options, "minirt_session_options_set_threads", "options");
    options->options.threads = threads;  // the range is checked by minirt_session_create
  });
}

minirt_status* minirt_session_options_set_precision(minirt_session_options* options,
                                                    minirt_precision precision) {
  return guarded([&] {
    require(options, "minirt_session_options_set_precision", "options");
    const std::optional<minirt::Precision> known = to_cpp(precision);
    if (!known)
      throw InvalidArgument{"minirt_session_options_set_precision: unknown precision value " +
                            std::to_string(static_cast<int>(precision))};
    options->options.precision = *known;
  });
}

minirt_status* minirt_session_options_set_precision_name(minirt_session_options* options,
                                                         const char* name) {
  return guarded([&] {
    require(options, "minirt_session_options_set_precision_name", "options");
    require(name, "minirt_session_options_set_precision_name", "name");
    minirt::Precision precision;
    if (!minirt::precision_from_name(name, &precision))
      throw InvalidArgument{"minirt_session_options_set_precision_name: unknown precision '" +
                            std::string(name) + "' (fp32, bf16 or int8)"};
    options->options.precision = precision;
  });
}

minirt_status* minirt_session_options_set_device(minirt_session_options* options,
                                                 minirt_device device) {
  return guarded([&] {
    require(options, "minirt_session_options_set_device", "options");
    switch (device) {
      case MINIRT_DEVICE_CPU:
        options->options.device = minirt::Device::kCpu;
        return;
      case MINIRT_DEVICE_CUDA:
        options->options.device = minirt::Device::kCuda;
        return;
      case MINIRT_DEVICE_MAX_ENUM:
        break;
    }
    throw InvalidArgument{"minirt_session_options_set_device: unknown device value " +
                          std::to_string(static_cast<int>(device))};
  });
}

void minirt_session_options_release(minirt_session_options* options) { delete options; }

minirt_status* minirt_session_create(const minirt_model* model,
                                     const minirt_session_options* options, minirt_session** out) {
  clear(out);
  return guarded([&] {
    require(out, "minirt_session_create", "out");
    require(model, "minirt_session_create", "model");
    *out = new minirt_session{
        minirt::Session(model->model, options ? options->options : minirt::SessionOptions{}), {}};
  });
}

minirt_status* minirt_session_run_padded(minirt_session* session, const int64_t* input_ids,
                                         const int64_t* attention_mask,
                                         const int64_t* token_type_ids, int64_t batch,
                                         int64_t seq) {
  if (session) session->outputs = {};
  return guarded([&] {
    require(session, "minirt_session_run_padded", "session");
    require(input_ids, "minirt_session_run_padded", "input_ids");
    if (batch < 1 || seq < 1)
      throw InvalidArgument{"minirt_session_run_padded: batch and seq must be >= 1, got batch " +
                            std::to_string(batch) + " seq " + std::to_string(seq)};
    const auto tensor = [&](const int64_t* data) {
      return data ? minirt::Int64Tensor(data, {batch, seq}) : minirt::Int64Tensor();
    };
    session->outputs = session->session.run({.input_ids = tensor(input_ids),
                                             .attention_mask = tensor(attention_mask),
                                             .token_type_ids = tensor(token_type_ids)});
  });
}

minirt_status* minirt_session_run_ragged(minirt_session* session, const int64_t* input_ids,
                                         int64_t num_tokens, const int64_t* cu_seqlens,
                                         int64_t num_sequences, const int64_t* token_type_ids) {
  if (session) session->outputs = {};
  return guarded([&] {
    require(session, "minirt_session_run_ragged", "session");
    require(input_ids, "minirt_session_run_ragged", "input_ids");
    require(cu_seqlens, "minirt_session_run_ragged", "cu_seqlens");
    if (num_tokens < 1 || num_sequences < 1)
      throw InvalidArgument{
          "minirt_session_run_ragged: num_tokens and num_sequences must be >= 1, got " +
          std::to_string(num_tokens) + " tokens in " + std::to_string(num_sequences) +
          " sequences"};
    const auto tokens = static_cast<size_t>(num_tokens);
    session->outputs = session->session.run_ragged(
        {.input_ids = {input_ids, tokens},
         .cu_seqlens = {cu_seqlens, static_cast<size_t>(num_sequences) + 1},
         .token_type_ids = token_type_ids ? std::span<const int64_t>(token_type_ids, tokens)
                                          : std::span<const int64_t>()});
  });
}

minirt_status* minirt_session_output_count(const minirt_session* session, size_t* count) {
  clear(count);
  return guarded([&] {
    require(session, "minirt_session_output_count", "session");
    require(count, "minirt_session_output_count", "count");
    *count = session->outputs.size();
  });
}

minirt_status* minirt_session_output(const minirt_session* session, size_t index, const char** name,
                                     const float** data, int* rank, const int64_t** shape) {
  clear(name);
  clear(data);
  clear(rank);
  clear(shape);
  return guarded([&] {
    require(session, "minirt_session_output", "session");
    if (index >= session->outputs.size())
      throw InvalidArgument{"minirt_session_output: index " + std::to_string(index) +
                            " is not below the output count " +
                            std::to_string(session->outputs.size())};
    const minirt::OutputView& view = session->outputs[index];
    if (name) *name = view.name;
    if (data) *data = view.data;
    if (rank) *rank = view.rank;
    if (shape) *shape = view.shape.data();
  });
}

void minirt_session_release(minirt_session* session) { delete session; }

}  // extern "C"
