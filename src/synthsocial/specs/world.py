"""The spec of ``world``: every stage of a world from one plan (pipeline.py runs them)."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from ..config import IntRange, Range
from ..errors import ConfigError
from .base import (
    CommaList,
    Overrides,
    Profile,
    Seed,
    Spec,
    adapter_field,
    backend_field,
    base_url_field,
    config_field,
    model_field,
    nodes_field,
    option,
    profile_field,
    real_threads_field,
    reference_field,
    seed_field,
)
from .engine import EngineSpec
from .evaluate import EvaluateSpec
from .generate import MAX_NODES, MIN_NODES, GenerateSpec
from .posts import PostsSpec
from .timeline import TimelineSpec


class WorldPlan(Spec):
    """What ``synthsocial world`` makes: ``nodes`` users generated on ``engine`` with ``config``
    over ``profile``, measured against ``reference``; ``writers`` of them (None: all) post
    ``posts_per_user`` times on ``platforms`` with ``backend``; with ``real_corpus``, the prompts are
    grounded in it and fidelity is measured against it; with ``adapter`` (written by
    ``synthsocial adapt``), the posts come from the adapted model. With ``timeline_days``, a timeline
    of that many days (``synthsocial timeline``, on ``platforms``) is made in DIR/timeline and the
    posts stage writes the texts of its first ``max_texts`` events instead of ``writers`` posts; with
    ``real_threads`` (a PHEME CSV or events.parquet), the timeline's and the posts' conversations are
    compared with them. One ``seed`` seeds every stage. Each stage's spec comes from the plan
    (:meth:`generate`, :meth:`evaluate`, :meth:`timeline`, :meth:`posts`)."""

    stage = "world"

    nodes: IntRange(MIN_NODES, MAX_NODES) = nodes_field()
    platforms: CommaList = option(
        help="Platforms to post on.", short="-p", metavar="LIST", sep=",", default_factory=lambda: ["twitter", "reddit"]
    )
    real_corpus: str | None = option(None, "Real posts: ground the prompts, measure fidelity.", metavar="PATH")
    seed: Seed = seed_field()
    config: Overrides = config_field()
    profile: Profile = profile_field()
    writers: IntRange(1, MAX_NODES) | None = option(100, "Users who write posts (a random sample).", metavar="K")
    posts_per_user: IntRange(1, 10_000) = option(1, metavar="K")
    backend: str = backend_field()
    model: str | None = model_field()
    base_url: str | None = base_url_field()
    reference: str = reference_field()
    engine: EngineSpec = EngineSpec()
    adapter: str | None = adapter_field()
    timeline_days: Range(0.0, 3650.0, open_low=True) | None = option(
        None, "Make a timeline of D days; posts are its events' texts.", metavar="D"
    )
    max_texts: IntRange(0, 10**12) | None = option(
        None, "With --timeline-days: texts for the first N events only.", metavar="N"
    )
    real_threads: str | None = real_threads_field()

    def model_post_init(self, context: Any) -> None:
        if self.timeline_days is None and (self.max_texts is not None or self.real_threads is not None):
            raise ConfigError(
                "{given} needs a timeline: give {days} too, or drop it",
                given="world.max_texts" if self.max_texts is not None else "world.real_threads",
                days="world.timeline_days",
            )

    def generate(self) -> GenerateSpec:
        """The generate stage's spec."""
        return GenerateSpec(
            nodes=self.nodes, seed=self.seed, config=self.config, profile=self.profile, engine=self.engine
        )

    def evaluate(self) -> EvaluateSpec:
        """The evaluate stage's spec."""
        return EvaluateSpec(reference=self.reference, seed=self.seed)

    def timeline(self) -> TimelineSpec:
        """The timeline stage's spec (with ``timeline_days``)."""
        return TimelineSpec(
            days=self.timeline_days, platforms=",".join(self.platforms), seed=self.seed, real_threads=self.real_threads
        )

    def posts(self, directory: Path | None = None) -> PostsSpec:
        """The posts stage's spec (the texts of the timeline in ``directory``/timeline with ``timeline_days``)."""
        days = self.timeline_days is not None
        return PostsSpec(
            platforms=",".join(self.platforms),
            timeline=str(directory / "timeline") if days and directory is not None else None,
            max_texts=self.max_texts if days and directory is not None else None,
            posts_per_user=self.posts_per_user,
            max_users=min(self.writers, self.nodes) if self.writers is not None else None,
            backend=self.backend,
            model=self.model,
            base_url=self.base_url,
            adapter=self.adapter,
            seed=self.seed,
        )
