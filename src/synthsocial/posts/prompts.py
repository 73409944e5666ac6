"""Multi-platform topic-based prompting (Tari et al. 2025 and its predecessor, arXiv 2407.08323).

Two strategies, both as editable template files (``prompts/``, or ``--prompts DIR``):

* ``platform-aware``: the prompt names the platform and shows example posts written for that
  platform (``exemplars.toml``), each labelled with its author and topic; the model continues with
  the post of the target author and topic. Topic and persona sit right before the post, which a
  small base model follows far better than instructions (docs/posts.md).
* ``platform-agnostic``: the platform is not named; the prompt is grounded in real example posts
  of that platform from a corpus, chosen for the topic (same topic label, else most shared words,
  else at random).

One topic yields prompts for every platform a user is on, each in that platform's style.
"""

from __future__ import annotations

import re
import tomllib
from dataclasses import dataclass
from importlib import resources
from pathlib import Path

import numpy as np

from ..errors import ConfigError, InputError
from ..platforms import Platform

STRATEGIES = ("platform-aware", "platform-agnostic")
N_EXAMPLES = 5
# platform-aware prompts show one of a few fixed selections of a platform's examples, so prompts
# begin alike and the batched decoder reads each selection once (llama_batch.py: 112 -> 267
# posts/min at 8 sequences, docs/performance.md); random selections per post would share only
# the first line
VARIANTS = 4
_WORD = re.compile(r"[a-z0-9]+")


@dataclass(frozen=True)
class Templates:
    """The prompt templates: ``aware`` and ``agnostic`` prompts (with ``{examples}`` and ``{topic}`` placeholders),
    the ``*_example`` template of one example line, and ``exemplars``: per platform, (author, topic, text) posts."""

    aware: str
    aware_example: str
    agnostic: str
    agnostic_example: str
    exemplars: dict[str, list[tuple[str, str, str]]]


def load_templates(directory: str | Path | None = None) -> Templates:
    """The shipped templates, or those of ``directory`` (same file names)."""
    base = Path(directory) if directory else Path(str(resources.files(__package__).joinpath("prompts")))

    def read(name: str) -> str:
        p = base / name
        try:
            return p.read_text(encoding="utf-8")
        except OSError as exc:
            raise InputError(f"prompt template {str(p)!r} cannot be read: {exc.strerror or exc}") from None

    try:
        raw = tomllib.loads(read("exemplars.toml"))
    except tomllib.TOMLDecodeError as exc:
        raise InputError(f"{base / 'exemplars.toml'}: not valid TOML: {exc}") from None
    exemplars = {k: [tuple(x) for x in v] for k, v in raw.items()}
    t = Templates(
        read("platform_aware.txt"),
        read("platform_aware_example.txt").rstrip("\n"),
        read("platform_agnostic.txt"),
        read("platform_agnostic_example.txt").rstrip("\n"),
        exemplars,
    )
    for name, text, fields in (
        ("platform_aware.txt", t.aware, ("{examples}", "{topic}")),
        ("platform_agnostic.txt", t.agnostic, ("{examples}", "{topic}")),
    ):
        missing = [f for f in fields if f not in text]
        if missing:
            raise ConfigError(f"prompt template {name} lacks the placeholder {missing[0]}")
    return t


def _words(text: str) -> set[str]:
    return set(_WORD.findall(text.lower()))


class ExamplePool:
    """Real posts of one platform, indexed for choosing examples by topic."""

    def __init__(self, texts: list[str], topics: list[str] | None):
        self.texts = texts
        self.topics = [t.lower() for t in topics] if topics else None
        self.words = [_words(t) for t in texts]

    def choose(self, topic: str, k: int, rng: np.random.Generator) -> list[str]:
        """``k`` example posts for ``topic``: every post when there are at most ``k``; else ``k`` at random among the
        posts labelled with the topic (case-insensitive) if there are that many; else ``k`` at random among the best
        posts by words shared with the topic (k to 4k candidates, ties broken at random); else ``k`` at random."""
        n = len(self.texts)
        if n <= k:
            return list(self.texts)
        if self.topics is not None:
            same = [i for i, t in enumerate(self.topics) if t == topic.lower()]
            if len(same) >= k:
                return [self.texts[i] for i in rng.choice(same, size=k, replace=False)]
        target = _words(topic)
        score = np.array([len(target & w) for w in self.words], dtype=float)
        if score.max() > 0:
            # prefer posts sharing topic words; random among equals
            order = np.lexsort((rng.random(n), -score))
            hits = order[: max(k, int((score > 0).sum()))][: 4 * k]
            return [self.texts[i] for i in rng.choice(hits, size=min(k, hits.size), replace=False)]
        return [self.texts[i] for i in rng.choice(n, size=k, replace=False)]


