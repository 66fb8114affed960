#!/usr/bin/env python3
"""Paired comparison of accord binaries on `accord build` of one config (wall time, CPU).

Usage: python3 benches/paired.py ROUNDS KEY CONFIG BINARY [BINARY ...]

Each round runs every binary once, in a fresh random order, into a fresh output directory,
so all binaries see the same machine load; the ratio of each binary to the first is taken
round by round, then its median reported. Used for the "what changed" figures of
BENCHMARKS.md, where hyperfine's back-to-back runs of one command were too exposed to the
load drifting between commands.
"""
import os
import random
import resource
import shutil
import statistics
import subprocess
import sys
import tempfile
import time


def main() -> None:
    if len(sys.argv) < 5:
        sys.exit(__doc__)
    rounds, key, config, binaries = int(sys.argv[1]), sys.argv[2], sys.argv[3], sys.argv[4:]
    wall = {b: [] for b in binaries}
    cpu = {b: [] for b in binaries}
    with tempfile.TemporaryDirectory() as work:
        for _ in range(rounds):
            for b in random.sample(binaries, len(binaries)):
                out = os.path.join(work, "out")
                shutil.rmtree(out, ignore_errors=True)
                before = resource.getrusage(resource.RUSAGE_CHILDREN)
                start = time.perf_counter()
                subprocess.run([b, "build", config, "--out", out, "--key", key],
                               stdout=subprocess.DEVNULL, check=True)
                wall[b].append((time.perf_counter() - start) * 1000)
                after = resource.getrusage(resource.RUSAGE_CHILDREN)
                cpu[b].append((after.ru_utime - before.ru_utime
                               + after.ru_stime - before.ru_stime) * 1000)
    base = binaries[0]
    print(f"{rounds} rounds; ratio: median of the per-round ratios to {base}")
    print("| binary | median ms | min-max ms | CPU ms | ratio |")
    print("|---|---:|---:|---:|---:|")
    for b in binaries:
        ratio = statistics.median(x / y for x, y in zip(wall[b], wall[base]))
        print(f"| {b} | {statistics.median(wall[b]):.1f} | {min(wall[b]):.1f}-{max(wall[b]):.1f}"
              f" | {statistics.median(cpu[b]):.0f} | {ratio:.3f} |")


if __name__ == "__main__":
    main()
