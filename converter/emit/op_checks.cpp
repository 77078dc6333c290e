#include "converter/emit/op_checks.h"

#include <cmath>
#include <limits>
#include <stdexcept>

#include "converter/emit/op_checker.h"
#include "converter/ir/op_types.h"

namespace minirt::converter {

namespace {

Shape with_last(Shape shape, int64_t last) {
  shape.back() = ir::const_dim(last);
  return shape;
}

void check_embed_layer_norm(const OpChecker& c, int64_t max_seq) {
  c.counts(8, 2);
  const Value& ids = c.in(0, DType::kI64);
  c.rank_is(ids, 2);
  c.shape_is(c.in(1, DType::kI64), ids.shape);
  c.shape_is(c.in(2, DType::kI64), ids.shape);
  const Value& word = c.in(3);
  c.rank_is(word, 2);
  const int64_t h = c.last_dim(word);
  c.weight(3, word.shape);
  const Value& position = c.in(4);
  c.rank_is(position, 2);
  c.weight(4, {position.shape[0], ir::const_dim(h)});
  c.expect(position.shape[0].factor >= max_seq,
           "position table has " + std::to_string(position.shape[0].factor) +
               " rows, fewer than max_seq " + std::to_string(max_seq));
  const Value& token_type = c.in(5);
  c.rank_is(token_type, 2);
  c.weight(5, {token_type.shape[0], ir::const_dim(h)});
  c.weight(6, {ir::const_dim(h)});
  c.weight(7, {ir::const_dim(h)});
  c.shape_is(c.out(0), {ids.shape[0], ids.shape[1], ir::const_dim(h)});
  c.shape_is(c.out(1), ids.shape);
  c.positive_float("epsilon");
}

void check_matmul(const OpChecker& c) {
  c.counts(4, 1);
  const Value& src = c.in(0);
  const int64_t k = c.last_dim(src);
  const Value& weight = c.in(1);
  c.rank_is(weight, 2);
  const int64_t n = weight.shape[0].factor;
  c.weight(1, {ir::const_dim(n), ir::const_dim(k)});
  if (c.present(2)) c.weight(2, {ir::const_dim(n)});
  const Value& dst = c.out(0);
  c.shape_is(dst, with_last(src.shape, n));
  if (c.present(3)) c.shape_is(c.in(3), dst.shape);
  const std::string& act = c.string_attr("activation");
  c.expect(act == ir::activation::kNone || act == ir::activation::kGeluErf ||
               act == ir::activation::kGeluTanh || act == ir::activation::kTanh,
           "unknown activation '" + act + "'");
}

void check_attention(const OpChecker& c) {
  c.counts(2, 1);
  const int64_t heads = c.positive_int("num_heads");
  const int64_t head_dim = c.positive_int("head_dim");
  c.positive_float("scale");
  const Value& qkv = c.in(0);
  c.rank_is(qkv, 3);
  c.shape_is(qkv, with_last(qkv.shape, 3 * heads * head_dim));
  c.shape_is(c.in(1), {qkv.shape[0], qkv.shape[1]});
  c.shape_is(c.out(0), with_last(qkv.shape, heads * head_dim));
}

void check_add_layer_norm(const OpChecker& c) {
  c.counts(4, 1);
  const Value& src = c.in(0);
  const int64_t h = c.last_dim(src);
  c.shape_is(c.in(1), src.shape);
  c.weight(2, {ir::const_dim(h)});
  c.weight(3, {ir::const_dim(h)});
  c.shape_is(c.out(0), src.shape);
  c.positive_float("epsilon");
}

void check_pooler(const OpChecker& c) {
  c.counts(3, 1);
  const Value& hidden = c.in(0);
  c.rank_is(hidden, 3);
  const int64_t h = c.last_dim(hidden);
  c.weight(1, {ir::const_dim(h), ir::const_dim(h)});
  c.weight(2, {ir::const_dim(h)});
  c.shape_is(c.out(0), {hidden.shape[0], ir::const_dim(h)});
}

}  // namespace

void check_op(const ir::Graph& graph, const ir::Op& op, int64_t max_batch, int64_t max_seq) {
  const OpChecker c(graph, op);
  if (op.type == ir::op_type::kEmbedLayerNorm) return check_embed_layer_norm(c, max_seq);
  if (op.type == ir::op_type::kMatMul) return check_matmul(c);
  if (op.type == ir::op_type::kAttention) return check_attention(c);
  if (op.type == ir::op_type::kAddLayerNorm) return check_add_layer_norm(c);
  if (op.type == ir::op_type::kPooler) return check_pooler(c);
  check_generic_op(c, max_batch, max_seq);
}

}  // namespace minirt::converter
