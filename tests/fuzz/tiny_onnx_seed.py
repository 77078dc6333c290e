#!/usr/bin/env python3
"""Writes an ONNX export of bert-tiny shrunk to hidden 8 (4 heads of 2), FFN
16, vocab 16 and 16 positions: OUT_DIR/model.onnx and its external data
OUT_DIR/model.onnx.data (tens of KB). The fuzz seeds are made from it: for
fuzz_onnx_import the two files joined, for fuzz_model_load the files it
converts to; the fuzzers run hundreds of times faster on them than on the
750 KB export. The graph is the exporter's own,
node for node; only the weights are cut and the head size (a Reshape
constant, the 1/sqrt(head size) scale, declared shapes) follows them, and
the dynamo exporter's per-node stack traces are dropped. Weight values are kept
from the start of each original tensor.
Usage: tiny_onnx_seed.py MODEL.onnx OUT_DIR"""
import math
import os
import sys

import numpy as np
import onnx
from onnx import numpy_helper

# Original size -> seed size, for every tensor dimension.
DIMS = {1000: 16, 128: 16, 64: 8, 256: 16}
HEAD_SIZE, TINY_HEAD_SIZE = 16, 2
DATA_LOCATION = "model.onnx.data"  # the name fuzz_onnx_import writes too


def shrink(array):
    """The leading corner of array, each dimension cut as DIMS says."""
    return array[tuple(slice(0, DIMS.get(d, d)) for d in array.shape)]


def retarget_constant(array):
    """A scalar or 1-element constant that encodes the head size."""
    if array.size != 1:
        return array
    value = array.ravel()[0]
    if array.dtype == np.int64 and value == HEAD_SIZE:
        return np.full(array.shape, TINY_HEAD_SIZE, dtype=array.dtype)
    if array.dtype == np.float32 and value == np.float32(1 / math.sqrt(HEAD_SIZE)):
        return np.full(array.shape, 1 / math.sqrt(TINY_HEAD_SIZE), dtype=array.dtype)
    return array


def shrink_value_info(value_info):
    """Declared shapes follow the weights (the importer checks them)."""
    for dim in value_info.type.tensor_type.shape.dim:
        if dim.HasField("dim_value"):
            dim.dim_value = {HEAD_SIZE: TINY_HEAD_SIZE}.get(dim.dim_value,
                                                            DIMS.get(dim.dim_value, dim.dim_value))


def main():
    model_path, out_dir = sys.argv[1:3]
    model = onnx.load(model_path, load_external_data=False)
    onnx.load_external_data_for_model(model, os.path.dirname(os.path.abspath(model_path)))
    data = bytearray()
    for i, tensor in enumerate(model.graph.initializer):
        array = retarget_constant(shrink(numpy_helper.to_array(tensor)))
        small = numpy_helper.from_array(np.array(array, order="C"), tensor.name)
        if tensor.dims and len(small.raw_data) > 64:  # weights go to the data file
            offset = len(data)
            data += small.raw_data
            small.ClearField("raw_data")
            small.data_location = onnx.TensorProto.EXTERNAL
            for key, value in (("location", DATA_LOCATION), ("offset", str(offset)),
                               ("length", str(len(data) - offset))):
                entry = small.external_data.add()
                entry.key, entry.value = key, value
        model.graph.initializer[i].CopyFrom(small)
    for node in model.graph.node:
        for attribute in node.attribute:
            if node.op_type == "Constant" and attribute.type == onnx.AttributeProto.TENSOR:
                array = retarget_constant(numpy_helper.to_array(attribute.t))
                attribute.t.CopyFrom(numpy_helper.from_array(array, attribute.t.name))
    for node in model.graph.node:  # drop the dynamo exporter's stack traces: most of its bytes
        bare = onnx.NodeProto(op_type=node.op_type, name=node.name, domain=node.domain)
        bare.input.extend(node.input)
        bare.output.extend(node.output)
        bare.attribute.extend(node.attribute)
        node.CopyFrom(bare)
    for value_info in list(model.graph.value_info) + list(model.graph.output):
        shrink_value_info(value_info)
    os.makedirs(out_dir, exist_ok=True)
    with open(os.path.join(out_dir, "model.onnx"), "wb") as out:
        out.write(model.SerializeToString())
    with open(os.path.join(out_dir, DATA_LOCATION), "wb") as out:
        out.write(bytes(data))


if __name__ == "__main__":
    main()
