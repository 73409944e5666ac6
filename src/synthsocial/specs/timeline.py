"""The spec of ``timeline``: when the users post and react (docs/timeline.md)."""

from __future__ import annotations

import datetime as dt
from typing import Annotated

from pydantic import Field, field_validator

from ..config import IntRange, Range
from .base import Seed, Spec, internal, option, real_threads_field

_CONSTANT = "a simulation constant, set through the library (docs/timeline.md gives its source)"

# Relative posting volume by local hour (0-23): a night minimum near 4 am at about a seventh of
# the evening peak, the shape reported for Twitter's diurnal activity (e.g. Golder & Macy 2011,
# Science 333:1878). An assumption to replace with a corpus's own profile (docs/timeline.md).
HOUR_PROFILE = (
    0.45, 0.30, 0.20, 0.15, 0.14, 0.17, 0.28, 0.45, 0.60, 0.70, 0.75, 0.80,
    0.85, 0.85, 0.85, 0.85, 0.88, 0.92, 0.97, 1.00, 1.00, 0.95, 0.80, 0.62,
)  # fmt: skip
WEEKLY = (1.0, 1.0, 1.0, 1.0, 0.95, 0.85, 0.9)  # Monday first
# UTC offsets (hours) and shares of the users: an assumed mix for an English-language platform
# (the Americas, Europe, Asia-Pacific); no survey gives it for Bluesky (docs/timeline.md).
TIMEZONES = ((-8.0, 0.15), (-6.0, 0.1), (-5.0, 0.3), (0.0, 0.15), (1.0, 0.15), (5.5, 0.05), (9.0, 0.05), (10.0, 0.05))

NonNegative = Annotated[float, Field(strict=False, ge=0.0, allow_inf_nan=False)]


class TimelineSpec(Spec):
    """The settings of a timeline (defaults: docs/timeline.md says where each comes from); ``seed``
    None: the world's; ``real_threads``: real threads (a PHEME CSV or events.parquet) to compare the
    conversations with."""

    stage = "timeline"

    start: str = option("2025-01-06", "First day of the period (midnight UTC).", metavar="YYYY-MM-DD")
    days: Range(0.0, 3650.0, open_low=True) = option(7.0, "Length of the period in days (> 0).", metavar="D")
    platforms: str = option("bluesky", "The world's platform first (all use it); others by Pew.", metavar="P,...")
    posts_per_day: Range(0.0, 1000.0) = option(0.4, "Mean original posts per user per day.", metavar="R")
    activity_sigma: Range(0.0, 5.0) = internal(1.3, _CONSTANT)
    session_mean: Range(1.0, 100.0) = internal(2.0, _CONSTANT)
    session_gap: Range(1.0, 86_400.0) = internal(300.0, _CONSTANT)
    hour_profile: list[NonNegative] = internal(default_factory=lambda: list(HOUR_PROFILE), why=_CONSTANT)
    weekly: list[NonNegative] = internal(default_factory=lambda: list(WEEKLY), why=_CONSTANT)
    timezones: list[tuple[Range(-12.0, 14.0), NonNegative]] = internal(
        default_factory=lambda: list(TIMEZONES), why=_CONSTANT
    )
    age_mean_days: Range(0.0, 36_500.0) = internal(300.0, _CONSTANT)
    age_max_days: Range(0.0, 36_500.0) = internal(700.0, _CONSTANT)
    age_noise: Range(0.0, 100.0) = internal(1.0, _CONSTANT)
    react_p: Range(0.0, 1.0) = internal(0.05, _CONSTANT)
    reply_reach: Range(0.0, 1.0) = internal(0.1, _CONSTANT)
    repost_reach: Range(0.0, 1.0) = internal(0.5, _CONSTANT)
    reply_back: Range(0.0, 1.0) = internal(0.15, _CONSTANT)
    react_cap: Range(0.0, 1.0) = internal(0.3, _CONSTANT)
    lag_median: Range(1.0, 10_000_000.0) = internal(480.0, _CONSTANT)
    lag_sigma: Range(0.0, 10.0) = internal(1.8, _CONSTANT)
    max_users: IntRange(1, 10**12) | None = internal(None, _CONSTANT)

    @field_validator("start")
    @classmethod
    def _date(cls, v: str) -> str:
        try:
            dt.date.fromisoformat(v)
        except (TypeError, ValueError):
            raise ValueError("use a date as YYYY-MM-DD") from None
        return v

    @field_validator("hour_profile")
    @classmethod
    def _hours(cls, v: list[float]) -> list[float]:
        if len(v) != 24 or sum(v) <= 0:
            raise ValueError("give 24 non-negative weights (local hours 0-23), not all zero")
        return v

    @field_validator("weekly")
    @classmethod
    def _week(cls, v: list[float]) -> list[float]:
        if len(v) != 7 or max(v) <= 0:
            raise ValueError("give 7 non-negative weights (Monday first), not all zero")
        return v

    @field_validator("timezones")
    @classmethod
    def _zones(cls, v: list[tuple[float, float]]) -> list[tuple[float, float]]:
        if not v or sum(s for _, s in v) <= 0:
            raise ValueError("give at least one [UTC offset, share] pair with a positive share")
        return v

    seed: Seed | None = option(None, "Random seed (default: the world's).", short="-s", metavar="S")
    real_threads: str | None = real_threads_field()

    def start_seconds(self) -> int:
        """The start as epoch seconds (midnight UTC)."""
        return int(dt.datetime.fromisoformat(self.start).replace(tzinfo=dt.UTC).timestamp())
