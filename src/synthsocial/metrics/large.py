"""Evaluate a world too large for :func:`synthsocial.metrics.profile` (section IV-A at scale).

The in-memory profile holds the edge arrays, the undirected projection, networkit's adjacency
and a symmetric matrix at once: about 120 bytes per edge, 70 GB for a 10^7-user world. Here the
edge Parquet files are streamed and only the undirected adjacency is kept, as int32 neighbour
lists (8 bytes per directed edge, plus one pass-sized chunk), built a range of users at a time.

Exact: density, average degrees, degree summaries, reciprocity (from the number of undirected
pairs), degree assortativity (accumulated over the stream), the LCC (breadth-first searches until
the largest component found is larger than everything not yet reached). Estimated, with their
standard errors: average clustering (sampled wedges, as in structure.clustering) and ASPL (BFS
from sampled LCC sources, as in structure.aspl). Not computed: modularity and the community
analysis, which need Louvain over the whole graph in memory; the NED then uses the other four
metrics and says so.
"""

from __future__ import annotations

import math
from pathlib import Path

import numpy as np
import pyarrow as pa
import pyarrow.parquet as pq
import scipy.sparse as sp

from ..errors import InputError
from ..io.ownership import warn_if_changed
from ..io.readers import damaged, edge_files, stream_edges
from ..resources import ram_bytes
from .degrees import summary
from .result import Profile
from .structure import wedge_clustering

BYTES_PER_EDGE_IN_MEMORY = 120  # profile(): measured at 10^6 users (7 GB for 6 x 10^7 edges)
_CHUNK_ENTRIES = 100_000_000  # adjacency entries built per pass over the edge files
_GATHER = 1 << 24  # neighbour entries gathered at once in a BFS level


def _rows(f: Path) -> int:
    try:
        return pq.read_metadata(f).num_rows
    except (pa.ArrowException, OSError) as exc:
        raise damaged(f, exc) from None


def world_size(directory: Path) -> tuple[int, int]:
    """(users, edges) of a world, from Parquet metadata only."""
    edges = sum(_rows(f) for f in edge_files(directory))
    users = directory / "users.parquet"
    files = sorted(users.glob("*.parquet")) if users.is_dir() else [users]
    if not all(f.exists() for f in files) or not files:
        raise InputError(f"{directory}: no users.parquet beside the edges")
    return sum(_rows(f) for f in files), edges


def stream_degrees(directory: Path, n: int) -> tuple[np.ndarray, np.ndarray]:
    """Out- and in-degree of every user of a world, from one pass over its edge files."""
    out, into = np.zeros(n, dtype=np.int64), np.zeros(n, dtype=np.int64)
    for s, t in stream_edges(edge_files(directory)):
        out += np.bincount(s, minlength=n)
        into += np.bincount(t, minlength=n)
    return out, into


def fits_in_memory(edges: int) -> bool:
    """Whether the in-memory profile of ``edges`` edges fits in 60% of this machine's RAM."""
    ram = ram_bytes()
    return edges * BYTES_PER_EDGE_IN_MEMORY <= 0.6 * ram


def streaming_memory(users: int, edges: int) -> int:
    """Bytes :func:`profile_streaming` needs: the neighbour lists (4 bytes per directed edge per
    end), 40 bytes per user, one pass-sized chunk and one batch of the stream."""
    return int(8 * edges + 40 * users + 16 * _CHUNK_ENTRIES + 0.5e9)


def check_streaming_fits(directory: Path, users: int, edges: int) -> None:
    """Raise InputError, before any work, when streaming the evaluation of ``users`` users and ``edges`` edges would
    need more than 80% of this machine's RAM (:func:`streaming_memory`)."""
    ram = ram_bytes()
    need = streaming_memory(users, edges)
    if need > 0.8 * ram:
        raise InputError(
            f"{directory}: {users:,} users and {edges:,} edges need about {need / 1e9:.1f} GB to evaluate, more than "
            f"80% of this machine's {ram / 1e9:.1f} GB; evaluate a smaller world or on a larger machine"
        )


