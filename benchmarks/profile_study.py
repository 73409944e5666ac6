"""The default world against Bluesky at several sizes and seeds (issue 16, acceptance).

For each size and seed, a fresh subprocess generates the world of ``synthsocial.generate(n, seed,
profile=PROFILE)`` and measures it (synthsocial.metrics.profile: Louvain modularity, clustering,
normalised ASPL from sampled BFS sources at these sizes); the table shows each metric, its
relative error to the published Bluesky values (metrics/references.py) and the degree shape
(in- and out-degree Gini, max / median in-degree). A cell is marked * when it misses issue 16's
target: clustering, LCC, normalised ASPL and modularity within 10% of Bluesky's, average
out-degree within 15% of 35, in-degree Gini >= 0.6, max in-degree >= 100 x the median,
out-degree Gini >= 0.5. Writes a section of docs/calibration.md.

    python benchmarks/profile_study.py --sizes 10000,100000 --seeds 1,2,3
    python benchmarks/profile_study.py --sizes 1000000 --seeds 1,2,3 --append
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import subprocess
import sys
from pathlib import Path

from _doc import write_section

from synthsocial.metrics.references import builtin

ROOT = Path(__file__).resolve().parents[1]

MEASURE = """
import json, sys, time
import numpy as np
import synthsocial
from synthsocial.metrics import EvaluateOptions, profile
from synthsocial.metrics.degrees import gini
n, seed, name, config = int(sys.argv[1]), int(sys.argv[2]), sys.argv[3], json.loads(sys.argv[4])
t = time.perf_counter()
w = synthsocial.generate(n, seed=seed, config=config, profile=name)
wall = time.perf_counter() - t
g = w.to_graph()
m = profile(g, EvaluateOptions(seed=seed, homophily=False)).metrics
ind, outd = g.in_degree(), g.out_degree()
print(json.dumps({"n": n, "seed": seed, "wall": wall, "clustering": m["clustering"], "lcc": m["lcc_fraction"],
                  "naspl": m["normalized_aspl"], "modularity": m["modularity"], "avg_out": g.m / n,
                  "in_gini": gini(ind), "out_gini": gini(outd), "max_med_in": float(ind.max() / max(np.median(ind), 1)),
                  "mechanisms": w.links.mechanisms}))
"""

_REF = builtin("bluesky")
_NAMES = {"clustering": "clustering", "lcc": "lcc_fraction", "naspl": "normalized_aspl", "modularity": "modularity"}
BLUESKY = {k: _REF["metrics"][name] for k, name in {**_NAMES, "avg_out": "avg_out_degree"}.items()}
TOLERANCE = {"clustering": 0.10, "lcc": 0.10, "naspl": 0.10, "modularity": 0.10, "avg_out": 0.15}
_SHAPE = _REF["degree_shape"]
MINIMA = {
    "in_gini": _SHAPE["in_gini_min"],
    "max_med_in": _SHAPE["max_over_median_in_min"],
    "out_gini": _SHAPE["out_gini_min"],
}


def cell(key: str, value: float) -> str:
    if key in BLUESKY:
        err = value / BLUESKY[key] - 1
        miss = abs(err) > TOLERANCE[key]
        text = f"{value:.3f} ({err:+.0%})" if key != "avg_out" else f"{value:.1f} ({err:+.0%})"
    else:
        miss = value < MINIMA[key]
        text = f"{value:,.0f}" if key == "max_med_in" else f"{value:.3f}"
    return text + (" *" if miss else "")


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--sizes", default="10000,100000")
    ap.add_argument("--seeds", default="1,2,3")
    ap.add_argument("--profile", default="bluesky")
    ap.add_argument("--out", default=str(ROOT / "docs" / "calibration.md"))
    ap.add_argument("--append", action="store_true")
    ap.add_argument("--config", default="{}", help="settings over the profile's, as JSON (e.g. a dial)")
    args = ap.parse_args()
    keys = ["clustering", "lcc", "naspl", "modularity", "avg_out", "in_gini", "max_med_in", "out_gini"]
    lines = [
        "| N | seed | clustering | LCC | norm. ASPL | modularity | avg out-degree | in-degree Gini | max / median in | "
        "out-degree Gini | generate |",
        "|---|---|---|---|---|---|---|---|---|---|---|",
    ]
    for n in [int(s) for s in args.sizes.split(",")]:
        for seed in [int(s) for s in args.seeds.split(",")]:
            r = subprocess.run(
                [sys.executable, "-c", MEASURE, str(n), str(seed), args.profile, args.config],
                capture_output=True,
                text=True,
            )
            if r.returncode:
                sys.exit(r.stderr[-2000:])
            row = json.loads(r.stdout.strip().splitlines()[-1])
            print(json.dumps(row), flush=True)
            lines.append(
                f"| {n:,} | {seed} | " + " | ".join(cell(k, row[k]) for k in keys) + f" | {row['wall']:.1f} s |"
            )
    cmd = "python benchmarks/profile_study.py " + " ".join(sys.argv[1:])
    block = "\n".join([f"### `{cmd.strip()}` ({dt.date.today().isoformat()})", "", *lines, ""])
    write_section(args.out, "profile_study", block, "## The bluesky profile", append=args.append)


if __name__ == "__main__":
    main()
