"""The Dask engine: :func:`synthsocial.generate`'s phases as Dask tasks over partitions of users.

A partition is ``partition_blocks`` consecutive blocks of ``block_size`` users. Every random
number comes from the stream of a (seed, phase, block) triple (:mod:`synthsocial.rng`), exactly
as in the local engine, and each task computes the same thing for its users that the local
engine computes for them, so both engines produce the same edges (tests/test_dask_engine.py).

What a partition needs from the others, and how it gets it:

* neighbours (Eq. 1): every worker builds the KD-tree once over the shared points (N x d); a
  task queries one chunk of the tree's leaf order and sends each neighbour list to the partition
  of its user (a shuffle);
* triadic closure (Eq. 3): the rows of H for its users (its out-edges plus the in-edges that
  other partitions send it: a shuffle by target) and the follow rows of every user its users
  follow (a request/fetch join: each partition asks each other partition for the rows it needs);
* long-range links (Eq. 4-5): its rows of the new H (another shuffle), the degree of every user
  (one float per user, shared) and the points as columns (shared);
* follow-backs: the in-edges of its users (a shuffle) and, for the returned follows, a shuffle by
  source.

So a worker holds the shared per-user arrays (points, their columns, the degree vector, the
tree) and the partitions it works on, never the whole graph: memory per worker grows with N only
through those per-user arrays (benchmarks/bench_dask.py measures it).

Output: ``users.parquet/`` and ``edges.parquet/`` as directories of one Parquet file per
partition (``part-00000.parquet`` ...), written by the workers (a remote cluster needs the output
directory on a shared file system), and ``manifest.json``.
"""

from __future__ import annotations

import json
import operator
import time
from collections.abc import Sequence
from pathlib import Path
from typing import Any

import numpy as np
import pyarrow as pa
import pyarrow.parquet as pq
import scipy.sparse as sp

from .config import GeneratorConfig
from .errors import SynthSocialError
from .homophily import points_of, semantic_orders
from .links import phases, schedules
from .links.activity import activity
from .links.followback import draw, unreturned
from .links.hubs import global_cdf, hub_ids, hub_index
from .links.local import attempts
from .links.neighbors import build_tree, query
from .links.popular import attention_cdf
from .links.triadic import peer_hubs, probability
from .links.triadic import preference as triadic_preference
from .manifest import manifest
from .population import make_population
from .progress import Progress
from .resources import ram_bytes
from .rng import blocks
from .specs.engine import DaskOptions  # noqa: F401 (re-exported: the Dask engine's options)

__all__ = ["DaskOptions", "EngineError", "generate_dask", "estimate_worker_memory"]

Pairs = tuple[np.ndarray, np.ndarray]


class EngineError(SynthSocialError, RuntimeError):
    """The Dask cluster cannot be reached or cannot run the job."""


# --- memory model -------------------------------------------------------------------------


def estimate_worker_memory(n: int, cfg: GeneratorConfig, partition_blocks: int) -> int:
    """The smallest memory limit (bytes) a worker can run this job with.

    A worker holds the shared per-user arrays: points and their columns (2 x 8 d bytes per user),
    the KD-tree's index arrays (16), the degree and attention vectors (16), scipy's row
    accumulator in sparse products (16); and the working set of one partition, about 6 kB per
    user of the partition (its neighbour lists, H rows before and after triadic closure, fetched
    follow rows, the two-step products of one block), plus 300 MB for the interpreter and
    libraries. Dask pauses a worker whose process memory passes 80% of its limit and spills
    partitions to disk from 60%, so the limit must leave room above that: the sum is divided by
    0.7. Measured (docs/performance.md): 10^7 users ran with 5 GB per worker (peak 3.45-3.57 GB).
    """
    d = cfg.dimensions
    shared = n * (16 * d + 48)
    part = min(n, partition_blocks * cfg.block_size) * 6_000
    return int((shared + part + 300e6) / 0.7)


