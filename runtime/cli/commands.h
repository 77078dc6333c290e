// The CLI's commands; each returns the process exit code.
#pragma once

#include <string>
#include <vector>

namespace minirt::cli {

int command_info(const std::vector<std::string>& argv);
int command_bench(const std::string& model_path, const std::vector<std::string>& argv);
// --bench with --lengths or --length-mix: variable-length batches, ragged or --padded.
int command_bench_ragged(const std::string& model_path, const std::vector<std::string>& argv);
int command_refs(const std::string& model_path, const std::vector<std::string>& argv);
int command_tokenize(const std::vector<std::string>& argv);
int command_run_text(const std::string& model_path, const std::vector<std::string>& argv);
int command_embed(const std::vector<std::string>& argv);

}  // namespace minirt::cli
