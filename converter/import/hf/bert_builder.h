// Builds the fused minirt graph of a BERT model from its checkpoint tensors.
//
// Graph inputs: input_ids, attention_mask, token_type_ids (i64 [B,S]).
// Ops: embeddings (EmbedLayerNorm), then per layer l "encoder.layer.{l}." +
// qkv (MatMul), attention (Attention), attention_out (MatMul), attention_ln
// (AddLayerNorm), ffn_in (MatMul + GELU), ffn_out (MatMul), output_ln
// (AddLayerNorm); then pooler (Pooler) and, for a classifier, classifier
// (MatMul). Graph outputs: last_hidden_state and pooler_output (BertModel)
// or logits alone (BertForSequenceClassification, whose last_hidden_state and
// pooled values stay intermediates).
#pragma once

#include "converter/import/hf/bert_config.h"
#include "converter/import/hf/tensor_set.h"
#include "converter/ir/graph.h"

namespace minirt::converter::hf {

// Tensor names may carry the "bert." prefix of a task model or not. Throws
// naming the tensor when one is missing or of the wrong shape or dtype.
ir::Graph build_bert_graph(const BertConfig& config, const TensorSet& tensors);

}  // namespace minirt::converter::hf
