#!/usr/bin/env bash
# Whole-process benchmarks of accord against typst-cli + sha256sum + minisign.
#
#   bash benches/compare.sh            # full run (~3-5 min once accord and typst-cli are built)
#   ROUNDS=2 QUICK=1 bash benches/compare.sh   # smoke run
#
# Not part of CI. Installs what it needs when missing (hyperfine, minisign, GNU time, file,
# typst-cli 0.15.1 via `cargo install --locked`, ~12 min on 2 cores), builds accord with
# `cargo build --release --locked` twice: as the PIE users run, and linked at a fixed
# address (ACCORD_FIXED_ADDRESS=1, target/release/accord-fixed-address), writes raw hyperfine JSON and /usr/bin/time -v output
# into $RESULTS (default target/bench-results, never committed) and prints a summary.
#
# The machine is assumed to be shared and noisy, so every comparison is interleaved: each
# group of commands is run in ROUNDS rounds of a few runs each, alternating the order of
# the commands between rounds, and the samples of all rounds are pooled (median, min-max).
#
# Measured (see BENCHMARKS.md):
#   A   accord build CONFIG --out DIR --key KEY       (unencrypted key; full signed package)
#   A'  same with a passphrase-encrypted key           (scrypt, 1 GiB: deliberately slow)
#   B   typst compile --ignore-system-fonts            (agreement original 1 alone, from the
#                                                       Typst source accord generates)
#   Bs  B with --pdf-standard a-2a,ua-1                (what accord produces; informative)
#   C   shell pipeline: 3x typst compile, sha256sum, minisign -S of each PDF and a manifest
#   D   accord verify PDF --package PKG --key PUB  vs  minisign -Vm PDF -p PUB + sha256sum PDF,
#       and the same accord verify linked at a fixed address (what its relocations cost)
#   D3  the same for the package's 3 PDFs in one call (informative)
#   E   accord build of 1 vs 50 configs in one invocation (marginal time per package, RSS)
set -euo pipefail
cd "$(dirname "$0")/.."
ROOT=$PWD

ROUNDS=${ROUNDS:-5}       # interleaved rounds per comparison group
QUICK=${QUICK:-0}         # 1: fewer runs per round (smoke test)
RESULTS=${RESULTS:-$ROOT/target/bench-results}
CONFIG=$ROOT/config/un-iom-2016.toml
export PATH="$HOME/.cargo/bin:$PATH"

log() { printf '\n== %s\n' "$*" >&2; }

