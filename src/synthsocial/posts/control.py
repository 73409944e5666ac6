"""The control prefix: what the adapted model is told before it writes a post.

One short line the model learns to follow during ``adapt`` and is given at generation::

    reddit | topic: game, team, season, play | length: 11-20 words
    <the post><end of text>

and, for a reply (a corpus with parent ids, or a reply in a world's timeline)::

    reddit | topic: game, team, season, play | length: 1-5 words | reply to: <the parent, at most 200 characters>
    <the reply><end of text>

No instructions and no examples: the adapter has learned what follows such a line on each
platform. Newlines inside a post are kept; the end-of-text token ends it. The length is the
post's word count in one of :data:`LENGTHS`' buckets: in training, the real post's; at
generation, drawn from the training corpus's lengths on that platform (so the lengths of the
synthetic posts follow the real ones).
"""

from __future__ import annotations

import re

import numpy as np

PARENT_CHARS = 200
KEYWORDS = 4
LENGTHS = (5, 10, 20, 40, 80)  # upper word counts of the length buckets; the last bucket is open
BUCKETS = (*(f"{low + 1}-{high}" for low, high in zip((0, *LENGTHS), LENGTHS)), f"{LENGTHS[-1] + 1}+")


def _one_line(text: str) -> str:
    return re.sub(r"\s+", " ", text).strip()


def length_bucket(text: str) -> str:
    """The length bucket of ``text`` by its word count: one of :data:`BUCKETS` (``1-5``, ..., ``81+``)."""
    return BUCKETS[int(np.searchsorted(LENGTHS, len(text.split())))]


def prefix(
    platform: str, keywords: list[str] | None = None, parent: str | None = None, length: str | None = None
) -> str:
    """The control line (ending in a newline) for a post on ``platform`` about ``keywords``, of ``length``
    (a :func:`length_bucket`), replying to ``parent``."""
    parts = [platform]
    if keywords:
        parts.append("topic: " + ", ".join(keywords[:KEYWORDS]))
    if length:
        parts.append(f"length: {length} words")
    if parent:
        parent = _one_line(parent)
        if len(parent) > PARENT_CHARS:
            parent = parent[:PARENT_CHARS].rsplit(" ", 1)[0] + " ..."
        parts.append("reply to: " + parent)
    return " | ".join(parts) + "\n"
