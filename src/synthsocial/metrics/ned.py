"""Normalised Euclidean distance (NED) between structural profiles (paper, sections IV-B, IV-C).

Both forms use the paper's five metrics and report each metric's share of the squared distance.

* ``ned_minmax`` (the paper's): every metric is min-max normalised across the set of graphs being
  compared, the reference included; NED is the Euclidean distance between a graph's normalised
  vector and the reference's. It depends on the set: add a graph and every NED may change. With one
  graph and the reference every differing metric is 0 or 1 apart, so use it for sets (benchmarks,
  calibration grids).
* ``ned_fixed``: a fixed scale per metric so that one graph can be scored alone and scores compare
  across runs. Clustering, LCC proportion, normalised ASPL and modularity differ on their own
  scale (all of order 0..1); density differs by orders of magnitude, so its term is the difference
  of log10(density) divided by ``DENSITY_DECADES`` (6: from 10^-8 to 10^-2 spans the graphs we
  compare), capped at 1.

A metric missing (None) from a profile or the reference, such as the modularity of a world too
large for Louvain (metrics/large.py), is left out of the distance, which then lists the metrics
it used.
"""

from __future__ import annotations

import math

NED_METRICS = ("density", "clustering", "lcc_fraction", "normalized_aspl", "modularity")
DENSITY_DECADES = 6.0


def _result(diffs: dict[str, float], keys: tuple[str, ...] = NED_METRICS) -> dict:
    sq = {k: d * d for k, d in diffs.items()}
    total = sum(sq.values())
    out = {
        "value": math.sqrt(total),
        "contributions": {k: (v / total if total > 0 else 0.0) for k, v in sq.items()},
        "differences": diffs,
    }
    if len(diffs) < len(keys):
        out["metrics_used"] = list(diffs)
    return out


def _available(*profiles: dict, keys: tuple[str, ...] = NED_METRICS) -> list[str]:
    return [k for k in keys if all(p.get(k) is not None for p in profiles)]


def ned_fixed(metrics: dict, reference: dict) -> dict:
    """The fixed-scale NED between a graph's metric values and the reference's (both dicts by metric name), over the
    NED metrics both have.

    Returns ``value``, ``contributions`` (each metric's share of the squared distance), ``differences`` (per metric),
    ``form`` ("fixed") and, when a metric is left out, ``metrics_used``. A density <= 0 on either side is 1 apart
    from any other value.
    """
    diffs = {}
    for k in _available(metrics, reference):
        x, r = metrics[k], reference[k]
        if k == "density":
            if x <= 0 or r <= 0:
                d = 1.0 if x != r else 0.0
            else:
                d = min(1.0, abs(math.log10(x) - math.log10(r)) / DENSITY_DECADES)
        else:
            d = abs(x - r)
        diffs[k] = d
    out = _result(diffs)
    out["form"] = "fixed"
    return out


def minmax_bounds(profiles: list[dict], keys: tuple[str, ...] = NED_METRICS) -> dict[str, tuple[float, float]]:
    """(lowest, highest) value of each metric of ``keys`` over ``profiles`` (those that have it)."""
    keys = tuple(_available(*profiles, keys=keys))
    return {k: (min(p[k] for p in profiles), max(p[k] for p in profiles)) for k in keys}


def ned_minmax(
    profiles: list[dict],
    reference: dict,
    keys: tuple[str, ...] = NED_METRICS,
    bounds: dict[str, tuple[float, float]] | None = None,
) -> list[dict]:
    """NED of each profile to the reference, every metric of ``keys`` min-max normalised over
    ``profiles`` + ``reference`` (the paper's form). With ``bounds``, the normalisation uses those
    (lowest, highest) values instead, values outside clipped: how profiles outside a set are scored
    on that set's scale."""
    bounds = bounds if bounds is not None else minmax_bounds([*profiles, reference], keys)

    def norm(p: dict, k: str) -> float:
        lo, hi = bounds[k]
        return (min(max(p[k], lo), hi) - lo) / (hi - lo) if hi > lo else 0.0

    out = []
    for p in profiles:
        res = _result({k: abs(norm(p, k) - norm(reference, k)) for k in bounds}, keys)
        res["form"] = "minmax"
        out.append(res)
    return out
