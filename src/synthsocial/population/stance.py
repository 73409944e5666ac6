"""Stance (beyond the paper, issue 18): one opinion axis per user, e.g. political leaning.

stance = 2 X - 1 with X ~ Beta(b, b): symmetric around 0 on [-1, 1]; b = 1 is uniform, b > 1
puts most users near the centre (the default b = 2: 31% of users beyond +-0.5), b < 1 splits
them into two camps. Drawn from its own random stream
(Phase.STANCE), so adding it changed no other attribute. How much it shapes who follows whom is
``homophily.stance_weight`` (homophily/projection.py). With ``population.survey`` the sign
follows the user's age as party leaning does in Pew's 2024 survey (population/survey.py).
"""

from __future__ import annotations

import numpy as np


def sample_stance(m: int, beta: float, rng: np.random.Generator, right: np.ndarray | None = None) -> np.ndarray:
    """Stances of ``m`` users, 2 Beta(beta, beta) - 1; with ``right`` (each user's P(stance > 0):
    population/survey.py), the same magnitudes with a sign that is positive with that probability."""
    s = 2.0 * rng.beta(beta, beta, size=m) - 1.0
    if right is None:
        return s
    return np.where(rng.random(m) < right, np.abs(s), -np.abs(s))