# --- tasks (module-level so that workers unpickle them by reference) ------------------------

_TREE: dict[str, Any] = {}


def _tree(token: str, points: np.ndarray):
    """This worker's KD-tree over ``points`` (built once per worker and job; the build is
    deterministic, so every worker has the same tree and the same leaf order)."""
    if _TREE.get("token") != token:
        _TREE.clear()
        _TREE.update(token=token, tree=build_tree(points))
    return _TREE["tree"]


def _forget_tree() -> None:
    _TREE.clear()


def _rows(start: int, stop: int, n: int, src: np.ndarray, dst: np.ndarray) -> sp.csr_array:
    """Binary CSR of the pairs (src, dst), src in [start, stop), as a (stop - start, n) matrix."""
    a = sp.csr_array((np.ones(src.size, dtype=np.int8), (src - start, dst)), shape=(stop - start, n))
    a.sum_duplicates()
    a.data[:] = 1
    return a


def _ids(a: np.ndarray, n: int) -> np.ndarray:
    """User ids as int32 when they fit: the partitions' edges are most of the cluster's memory."""
    return a.astype(np.int32, copy=False) if n < 2**31 else a.astype(np.int64, copy=False)


def _pairs(start: int, a: sp.csr_array) -> Pairs:
    """The rows of ``a`` back to (source, target) pairs, sorted."""
    a.sort_indices()
    src = np.repeat(np.arange(start, start + a.shape[0], dtype=np.int64), np.diff(a.indptr))
    return _ids(src, a.shape[1]), _ids(a.indices, a.shape[1])


def _population(start: int, stop: int, cfg: GeneratorConfig, seed: int, users_dir: str, name: str):
    first = start // cfg.block_size
    pop = make_population(stop - start, cfg.population, seed, cfg.block_size, first_block=first)
    points, _ = points_of(pop, cfg, seed, first_block=first)
    pq.write_table(pop.to_arrow(first_id=start), Path(users_dir) / name, compression="zstd")
    return points, pop.influence


def _concat(parts: Sequence[tuple], item: int) -> np.ndarray:
    return np.concatenate([p[item] for p in parts])


def _columns(points: np.ndarray) -> np.ndarray:
    return np.ascontiguousarray(points.T)


def _neighbours(
    first: int, last: int, points: np.ndarray, token: str, k: int, eps: float, bounds: np.ndarray
) -> list[tuple[np.ndarray, np.ndarray, np.ndarray]]:
    """kNN (Eq. 1) of the users at positions first..last of the tree's leaf order, grouped by the
    partition they belong to: (users, idx, dist) per partition. Querying in leaf order keeps
    consecutive queries in the same tree nodes (at 10^7, 352 s against about 600 s when each
    partition queried its own users)."""
    tree = _tree(token, points)
    rows = tree.indices[first:last]
    idx, dist = query(tree, rows, k, 1, eps)
    return [(rows[g], idx[g], dist[g]) for g in _by_partition(rows, bounds)]


def _local(
    start: int,
    stop: int,
    n: int,
    part: tuple,
    found: list,
    cdf: np.ndarray | None,
    sched: schedules.Schedule,
    cfg: GeneratorConfig,
    seed: int,
) -> tuple[Pairs, dict[str, int]]:
    """Phase 1 for one partition: local links (Eq. 1-2) and popular follows, unique pairs.
    ``found``: this partition's pieces of every :func:`_neighbours` task."""
    order = np.argsort(np.concatenate([f[0] for f in found]), kind="stable")  # back to user order
    idx = np.concatenate([f[1] for f in found])[order]
    dist = np.concatenate([f[2] for f in found])[order]
    act = activity(start, stop, cfg.links.activity_sigma, cfg.block_size, seed)
    n_attempt = attempts(part[1], cfg.population.influence.cap, sched.k, act)
    src, dst = phases.local(start, stop, idx, dist, n_attempt, cfg.links, cfg.block_size, seed)
    n_local = src.size
    if cdf is not None:
        ps, pd = phases.popular(start, stop, cdf, cfg.links, cfg.block_size, seed)
        src, dst = np.concatenate([src, ps]), np.concatenate([dst, pd])
    pairs = _pairs(start, _rows(start, stop, n, src, dst))
    counts = {"local": int(n_local)}
    if cdf is not None:
        counts["popular"] = int(pairs[0].size - n_local)
    return pairs, counts


