// Writes an IR graph as a minirt .fb file (format/minirt.fbs).
//
// Every weight's bytes start at a multiple of 64 from the start of the file,
// so the runtime can mmap the file and read weights in place.
#pragma once

#include <flatbuffers/flatbuffers.h>

#include <filesystem>

#include "converter/emit/emit_options.h"
#include "converter/ir/graph.h"
#include "runtime/tokenizer/tokenizer_config.h"

namespace minirt::converter {

// Serializes the graph, then validates it by loading the bytes with the
// runtime's loader (Model::load_from_memory): a model this returns is one
// the runtime accepts. Values keep their IR indices; weights get buffers in
// value order. Throws std::runtime_error naming the op or value: for what
// the file cannot express (an op type or attribute minirt.fbs has no field
// for), or "the converter produced an invalid model: " and the loader's
// message.
// A tokenizer, when given, is sealed into the file (Model.tokenizer).
flatbuffers::DetachedBuffer build_model_buffer(
    const ir::Graph& graph, const EmitOptions& options,
    const tokenizer::TokenizerConfig* tokenizer = nullptr);

// build_model_buffer, then an atomic write to `path`.
void write_model_file(const ir::Graph& graph, const EmitOptions& options,
                      const std::filesystem::path& path,
                      const tokenizer::TokenizerConfig* tokenizer = nullptr);

}  // namespace minirt::converter
