"""Training examples from a corpus of real posts: control prefix + text, tokenized, split.

Each post becomes ``[bos] prefix text [eos]`` with the loss on ``text [eos]`` only (the prefix is
given at generation, never written by the model). Prefix and text are tokenized separately, as
llama.cpp sees them at generation (the prompt ends with the prefix's newline). A post longer than
``max_tokens`` is cut there and gets no end-of-text token (the model does not learn to stop
mid-sentence). The held-out split is drawn with the seed before anything else, so the same
corpus and seed always hold out the same posts.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pyarrow as pa

from ..posts.control import BUCKETS, length_bucket, prefix
from ..rng import Stream, draws


@dataclass(frozen=True)
class Example:
    """One training post: its token ids and how many of the first ones are prompt (no loss)."""

    ids: list[int]
    prompt: int


def split(n: int, held_out: float, seed: int, min_held: int = 8, max_held: int = 200) -> tuple[np.ndarray, np.ndarray]:
    """Indices of the training and held-out posts (ascending): a seeded share ``held_out`` of ``n``,
    at least ``min_held`` and at most ``max_held`` posts held out (the held-out loss takes a full-vocabulary
    pass over each, about 0.25 s a post on 2 cores)."""
    k = int(np.clip(round(held_out * n), min_held, max_held)) if held_out > 0 else 0
    held = np.sort(draws(seed, Stream.HELD_OUT).choice(n, size=min(k, n - 1), replace=False))
    return np.setdiff1d(np.arange(n), held), held


def balance(platforms: list[str], idx: np.ndarray, exponent: float, seed: int) -> np.ndarray:
    """Training indices resampled so that platform p's share is proportional to ``n_p ** exponent``
    (1: as in the corpus, 0: equal shares; the exponent of multilingual training, Conneau et al.
    2020), keeping the total. A platform over its count is repeated whole, then a seeded remainder
    is drawn without replacement; one under it is a seeded draw without replacement."""
    if exponent >= 1.0:
        return idx
    plats = np.array([platforms[i] for i in idx], dtype=object)
    names = sorted(set(plats.tolist()))
    counts = np.array([int(np.sum(plats == p)) for p in names], dtype=np.float64)
    weights = counts**exponent
    targets = np.floor(idx.size * weights / weights.sum()).astype(np.int64)
    targets[: idx.size - int(targets.sum())] += 1  # the rounding remainder, to the first platforms
    rng = draws(seed, Stream.BALANCE)
    out = []
    for name, target in zip(names, targets):
        own = idx[plats == name]
        whole, rest = divmod(int(target), own.size)
        out.extend([own] * whole)
        out.append(np.sort(rng.choice(own, size=rest, replace=False)))
    return np.sort(np.concatenate(out))


def parents(corpus: pa.Table) -> list[str | None]:
    """The parent text of every post when the corpus has ``id`` and ``parent_id`` columns (None
    for top-level posts and parents not in the corpus)."""
    if "parent_id" not in corpus.column_names or "id" not in corpus.column_names:
        return [None] * corpus.num_rows
    text_of = dict(zip(corpus["id"].to_pylist(), corpus["text"].to_pylist()))
    return [text_of.get(p) if p not in (None, "") else None for p in corpus["parent_id"].to_pylist()]


def prefixes(corpus: pa.Table, keywords: dict[str, list[str]] | None, lengths: bool = True) -> list[str]:
    """The control prefix of every post (platform, its topic's keywords, its length bucket when
    ``lengths``, its parent's text)."""
    plats = corpus["platform"].to_pylist()
    topics = corpus["topic"].to_pylist() if keywords and "topic" in corpus.column_names else [None] * len(plats)
    texts = corpus["text"].to_pylist()
    return [
        prefix(p, keywords.get(t) if keywords and t else None, parent, length_bucket(x) if lengths else None)
        for p, t, parent, x in zip(plats, topics, parents(corpus), texts)
    ]


def length_shares(platforms: list[str], texts: list[str], idx: np.ndarray) -> dict[str, dict[str, float]]:
    """Each platform's share of posts per length bucket among the posts ``idx``: {platform: {bucket: share}}."""
    counts: dict[str, dict[str, int]] = {}
    for i in idx:
        own = counts.setdefault(platforms[i], {})
        b = length_bucket(texts[i])
        own[b] = own.get(b, 0) + 1
    return {p: {b: round(c[b] / sum(c.values()), 6) for b in BUCKETS if b in c} for p, c in sorted(counts.items())}


def encode(tokenizer, heads: list[str], texts: list[str], max_tokens: int) -> list[Example]:
    """Token ids of ``[bos] head text [eos]`` for each post (text cut at ``max_tokens``, then no eos)."""
    enc_heads = tokenizer(heads, add_special_tokens=False).input_ids
    enc_texts = tokenizer(texts, add_special_tokens=False).input_ids
    out = []
    for h, t in zip(enc_heads, enc_texts):
        body = t[:max_tokens] if len(t) > max_tokens else [*t, tokenizer.eos_token_id]
        out.append(Example([tokenizer.bos_token_id, *h, *body], 1 + len(h)))
    return out
