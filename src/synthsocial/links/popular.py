"""Popular follows (beyond the paper): attention to influential accounts, wherever they are.

Algorithm 2 lets a user follow only its k nearest neighbours, friends of friends and a few far
users that Eq. 5 steers away from hubs, so in-degrees stay within a few times the median and
nobody is followed across the homophily space for being popular. Real follower graphs have
accounts followed by a large share of everyone (in twitter_verizoncareers one account has
1,329 followers among 9,226 users). Here each user i additionally follows F_i ~ Poisson(phi)
accounts drawn with probability proportional to influence_j ** s (with replacement; repeats,
self-follows and follows already made in the local phase are dropped). These follows join the
local links before triadic closure, so following a popular account also opens the triangles
through it: i follows j and j follows a hub, then i may follow the hub.
"""

from __future__ import annotations

import numpy as np


def popular_follows(
    rows: np.ndarray,
    weights_cdf: np.ndarray,
    phi: float,
    rng: np.random.Generator,
    targets: np.ndarray | None = None,
) -> tuple[np.ndarray, np.ndarray]:
    """Follows (i, j) of the users ``rows``; ``weights_cdf`` is the normalised cumulative sum of
    the weights of the accounts ``targets`` (default: every user, influence ** s); the
    inverse-CDF draw is exact and vectorised."""
    counts = rng.poisson(phi, rows.size)
    src = np.repeat(rows, counts)
    dst = np.minimum(np.searchsorted(weights_cdf, rng.random(src.size), side="right"), weights_cdf.size - 1)
    if targets is not None:
        dst = targets[dst]
    keep = src != dst
    return src[keep], dst[keep]


def attention_cdf(influence: np.ndarray, exponent: float) -> np.ndarray:
    """Normalised cumulative sum of influence ** exponent."""
    w = np.asarray(influence, dtype=np.float64) ** exponent
    cdf = np.cumsum(w)
    return cdf / cdf[-1]
