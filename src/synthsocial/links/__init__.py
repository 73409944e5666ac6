"""Homophily-guided link formation (section III-C, Algorithm 2), in vectorised phases.

Algorithm 2 walks the users one by one and, for each, forms local links, then triadic links,
then long-range links. Here each mechanism runs as one phase over all users, block by block:

1. local links for every user (kNN + softmax sampling, Eq. 1-2), and, beyond the paper,
   popular follows (``links.popular_follows``, 0 by default: off);
2. triadic closure for every user over the graph of phase 1 (Eq. 3), and, beyond the paper,
   follows of hubs nearby and global (links/hubs.py; ``links.hub_follows``,
   ``links.hub_global_follows``, on in the bluesky profile);
3. long-range links for every user, with H and degrees after phase 2 (Eq. 4-5);
4. beyond the paper, follow-backs (``links.follow_back``, 0 by default: off).

Beyond the paper too, a heavy-tailed activity (links/activity.py) scales each user's local
attempts, triadic p_i and hub follows, and triadic closure can prefer popular candidates.

docs/algorithm.md ("Batch phases versus the sequential loop") states where this differs from the
sequential loop and why the mechanisms keep their meaning.
"""

from __future__ import annotations

import os
import time
from dataclasses import dataclass, field
from typing import TYPE_CHECKING

import numpy as np
import scipy.sparse as sp

from ..graph import sorted_unique_pairs, symmetric_adjacency
from ..progress import Progress
from ..rng import blocks
from . import phases, schedules
from .activity import activity
from .followback import follow_backs
from .hubs import global_cdf, hub_ids, hub_index
from .local import attempts
from .neighbors import knn
from .popular import attention_cdf
from .triadic import peer_hubs, preference
from .triadic import probability as triadic_probability

if TYPE_CHECKING:
    from ..config import LinksConfig


__all__ = ["LinkResult", "form_links"]


@dataclass
class LinkResult:
    """Directed edges (source follows target), sorted and unique, and how they were made."""

    source: np.ndarray
    target: np.ndarray
    schedule: schedules.Schedule
    mechanisms: dict[str, int] = field(default_factory=dict)
    timings: dict[str, float] = field(default_factory=dict)


def _index(a: np.ndarray, n: int) -> np.ndarray:
    """Node ids as int32 when they fit: half the memory of int64 in the sparse builds."""
    return a.astype(np.int32, copy=False) if n < 2**31 else a


def _undirected(n: int, src: np.ndarray, dst: np.ndarray) -> sp.csr_array:
    """The bidirectional map H as a binary symmetric CSR matrix."""
    return symmetric_adjacency(n, _index(src, n), _index(dst, n), dtype=np.int32)


def _directed(n: int, src: np.ndarray, dst: np.ndarray) -> sp.csr_array:
    a = sp.csr_array((np.ones(src.size, dtype=np.int32), (_index(src, n), _index(dst, n))), shape=(n, n))
    a.sum_duplicates()
    return a


