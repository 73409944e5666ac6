"""The spec of ``generate``: users and their follower graph (homophily paper, section III)."""

from __future__ import annotations

from ..config import IntRange
from .base import Overrides, Profile, Seed, Spec, config_field, nodes_field, option, profile_field, seed_field
from .engine import EngineSpec

MIN_NODES = 2
MAX_NODES = 10**12


class GenerateSpec(Spec):
    """What ``generate`` makes: ``nodes`` users from ``profile`` with ``config`` over it (its overrides:
    a dict, or read from a TOML/JSON file), on ``engine``; ``formats`` beside the Parquet files."""

    stage = "generate"

    nodes: IntRange(MIN_NODES, MAX_NODES) = nodes_field()
    seed: Seed = seed_field()
    config: Overrides = config_field()
    profile: Profile = profile_field()
    formats: tuple[str, ...] = option((), "Also csv, graphml or gexf.", "--format", short="-f", metavar="FORMAT")
    engine: EngineSpec = EngineSpec()
