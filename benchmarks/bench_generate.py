"""Time `synthsocial.generate` at several sizes and write docs/performance.md.

Each run is a fresh subprocess (so peak memory is the run's own). For each size we report the
median wall time of --runs runs, the peak resident memory, the edges produced and the time per
phase; next to it, in the same session, the baseline networkx fast_gnp_random_graph(directed=True)
with the same numbers of nodes and (expected) edges, and the paper's times (10 cores).

    python benchmarks/bench_generate.py                 # 10^3, 10^4, 10^5; 3 runs each
    python benchmarks/bench_generate.py --sizes 1000000 --runs 3 --no-baseline --append
    python benchmarks/bench_generate.py --sizes 1000000 --runs 3 --no-baseline --knn-eps 0.5 --append
    python benchmarks/bench_generate.py --sizes 1000000 --runs 3 --no-baseline --profile paper --append
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import os
import platform
import statistics
import subprocess
import sys
from pathlib import Path

from _doc import write_section

ROOT = Path(__file__).resolve().parents[1]
PAPER_SECONDS = {1_000: 14.0, 10_000: 44.0, 100_000: 11.3 * 60, 1_000_000: 6.2 * 3600}

GENERATE = """
import json, resource, sys, time
import synthsocial
n, seed, eps, profile = int(sys.argv[1]), int(sys.argv[2]), sys.argv[3], sys.argv[4]
config = {} if eps == "profile" else {"links": {"knn_eps": float(eps)}}
t = time.perf_counter()
w = synthsocial.generate(n, seed=seed, config=config, profile=profile)
wall = time.perf_counter() - t
print(json.dumps({"wall": wall, "edges": int(w.links.source.size), "timings": w.timings,
                  "peak_mb": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024}))
"""

BASELINE = """
import json, resource, sys, time
import networkx as nx
n, m, seed = int(sys.argv[1]), int(sys.argv[2]), int(sys.argv[3])
t = time.perf_counter()
g = nx.fast_gnp_random_graph(n, m / (n * (n - 1)), seed=seed, directed=True)
wall = time.perf_counter() - t
print(json.dumps({"wall": wall, "edges": g.number_of_edges(),
                  "peak_mb": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024}))
"""


def run(code: str, *args: object) -> dict:
    out = subprocess.run([sys.executable, "-c", code, *map(str, args)], capture_output=True, text=True, check=True)
    return json.loads(out.stdout.strip().splitlines()[-1])


def fmt_s(x: float) -> str:
    return f"{x:.2f} s" if x < 120 else f"{x / 60:.1f} min" if x < 7200 else f"{x / 3600:.1f} h"


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--sizes", default="1000,10000,100000")
    ap.add_argument("--runs", type=int, default=3)
    ap.add_argument("--no-baseline", action="store_true", help="skip the networkx G(n, p) baseline")
    ap.add_argument("--out", default=str(ROOT / "docs" / "performance.md"))
    ap.add_argument("--append", action="store_true", help="keep earlier results in the marked section")
    ap.add_argument(
        "--knn-eps", type=float, default=None, help="links.knn_eps (0: exact neighbour search; default: the profile's)"
    )
    ap.add_argument("--profile", default="bluesky", help="bluesky (the default of generate) or paper")
    args = ap.parse_args()
    sizes = [int(s) for s in args.sizes.split(",")]

    rows = []
    for n in sizes:
        ours = [
            run(GENERATE, n, seed, "profile" if args.knn_eps is None else args.knn_eps, args.profile)
            for seed in range(1, args.runs + 1)
        ]
        wall = statistics.median(r["wall"] for r in ours)
        edges = int(statistics.median(r["edges"] for r in ours))
        phases = {k: statistics.median(r["timings"][k] for r in ours) for k in ours[0]["timings"]}
        row = {
            "n": n,
            "runs": args.runs,
            "wall": wall,
            "min": min(r["wall"] for r in ours),
            "max": max(r["wall"] for r in ours),
            "peak_mb": max(r["peak_mb"] for r in ours),
            "edges": edges,
            "phases": phases,
        }
        if not args.no_baseline:
            base = [run(BASELINE, n, edges, seed) for seed in range(1, args.runs + 1)]
            row["baseline_wall"] = statistics.median(r["wall"] for r in base)
            row["ratio"] = wall / row["baseline_wall"]
        rows.append(row)
        print(json.dumps(row), flush=True)

    header = [
        "| N | runs | median wall (min-max) | peak memory | edges | avg out-degree | gnp baseline (median) | ours / gnp | paper (10 cores) |",
        "|---|---|---|---|---|---|---|---|---|",
    ]
    lines = []
    for r in rows:
        base = f"{fmt_s(r['baseline_wall'])}" if "baseline_wall" in r else "-"
        ratio = f"{r['ratio']:.2f}" if "ratio" in r else "-"
        lines.append(
            f"| {r['n']:,} | {r['runs']} | {fmt_s(r['wall'])} ({r['min']:.2f}-{r['max']:.2f}) | "
            f"{r['peak_mb'] / 1024:.2f} GB | {r['edges']:,} | {r['edges'] / r['n']:.1f} | {base} | {ratio} | "
            f"{fmt_s(PAPER_SECONDS[r['n']]) if r['n'] in PAPER_SECONDS else '-'} |"
        )
    phase_lines = ["| N | " + " | ".join(rows[0]["phases"]) + " |", "|---|" + "---|" * len(rows[0]["phases"])]
    for r in rows:
        phase_lines.append(f"| {r['n']:,} | " + " | ".join(f"{v:.2f}" for v in r["phases"].values()) + " |")

    cmd = "python benchmarks/bench_generate.py " + " ".join(sys.argv[1:])
    stamp = dt.date.today().isoformat()
    machine = f"{platform.machine()}, {os.cpu_count()} cores, Python {platform.python_version()}"
    block = "\n".join(
        [
            f"### `{cmd.strip()}` ({stamp}; {machine})",
            "",
            *header,
            *lines,
            "",
            "Median seconds per phase:",
            "",
            *phase_lines,
            "",
        ]
    )
    write_section(args.out, "bench_generate", block, "## generate", append=args.append)


if __name__ == "__main__":
    main()
