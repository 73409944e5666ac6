"""The spec of ``posts`` (and of the posts stage of ``world``): what to write, with which model,
grounded in what (Tari et al. 2025; docs/posts.md)."""

from __future__ import annotations

from pathlib import Path
from typing import Any, Literal

from pydantic import field_validator

from ..config import IntRange, Options, Range
from ..errors import ConfigError
from .base import (
    CommaList,
    Seed,
    Spec,
    adapter_field,
    backend_field,
    base_url_field,
    check_corpus_platform,
    internal,
    model_field,
    option,
    seed_field,
)


class Sampling(Options):
    """Decoding settings shared by the backends (defaults: the InstaSynth settings where known,
    temperature 0.7, frequency penalty 2.0 is too strong for 100M-scale models: see docs/posts.md).
    ``min_p`` (llama.cpp's default 0.05; the OpenAI-compatible backend has no such setting): tokens
    less likely than ``min_p`` times the most likely one are not drawn."""

    temperature: Range(0.0, 2.0) = 0.8
    top_p: Range(0.0, 1.0) = 0.95
    top_k: IntRange(0, 100_000) = 64
    min_p: Range(0.0, 1.0) = 0.05
    max_tokens: IntRange(1, 100_000) = 96
    frequency_penalty: Range(-2.0, 2.0) = 0.0
    presence_penalty: Range(-2.0, 2.0) = 0.0
    repeat_penalty: Range(0.0, 10.0, open_low=True) = 1.1


ADAPTED_SAMPLING = Sampling(temperature=1.0, top_p=1.0, top_k=0, min_p=0.01, repeat_penalty=1.0, max_tokens=160)
"""Plain sampling from the adapted model (docs/fidelity.md, "Adapting the model")."""

_NO_FLAG = "rarely changed: set through the library"
STANCE_TOPICS = ["Politics", "Climate Change"]  # topics whose posts show the writer's stance (posts/stance.py)
LABELS = ["progressive", "moderate", "conservative"]  # the words of the three sides


class Decoding(Spec):
    """The decoding settings given (None: the default of the strategy: :data:`ADAPTED_SAMPLING` with an
    adapter, else :class:`~synthsocial.posts.backends.base.Sampling` ())."""

    stage = "decoding"

    temperature: Range(0.0, 2.0) | None = option(None, "Default 0.8; 1.0 with --adapter.", metavar="T")
    top_p: Range(0.0, 1.0) | None = option(None, "Default 0.95.", metavar="P")
    top_k: IntRange(0, 100_000) | None = internal(None, _NO_FLAG)
    min_p: Range(0.0, 1.0) | None = option(None, "Default 0.05 (embedded backend).", metavar="P")
    max_tokens: IntRange(1, 100_000) | None = option(None, "Default 96.", metavar="K")
    frequency_penalty: Range(-2.0, 2.0) | None = option(None, "Default 0.", metavar="X")
    presence_penalty: Range(-2.0, 2.0) | None = option(None, "Default 0.", metavar="X")
    repeat_penalty: Range(0.0, 10.0, open_low=True) | None = internal(None, _NO_FLAG)

    def sampling(self, adapted: bool) -> Sampling:
        """The settings given over the strategy's defaults."""
        given = self.model_dump(exclude_none=True)
        return Sampling(**{**(ADAPTED_SAMPLING if adapted else Sampling()).model_dump(), **given})


