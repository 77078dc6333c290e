// minirt: run, benchmark and inspect converted models.
#include <cstdio>
#include <exception>
#include <string>
#include <vector>

#include "runtime/cli/commands.h"

namespace {

constexpr const char* kUsage = R"(usage:
  minirt run MODEL.fb --bench [--batch B] [--seq S] [--threads N] [--warmup N] [--iters N] [--json]
                       [--profile] [--precision fp32|bf16|int8] [--fp32-attention]
                       [--device cpu|cuda]
  minirt run MODEL.fb --bench --lengths L1,L2,... | --length-mix FILE [--batch-tokens N]
                       [--batches N] [--padded] [--dump-batches FILE] [--threads N] [--warmup N]
                       [--iters N] [--json] [--precision fp32|bf16|int8] [--fp32-attention]
  minirt run MODEL.fb --refs DIR [--ragged] [--tol T] [--threads N] [--precision fp32|bf16|int8]
                      [--fp32-attention] [--device cpu|cuda] [--min-cosine X]
  minirt run MODEL.fb --text TEXT [--text-pair TEXT] [--threads N] [--precision ...]
  minirt info MODEL.fb [--plan]
  minirt tokenize MODEL.fb TEXT [TEXT_PAIR]
  minirt embed MODEL.fb [--pooling cls|mean] [-o X.npy] [--batch-tokens N] [--threads N] < LINES

run --bench   latency percentiles, throughput, cold start, memory;
              --profile adds each op's time per run, longest first
  --lengths   one padding-free batch of these sequence lengths
  --length-mix  a histogram file ("LENGTH COUNT" lines) replayed as --batches
              batches (default 32) of at most --batch-tokens tokens (default the
              model's max tokens) and max batch sequences; sequences/s, tokens/s
              and per-batch latency; --padded runs the same batches padded
run --refs    runs every case in DIR (input_K.pb / output_K.pb, ONNX TensorProto)
              and fails past the max abs error T (default 1e-4); --ragged runs
              each case padding-free (padding stripped by the mask) and compares
              the valid positions; with bf16 or int8 also reports each output
              against fp32 on the same inputs (row cosine, max abs, relative RMS,
              top-1 agreement of logits, Spearman of embeddings' pairwise
              cosines) and fails when a cosine is under --min-cosine
run --text    tokenizes with the model's tokenizer, runs, prints each output
info          config, op list, sizes and tokenizer; --plan dumps the arena plan
tokenize      the ids, token types and tokens of a text (or pair)
embed         one embedding per stdin line: the [CLS] row (default) or the mean
              of the sequence; JSON lines on stdout, or float32 [N, H] .npy
              with -o; lines batched in order under --batch-tokens padded
              tokens (default 8192) and the model's max batch

--precision   bf16: MatMuls in bfloat16, fp32 accumulation (AVX512-BF16);
              int8: u8 x s8 MatMuls, int32 accumulation (AVX512-VNNI);
              faster than fp32, less accurate (bench/RESULTS.md); with
              either, attention's Q K^T and P V run in bf16 with fp32
              accumulation where the CPU has AVX512-BF16 (the kernels line
              says "attention bf16"); softmax stays fp32
--fp32-attention  keeps attention fp32 in a bf16 or int8 session
--device      cuda: the CUDA backend (fp16 weights and activations, fp32
              accumulation and outputs) on GPU 0, in builds made with nvcc
)";

int dispatch(const std::vector<std::string>& args) {
  if (args.empty() || args[0] == "--help" || args[0] == "-h" || args[0] == "help") {
    std::fputs(kUsage, args.empty() ? stderr : stdout);
    return args.empty() ? 2 : 0;
  }
  const std::string& command = args[0];
  const std::vector<std::string> rest(args.begin() + 1, args.end());
  if (command == "info") return minirt::cli::command_info(rest);
  if (command == "tokenize") return minirt::cli::command_tokenize(rest);
  if (command == "embed") return minirt::cli::command_embed(rest);
  if (command == "run") {
    if (rest.empty() || rest[0].rfind("--", 0) == 0) {
      std::fputs("minirt: run needs a model file first\n", stderr);
      return 2;
    }
    const std::vector<std::string> flags(rest.begin() + 1, rest.end());
    bool bench = false, refs = false, text = false;
    for (const std::string& flag : flags) {
      bench |= flag == "--bench";
      refs |= flag == "--refs";
      text |= flag == "--text";
    }
    if (int(bench) + int(refs) + int(text) != 1) {
      std::fputs("minirt: run takes exactly one of --bench, --refs DIR or --text TEXT\n", stderr);
      return 2;
    }
    if (text) return minirt::cli::command_run_text(rest[0], flags);
    return bench ? minirt::cli::command_bench(rest[0], flags)
                 : minirt::cli::command_refs(rest[0], flags);
  }
  std::fprintf(stderr, "minirt: unknown command '%s'\n%s", command.c_str(), kUsage);
  return 2;
}

}  // namespace

int main(int argc, char** argv) {
  try {
    return dispatch(std::vector<std::string>(argv + 1, argv + argc));
  } catch (const std::exception& e) {
    std::fprintf(stderr, "minirt: %s\n", e.what());
    return 1;
  }
}
