"""The polarization dial (issue 18, part 2): how `homophily.stance_weight` moves the stance
measures of a default world, and what it costs the structure.

For each weight and seed a default (bluesky profile) world is generated and measured with its
users (`metrics.profile`: polarization from metrics/stance.py beside clustering, normalised ASPL
and modularity); the table gives the median over seeds and the range. Writes a section of
docs/evaluation.md.

    python benchmarks/stance_dial.py --nodes 10000 --weights 0,0.5,1,2,4,8 --seeds 1,2,3
"""

from __future__ import annotations

import argparse
import datetime as dt
import statistics
from pathlib import Path

from _doc import write_section

import synthsocial
from synthsocial.graph import Graph
from synthsocial.metrics import EvaluateOptions, profile

ROOT = Path(__file__).resolve().parents[1]
COLUMNS = (
    ("stance_assortativity", "stance assortativity"),
    ("ei_index", "E-I index"),
    ("neighbourhood_correlation", "neighbourhood-stance r"),
    ("clustering", "clustering"),
    ("normalized_aspl", "norm. ASPL"),
    ("modularity", "modularity"),
)


def measure(nodes: int, weight: float, seed: int) -> dict:
    w = synthsocial.generate(nodes, seed=seed, config={"homophily": {"stance_weight": weight}})
    g = w.to_graph()
    m = profile(Graph(g.n, g.source, g.target, True, w.users), EvaluateOptions(seed=seed)).metrics
    return {**m["polarization"], **{k: m[k] for k in ("clustering", "normalized_aspl", "modularity")}}


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--nodes", type=int, default=10_000)
    ap.add_argument("--weights", default="0,0.5,1,2,4,8")
    ap.add_argument("--seeds", default="1,2,3")
    ap.add_argument("--out", default=str(ROOT / "docs" / "evaluation.md"))
    args = ap.parse_args()
    weights = [float(x) for x in args.weights.split(",")]
    seeds = [int(x) for x in args.seeds.split(",")]
    lines = [
        f"### `python benchmarks/stance_dial.py --nodes {args.nodes} --weights {args.weights} --seeds {args.seeds}` "
        f"({dt.date.today()}; median over seeds, range in brackets)",
        "",
        "| stance_weight | " + " | ".join(label for _, label in COLUMNS) + " |",
        "|---" * (len(COLUMNS) + 1) + "|",
    ]
    for weight in weights:
        rows = [measure(args.nodes, weight, s) for s in seeds]
        cells = []
        for key, _ in COLUMNS:
            v = [r[key] for r in rows]
            cells.append(f"{statistics.median(v):.3f} ({min(v):.3f}-{max(v):.3f})")
        lines.append(f"| {weight:g} | " + " | ".join(cells) + " |")
        print(lines[-1], flush=True)
    write_section(args.out, "stance_dial", "\n".join(lines), "## The polarization dial, measured")


if __name__ == "__main__":
    main()