def _by_partition(users: np.ndarray, bounds: np.ndarray) -> list[np.ndarray]:
    """For each partition (``bounds``: their first users, then N), the positions in ``users``
    of its users, in their order in ``users``."""
    part = np.searchsorted(bounds, users, side="right") - 1
    order = np.argsort(part, kind="stable")
    cuts = np.searchsorted(part[order], np.arange(bounds.size))
    return [order[a:b] for a, b in zip(cuts[:-1], cuts[1:])]


def _split(pairs: Pairs, bounds: np.ndarray, by: int) -> list[Pairs]:
    """Pairs grouped by the partition of their source (by=0) or target (by=1)."""
    return [(pairs[0][g], pairs[1][g]) for g in _by_partition(pairs[by], bounds)]


def _h_rows(start: int, stop: int, n: int, out: Sequence[Pairs], incoming: Sequence[Pairs]) -> sp.csr_array:
    """Rows of the bidirectional map H for the users start..stop: who they follow (``out``) or
    are followed by (``incoming``: follows whose target is one of them)."""
    src = np.concatenate([p[0] for p in out] + [p[1] for p in incoming])
    dst = np.concatenate([p[1] for p in out] + [p[0] for p in incoming])
    return _rows(start, stop, n, src, dst)


def _walk_rows(start: int, stop: int, n: int, out: Pairs, h: sp.csr_array, scope: str) -> sp.csr_array:
    return h if scope == "undirected" else _rows(start, stop, n, *out)


def _requests(walk: sp.csr_array, bounds: np.ndarray) -> list[np.ndarray]:
    """The users whose rows the two-step walks of this partition need, grouped by partition."""
    need = np.unique(walk.indices).astype(np.int64)
    cuts = np.searchsorted(need, bounds)
    return [need[a:b] for a, b in zip(cuts[:-1], cuts[1:])]


def _fetch(walk: sp.csr_array, start: int, ids: np.ndarray) -> sp.csr_array:
    return walk[ids - start]


def _triadic(
    start: int,
    stop: int,
    walk: sp.csr_array,
    h: sp.csr_array,
    requests: list[np.ndarray],
    sched: schedules.Schedule,
    cfg: GeneratorConfig,
    seed: int,
    weight: np.ndarray | None,
    peers: tuple[np.ndarray, float] | None,
    *fetched: sp.csr_array,
) -> Pairs:
    """Triadic closure (Eq. 3) for one partition, from the fetched rows of the users it reaches
    (``weight``: of every user, when the closure prefers popular candidates; ``peers``: hubs'
    closure towards hubs, links/triadic.py)."""
    n = h.shape[1]
    need = np.concatenate(requests)
    second = sp.vstack(fetched, format="csr") if fetched else sp.csr_array((0, n))
    first = sp.csr_array(
        (walk.data, np.searchsorted(need, walk.indices), walk.indptr), shape=(walk.shape[0], need.size)
    )
    act = activity(start, stop, cfg.links.activity_sigma, cfg.block_size, seed)
    p_tri = probability(np.diff(h.indptr), n, sched.delta, cfg.links, act)
    src, dst = phases.triadic(start, stop, first, second, h, p_tri, weight, cfg.block_size, seed, peers=peers)
    return _ids(src, n), _ids(dst, n)


