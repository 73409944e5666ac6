"""Nearest neighbours in the homophily space (Algorithm 2 line 2).

The paper uses a KD-tree; so do we (scipy's cKDTree, exact, queried in parallel). The search
is behind one function so that faster exact or approximate searches can replace it; every
replacement must document its recall against this one.
"""

from __future__ import annotations

import os

import numpy as np
from scipy.spatial import cKDTree

_QUERY_BLOCK = 1 << 16


def knn(points: np.ndarray, k: int, workers: int | None = None) -> tuple[np.ndarray, np.ndarray]:
    """Exact k nearest neighbours of every point among the others (Euclidean).

    Returns ``(idx, dist)``, both (N, k), sorted by increasing distance, self excluded.
    """
    n = points.shape[0]
    k = min(k, n - 1)
    workers = workers or (os.cpu_count() or 1)
    tree = cKDTree(points, leafsize=32, balanced_tree=False, compact_nodes=True)
    idx = np.empty((n, k), dtype=np.int64)
    dist = np.empty((n, k), dtype=np.float64)
    for start in range(0, n, _QUERY_BLOCK):
        stop = min(start + _QUERY_BLOCK, n)
        d, i = tree.query(points[start:stop], k=k + 1, workers=workers)
        rows = np.arange(start, stop)
        is_self = i == rows[:, None]
        # drop self; if a duplicate point hid it, drop the farthest instead
        is_self[~is_self.any(axis=1), -1] = True
        keep = ~is_self
        idx[start:stop] = i[keep].reshape(-1, k)
        dist[start:stop] = d[keep].reshape(-1, k)
    return idx, dist
