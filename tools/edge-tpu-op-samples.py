#!/usr/bin/env python3
"""Writes the operator samples the synthetic DAG generator draws from (issue 6).

Reads the per-node statistics of the real models in ../shared/models/*.stats.json and keeps, per
kind of operator, up to 400 (flops, param_bytes, output_bytes) triples picked with a fixed seed,
plus how often each kind occurs. Run from the project root:
    python3 tools/edge-tpu-op-samples.py
"""
import glob
import json
import os
import random

HEAVY = {"Conv", "ConvTranspose", "Gemm", "MatMul"}
OUT = "pipeplan-core/src/main/resources/org/pipeplan/generate/op-samples.json"


def kind(op):
    if op in HEAVY:
        return "heavy"
    if op in {"Constant", "Shape", "Gather", "Unsqueeze", "Squeeze", "Reshape", "Concat", "Slice", "Transpose",
              "Flatten", "Identity", "Cast"}:
        return "shape"
    return "light"


def main():
    rng = random.Random(6)
    kinds = {"heavy": [], "light": [], "shape": []}
    models = []
    for path in sorted(glob.glob("../shared/models/*.stats.json")):
        stats = json.load(open(path))
        models.append(stats["model"])
        for node in stats["nodes"]:
            kinds[kind(node["op_type"])].append(
                [int(node.get("flops") or 0), int(node.get("param_bytes") or 0), int(node.get("output_bytes") or 0)])
    total = sum(len(v) for v in kinds.values())
    out = {"format": "pipeplan-op-samples", "version": 1, "models": models,
           "share": {k: round(len(v) / total, 4) for k, v in kinds.items()},
           "samples": {k: sorted(rng.sample(v, min(400, len(v)))) for k, v in kinds.items()}}
    os.makedirs(os.path.dirname(OUT), exist_ok=True)
    with open(OUT, "w") as f:
        json.dump(out, f, separators=(",", ":"))
    print(OUT, {k: len(v) for k, v in out["samples"].items()}, out["share"])


if __name__ == "__main__":
    main()
