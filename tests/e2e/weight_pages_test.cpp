// Once a session has packed the MatMul weights, the file's copy of them
// leaves resident memory (MappedFile::release): right after the session is
// made, the model file's mapping holds almost nothing, where without the
// release it would hold every weight packing read. And nothing is lost: the
// reference kernels, which read the weights from the file, still agree.
#include <doctest/doctest.h>

#include <fstream>
#include <sstream>
#include <string>
#include <vector>

#include "minirt/minirt.h"
#include "ops/cpu/cpu_isa.h"
#include "runtime/model/model_impl.h"
#include "tests/e2e/model_files.h"

namespace minirt {
namespace {

struct Mapping {
  size_t resident_bytes = 0;
};

// The mapping of `path` in /proc/self/smaps (the model maps its file once).
Mapping find_mapping(const std::string& path) {
  std::ifstream smaps("/proc/self/smaps");
  std::string line;
  Mapping found;
  bool in_file = false;
  while (std::getline(smaps, line)) {
    if (line.find('-') != std::string::npos && line.find(" r") != std::string::npos &&
        line.find('/') != std::string::npos) {
      in_file = line.size() >= path.size() &&
                line.compare(line.size() - path.size(), path.size(), path) == 0;
    } else if (in_file && line.rfind("Rss:", 0) == 0) {
      size_t kb = 0;
      std::sscanf(line.c_str(), "Rss: %zu kB", &kb);
      found.resident_bytes = kb * 1024;
      in_file = false;
    }
  }
  return found;
}

std::vector<float> first_output(Session& session) {
  std::vector<int64_t> ids(2 * 16);
  for (size_t i = 0; i < ids.size(); ++i) ids[i] = static_cast<int64_t>((i * 53 + 7) % 1000);
  Inputs inputs;
  inputs.input_ids = Int64Tensor(ids.data(), {2, 16});
  const OutputView out = session.run(inputs)[0];
  return std::vector<float>(out.data, out.data + out.numel());
}

TEST_CASE("weight pages: packed MatMul weights leave the file's resident pages") {
  if (cpu_isa_in_use() < CpuIsa::kAvx2) {
    MESSAGE("skipped: no JIT MatMul here (the reference kernels read the file's weights)");
    return;
  }
  // minilm-l3-384's shape with random weights: 21 MB of MatMul weights,
  // large next to the page or two per weight that release cannot drop.
  const std::string fb_path = std::string(MINIRT_BINARY_DIR) + "/weight_pages_minilm.fb";
  const test::CommandResult convert =
      test::run_command(test::bin("minirt-convert") + " --hf-config " +
                        test::repo_path("bench/configs/minilm-l3-384.json") +
                        " --random-weights 7 --max-batch 2 --max-seq 32 -o " + fb_path);
  INFO(convert.output);
  REQUIRE(convert.exit_code == 0);
  const auto model = Model::load(fb_path);

  size_t matmul_weight_bytes = 0;
  const Model::Impl& impl = model->impl();
  for (const OpInfo& op : impl.ops) {
    if (op.kind == OpKind::MatMul || op.kind == OpKind::Pooler)
      matmul_weight_bytes += impl.values[static_cast<size_t>(op.inputs[1])].max_bytes;
  }
  REQUIRE(matmul_weight_bytes > 20'000'000);

  Session jit(model);
  const size_t resident = find_mapping(fb_path).resident_bytes;
  MESSAGE("file mapping resident after the session is made: "
          << resident << " bytes; MatMul weights " << matmul_weight_bytes);
  // A page or two per weight may stay (its ends share pages with neighbours).
  CHECK(resident < matmul_weight_bytes / 10);

  const std::vector<float> packed = first_output(jit);
  ::setenv("MINIRT_MAX_ISA", "scalar", 1);
  Session reference(model);  // reads the released weights from the file again
  ::unsetenv("MINIRT_MAX_ISA");
  const std::vector<float> from_file = first_output(reference);
  REQUIRE(from_file.size() == packed.size());
  for (size_t i = 0; i < packed.size(); ++i)
    CHECK(packed[i] == doctest::Approx(from_file[i]).epsilon(1e-4));
}

}  // namespace
}  // namespace minirt
