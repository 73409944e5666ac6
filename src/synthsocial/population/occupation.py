"""Qualification and occupation, both conditioned on age (section III-A 4).

Occupation: drawn uniformly from the pool of the user's age band (with ``population.survey``,
weighted by gender and qualification: population/survey.py). Qualification: drawn from the
band's distribution over the levels the user is old enough to hold (the paper only asks that
profiles stay realistic; the per-level minimum age keeps a 19-year-old from holding a PhD).
"""

from __future__ import annotations

import numpy as np


def sample_occupation(
    band: np.ndarray,
    pools: list[list[int]],
    rng: np.random.Generator,
    group: np.ndarray | None = None,
    weights: np.ndarray | None = None,
) -> np.ndarray:
    """Occupation codes: for each user, one code drawn from ``pools[band]``, uniformly, or with
    ``weights[group, code]`` (population/survey.py: a group per gender and qualification) when
    given; uniformly over the pool where a group's weights there are all 0. One uniform per user
    either way."""
    sizes = np.array([len(p) for p in pools], dtype=np.int64)
    table = np.full((len(pools), sizes.max()), -1, dtype=np.int16)
    for b, pool in enumerate(pools):
        table[b, : len(pool)] = pool
    u = rng.random(band.size)
    if weights is None:
        return table[band, (u * sizes[band]).astype(np.int64)]
    w = np.where(table >= 0, weights[:, np.maximum(table, 0)], 0.0)  # (groups, bands, slots)
    w = np.where(w.sum(axis=2, keepdims=True) > 0, w, table >= 0)
    cdf = np.cumsum(w, axis=2)
    cdf /= cdf[:, :, -1:]
    pick = (cdf[group, band] <= u[:, None]).sum(axis=1)
    return table[band, np.minimum(pick, sizes[band] - 1)]


def sample_qualification(
    band: np.ndarray,
    age: np.ndarray,
    p_by_band: list[list[float]],
    min_age: list[int],
    rng: np.random.Generator,
) -> np.ndarray:
    """Qualification codes from the band's weights, masked to levels with ``min_age <= age``."""
    w = np.asarray(p_by_band, dtype=np.float64)[band]
    w *= np.asarray(min_age)[None, :] <= age[:, None]
    cdf = np.cumsum(w, axis=1)
    u = rng.random(band.size) * cdf[:, -1]
    return (cdf <= u[:, None]).sum(axis=1).astype(np.int8)
