#!/usr/bin/env python3
"""ONNX Runtime's side of the CPU comparison: model.onnx on the CPU with
THREADS intra-op threads (inter-op 1, sequential, all graph optimizations),
random ids of [BATCH, SEQ], the median of ITERS runs after 5 warmups.
Prints one JSON object.

    ort_cpu_bench.py MODEL.onnx BATCH SEQ THREADS [ITERS]
"""
import json
import statistics
import sys
import time

import numpy as np
import onnxruntime as ort


def main():
    path, batch, seq, threads = sys.argv[1], int(sys.argv[2]), int(sys.argv[3]), int(sys.argv[4])
    iters = int(sys.argv[5]) if len(sys.argv) > 5 else 50
    options = ort.SessionOptions()
    options.intra_op_num_threads = threads
    options.inter_op_num_threads = 1
    options.execution_mode = ort.ExecutionMode.ORT_SEQUENTIAL
    options.graph_optimization_level = ort.GraphOptimizationLevel.ORT_ENABLE_ALL
    session = ort.InferenceSession(path, options, providers=["CPUExecutionProvider"])
    rng = np.random.default_rng(1)
    feeds = {}
    for node in session.get_inputs():
        if node.name == "input_ids":
            feeds[node.name] = rng.integers(1000, 2000, size=(batch, seq), dtype=np.int64)
        elif node.name == "attention_mask":
            feeds[node.name] = np.ones((batch, seq), dtype=np.int64)
        else:
            feeds[node.name] = np.zeros((batch, seq), dtype=np.int64)
    for _ in range(5):
        session.run(None, feeds)
    times = []
    for _ in range(iters):
        start = time.perf_counter()
        session.run(None, feeds)
        times.append((time.perf_counter() - start) * 1e6)
    print(json.dumps({"ort": ort.__version__, "threads": threads, "batch": batch, "seq": seq,
                      "ort_median_us": round(statistics.median(times), 1)}))


if __name__ == "__main__":
    main()
