/* minirt public C API: a C ABI over the C++ API (minirt.h) for C programs and
 * for bindings from other languages (Go, Rust, Java, Python).
 *
 *   minirt_model* model = NULL;
 *   minirt_session* session = NULL;
 *   minirt_status* st = minirt_model_load("model.fb", &model);
 *   if (!st) st = minirt_session_create(model, NULL, &session);
 *   int64_t ids[] = {101, 7592, 102};
 *   if (!st) st = minirt_session_run_padded(session, ids, NULL, NULL, 1, 3);
 *   if (st) { fprintf(stderr, "%s\n", minirt_status_message(st)); minirt_status_free(st); }
 *   minirt_session_release(session);
 *   minirt_model_release(model);
 *
 * Rules that hold for every function below:
 * - Errors: a function that can fail returns minirt_status*: NULL on success;
 *   otherwise a status the caller owns and frees with minirt_status_free. On
 *   failure every out-parameter is left NULL (pointers) or 0 (numbers).
 *   No C++ exception ever crosses this API.
 * - Handles are opaque. Each one a create/load function hands out is owned by
 *   the caller and released exactly once with its release function (NULL is
 *   accepted and ignored). Using a handle after releasing it is undefined.
 * - Threads: a minirt_model may be used by any number of threads at once
 *   (loading sessions from it, querying it). A minirt_session is used by one
 *   thread at a time: run it from different threads only with the caller's
 *   own synchronization; use one session per concurrent caller. A
 *   minirt_session_options is not synchronized: set it from one thread, then
 *   it may be read by any number of minirt_session_create calls at once.
 * - Lifetimes: a session holds its own reference to its model, so releasing
 *   the model handle while sessions made from it live is allowed: the model's
 *   memory goes away when the last of the handle and those sessions is
 *   released. Options are copied into the session at creation.
 * - ABI: new functions, status codes and enum values may be added in later
 *   minor versions; nothing here changes meaning. Configuration goes through
 *   setters on opaque handles, never through structs the caller lays out. */
#ifndef MINIRT_MINIRT_C_H_
#define MINIRT_MINIRT_C_H_

#include <stddef.h>
#include <stdint.h>

/* The header's version. minirt_version() gives the library's: they differ
 * when a program runs against a library other than the one it was built with. */
#define MINIRT_VERSION_MAJOR 0
#define MINIRT_VERSION_MINOR 1
#define MINIRT_VERSION_PATCH 0
#define MINIRT_VERSION \
  (MINIRT_VERSION_MAJOR * 10000 + MINIRT_VERSION_MINOR * 100 + MINIRT_VERSION_PATCH)

/* MINIRT_API marks what a shared build of the library (built with
 * -fvisibility=hidden) exports. */
#if defined(__GNUC__)
#define MINIRT_API __attribute__((visibility("default")))
#else
#define MINIRT_API
#endif

