#include "converter/import/hf/random_weights.h"

#include <cmath>
#include <numbers>

#include "converter/import/hf/bert_tensors.h"

namespace minirt::converter::hf {

namespace {

constexpr double kStddev = 0.02;

// SplitMix64: tiny, fully specified, so the weights are the same everywhere
// (std::normal_distribution differs between standard libraries).
class SplitMix64 {
 public:
  explicit SplitMix64(uint64_t seed) : state_(seed) {}

  uint64_t next() {
    uint64_t z = (state_ += 0x9e3779b97f4a7c15ull);
    z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ull;
    z = (z ^ (z >> 27)) * 0x94d049bb133111ebull;
    return z ^ (z >> 31);
  }

  // Uniform in (0, 1].
  double uniform() { return (static_cast<double>(next() >> 11) + 1.0) * 0x1.0p-53; }

 private:
  uint64_t state_;
};

uint64_t fnv1a(const std::string& s) {
  uint64_t h = 0xcbf29ce484222325ull;
  for (unsigned char c : s) h = (h ^ c) * 0x100000001b3ull;
  return h;
}

std::vector<float> normal(const std::string& name, size_t count, uint64_t seed, double mean) {
  SplitMix64 rng(seed ^ fnv1a(name));
  std::vector<float> values(count);
  // Box-Muller: two uniforms give two independent normals.
  for (size_t i = 0; i < count; i += 2) {
    const double radius = kStddev * std::sqrt(-2.0 * std::log(rng.uniform()));
    const double angle = 2.0 * std::numbers::pi * rng.uniform();
    values[i] = static_cast<float>(mean + radius * std::cos(angle));
    if (i + 1 < count) values[i + 1] = static_cast<float>(mean + radius * std::sin(angle));
  }
  return values;
}

}  // namespace

TensorSet random_bert_tensors(const BertConfig& config, uint64_t seed) {
  const std::string prefix =
      config.architecture == BertArchitecture::kBertForSequenceClassification ? "bert." : "";
  TensorSet set("random weights (seed " + std::to_string(seed) + ")");
  for (const TensorSpec& spec : bert_tensor_specs(config)) {
    const std::string name = spec.in_bert_module ? prefix + spec.name : spec.name;
    size_t count = 1;
    for (int64_t d : spec.shape) count *= static_cast<size_t>(d);
    const double mean = spec.role == TensorRole::kGamma ? 1.0 : 0.0;
    set.add(name,
            Tensor{"F32", spec.shape, ir::WeightBytes::owned(normal(name, count, seed, mean))});
  }
  return set;
}

}  // namespace minirt::converter::hf
