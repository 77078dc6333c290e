// Paths and process helpers for tests that drive the built programs.
#pragma once

#include <doctest/doctest.h>
#include <sys/wait.h>

#include <array>
#include <cstdio>
#include <filesystem>
#include <string>

namespace minirt::test {

inline std::string bin(const std::string& program) {
  return std::string(MINIRT_BINARY_DIR) + "/bin/" + program;
}
inline std::string repo_path(const std::string& rel) {
  return std::string(MINIRT_SOURCE_DIR) + "/" + rel;
}
// Where the ctest fixture materializes ../shared/models (see tests/CMakeLists.txt).
inline std::string shared_model_dir(const std::string& name) {
  return std::string(MINIRT_BINARY_DIR) + "/models/" + name;
}
inline bool shared_models_present() {
  return std::filesystem::exists(std::string(MINIRT_SOURCE_DIR) +
                                 "/../shared/models/materialize.py");
}

// Calls fn(dir, name) for each of the four shared models the ctest fixture
// materializes, after checking it wrote `file` there; without ../shared/models
// (a fresh clone without the shared material) says so and calls nothing.
template <typename Fn>
void for_each_shared_model(const std::string& file, Fn&& fn) {
  if (!shared_models_present()) {
    MESSAGE("skipped: ../shared/models is absent (a fresh clone without the shared material)");
    return;
  }
  for (const char* name : {"bert-tiny", "bert-tiny-cls", "minilm-l3-384", "bert-3l-768"}) {
    const std::string dir = shared_model_dir(name);
    REQUIRE_MESSAGE(std::filesystem::exists(dir + "/" + file),
                    "the materialize_shared_models fixture did not write " << dir);
    fn(dir, std::string(name));
  }
}

struct CommandResult {
  int exit_code = -1;
  std::string output;  // stdout and stderr together
};

inline CommandResult run_command(const std::string& command) {
  CommandResult result;
  FILE* pipe = ::popen((command + " 2>&1").c_str(), "r");
  REQUIRE(pipe != nullptr);
  std::array<char, 4096> chunk{};
  size_t n;
  while ((n = std::fread(chunk.data(), 1, chunk.size(), pipe)) > 0)
    result.output.append(chunk.data(), n);
  const int status = ::pclose(pipe);
  result.exit_code = WIFEXITED(status) ? WEXITSTATUS(status) : 128 + WTERMSIG(status);
  return result;
}

// Converts an HF checkpoint folder into out (a .fb path); fails the test on error.
inline void convert_hf(const std::string& hf_dir, const std::string& out,
                       const std::string& extra = "") {
  const CommandResult r =
      run_command(bin("minirt-convert") + " --hf " + hf_dir + " -o " + out + " " + extra);
  INFO(r.output);
  REQUIRE(r.exit_code == 0);
}

}  // namespace minirt::test
