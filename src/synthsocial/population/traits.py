"""Big Five traits in binary form (section III-A 3): trait t is "+" with probability p[t]."""

from __future__ import annotations

import numpy as np


def sample_traits(n: int, trait_p: dict[str, float], rng: np.random.Generator) -> np.ndarray:
    """Boolean (n, len(trait_p)) matrix; True is the positive pole ("Extraversion+")."""
    p = np.array(list(trait_p.values()), dtype=np.float64)
    return rng.random((n, p.size)) < p[None, :]
