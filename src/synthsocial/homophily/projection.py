"""Projection of users into the homophily space (section III-B, Algorithm 1).

x_i = [A_i, O_i, I_i1..I_ik, R_i], every component in [0, 1], then x~_i = x_i * w.

* A: age, min-max normalised over the configured age range (line 4).
* O: (semantic index + 1) / number of occupations (line 5).
* I: (semantic index + 1) / number of interests for each interest, zero-padded to k slots
  (lines 6-10); sorted by semantic index when ``sort_interests`` (see docs/algorithm.md).
* R: U(0, 1) (line 11), drawn from the PROJECTION stream of the user's block.
* S (beyond the paper, issue 18): (stance + 1) / 2, appended with weight ``stance_weight`` when
  that weight is positive (the polarization dial); absent otherwise, so the space is the paper's.
* G (beyond the paper, issue 18): the plane coordinates of the user's state
  (population/location.py), times ``location_weight`` when that weight is positive, after S.

Indices are shifted by one so that no real occupation or interest collides with the zero used
for padding.
"""

from __future__ import annotations

import numpy as np

from ..rng import Phase, blocks, stream


def project(
    age: np.ndarray,
    occupation_rank: np.ndarray,
    interest_rank: np.ndarray,
    *,
    age_range: tuple[int, int],
    n_occupations: int,
    n_interests: int,
    weights: np.ndarray,
    sort_interests: bool,
    seed: int,
    block_size: int,
    first_block: int = 0,
    stance: np.ndarray | None = None,
    stance_weight: float = 0.0,
    location: np.ndarray | None = None,
    location_weight: float = 0.0,
) -> np.ndarray:
    """Return the (N, 3 + k) float64 matrix P of Algorithm 1, plus the stance dimension with a
    positive ``stance_weight`` and the two of ``location`` ((N, 2) plane coordinates) with a
    positive ``location_weight``, in that order.

    ``interest_rank`` is an (N, k) matrix of semantic ranks with -1 for empty slots; the users'
    first block of random streams has index ``first_block``.
    """
    n, k = interest_rank.shape
    lo, hi = age_range
    x = np.empty((n, k + 3), dtype=np.float64)
    x[:, 0] = (age - lo) / max(hi - lo, 1)
    x[:, 1] = (occupation_rank + 1) / n_occupations
    ints = np.where(interest_rank >= 0, (interest_rank + 1) / n_interests, np.inf)
    if sort_interests:
        ints = np.sort(ints, axis=1)  # ascending semantic index, empty slots last
    x[:, 2 : 2 + k] = np.where(np.isinf(ints), 0.0, ints)
    for b, start, stop in blocks(n, block_size):
        x[start:stop, -1] = stream(seed, Phase.PROJECTION, first_block + b).random(stop - start)
    x *= weights[None, :]
    if stance_weight > 0:
        x = np.hstack([x, (stance_weight * (stance + 1.0) / 2.0)[:, None]])
    if location_weight > 0:
        x = np.hstack([x, location_weight * location])
    return x
