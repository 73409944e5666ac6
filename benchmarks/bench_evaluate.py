"""Time `synthsocial evaluate --json` on generated worlds and record it in docs/performance.md.

For each size a default world (seed 1) is generated once into --work, then `synthsocial evaluate`
runs --runs times, each in a fresh process (wall time of the whole command including interpreter
start and reading the Parquet files; peak resident memory of that process). The worlds are reused when already present.

    python benchmarks/bench_evaluate.py --sizes 10000,100000,1000000 --runs 3
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
import time
from pathlib import Path

from _doc import write_section

ROOT = Path(__file__).resolve().parents[1]
EXE = str(Path(sys.executable).with_name("synthsocial"))


RUN = (
    "import resource, sys\n"
    "from synthsocial.cli import main\n"
    "code = main(sys.argv[1:])\n"
    "print(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss, file=sys.stderr)\n"
    "sys.exit(code)\n"
)


def timed(args: list[str]) -> tuple[float, float, str]:
    """Wall seconds and peak resident GB of `synthsocial ARGS` in a fresh process, and its stdout."""
    t = time.perf_counter()
    out = subprocess.run([sys.executable, "-c", RUN, *args], capture_output=True, text=True, check=True)
    wall = time.perf_counter() - t
    return wall, int(out.stderr.strip().splitlines()[-1]) / 1024 / 1024, out.stdout


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--sizes", default="10000,100000,1000000")
    ap.add_argument("--runs", type=int, default=3)
    ap.add_argument("--work", default="/tmp/synthsocial-bench")
    ap.add_argument("--out", default=str(ROOT / "docs" / "performance.md"))
    args = ap.parse_args()
    work = Path(args.work)
    work.mkdir(parents=True, exist_ok=True)
    rows = []
    for n in sorted(int(s) for s in args.sizes.split(",")):
        world = work / f"world_{n}"
        if not (world / "manifest.json").exists():
            subprocess.run([EXE, "generate", "-n", str(n), "-s", "1", "-o", str(world), "--overwrite"], check=True)
        runs = [timed(["evaluate", str(world), "--json"]) for _ in range(args.runs)]
        result = json.loads(runs[-1][2])
        row = {
            "n": n,
            "edges": result["graph"]["edges"],
            "wall": statistics.median(r[0] for r in runs),
            "min": min(r[0] for r in runs),
            "max": max(r[0] for r in runs),
            "peak_gb": max(r[1] for r in runs),
            "timings": result["timings_s"],
            "methods": result["methods"],
        }
        rows.append(row)
        print(json.dumps(row), flush=True)

    phases = list(rows[-1]["timings"])
    lines = [
        f"### `python benchmarks/bench_evaluate.py {' '.join(sys.argv[1:])}` ({dt.date.today()}; "
        f"{platform.machine()}, {os.cpu_count()} cores, Python {platform.python_version()})",
        "",
        "| N | edges | runs | median wall (min-max) | peak memory | clustering | ASPL |",
        "|---|---|---|---|---|---|---|",
    ]
    for r in rows:
        lines.append(
            f"| {r['n']:,} | {r['edges']:,} | {args.runs} | {r['wall']:.1f} s ({r['min']:.1f}-{r['max']:.1f}) | "
            f"{r['peak_gb']:.2f} GB | {r['methods']['clustering']} | {r['methods']['aspl']} |"
        )
    lines += [
        "",
        "Seconds per step inside `profile` (last run; Louvain runs beside components, ASPL and degrees):",
        "",
        "| N | " + " | ".join(phases) + " |",
        "|---|" + "---|" * len(phases),
    ]
    for r in rows:
        lines.append(f"| {r['n']:,} | " + " | ".join(f"{r['timings'].get(p, 0):.1f}" for p in phases) + " |")
    block = "\n".join(lines) + "\n"
    write_section(args.out, "bench_evaluate", block, "## evaluate")


if __name__ == "__main__":
    main()
