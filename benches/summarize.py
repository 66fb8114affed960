#!/usr/bin/env python3
"""Summarises the raw results of benches/compare.sh: pooled medians, min-max, ratios, RSS.

Usage: python3 benches/summarize.py RESULTS_DIR
Reads RESULTS_DIR/raw/GROUP-roundN.json (hyperfine --export-json) and
RESULTS_DIR/rss/NAME.N.txt (/usr/bin/time -v); writes RESULTS_DIR/summary.json and
RESULTS_DIR/summary.md and prints the Markdown table.
"""

import glob
import json
import os
import re
import statistics
import sys
from collections import defaultdict


def load(results):
    samples = defaultdict(list)  # name -> all wall times (s)
    rounds = defaultdict(dict)  # (group, round) -> name -> median of that round
    cpu = defaultdict(list)  # name -> user+system mean of each round
    for path in sorted(glob.glob(os.path.join(results, "raw", "*.json"))):
        m = re.match(r"(.*)-round(\d+)\.json$", os.path.basename(path))
        group, rnd = m.group(1), int(m.group(2))
        with open(path) as f:
            data = json.load(f)
        for r in data["results"]:
            name = r["command"]
            codes = [c for c in r.get("exit_codes", []) if c not in (0, None)]
            if codes:
                sys.exit(f"{name}: non-zero exit codes {codes} in {path}")
            samples[name].extend(r["times"])
            rounds[(group, rnd)][name] = statistics.median(r["times"])
            cpu[name].append(r.get("user", 0) + r.get("system", 0))
    rss = defaultdict(list)  # name -> peak RSS (MiB) per run
    for path in glob.glob(os.path.join(results, "rss", "*.txt")):
        name = os.path.basename(path).rsplit(".", 2)[0]
        with open(path) as f:
            m = re.search(r"Maximum resident set size \(kbytes\): (\d+)", f.read())
        if m:
            rss[name].append(int(m.group(1)) / 1024)
    return samples, rounds, cpu, rss


def ms(x):
    return f"{x * 1000:.1f}" if x < 10 else f"{x * 1000:.0f}"


