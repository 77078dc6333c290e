// minirt info: what a model file holds.
#include <cstdio>

#include "minirt/minirt.h"
#include "minirt/tokenizer.h"
#include "ops/cpu/attention.h"
#include "ops/cpu/cpu_isa.h"
#include "runtime/cli/args.h"
#include "runtime/cli/commands.h"

namespace minirt::cli {

namespace {

// What this machine can run the model with: the ISA in use, the
// --precision values it has kernels for and attention's arithmetic in them.
void print_cpu_line() {
  std::string precisions;
  for (Precision p : {Precision::kFloat32, Precision::kBFloat16, Precision::kInt8}) {
    if (precision_supported(p))
      precisions += std::string(precisions.empty() ? "" : ", ") + precision_name(p);
  }
  const bool bf16_attention =
      cpu::attention_products_for(cpu_isa_in_use(), cpu::kAttentionMaxHeadDim,
                                  cpu::AttentionProducts::kBFloat16) ==
      cpu::AttentionProducts::kBFloat16;
  std::printf("this cpu  %s%s; --precision %s; attention %s\n", cpu_isa_name(cpu_isa_in_use()),
              cpu_isa_in_use() != cpu_isa_detected() ? " (capped by MINIRT_MAX_ISA)" : "",
              precisions.c_str(),
              bf16_attention ? "bf16 in bf16 and int8 sessions (--fp32-attention: fp32)" : "fp32");
}

// "tokenizer WordPiece, 30522 tokens, ..." or "tokenizer none".
void print_tokenizer_line(const Tokenizer* tokenizer) {
  if (!tokenizer) {
    std::printf(
        "tokenizer none (the model takes token ids; minirt-convert --tokenizer DIR adds one)\n");
    return;
  }
  const TokenizerInfo t = tokenizer->info();
  std::string flags;
  auto add = [&](bool on, const char* name) {
    if (on) flags += std::string(", ") + name;
  };
  add(t.clean_text, "clean text");
  add(t.handle_chinese_chars, "CJK split");
  add(t.lowercase, "lowercase");
  add(t.strip_accents, "strip accents");
  std::string specials;
  for (const std::string& token : t.special_tokens) specials += " " + token;
  std::printf("tokenizer WordPiece, %zu tokens%s, max length %d, specials%s\n", t.vocab_size,
              flags.c_str(), t.max_length, specials.c_str());
}

}  // namespace

int command_info(const std::vector<std::string>& argv) {
  const Args args(argv, {}, {"--plan"});
  if (args.positional().size() != 1) throw Error("info takes one model file");
  const auto model = Model::load(args.positional()[0]);
  const ModelSummary s = model->summary();
  std::printf("file      %s (%zu bytes)\nproducer  %s\nsource    %s\n",
              args.positional()[0].c_str(), s.file_bytes, s.producer.c_str(), s.source.c_str());
  for (const auto& [key, value] : s.metadata)
    std::printf("  %-24s %s\n", key.c_str(), value.c_str());
  std::printf(
      "max batch %d, max seq %d\nweights   %zu bytes\narena     %zu bytes at max batch and seq "
      "(and max tokens)\n",
      s.max_batch, s.max_seq, s.weight_bytes, model->arena_bytes());
  if (s.ragged_refusal.empty())
    std::printf("ragged    up to %lld tokens per padding-free batch (max tokens)\n",
                static_cast<long long>(s.max_tokens));
  else
    std::printf("ragged    no: %s\n", s.ragged_refusal.c_str());
  for (const InputInfo& in : s.inputs) {
    if (in.binary)
      std::printf("input     %s: 0 or 1\n", in.name.c_str());
    else
      std::printf("input     %s: ids in [0, %lld)\n", in.name.c_str(),
                  static_cast<long long>(in.index_bound));
  }
  for (const std::string& out : s.outputs) std::printf("output    %s\n", out.c_str());
  print_tokenizer_line(model->tokenizer());
  print_cpu_line();
  std::printf("ops (%zu)\n", s.num_ops);
  for (const std::string& line : model->describe_ops()) std::printf("  %s\n", line.c_str());
  if (args.has("--plan")) std::printf("arena plan\n%s", model->plan_dump().c_str());
  return 0;
}

}  // namespace minirt::cli
