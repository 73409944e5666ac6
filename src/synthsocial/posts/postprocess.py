"""Cleaning model output (the paper: post-processing is needed for high fidelity) and deciding
whether an output is usable.

:func:`clean` strips model artefacts (surrounding quotes, "Here is a tweet:", numbering, leftover
template fields), replaces dataset placeholders, collapses degenerate repetition, caps hashtag
spam, and enforces the platform's length limit at a word boundary. :func:`problem` says why a
cleaned post must be regenerated (empty, refusal, not English-like, a copy of an example), or
returns None.
"""

from __future__ import annotations

import re
from difflib import SequenceMatcher

from ..platforms import Platform

URL = re.compile(r"https?://\S+|www\.\S+")
TOKEN = re.compile(r"[#@]?\w+(?:'\w+)?", re.UNICODE)


def tokens(text: str) -> list[str]:
    """Lower-cased word tokens of ``text`` with URLs removed; hashtags and mentions keep their ``#`` / ``@``, and one
    inner apostrophe is kept (``don't``): the words the memorization guard and fidelity's measures count."""
    return [t.lower() for t in TOKEN.findall(URL.sub(" ", text))]


_PREFIX = re.compile(
    r"^\s*(?:(?:here(?:'s| is) (?:a|an|my|the) [^:]{0,40}:)"
    r"|(?:(?:post|tweet|caption|comment|reply)\s*\d*\s*:)"
    r"|(?:\d{1,2}[.)]\s+))\s*",
    re.I,
)
_FIELDS = re.compile(r"^\s*(?:author|topic)\s*:[^|]*\|\s*", re.I)
_REPEAT = re.compile(r"(?<!\S)([\w@#']+)(?:\s+\1(?!\S)){2,}", re.I)
_HASHTAG = re.compile(r"#\w+")
_SPECIAL = re.compile(r"<(?:start|end)_of_\w+>|<(?:pad|bos|eos|unk|mask)>")  # model control tokens
_REFUSAL = re.compile(r"\b(?:as an ai|i'?m sorry|i cannot|i can'?t help|language model)\b", re.I)
_COMMON = set(
    "the a an to and or but i me my we our you your he she it its they them their is are was were be been "
    "am do does did have has had not no so of in on at for with from by about as this that these those what "
    "who how why when where all just can will would could should if then than too very more most out up "
    "today new love like get got good great one time day".split()
)


def clean(text: str, platform: Platform) -> str:
    """Model output cleaned into a post for ``platform``: surrounding quotes, "Here is a ...:" prefixes, numbering,
    leftover author/topic fields, a few HTML tags and model control tokens (``<start_of_image>``) removed; ``[NAME]``
    replaced by "Sam"; runs of three or more repeated words cut to two; hashtags capped at 2 * hashtags_per_post + 3
    and de-duplicated (case-insensitive); whitespace collapsed; and the text cut at a word boundary to at most
    ``max_chars``."""
    t = text.strip()
    for _ in range(3):
        t = _FIELDS.sub("", _PREFIX.sub("", t.strip('"“”'))).strip()
    if len(t) >= 2 and t[0] == t[-1] and t[0] in "\"'“”":
        t = t[1:-1].strip()
    t = re.sub(r"\[NAME\]", "Sam", t)
    t = re.sub(r"</?(?:em|strong|b|i|p|br)\s*/?>", "", t)
    t = _SPECIAL.sub(" ", t)
    t = _collapse_repeats(t)
    cap = int(2 * platform.hashtags_per_post + 3)
    tags = _HASHTAG.findall(t)
    if len(tags) > cap:
        count = 0

        def keep(m: re.Match) -> str:
            nonlocal count
            count += 1
            return m.group(0) if count <= cap else ""

        t = _HASHTAG.sub(keep, t)
    seen: set[str] = set()
    t = _HASHTAG.sub(lambda m: "" if m.group(0).lower() in seen or seen.add(m.group(0).lower()) else m.group(0), t)
    t = re.sub(r"\s{2,}", " ", t).strip()
    return _cut(t, platform.max_chars, " ")


def clean_adapted(text: str, platform: Platform) -> str:
    """Output of an adapted model cleaned as little as its corpus allows: model control tokens removed,
    runs of three or more repeated words cut to two, spaces collapsed within lines, at most one
    blank line kept, the text cut at a word boundary to at most ``max_chars``. Line breaks, hashtag
    runs and the corpus's own placeholders (GoEmotions' ``[NAME]``) stay: the adapter learned them
    from the corpus, and :func:`clean`'s few-shot repairs would move its posts away from it."""
    t = _collapse_repeats(_SPECIAL.sub(" ", text))
    t = re.sub(r"[^\S\n]+", " ", t)
    t = re.sub(r" ?\n ?", "\n", t)
    t = re.sub(r"\n{3,}", "\n\n", t).strip()
    return _cut(t, platform.max_chars, " \n")


def _collapse_repeats(t: str) -> str:
    """Runs of three or more repeated words cut to two."""
    return _REPEAT.sub(lambda m: f"{m.group(1)} {m.group(1)}", t)


def _cut(t: str, limit: int, breaks: str) -> str:
    """``t`` cut to at most ``limit`` characters at its last break character (any of ``breaks``), if it has one."""
    if len(t) <= limit:
        return t.strip()
    cut = t[:limit]
    at = max(cut.rfind(b) for b in breaks)
    return (cut[:at] if at >= 0 else cut).strip()


def _english_like(text: str) -> bool:
    letters = [c for c in text if c.isalpha()]
    if not letters:
        return False
    if sum(c.isascii() for c in letters) / len(letters) < 0.8:
        return False
    words = re.findall(r"[a-z']+", text.lower())
    return len(words) < 8 or any(w in _COMMON for w in words)


def problem(text: str, examples: list[str]) -> str | None:
    """Why ``text`` must be regenerated, or None when it is usable."""
    if len(re.sub(r"[#@]\w+|\W", "", text)) < 3:
        return "empty"
    if _REFUSAL.search(text):
        return "refusal"
    if re.match(r"^\s*(?:author|topic|post)\s*:", text, re.I):
        return "template echo"
    if not _english_like(text):
        return "wrong language"
    low = text.lower()
    for ex in examples:
        if SequenceMatcher(None, low, ex.lower()).ratio() > 0.8:
            return "copy of an example"
    return None