def main():
    results = sys.argv[1]
    samples, rounds, cpu, rss = load(results)
    med = {n: statistics.median(t) for n, t in samples.items()}

    def find(prefix):
        hits = [n for n in samples if n.startswith(prefix + " ")]
        return hits[0] if hits else None

    rows = []
    for name in sorted(samples, key=lambda n: (n.split()[0].rstrip("'"), n)):
        t = samples[name]
        r = rss.get(name, [])
        rows.append(
            {
                "name": name,
                "n": len(t),
                "median_ms": med[name] * 1000,
                "min_ms": min(t) * 1000,
                "max_ms": max(t) * 1000,
                "cpu_ms": statistics.median(cpu[name]) * 1000 if cpu[name] else None,
                "peak_rss_mib": max(r) if r else None,
            }
        )

    def ratio(na, nb):
        """Ratio of pooled medians, and the min-max of the per-round (paired) ratios."""
        if na not in med or nb not in med:
            return None
        per_round = [by[na] / by[nb] for by in rounds.values() if na in by and nb in by]
        return {
            "a": na,
            "b": nb,
            "ratio": med[na] / med[nb],
            "round_min": min(per_round),
            "round_max": max(per_round),
        }

    A, B, BS, C = find("A"), find("B"), find("Bs"), find("C")
    D, DMS, DM = "D accord verify", "D minisign -V + sha256sum", "D minisign -V"
    ratios = {
        "A/B": (ratio(A, B), 1.5),
        "A/Bs (same PDF standards as accord)": (ratio(A, BS), None),
        "A/C": (ratio(A, C), 0.4),
        "D accord / (minisign -V + sha256sum)": (ratio(D, DMS), 1.2),
        "D accord / minisign -V alone": (ratio(D, DM), None),
        "D accord as a PIE / at a fixed address": (ratio(D, "D accord verify, fixed address"), None),
        "D3 (3 PDFs in one call) accord / (minisign -V + sha256sum)": (
            ratio("D3 accord verify, 3 PDFs", "D3 minisign -V + sha256sum, 3 PDFs"),
            None,
        ),
    }

    extra = {}
    e1, e50 = find("E1"), find("E50")
    if e1 and e50:
        per_pkg = (med[e50] - med[e1]) / 49
        per_round = [
            (by[e50] - by[e1]) / 49 for by in rounds.values() if e1 in by and e50 in by
        ]
        extra["E marginal ms/package"] = {
            "value": per_pkg * 1000,
            "round_min": min(per_round) * 1000,
            "round_max": max(per_round) * 1000,
            "target": 40,
        }
        if rss.get(e50) and rss.get(e1):
            extra["E peak RSS MiB (50 / 1)"] = {
                "value": max(rss[e50]),
                "one": max(rss[e1]),
                "target": 150,
            }
    a2 = find("A'")
    if A and a2:
        extra["A' - A (passphrase KDF) ms"] = {"value": (med[a2] - med[A]) * 1000}

    lines = [
        "| command | n | median ms | min–max ms | CPU (user+sys) ms | peak RSS MiB |",
        "|---|---:|---:|---:|---:|---:|",
    ]
    for r in rows:
        cpu_ms = f"{r['cpu_ms']:.0f}" if r["cpu_ms"] is not None else ""
        rss_mib = f"{r['peak_rss_mib']:.1f}" if r["peak_rss_mib"] is not None else ""
        lines.append(
            f"| {r['name']} | {r['n']} | {ms(r['median_ms'] / 1000)} | "
            f"{ms(r['min_ms'] / 1000)}–{ms(r['max_ms'] / 1000)} | {cpu_ms} | {rss_mib} |"
        )
    lines += [
        "",
        "| ratio | median ratio | per-round range | target | met |",
        "|---|---:|---:|---:|:---:|",
    ]
    for key, (r, target) in ratios.items():
        if r is None:
            continue
        met = "" if target is None else ("yes" if r["ratio"] <= target else "**NO**")
        tgt = "" if target is None else f"≤ {target}"
        lines.append(
            f"| {key} | {r['ratio']:.2f} | {r['round_min']:.2f}–{r['round_max']:.2f} | {tgt} | {met} |"
        )
    if "E marginal ms/package" in extra:
        e = extra["E marginal ms/package"]
        met = "yes" if e["value"] <= e["target"] else "**NO**"
        lines.append(
            f"| E (T50 − T1)/49, ms per package | {e['value']:.1f} | "
            f"{e['round_min']:.1f}–{e['round_max']:.1f} | ≤ 40 | {met} |"
        )
    if "E peak RSS MiB (50 / 1)" in extra:
        e = extra["E peak RSS MiB (50 / 1)"]
        met = "yes" if e["value"] < e["target"] else "**NO**"
        lines.append(
            f"| E peak RSS, 50 packages (1 package: {e['one']:.1f}) MiB | {e['value']:.1f} | | < 150 | {met} |"
        )
    if "A' - A (passphrase KDF) ms" in extra:
        kdf_ms = extra["A' - A (passphrase KDF) ms"]["value"]
        lines.append(f"| A′ − A (scrypt key derivation), ms | {kdf_ms:.0f} | | | |")
    text = "\n".join(lines) + "\n"
    with open(os.path.join(results, "summary.md"), "w") as f:
        f.write(text)
    with open(os.path.join(results, "summary.json"), "w") as f:
        json.dump(
            {
                "commands": rows,
                "ratios": {k: dict(r, target=t) for k, (r, t) in ratios.items() if r},
                "extra": extra,
            },
            f,
            indent=2,
        )
    print(text)


if __name__ == "__main__":
    main()
