"""The spec of ``report``: the world's report.html, figures and metrics.json."""

from __future__ import annotations

from ..config import IntRange
from .base import Seed, Spec, option, reference_field, seed_field

MAX_SEEDS = 1_000  # more worlds of the same configuration that a report draws (each as large as this one)


class ReportSpec(Spec):
    """What the report measures against (``reference``) and how many more worlds (``seeds``, 0 or
    at least 2) of the same configuration show every metric's spread."""

    stage = "report"

    reference: str = reference_field()
    seed: Seed = seed_field()
    seeds: IntRange(0, MAX_SEEDS) = option(
        0, "Also K more worlds of this configuration: every metric's spread.", metavar="K"
    )
