/* A C program against the installed minirt: loads a model, runs one
 * sequence and prints every output in full.
 *
 *   run_model MODEL.fb IDS [TYPES]
 *
 * IDS and TYPES are comma-separated token ids and token type ids (TYPES
 * defaults to all zeros). Prints, per output, "output NAME D0 D1 ..." and
 * then its values, one per line, with enough digits to read them back
 * exactly. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "minirt/minirt_c.h"

/* Parses "1,2,3" into values (at most capacity); returns the count, or -1. */
static long parse_list(const char* text, int64_t* values, long capacity) {
  long count = 0;
  while (*text) {
    char* end = NULL;
    const long long value = strtoll(text, &end, 10);
    if (end == text || count == capacity || (*end != ',' && *end != '\0')) return -1;
    values[count++] = value;
    text = *end == ',' ? end + 1 : end;
  }
  return count;
}

/* Prints the message of a failed call, frees the status and returns 1. */
static int report(minirt_status* status) {
  fprintf(stderr, "run_model: %s\n", minirt_status_message(status));
  minirt_status_free(status);
  return 1;
}

static int print_outputs(const minirt_session* session) {
  size_t count = 0;
  minirt_status* status = minirt_session_output_count(session, &count);
  if (status) return report(status);
  for (size_t i = 0; i < count; ++i) {
    const char* name = NULL;
    const float* data = NULL;
    const int64_t* shape = NULL;
    int rank = 0;
    status = minirt_session_output(session, i, &name, &data, &rank, &shape);
    if (status) return report(status);
    int64_t numel = 1;
    printf("output %s", name);
    for (int d = 0; d < rank; ++d) {
      printf(" %lld", (long long)shape[d]);
      numel *= shape[d];
    }
    printf("\n");
    for (int64_t k = 0; k < numel; ++k) printf("%.9g\n", data[k]);
  }
  return 0;
}

int main(int argc, char** argv) {
  enum { kCapacity = 4096 };
  static int64_t ids[kCapacity], types[kCapacity];
  if (argc < 3 || argc > 4) {
    fprintf(stderr, "usage: run_model MODEL.fb IDS [TYPES]   (lists like 101,7592,102)\n");
    return 2;
  }
  const long seq = parse_list(argv[2], ids, kCapacity);
  if (seq < 1 || (argc == 4 && parse_list(argv[3], types, kCapacity) != seq)) {
    fprintf(stderr, "run_model: IDS must be a comma-separated list, TYPES one as long\n");
    return 2;
  }
  fprintf(stderr, "minirt %s (header %d.%d.%d)\n", minirt_version_string(), MINIRT_VERSION_MAJOR,
          MINIRT_VERSION_MINOR, MINIRT_VERSION_PATCH);

  minirt_model* model = NULL;
  minirt_session* session = NULL;
  minirt_status* status = minirt_model_load(argv[1], &model);
  if (!status) status = minirt_session_create(model, NULL, &session);
  /* The session holds the model: the handle is not needed past this point. */
  minirt_model_release(model);
  if (!status)
    status = minirt_session_run_padded(session, ids, NULL, argc == 4 ? types : NULL, 1, seq);
  const int rc = status ? report(status) : print_outputs(session);
  minirt_session_release(session);
  return rc;
}
