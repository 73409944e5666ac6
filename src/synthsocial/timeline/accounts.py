"""Accounts in time (issue 17): when each account was created, its time zone, how active it is.

* Activity: user i posts at rate r_i = posts_per_day * b_i per day, with

      b_i = exp(sigma * Z_i - sigma^2 / 2),   Z_i ~ N(0, 1),

  a lognormal of mean 1 (its Gini is erf(sigma / 2)). Z_i is the normal draw behind the
  follow activity a_i of links/activity.py (the same stream), so the users who follow much are
  the ones who post much, whatever the two sigmas; with the follow activity off (sigma 0, the
  paper's generator) the draw is the same.
* Account creation: the account ages (days before the start) are drawn from an exponential
  of mean ``age_mean_days``, cut at ``age_max_days`` (a platform's sign-ups grow), and sorted
  so that the more influential accounts are the older ones, up to noise: the rank of
  influence * U(0, 1) ** ``age_noise`` decides who gets which age (noise 0: strictly by
  influence). Popular accounts had time to become popular.
* Time zone: an offset in hours from UTC drawn from ``timezones`` (offset -> share).
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from ..rng import Phase, blocks, stream

DAY = 86_400


@dataclass(frozen=True)
class Accounts:
    """Per user: ``created_at`` (epoch seconds, UTC), ``utc_offset`` (hours), ``rate`` (posts
    per day) and ``activity`` (the rate over its mean)."""

    created_at: np.ndarray
    utc_offset: np.ndarray
    rate: np.ndarray
    activity: np.ndarray


def standard_normals(n: int, block_size: int, seed: int) -> np.ndarray:
    """Z_i of every user: the standard normals behind links/activity.py's lognormal activity."""
    parts = [stream(seed, Phase.ACTIVITY, b).standard_normal(e - s) for b, s, e in blocks(n, block_size)]
    return np.concatenate(parts) if parts else np.empty(0)


def accounts(
    influence: np.ndarray,
    start: int,
    *,
    posts_per_day: float,
    sigma: float,
    age_mean_days: float,
    age_max_days: float,
    age_noise: float,
    timezones: dict[float, float],
    block_size: int,
    seed: int,
    rng: np.random.Generator,
) -> Accounts:
    """The accounts of the users whose influence scores are ``influence`` (``seed`` and
    ``block_size``: the world's, for the activity draw; ``rng``: the timeline's stream)."""
    n = influence.size
    z = standard_normals(n, block_size, seed)
    activity = np.exp(sigma * z - 0.5 * sigma**2)
    ages = np.minimum(rng.exponential(age_mean_days, n), age_max_days)
    ages.sort()
    order = np.argsort(-(influence * rng.random(n) ** age_noise), kind="stable")  # most influential first
    age = np.empty(n)
    age[order] = ages[::-1]
    created = start - np.round(age * DAY).astype(np.int64) - 1
    offsets = np.array(sorted(timezones), dtype=np.float64)
    shares = np.array([timezones[k] for k in sorted(timezones)], dtype=np.float64)
    tz = offsets[rng.choice(offsets.size, size=n, p=shares / shares.sum())]
    return Accounts(created, tz, posts_per_day * activity, activity)


def follow_times(
    source: np.ndarray, target: np.ndarray, created_at: np.ndarray, start: int, rng: np.random.Generator
) -> np.ndarray:
    """When each follow (source -> target) was made: uniform between the creation of the younger
    of the two accounts and the start of the timeline."""
    since = np.maximum(created_at[source], created_at[target])
    return since + np.floor(rng.random(source.size) * (start - since)).astype(np.int64)
