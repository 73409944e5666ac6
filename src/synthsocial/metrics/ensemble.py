"""Ensembles: K worlds of one configuration, each metric as a mean with a confidence interval.

One world is one draw: its clustering or modularity differs from the next seed's. An ensemble
generates the same configuration with seeds ``first, first + 1, ...``, measures each world
(:func:`synthsocial.metrics.profile`, its measurement seed the world's) and reports, for every
scalar metric the reference has and for both degree Ginis, the in-degree max / median and the
fixed NED: the mean, the sample standard deviation and the two-sided Student-t interval of the
mean at ``level`` (mean +- t_{(1+level)/2, K-1} s / sqrt(K); none for K = 1), with the
reference value and the relative error of the mean.
"""

from __future__ import annotations

import math

import numpy as np

from ..progress import Progress
from .degrees import with_degree_ginis
from .ned import ned_fixed

EXTRA = ("in_degree_gini", "out_degree_gini", "in_degree_max_over_median", "reciprocity")


def interval(values: list[float], level: float = 0.95) -> dict:
    """Mean, sample standard deviation and Student-t interval of the mean of ``values`` (None and
    non-finite values left out)."""
    from scipy.stats import t

    x = np.asarray([v for v in values if v is not None and math.isfinite(v)], dtype=np.float64)
    n = int(x.size)
    if n == 0:
        return {"n": 0, "mean": None, "std": None, "low": None, "high": None, "half_width": None}
    mean = float(x.mean())
    if n == 1:
        return {"n": 1, "mean": mean, "std": None, "low": None, "high": None, "half_width": None}
    std = float(x.std(ddof=1))
    half = float(t.ppf((1 + level) / 2, n - 1) * std / math.sqrt(n))
    return {"n": n, "mean": mean, "std": std, "low": mean - half, "high": mean + half, "half_width": half}


def summarize(metrics: list[dict], reference: dict, level: float = 0.95) -> dict:
    """The ensemble statistics of measured worlds (``Profile.metrics`` of each) against ``reference``
    (a reference profile: ``name``, ``metrics``)."""
    rows = [with_degree_ginis(m) for m in metrics]
    ref = reference["metrics"]
    keys = [k for k, r in ref.items() if isinstance(r, (int, float))]
    keys += [k for k in EXTRA if k not in keys and any(isinstance(m.get(k), (int, float)) for m in rows)]
    out = {}
    for k in keys:
        row = interval([m.get(k) for m in rows], level)
        r = ref.get(k)
        row["reference"] = r if isinstance(r, (int, float)) else None
        row["relative_error"] = (row["mean"] - r) / r if row["reference"] and row["mean"] is not None else None
        out[k] = row
    ned = [ned_fixed(m, ref)["value"] for m in metrics]
    return {"worlds": len(metrics), "level": level, "metrics": out, "ned_fixed": interval(ned, level)}


def ensemble(
    nodes: int,
    seeds: list[int],
    config=None,
    profile: str | None = None,
    reference: str = "bluesky",
    options=None,
    level: float = 0.95,
    progress: Progress | None = None,
) -> dict:
    """Generate ``nodes`` users once per seed of ``seeds`` with ``config`` over ``profile``, measure
    each world against ``reference`` and return :func:`summarize`'s statistics, with ``seeds``
    and each world's metrics under ``worlds_metrics``. ``progress("worlds", done, total)`` after each world."""
    from ..generation import generate
    from ..profiles import DEFAULT
    from . import EvaluateOptions, reference_profile
    from . import profile as measure

    opt = options or EvaluateOptions()
    ref = reference_profile(reference, opt)
    measured = []
    for i, s in enumerate(seeds):
        world = generate(nodes, seed=s, config=config, profile=profile or DEFAULT)
        measured.append(measure(world.to_graph(), opt.model_copy(update={"seed": s})).metrics)
        if progress is not None:
            progress("worlds", i + 1, len(seeds))
    result = summarize(measured, ref, level)
    result.update(nodes=nodes, seeds=list(seeds), profile=profile or DEFAULT, reference=ref["name"])
    result["worlds_metrics"] = measured
    return result
