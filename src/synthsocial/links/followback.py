"""Follow-back (beyond the paper): reciprocity as a mechanism of its own.

The three phases of Algorithm 2 return a follow mostly by accident (about 12-17% of follows are
mutual at the defaults), while real follower graphs are far more reciprocal (0.26-0.38 in
../shared/data/graphs). After the three phases, each follow i -> j that j does not already return
is returned (j -> i) after one Bernoulli trial with probability ``p``. With mutual fraction r0
before, the fraction after is (r0 + 2 p (1 - r0)) / (1 + p (1 - r0)), so a target reciprocity
maps to one p; calibration fits it.
"""

from __future__ import annotations

import numpy as np

from ..rng import Phase, stream


def follow_backs(
    source: np.ndarray, target: np.ndarray, n: int, p: float, parts: list[tuple[int, int, int]], seed: int
) -> tuple[np.ndarray, np.ndarray]:
    """Returned follows (new edges j -> i) for ``source -> target`` edges sorted by (source, target).

    Users are split into ``parts`` (block index, start, stop); the draws for the follows made by
    a block's users come from that block's stream, in edge order.
    """
    empty = np.empty(0, dtype=np.int64)
    if p <= 0 or source.size == 0:
        return empty, empty
    key = source * n + target  # ascending, because the edges are sorted by (source, target)
    return draw(source, target, unreturned(source, target, n, key), p, parts, seed)


def unreturned(source: np.ndarray, target: np.ndarray, n: int, follows: np.ndarray) -> np.ndarray:
    """Whether each follow ``source -> target`` is not returned: ``target * n + source`` is not
    among ``follows``, the sorted keys ``follower * n + followed`` of every follow whose follower
    could be a target here (all follows, or those into one partition's users)."""
    want = target.astype(np.int64) * n + source
    if follows.size == 0:
        return np.ones(want.size, dtype=bool)
    pos = np.minimum(np.searchsorted(follows, want), follows.size - 1)
    return follows[pos] != want


def draw(
    source: np.ndarray,
    target: np.ndarray,
    unreturned: np.ndarray,
    p: float,
    parts: list[tuple[int, int, int]],
    seed: int,
) -> tuple[np.ndarray, np.ndarray]:
    """The follow-backs of the edges ``source -> target`` (sorted by source, every source in one
    of ``parts``) whose reverse is missing (``unreturned``): one draw per edge, in edge order, from
    the stream of the block of its source."""
    bounds = np.searchsorted(source, [start for _, start, _ in parts] + [parts[-1][2]])
    take = np.zeros(source.size, dtype=bool)
    for (b, _, _), lo, hi in zip(parts, bounds[:-1], bounds[1:]):
        if hi > lo:
            take[lo:hi] = stream(seed, Phase.FOLLOW_BACK, b).random(hi - lo) < p
    take &= unreturned
    return target[take], source[take]
