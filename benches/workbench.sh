#!/usr/bin/env bash
# The workbench's edit-to-preview latency and memory (BENCHMARKS.md): a release build of the
# test binary drives `accord serve` in headless Chromium (the test `workbench_latency`, which
# is ignored by `cargo test`). ACCORD_BENCH_EDITS sets the number of browser edits (120).
# The load average is printed before and after the run: figures from a loaded machine are
# recorded with it.
set -euo pipefail
cd "$(dirname "$0")/.."
cargo test --release --locked --test it --no-run --quiet
echo "load average before: $(cut -d' ' -f1-3 /proc/loadavg)"
cargo test --release --locked --test it -- --ignored --nocapture workbench_latency 2>&1 |
  grep -E "^(end-to-end|server|browser)"
echo "load average after: $(cut -d' ' -f1-3 /proc/loadavg)"
