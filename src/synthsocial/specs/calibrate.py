"""The specs of the generator's own studies: ``calibrate`` (section IV-B), ``ensemble`` and
``benchmark`` (section IV-C), and ``build-maps`` (section III-B)."""

from __future__ import annotations

from ..config import IntRange, Range
from ..limits import MAX_BUDGET, MAX_PROCESSES, MAX_REPLICATES
from ..rng import MAX_SEED
from .base import (
    Overrides,
    Profile,
    Seed,
    Spec,
    config_field,
    directed_field,
    nodes_field,
    option,
    profile_field,
    reference_field,
    seed_field,
)
from .generate import MAX_NODES


class CalibrateSpec(Spec):
    """A search of the link hyperparameters against ``reference`` on worlds of ``nodes`` users."""

    stage = "calibrate"

    reference: str = reference_field()
    nodes: IntRange(10, MAX_NODES) = option(
        1000, "Users per evaluated world (the paper: 1,000).", short="-n", metavar="N"
    )
    method: str = option(
        "grid",
        "The paper's grid; seeded TPE (optuna); or TPE at N/10, the best tenth promoted to N and refined.",
        metavar="grid|optuna|multifidelity",
    )
    space: str | None = option(
        None,
        "Searches: the grid's values, or wider ranges and more knobs (default: extended for a graph reference).",
        metavar="paper|extended",
    )
    budget: IntRange(1, MAX_BUDGET) | None = option(
        None, "Evaluations (default: the whole grid; optuna 100; multifidelity 100 at N/10).", metavar="K"
    )
    profile: Profile = profile_field(
        "paper", "Settings each point starts from, at its size: paper (default) or bluesky."
    )
    config: Overrides = config_field("Base configuration whose link hyperparameters are fitted.")
    processes: IntRange(1, MAX_PROCESSES) | None = option(
        None, "Parallel processes for the grid (default: all cores).", short="-j", metavar="P"
    )
    directed: bool | None = directed_field()
    seed: Seed = seed_field()
    validation: bool = option(True, "Check the best point at 10x the size.", "--validate", negative="--no-validate")
    replicates: IntRange(1, MAX_REPLICATES) = option(
        1, "Worlds per point (seeds S..S+R-1), metrics averaged.", metavar="R"
    )
    rank_by: str | None = option(None, "NED that picks the best point (default: by method).", metavar="minmax|fixed")


class EnsembleSpec(Spec):
    """``seeds`` worlds of one configuration (seeds ``first_seed`` on), each metric as a mean with a
    Student-t interval at ``level``."""

    stage = "ensemble"

    nodes: IntRange(2, MAX_NODES) = nodes_field()
    seeds: IntRange(2, 10_000) = option(5, "Worlds to generate (seeds first .. first + K - 1).", metavar="K")
    first_seed: IntRange(0, MAX_SEED - 10_000) = option(0, "Seed of the first world.", metavar="S")
    config: Overrides = config_field()
    profile: Profile = profile_field()
    reference: str = reference_field()
    level: Range(0.5, 0.999) = option(0.95, "Confidence level of the intervals.", metavar="L")


class BenchmarkSpec(Spec):
    """Our generator against graph samplers and classic generators on ``reference_graph``."""

    stage = "benchmark"

    reference_graph: str = option(..., "The real graph to sample.", metavar="PATH")
    reference: str | None = reference_field(None, "Profile to compare with (default: the graph's).")
    config: Overrides = config_field("Our generator's configuration (e.g. calibrate's best_config.json).")
    sizes: str = option("1000", "Comma-separated sizes.", metavar="LIST")
    runs: IntRange(1, 10_000) = option(10, "Runs per method and size (seeds 0..R-1).", metavar="R")
    methods: str | None = option(None, "Subset of methods (default: all).", metavar="LIST")
    directed: bool | None = directed_field()
    ned_scope: str = option("all", "Min-max NED over every graph, or per size.", metavar="all|size")


class MapsSpec(Spec):
    """The vocabularies whose semantic maps ``build-maps`` orders: those of ``config``."""

    stage = "build-maps"

    config: Overrides = config_field("Config whose occupations and interests to order.")
