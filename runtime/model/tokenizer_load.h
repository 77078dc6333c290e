// The file's Tokenizer table -> the runtime's Tokenizer, checked against the
// tokenizer rules (tokenizer_config.h) and the model it feeds.
#pragma once

#include <memory>

#include "format/minirt_generated.h"
#include "minirt/tokenizer.h"
#include "runtime/model/model_impl.h"

namespace minirt {

// Throws Error naming the broken rule; impl's inputs and limits are checked.
std::unique_ptr<const Tokenizer> load_tokenizer(const fb::Tokenizer& table,
                                                const Model::Impl& impl);

}  // namespace minirt
