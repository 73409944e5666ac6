"""A plain graph container shared by the readers, the metrics and the report.

Nodes are 0..n-1. A directed graph keeps its edges as (source, target) pairs, source follows
target; an undirected graph keeps each edge once with source < target. Self-loops and duplicate
edges are removed on construction and counted in ``notes``.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from functools import cached_property

import numpy as np
import pyarrow as pa
import scipy.sparse as sp

from .errors import InputError


def sorted_unique_pairs(src: np.ndarray, dst: np.ndarray, n: int) -> tuple[np.ndarray, np.ndarray]:
    """Pairs sorted by (src, dst) without repeats, via a sparse matrix (a counting sort by row
    and a sort within rows: about 2.5x faster than sorting int64 keys at 10^7-10^8 pairs)."""
    if src.size == 0:
        return src.astype(np.int64), dst.astype(np.int64)
    a = sp.csr_array((np.ones(src.size, dtype=np.int8), (src, dst)), shape=(n, n))
    a.sum_duplicates()
    rows = np.repeat(np.arange(n, dtype=np.int64), np.diff(a.indptr))
    return rows, a.indices.astype(np.int64)


def symmetric_adjacency(n: int, src: np.ndarray, dst: np.ndarray, dtype=np.int8) -> sp.csr_array:
    """The binary symmetric adjacency (CSR, sorted neighbour lists) of the pairs (src, dst):
    j is a neighbour of i when (i, j) or (j, i) is a pair."""
    a = sp.csr_array(
        (np.ones(2 * src.size, dtype=dtype), (np.concatenate([src, dst]), np.concatenate([dst, src]))), shape=(n, n)
    )
    a.sum_duplicates()
    a.data[:] = 1
    return a


def _strictly_sorted(src: np.ndarray, dst: np.ndarray) -> bool:
    """Already sorted by (src, dst) without repeats (our own edge files are)?"""
    if src.size < 2:
        return True
    ds = np.diff(src)
    return bool(np.all((ds > 0) | ((ds == 0) & (dst[1:] > dst[:-1]))))


@dataclass
class Graph:
    """A graph on nodes 0..n-1 as parallel int64 ``source`` / ``target`` arrays (conventions in the module docstring);
    build it with :meth:`from_edges`. ``nodes``: optional attribute table, one row per node; ``labels``: original
    node ids, if any; ``notes``: what construction dropped."""

    n: int
    source: np.ndarray
    target: np.ndarray
    directed: bool
    nodes: pa.Table | None = None
    labels: np.ndarray | None = None
    name: str = ""
    notes: list[str] = field(default_factory=list)

    @classmethod
    def from_edges(
        cls,
        source: np.ndarray,
        target: np.ndarray,
        n: int | None = None,
        *,
        directed: bool = True,
        nodes: pa.Table | None = None,
        labels: np.ndarray | None = None,
        name: str = "",
    ) -> Graph:
        """Clean (drop self-loops and duplicates), sort and wrap an edge list."""
        src = np.asarray(source, dtype=np.int64)
        dst = np.asarray(target, dtype=np.int64)
        if src.shape != dst.shape:
            raise InputError(f"{name or 'graph'}: source and target lists differ in length")
        if n is None:
            n = int(max(src.max(), dst.max()) + 1) if src.size else 0
        if src.size and (min(src.min(), dst.min()) < 0 or max(src.max(), dst.max()) >= n):
            raise InputError(f"{name or 'graph'}: node ids must lie in 0..{n - 1}")
        notes = []
        loops = src == dst
        if loops.any():
            notes.append(f"dropped {int(loops.sum()):,} self-loops")
            src, dst = src[~loops], dst[~loops]
        if not directed:
            src, dst = np.minimum(src, dst), np.maximum(src, dst)
        m0 = src.size
        if not _strictly_sorted(src, dst):
            src, dst = sorted_unique_pairs(src, dst, n)
        if src.size < m0:
            notes.append(f"dropped {m0 - src.size:,} duplicate edges")
        if nodes is not None and nodes.num_rows != n:
            raise InputError(f"{name or 'graph'}: {nodes.num_rows} attribute rows for {n} nodes")
        return cls(n, src, dst, directed, nodes, labels, name, notes)

    @property
    def m(self) -> int:
        """Number of edges (directed arcs, or undirected edges counted once)."""
        return int(self.source.size)

    @cached_property
    def undirected_pairs(self) -> tuple[np.ndarray, np.ndarray]:
        """The undirected projection: each connected pair once, (low, high)."""
        if not self.directed:
            return self.source, self.target
        return sorted_unique_pairs(np.minimum(self.source, self.target), np.maximum(self.source, self.target), self.n)

    @cached_property
    def neighbours(self) -> sp.csr_array:
        """The undirected projection as a binary symmetric CSR adjacency (sorted neighbour lists)."""
        return symmetric_adjacency(self.n, *self.undirected_pairs)

    def out_degree(self) -> np.ndarray:
        """Number of arcs leaving each node (in a follower graph, how many accounts it follows), shape (n,). For an
        undirected graph it counts only the edges where the node is the lower endpoint: use :meth:`degree`."""
        return np.bincount(self.source, minlength=self.n)

    def in_degree(self) -> np.ndarray:
        """Number of arcs entering each node (in a follower graph, its followers), shape (n,). For an undirected graph
        it counts only the edges where the node is the higher endpoint: use :meth:`degree`."""
        return np.bincount(self.target, minlength=self.n)

    def degree(self) -> np.ndarray:
        """Degree in the undirected projection."""
        lo, hi = self.undirected_pairs
        return np.bincount(lo, minlength=self.n) + np.bincount(hi, minlength=self.n)