def _hubs(
    start: int,
    stop: int,
    n: int,
    part: tuple,
    hubs: np.ndarray,
    index: tuple,
    cdf: np.ndarray,
    cfg: GeneratorConfig,
    seed: int,
) -> Pairs:
    """Follows of hubs (links/hubs.py) of one partition's users; ``index`` and ``cdf`` are
    built once for the job."""
    act = activity(start, stop, cfg.links.activity_sigma, cfg.block_size, seed)
    src, dst = phases.hubs(start, stop, part[0], hubs, index, act, cdf, cfg.links, cfg.block_size, seed)
    return _ids(src, n), _ids(dst, n)


def _hub_cdf(hubs: np.ndarray, exponent: float) -> np.ndarray:
    return global_cdf(hubs.size, exponent)


def _join(a: Pairs, b: Pairs) -> Pairs:
    return np.concatenate([a[0], b[0]]), np.concatenate([a[1], b[1]])


def _degree(start: int, stop: int, n: int, out: Sequence[Pairs], incoming: Sequence[Pairs]) -> np.ndarray:
    """|H[i]| for the users start..stop."""
    return np.diff(_h_rows(start, stop, n, out, incoming).indptr).astype(np.float64)


def _longrange(
    start: int,
    stop: int,
    columns: np.ndarray,
    degree: np.ndarray,
    local: tuple[Pairs, dict],
    tri: Pairs,
    incoming: Sequence[Pairs],
    sched: schedules.Schedule,
    cfg: GeneratorConfig,
    seed: int,
    path: str | None,
) -> tuple[Pairs | None, dict[str, int]]:
    """Long-range links (Eq. 4-5) for one partition. Returns all its edges so far, sorted, or
    writes them to ``path`` when that is given (no follow-backs to come) and returns None."""
    n = columns.shape[1]
    h = _h_rows(start, stop, n, [local[0], tri], incoming)
    ls, ld = phases.longrange(start, stop, columns, h, degree, sched, cfg.block_size, seed)
    counts = dict(local[1], longrange=int(ls.size))
    src, dst = np.concatenate([local[0][0], tri[0], ls]), np.concatenate([local[0][1], tri[1], ld])
    edges = _pairs(start, _rows(start, stop, n, src, dst))
    counts["edges"] = int(edges[0].size)
    if path is None:
        return edges, counts
    _write(path, *edges)
    return None, counts


def _follow_back(
    start: int, stop: int, n: int, edges: tuple[Pairs, dict], p: float, block_size: int, seed: int, *incoming: Pairs
) -> Pairs:
    """Follow-backs (links/followback.py) of the follows made by this partition's users: the new
    follows (target -> source). ``incoming`` are the follows of these users, from every partition."""
    (src, dst), _ = edges
    follows = np.sort(np.concatenate([q[0].astype(np.int64) * n + q[1] for q in incoming]))
    return draw(src, dst, unreturned(src, dst, n, follows), p, blocks(stop, block_size, start), seed)


def _size(pairs: Pairs) -> int:
    return int(pairs[0].size)


def _write(path: str, src: np.ndarray, dst: np.ndarray) -> None:
    table = pa.table({"source": pa.array(src.astype(np.int64)), "target": pa.array(dst.astype(np.int64))})
    pq.write_table(table, path, compression="zstd")


def _write_edges(start: int, stop: int, n: int, edges: tuple[Pairs, dict], path: str, *incoming: Pairs) -> int:
    """Write the partition's edges with the follow-backs made by its users (``incoming``)."""
    (src, dst), _ = edges
    src = np.concatenate([src] + [q[0] for q in incoming])
    dst = np.concatenate([dst] + [q[1] for q in incoming])
    src, dst = _pairs(start, _rows(start, stop, n, src, dst))
    _write(path, src, dst)
    return int(src.size)


# --- driver ---------------------------------------------------------------------------------


