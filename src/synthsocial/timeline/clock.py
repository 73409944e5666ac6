"""When users post (issue 17): sessions in a daily and weekly rhythm, bursts inside them.

User i opens S_i ~ Poisson(r_i * days / m) sessions over the period (r_i: posts per day,
accounts.py; m: the mean events per session). A session starts at a time drawn from the
rhythm in the user's local time: a day uniform over the period, accepted with probability
w_weekday / max(w_weekday), an hour with probability proportional to ``hour_profile`` (24
weights, local hour 0-23), a second uniform within it. It holds K ~ 1 + Poisson(m - 1)
events separated by exponential gaps of mean ``session_gap`` seconds. The result is bursty:
short gaps inside sessions, long ones between them (the burstiness B = (s - mu) / (s + mu) of
the gaps is well above 0, the value of a Poisson process), and the volume follows the clock.
"""

from __future__ import annotations

import numpy as np

from .accounts import DAY


def session_starts(
    user: np.ndarray,
    start: int,
    days: float,
    zone: np.ndarray,
    offsets: np.ndarray,
    hour_profile: np.ndarray,
    weekly: np.ndarray,
    rng: np.random.Generator,
) -> np.ndarray:
    """A start time (epoch seconds, UTC) for each session of ``user`` (one entry per session);
    user i's UTC offset on local day d is ``offsets[zone[i], d]`` hours (the last column past it)."""
    n = user.size
    out = np.empty(n, dtype=np.int64)
    todo = np.arange(n)
    hour_cdf = np.cumsum(hour_profile) / hour_profile.sum()
    accept = weekly / weekly.max()
    while todo.size:
        local_day = np.floor(rng.random(todo.size) * days)
        hour = np.searchsorted(hour_cdf, rng.random(todo.size), side="right")
        second = rng.random(todo.size) * 3600.0
        local = start + local_day * DAY + hour * 3600.0 + second  # the user's local clock from the start
        day = np.minimum(local_day.astype(np.int64), offsets.shape[1] - 1)
        utc = local - offsets[zone[user[todo]], day] * 3600.0
        weekday = ((np.floor(local / DAY).astype(np.int64) + 3) % 7).astype(np.int64)  # 1970-01-01 was a Thursday
        ok = rng.random(todo.size) < accept[weekday]
        out[todo[ok]] = np.floor(utc[ok]).astype(np.int64)
        todo = todo[~ok]
    return out


def post_times(
    rate: np.ndarray,
    start: int,
    days: float,
    zone: np.ndarray,
    offsets: np.ndarray,
    *,
    session_mean: float,
    session_gap: float,
    hour_profile: np.ndarray,
    weekly: np.ndarray,
    rng: np.random.Generator,
) -> tuple[np.ndarray, np.ndarray]:
    """(user, time) of every original post in [start, start + days), sorted by time then user."""
    sessions = rng.poisson(rate * days / session_mean)
    user = np.repeat(np.arange(rate.size), sessions)
    begin = session_starts(user, start, days, zone, offsets, hour_profile, weekly, rng)
    size = 1 + rng.poisson(session_mean - 1.0, user.size)
    event_user = np.repeat(user, size)
    first = np.cumsum(size) - size  # where each session's events begin
    gaps = rng.exponential(session_gap, event_user.size)
    gaps[first] = 0.0  # the first event of a session opens it
    elapsed = np.cumsum(gaps)
    t = np.repeat(begin, size) + np.floor(elapsed - np.repeat(elapsed[first], size)).astype(np.int64)
    keep = (t >= start) & (t < start + int(days * DAY))
    event_user, t = event_user[keep], t[keep]
    order = np.lexsort((event_user, t))
    return event_user[order], t[order]
