"""Activity (beyond the paper): how much each user follows, heavy-tailed.

Algorithm 2 gives every user about the same number of follows, so out-degrees are narrow (Gini
about 0.37 at 10^4 users) where real follower graphs have a few accounts that follow thousands
and many that follow a handful (out-degree Gini about 0.9 in the Twitter graphs of
../shared/data). Here user i gets an activity a_i drawn from a lognormal distribution with mean 1,

    a_i = exp(sigma * Z_i - sigma^2 / 2),   Z_i ~ N(0, 1),

which multiplies the follows it makes by triadic closure (p_i of Eq. 3) and toward hubs
(links/hubs.py). sigma = 0 is the paper's generator (every a_i = 1). The lognormal is the usual
model of per-user activity in online platforms (its Gini is erf(sigma / 2)).
"""

from __future__ import annotations

import numpy as np

from ..rng import Phase, blocks, stream


def activity(start: int, stop: int, sigma: float, block_size: int, seed: int) -> np.ndarray:
    """a_i of the users ``start .. stop - 1``, one random stream per block of users (the same
    values whichever range a caller asks for, as long as it starts on a block boundary)."""
    if sigma == 0:
        return np.ones(stop - start)
    parts = [
        stream(seed, Phase.ACTIVITY, b).lognormal(-0.5 * sigma**2, sigma, e - s)
        for b, s, e in blocks(stop, block_size, start)
    ]
    return np.concatenate(parts) if parts else np.empty(0)
