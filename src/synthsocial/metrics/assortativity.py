"""Degree and attribute assortativity (Newman 2002, 2003), computed over edges with numpy.

Definitions match networkx: for a directed graph, edges are used as given (source -> target);
degree assortativity correlates the source's out-degree with the target's in-degree (networkx's
default x="out", y="in"); for an undirected graph every edge counts in both directions.
Categorical attributes use the mixing-matrix coefficient r = (sum e_ii - sum a_i b_i) /
(1 - sum a_i b_i); numeric attributes use the Pearson correlation over edges.
"""

from __future__ import annotations

import numpy as np

from ..graph import Graph


def _edge_ends(g: Graph) -> tuple[np.ndarray, np.ndarray]:
    if g.directed:
        return g.source, g.target
    return np.concatenate([g.source, g.target]), np.concatenate([g.target, g.source])


def _pearson(x: np.ndarray, y: np.ndarray) -> float | None:
    x = x.astype(np.float64)
    y = y.astype(np.float64)
    sx, sy = x.std(), y.std()
    if x.size < 2 or sx == 0 or sy == 0:
        return None
    return float(np.mean((x - x.mean()) * (y - y.mean())) / (sx * sy))


def degree_assortativity(g: Graph) -> float | None:
    """Degree assortativity: the Pearson correlation over edges of the source's out-degree and the target's in-degree
    (directed), or of the two ends' degrees with every edge counted both ways (undirected); None when undefined."""
    s, t = _edge_ends(g)
    if g.directed:
        return _pearson(g.out_degree()[s], g.in_degree()[t])
    deg = g.degree()
    return _pearson(deg[s], deg[t])


def categorical_assortativity(g: Graph, codes: np.ndarray) -> float | None:
    """``codes``: one integer category per node, negative = missing (edges touching it skipped)."""
    s, t = _edge_ends(g)
    a, b = codes[s], codes[t]
    keep = (a >= 0) & (b >= 0)
    a, b = a[keep], b[keep]
    if a.size == 0:
        return None
    k = int(max(a.max(), b.max()) + 1)
    e = np.bincount(a * k + b, minlength=k * k).reshape(k, k) / a.size
    ab = float(e.sum(axis=1) @ e.sum(axis=0))
    if ab >= 1.0:
        return None
    return float((np.trace(e) - ab) / (1.0 - ab))


def numeric_assortativity(g: Graph, values: np.ndarray) -> float | None:
    """The Pearson correlation over edges of ``values`` (one number per node) at the two ends, with every edge counted
    both ways in an undirected graph; edges touching a non-finite value are skipped; None when undefined."""
    s, t = _edge_ends(g)
    a, b = values[s], values[t]
    keep = np.isfinite(a) & np.isfinite(b)
    return _pearson(a[keep], b[keep])
