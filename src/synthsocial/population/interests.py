"""Interests (section III-A 5): between ``low`` and ``high`` topics, uniform without replacement
(with ``population.survey``, weighted by age and gender: population/survey.py)."""

from __future__ import annotations

import numpy as np


def sample_interests(
    n: int, n_topics: int, per_user: tuple[int, int], rng: np.random.Generator, weights: np.ndarray | None = None
) -> tuple[np.ndarray, np.ndarray]:
    """Return ``(counts, codes)``: codes is an (n, high) int16 matrix whose first counts[i]
    entries of row i are user i's interests (the rest are -1).

    The count is uniform on [low, high]; the topics are the ``high`` smallest of n_topics uniform
    keys (a uniformly random ordered subset), truncated to the count. With ``weights`` (n,
    n_topics; population/survey.py) the keys are -log(1 - U) / w: a weighted draw without
    replacement, the same order as U where every weight is 1.
    """
    low, high = per_user
    counts = rng.integers(low, high + 1, size=n).astype(np.int8)
    keys = rng.random((n, n_topics))
    if weights is not None:
        keys = -np.log1p(-keys) / weights
    if high < n_topics:
        part = np.argpartition(keys, high - 1, axis=1)[:, :high]
    else:
        part = np.broadcast_to(np.arange(n_topics), (n, n_topics))
    order = np.take_along_axis(part, np.argsort(np.take_along_axis(keys, part, axis=1), axis=1), axis=1)
    codes = order.astype(np.int16)
    codes[np.arange(high)[None, :] >= counts[:, None]] = -1
    return counts, codes