def form_links(
    points: np.ndarray,
    influence: np.ndarray,
    influence_cap: float,
    cfg: LinksConfig,
    seed: int,
    block_size: int,
    progress: Progress | None = None,
) -> LinkResult:
    """Run the three phases of link formation over the projected users ``points``."""
    n = points.shape[0]
    sched = schedules.resolve(n, cfg)
    report = progress or (lambda phase, done, total: None)
    parts = blocks(n, block_size)
    timings: dict[str, float] = {}

    t = time.perf_counter()
    report("neighbours", 0, 1)
    idx, dist = knn(points, sched.k, eps=cfg.knn_eps)
    report("neighbours", 1, 1)
    timings["neighbours"] = time.perf_counter() - t

    def run(label: str, phase, *args, **kw) -> tuple[np.ndarray, np.ndarray]:
        """One phase over all users, as one range (dask_engine.py runs the same per partition)."""
        s, d = phase(0, n, *args, block_size, seed, done=lambda stop: report(label, stop, n), **kw)
        return _index(s, n), _index(d, n)

    act = activity(0, n, cfg.activity_sigma, block_size, seed)
    t = time.perf_counter()
    n_attempt = attempts(influence, influence_cap, sched.k, act)
    src_local, dst_local = run("local links", phases.local, idx, dist, n_attempt, cfg)
    idx = dist = None  # the largest arrays of the job: free them now
    timings["local"] = time.perf_counter() - t
    n_local = src_local.size
    if cfg.popular_follows > 0:
        t = time.perf_counter()
        cdf = attention_cdf(influence, cfg.popularity_exponent)
        src_pop, dst_pop = run("popular follows", phases.popular, cdf, cfg)
        merged = sorted_unique_pairs(np.concatenate([src_local, src_pop]), np.concatenate([dst_local, dst_pop]), n)
        src_local, dst_local = (_index(a, n) for a in merged)
        timings["popular"] = time.perf_counter() - t

    t = time.perf_counter()
    h = _undirected(n, src_local, dst_local)
    walk = h if cfg.triadic_scope == "undirected" else _directed(n, src_local, dst_local)
    p_tri = triadic_probability(np.diff(h.indptr), n, sched.delta, cfg, act)
    peers = peer_hubs(influence, cfg)
    src_tri, dst_tri = run(
        "triadic closure", phases.triadic, walk, walk, h, p_tri, preference(influence, cfg), peers=peers
    )
    walk = None
    timings["triadic"] = time.perf_counter() - t
    n_hub = 0
    if cfg.hub_follows > 0 or cfg.hub_global_follows > 0:
        t = time.perf_counter()
        hubs = hub_ids(influence, cfg.hub_share)
        index = hub_index(points[hubs], cfg.hub_candidates, cfg.hub_exponent)
        cdf = global_cdf(hubs.size, cfg.hub_global_exponent)
        src_hub, dst_hub = run(
            "hub follows", phases.hubs, points, hubs, index, act, cdf, cfg, workers=os.cpu_count() or 1
        )
        src_tri, dst_tri = np.concatenate([src_tri, src_hub]), np.concatenate([dst_tri, dst_hub])
        n_hub = src_hub.size
        del src_hub, dst_hub, index
        timings["hubs"] = time.perf_counter() - t

    t = time.perf_counter()
    h = _undirected(n, np.concatenate([src_local, src_tri]), np.concatenate([dst_local, dst_tri]))
    degree = np.diff(h.indptr).astype(np.float64)
    src_long, dst_long = run("long-range links", phases.longrange, np.ascontiguousarray(points.T), h, degree, sched)
    h = None
    timings["longrange"] = time.perf_counter() - t

    n_tri = src_tri.size - n_hub
    mechanisms = {"local": int(n_local), "triadic": int(n_tri), "longrange": int(src_long.size)}
    if cfg.popular_follows > 0:
        mechanisms["popular"] = int(src_local.size - n_local)
    src = np.concatenate([src_local, src_tri, src_long])
    dst = np.concatenate([dst_local, dst_tri, dst_long])
    del src_local, dst_local, src_tri, dst_tri, src_long, dst_long
    source, target = sorted_unique_pairs(src, dst, n)  # unique but for the hub follows; sorted here
    if n_hub:  # the hub follows that were not made before
        mechanisms["hubs"] = int(source.size - sum(mechanisms.values()))
    if cfg.follow_back > 0:
        t = time.perf_counter()
        src_back, dst_back = follow_backs(source, target, n, cfg.follow_back, parts, seed)
        source, target = sorted_unique_pairs(np.concatenate([source, src_back]), np.concatenate([target, dst_back]), n)
        mechanisms["follow_back"] = int(src_back.size)
        timings["follow_back"] = time.perf_counter() - t
    return LinkResult(source=source, target=target, schedule=sched, mechanisms=mechanisms, timings=timings)
