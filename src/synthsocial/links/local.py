"""Local affinity links (section III-C1, Eq. 1-2; Algorithm 2 lines 2-10).

Each user i attempts n_i links among its k nearest neighbours. Scores
s(i, j) = alpha * exp(-d(i, j)) + beta * U(0, 1) (Eq. 2) go through a softmax with temperature
T; n_i neighbours are drawn without replacement from it. The draw uses the Gumbel-top-n trick:
the n_i largest of s / T + Gumbel(0, 1) are exactly a sequential sample without replacement
from softmax(s / T) (Plackett-Luce; Kool et al. 2019), so a whole block is drawn at once.
"""

from __future__ import annotations

import numpy as np


def attempts(influence: np.ndarray, cap: float, k: int, activity: np.ndarray | None = None) -> np.ndarray:
    """n_i = ceil(k * influence_i / cap), clipped to [1, k]: the number of local links user i
    attempts grows with its influence and, through k = k(N), with the size of the network.
    Beyond the paper, ``activity`` (a_i, links/activity.py) multiplies it before the clip."""
    n = np.ceil(k * np.asarray(influence, dtype=np.float64) / cap * (1.0 if activity is None else activity))
    return np.clip(n, 1, k).astype(np.int64)


def local_links(
    rows: np.ndarray,
    idx: np.ndarray,
    dist: np.ndarray,
    n_attempt: np.ndarray,
    *,
    alpha: float,
    beta: float,
    temperature: float,
    rng: np.random.Generator,
) -> tuple[np.ndarray, np.ndarray]:
    """Directed links (follower, followed) of the users ``rows``.

    ``idx``/``dist`` are their (B, k) neighbour indices and distances; ``n_attempt`` their n_i.
    """
    b, k = idx.shape
    scores = alpha * np.exp(-dist) + beta * rng.random((b, k))
    keys = scores / temperature + rng.gumbel(size=(b, k))
    order = np.argsort(-keys, axis=1, kind="stable")
    take = np.arange(k)[None, :] < n_attempt[:, None]
    src = np.broadcast_to(rows[:, None], (b, k))[take]
    dst = np.take_along_axis(idx, order, axis=1)[take]
    return src, dst
