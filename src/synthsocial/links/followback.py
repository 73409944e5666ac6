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
    reverse = target * n + source
    pos = np.minimum(np.searchsorted(key, reverse), key.size - 1)
    unreturned = key[pos] != reverse
    return draw(source, target, unreturned, p, parts, seed)


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
