#!/usr/bin/env bash
# Whole-process timings of `accord verify --package`: a byte-identical copy (the MATCH path,
# which must not read any PDF), and copies that are not the signed file and are explained
# (re-saved by qpdf, mutool and Ghostscript, printed to PDF by pdftocairo, a bar drawn over page
# 1, forged), against the example's package: each PDF read by a worker process; when a copy's
# words are the signed ones, the scenes of the pages drawn differently, and the renders of those
# whose scenes are not alike.
#
#   bash benches/diagnose.sh            # ~1 min once accord is built
#
# Not part of CI. Needs hyperfine, qpdf, poppler-utils, mupdf-tools and ghostscript (installed
# with apt-get when missing); prints the load average before and after, since other work on the
# machine stretches every figure. Results go
# to $RESULTS (default target/bench-results/diagnose), never committed; BENCHMARKS.md has
# the figures.
set -euo pipefail
cd "$(dirname "$0")/.."
ROOT=$PWD
RESULTS=${RESULTS:-$ROOT/target/bench-results/diagnose}
need=()
command -v hyperfine >/dev/null || need+=(hyperfine)
command -v qpdf >/dev/null || need+=(qpdf)
command -v pdftocairo >/dev/null || need+=(poppler-utils)
command -v mutool >/dev/null || need+=(mupdf-tools)
command -v gs >/dev/null || need+=(ghostscript)
if [ ${#need[@]} -gt 0 ]; then
  SUDO=""; [ "$(id -u)" -ne 0 ] && SUDO="sudo"
  $SUDO apt-get update -qq || true
  DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq "${need[@]}" >/dev/null
fi
cargo build --release --locked
ACCORD=$ROOT/target/release/accord
rm -rf "$RESULTS"; mkdir -p "$RESULTS"; cd "$RESULTS"
"$ACCORD" keygen --name bench --dir keys --unencrypted >/dev/null
"$ACCORD" build "$ROOT/config/un-iom-2016.toml" --out pkgs --key keys/bench.key >/dev/null
PKG=pkgs/un-iom-2016
cp "$PKG/agreement-original-1.pdf" identical.pdf
qpdf --linearize identical.pdf resaved.pdf
mutool clean identical.pdf mutool.pdf
gs -q -dNOPAUSE -dBATCH -dSAFER -sDEVICE=pdfwrite -sOutputFile=ghostscript.pdf identical.pdf
pdftocairo -pdf identical.pdf printed.pdf
# A red bar drawn across page 1: the same words, a page that does not look the same (rendered).
gs -q -dNOPAUSE -dBATCH -dSAFER -sDEVICE=pdfwrite -sOutputFile=bar.pdf -c \
  "<</PageSize [595.28 841.89]>> setpagedevice 1 0 0 setrgbcolor 100 300 moveto 480 700 lineto 500 700 lineto 120 300 lineto fill showpage"
qpdf identical.pdf --overlay bar.pdf --to=1 -- barred.pdf
sed 's/art2-1-crucial = "reject"/art2-1-crucial = "accept"/' "$ROOT/config/un-iom-2016.toml" > forged.toml
"$ACCORD" build forged.toml --out forged >/dev/null
cp forged/un-iom-2016/agreement-original-1.pdf forged.pdf
V="$ACCORD verify --package $PKG --key keys/bench.pub"
echo "load average before: $(cut -d' ' -f1-3 /proc/loadavg)"
hyperfine -N -i --warmup 5 --runs 40 --export-json timings.json \
  -n match "$V identical.pdf" \
  -n re-saved "$V resaved.pdf" \
  -n mutool "$V mutool.pdf" \
  -n ghostscript "$V ghostscript.pdf" \
  -n printed "$V printed.pdf" \
  -n barred "$V barred.pdf" \
  -n forged "$V forged.pdf"
python3 - <<'PY'
import json
for r in json.load(open("timings.json"))["results"]:
    print(f"{r['command']:12} median {r['median']*1000:6.1f} ms  (min {r['min']*1000:.1f}, max {r['max']*1000:.1f})")
PY
echo "load average after: $(cut -d' ' -f1-3 /proc/loadavg)"
