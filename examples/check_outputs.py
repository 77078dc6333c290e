"""Checks run_model's printed outputs against a reference case, the way
`minirt run --refs` does, and against that command's own printed errors.

  check_outputs.py args CASE_DIR          prints run_model's IDS and TYPES arguments
  check_outputs.py check CASE_DIR CLI_LOG RUN_MODEL_LOG

`check` recomputes each output's max abs error against the case's
output_K.pb from run_model's values and fails unless it prints exactly as the
CLI's line for the case does (same formatting, so the same number), which
holds when the C API returns what the C++ API returns to the CLI."""
import glob
import os
import struct
import sys

import tensor_proto


def case_inputs(case_dir):
    return {name: values for name, _, values in
            map(tensor_proto.read, sorted(glob.glob(os.path.join(case_dir, "input_*.pb"))))}


def to_float32(text):
    """The float32 that run_model printed with %.9g (which reads back exactly)."""
    return struct.unpack("<f", struct.pack("<f", float(text)))[0]


def run_model_outputs(log):
    outputs, current = {}, None
    for line in open(log):
        if line.startswith("output "):
            fields = line.split()
            current = outputs.setdefault(fields[1], ([int(d) for d in fields[2:]], []))
        else:
            current[1].append(to_float32(line))
    return outputs


def cli_errors(cli_log, case):
    for line in open(cli_log):
        fields = line.split()
        if fields and fields[0] == case:
            return {fields[i - 1]: fields[i + 1] for i, f in enumerate(fields) if f == "max_abs_err"}
    sys.exit(f"check_outputs: no line for {case} in {cli_log}")


def main(argv):
    if len(argv) == 3 and argv[1] == "args":
        inputs = case_inputs(argv[2])
        if len(inputs["input_ids"]) != len(inputs["token_type_ids"]) or \
                any(v != 1 for v in inputs.get("attention_mask", [])):
            sys.exit("check_outputs: run_model takes one unpadded sequence")
        print(",".join(map(str, inputs["input_ids"])), ",".join(map(str, inputs["token_type_ids"])))
        return 0
    if len(argv) != 5 or argv[1] != "check":
        sys.exit(__doc__)
    case_dir, cli_log, run_log = argv[2:]
    got = run_model_outputs(run_log)
    expected = cli_errors(cli_log, os.path.basename(os.path.normpath(case_dir)))
    failed = False
    for path in sorted(glob.glob(os.path.join(case_dir, "output_*.pb"))):
        name, dims, ref = tensor_proto.read(path)
        shape, values = got.get(name, (None, None))
        if shape != dims:
            print(f"{name}: run_model printed shape {shape}, the reference has {dims}")
            failed = True
            continue
        error = "%.3g" % max(abs(g - r) for g, r in zip(values, ref))
        ok = error == expected.get(name)
        failed |= not ok
        print(f"{name} {dims}: max_abs_err {error}, the CLI's {expected.get(name)}"
              f"{'' if ok else ' MISMATCH'}")
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
