"""Polarization of a stance attribute over the follow graph (issue 18): the measures of
echo-chamber studies, for a numeric ``stance`` column in [-1, 1] (< 0 and >= 0 are the two sides).

* stance assortativity: the Pearson correlation of the stances at the two ends of the edges
  (Newman 2003's numeric assortativity; 0: no relation, 1: everyone follows their equals);
* E-I index (Krackhardt & Stern 1988): (E - I) / (E + I) over edges, E joining the two sides and
  I within a side: -1 all ties inside a side, +1 all across; beside it the value random pairs
  of users would give, 1 - 2 (p^2 + (1 - p)^2) for a share p on one side;
* neighbourhood-stance correlation (Cinelli et al. 2021, PNAS 118(9) e2023301118): the Pearson
  correlation between a user's stance and the mean stance of the accounts they follow, over users
  who follow someone; Cinelli et al. read echo chambers from the joint distribution of the two,
  whose correlation this summarises.
"""

from __future__ import annotations

import numpy as np

from ..graph import Graph
from .assortativity import _edge_ends, _pearson, numeric_assortativity


def polarization(g: Graph, stance: np.ndarray) -> dict:
    """The three measures of the module docstring for the users' ``stance`` (one value per node)."""
    s = np.asarray(stance, dtype=np.float64)
    a, b = _edge_ends(g)
    left = s < 0
    across = int((left[a] != left[b]).sum())
    within = int(a.size - across)
    p = float(left.mean()) if s.size else 0.0
    counts = np.bincount(a, minlength=g.n)
    sums = np.bincount(a, weights=s[b], minlength=g.n)
    has = counts > 0
    return {
        "stance_assortativity": numeric_assortativity(g, s),
        "ei_index": (across - within) / (across + within) if a.size else None,
        "ei_index_random": 1.0 - 2.0 * (p * p + (1 - p) * (1 - p)),
        "neighbourhood_correlation": _pearson(s[has], sums[has] / counts[has]) if has.sum() > 1 else None,
        "users_measured": int(has.sum()),
    }
