/* Compiled as C (c_api_test links it): minirt_c.h is valid C, and a C caller
 * can load a model and run it. */
#include <stddef.h>
#include <stdint.h>

#include "minirt/minirt_c.h"

/* Loads model_path, runs ids {1, 2, 3} and returns the output count, or -1
 * when any call fails. */
int minirt_c_header_check(const char* model_path) {
  minirt_model* model = NULL;
  minirt_session* session = NULL;
  const int64_t ids[] = {1, 2, 3};
  size_t count = 0;
  minirt_status* status = minirt_model_load(model_path, &model);
  if (!status) status = minirt_session_create(model, NULL, &session);
  if (!status) status = minirt_session_run_padded(session, ids, NULL, NULL, 1, 3);
  if (!status) status = minirt_session_output_count(session, &count);
  const int result = status ? -1 : (int)count;
  minirt_status_free(status);
  minirt_session_release(session);
  minirt_model_release(model);
  return result;
}
