// --device cuda on a machine with no usable GPU (or a build without the CUDA
// backend): a clear Error from the C++ API, MINIRT_FAILED with the same words
// from the C API, exit 1 with them from the CLI; never a crash. Exits 77
// (ctest's SKIP_RETURN_CODE) where a session on the GPU can be made: there
// the GPU tests speak instead.
#include <sys/wait.h>

#include <cstdio>
#include <string>

#include "minirt/minirt.h"
#include "minirt/minirt_c.h"

namespace {

#if MINIRT_HAS_CUDA
constexpr const char* kExpected = "device cuda: no usable CUDA device: cudaGetDeviceCount ";
#else
constexpr const char* kExpected = "device cuda: this build of minirt has no CUDA backend";
#endif
constexpr int kSkip = 77;

bool says_expected(const std::string& text, const char* where) {
  if (text.find(kExpected) != std::string::npos) return true;
  std::fprintf(stderr, "%s: expected '%s' in:\n%s\n", where, kExpected, text.c_str());
  return false;
}

int run(const std::string& bin, const std::string& model_dir, const std::string& work) {
  const std::string fb = work + "/cuda_no_device_bert-tiny.fb";
  if (std::system(
          (bin + "/minirt-convert --hf " + model_dir + " -o " + fb + " >/dev/null").c_str()) != 0) {
    std::fprintf(stderr, "minirt-convert failed\n");
    return 1;
  }
  // C++ API.
  std::string message;
  try {
    minirt::Session session(minirt::Model::load(fb), {.device = minirt::Device::kCuda});
    std::printf("a CUDA session was made: a device is present, skipping\n");
    return kSkip;
  } catch (const minirt::Error& e) {
    message = e.what();
  }
  std::printf("C++ API: %s\n", message.c_str());
  bool ok = says_expected(message, "C++ API");

  // C API.
  minirt_model* model = nullptr;
  minirt_session_options* options = nullptr;
  minirt_session* session = nullptr;
  minirt_status_free(minirt_model_load(fb.c_str(), &model));
  minirt_status_free(minirt_session_options_create(&options));
  minirt_status_free(minirt_session_options_set_device(options, MINIRT_DEVICE_CUDA));
  minirt_status* status = minirt_session_create(model, options, &session);
  std::printf("C API: code %d, %s\n", minirt_status_code(status), minirt_status_message(status));
  ok &= minirt_status_code(status) == MINIRT_FAILED && session == nullptr &&
        says_expected(minirt_status_message(status), "C API");
  minirt_status_free(status);
  minirt_session_options_release(options);
  minirt_model_release(model);

  // CLI.
  FILE* pipe = ::popen(
      (bin + "/minirt run " + fb + " --refs " + model_dir + "/refs --device cuda 2>&1").c_str(),
      "r");
  std::string output;
  char chunk[4096];
  size_t n;
  while ((n = std::fread(chunk, 1, sizeof chunk, pipe)) > 0) output.append(chunk, n);
  const int wait_status = ::pclose(pipe);
  std::printf("CLI: %s", output.c_str());
  ok &= WIFEXITED(wait_status) && WEXITSTATUS(wait_status) == 1 && says_expected(output, "CLI");
  return ok ? 0 : 1;
}

}  // namespace

// Usage: cuda_no_device_check BIN_DIR BERT_TINY_DIR WORK_DIR
int main(int argc, char** argv) {
  if (argc != 4) {
    std::fprintf(stderr, "usage: cuda_no_device_check BIN_DIR BERT_TINY_DIR WORK_DIR\n");
    return 2;
  }
  return run(argv[1], argv[2], argv[3]);
}
