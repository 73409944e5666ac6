"""The phase plan of link formation: each phase is one function over a range of users.

A range is the users ``start .. stop - 1``; it is cut into blocks of ``block_size`` users (block b
holds users ``b * block_size ..``) and every block draws from its own random stream
``stream(seed, phase, b)``. The local engine (links/__init__.py) runs each phase over one range,
all users; the Dask engine (dask_engine.py) runs it over one range per partition, after moving to
the partition the rows it needs. Because the blocks and their streams are the same, both engines
make the same edges.

Inputs that are per user (neighbour lists, attempts, H) hold the rows of the range's users, in
order; the mechanisms themselves are in local.py, popular.py, triadic.py, longrange.py and
followback.py.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING

import numpy as np
import scipy.sparse as sp

from ..rng import Phase, blocks, stream
from .hubs import hub_links
from .local import local_links
from .longrange import longrange_links
from .popular import popular_follows
from .triadic import closure_links

if TYPE_CHECKING:
    from ..config import LinksConfig
    from .schedules import Schedule

Pairs = tuple[np.ndarray, np.ndarray]
BlockDone = Callable[[int], None]  # called with the end of each block


def _over_blocks(phase: Phase, start: int, stop: int, block_size: int, seed: int, links_of_block, done) -> Pairs:
    src, dst = [], []
    for b, s, e in blocks(stop, block_size, start):
        a, z = links_of_block(s, e, slice(s - start, e - start), stream(seed, phase, b))
        src.append(a)
        dst.append(z)
        if done is not None:
            done(e)
    if not src:
        return np.empty(0, np.int64), np.empty(0, np.int64)
    return np.concatenate(src), np.concatenate(dst)


def local(
    start: int,
    stop: int,
    idx: np.ndarray,
    dist: np.ndarray,
    n_attempt: np.ndarray,
    lc: LinksConfig,
    block_size: int,
    seed: int,
    done: BlockDone | None = None,
) -> Pairs:
    """Local links (Eq. 1-2) of the range: ``idx``, ``dist`` (kNN lists) and ``n_attempt`` are its
    users' rows."""
    return _over_blocks(
        Phase.LOCAL,
        start,
        stop,
        block_size,
        seed,
        lambda s, e, r, rng: local_links(
            np.arange(s, e),
            idx[r],
            dist[r],
            n_attempt[r],
            alpha=lc.alpha,
            beta=lc.beta,
            temperature=lc.temperature,
            rng=rng,
        ),
        done,
    )


def popular(
    start: int, stop: int, cdf: np.ndarray, lc: LinksConfig, block_size: int, seed: int, done: BlockDone | None = None
) -> Pairs:
    """Popular follows (beyond the paper) of the range, drawn from the attention ``cdf``."""
    return _over_blocks(
        Phase.POPULAR,
        start,
        stop,
        block_size,
        seed,
        lambda s, e, r, rng: popular_follows(np.arange(s, e), cdf, lc.popular_follows, rng),
        done,
    )


def triadic(
    start: int,
    stop: int,
    first: sp.csr_array,
    second: sp.csr_array,
    h: sp.csr_array,
    p_tri: np.ndarray,
    weight: np.ndarray | None,
    block_size: int,
    seed: int,
    done: BlockDone | None = None,
    peers: tuple[np.ndarray, float] | None = None,
) -> Pairs:
    """Triadic closure (Eq. 3) of the range: ``first`` (the first step of the walks), ``h`` (H) and
    ``p_tri`` (activity included) are its users' rows; ``second`` holds the rows of every user
    ``first`` reaches, in the order of ``first``'s columns; ``weight`` (every user's, or None) the
    preference for popular candidates; ``peers`` (links/triadic.py: peer_hubs) how much less hubs
    close triangles towards hubs."""
    return _over_blocks(
        Phase.TRIADIC,
        start,
        stop,
        block_size,
        seed,
        lambda s, e, r, rng: closure_links(s, first[r], second, h[r], p_tri[r], rng, weight, peers),
        done,
    )


def hubs(
    start: int,
    stop: int,
    points: np.ndarray,
    hub_ids: np.ndarray,
    index,
    activity: np.ndarray,
    cdf: np.ndarray,
    lc: LinksConfig,
    block_size: int,
    seed: int,
    done: BlockDone | None = None,
    workers: int = 1,
) -> Pairs:
    """Follows of hubs (beyond the paper) of the range: ``points`` and ``activity`` are its
    users' rows; ``hub_ids``, their ``index`` (links/hubs.py: hub_index) and the global ``cdf``
    are shared; ``workers``: threads of the tree query."""
    return _over_blocks(
        Phase.HUBS,
        start,
        stop,
        block_size,
        seed,
        lambda s, e, r, rng: hub_links(
            np.arange(s, e),
            points[r],
            hub_ids,
            index,
            _hub_rate(s, e, activity[r], hub_ids, lc),
            lc.hub_global_follows,
            cdf,
            rng,
            workers,
        ),
        done,
    )


def _hub_rate(start: int, stop: int, activity: np.ndarray, hub_ids: np.ndarray, lc: LinksConfig) -> np.ndarray:
    """The expected follows of hubs nearby of users ``start..stop``: hub_follows * a_i, times
    ``hub_peer_follows`` for the hubs themselves."""
    rate = lc.hub_follows * activity
    if lc.hub_peer_follows < 1:
        rate = np.where(np.isin(np.arange(start, stop), hub_ids), lc.hub_peer_follows * rate, rate)
    return rate


def longrange(
    start: int,
    stop: int,
    columns: np.ndarray,
    h: sp.csr_array,
    degree: np.ndarray,
    sched: Schedule,
    block_size: int,
    seed: int,
    done: BlockDone | None = None,
) -> Pairs:
    """Long-range links (Eq. 4-5) of the range: ``h`` holds its users' rows of H; ``columns`` (the
    homophily space, d x N) and ``degree`` (|H| of every user) are shared."""
    return _over_blocks(
        Phase.LONGRANGE,
        start,
        stop,
        block_size,
        seed,
        lambda s, e, r, rng: longrange_links(
            slice(s, e), columns, h[r], degree, c=sched.c, presample=sched.presample, eta=sched.eta, rng=rng
        ),
        done,
    )
