#!/usr/bin/env python3
"""PyTorch's side of the GPU comparison: a BERT (HF config, random weights)
in fp16 with SDPA attention, the whole forward captured in a CUDA graph,
timed per replay with CUDA events; prints one JSON object of medians.

    torch_bench.py NAME=CONFIG.json:BATCH:SEQ ... [--replays N]
"""
import argparse
import json
import statistics
import sys

import torch
from transformers import BertConfig, BertModel


def make_model(config_path):
    config = BertConfig.from_json_file(config_path)
    try:
        model = BertModel._from_config(config, attn_implementation="sdpa", torch_dtype=torch.float16)
    except TypeError:  # older transformers
        config._attn_implementation = "sdpa"
        model = BertModel(config).half()
    return model.cuda().eval(), config


def bench(model, config, batch, seq, replays):
    ids = torch.randint(0, config.vocab_size, (batch, seq), device="cuda")
    mask = torch.ones(batch, seq, dtype=torch.int64, device="cuda")
    with torch.inference_mode():
        side = torch.cuda.Stream()
        side.wait_stream(torch.cuda.current_stream())
        with torch.cuda.stream(side):
            for _ in range(3):
                model(input_ids=ids, attention_mask=mask)
        torch.cuda.current_stream().wait_stream(side)
        graph = torch.cuda.CUDAGraph()
        with torch.cuda.graph(graph):
            model(input_ids=ids, attention_mask=mask)
        for _ in range(10):
            graph.replay()
        torch.cuda.synchronize()
        times = []
        start, stop = torch.cuda.Event(enable_timing=True), torch.cuda.Event(enable_timing=True)
        for _ in range(replays):
            start.record()
            graph.replay()
            stop.record()
            stop.synchronize()
            times.append(start.elapsed_time(stop) * 1000.0)
    return statistics.median(times)


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("shapes", nargs="+", help="NAME=CONFIG.json:BATCH:SEQ")
    parser.add_argument("--replays", type=int, default=200)
    args = parser.parse_args()
    if not torch.cuda.is_available():
        print("torch_bench: no CUDA device visible to PyTorch", file=sys.stderr)
        return 1
    results = {"torch": torch.__version__, "device": torch.cuda.get_device_name(0), "shapes": []}
    models = {}
    for spec in args.shapes:
        name, rest = spec.split("=", 1)
        config_path, batch, seq = rest.rsplit(":", 2)
        if config_path not in models:
            models[config_path] = make_model(config_path)
        model, config = models[config_path]
        us = bench(model, config, int(batch), int(seq), args.replays)
        results["shapes"].append({"name": name, "batch": int(batch), "seq": int(seq),
                                  "torch_graph_median_us": round(us, 2)})
    print(json.dumps(results))
    return 0


if __name__ == "__main__":
    sys.exit(main())