#ifdef __cplusplus
extern "C" {
#endif

/* ---- Versions ---------------------------------------------------------- */

/* The library's version as MINIRT_VERSION encodes it (major*10000 +
 * minor*100 + patch). Thread-safe; cannot fail. */
MINIRT_API uint32_t minirt_version(void);
/* The library's version as "MAJOR.MINOR.PATCH": a static string, never
 * freed. Thread-safe; cannot fail. */
MINIRT_API const char* minirt_version_string(void);

/* ---- Status ------------------------------------------------------------ */

typedef enum minirt_code {
  MINIRT_OK = 0,
  /* A NULL where a pointer is needed, a size out of range, an unknown
   * precision or device: the call itself is malformed. */
  MINIRT_INVALID_ARGUMENT = 1,
  /* The runtime refused: a file that cannot be read, bytes that are not a
   * valid model, inputs whose shape or values the model does not accept, a
   * precision or device this machine or build has no kernels for. */
  MINIRT_FAILED = 2,
  /* An allocation failed. */
  MINIRT_OUT_OF_MEMORY = 3,
  /* A bug in minirt: an unexpected exception inside the library. */
  MINIRT_INTERNAL = 4,
  MINIRT_CODE_MAX_ENUM = 0x7fffffff /* see MINIRT_PRECISION_MAX_ENUM */
} minirt_code;

typedef struct minirt_status minirt_status;

/* The status's code; MINIRT_OK for NULL. Thread-safe on distinct statuses. */
MINIRT_API minirt_code minirt_status_code(const minirt_status* status);
/* The status's message, naming what is wrong; "" for NULL. The string is
 * owned by the status and lives until minirt_status_free. */
MINIRT_API const char* minirt_status_message(const minirt_status* status);
/* Frees a status a function returned; NULL is ignored. */
MINIRT_API void minirt_status_free(minirt_status* status);

/* ---- Precision and device ---------------------------------------------- */

/* Arithmetic of the MatMuls (see minirt.h's Precision for accuracy). */
typedef enum minirt_precision {
  MINIRT_PRECISION_FP32 = 0,
  MINIRT_PRECISION_BF16 = 1, /* needs AVX512-BF16 */
  MINIRT_PRECISION_INT8 = 2, /* needs AVX512-VNNI */
  /* Not a precision: widens the enum's range to every non-negative int, so
   * a wrong value from a C caller is refused by name, not undefined in C++. */
  MINIRT_PRECISION_MAX_ENUM = 0x7fffffff
} minirt_precision;

typedef enum minirt_device {
  MINIRT_DEVICE_CPU = 0,
  MINIRT_DEVICE_CUDA = 1,             /* GPU 0; see minirt.h's Device for what it runs */
  MINIRT_DEVICE_MAX_ENUM = 0x7fffffff /* see MINIRT_PRECISION_MAX_ENUM */
} minirt_device;

/* "fp32", "bf16" or "int8" (a static string); NULL for a value not in the
 * enum. Thread-safe. */
MINIRT_API const char* minirt_precision_name(minirt_precision precision);
/* 1 when this CPU (within the MINIRT_MAX_ISA cap) has kernels for the
 * precision, so a session with it can be made; 0 otherwise, for a value not
 * in the enum, and when the CPU cannot be queried (an unknown MINIRT_MAX_ISA:
 * minirt_session_create then says what is wrong). Thread-safe. */
MINIRT_API int minirt_precision_supported(minirt_precision precision);

/* ---- Models ------------------------------------------------------------ */

typedef struct minirt_model minirt_model;

/* Maps the model file at `path`, verifies it and checks every index, dtype
 * and shape. On success *out is a new handle the caller releases with
 * minirt_model_release. Thread-safe. */
MINIRT_API minirt_status* minirt_model_load(const char* path, minirt_model** out);
/* The same from a model file's `size` bytes at `bytes`. The bytes are copied:
 * the caller's buffer may be freed once this returns. `name` (NULL: "<memory>")
 * names the model in error messages. Thread-safe. */
MINIRT_API minirt_status* minirt_model_load_from_memory(const void* bytes, size_t size,
                                                        const char* name, minirt_model** out);
/* The largest batch and sequence length a run accepts. Either out-pointer may
 * be NULL. Thread-safe. */
MINIRT_API minirt_status* minirt_model_limits(const minirt_model* model, int64_t* max_batch,
                                              int64_t* max_seq);
/* The token budget of a padding-free run (minirt_session_run_ragged): the
 * most tokens its sequences may hold together. 0 when the model cannot run
 * padding-free batches (it has a generic op; minirt_session_run_ragged then
 * says which). Thread-safe. */
MINIRT_API minirt_status* minirt_model_max_tokens(const minirt_model* model, int64_t* max_tokens);
/* Releases the caller's handle. Sessions made from the model stay valid (they
 * hold their own reference). No other thread may use this handle during or
 * after the call. NULL is ignored. */
MINIRT_API void minirt_model_release(minirt_model* model);

/* ---- Session options --------------------------------------------------- */

typedef struct minirt_session_options minirt_session_options;

/* New options holding the defaults: 1 thread, fp32, CPU. The caller releases
 * them with minirt_session_options_release. Thread-safe. */
MINIRT_API minirt_status* minirt_session_options_create(minirt_session_options** out);
/* Threads one run uses, >= 1. Not synchronized (see the rules above). */
MINIRT_API minirt_status* minirt_session_options_set_threads(minirt_session_options* options,
                                                             int threads);
/* A value not in the enum is MINIRT_INVALID_ARGUMENT. A precision this CPU
 * lacks is accepted here and refused by minirt_session_create (it never runs
 * fp32 instead). Not synchronized. */
MINIRT_API minirt_status* minirt_session_options_set_precision(minirt_session_options* options,
                                                               minirt_precision precision);
/* The same by name: "fp32", "bf16" or "int8"; any other name is
 * MINIRT_INVALID_ARGUMENT and leaves the options unchanged. Not synchronized. */
MINIRT_API minirt_status* minirt_session_options_set_precision_name(minirt_session_options* options,
                                                                    const char* name);
/* A value not in the enum is MINIRT_INVALID_ARGUMENT. A device this build
 * lacks is refused by minirt_session_create. Not synchronized. */
MINIRT_API minirt_status* minirt_session_options_set_device(minirt_session_options* options,
                                                            minirt_device device);
/* NULL is ignored. Sessions created from the options are unaffected. */
MINIRT_API void minirt_session_options_release(minirt_session_options* options);

/* ---- Sessions ---------------------------------------------------------- */

typedef struct minirt_session minirt_session;

/* A session on `model` with `options` (NULL: the defaults), owning its
 * activation memory and threads. The session holds its own reference to the
 * model. The caller releases it with minirt_session_release. Thread-safe with
 * respect to the model and the options. */
MINIRT_API minirt_status* minirt_session_create(const minirt_model* model,
                                                const minirt_session_options* options,
                                                minirt_session** out);
/* Runs one padded request: `input_ids`, `attention_mask` and `token_type_ids`
 * are each batch*seq int64 values, row-major [batch, seq], read only during
 * the call. attention_mask NULL means all ones, token_type_ids NULL all zeros.
 * batch must be in [1, max_batch] and seq in [1, max_seq]. On success the
 * outputs below describe this run; on failure the session has no outputs.
 * One thread at a time per session. */
MINIRT_API minirt_status* minirt_session_run_padded(minirt_session* session,
                                                    const int64_t* input_ids,
                                                    const int64_t* attention_mask,
                                                    const int64_t* token_type_ids, int64_t batch,
                                                    int64_t seq);
/* Runs one padding-free batch of `num_sequences` sequences with no padding:
 * `input_ids` holds their `num_tokens` tokens back to back, `cu_seqlens` the
 * num_sequences + 1 offsets where each starts (0 first, strictly increasing,
 * num_tokens last), `token_type_ids` NULL (all zeros) or num_tokens values;
 * all read only during the call. Each sequence is 1..max_seq tokens and
 * num_tokens is at most minirt_model_max_tokens. Per-token outputs are
 * [num_tokens, ...], packed by the same offsets; per-sequence outputs (pooled,
 * logits) are [num_sequences, ...]. Outputs and threading as for
 * minirt_session_run_padded. */
MINIRT_API minirt_status* minirt_session_run_ragged(minirt_session* session,
                                                    const int64_t* input_ids, int64_t num_tokens,
                                                    const int64_t* cu_seqlens,
                                                    int64_t num_sequences,
                                                    const int64_t* token_type_ids);
/* The number of outputs of the last successful run (0 before any run and
 * after a failed one). */
MINIRT_API minirt_status* minirt_session_output_count(const minirt_session* session, size_t* count);
/* Output `index` (< the count) of the last successful run: its name, its
 * float32 values (row-major), its rank and its shape (rank values). Each
 * out-pointer may be NULL. Every pointer handed out points into the session
 * and stays valid until the session's next run or its release. */
MINIRT_API minirt_status* minirt_session_output(const minirt_session* session, size_t index,
                                                const char** name, const float** data, int* rank,
                                                const int64_t** shape);
/* NULL is ignored. Pointers from minirt_session_output die with the session;
 * the model lives on while its handle or another session holds it. */
MINIRT_API void minirt_session_release(minirt_session* session);

#ifdef __cplusplus
}
#endif

#endif /* MINIRT_MINIRT_C_H_ */
