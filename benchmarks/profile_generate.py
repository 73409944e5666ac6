"""Where `synthsocial.generate` spends its time: cProfile of one run, top functions by own time.

Complements the phase table of bench_generate.py: the phases say which mechanism, this says which
call inside it (a sparse conversion, a sort, the tree search).

    python benchmarks/profile_generate.py --nodes 1000000 --top 15
"""

from __future__ import annotations

import argparse
import cProfile
import datetime as dt
import io
import platform
import pstats
import sys
from pathlib import Path

from _doc import write_section

import synthsocial

ROOT = Path(__file__).resolve().parents[1]


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--nodes", type=int, default=1_000_000)
    ap.add_argument("--top", type=int, default=15)
    ap.add_argument("--knn-eps", type=float, default=None, help="links.knn_eps (default: the profile's)")
    ap.add_argument("--out", default=str(ROOT / "docs" / "performance.md"))
    args = ap.parse_args()
    prof = cProfile.Profile()
    prof.enable()
    config = {} if args.knn_eps is None else {"links": {"knn_eps": args.knn_eps}}
    w = synthsocial.generate(args.nodes, seed=1, config=config)
    prof.disable()
    stats = pstats.Stats(prof, stream=io.StringIO())
    total = sum(v[2] for v in stats.stats.values())  # own time of every function
    rows = sorted(stats.stats.items(), key=lambda kv: -kv[1][2])[: args.top]
    lines = ["| own s | share | calls | function |", "|---|---|---|---|"]
    for (file, line, name), (_, nc, tt, _, _) in rows:
        where = f"{Path(file).name}:{line}({name})" if line else name
        lines.append(f"| {tt:.2f} | {tt / total:.0%} | {nc} | `{where}` |")
        print(lines[-1])
    phases = ", ".join(f"{k} {v:.1f} s" for k, v in w.timings.items())
    block = (
        f"### `python benchmarks/profile_generate.py {' '.join(sys.argv[1:])}` ({dt.date.today()}; {platform.machine()}, "
        f"2 cores, Python {platform.python_version()})\n\nOne profiled run (cProfile adds overhead; the phase times "
        f"under the profiler: {phases}). The {args.top} functions with the most own time; "
        "`acquire` of a lock is the main thread waiting for the tree search running on both cores:\n\n"
        + "\n".join(lines)
    )
    write_section(args.out, "profile_generate", block, "## Profile of generate")


if __name__ == "__main__":
    main()
