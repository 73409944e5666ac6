"""The spec of ``adapt``: LoRA on the embedded model from a corpus of real posts (docs/fidelity.md,
"Adapting the model")."""

from __future__ import annotations

import hashlib
import json

from ..config import IntRange, Range
from .base import Seed, Spec, check_corpus_platform, internal, option, seed_field

MIN_POSTS = 20

_MEASURED = "measured once (docs/fidelity.md): set through the library"
CORPUS_FIELDS = ("corpus", "text_col", "platform_col", "platform", "id_col", "parent_col")


class AdaptSpec(Spec):
    """Settings of one adaptation (defaults measured in docs/fidelity.md, "Adapting the model").

    ``corpus``: the real posts (a file, or the folder of the shared corpora) read with the columns
    given (``id_col`` and ``parent_col``: replies learn their parent). ``steps`` (when given)
    replaces ``epochs``. ``held_out``: share of the posts kept aside for the held-out loss (at
    least 8, at most 200 posts). ``n_topics``: topics extracted for the control prefix (0: platform
    only). ``balance``: platform p's share of the training examples is proportional to
    ``n_p ** balance`` (1: as in the corpus, 0: equal shares; small platforms repeated). ``lengths``:
    the post's length bucket in the control prefix (generation then draws it from the corpus's
    lengths per platform). ``max_tokens``: a post is cut after this many tokens. ``negatives``: tokens
    outside the corpus kept in the trimmed training vocabulary.
    """

    stage = "adapt"

    corpus: str | None = option(None, "Real posts to learn from.", metavar="FILE")
    text_col: str | None = option(None, "Text column of the corpus.", metavar="NAME|INDEX")
    platform_col: str | None = option(None, "Platform column of the corpus.", metavar="NAME|INDEX")
    platform: str | None = option(None, "Platform of a one-platform corpus.", metavar="NAME")
    id_col: str | None = option(
        None, "Post id column (with --parent-col: replies learn their parent).", metavar="NAME|INDEX"
    )
    parent_col: str | None = option(None, "Parent post id column.", metavar="NAME|INDEX")
    epochs: Range(0.0, 1000.0, open_low=True) = option(1.0, metavar="E")
    steps: IntRange(1, 10_000_000) | None = option(None, "Training steps (replaces --epochs).", metavar="S")
    max_posts: IntRange(MIN_POSTS, 100_000_000) | None = option(
        10_000, "Posts drawn from the corpus (default 10000).", metavar="N"
    )
    held_out: Range(0.0, 0.5) = internal(0.05, _MEASURED)
    n_topics: IntRange(0, 1000) = option(10, "Topics in the control prefix (0: platform only).", metavar="K")
    balance: Range(0.0, 1.0) = option(
        1.0, "Platform shares of training as n**B (1: as in the corpus, 0: equal).", metavar="B"
    )
    lengths: bool = option(
        True, "Post length in the control prefix (generation follows the corpus's lengths).", negative="--no-lengths"
    )
    rank: IntRange(1, 256) = option(16, "LoRA rank.", metavar="R")
    alpha: Range(0.0, 10_000.0, open_low=True) = internal(32.0, _MEASURED)
    learning_rate: Range(0.0, 1.0, open_low=True) = option(5e-4, metavar="LR")
    batch_size: IntRange(1, 1024) = option(16, metavar="B")
    max_tokens: IntRange(8, 2048) = option(64, "Tokens per post kept for training.", metavar="K")
    negatives: IntRange(0, 262_144) = internal(4096, _MEASURED)
    checkpoint_every: IntRange(1, 1_000_000) = option(20, "Steps between checkpoints.", metavar="S")
    seed: Seed = seed_field()
    threads: IntRange(1, 1024) | None = option(None, "CPU threads (default: all).", metavar="T")

    def key(self, corpus_sha256: str) -> str:
        """What identifies a run: the corpus's content and every setting that changes the adapter."""
        settings = self.model_dump(exclude={"checkpoint_every", "threads", *CORPUS_FIELDS})
        # the settings' values of runs made before they existed leave the key as it was
        if settings["balance"] == 1.0:
            del settings["balance"]
        if not settings["lengths"]:
            del settings["lengths"]
        blob = json.dumps({"corpus": corpus_sha256, "settings": settings}, sort_keys=True)
        return hashlib.sha256(blob.encode()).hexdigest()

    def model_post_init(self, context) -> None:
        object.__setattr__(self, "platform", check_corpus_platform(self.platform_col, self.platform))
