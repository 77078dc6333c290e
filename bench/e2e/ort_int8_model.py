#!/usr/bin/python3
"""ONNX Runtime's dynamic-int8 copy of a model, as its quantize_dynamic writes it.

    bench/e2e/ort_int8_model.py MODEL.onnx OUT.onnx

Each MatMul whose second input is a 2-D float initializer W [K, N] becomes

    x -> DynamicQuantizeLinear -> (x_q u8, x_scale, x_zero)     (one per x, shared)
    MatMulInteger(x_q, W_q, x_zero, W_zero) -> int32 -> Cast(float)
    Mul(that, Mul(x_scale, W_scale)) -> the MatMul's output

with W_q per-output-channel symmetric s8 (scale = max |W[:, n]| / 127, levels
in -127..127, zero points 0), the pattern ONNX Runtime's graph optimizer
fuses into DynamicQuantizeMatMul / MatMulIntegerToFloat, its int8 kernels.
MatMuls between two activations (attention) and Gemm stay float, as
quantize_dynamic leaves them by default (MatMulConstBOnly). Debian's
python3-onnx and python3-numpy only: ONNX Runtime's Python quantizer is not
packaged there. Prints how many MatMuls it quantized.
"""
import os
import sys

import numpy as np
import onnx
from onnx import helper, numpy_helper, TensorProto


def quantize_per_column(w):
    """s8 levels and per-column scales of a [K, N] float weight, symmetric."""
    max_abs = np.abs(w).max(axis=0)
    scale = np.where(max_abs > 0, max_abs / 127.0, 1.0).astype(np.float32)
    levels = np.clip(np.rint(w / scale), -127, 127).astype(np.int8)
    return levels, scale


def convert(model):
    graph = model.graph
    initializers = {t.name: t for t in graph.initializer}
    quantized_inputs = {}  # activation name -> (x_q, x_scale, x_zero)
    new_nodes, new_initializers, count = [], [], 0
    for node in graph.node:
        weight = initializers.get(node.input[1]) if node.op_type == "MatMul" else None
        if weight is None or len(weight.dims) != 2 or weight.data_type != TensorProto.FLOAT:
            new_nodes.append(node)
            continue
        count += 1
        x, out = node.input[0], node.output[0]
        if x not in quantized_inputs:
            names = tuple(f"{x}_{suffix}" for suffix in ("quantized", "scale", "zero_point"))
            new_nodes.append(helper.make_node("DynamicQuantizeLinear", [x], list(names),
                                              name=f"{x}_DynamicQuantizeLinear"))
            quantized_inputs[x] = names
        x_q, x_scale, x_zero = quantized_inputs[x]
        levels, scale = quantize_per_column(numpy_helper.to_array(weight).astype(np.float32))
        w = weight.name
        new_initializers += [
            numpy_helper.from_array(levels, f"{w}_quantized"),
            numpy_helper.from_array(scale, f"{w}_scale"),
            numpy_helper.from_array(np.zeros(scale.shape, np.int8), f"{w}_zero_point"),
        ]
        new_nodes += [
            helper.make_node("MatMulInteger", [x_q, f"{w}_quantized", x_zero, f"{w}_zero_point"],
                             [f"{out}_int32"], name=f"{node.name}_quant"),
            helper.make_node("Cast", [f"{out}_int32"], [f"{out}_float"], to=TensorProto.FLOAT,
                             name=f"{node.name}_cast"),
            helper.make_node("Mul", [x_scale, f"{w}_scale"], [f"{out}_scales"],
                             name=f"{node.name}_scales_mul"),
            helper.make_node("Mul", [f"{out}_float", f"{out}_scales"], [out],
                             name=f"{node.name}_output_mul"),
        ]
    if count == 0:
        raise SystemExit("ort_int8_model: no MatMul with a 2-D float initializer weight")
    used = {name for n in new_nodes for name in n.input}
    kept = [t for t in graph.initializer if t.name in used]
    del graph.node[:]
    graph.node.extend(new_nodes)
    del graph.initializer[:]
    graph.initializer.extend(kept + new_initializers)
    return count


def main():
    if len(sys.argv) != 3:
        raise SystemExit(__doc__.split("\n\n")[1])
    source, out = sys.argv[1:]
    model = onnx.load(source)  # external data is read from beside the file
    count = convert(model)
    # Weights in one external file beside the graph (the float embeddings keep
    # the model over protobuf's comfortable size otherwise).
    data = os.path.basename(out) + ".data"
    if os.path.exists(os.path.join(os.path.dirname(out) or ".", data)):
        os.remove(os.path.join(os.path.dirname(out) or ".", data))
    onnx.save(model, out, save_as_external_data=True, location=data, size_threshold=1024)
    print(f"{out}: {count} MatMuls int8 (per-channel symmetric s8 weights, dynamic u8 activations)")


if __name__ == "__main__":
    main()
