"""The spec of ``fidelity``: synthetic posts measured against real ones (docs/fidelity.md)."""

from __future__ import annotations

from typing import Any

from .base import Seed, Spec, check_corpus_platform, option, real_threads_field, seed_field


class FidelitySpec(Spec):
    """The real corpus (``real``, read with the ``real_*`` columns), how to read the synthetic posts
    (``text_col``, ``platform_col``, ``platform``), whether to embed (``semantic``), and real threads
    to compare a timeline's conversations with (``real_threads``)."""

    stage = "fidelity"

    real: str = option(..., "Real posts: a file, or ../shared/data/posts.", metavar="CORPUS")
    text_col: str | None = option(
        None, "Text column of SYNTHETIC (raw_text: before post-processing).", metavar="NAME|INDEX"
    )
    platform_col: str | None = option(None, "Platform column of SYNTHETIC.", metavar="NAME|INDEX")
    platform: str | None = option(None, "Platform of a one-platform SYNTHETIC.", metavar="NAME")
    real_text_col: str | None = option(None, "Text column of the real corpus.", metavar="NAME|INDEX")
    real_platform_col: str | None = option(None, "Platform column of the real corpus.", metavar="NAME|INDEX")
    real_platform: str | None = option(None, "Platform of a one-platform real corpus.", metavar="NAME")
    semantic: bool = option(True, "Embedding metrics (the embed extra).", negative="--no-semantic")
    real_threads: str | None = real_threads_field()
    seed: Seed = seed_field()

    def model_post_init(self, context: Any) -> None:
        object.__setattr__(self, "platform", check_corpus_platform(self.platform_col, self.platform))
        object.__setattr__(self, "real_platform", check_corpus_platform(self.real_platform_col, self.real_platform))