def _shorten(text: str, limit: int) -> str:
    """Real examples longer than ``limit`` characters are cut at a word boundary (long captions
    would fill the model's context and slow every post down)."""
    if len(text) <= limit:
        return text
    cut = text[:limit]
    return cut[: cut.rfind(" ")] if " " in cut else cut


def _quoted(text: str, platform: Platform) -> str:
    """A parent's text on one line, cut to about two typical posts of ``platform``."""
    return _shorten(" ".join(text.split()), max(2 * platform.typical_chars, 200)).replace('"', "'")


def _variant(platform: str, n: int, v: int) -> np.ndarray:
    """The ``v``-th fixed selection of ``N_EXAMPLES`` of a platform's ``n`` examples, in its order
    (the same in every run: seeded by the platform's name and ``v``)."""
    key = int.from_bytes(platform.encode("utf-8")[:8].ljust(8, b"\0"), "little")
    return np.random.default_rng([key, v]).permutation(n)[:N_EXAMPLES]


def _stance_examples(templates: Templates, labels: tuple[str, str], side: int, rng: np.random.Generator) -> list[tuple]:
    """Two different examples of the writer's pole (exemplars.toml's ``stance-negative`` for
    ``side`` -1, ``stance-positive`` for +1), or one of each pole for a writer between them
    (``side`` 0), their authors labelled with the pole's label, in random order; none when the
    exemplars have no such lists. (One of each pole for every writer left the side unreadable:
    docs/fidelity.md.)"""
    counts = {0: 2} if side < 0 else {1: 2} if side > 0 else {0: 1, 1: 1}
    out = []
    for pole, n in counts.items():
        pool = templates.exemplars.get(("stance-negative", "stance-positive")[pole]) or []
        for i in rng.choice(len(pool), size=min(n, len(pool)), replace=False) if pool else ():
            author, topic, text = pool[i]
            out.append((f"{author}, {labels[pole]}", topic, text))
    return out[::-1] if rng.random() < 0.5 else out


def build_prompt(
    strategy: str,
    templates: Templates,
    platform: Platform,
    topic: str,
    author: str,
    rng: np.random.Generator,
    pool: ExamplePool | None = None,
    parent: str | None = None,
    stance: tuple[str, str] | None = None,
    side: int = 0,
) -> tuple[str, list[str]]:
    """The prompt text and the example posts it contains; for a reply, ``parent`` (the text it
    answers) fills the templates' ``{reply}`` placeholder (a template without it writes replies
    as posts). ``stance``: the labels of the two poles (posts/stance.py) and ``side`` the writer's
    (-1, 0, +1; posts/stance.side): a platform-aware prompt then also shows two examples of the
    writer's pole from exemplars.toml, or one of each pole for a writer between them."""
    if strategy == "platform-aware":
        ex = templates.exemplars.get(platform.name) or []
        if not ex:
            raise ConfigError(f"no example posts for platform {platform.name!r} in exemplars.toml")
        pick = [ex[i] for i in _variant(platform.name, len(ex), int(rng.integers(VARIANTS)))]
        if stance is not None:
            pick += _stance_examples(templates, stance, side, rng)
        lines = "".join(templates.aware_example.format(author=a, topic=t, text=x) + "\n" for a, t, x in pick)
        reply = f' Replying to: "{_quoted(parent, platform)}" |' if parent else ""
        text = templates.aware.format(
            platform=platform.display.split(" (")[0], examples=lines, topic=topic.lower(), author=author, reply=reply
        )
        return text.rstrip(), [x for _, _, x in pick]
    if strategy == "platform-agnostic":
        if pool is None or not pool.texts:
            raise InputError(
                f"the platform-agnostic strategy needs real {platform.name} posts: give {{corpus}} with that platform",
                corpus="posts.corpus",
            )
        pick = [
            _shorten(" ".join(x.split()), max(2 * platform.typical_chars, 200))
            for x in pool.choose(topic, N_EXAMPLES, rng)
        ]
        lines = "".join(templates.agnostic_example.format(text=x) + "\n" for x in pick)
        reply = f'Reply to: "{_quoted(parent, platform)}"\n' if parent else ""
        return templates.agnostic.format(examples=lines, topic=topic.lower(), author=author, reply=reply).rstrip(), pick
    raise ConfigError(f"strategy {strategy!r} is not accepted: use {' or '.join(STRATEGIES)}")
