"""The dials of the homophily space (issue 18): how `homophily.stance_weight` (the polarization
dial) moves the stance measures of a default world, how `homophily.location_weight` moves the
share of follows within a state, and what each costs the structure.

For each weight and seed a default (bluesky profile) world is generated and measured with its
users (`metrics.profile`: polarization from metrics/stance.py, or the share of follows between
users of one state and of one census region, beside clustering, normalised ASPL and modularity);
the table gives the median over seeds and the range. Writes a section of docs/evaluation.md.

    python benchmarks/dials.py --dial stance --nodes 10000 --weights 0,0.5,1,2,4,8 --seeds 1,2,3
    python benchmarks/dials.py --dial location --nodes 10000 --weights 0,1,2,4,8,16 --seeds 1,2,3
"""

from __future__ import annotations

import argparse
import datetime as dt
import statistics
from pathlib import Path

import numpy as np
from _doc import write_section

import synthsocial
from synthsocial.graph import Graph
from synthsocial.metrics import EvaluateOptions, profile

ROOT = Path(__file__).resolve().parents[1]
STRUCTURE = (("clustering", "clustering"), ("normalized_aspl", "norm. ASPL"), ("modularity", "modularity"))
COLUMNS = {
    "stance": (
        ("stance_assortativity", "stance assortativity"),
        ("ei_index", "E-I index"),
        ("neighbourhood_correlation", "neighbourhood-stance r"),
        *STRUCTURE,
    ),
    "location": (
        ("same_state", "follows within a state"),
        ("state_chance", "random pairs within a state"),
        ("same_region", "follows within a census region"),
        *STRUCTURE,
    ),
}
HEADINGS = {"stance": "## The polarization dial, measured", "location": "## The location dial, measured"}


def within(column: str, users, source: np.ndarray, target: np.ndarray) -> tuple[float, float]:
    """The share of follows between users of one ``column`` value, and of random pairs (sum of squared shares)."""
    codes = np.unique(np.asarray(users[column].to_pylist()), return_inverse=True)[1]
    share = np.bincount(codes) / codes.size
    return float(np.mean(codes[source] == codes[target])), float((share**2).sum())


def measure(dial: str, nodes: int, weight: float, seed: int) -> dict:
    w = synthsocial.generate(nodes, seed=seed, config={"homophily": {f"{dial}_weight": weight}})
    g = w.to_graph()
    m = profile(
        Graph(g.n, g.source, g.target, True, w.users), EvaluateOptions(seed=seed, homophily=dial == "stance")
    ).metrics
    out = {k: m[k] for k, _ in STRUCTURE}
    if dial == "stance":
        return {**out, **m["polarization"]}
    out["same_state"], out["state_chance"] = within("state", w.users, g.source, g.target)
    out["same_region"] = within("region", w.users, g.source, g.target)[0]
    return out


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--dial", choices=sorted(COLUMNS), default="stance")
    ap.add_argument("--nodes", type=int, default=10_000)
    ap.add_argument("--weights", default="0,0.5,1,2,4,8")
    ap.add_argument("--seeds", default="1,2,3")
    ap.add_argument("--out", default=str(ROOT / "docs" / "evaluation.md"))
    args = ap.parse_args()
    weights = [float(x) for x in args.weights.split(",")]
    seeds = [int(x) for x in args.seeds.split(",")]
    columns = COLUMNS[args.dial]
    lines = [
        f"### `python benchmarks/dials.py --dial {args.dial} --nodes {args.nodes} --weights {args.weights} "
        f"--seeds {args.seeds}` ({dt.date.today()}; median over seeds, range in brackets)",
        "",
        f"| {args.dial}_weight | " + " | ".join(label for _, label in columns) + " |",
        "|---" * (len(columns) + 1) + "|",
    ]
    for weight in weights:
        rows = [measure(args.dial, args.nodes, weight, s) for s in seeds]
        cells = []
        for key, _ in columns:
            v = [r[key] for r in rows]
            cells.append(f"{statistics.median(v):.3f} ({min(v):.3f}-{max(v):.3f})")
        lines.append(f"| {weight:g} | " + " | ".join(cells) + " |")
        print(lines[-1], flush=True)
    write_section(args.out, f"{args.dial}_dial", "\n".join(lines), HEADINGS[args.dial])


if __name__ == "__main__":
    main()
