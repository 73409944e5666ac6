"""Social influence score (section III-A 6).

raw ~ Pareto(shape a, minimum x_min), drawn by inverse transform from a quantile u ~ U(0, 1).
Extraversion+ users get, with probability b, a quantile from the top quintile (u ~ U(0.8, 1))
instead: "a better chance of selecting a top-quintile influence value". Ages in the young range
multiply the score by ``young_factor`` and ages from ``old_age_min`` by ``old_factor``; the
score is then capped.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

import numpy as np

if TYPE_CHECKING:
    from ..config import InfluenceConfig


def sample_influence(
    age: np.ndarray, extravert: np.ndarray, cfg: InfluenceConfig, rng: np.random.Generator
) -> np.ndarray:
    """The social influence score of each user (section III-A 6; the recipe is in the module docstring).

    Parameters
    ----------
    age : np.ndarray
        Age of each user, in years.
    extravert : np.ndarray
        Boolean mask of the Extraversion+ users, the same length as ``age``.
    cfg : InfluenceConfig
        Pareto shape and minimum, top-quintile probability, age ranges and factors, and the cap.
    rng : np.random.Generator
        The stream the draws come from.

    Returns
    -------
    np.ndarray
        One float score per user, at most ``cfg.cap``.
    """
    n = age.size
    u = rng.random(n)
    boost = extravert & (rng.random(n) < cfg.extraversion_top_quintile_p)
    top = 0.8 + 0.2 * rng.random(n)
    u = np.where(boost, top, u)
    raw = cfg.x_min * (1.0 - u) ** (-1.0 / cfg.exponent)
    lo, hi = cfg.young_ages
    factor = np.where((age >= lo) & (age <= hi), cfg.young_factor, 1.0)
    factor = np.where(age >= cfg.old_age_min, cfg.old_factor, factor)
    return np.minimum(raw * factor, cfg.cap)
