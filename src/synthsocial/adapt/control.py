"""The control prefix: what the adapted model is told before it writes a post.

One short line the model learns to follow during ``adapt`` and is given at generation::

    reddit | topic: game, team, season, play
    <the post><end of text>

and, for a reply (a corpus with parent ids, or a reply in a world's timeline)::

    reddit | topic: game, team, season, play | reply to: <the parent, at most 200 characters>
    <the reply><end of text>

No instructions and no examples: the adapter has learned what follows such a line on each
platform. Newlines inside a post are kept; the end-of-text token ends it.
"""

from __future__ import annotations

import re

PARENT_CHARS = 200
KEYWORDS = 4


def _one_line(text: str) -> str:
    return re.sub(r"\s+", " ", text).strip()


def prefix(platform: str, keywords: list[str] | None = None, parent: str | None = None) -> str:
    """The control line (ending in a newline) for a post on ``platform`` about ``keywords``, replying to ``parent``."""
    parts = [platform]
    if keywords:
        parts.append("topic: " + ", ".join(keywords[:KEYWORDS]))
    if parent:
        parent = _one_line(parent)
        if len(parent) > PARENT_CHARS:
            parent = parent[:PARENT_CHARS].rsplit(" ", 1)[0] + " ..."
        parts.append("reply to: " + parent)
    return " | ".join(parts) + "\n"