# --- tools -------------------------------------------------------------------------------
apt_install() {
  local SUDO=""
  [ "$(id -u)" -ne 0 ] && SUDO="sudo"
  $SUDO apt-get update -qq || true
  DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq "$@" >/dev/null
}
need=()
command -v hyperfine >/dev/null || need+=(hyperfine)
command -v minisign >/dev/null || need+=(minisign)
[ -x /usr/bin/time ] || need+=(time)
command -v python3 >/dev/null || need+=(python3)
command -v file >/dev/null || need+=(file)
if [ ${#need[@]} -gt 0 ]; then
  log "installing ${need[*]}"
  apt_install "${need[@]}"
fi
if ! typst --version 2>/dev/null | grep -q '^typst 0\.15\.1\b'; then
  log "installing typst-cli 0.15.1 (cargo install, ~12 min on 2 cores)"
  cargo install --locked typst-cli --version 0.15.1
fi
TYPST=$(command -v typst)

log "building accord at a fixed address (ACCORD_FIXED_ADDRESS=1 cargo build --release --locked)"
ACCORD_FIXED_ADDRESS=1 cargo build --release --locked
ACCORD_FIXED=$ROOT/target/release/accord-fixed-address
cp "$ROOT/target/release/accord" "$ACCORD_FIXED"
log "building accord (cargo build --release --locked)"
cargo build --release --locked
ACCORD=$ROOT/target/release/accord

# --- fixtures ----------------------------------------------------------------------------
rm -rf "$RESULTS"
mkdir -p "$RESULTS/raw" "$RESULTS/rss"
W=$RESULTS/work
K=$W/keys
SRC=$W/typst-src
mkdir -p "$K" "$SRC"
PASS=bench-passphrase-not-secret

"$ACCORD" keygen --name bench --dir "$K" --unencrypted >/dev/null
log "making the encrypted key (scrypt, slow)"
ACCORD_PASSPHRASE=$PASS "$ACCORD" keygen --name benchenc --dir "$K" >/dev/null 2>&1
minisign -G -W -p "$K/ms.pub" -s "$K/ms.key" >/dev/null

# The Typst sources accord generates (hidden --dump-typst flag), from an unsigned build.
"$ACCORD" build "$CONFIG" --out "$W/dump-out" --dump-typst "$SRC" >/dev/null
ls "$SRC"/agreement-original-1.typ "$SRC"/agreement-original-2.typ \
  "$SRC"/council-resolution.typ "$SRC"/style.typ >/dev/null

# typst-cli's `today` and PDF date = the signing date, as accord's sealed World has them.
SIGNING_DATE=$(sed -n 's/^date = "\([0-9-]*\)".*/\1/p' "$CONFIG" | head -1)
EPOCH=$(date -u -d "$SIGNING_DATE" +%s)
TC="$TYPST compile --ignore-system-fonts --creation-timestamp $EPOCH"

log "checking that typst-cli compiles accord's source with its embedded fonts"
mkdir -p "$W/check"
$TC "$SRC/agreement-original-1.typ" "$W/check/typst-cli.pdf"
"$ACCORD" build "$CONFIG" --out "$W/check" >/dev/null
if command -v pdftotext >/dev/null; then
  pdftotext -layout "$W/check/typst-cli.pdf" "$W/check/typst-cli.txt"
  pdftotext -layout "$W/check/un-iom-2016/agreement-original-1.pdf" "$W/check/accord.txt"
  if cmp -s "$W/check/typst-cli.txt" "$W/check/accord.txt"; then
    echo "typst-cli and accord PDFs have identical text layout" >&2
  else
    echo "WARNING: typst-cli and accord PDFs differ in text layout (fonts?)" >&2
  fi
fi
# Where the executable is loaded must not change a byte of the PDFs.
"$ACCORD_FIXED" build "$CONFIG" --out "$W/check-fixed" >/dev/null
for pdf in "$W"/check/un-iom-2016/*.pdf; do
  cmp "$pdf" "$W/check-fixed/un-iom-2016/${pdf##*/}" ||
    { echo "the fixed-address build writes other PDF bytes" >&2; exit 1; }
done

# C: the shell equivalent of `accord build --key`, timed whole.
cat >"$W/pipeline.sh" <<EOF
set -euo pipefail
out=$W/outC
mkdir -p "\$out"
$TC "$SRC/agreement-original-1.typ" "\$out/agreement-original-1.pdf"
$TC "$SRC/agreement-original-2.typ" "\$out/agreement-original-2.pdf"
$TC "$SRC/council-resolution.typ" "\$out/council-resolution.pdf"
cd "\$out"
sha256sum agreement-original-1.pdf agreement-original-2.pdf council-resolution.pdf >SHA256SUMS
{ echo '{"package": "un-iom-2016", "files": ['
  sed 's/^\([0-9a-f]*\)  \(.*\)\$/  {"name": "\2", "sha256": "\1"},/' SHA256SUMS
  echo ']}'; } >manifest.json
for f in agreement-original-1.pdf agreement-original-2.pdf council-resolution.pdf manifest.json; do
  minisign -S -s "$K/ms.key" -m "\$f" -t "file:\$f package:un-iom-2016" >/dev/null
done
EOF

# D: a signed package to verify against.
"$ACCORD" build "$CONFIG" --out "$W/pkgD" --key "$K/bench.key" >/dev/null
PKG=$W/pkgD/un-iom-2016
PDF=$PKG/agreement-original-1.pdf
minisign -Vm "$PDF" -p "$K/bench.pub" >/dev/null
"$ACCORD" verify "$PDF" --package "$PKG" --key "$K/bench.pub" >/dev/null

# E: 50 configs with distinct ids, and a 1-config directory.
mkdir -p "$W/e50" "$W/e1"
for i in $(seq -w 0 49); do
  sed "s/^id = .*/id = \"bench-$i\"/" "$CONFIG" >"$W/e50/bench-$i.toml"
done
cp "$W/e50/bench-00.toml" "$W/e1/"

# --- measurement helpers -----------------------------------------------------------------
# group NAME RUNS WARMUP then triples (name, prepare, command) in the arrays below.
declare -a N P C HF_EXTRA=()
add() { N+=("$1"); P+=("$2"); C+=("$3"); }
reset() { N=(); P=(); C=(); }

# Runs the current commands ROUNDS times (RUNS each per round), reversing the order every
# other round, exporting one JSON per round.
run_group() {
  local group=$1 runs=$2 warmup=$3 r i
  for r in $(seq 1 "$ROUNDS"); do
    local order=()
    for i in "${!N[@]}"; do order+=("$i"); done
    if [ $((r % 2)) -eq 0 ]; then
      local rev=(); for ((i = ${#order[@]} - 1; i >= 0; i--)); do rev+=("${order[i]}"); done
      order=("${rev[@]}")
    fi
    local args=(--runs "$runs" --warmup "$warmup" --style basic
      --export-json "$RESULTS/raw/$group-round$r.json" ${HF_EXTRA[@]+"${HF_EXTRA[@]}"})
    for i in "${order[@]}"; do args+=(--prepare "${P[i]}"); done
    for i in "${order[@]}"; do args+=(-n "${N[i]}" "${C[i]}"); done
    log "group $group, round $r/$ROUNDS"
    hyperfine "${args[@]}" >&2
  done
}

# Peak RSS: /usr/bin/time -v, REPS runs of each command, interleaved.
rss_group() {
  local reps=$1 rep i
  for rep in $(seq 1 "$reps"); do
    for i in "${!N[@]}"; do
      bash -c "${P[i]}"
      /usr/bin/time -v -o "$RESULTS/rss/${N[i]}.$rep.txt" bash -c "${C[i]}" >/dev/null 2>&1
    done
  done
}

if [ "$QUICK" = 1 ]; then R_ABC=1; R_D=5; else R_ABC=3; R_D=30; fi

# --- A, B, C -----------------------------------------------------------------------------
reset
add "A accord build --key" "rm -rf $W/outA" "$ACCORD build $CONFIG --out $W/outA --key $K/bench.key"
add "B typst compile" "rm -f $W/b.pdf" "$TC $SRC/agreement-original-1.typ $W/b.pdf"
add "Bs typst compile a-2a,ua-1" "rm -f $W/bs.pdf" \
  "$TC --pdf-standard a-2a,ua-1 $SRC/agreement-original-1.typ $W/bs.pdf"
add "C typst+sha256sum+minisign" "rm -rf $W/outC" "bash $W/pipeline.sh"
run_group ABC "$R_ABC" 1
rss_group 3

# A': the encrypted key (passphrase from the environment), separately: 1 run per round.
reset
add "A' accord build --key (encrypted)" "rm -rf $W/outA2" \
  "ACCORD_PASSPHRASE=$PASS $ACCORD build $CONFIG --out $W/outA2 --key $K/benchenc.key"
run_group A2 1 0
rss_group 1

# --- D -----------------------------------------------------------------------------------
# These take milliseconds, below what hyperfine can correct for shell start-up: run them
# without a shell (-N); the two-process variant pays for one `sh -c` (dash), as a script would.
reset
add "D accord verify" "true" "$ACCORD verify $PDF --package $PKG --key $K/bench.pub"
add "D accord verify, fixed address" "true" "$ACCORD_FIXED verify $PDF --package $PKG --key $K/bench.pub"
add "D minisign -V + sha256sum" "true" "sh -c 'minisign -Vm $PDF -p $K/bench.pub && sha256sum $PDF'"
add "D minisign -V" "true" "minisign -Vm $PDF -p $K/bench.pub"
# Informative: the 3 PDFs of the package in one call, where start-up is paid once.
PDFS="$PKG/agreement-original-1.pdf $PKG/agreement-original-2.pdf $PKG/council-resolution.pdf"
add "D3 accord verify, 3 PDFs" "true" "$ACCORD verify $PDFS --package $PKG --key $K/bench.pub"
add "D3 minisign -V + sha256sum, 3 PDFs" "true" \
  "sh -c 'for f in $PDFS; do minisign -Vm \$f -p $K/bench.pub && sha256sum \$f || exit 1; done'"
HF_EXTRA=(-N)
run_group D "$R_D" 5
HF_EXTRA=()
rss_group 3

# --- E -----------------------------------------------------------------------------------
reset
add "E1 accord build, 1 config" "rm -rf $W/outE1" "$ACCORD build $W/e1/*.toml --out $W/outE1 --key $K/bench.key"
add "E50 accord build, 50 configs" "rm -rf $W/outE50" "$ACCORD build $W/e50/*.toml --out $W/outE50 --key $K/bench.key"
ROUNDS_SAVED=$ROUNDS
[ "$QUICK" = 1 ] && ROUNDS=1
run_group E 1 0
ROUNDS=$ROUNDS_SAVED
rss_group 1
ls "$W/outE50" | grep -c '^bench-' | grep -qx 50 || { echo "E50 did not build 50 packages" >&2; exit 1; }

# --- summary -----------------------------------------------------------------------------
{
  echo "nproc: $(nproc)"
  echo "cpu: $(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2- | sed 's/^ //')"
  free -h | sed -n 2p | awk '{print "memory: " $2 " total"}'
  echo "loadavg at end: $(cut -d' ' -f1-3 /proc/loadavg)"
  echo "accord: $("$ACCORD" --version), $(file -b "$ACCORD" | cut -d, -f1); fixed address: $(file -b "$ACCORD_FIXED" | cut -d, -f1)"
  echo "typst-cli: $($TYPST --version)"
  echo "minisign: $(minisign -v 2>&1 | head -1)"
  echo "hyperfine: $(hyperfine --version)"
} >"$RESULTS/machine.txt"
cat "$RESULTS/machine.txt"
python3 "$ROOT/benches/summarize.py" "$RESULTS"
