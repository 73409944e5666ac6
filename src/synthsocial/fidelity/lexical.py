"""Lexical fidelity: per-post features and how their distributions differ between two corpora.

Per post: characters, words, hashtags, mentions, URLs, emoji (``emoji`` package), first / second /
third person pronouns, Flesch reading ease (syllables from the ``pyphen`` hyphenation dictionary)
and the VADER sentiment compound score (``vaderSentiment``, lexicon shipped in the package).
Per corpus: the mean of every feature, vocabulary size, type-token ratio (on a fixed-size sample of
tokens, so corpora of different sizes compare), the diversity of hashtags / mentions / emoji
(distinct over total) and the most frequent 1-, 2- and 3-grams. Between corpora: KS statistic and
Wasserstein distance of lengths, Jensen-Shannon divergence of unigram distributions, vocabulary
overlap (Jaccard), overlap of the top-100 n-grams, and the sentiment distribution.
"""

from __future__ import annotations

import functools
import re
from collections import Counter

import numpy as np
from scipy.spatial.distance import jensenshannon
from scipy.stats import ks_2samp, wasserstein_distance

from ..posts.postprocess import URL, tokens  # noqa: F401 (tokens: the words fidelity measures)

HASHTAG = re.compile(r"#\w+")
MENTION = re.compile(r"@\w+")
SENTENCE = re.compile(r"[.!?]+")
PRONOUNS = {
    "first": {"i", "me", "my", "mine", "myself", "we", "us", "our", "ours", "ourselves"},
    "second": {"you", "your", "yours", "yourself", "yourselves"},
    "third": {"he", "him", "his", "she", "her", "hers", "they", "them", "their", "theirs", "it", "its"},
}
FEATURES = (
    "chars",
    "words",
    "hashtags",
    "mentions",
    "urls",
    "emoji",
    "pronoun_first",
    "pronoun_second",
    "pronoun_third",
    "readability",
    "sentiment",
)
TTR_SAMPLE = 5_000
TOP_NGRAMS = 100


@functools.lru_cache(maxsize=1)
def _tools():
    import emoji
    import pyphen
    from vaderSentiment.vaderSentiment import SentimentIntensityAnalyzer

    return emoji, pyphen.Pyphen(lang="en_US"), SentimentIntensityAnalyzer()


def _syllables(word: str, hyph) -> int:
    return max(1, hyph.inserted(word).count("-") + 1)


def features(texts: list[str]) -> dict[str, np.ndarray]:
    """Per-post features of every text (arrays of equal length)."""
    emoji, hyph, vader = _tools()
    out = {k: np.zeros(len(texts)) for k in FEATURES}
    for i, t in enumerate(texts):
        toks = tokens(t)
        words = [w for w in toks if w[0] not in "#@"]
        out["chars"][i] = len(t)
        out["words"][i] = len(t.split())
        out["hashtags"][i] = len(HASHTAG.findall(t))
        out["mentions"][i] = len(MENTION.findall(t))
        out["urls"][i] = len(URL.findall(t))
        out["emoji"][i] = emoji.emoji_count(t)
        n = max(len(words), 1)
        for person, vocab in PRONOUNS.items():
            out[f"pronoun_{person}"][i] = sum(w in vocab for w in words) / n
        sentences = max(len([s for s in SENTENCE.split(t) if s.strip()]), 1)
        syll = sum(_syllables(w, hyph) for w in words if w.isalpha())
        out["readability"][i] = 206.835 - 1.015 * (n / sentences) - 84.6 * (syll / n) if words else np.nan
        out["sentiment"][i] = vader.polarity_scores(t)["compound"]
    return out


def _ngrams(toks: list[str], n: int):
    return zip(*(toks[i:] for i in range(n)))


def profile(texts: list[str], feats: dict[str, np.ndarray] | None = None, seed: int = 0) -> dict:
    """Corpus-level lexical profile."""
    feats = feats if feats is not None else features(texts)
    toks = [tokens(t) for t in texts]
    flat = [w for ts in toks for w in ts]
    rng = np.random.default_rng(seed)
    sample = [flat[i] for i in rng.choice(len(flat), size=min(TTR_SAMPLE, len(flat)), replace=False)] if flat else []

    def diversity(pattern: re.Pattern) -> float | None:
        found = [m.lower() for t in texts for m in pattern.findall(t)]
        return len(set(found)) / len(found) if found else None

    emoji, _, _ = _tools()
    emo = [e["emoji"] for t in texts for e in emoji.emoji_list(t)]
    sentiment = feats["sentiment"]
    return {
        "posts": len(texts),
        "means": {k: float(np.nanmean(v)) if v.size else None for k, v in feats.items()},
        "medians": {k: float(np.nanmedian(v)) if v.size else None for k in ("chars", "words") for v in [feats[k]]},
        "vocabulary": len(set(flat)),
        "type_token_ratio": len(set(sample)) / len(sample) if sample else None,
        "diversity": {
            "hashtags": diversity(HASHTAG),
            "mentions": diversity(MENTION),
            "emoji": len(set(emo)) / len(emo) if emo else None,
        },
        "sentiment_shares": {
            "negative": float(np.mean(sentiment <= -0.05)) if sentiment.size else None,
            "neutral": float(np.mean(np.abs(sentiment) < 0.05)) if sentiment.size else None,
            "positive": float(np.mean(sentiment >= 0.05)) if sentiment.size else None,
        },
        "top_ngrams": {
            n: [" ".join(g) for g, _ in Counter(g for ts in toks for g in _ngrams(ts, n)).most_common(TOP_NGRAMS)]
            for n in (1, 2, 3)
        },
    }


def unigrams(texts: list[str]) -> Counter:
    """Word counts of a corpus (the tokens of :func:`tokens`)."""
    return Counter(w for t in texts for w in tokens(t))


def compare(
    syn: dict, real: dict, syn_feats: dict, real_feats: dict, syn_unigrams: Counter, real_unigrams: Counter
) -> dict:
    """Distances between a synthetic and a real lexical profile (with their :func:`features` and
    :func:`unigrams`)."""
    out = {}
    for k in ("chars", "words"):
        a, b = syn_feats[k], real_feats[k]
        out[f"{k}_ks"] = float(ks_2samp(a, b).statistic) if a.size and b.size else None
        out[f"{k}_wasserstein"] = float(wasserstein_distance(a, b)) if a.size and b.size else None
    s_a, s_b = syn_feats["sentiment"], real_feats["sentiment"]
    out["sentiment_ks"] = float(ks_2samp(s_a, s_b).statistic) if s_a.size and s_b.size else None
    vocab = sorted(set(syn_unigrams) | set(real_unigrams))
    p = np.array([syn_unigrams.get(w, 0) for w in vocab], dtype=float)
    q = np.array([real_unigrams.get(w, 0) for w in vocab], dtype=float)
    out["unigram_jsd"] = float(jensenshannon(p / p.sum(), q / q.sum(), base=2) ** 2) if p.sum() and q.sum() else None
    a, b = set(syn_unigrams), set(real_unigrams)
    out["vocabulary_jaccard"] = len(a & b) / len(a | b) if a | b else None
    out["synthetic_vocabulary_in_real"] = len(a & b) / len(a) if a else None
    out["top_ngram_overlap"] = {
        n: len(set(syn["top_ngrams"][n]) & set(real["top_ngrams"][n])) / max(len(real["top_ngrams"][n]), 1)
        for n in (1, 2, 3)
    }
    out["rate_differences"] = {
        k: (syn["means"][k] - real["means"][k])
        for k in FEATURES
        if syn["means"][k] is not None and real["means"][k] is not None
    }
    return out
