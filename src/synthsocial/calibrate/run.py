"""Calibration: fit the generator's hyperparameters to a reference profile (section IV-B).

* ``grid``: the paper's grid (:mod:`.space`), evaluated in parallel processes. Every result is
  appended to ``results.jsonl`` as it arrives, so an interrupted run resumes without recomputing.
* ``optuna``: seeded TPE over the same discrete values, with a budget of evaluations; minimises
  the fixed-scale NED (the min-max NED depends on the set of evaluated points).

Each evaluation generates a world of ``nodes`` users with the same seed (common random numbers:
differences between points come from the hyperparameters, not from the draw) and measures it.
The grid is ranked by the paper's min-max NED over all evaluated points plus the reference; an
optuna run by the fixed-scale NED it minimised (a min-max over the points a search chose to visit
depends on its detours). Both use the paper's five metrics, plus average out-degree,
reciprocity and the in- and out-degree Gini when the reference has them.
"""

from __future__ import annotations

import contextlib
import json
import math
import multiprocessing as mp
import os
import time
from collections.abc import Callable
from pathlib import Path

from ..config import GeneratorConfig
from ..errors import ConfigError, InputError
from ..io.atomic import atomic_text
from ..metrics.ned import NED_METRICS, ned_fixed, ned_minmax
from .space import PARAMS, config_for, grid_points, key

EXTRA_METRICS = ("avg_out_degree", "reciprocity")
DEGREE_METRICS = ("in_degree_gini", "out_degree_gini")
ProgressFn = Callable[[int, int], None]


def with_degree_ginis(metrics: dict) -> dict:
    """``metrics`` (a profile's) with the Gini of the in- and out-degrees as metrics of their own
    (``in_degree_gini``, ``out_degree_gini``) when the profile has degree summaries."""
    out = dict(metrics)
    for k in DEGREE_METRICS:
        summary = metrics.get(k.removesuffix("_gini"))
        if isinstance(summary, dict) and isinstance(summary.get("gini"), (int, float)):
            out[k] = summary["gini"]
    return out


def fit_metrics(reference: dict) -> tuple[str, ...]:
    """The paper's five, plus average out-degree, reciprocity and the in- and out-degree Gini
    when the reference has them (a graph reference has all; the built-in Bluesky profile only
    the average out-degree)."""
    ref = with_degree_ginis(reference["metrics"])
    return NED_METRICS + tuple(k for k in (*EXTRA_METRICS, *DEGREE_METRICS) if isinstance(ref.get(k), (int, float)))


KEPT = (*NED_METRICS, *EXTRA_METRICS, *DEGREE_METRICS, "communities", "aspl")


def _evaluate(task: tuple[dict, int, int, dict, int]) -> dict:
    """Worker: generate and measure one parameter combination, averaging the metrics over
    ``replicates`` worlds with seeds seed, seed + 1, ..."""
    params, nodes, seed, base, replicates = task
    from ..generation import generate
    from ..metrics import EvaluateOptions, profile

    t = time.perf_counter()
    cfg = config_for(params, GeneratorConfig.from_dict(base))
    runs = []
    for s in range(seed, seed + replicates):
        w = generate(nodes, seed=s, config=cfg)
        m = profile(w.to_graph(), EvaluateOptions(seed=s, homophily=False, threads=1)).metrics
        runs.append(with_degree_ginis(m))
    keep = {k: (None if any(m[k] is None for m in runs) else sum(m[k] for m in runs) / replicates) for k in KEPT}
    return {"key": key(params), "params": params, "metrics": keep, "seconds": round(time.perf_counter() - t, 3)}


class ResultLog:
    """Append-only JSONL of evaluations; reading it back gives what is already done."""

    def __init__(self, path: Path) -> None:
        self.path = path

    def load(self) -> list[dict]:
        """The rows logged so far, in file order; [] without a file. Lines that are not valid JSON (cut short by a
        crash) are skipped, so those points are evaluated again."""
        if not self.path.exists():
            return []
        out = []
        with self.path.open(encoding="utf-8") as fh:
            for line in fh:
                with contextlib.suppress(json.JSONDecodeError):  # a line cut by a crash: recomputed
                    out.append(json.loads(line))
        return out

    def append(self, row: dict) -> None:
        """Append one evaluation as a JSON line and fsync it, so that it survives a crash (after a
        line a crash cut short, the new one starts on a line of its own)."""
        cut = False
        if self.path.exists() and self.path.stat().st_size > 0:
            with self.path.open("rb") as fh:
                fh.seek(-1, os.SEEK_END)
                cut = fh.read(1) != b"\n"
        with self.path.open("a", encoding="utf-8") as fh:
            fh.write(("\n" if cut else "") + json.dumps(row) + "\n")
            fh.flush()
            os.fsync(fh.fileno())


def _prepare(out: Path, nodes: int, seed: int, replicates: int, base: dict) -> ResultLog:
    """Open ``out/results.jsonl`` for appending, after checking that results already there were
    made with the same settings (``out/run.json``): an evaluation is a function of the point,
    the size, the seeds and the base config, and of nothing else."""
    settings = json.loads(json.dumps({"nodes": nodes, "seed": seed, "replicates": replicates, "base_config": base}))
    stamp = out / "run.json"
    if stamp.exists():
        try:
            old = json.loads(stamp.read_text(encoding="utf-8"))
            if not isinstance(old, dict):
                raise ValueError("not an object")
        except (OSError, ValueError) as exc:
            raise InputError(
                f"{stamp}: not a readable record of calibration settings ({exc}); use a new --out"
            ) from None
        changed = [k for k in settings if old.get(k) != settings[k]]
        if changed:
            was = ", ".join(f"{k}={old.get(k)!r}" for k in changed if k != "base_config")
            raise ConfigError(
                f"{str(out)!r} holds results made with other settings ({was or 'another base config'}): "
                "use a new --out, or the same --nodes, --seed, --replicates and --config to resume"
            )
    else:
        atomic_text(stamp, json.dumps(settings, indent=2) + "\n")
    return ResultLog(out / "results.jsonl")


