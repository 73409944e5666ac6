"""Memorization of the real corpus by the synthetic posts.

* the longest substring a synthetic post shares with any real post (characters; candidates are
  the real posts sharing a word 4-gram with it, compared with difflib);
* the share of synthetic posts sharing at least one word 8-gram with the real corpus;
* near-duplicates: synthetic posts whose nearest real post has cosine similarity >= 0.95 (when
  embeddings are available) or a difflib ratio >= 0.9 with a candidate.
"""

from __future__ import annotations

from collections import defaultdict
from difflib import SequenceMatcher

import numpy as np

from .lexical import tokens


def _grams(toks: list[str], n: int) -> set[tuple[str, ...]]:
    return set(zip(*(toks[i:] for i in range(n))))


def memorization(real: list[str], synthetic: list[str], nearest_similarity: np.ndarray | None = None) -> dict:
    """Memorization of ``real`` by ``synthetic``: longest shared substring (max, mean, 95th percentile, in characters),
    share of synthetic posts sharing a word 8-gram with the real corpus, and near-duplicate counts.

    Substrings and difflib ratios are taken on lower-cased text, against at most 50 real posts that share a word
    4-gram with the synthetic post (a post sharing none scores 0 and is not a text near-duplicate).
    ``nearest_similarity``: each synthetic post's cosine similarity to its nearest real post; when given,
    ``near_duplicates_embedding`` counts those >= 0.95.
    """
    real_toks = [tokens(t) for t in real]
    index: dict[tuple, list[int]] = defaultdict(list)
    eight: set[tuple] = set()
    for i, ts in enumerate(real_toks):
        for g in _grams(ts, 4):
            index[g].append(i)
        eight |= _grams(ts, 8)
    longest, shares8, near_text = [], 0, 0
    for text in synthetic:
        ts = tokens(text)
        cands = {j for g in _grams(ts, 4) for j in index.get(g, ())}
        best, ratio = 0, 0.0
        low = text.lower()
        for j in list(cands)[:50]:
            other = real[j].lower()
            m = SequenceMatcher(None, low, other, autojunk=False)
            best = max(best, m.find_longest_match(0, len(low), 0, len(other)).size)
            ratio = max(ratio, m.ratio())
        longest.append(best)
        shares8 += bool(_grams(ts, 8) & eight)
        near_text += ratio >= 0.9
    longest_arr = np.array(longest) if longest else np.zeros(1)
    out = {
        "longest_shared_substring": {
            "max": int(longest_arr.max()),
            "mean": float(longest_arr.mean()),
            "p95": float(np.quantile(longest_arr, 0.95)),
        },
        "share_with_shared_8gram": shares8 / max(len(synthetic), 1),
        "near_duplicates_text": int(near_text),
    }
    if nearest_similarity is not None:
        out["near_duplicates_embedding"] = int(np.sum(nearest_similarity >= 0.95))
    return out
