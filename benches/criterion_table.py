#!/usr/bin/env python3
"""Median and min-max per iteration of the criterion benches, as a Markdown table.

Usage (after `cargo bench --bench typeset`): python3 benches/criterion_table.py [target/criterion]
Criterion prints confidence intervals of the mean; this reads its raw samples
(new/sample.json: iteration counts and total times of each sample) instead.
"""

import glob
import json
import os
import statistics
import sys


def fmt(ns):
    if ns >= 1e6:
        return f"{ns / 1e6:.2f} ms"
    return f"{ns / 1e3:.0f} µs"


def main():
    root = sys.argv[1] if len(sys.argv) > 1 else "target/criterion"
    rows = []
    for path in sorted(glob.glob(os.path.join(root, "*", "*", "new", "sample.json"))):
        with open(os.path.join(os.path.dirname(path), "benchmark.json")) as f:
            name = json.load(f)["full_id"]
        with open(path) as f:
            sample = json.load(f)
        per_iter = [t / n for t, n in zip(sample["times"], sample["iters"])]
        rows.append((name, len(per_iter), statistics.median(per_iter), min(per_iter), max(per_iter)))
    print("| bench | samples | median | min–max |")
    print("|---|---:|---:|---:|")
    for name, n, med, lo, hi in rows:
        print(f"| {name} | {n} | {fmt(med)} | {fmt(lo)}–{fmt(hi)} |")


if __name__ == "__main__":
    main()