def _gb_up(nbytes: int) -> str:
    """Bytes as GB rounded up to 0.1, as --memory-limit takes them."""
    return f"{np.ceil(nbytes / 1e8) / 10:.1f}"


def _connect(options: DaskOptions, need: int):
    from dask.distributed import Client, LocalCluster

    if options.scheduler is not None:
        try:
            client = Client(options.scheduler, timeout=f"{options.connect_timeout_s}s")
        except (OSError, TimeoutError, ValueError) as exc:
            raise EngineError(
                f"scheduler = {options.scheduler!r}: cannot reach a Dask scheduler there "
                f"({type(exc).__name__}: {exc}); "
                "start one with `dask scheduler` and workers with `dask worker ADDRESS`, or leave {scheduler} out to "
                "run on a local cluster",
                scheduler="engine.scheduler",
            ) from None
        limits = [w.get("memory_limit") or 0 for w in client.scheduler_info()["workers"].values()]
        if not limits:
            client.close()
            raise EngineError(
                f"scheduler = {options.scheduler!r} has no workers: start some with `dask worker {options.scheduler}`"
            )
        small = [m for m in limits if 0 < m < need]
        if small:
            client.close()
            raise EngineError(
                f"the workers of {options.scheduler} have memory limits down to {min(small) / 1e9:.2f} GB; this job "
                f"needs at least {need / 1e9:.2f} GB per worker (start workers with `dask worker --memory-limit "
                f"{_gb_up(need)}GB`, or use a smaller {{partition_blocks}})",
                partition_blocks="engine.partition_blocks",
            )
        return client, None
    cluster = LocalCluster(
        n_workers=options.workers,
        threads_per_worker=1,
        processes=True,
        memory_limit=options.memory_limit or "auto",
        dashboard_address=":0",
    )
    return Client(cluster), cluster