class Adjacency:
    """Undirected neighbour lists (sorted, int32) of n users built from streamed directed edges."""

    def __init__(self, files: list[Path], n: int):
        self.n = n
        out_deg = np.zeros(n, dtype=np.int64)
        in_deg = np.zeros(n, dtype=np.int64)
        m = 0
        for s, t in stream_edges(files):
            out_deg += np.bincount(s, minlength=n)
            in_deg += np.bincount(t, minlength=n)
            m += s.size
        self.m, self.out_degree, self.in_degree = m, out_deg, in_deg
        both = np.cumsum(out_deg + in_deg)  # entries per user before removing mutual duplicates
        indices = np.empty(int(both[-1]) if n else 0, dtype=np.int32)
        indptr = np.zeros(n + 1, dtype=np.int64)
        start, filled = 0, 0
        while start < n:
            base = both[start - 1] if start else 0
            stop = max(start + 1, int(np.searchsorted(both, base + _CHUNK_ENTRIES, side="right")))
            stop = min(stop, n)
            rows, cols = [], []
            for s, t in stream_edges(files):
                for a, b in ((s, t), (t, s)):  # who i follows, who follows i
                    k = (a >= start) & (a < stop)
                    rows.append((a[k] - start).astype(np.int32))
                    cols.append(b[k].astype(np.int32))
            a = sp.csr_array(
                (np.ones(sum(r.size for r in rows), dtype=np.int8), (np.concatenate(rows), np.concatenate(cols))),
                shape=(stop - start, n),
            )
            del rows, cols
            a.sum_duplicates()
            indices[filled : filled + a.nnz] = a.indices
            indptr[start + 1 : stop + 1] = filled + a.indptr[1:]
            filled += a.nnz
            start = stop
        self.indptr, self.indices = indptr, indices[:filled]
        self.degree = np.diff(indptr)

    @property
    def undirected_edges(self) -> int:
        """Number of connected pairs in the undirected projection (each pair appears in two neighbour lists)."""
        return int(self.indices.size // 2)

    def gather(self, nodes: np.ndarray) -> np.ndarray:
        """The neighbours of ``nodes``, concatenated."""
        lo, hi = self.indptr[nodes], self.indptr[nodes + 1]
        counts = hi - lo
        total = int(counts.sum())
        if total == 0:
            return np.empty(0, dtype=np.int32)
        offs = np.repeat(lo - np.concatenate([[0], np.cumsum(counts)[:-1]]), counts)
        return self.indices[np.arange(total) + offs]

    def bfs(self, source: int) -> np.ndarray:
        """Hop distances from ``source`` (-1: unreachable), level by level."""
        dist = np.full(self.n, -1, dtype=np.int32)
        dist[source] = 0
        frontier, level = np.array([source], dtype=np.int64), 0
        while frontier.size:
            level += 1
            work = np.cumsum(self.degree[frontier])
            for part in np.split(frontier, np.searchsorted(work, np.arange(_GATHER, work[-1], _GATHER))):
                nb = self.gather(part)
                dist[nb[dist[nb] < 0]] = level
            frontier = np.flatnonzero(dist == level)  # one scan instead of sorting the found ids
        return dist

    def adjacent(self, a: np.ndarray, b: np.ndarray) -> np.ndarray:
        """Whether b[i] is a neighbour of a[i], by a vectorised binary search in a's sorted list."""
        lo, hi = self.indptr[a].copy(), self.indptr[a + 1].copy()
        while True:
            active = lo < hi
            if not active.any():
                break
            mid = (lo + hi) // 2
            less = np.zeros(a.size, dtype=bool)
            less[active] = self.indices[mid[active]] < b[active]
            lo = np.where(active & less, mid + 1, lo)
            hi = np.where(active & ~less, mid, hi)
        pos = np.minimum(lo, self.indices.size - 1)
        return (lo < self.indptr[a + 1]) & (self.indices[pos] == b)


def _components(adj: Adjacency, rng: np.random.Generator) -> tuple[np.ndarray, int, np.ndarray]:
    """The largest connected component (as a mask), a uniformly drawn member of it and the BFS
    distances from that member.

    BFS from random unreached users until the largest component found is at least as large as
    the number of users not reached yet: then no other component can be larger."""
    reached = np.zeros(adj.n, dtype=bool)
    best = None
    while True:
        left = np.flatnonzero(~reached)
        if best is not None and best[0].sum() >= left.size:
            return best
        source = int(left[rng.integers(0, left.size)])
        dist = adj.bfs(source)
        comp = dist >= 0
        reached |= comp
        if best is None or comp.sum() > best[0].sum():
            best = comp, source, dist


def profile_streaming(directory: str | Path, trials: int = 1_000_000, sources: int = 16, seed: int = 0) -> Profile:
    """A profile of the world in ``directory`` with the fields of :func:`profile`'s (no communities, no homophily)."""
    from . import Laps

    directory = Path(directory)
    files = edge_files(directory)
    n, m_files = world_size(directory)
    warn_if_changed(directory, ["users.parquet", "edges.parquet"])
    check_streaming_fits(directory, n, m_files)
    lap = Laps()
    adj = Adjacency(files, n)
    m, m_u = adj.m, adj.undirected_edges
    lap("build")
    sx = sy = sxx = syy = sxy = 0.0
    for s, tt in stream_edges(files):
        x = adj.out_degree[s].astype(np.float64)
        y = adj.in_degree[tt].astype(np.float64)
        sx, sy, sxx, syy, sxy = sx + x.sum(), sy + y.sum(), sxx + x @ x, syy + y @ y, sxy + x @ y
    vx, vy = sxx / m - (sx / m) ** 2, syy / m - (sy / m) ** 2
    assortativity = (sxy / m - sx * sy / m**2) / math.sqrt(vx * vy) if m and vx > 0 and vy > 0 else None
    lap("degrees")
    rng = np.random.default_rng(seed)
    clus, clus_se = wedge_clustering(adj.indptr, adj.indices, adj.degree, adj.adjacent, trials, rng)
    lap("clustering")
    lcc, first, dist = _components(adj, rng)
    size = int(lcc.sum())
    others = np.flatnonzero(lcc)
    others = others[others != first]
    per_source = [float(dist[lcc].sum() / (size - 1))] if size > 1 else []
    del dist
    for src in rng.choice(others, size=min(sources, size) - 1, replace=False) if size > 1 else []:
        per_source.append(float(adj.bfs(int(src))[lcc].sum() / (size - 1)))
    aspl = float(np.mean(per_source)) if per_source else 0.0
    kk = len(per_source)
    aspl_se = float(np.std(per_source, ddof=1) / math.sqrt(kk) * math.sqrt(1 - kk / size)) if 1 < kk < size else 0.0
    lap("aspl")
    log_lcc = math.log(size) if size > 1 else float("nan")
    metrics = {
        "density": m / (n * (n - 1)) if n > 1 else 0.0,
        "clustering": clus,
        "lcc_fraction": size / n if n else 0.0,
        "normalized_aspl": aspl / log_lcc if size > 1 else 0.0,
        "modularity": None,
        "reciprocity": 2.0 * (m - m_u) / m if m else None,
        "avg_out_degree": m / n if n else 0.0,
        "avg_in_degree": m / n if n else 0.0,
        "aspl": aspl,
        "communities": None,
        "degree_assortativity": assortativity,
        "out_degree": summary(adj.out_degree),
        "in_degree": summary(adj.in_degree),
    }
    lap("summaries")
    return Profile(
        graph={
            "name": str(directory),
            "nodes": n,
            "edges": m,
            "undirected_edges": m_u,
            "directed": True,
            "notes": [],
        },
        metrics=metrics,
        standard_errors={
            "clustering": clus_se,
            "aspl": aspl_se,
            "normalized_aspl": aspl_se / log_lcc if size > 1 else 0.0,
        },
        methods={
            "evaluation": "streamed (edges read in passes, not loaded; metrics/large.py)",
            "density": "m / (n (n - 1)) over ordered pairs",
            "clustering": f"estimated from {trials:,} sampled wedges",
            "lcc": "exact (breadth-first searches until the largest component is certain)",
            "aspl": f"estimated from {kk} BFS sources" if kk < size else "exact (BFS from every LCC node)",
            "modularity": "not computed: Louvain needs the whole graph in memory; the NED uses the other four metrics",
        },
        timings_s=lap.timings,
    )