class PostsSpec(Spec):
    """What ``synthsocial posts`` (and the posts stage of ``synthsocial world``) asks for.

    ``strategy`` ``auto`` grounds the prompts in real posts when there are any (``corpus`` or
    ``topics_from``; it measured better on every fidelity metric, docs/fidelity.md), else names
    the platform. ``topics``: what to post about (default: the users' interests; a list, or a file
    with one per line, or comma-separated); ``topics_from``: a corpus to extract ``n_topics`` topics
    from (MiniLM + k-means). ``text_col``, ``platform_col`` and ``corpus_platform`` read both corpora.
    ``adapter``: a directory written by ``synthsocial adapt``: the embedded model with that
    adapter writes each post from a control prefix (platform and topic keywords; strategy
    ``adapted``), topics are the adapter's, and posts repeating a training post are regenerated.
    ``topic_tilt``: with an adapter, how much more likely the persona's topic is than its share
    in the corpus on that platform (0: the corpus mix alone; large: the persona decides).
    ``batch_size``: posts generated and stored together (a crash loses at most one batch);
    ``parallel``: sequences the embedded model decodes at once (1: one at a time; the texts of a
    batch depend on it, the same for the same settings).
    ``timeline``: a directory written by ``synthsocial timeline`` for this world: its events
    (posts, replies, quotes) are the posts to write, replies written to their parent's text and
    a parent always before what answers it; ``max_texts`` writes only the first N events (in
    time order) and keeps the rest as rows of status ``capped`` (their structure, no text).
    ``stance_topics``: posts on these topics show the writer's stance in the prompt as one of
    the three ``stance_labels`` (negative, middle, positive; posts/stance.py); [] turns it off.
    """

    stage = "posts"

    platforms: str = option(
        "twitter,reddit,instagram", "twitter (x), bluesky, reddit, instagram, facebook, ...", short="-p", metavar="LIST"
    )
    platform_config: str | None = option(None, "TOML overriding platform data (docs/posts.md).", metavar="FILE")
    strategy: Literal["auto", "platform-aware", "platform-agnostic"] = option(
        "auto", "auto, platform-aware or platform-agnostic (real examples).", metavar="NAME"
    )
    corpus: str | None = option(None, "Real posts that ground the prompts.", metavar="FILE")
    text_col: str | None = option(None, "Text column of the corpus.", metavar="NAME|INDEX")
    platform_col: str | None = option(None, "Platform column of the corpus.", metavar="NAME|INDEX")
    corpus_platform: str | None = option(None, "Platform of a one-platform corpus.", metavar="NAME")
    topics: list[str] | None = option(
        None, "Topics: comma-separated, or a file (one per line).", metavar="LIST|FILE", sep=","
    )
    topics_from: str | None = option(None, "Extract topics from this corpus (the embed extra).", metavar="FILE")
    n_topics: IntRange(1, 1000) = option(10, metavar="K")
    posts_per_user: IntRange(1, 10_000) = option(1, "Posts per user per platform they use.", metavar="K")
    max_users: IntRange(1, 10**12) | None = option(None, "Writers drawn among the users (default: all).", metavar="N")
    backend: str = backend_field()
    model: str | None = model_field()
    base_url: str | None = base_url_field()
    api_key_env: str = option("OPENAI_API_KEY", "Variable holding the API key.", metavar="VAR")
    adapter: str | None = adapter_field()
    topic_tilt: Range(0.0, 1e6) = option(1.0, metavar="W")
    decoding: Decoding = Decoding()
    batch_size: IntRange(1, 100_000) = option(
        64, "Posts generated and stored together (a crash loses at most one).", metavar="B"
    )
    parallel: IntRange(1, 64) = option(
        8, "Sequences the embedded model decodes at once (1: one at a time).", metavar="P"
    )
    max_attempts: IntRange(1, 100) = option(3, "Generations per post before it is recorded as failed.", metavar="A")
    prompts: str | None = option(None, "Your own prompt templates and exemplars.toml.", metavar="DIR")
    timeline: str | None = option(None, "Write the texts of a timeline's events (synthsocial timeline).", metavar="DIR")
    max_texts: IntRange(0, 10**12) | None = option(
        None, "With --timeline: texts for the first N events only.", metavar="N"
    )
    stance_topics: CommaList = option(
        help="Topics whose posts show the writer's stance ('' for none).",
        metavar="LIST",
        sep=",",
        default_factory=lambda: list(STANCE_TOPICS),
    )
    stance_labels: list[str] = option(
        help="The three words a stance is shown as.",
        metavar="NEG,MID,POS",
        sep=",",
        default_factory=lambda: list(LABELS),
    )
    interaction_p: Range(0.0, 1.0) = option(
        0.02, "Chance that a follower on the platform reacts to a post (without --timeline).", metavar="P"
    )
    seed: Seed = seed_field()

    @field_validator("topics", mode="before")
    @classmethod
    def _topics(cls, v: Any) -> Any:
        """A file of topics (one per line) or a comma-separated text, as a list; an empty one refused."""
        if isinstance(v, str):
            lines = Path(v).read_text(encoding="utf-8").splitlines() if Path(v).is_file() else v.split(",")
            v = [t.strip() for t in lines if t.strip()]
        if v is not None and not v:
            raise ConfigError("{topics}: no topics given", topics="posts.topics")
        return v

    @field_validator("stance_labels", mode="before")
    @classmethod
    def _labels(cls, v: Any) -> Any:
        words = [w.strip() for w in (v.split(",") if isinstance(v, str) else v)]
        if len(words) != 3 or not all(words):
            given = ",".join(map(str, v)) if not isinstance(v, str) else v
            raise ConfigError(
                f"{{labels}} {given!r} is not accepted: give three non-empty words, negative,middle,positive",
                labels="posts.stance_labels",
            )
        return words

    def model_post_init(self, context: Any) -> None:
        object.__setattr__(self, "corpus_platform", check_corpus_platform(self.platform_col, self.corpus_platform))
        if self.max_texts is not None and self.timeline is None:
            raise ConfigError(
                "{max_texts} applies to a timeline's texts: give {timeline} DIR too, or drop it",
                max_texts="posts.max_texts",
                timeline="posts.timeline",
            )