def generate_dask(
    n: int,
    out_dir: str | Path,
    seed: int = 0,
    config: GeneratorConfig | dict | str | Path | None = None,
    options: DaskOptions | None = None,
    progress: Progress | None = None,
    profile: str | None = None,
) -> dict[str, Any]:
    """Generate the world of ``generate(n, seed, config, profile=None)`` on Dask and write it into
    the existing directory ``out_dir`` (partitioned Parquet + manifest.json); return the manifest.
    Called by :func:`synthsocial.generate` with ``engine="dask"``, which validates ``n``, the seed
    and the configuration, resolves the profile into ``config`` (``profile`` is only recorded) and
    makes ``out_dir`` appear whole."""
    cfg = GeneratorConfig.coerce(config)
    options = options or DaskOptions()
    need = estimate_worker_memory(n, cfg, options.partition_blocks)
    ram = ram_bytes()
    if options.scheduler is None and options.memory_limit is None and need > ram / options.workers:
        fewer = f"use at most {int(ram // need)} {{workers}}, or " if need <= ram else ""
        raise EngineError(
            f"nodes = {n:,} needs about {need / 1e9:.2f} GB per worker; {options.workers} workers on this machine get "
            f"{ram / options.workers / 1e9:.2f} GB each: {fewer}use a cluster ({{scheduler}}) whose workers have that "
            "much memory",
            scheduler="engine.scheduler",
            workers="engine.workers",
        )
    if options.scheduler is None and options.memory_limit is not None and options.memory_limit < need:
        hint = (
            f" or fewer users per partition ({{blocks}} 1 needs {estimate_worker_memory(n, cfg, 1) / 1e9:.2f} GB)"
            if options.partition_blocks > 1
            else ""
        )
        raise EngineError(
            f"memory limit = {options.memory_limit / 1e9:.2f} GB per worker is too small for {n:,} users in "
            "partitions of "
            f"{options.partition_blocks * cfg.block_size:,}: a worker needs about {need / 1e9:.2f} GB; use "
            f"{{memory_limit}} {_gb_up(need)}GB or more{hint}",
            memory_limit="engine.memory_limit",
            blocks="engine.partition_blocks",
        )
    report = progress or (lambda phase, done, total: None)
    out = Path(out_dir)
    users_dir, edges_dir = out / "users.parquet", out / "edges.parquet"
    sched = schedules.resolve(n, cfg.links)
    lc = cfg.links
    size = options.partition_blocks * cfg.block_size
    starts = list(range(0, n, size))
    spans = [(s, min(s + size, n)) for s in starts]
    bounds = np.array(starts + [n], dtype=np.int64)
    names = [f"part-{p:05d}.parquet" for p in range(len(spans))]
    timings: dict[str, float] = {}

    client, cluster = _connect(options, need)
    try:
        users_dir.mkdir()
        edges_dir.mkdir()
        from dask.distributed import KilledWorker, as_completed

        def phase(label: str, futures: list) -> None:
            t = time.perf_counter()
            report(label, 0, len(futures))
            for done, _ in enumerate(as_completed(futures), 1):
                report(label, done, len(futures))
            timings[label] = time.perf_counter() - t

        def shuffle(pairs: list, by: int) -> list[list]:
            """pieces[c] = the pairs of every partition whose source/target is in partition c."""
            split = [client.submit(_split, p, bounds, by) for p in pairs]
            return [[client.submit(operator.getitem, s, c) for s in split] for c in range(len(spans))]

        def gi(future, i):
            return client.submit(operator.getitem, future, i)

        # Futures are dropped as soon as their last consumer is submitted, so that the cluster
        # frees each partition's intermediate data when the tasks that read it are done.
        try:
            parts = [
                client.submit(_population, s, e, cfg, seed, str(users_dir), name) for (s, e), name in zip(spans, names)
            ]
            phase("population", parts)
            points = client.submit(_concat, parts, 0)
            columns = client.submit(_columns, points)
            with_hubs = lc.hub_follows > 0 or lc.hub_global_follows > 0
            influence = (
                client.submit(_concat, parts, 1)
                if lc.popular_follows > 0 or lc.triadic_preference > 0 or with_hubs
                else None
            )
            cdf = client.submit(attention_cdf, influence, lc.popularity_exponent) if lc.popular_follows > 0 else None
            hub_follows = []
            if with_hubs:
                hubs = client.submit(hub_ids, influence, lc.hub_share)
                index = client.submit(
                    hub_index, client.submit(operator.getitem, points, hubs), lc.hub_candidates, lc.hub_exponent
                )
                hub_cdf = client.submit(_hub_cdf, hubs, lc.hub_global_exponent)
                hub_follows = [
                    client.submit(_hubs, s, e, n, part, hubs, index, hub_cdf, cfg, seed)
                    for (s, e), part in zip(spans, parts)
                ]
                del hubs, index, hub_cdf
            preference = client.submit(triadic_preference, influence, lc) if lc.triadic_preference > 0 else None
            peers = client.submit(peer_hubs, influence, lc) if with_hubs and lc.hub_peer_follows < 1 else None
            # kNN in chunks of the tree's leaf order (the same sizes as the partitions), each
            # chunk's lists sent to the partitions of its users
            found = [
                client.submit(_neighbours, s, e, points, points.key, sched.k, lc.knn_eps, bounds) for s, e in spans
            ]
            local = [
                client.submit(_local, s, e, n, part, [gi(f, p) for f in found], cdf, sched, cfg, seed)
                for p, ((s, e), part) in enumerate(zip(spans, parts))
            ]
            del parts, points, cdf
            phase("neighbours", found)
            client.run(_forget_tree)
            del found
            phase("local links", local)

            out1 = [gi(f, 0) for f in local]
            incoming = shuffle(out1, 1)
            h1 = [client.submit(_h_rows, s, e, n, [o], inc) for (s, e), o, inc in zip(spans, out1, incoming)]
            walk = [client.submit(_walk_rows, s, e, n, o, h, lc.triadic_scope) for (s, e), o, h in zip(spans, out1, h1)]
            req = [client.submit(_requests, w, bounds) for w in walk]
            tri = []
            for p, (s, e) in enumerate(spans):
                fetched = [client.submit(_fetch, walk[c], spans[c][0], gi(req[p], c)) for c in range(len(spans))]
                tri.append(
                    client.submit(_triadic, s, e, walk[p], h1[p], req[p], sched, cfg, seed, preference, peers, *fetched)
                )
            del h1, walk, req, fetched, influence, preference, peers
            phase("triadic closure", tri)
            n_tri = sum(client.gather([client.submit(_size, t) for t in tri]))
            if with_hubs:  # the hub follows join the triadic links: H and the long-range links see them
                phase("hub follows", hub_follows)
                tri = [client.submit(_join, t, h) for t, h in zip(tri, hub_follows)]
            del hub_follows

            # H after triadic closure: built twice per partition (for the degrees, then in the
            # long-range task) rather than held, since it is the largest object of the job
            incoming_tri = shuffle(tri, 1)
            into = [inc + inc_t for inc, inc_t in zip(incoming, incoming_tri)]
            degree = client.submit(
                np.concatenate,
                [client.submit(_degree, s, e, n, [o, t], i) for (s, e), o, t, i in zip(spans, out1, tri, into)],
            )
            paths = [None if lc.follow_back > 0 else str(edges_dir / name) for name in names]
            edges = [
                client.submit(_longrange, s, e, columns, degree, lo, t, i, sched, cfg, seed, path)
                for (s, e), lo, t, i, path in zip(spans, local, tri, into, paths)
            ]
            del out1, incoming, incoming_tri, into, degree, columns, local, tri
            phase("long-range links", edges)
            per_part = client.gather([gi(f, 1) for f in edges])
            counts = {k: sum(c[k] for c in per_part) for k in ("local", "longrange")}
            counts["triadic"] = n_tri
            if lc.popular_follows > 0:
                counts["popular"] = sum(c["popular"] for c in per_part)
            m = sum(c["edges"] for c in per_part)
            if with_hubs:  # the hub follows that were not made before
                counts["hubs"] = m - sum(counts.values())

            if lc.follow_back > 0:
                incoming = shuffle([gi(f, 0) for f in edges], 1)
                returned = [
                    client.submit(_follow_back, s, e, n, f, lc.follow_back, cfg.block_size, seed, *inc)
                    for (s, e), f, inc in zip(spans, edges, incoming)
                ]
                del incoming
                phase("follow-backs", returned)
                back = shuffle(returned, 0)
                counts["follow_back"] = sum(client.gather([client.submit(_size, r) for r in returned]))
                del returned
                written = [
                    client.submit(_write_edges, s, e, n, f, str(edges_dir / name), *bk)
                    for (s, e), f, name, bk in zip(spans, edges, names, back)
                ]
                del edges, back
                phase("writing", written)
                m = int(sum(client.gather(written)))
        except KilledWorker as exc:
            raise EngineError(
                f"a Dask worker died while running {exc.task!r} (out of memory?): this job needs about "
                f"{need / 1e9:.2f} GB per worker; give workers more memory or use {{partition_blocks}} 1",
                partition_blocks="engine.partition_blocks",
            ) from None
    finally:
        client.close()
        if cluster is not None:
            cluster.close()
    man = manifest(n, seed, m, counts, sched.to_dict(), cfg, semantic_orders(cfg), timings, profile)
    man["engine"] = {
        "name": "dask",
        "partitions": len(spans),
        "users_per_partition": size,
        "workers": options.workers if options.scheduler is None else None,
        "scheduler": options.scheduler,
    }
    man["files"] = ["users.parquet", "edges.parquet", "manifest.json"]
    (out / "manifest.json").write_text(json.dumps(man, indent=2) + "\n", encoding="utf-8")
    return man
