"""Fit the generator to a reference profile and write the results (``synthsocial calibrate``).

Writes into ``out`` (new, empty, or a calibration directory it wrote; its lock held):
``results.jsonl`` (every evaluation, appended as it arrives), ``top.md``
(a Table III style ranking), ``best_config.json`` (accepted by ``generate --config``) and
``summary.json`` (reference, fitted metrics, best point, and a validation of the best point at
ten times the calibration size).

Methods: ``grid`` (the paper's), ``optuna`` (seeded TPE) and ``multifidelity`` (TPE at a tenth of
the size, the best tenth of its points promoted to the full size and refined there: what makes a
calibration at 10^5 affordable; :func:`.run.run_multifidelity`). Each evaluated point replaces its
parameters in the ``profile``'s settings at the evaluated size (with ``base`` on top), so a
size-aware profile gives every stage its own starting point.
"""

from __future__ import annotations

import json
from pathlib import Path

from ..config import GeneratorConfig
from ..errors import ConfigError, InputError
from ..io.atomic import atomic_text
from ..io.ownership import output_directory, record
from ..limits import MAX_BUDGET, MAX_PROCESSES, MAX_REPLICATES
from .run import (
    RANK_BY,
    fit_metrics,
    fixed_ned,
    rank,
    run_grid,
    run_multifidelity,
    run_optuna,
    shape_minima,
    with_degree_ginis,
)
from .space import SPACES, config_for

METHODS = ("grid", "optuna", "multifidelity")
TOP = 10


def calibrate(
    reference: str | dict,
    nodes: int,
    out: str | Path,
    *,
    method: str = "grid",
    budget: int | None = None,
    seed: int = 0,
    processes: int | None = None,
    base: GeneratorConfig | None = None,
    space: str | None = None,
    validate: bool = True,
    rank_by: str | None = None,
    replicates: int = 1,
    progress=None,
    directed: bool | None = None,
    profile: str = "paper",
) -> dict:
    """Fit ``reference`` at ``nodes`` users; ``rank_by`` minmax (default for the grid, the paper's
    ranking) or fixed (default for the searches, the NED they minimise) picks the best point.

    ``reference``: a built-in profile name, a graph file (measured here; ``directed`` says how to
    read an edge list), or a profile dict as :func:`synthsocial.metrics.reference_profile` makes.
    ``space`` (optuna, multifidelity): ``paper`` (the grid's values) or ``extended``; by default
    extended for a graph reference (measured: the paper's space loses to every baseline on a
    real follower graph, docs/calibration.md) and paper for a built-in one. ``profile``: the
    settings each point starts from (synthsocial.profiles; default the paper's generator).
    """
    from .. import profiles
    from ..metrics import GRAPH_SOURCE
    from ..metrics.references import BUILTIN

    profile = profiles.check(profile)
    graph = isinstance(reference, str) and reference.lower() not in BUILTIN
    graph = graph or (isinstance(reference, dict) and reference.get("source") == GRAPH_SOURCE)
    space = space or ("extended" if graph else "paper")
    if space not in SPACES:
        raise ConfigError(f"{{space}} {space!r} is not accepted: use paper or extended", space="calibrate.space")
    if isinstance(reference, str):
        from ..metrics import EvaluateOptions, reference_profile

        name = reference
        reference = reference_profile(name, EvaluateOptions(seed=seed, homophily=False), directed)
        if reference["metrics"].get("lcc_fraction") is None:
            raise InputError(f"reference {name!r} has no structural profile")
    rank_by = rank_by or ("minmax" if method == "grid" else "fixed")
    if rank_by not in RANK_BY:
        raise ConfigError(f"{{rank_by}} {rank_by!r} is not accepted: use minmax or fixed", rank_by="calibrate.rank_by")
    if method not in METHODS:
        raise ConfigError(
            f"{{method}} {method!r} is not accepted: use grid, optuna or multifidelity", method="calibrate.method"
        )
    if nodes < 10:
        raise ConfigError(f"{{nodes}} {nodes} is not accepted: calibrate on at least 10 users", nodes="calibrate.nodes")
    if budget is not None and not 1 <= budget <= MAX_BUDGET:
        raise ConfigError(
            f"{{budget}} {budget} is not accepted: use an integer from 1 to {MAX_BUDGET:,}", budget="calibrate.budget"
        )
    if not 1 <= replicates <= MAX_REPLICATES:
        raise ConfigError(
            f"{{replicates}} {replicates} is not accepted: use an integer from 1 to {MAX_REPLICATES:,}",
            replicates="calibrate.replicates",
        )
    if processes is not None and not 1 <= processes <= MAX_PROCESSES:
        raise ConfigError(
            f"{{processes}} {processes} is not accepted: use an integer from 1 to {MAX_PROCESSES:,}",
            processes="calibrate.processes",
        )
    reference = {**reference, "metrics": with_degree_ginis(reference["metrics"])}

    def bases(n: int) -> GeneratorConfig:
        return profiles.apply(profile, n, base)

    with output_directory(out, "calibration", command="calibrate") as d:
        summary = _calibrate(
            reference,
            nodes,
            d,
            method,
            budget,
            seed,
            processes,
            (profile, bases),
            space,
            validate,
            rank_by,
            replicates,
            progress,
        )
        record(d, FILES, "calibration")
    return summary


