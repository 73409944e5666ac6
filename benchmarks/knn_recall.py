"""Recall and speed of the approximate neighbour search (`links.knn_eps`) against the exact one.

For each size, the homophily points of a world of the profile (seed 1) are built once; `knn` runs over
all N points exactly and with each eps (wall time of the whole search, --runs times, median;
ratio to the exact search of the same run). Recall@k = the share of the exact k neighbours found,
over every user. Then the structural metrics of whole worlds made with each eps (seed 1), to
show what the approximation changes downstream.

    python benchmarks/knn_recall.py --sizes 100000,1000000 --eps 0.25,0.5,1.0 --runs 3 [--profile paper]

A world's own `links.knn_eps` (the profile's) is replaced by each eps here.
"""

from __future__ import annotations

import argparse
import datetime as dt
import platform
import statistics
import sys
import time
from pathlib import Path

import numpy as np
from _doc import write_section

from synthsocial import profiles
from synthsocial.config import GeneratorConfig
from synthsocial.generation import generate
from synthsocial.homophily import points_of as project_users
from synthsocial.links import schedules
from synthsocial.links.neighbors import knn
from synthsocial.metrics import EvaluateOptions, profile
from synthsocial.population import make_population

ROOT = Path(__file__).resolve().parents[1]


def points_of(n: int, cfg: GeneratorConfig) -> np.ndarray:
    """The homophily points of a default world of n users, seed 1 (no links)."""
    return project_users(make_population(n, cfg.population, 1, cfg.block_size), cfg, 1)[0]


def recall(exact: np.ndarray, approx: np.ndarray) -> float:
    """Mean share of each row's exact neighbours present in the approximate row."""
    n = exact.shape[0]
    hits = 0
    for start in range(0, n, 65536):
        rows = np.arange(start, min(start + 65536, n), dtype=np.int64)[:, None] * n
        hits += int(np.isin(rows + exact[start : start + 65536], rows + approx[start : start + 65536]).sum())
    return hits / exact.size


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--sizes", default="100000,1000000")
    ap.add_argument("--eps", default="0.25,0.5,1.0")
    ap.add_argument("--runs", type=int, default=3)
    ap.add_argument("--world-size", type=int, default=100000)
    ap.add_argument("--profile", default="bluesky", choices=profiles.NAMES)
    ap.add_argument("--out", default=str(ROOT / "docs" / "performance.md"))
    args = ap.parse_args()
    epss = [float(e) for e in args.eps.split(",")]
    lines = ["| N | k | eps | search s (median) | ratio to exact (same runs) | recall@k |", "|---|---|---|---|---|---|"]
    for n in (int(s) for s in args.sizes.split(",")):
        cfg = profiles.apply(args.profile, n)
        pts = points_of(n, cfg)
        k = schedules.resolve(n, cfg.links).k
        times: dict[float, list[float]] = {e: [] for e in [0.0, *epss]}
        found: dict[float, np.ndarray] = {}
        for _ in range(args.runs):
            for e in times:
                t = time.perf_counter()
                idx, _ = knn(pts, k, eps=e)
                times[e].append(time.perf_counter() - t)
                found[e] = idx
        exact = statistics.median(times[0.0])
        lines.append(f"| {n:,} | {k} | 0 (exact) | {exact:.1f} | 1.00 | 1.000 |")
        for e in epss:
            ratios = [a / b for a, b in zip(times[e], times[0.0])]
            lines.append(
                f"| {n:,} | {k} | {e:g} | {statistics.median(times[e]):.1f} | {statistics.median(ratios):.2f} | "
                f"{recall(found[0.0], found[e]):.3f} |"
            )
        print(lines[-1], flush=True)
        del found
    keys = ("clustering", "normalized_aspl", "modularity", "reciprocity", "avg_out_degree")
    world = ["| eps | " + " | ".join(keys) + " |", "|---" * (len(keys) + 1) + "|"]
    for e in [0.0, *epss]:
        w = generate(args.world_size, seed=1, config={"links": {"knn_eps": e}}, profile=args.profile)
        m = profile(w.to_graph(), EvaluateOptions(seed=1, homophily=False)).metrics
        world.append(f"| {e:g} | " + " | ".join(f"{m[k]:.3f}" for k in keys) + " |")
    block = (
        f"### `python benchmarks/knn_recall.py {' '.join(sys.argv[1:])}` ({dt.date.today()}; {platform.machine()}, "
        f"2 cores, Python {platform.python_version()})\n\nProfile {args.profile}.\n\n"
        + "\n".join(lines)
        + f"\n\nWorlds of {args.world_size:,} users (seed 1) made with each eps:\n\n"
        + "\n".join(world)
    )
    write_section(args.out, "knn_recall", block, "## Approximate neighbour search")


if __name__ == "__main__":
    main()
