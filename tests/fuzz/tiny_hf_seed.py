#!/usr/bin/env python3
"""Writes a fuzz seed for fuzz_hf_import: a tiny config.json, the
separator, then a model.safetensors for it (a few KB, so the fuzzer runs fast;
the checkpoints in tests/data are 700 KB). Weights are small values, one
tensor in F16 and one in BF16 so the conversions are in the corpus.
Usage: tiny_hf_seed.py CONFIG SEPARATOR OUT"""
import json
import struct
import sys


def tensors(config):
    """Name -> shape, as Hugging Face saves the config's architecture: a
    classifier's encoder under "bert.", a BertModel's at the top level."""
    h, f = config["hidden_size"], config["intermediate_size"]
    classifier = "num_labels" in config
    b = "bert." if classifier else ""
    out = {
        b + "embeddings.word_embeddings.weight": [config["vocab_size"], h],
        b + "embeddings.position_embeddings.weight": [config["max_position_embeddings"], h],
        b + "embeddings.token_type_embeddings.weight": [config["type_vocab_size"], h],
        b + "embeddings.LayerNorm.weight": [h],
        b + "embeddings.LayerNorm.bias": [h],
    }
    for layer in range(config["num_hidden_layers"]):
        p = f"{b}encoder.layer.{layer}."
        for name, shape in [("attention.self.query", [h, h]), ("attention.self.key", [h, h]),
                            ("attention.self.value", [h, h]), ("attention.output.dense", [h, h]),
                            ("intermediate.dense", [f, h]), ("output.dense", [h, f])]:
            out[p + name + ".weight"] = shape
            out[p + name + ".bias"] = [shape[0]]
        for name in ["attention.output.LayerNorm", "output.LayerNorm"]:
            out[p + name + ".weight"] = [h]
            out[p + name + ".bias"] = [h]
    out[b + "pooler.dense.weight"] = [h, h]
    out[b + "pooler.dense.bias"] = [h]
    if classifier:
        out["classifier.weight"] = [config["num_labels"], h]
        out["classifier.bias"] = [config["num_labels"]]
    return out


def main():
    config_path, separator_path, out_path = sys.argv[1:4]
    config_text = open(config_path, "rb").read()
    config = json.loads(config_text)
    header, data = {}, bytearray()
    for i, (name, shape) in enumerate(sorted(tensors(config).items())):
        count = 1
        for d in shape:
            count *= d
        dtype = {0: "F16", 1: "BF16"}.get(i, "F32")
        if dtype == "F32":
            values = struct.pack(f"<{count}f", *[((j * 7 + i) % 13 - 6) / 64 for j in range(count)])
        elif dtype == "F16":
            values = struct.pack(f"<{count}e", *[1.0] * count)
        else:  # bfloat16 1.0
            values = b"\x80\x3f" * count
        header[name] = {"dtype": dtype, "shape": shape,
                        "data_offsets": [len(data), len(data) + len(values)]}
        data += values
    header_bytes = json.dumps(header).encode()
    with open(out_path, "wb") as out:
        out.write(config_text)
        out.write(open(separator_path, "rb").read())
        out.write(struct.pack("<Q", len(header_bytes)) + header_bytes + data)


if __name__ == "__main__":
    main()