FILES = ["run.json", "results.jsonl", "top.md", "best_config.json", "summary.json"]


def _calibrate(
    reference: dict,
    nodes: int,
    out: Path,
    method: str,
    budget: int | None,
    seed: int,
    processes: int | None,
    start: tuple,
    space: str,
    validate: bool,
    rank_by: str,
    replicates: int,
    progress,
) -> dict:
    metrics = fit_metrics(reference, nodes)
    profile, bases = start
    base = bases(nodes)
    stages = None
    if method == "grid":
        rows = run_grid(
            reference,
            nodes,
            out,
            seed=seed,
            processes=processes,
            base=base,
            limit=budget,
            replicates=replicates,
            progress=progress,
        )
    else:
        search = {"budget": budget or 100, "seed": seed, "space": space, "replicates": replicates, "progress": progress}
        if method == "optuna":
            rows = run_optuna(reference, nodes, out, base=base, **search)
        else:
            rows, coarse = run_multifidelity(reference, nodes, out, bases=bases, **search)
            stages = [
                {"nodes": coarse[0]["nodes"], "evaluations": len(coarse), "seconds": sum(r["seconds"] for r in coarse)},
                {"nodes": nodes, "evaluations": len(rows), "seconds": sum(r["seconds"] for r in rows)},
            ]
    rows = list({r["key"]: r for r in rows}.values())
    ranked = rank(rows, reference, metrics, rank_by)
    best = ranked[0]
    cfg = config_for(best["params"], base)
    summary = {
        "reference": reference,
        "nodes": nodes,
        "seed": seed,
        "method": method,
        "profile": profile,
        "evaluations": len(rows),
        "replicates": replicates,
        "fitted_metrics": list(metrics),
        "ranked_by": rank_by,
        "space": space if method != "grid" else "paper",
        "best": {k: best[k] for k in ("key", "params", "metrics", "ned", "ned_fixed")},
    }
    if stages:
        summary["stages"] = stages
    if validate:
        from ..generation import generate
        from ..metrics import EvaluateOptions, profile

        w = generate(10 * nodes, seed=seed, config=config_for(best["params"], bases(10 * nodes)))
        m = with_degree_ginis(profile(w.to_graph(), EvaluateOptions(seed=seed, homophily=False)).metrics)
        summary["validation"] = {
            "nodes": 10 * nodes,
            "metrics": {k: m[k] for k in (*metrics, "avg_out_degree")},
            "ned_fixed": fixed_ned(m, reference, metrics),
        }
    _write(out, ranked, summary, cfg, metrics)
    return summary


def _write(out: Path, ranked: list[dict], summary: dict, cfg: GeneratorConfig, metrics: tuple[str, ...]) -> None:
    def atomic(name: str, text: str) -> None:
        atomic_text(out / name, text)

    params = list(ranked[0]["params"])
    head = "| rank | " + " | ".join(params) + " | NED | fixed NED | " + " | ".join(metrics) + " |"
    by = (
        "NED (min-max over all evaluations and the reference)"
        if summary["ranked_by"] == "minmax"
        else "fixed-scale NED"
    )
    lines = [
        f"Top {TOP} of {summary['evaluations']} evaluations at N = {summary['nodes']} against "
        f"{summary['reference']['name']}, ranked by {by}, on {', '.join(metrics)}.",
        "",
        head,
        "|---" * (head.count("|") - 1) + "|",
    ]
    for i, r in enumerate(ranked[:TOP], 1):
        lines.append(
            f"| {i} | "
            + " | ".join(
                f"{r['params'][p]:.3g}" if isinstance(r["params"][p], float) else str(r["params"][p]) for p in params
            )
            + f" | {r['ned']:.3f} | {r['ned_fixed']:.3f} | "
            + " | ".join(f"{r['metrics'][k]:.3g}" for k in metrics)
            + " |"
        )
    ref, least = summary["reference"]["metrics"], shape_minima(summary["reference"])
    lines.append(
        "| reference | "
        + " | ".join("" for _ in params)
        + " | 0 | 0 | "
        + " | ".join(f"{ref[k]:.3g}" if k in ref else f">= {least[k]:.3g}" if k in least else "-" for k in metrics)
        + " |"
    )
    atomic("top.md", "\n".join(lines) + "\n")
    atomic("best_config.json", json.dumps(cfg.to_dict(), indent=2) + "\n")
    atomic("summary.json", json.dumps(summary, indent=2, default=float) + "\n")
