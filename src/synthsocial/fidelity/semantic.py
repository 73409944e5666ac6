"""Semantic fidelity with the embedded MiniLM model (sentence embeddings, unit norm).

* nearest-real similarity: for each synthetic post, the cosine similarity of the closest real post
  (mean, median, quartiles);
* top-k recall (k = 1, 10, 100): the share of real posts that are among the k nearest real posts
  of at least one synthetic post, i.e. how much of the real corpus the synthetic set reaches;
* within-set similarity: mean pairwise cosine similarity inside each set (lower = more diverse);
* Fréchet distance between the two embedding sets (Gaussian fit, as FID);
* topic divergence: both sets clustered together by seeded k-means; Jensen-Shannon divergence of
  their cluster shares.
"""

from __future__ import annotations

import numpy as np
from scipy.linalg import sqrtm
from scipy.spatial.distance import jensenshannon

from ..homophily.maps import embed

PAIR_SAMPLE = 2_000
N_CLUSTERS = 10


def embeddings(texts: list[str]) -> np.ndarray:
    """Unit-norm MiniLM sentence embeddings of ``texts``, one float32 row per text (needs the ``embed`` extra)."""
    return embed(texts).astype(np.float32)


def _nearest(a: np.ndarray, b: np.ndarray, k: int) -> tuple[np.ndarray, np.ndarray]:
    """Indices and similarities of the k most similar rows of b for each row of a."""
    k = min(k, b.shape[0])
    idx = np.empty((a.shape[0], k), dtype=np.int64)
    sim = np.empty((a.shape[0], k), dtype=np.float32)
    for s in range(0, a.shape[0], 1024):
        m = a[s : s + 1024] @ b.T
        part = np.argpartition(-m, k - 1, axis=1)[:, :k]
        vals = np.take_along_axis(m, part, axis=1)
        order = np.argsort(-vals, axis=1)
        idx[s : s + 1024] = np.take_along_axis(part, order, axis=1)
        sim[s : s + 1024] = np.take_along_axis(vals, order, axis=1)
    return idx, sim


def _within(x: np.ndarray, rng: np.random.Generator) -> float:
    if x.shape[0] < 2:
        return float("nan")
    s = x[rng.choice(x.shape[0], size=min(PAIR_SAMPLE, x.shape[0]), replace=False)]
    m = s @ s.T
    n = s.shape[0]
    return float((m.sum() - np.trace(m)) / (n * (n - 1)))


def frechet(a: np.ndarray, b: np.ndarray) -> float:
    """Fréchet distance between Gaussians fitted to the rows of ``a`` and ``b`` (as FID):
    |mu_a - mu_b|^2 + Tr(C_a + C_b - 2 (C_a C_b)^(1/2)), any imaginary part of the matrix root dropped."""
    mu_a, mu_b = a.mean(axis=0), b.mean(axis=0)
    ca, cb = np.cov(a, rowvar=False), np.cov(b, rowvar=False)
    covmean = sqrtm(ca @ cb)
    if np.iscomplexobj(covmean):
        covmean = covmean.real
    return float(np.sum((mu_a - mu_b) ** 2) + np.trace(ca + cb - 2 * covmean))


def compare(syn: np.ndarray, real: np.ndarray, seed: int = 0) -> dict:
    """Semantic comparison of synthetic and real embeddings (rows, unit norm), as listed in the module docstring.

    Returns ``nearest_real_similarity`` (mean, median, q1, q3), ``top_k_recall`` (keys "1", "10", "100"),
    ``within_similarity`` of each set, ``frechet_distance`` (None unless both sets have more than 2 rows),
    ``topic_jsd`` (Jensen-Shannon divergence, in bits, of the two sets' shares of up to 10 joint k-means clusters).
    """
    from scipy.cluster.vq import kmeans2

    rng = np.random.default_rng(seed)
    near = nearest_similarity(syn, real)
    recall = {}
    for k in (1, 10, 100):
        idx, _ = _nearest(syn, real, k)
        recall[str(k)] = float(np.unique(idx).size / real.shape[0])
    both = np.vstack([syn, real]).astype(np.float64)
    k = min(N_CLUSTERS, both.shape[0])
    _, labels = kmeans2(both, k, seed=np.random.default_rng(seed), minit="++")
    ps = np.bincount(labels[: syn.shape[0]], minlength=k) / syn.shape[0]
    pr = np.bincount(labels[syn.shape[0] :], minlength=k) / real.shape[0]
    return {
        "nearest_real_similarity": {
            "mean": float(near.mean()),
            "median": float(np.median(near)),
            "q1": float(np.quantile(near, 0.25)),
            "q3": float(np.quantile(near, 0.75)),
        },
        "top_k_recall": recall,
        "within_similarity": {"synthetic": _within(syn, rng), "real": _within(real, rng)},
        "frechet_distance": frechet(syn.astype(np.float64), real.astype(np.float64))
        if min(syn.shape[0], real.shape[0]) > 2
        else None,
        "topic_jsd": float(jensenshannon(ps, pr, base=2) ** 2),
    }


def nearest_similarity(syn: np.ndarray, real: np.ndarray) -> np.ndarray:
    """Cosine similarity of each synthetic embedding to its nearest real one (for :func:`.privacy.memorization`)."""
    return _nearest(syn, real, 1)[1][:, 0]
