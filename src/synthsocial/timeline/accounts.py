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
* Time zone: the user's own IANA zone when the users have one (``time_zone``, the zone of their
  state: population/location.py), its UTC offset taken day by day so that daylight saving time
  begins and ends as it did in that zone (the offset at 12:00 UTC of each day holds for the whole
  local day); otherwise an offset in hours from UTC drawn from ``timezones`` (offset -> share),
  the same every day.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from zoneinfo import ZoneInfo

import numpy as np

from ..rng import Phase, blocks, stream

DAY = 86_400


@dataclass(frozen=True)
class Accounts:
    """Per user: ``created_at`` (epoch seconds, UTC), ``zone`` (a row of ``offsets``: the user's
    UTC offset in hours on each day from the start, days past the last column taking the last),
    ``rate`` (posts per day) and ``activity`` (the rate over its mean)."""

    created_at: np.ndarray
    zone: np.ndarray
    offsets: np.ndarray
    rate: np.ndarray
    activity: np.ndarray

    @property
    def utc_offset(self) -> np.ndarray:
        """Each user's UTC offset (hours) on the first day."""
        return self.offsets[self.zone, 0]


def zone_offsets(names, start: int, days: float) -> np.ndarray:
    """(zones, ceil(days) + 1): the UTC offset in hours of each IANA zone in ``names`` at 12:00
    UTC of each day from ``start``."""
    noon = [start + d * DAY + DAY // 2 for d in range(int(np.ceil(days)) + 1)]
    out = np.empty((len(names), len(noon)))
    for i, name in enumerate(names):
        tz = ZoneInfo(name)
        out[i] = [datetime.fromtimestamp(t, tz).utcoffset().total_seconds() / 3600.0 for t in noon]
    return out


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
    zones: np.ndarray | None = None,
    days: float = 0.0,
    block_size: int,
    seed: int,
    rng: np.random.Generator,
) -> Accounts:
    """The accounts of the users whose influence scores are ``influence`` (``seed`` and
    ``block_size``: the world's, for the activity draw; ``rng``: the timeline's stream). With
    ``zones`` (each user's IANA zone), their offsets over ``days`` replace ``timezones``."""
    n = influence.size
    z = standard_normals(n, block_size, seed)
    activity = np.exp(sigma * z - 0.5 * sigma**2)
    ages = np.minimum(rng.exponential(age_mean_days, n), age_max_days)
    ages.sort()
    order = np.argsort(-(influence * rng.random(n) ** age_noise), kind="stable")  # most influential first
    age = np.empty(n)
    age[order] = ages[::-1]
    created = start - np.round(age * DAY).astype(np.int64) - 1
    if zones is None:
        offsets = np.array(sorted(timezones), dtype=np.float64)[:, None]
        shares = np.array([timezones[k] for k in sorted(timezones)], dtype=np.float64)
        zone = rng.choice(offsets.size, size=n, p=shares / shares.sum())
    else:
        names, zone = np.unique(zones, return_inverse=True)
        offsets = zone_offsets(names, start, days)
    return Accounts(created, zone, offsets, posts_per_day * activity, activity)


def follow_times(
    source: np.ndarray, target: np.ndarray, created_at: np.ndarray, start: int, rng: np.random.Generator
) -> np.ndarray:
    """When each follow (source -> target) was made: uniform between the creation of the younger
    of the two accounts and the start of the timeline."""
    since = np.maximum(created_at[source], created_at[target])
    return since + np.floor(rng.random(source.size) * (start - since)).astype(np.int64)
