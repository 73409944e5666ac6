"""Age (section III-A 2): a band drawn from the probability vector p, then an age uniform in it."""

from __future__ import annotations

import numpy as np


def sample_age(
    n: int, bands: list[tuple[int, int]], p: list[float], rng: np.random.Generator
) -> tuple[np.ndarray, np.ndarray]:
    """Draw ``n`` ages; return ``(band index, age)`` as int8 and int16 arrays.

    ``bands`` are inclusive (low, high) intervals and ``p`` their probabilities.
    """
    probs = np.asarray(p, dtype=np.float64)
    band = rng.choice(len(bands), size=n, p=probs / probs.sum()).astype(np.int8)
    lo = np.array([b[0] for b in bands], dtype=np.int64)
    hi = np.array([b[1] for b in bands], dtype=np.int64)
    age = rng.integers(lo[band], hi[band] + 1).astype(np.int16)
    return band, age
