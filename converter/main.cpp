// minirt-convert: a Hugging Face BERT checkpoint (or a config with random
// weights), or an ONNX export of one -> a minirt .fb model file.
#include <algorithm>
#include <charconv>
#include <chrono>
#include <cmath>
#include <cstdio>
#include <cstring>
#include <exception>
#include <filesystem>
#include <limits>
#include <optional>
#include <span>
#include <stdexcept>
#include <string>
#include <string_view>
#include <vector>

#include "converter/calibrate/calibrate.h"
#include "converter/emit/model_writer.h"
#include "converter/import/hf/bert_builder.h"
#include "converter/import/hf/bert_config.h"
#include "converter/import/hf/random_weights.h"
#include "converter/import/hf/safetensors.h"
#include "converter/import/onnx/onnx_pipeline.h"
#include "converter/import/tokenizer/hf_tokenizer.h"
#include "converter/ir/op_types.h"
#include "converter/verify/keep_sensitive_matmuls.h"
#include "converter/verify/verify_precisions.h"

namespace {

namespace fs = std::filesystem;
using namespace minirt::converter;

constexpr int64_t kDefaultMaxBatch = 8;

constexpr const char* kUsage = R"(usage:
  minirt-convert --hf DIR -o MODEL.fb [options]
      DIR holds a Hugging Face BERT checkpoint: config.json and model.safetensors;
      its tokenizer (tokenizer.json, or vocab.txt and tokenizer_config.json)
      is sealed into the file when present
  minirt-convert --hf-config CONFIG.json --random-weights SEED -o MODEL.fb [options]
      random weights (deterministic for SEED) for the model CONFIG.json describes
  minirt-convert MODEL.onnx -o MODEL.fb [--explain] [--passes LIST] [options]
      a BERT exported by PyTorch (TorchScript or dynamo exporter, opsets 11-21),
      external data next to it; --explain prints the op list, the fusions
      that fired, how each MatMul runs in int8 sessions (a QDQ model's static
      input scale and stored s8 weights, or per-row scales, and why) and
      every op that fell back to a generic op, with the reason.
      --passes runs only the listed passes (comma-separated; "none" for none),
      for tests and debugging: --passes fold_constants converts with no fusion

options:
  -o, --output FILE   the .fb file to write
  --max-batch N       largest batch the runtime plans for (default 8)
  --tokenizer DIR     seal the Hugging Face tokenizer in DIR into the file
                      (tokenizer.json, or vocab.txt, with tokenizer_config.json);
                      for an ONNX or --hf-config import, or to override --hf's
  --max-seq N         longest sequence the runtime plans for
                      (default and upper bound: max_position_embeddings,
                      for ONNX the position table's rows)
  --verify DIR        after writing, run the file at each reduced precision
                      this CPU has (bf16, int8) and at fp32 on the reference
                      cases in DIR (folders of input_K.pb) and report each
                      output's row cosine, max abs, relative RMS, top-1
                      agreement of logits and Spearman of embeddings
  --min-cosine X      with --verify: before writing, keep the MatMuls a
                      reduced precision hurts most in bf16 or fp32 (a
                      precision floor in the file) until every output's row
                      cosine against fp32 is X or more at int8 (bf16 on a CPU
                      without int8), and say which; exit 1 if it still fails
  --precision int8 --calibrate PATH
                      static int8: fix each int8 MatMul's input scale and zero
                      point from sample inputs run at fp32, instead of each
                      row's own range at run time (the default, dynamic).
                      PATH: reference-case folders (caseN/input_K.pb, as
                      --verify reads), or a UTF-8 text file, one sample a line
                      (a tab splits a text pair), through the model's
                      tokenizer. Prints each MatMul's method, range and scale;
                      `minirt info` shows the file was calibrated
  --calibrate-method M
                      max (the whole range seen), percentile (each tail cut
                      at --percentile), mse (least expected squared
                      quantization error over a histogram), or auto (default:
                      per MatMul the one with least error on its output over
                      sampled rows)
  --percentile P      in (50, 100], default 99.99
  --max-tokens N      token budget of padding-free (ragged) runs: all their
                      sequences together (default max batch x max seq); the
                      arena is planned for it at load
  --allow-nonfinite-weights
                      write weights holding NaN or infinity (refused by
                      default, naming the tensor: a corrupt checkpoint)
  -h, --help          this text

Supported: BertModel and BertForSequenceClassification, float32 / float16 /
bfloat16 weights (written as float32).
)";

struct Args {
  std::optional<fs::path> hf_dir;
  std::optional<fs::path> hf_config;
  std::optional<fs::path> onnx;
  bool explain = false;
  std::optional<std::vector<std::string>> passes;
  std::optional<uint64_t> seed;
  std::optional<fs::path> output;
  std::optional<fs::path> tokenizer;
  std::optional<int64_t> max_batch;
  std::optional<int64_t> max_seq;
  std::optional<int64_t> max_tokens;
  bool allow_nonfinite = false;
  std::optional<std::string> verify;
  std::optional<double> min_cosine;
  std::optional<std::string> precision;
  std::optional<std::string> calibrate;
  std::optional<CalibrationMethod> calibrate_method;
  std::optional<double> percentile;
  bool help = false;
};

template <typename T>
T parse_number(std::string_view flag, std::string_view text) {
  T value{};
  auto [end, ec] = std::from_chars(text.data(), text.data() + text.size(), value);
  if (ec != std::errc() || end != text.data() + text.size()) {
    throw std::runtime_error(std::string(flag) + " needs a number, got '" + std::string(text) +
                             "'");
  }
  return value;
}

// "a,b,c" -> {a, b, c}; "none" -> {}.
std::vector<std::string> split_list(std::string_view text) {
  std::vector<std::string> items;
  if (text == "none") return items;
  for (size_t start = 0; start <= text.size();) {
    const size_t end = std::min(text.find(',', start), text.size());
    items.emplace_back(text.substr(start, end - start));
    start = end + 1;
  }
  return items;
}

Args parse_args(int argc, char** argv) {
  Args args;
  for (int i = 1; i < argc; ++i) {
    const std::string_view arg = argv[i];
    auto value = [&]() -> std::string_view {
      if (i + 1 >= argc) throw std::runtime_error(std::string(arg) + " needs a value");
      return argv[++i];
    };
    if (arg == "-h" || arg == "--help") {
      args.help = true;
    } else if (arg == "--hf") {
      args.hf_dir = value();
    } else if (arg == "--hf-config") {
      args.hf_config = value();
    } else if (arg == "--random-weights") {
      args.seed = parse_number<uint64_t>(arg, value());
    } else if (arg == "--tokenizer") {
      args.tokenizer = value();
    } else if (arg == "-o" || arg == "--output") {
      args.output = value();
    } else if (arg == "--max-batch") {
      args.max_batch = parse_number<int64_t>(arg, value());
    } else if (arg == "--max-seq") {
      args.max_seq = parse_number<int64_t>(arg, value());
    } else if (arg == "--max-tokens") {
      args.max_tokens = parse_number<int64_t>(arg, value());
    } else if (arg == "--allow-nonfinite-weights") {
      args.allow_nonfinite = true;
    } else if (arg == "--verify") {
      args.verify = std::string(value());
    } else if (arg == "--min-cosine") {
      args.min_cosine = parse_number<double>(arg, value());
      if (!(*args.min_cosine > -1 && *args.min_cosine <= 1))
        throw std::runtime_error("--min-cosine must be in (-1, 1]");
    } else if (arg == "--precision") {
      args.precision = std::string(value());
      if (*args.precision != "int8")
        throw std::runtime_error(
            "--precision: only int8 (with --calibrate) is written into a file; "
            "fp32 files run at every precision, chosen per session");
    } else if (arg == "--calibrate") {
      args.calibrate = std::string(value());
    } else if (arg == "--calibrate-method") {
      const std::string_view name = value();
      const auto method = calibration_method_from_name(name);
      if (!method)
        throw std::runtime_error("--calibrate-method must be max, percentile, mse or auto, got '" +
                                 std::string(name) + "'");
      args.calibrate_method = *method;
    } else if (arg == "--percentile") {
      args.percentile = parse_number<double>(arg, value());
      if (!(*args.percentile > 50 && *args.percentile <= 100))
        throw std::runtime_error("--percentile must be in (50, 100]");
    } else if (arg == "--explain") {
      args.explain = true;
    } else if (arg == "--passes") {
      args.passes = split_list(value());
    } else if (arg.ends_with(".onnx")) {
      args.onnx = arg;
    } else {
      throw std::runtime_error("unknown argument '" + std::string(arg) +
                               "' (see minirt-convert --help)");
    }
  }
  if (args.help) return args;
  if (int(args.hf_dir.has_value()) + int(args.hf_config.has_value()) + int(args.onnx.has_value()) !=
      1) {
    throw std::runtime_error("give exactly one of --hf DIR, --hf-config CONFIG.json or MODEL.onnx");
  }
  if ((args.explain || args.passes) && !args.onnx)
    throw std::runtime_error("--explain and --passes go with MODEL.onnx");
  if (args.hf_config && !args.seed) {
    throw std::runtime_error("--hf-config needs --random-weights SEED");
  }
  if (args.hf_dir && args.seed) {
    throw std::runtime_error("--random-weights goes with --hf-config, not --hf");
  }
  if (!args.output) throw std::runtime_error("no output file (-o MODEL.fb)");
  if (args.min_cosine && !args.verify)
    throw std::runtime_error("--min-cosine goes with --verify DIR");
  if (args.precision && !args.calibrate)
    throw std::runtime_error(
        "--precision int8 needs --calibrate PATH (sample inputs); without them the file stays "
        "float and an int8 session quantizes each row at run time");
  if (args.calibrate && !args.precision)
    throw std::runtime_error("--calibrate goes with --precision int8");
  if ((args.calibrate_method || args.percentile) && !args.calibrate)
    throw std::runtime_error("--calibrate-method and --percentile go with --calibrate PATH");
  return args;
}

int32_t checked_limit(const char* flag, int64_t value, int64_t max) {
  if (value < 1 || value > max) {
    throw std::runtime_error(std::string(flag) + " must be in [1, " + std::to_string(max) +
                             "], got " + std::to_string(value));
  }
  return static_cast<int32_t>(value);
}

void print_explain(const minirt::converter::onnx::OnnxConversion& conversion) {
  std::printf("opset %lld; passes:\n", static_cast<long long>(conversion.opset));
  for (const std::string& line : conversion.log) std::printf("  %s\n", line.c_str());
  std::printf("ops (%zu):\n", conversion.graph.ops.size());
  for (const minirt::ir::Op& op : conversion.graph.ops) {
    std::string outputs;
    for (int id : op.outputs) {
      const minirt::ir::Value& v = conversion.graph.values[id];
      outputs += (outputs.empty() ? "" : ", ") + v.name + " " + minirt::ir::to_string(v.shape);
    }
    std::printf("  %-14s -> %s\n", op.type.c_str(), outputs.c_str());
  }
  std::printf("int8 sessions (--precision int8):\n");
  for (const std::string& line : conversion.int8) std::printf("  %s\n", line.c_str());
  std::printf("fallback ops: %zu\n", conversion.fallbacks.size());
  for (const std::string& line : conversion.fallbacks) std::printf("  %s\n", line.c_str());
}

// A NaN or infinite weight is a corrupt checkpoint: the model would give
// NaN, or confident garbage, for every request.
void check_weights_finite(const minirt::ir::Graph& graph) {
  for (const minirt::ir::Value& v : graph.values) {
    if (v.kind != minirt::ir::ValueKind::kWeight || v.dtype != minirt::ir::DType::kF32) continue;
    const std::span<const uint8_t> bytes = v.data.bytes();
    for (size_t i = 0; i < bytes.size() / sizeof(float); ++i) {
      float x;
      std::memcpy(&x, bytes.data() + i * sizeof x, sizeof x);
      if (!std::isfinite(x))
        throw std::runtime_error("weight '" + v.name + "' holds " + std::to_string(x) +
                                 " at element " + std::to_string(i) +
                                 " (--allow-nonfinite-weights writes it anyway)");
    }
  }
}

void print_kept(const KeepResult& r, double min_cosine) {
  std::printf("--min-cosine %g: %s lowest cosine %.6f", min_cosine, r.precision.c_str(),
              r.cosine_before);
  if (r.kept.empty()) {
    std::printf(", nothing kept\n");
    return;
  }
  std::printf(" -> %.6f keeping %zu op(s) out of %s:\n", r.cosine_after, r.kept.size(),
              r.precision.c_str());
  for (const KeptOp& k : r.kept)
    std::printf("  %-40s %s (cosine %.6f with it alone in fp32)\n", k.name.c_str(),
                k.floor == "F32" ? "fp32" : "bf16", k.cosine_alone);
}

// --precision int8 --calibrate: static input scales on the graph's int8
// MatMuls, and a metadata line that says so.
void calibrate(minirt::ir::Graph& graph, const EmitOptions& options, const Args& args,
               const std::optional<minirt::tokenizer::TokenizerConfig>& tokenizer) {
  CalibrationOptions calibration;
  calibration.inputs = *args.calibrate;
  calibration.scale.method = args.calibrate_method.value_or(calibration.scale.method);
  calibration.scale.percentile = args.percentile.value_or(calibration.scale.percentile);
  const Calibration result =
      calibrate_graph(graph, options, tokenizer ? &*tokenizer : nullptr, calibration);
  print_calibration(result, calibration, stdout);
  apply_calibration(graph, result, calibration);
}

// write_model_file checks the file by loading it, the runtime's limits
// included: name the planned sizes, which the runtime may find too large.
// --max-tokens is set here, after --max-batch and --max-seq, which give its default.
void write_model(minirt::ir::Graph& graph, EmitOptions options, const Args& args,
                 const std::optional<minirt::tokenizer::TokenizerConfig>& tokenizer) {
  if (!args.allow_nonfinite) check_weights_finite(graph);
  options.max_tokens = checked_limit(
      "--max-tokens",
      args.max_tokens.value_or(std::min<int64_t>(int64_t{options.max_batch} * options.max_seq,
                                                 std::numeric_limits<int32_t>::max())),
      std::numeric_limits<int32_t>::max());
  if (args.calibrate) calibrate(graph, options, args, tokenizer);
  if (args.min_cosine)
    print_kept(keep_sensitive_matmuls(graph, options, *args.verify, *args.min_cosine),
               *args.min_cosine);
  if (tokenizer) std::printf("tokenizer: %s\n", describe_tokenizer(*tokenizer).c_str());
  try {
    write_model_file(graph, options, *args.output, tokenizer ? &*tokenizer : nullptr);
  } catch (const std::runtime_error& e) {
    throw std::runtime_error("at --max-batch " + std::to_string(options.max_batch) +
                             ", --max-seq " + std::to_string(options.max_seq) + ", --max-tokens " +
                             std::to_string(options.max_tokens) + ": " + e.what());
  }
}

// Rows of the EmbedLayerNorm position table: how long a sequence can be;
// nullopt when the embedding stayed unfused (then --max-seq is needed).
std::optional<int64_t> position_rows(const minirt::ir::Graph& graph) {
  for (const minirt::ir::Op& op : graph.ops) {
    if (op.type == minirt::ir::op_name(minirt::fb::OpParams::EmbedLayerNorm))
      return graph.values[op.inputs[4]].shape[0].factor;
  }
  return std::nullopt;
}

// --tokenizer DIR: the folder must hold one.
minirt::tokenizer::TokenizerConfig tokenizer_from(const fs::path& dir, int64_t max_seq) {
  auto config = read_hf_tokenizer(dir, max_seq);
  if (!config) {
    throw std::runtime_error("--tokenizer " + dir.string() +
                             ": no tokenizer.json or vocab.txt there");
  }
  return *config;
}

int run_onnx(const Args& args) {
  const auto start = std::chrono::steady_clock::now();
  onnx::OnnxConversion conversion = onnx::convert_onnx(*args.onnx, {args.passes});
  if (args.explain) print_explain(conversion);
  EmitOptions options;
  options.source = "onnx:" + args.onnx->string();
  options.max_batch = checked_limit("--max-batch", args.max_batch.value_or(kDefaultMaxBatch),
                                    std::numeric_limits<int32_t>::max());
  const std::optional<int64_t> rows = position_rows(conversion.graph);
  if (!rows && !args.max_seq)
    throw std::runtime_error(
        "the embedding stayed unfused, so the position table's size is unknown: give --max-seq "
        "(conversion checks every generic op stays in bounds up to it)");
  options.max_seq = checked_limit("--max-seq", args.max_seq.value_or(rows.value_or(0)),
                                  rows.value_or(std::numeric_limits<int32_t>::max()));
  std::optional<minirt::tokenizer::TokenizerConfig> tokenizer;
  if (args.tokenizer) tokenizer = tokenizer_from(*args.tokenizer, options.max_seq);
  write_model(conversion.graph, options, args, tokenizer);
  const double seconds =
      std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
  std::printf("wrote %s: onnx opset %lld, %zu ops, %.1f MB, %.2f s\n", args.output->c_str(),
              static_cast<long long>(conversion.opset), conversion.graph.ops.size(),
              static_cast<double>(fs::file_size(*args.output)) / 1e6, seconds);
  return 0;
}

int convert(const Args& args) {
  if (args.onnx) return run_onnx(args);
  const auto start = std::chrono::steady_clock::now();
  hf::BertConfig config;
  std::optional<hf::TensorSet> tensors;
  EmitOptions options;
  if (args.hf_dir) {
    config = hf::read_bert_config(*args.hf_dir / "config.json");
    const fs::path weights = *args.hf_dir / "model.safetensors";
    if (!fs::exists(weights)) {
      throw std::runtime_error(weights.string() +
                               " not found (sharded and pytorch_model.bin checkpoints are not "
                               "supported)");
    }
    tensors = hf::read_safetensors(weights);
    options.source = "hf:" + args.hf_dir->string();
  } else {
    config = hf::read_bert_config(*args.hf_config);
    tensors = hf::random_bert_tensors(config, *args.seed);
    options.source = "hf-config:" + args.hf_config->string() + " random-weights seed " +
                     std::to_string(*args.seed);
  }
  options.max_batch = checked_limit("--max-batch", args.max_batch.value_or(kDefaultMaxBatch),
                                    std::numeric_limits<int32_t>::max());
  const int64_t max_seq = args.max_seq.value_or(config.max_position_embeddings);
  if (max_seq > config.max_position_embeddings) {
    throw std::runtime_error("--max-seq " + std::to_string(max_seq) +
                             " exceeds the model's max_position_embeddings " +
                             std::to_string(config.max_position_embeddings));
  }
  options.max_seq = checked_limit("--max-seq", max_seq, config.max_position_embeddings);
  std::optional<minirt::tokenizer::TokenizerConfig> tokenizer;
  if (args.tokenizer) {
    tokenizer = tokenizer_from(*args.tokenizer, options.max_seq);
  } else if (args.hf_dir) {
    tokenizer = read_hf_tokenizer(*args.hf_dir, options.max_seq);
  }

  minirt::ir::Graph graph = hf::build_bert_graph(config, *tensors);
  write_model(graph, options, args, tokenizer);

  const double seconds =
      std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
  std::printf("wrote %s: %s, %zu ops, %.1f MB, %.2f s\n", args.output->c_str(),
              std::string(hf::architecture_name(config.architecture)).c_str(), graph.ops.size(),
              static_cast<double>(fs::file_size(*args.output)) / 1e6, seconds);
  return 0;
}

int run(const Args& args) {
  const int status = convert(args);
  if (status != 0 || !args.verify) return status;
  return verify_precisions(*args.output, {*args.verify, args.min_cosine}) ? 0 : 1;
}

}  // namespace

int main(int argc, char** argv) {
  if (argc == 1) {
    std::fputs(kUsage, stderr);
    return 1;
  }
  try {
    const Args args = parse_args(argc, argv);
    if (args.help) {
      std::fputs(kUsage, stdout);
      return 0;
    }
    return run(args);
  } catch (const std::exception& e) {
    std::fprintf(stderr, "minirt-convert: %s\n", e.what());
    return 1;
  }
}
