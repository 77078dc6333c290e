#!/usr/bin/python3
"""ONNX Runtime's error against reference cases, as `minirt run --refs` prints minirt's.

    bench/e2e/ort_refs.py MODEL.onnx REFS_DIR

For each case folder (input_K.pb, output_K.pb TensorProtos) runs the model
through ort_run.js (onnxruntime-node, one thread, all optimizations) and
prints per output the max abs error and relative RMS error (||got - ref|| /
||ref||), in the same line format as minirt. Debian's python3-onnx and
python3-numpy.
"""
import glob
import json
import os
import subprocess
import sys
import tempfile

import numpy as np
import onnx
from onnx import numpy_helper


def read(path):
    tensor = onnx.TensorProto()
    with open(path, "rb") as f:
        tensor.ParseFromString(f.read())
    return tensor.name, numpy_helper.to_array(tensor)


def main():
    if len(sys.argv) != 3:
        raise SystemExit(__doc__.split("\n\n")[1])
    model, refs = sys.argv[1:]
    here = os.path.dirname(os.path.abspath(__file__))
    cases = sorted(d for d in glob.glob(os.path.join(refs, "*")) if glob.glob(os.path.join(d, "input_*.pb")))
    if not cases:
        raise SystemExit(f"ort_refs: {refs} holds no case folder")
    with tempfile.TemporaryDirectory() as tmp:
        for case in cases:
            inputs = dict(read(p) for p in sorted(glob.glob(os.path.join(case, "input_*.pb"))))
            in_path, out_path = os.path.join(tmp, "in.json"), os.path.join(tmp, "out.json")
            with open(in_path, "w") as f:
                json.dump({k: {"dims": list(v.shape), "data": v.astype(np.int64).reshape(-1).tolist()}
                           for k, v in inputs.items()}, f)
            subprocess.run(["node", os.path.join(here, "ort_run.js"), model, in_path, out_path], check=True)
            with open(out_path) as f:
                got = json.load(f)
            shape = "[" + ",".join(str(d) for d in inputs["input_ids"].shape) + "]"
            line = f"{os.path.basename(case):<8} {shape}"
            for p in sorted(glob.glob(os.path.join(case, "output_*.pb"))):
                name, ref = read(p)
                out = np.array(got[name]["data"], dtype=np.float64).reshape(ref.shape)
                err = out - ref.astype(np.float64)
                rel = np.sqrt((err ** 2).sum() / (ref.astype(np.float64) ** 2).sum())
                line += f"  {name} max_abs_err {np.abs(err).max():.3g} rel_rms {rel:.2g}"
            print(line)


if __name__ == "__main__":
    main()
