"""Nearest neighbours in the homophily space (Algorithm 2 line 2).

The paper uses a KD-tree; so do we (scipy's cKDTree, queried in parallel). Exact by default;
``eps > 0`` asks the tree for (1 + eps)-approximate neighbours (each returned k-th distance is at
most 1 + eps times the true one), which prunes far more of the tree. Its recall@k against the
exact search is measured by ``benchmarks/knn_recall.py`` and recorded in docs/performance.md.

Each query's answer depends only on the tree and the query point, never on which other points
are queried with it or in what order: the local engine queries everybody at once, the Dask engine
one chunk of the leaf order per task, and both get the same neighbours.
"""

from __future__ import annotations

import os
import signal
import threading
from collections.abc import Iterator
from contextlib import contextmanager

import numpy as np
from scipy.spatial import cKDTree

_QUERY_BLOCK = 1 << 16


@contextmanager
def interrupt_held() -> Iterator[None]:
    """Hold an interrupt (SIGINT, Ctrl-C) back for the block, and deliver it when the block ends.

    scipy's cKDTree queries with ``workers`` > 1 run in threads the calling thread joins one after
    another; an interrupt raised between two joins unwound the caller while a thread still read the
    query's arrays, and the process crashed with a segmentation fault (issue 32). Inside the block
    SIGINT is only recorded (Python runs signal handlers in the main thread, whichever thread the
    signal reached); the process's own handler runs when the block is over."""
    if threading.current_thread() is not threading.main_thread():
        yield
        return
    previous = signal.getsignal(signal.SIGINT)
    if previous in (signal.SIG_IGN, None):
        yield
        return
    caught: list[int] = []
    signal.signal(signal.SIGINT, lambda signum, frame: caught.append(signum))
    try:
        yield
    finally:
        signal.signal(signal.SIGINT, previous)
    if caught:
        if callable(previous):
            previous(signal.SIGINT, None)  # Python's default handler raises KeyboardInterrupt
        else:
            os.kill(os.getpid(), signal.SIGINT)


def tree_query(tree: cKDTree, x: np.ndarray, k: int, workers: int = 1, eps: float = 0.0):
    """``tree.query(x, k, eps=eps, workers=workers)``, an interrupt held back until its threads are done."""
    with interrupt_held():
        return tree.query(x, k=k, workers=workers, eps=eps)


def build_tree(points: np.ndarray) -> cKDTree:
    """A scipy cKDTree over the rows of ``points`` (leaves of 32 points, midpoint rather than median splits, compact
    nodes); ``tree.indices`` is its leaf order."""
    return cKDTree(points, leafsize=32, balanced_tree=False, compact_nodes=True)


def query(tree: cKDTree, rows: np.ndarray, k: int, workers: int = 1, eps: float = 0.0) -> tuple[np.ndarray, np.ndarray]:
    """The k nearest neighbours of the points ``rows`` (indices into the tree's data) among the
    others: ``(idx, dist)``, (len(rows), k), sorted by increasing distance, self excluded.

    Query rows in the tree's leaf order when you can: consecutive queries then walk the same
    nodes, which keeps them in cache (2.4x faster at 10^6 than the users' order).
    """
    n = tree.n
    d, i = tree_query(tree, tree.data[rows], k + 1, workers, eps)
    is_self = i == rows[:, None]
    # drop self; if a duplicate point hid it, drop the farthest instead
    is_self[~is_self.any(axis=1), -1] = True
    keep = ~is_self
    idx = i[keep].reshape(-1, k).astype(np.int32 if n < 2**31 else np.int64, copy=False)
    return idx, d[keep].reshape(-1, k)


def knn(points: np.ndarray, k: int, workers: int | None = None, eps: float = 0.0) -> tuple[np.ndarray, np.ndarray]:
    """The k nearest neighbours of every point among the others (Euclidean); exact when
    ``eps`` is 0, (1 + eps)-approximate otherwise.

    Returns ``(idx, dist)``, both (N, k), int32 indices and float64 distances, sorted by
    increasing distance, self excluded.
    """
    n = points.shape[0]
    k = min(k, n - 1)
    workers = workers or (os.cpu_count() or 1)
    tree = build_tree(points)
    idx = np.empty((n, k), dtype=np.int32 if n < 2**31 else np.int64)
    dist = np.empty((n, k), dtype=np.float64)
    order = tree.indices  # leaf order
    for start in range(0, n, _QUERY_BLOCK):
        rows = order[start : start + _QUERY_BLOCK]
        idx[rows], dist[rows] = query(tree, rows, k, workers, eps)
    return idx, dist
