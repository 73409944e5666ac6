"""How many evaluations does seeded TPE (optuna) need to reach the paper grid's best point?

Reads a finished grid run (`synthsocial calibrate --method grid --out GRID`), then runs
`run_optuna` over the same discrete space for several seeds with a budget of 5% of the grid.
Evaluations are deterministic (same parameters and seed give the same world and metrics), so
each optuna run starts from a copy of the grid's results.jsonl as its cache: a trial that hits a
cached point gets exactly the metrics a recomputation would give. The script recomputes the
best point of every optuna run to check that. Two criteria are reported per seed, as the
number of trials until the best-so-far reaches the grid's best:

* fixed-scale NED (what optuna minimises);
* the paper's min-max NED with the grid's bounds (what the grid ranks by).

    python benchmarks/optuna_vs_grid.py --grid /tmp/calib/bluesky_grid --reference bluesky --seeds 0,1,2,3,4
"""

from __future__ import annotations

import argparse
import json
import shutil
import statistics
import tempfile
from pathlib import Path

from synthsocial.calibrate.run import (
    ResultLog,
    _evaluate,
    fit_metrics,
    fixed_ned,
    rank,
    run_optuna,
)
from synthsocial.config import GeneratorConfig
from synthsocial.metrics.ned import minmax_bounds, ned_minmax
from synthsocial.metrics.references import builtin


def first_reaching(values: list[float], target: float) -> int | None:
    best = float("inf")
    for i, v in enumerate(values, 1):
        best = min(best, v)
        if best <= target + 1e-12:
            return i
    return None


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--grid", required=True)
    ap.add_argument("--reference", default="bluesky")
    ap.add_argument("--nodes", type=int, default=1000)
    ap.add_argument("--seeds", default="0,1,2,3,4")
    ap.add_argument("--fraction", type=float, default=0.05)
    ap.add_argument("--json", default=None, help="write the per-seed results here")
    args = ap.parse_args()
    reference = builtin(args.reference)
    grid_rows = ResultLog(Path(args.grid) / "results.jsonl").load()
    metrics = fit_metrics(reference)
    bounds = minmax_bounds([r["metrics"] for r in grid_rows] + [reference["metrics"]], metrics)
    ranked = rank(grid_rows, reference, metrics)
    grid_best_minmax = ranked[0]["ned"]
    grid_best_fixed = min(r["ned_fixed"] for r in ranked)
    budget = int(args.fraction * len(grid_rows))
    print(
        f"grid: {len(grid_rows)} evaluations; best min-max NED {grid_best_minmax:.4f}, best fixed NED {grid_best_fixed:.4f}; "
        f"optuna budget {budget}"
    )
    results = []
    for seed in (int(s) for s in args.seeds.split(",")):
        with tempfile.TemporaryDirectory() as tmp:
            shutil.copy(Path(args.grid) / "results.jsonl", Path(tmp) / "results.jsonl")
            rows = run_optuna(reference, args.nodes, Path(tmp), budget=budget, seed=seed)
        fixed = [fixed_ned(r["metrics"], reference, metrics) for r in rows]
        minmax = [n["value"] for n in ned_minmax([r["metrics"] for r in rows], reference["metrics"], metrics, bounds)]
        best = rows[min(range(len(rows)), key=fixed.__getitem__)]
        again = _evaluate((best["params"], args.nodes, 0, GeneratorConfig().to_dict(), 1))
        assert again["metrics"] == best["metrics"], "cached metrics differ from a recomputation"
        row = {
            "seed": seed,
            "trials": len(rows),
            "distinct_points": len({r["key"] for r in rows}),
            "best_fixed": min(fixed),
            "best_minmax": min(minmax),
            "trials_to_grid_best_fixed": first_reaching(fixed, grid_best_fixed),
            "trials_to_grid_best_minmax": first_reaching(minmax, grid_best_minmax),
        }
        results.append(row)
        print(json.dumps(row))
    for k in ("trials_to_grid_best_fixed", "trials_to_grid_best_minmax"):
        got = [r[k] for r in results if r[k] is not None]
        print(f"{k}: reached in {len(got)}/{len(results)} seeds; median {statistics.median(got) if got else None}")
    if args.json:
        Path(args.json).write_text(
            json.dumps(
                {
                    "grid_evaluations": len(grid_rows),
                    "budget": budget,
                    "grid_best_minmax": grid_best_minmax,
                    "grid_best_fixed": grid_best_fixed,
                    "runs": results,
                },
                indent=2,
            )
            + "\n"
        )


if __name__ == "__main__":
    main()
