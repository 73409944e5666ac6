"""How the reading of "friends of friends" (Algorithm 2 line 11) moves the structure.

Generates default worlds with ``links.triadic_scope`` = "out" (follow chains, our default) and
"undirected" (the bidirectional map H, the literal reading) and prints the paper's structural
metrics next to the published Bluesky values, as a Markdown table for docs/algorithm.md.
Metrics from `synthsocial.metrics.profile` (docs/evaluation.md), with 200 BFS sources for the ASPL.

    python benchmarks/triadic_readings.py --sizes 1000,10000 --seeds 1,2,3
"""

from __future__ import annotations

import argparse
import statistics

import synthsocial
from synthsocial.metrics import EvaluateOptions, profile

BLUESKY = {
    "avg_out_degree": 35.0,
    "clustering": 0.262,
    "lcc_fraction": 1.0,
    "normalized_aspl": 0.230,
    "modularity": 0.85,
}


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--sizes", default="1000,10000")
    ap.add_argument("--seeds", default="1,2,3")
    args = ap.parse_args()
    keys = ["avg_out_degree", "clustering", "lcc_fraction", "normalized_aspl", "modularity", "reciprocity"]
    print("| N | triadic_scope | " + " | ".join(keys) + " |")
    print("|---|---|" + "---|" * len(keys))
    for n in map(int, args.sizes.split(",")):
        for scope in ("out", "undirected"):
            runs = []
            for seed in map(int, args.seeds.split(",")):
                w = synthsocial.generate(n, seed=seed, config={"links": {"triadic_scope": scope}}, profile="paper")
                g = w.to_graph()
                m = profile(g, EvaluateOptions(seed=seed, homophily=False, aspl_sources=200)).metrics
                runs.append(m)
            med = {k: statistics.median(r[k] for r in runs) for k in keys}
            print(
                f"| {n:,} | {scope} | "
                + " | ".join(f"{med[k]:.3f}" if k != "avg_out_degree" else f"{med[k]:.1f}" for k in keys)
                + " |"
            )
    print("| Bluesky (published) | | " + " | ".join(str(BLUESKY.get(k, "-")) for k in keys) + " |")


if __name__ == "__main__":
    main()