def run_grid(
    reference: dict,
    nodes: int,
    out: Path,
    *,
    seed: int = 0,
    processes: int | None = None,
    base: GeneratorConfig | None = None,
    limit: int | None = None,
    replicates: int = 1,
    progress: ProgressFn | None = None,
) -> list[dict]:
    """Evaluate the paper's grid (or its first ``limit`` points), resuming from ``out/results.jsonl``."""
    base_dict = (base or GeneratorConfig()).to_dict()
    log = _prepare(out, nodes, seed, replicates, base_dict)
    done = {r["key"]: r for r in log.load()}
    points = grid_points()[:limit] if limit else grid_points()
    todo = [p for p in points if key(p) not in done]
    report = progress or (lambda d, t: None)
    report(len(points) - len(todo), len(points))
    tasks = [(p, nodes, seed, base_dict, replicates) for p in todo]
    if tasks:
        procs = processes or os.cpu_count() or 1
        if procs == 1:
            iterator = map(_evaluate, tasks)
            pool = None
        else:
            pool = mp.get_context("spawn").Pool(procs)
            iterator = pool.imap_unordered(_evaluate, tasks, chunksize=4)
        try:
            for i, row in enumerate(iterator, 1):
                log.append(row)
                done[row["key"]] = row
                report(len(points) - len(todo) + i, len(points))
        finally:
            if pool is not None:
                pool.terminate()
                pool.join()
    return [done[key(p)] for p in points]


def run_optuna(
    reference: dict,
    nodes: int,
    out: Path,
    *,
    budget: int,
    seed: int = 0,
    space: str = "paper",
    base: GeneratorConfig | None = None,
    replicates: int = 1,
    progress: ProgressFn | None = None,
) -> list[dict]:
    """Seeded TPE minimising the fixed-scale NED with ``budget`` evaluations, over the grid's values
    (``space="paper"``) or the extended continuous space."""
    try:
        import optuna
    except ImportError:
        from ..errors import MissingDependencyError

        raise MissingDependencyError("--method optuna needs optuna: pip install 'synthsocial[calibrate]'") from None
    from .space import EXTENDED, PAPER_GRID, SPACES

    if budget < 1:
        raise ConfigError(f"--budget {budget} is not accepted: use an integer >= 1")
    if space not in SPACES:
        raise ConfigError(f"--space {space!r} is not accepted: use paper or extended")
    base_dict = (base or GeneratorConfig()).to_dict()
    log = _prepare(out, nodes, seed, replicates, base_dict)
    cache = {r["key"]: r for r in log.load()}
    metrics = fit_metrics(reference)
    optuna.logging.set_verbosity(optuna.logging.WARNING)
    study = optuna.create_study(direction="minimize", sampler=optuna.samplers.TPESampler(seed=seed))
    rows = []
    report = progress or (lambda d, t: None)

    def objective(trial) -> float:
        if space == "paper":
            params = {p: trial.suggest_categorical(p, list(PAPER_GRID[p])) for p in PARAMS}
        else:
            params = {
                p: trial.suggest_float(p, spec[1], spec[2])
                if spec[0] == "float"
                else trial.suggest_categorical(p, list(spec[1:]))
                for p, spec in EXTENDED.items()
            }
        k = key(params)
        row = cache.get(k)
        if row is None:
            row = _evaluate((params, nodes, seed, base_dict, replicates))
            log.append(row)
            cache[k] = row
        rows.append(row)
        report(len(rows), budget)
        return fixed_ned(row["metrics"], reference, metrics)

    study.optimize(objective, n_trials=budget)
    return rows


def fixed_ned(m: dict, reference: dict, metrics: tuple[str, ...]) -> float:
    """Fixed-scale NED over ``metrics`` (the paper's five, plus extras scaled in docs/calibration.md)."""
    ref = reference["metrics"]
    value = ned_fixed(m, ref)["value"] ** 2
    if "avg_out_degree" in metrics and m["avg_out_degree"] > 0 and ref["avg_out_degree"] > 0:
        value += min(1.0, abs(math.log10(m["avg_out_degree"] / ref["avg_out_degree"])) / 2) ** 2
    if "reciprocity" in metrics and m.get("reciprocity") is not None:
        value += (m["reciprocity"] - ref["reciprocity"]) ** 2
    ginis = with_degree_ginis(ref)
    for k in DEGREE_METRICS:  # Ginis lie in [0, 1]: their difference is already on the NED's scale
        if k in metrics and m.get(k) is not None and ginis.get(k) is not None:
            value += (m[k] - ginis[k]) ** 2
    return math.sqrt(value)


RANK_BY = ("minmax", "fixed")


def rank(rows: list[dict], reference: dict, metrics: tuple[str, ...], by: str = "minmax") -> list[dict]:
    """Rows with both NEDs, sorted by the paper's min-max NED over all rows plus the reference
    (``by="minmax"``) or by the fixed-scale NED (``by="fixed"``), on ``metrics``."""
    neds = ned_minmax([r["metrics"] for r in rows], with_degree_ginis(reference["metrics"]), keys=metrics)
    out = [
        {**r, "ned": n["value"], "ned_fixed": fixed_ned(r["metrics"], reference, metrics)} for r, n in zip(rows, neds)
    ]
    column = "ned" if by == "minmax" else "ned_fixed"
    return sorted(out, key=lambda r: (r[column], r["key"]))
