"""What the survey attributes cost (issue 18, part 1): the population of N users of the bluesky
profile drawn with population.survey on and off, alternately in one process, median of --runs.
Writes a section of docs/performance.md.

    python benchmarks/bench_survey.py --nodes 1000000 --runs 3
"""

from __future__ import annotations

import argparse
import datetime as dt
import os
import platform
import statistics
import sys
import time
from pathlib import Path

from _doc import write_section

from synthsocial.population import make_population
from synthsocial.profiles import apply

ROOT = Path(__file__).resolve().parents[1]


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--nodes", type=int, default=1_000_000)
    ap.add_argument("--runs", type=int, default=3)
    ap.add_argument("--out", default=str(ROOT / "docs" / "performance.md"))
    args = ap.parse_args()
    on = apply("bluesky", args.nodes).population
    configs = {"off": on.model_copy(update={"survey": False}), "on": on}
    times: dict[str, list[float]] = {k: [] for k in configs}
    for _ in range(args.runs):
        for name, cfg in configs.items():
            t = time.perf_counter()
            make_population(args.nodes, cfg, 1, 65_536)
            times[name].append(time.perf_counter() - t)
    med = {k: statistics.median(v) for k, v in times.items()}
    print(med)
    lines = [
        f"### `python benchmarks/bench_survey.py {' '.join(sys.argv[1:])}` ({dt.date.today()}; "
        f"{platform.machine()}, {os.cpu_count()} cores, Python {platform.python_version()})",
        "",
        "| users | population, survey off | survey on | ratio |",
        "|---|---|---|---|",
        f"| {args.nodes:,} | {med['off']:.2f} s | {med['on']:.2f} s | {med['on'] / med['off']:.2f} |",
    ]
    write_section(args.out, "bench_survey", "\n".join(lines), "## Attributes from surveys (issue 18)")


if __name__ == "__main__":
    main()
