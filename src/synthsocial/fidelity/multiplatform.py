"""Metrics specific to multi-platform data (the paper calls for them; our definitions).

* platform separability: a classifier trained on real posts to predict the platform; its accuracy
  on held-out real posts (what separability looks like in real data) and on synthetic posts, with
  the confusion matrix of the synthetic ones. Synthetic posts that keep their platform's style are
  classified as well as held-out real ones.
* preservation of cross-platform differences: for every lexical feature, each platform's deviation
  from the all-platform mean, scaled by the real deviations' spread; the Pearson correlation between
  real and synthetic deviations over all (platform, feature) pairs, and the share whose sign agrees.
* topic consistency across platforms (synthetic posts with a topic): mean cosine similarity of
  posts on the same topic but different platforms, against different topics on different platforms.
"""

from __future__ import annotations

import numpy as np

from .classify import balanced, pipeline
from .lexical import FEATURES

MIN_REAL = 10  # real posts per platform below which separability is not measured


def separability(
    real_text: list[str],
    real_platform: list[str],
    syn_text: list[str],
    syn_platform: list[str],
    seed: int = 0,
    cap: int = 3_000,
) -> dict:
    """Platform separability: how well a classifier trained on real posts predicts the platform.

    Only platforms present in both sets count (``platforms``, sorted); with fewer than two, or fewer than
    ``MIN_REAL`` real posts of one of them, the accuracies and the confusion matrix are None (with a ``note`` in the
    second case). Real posts are balanced (at most ``cap`` per platform) and split 80/20, stratified.
    Returns the accuracy on the held-out real posts (``real_accuracy``) and on every synthetic post of those
    platforms (``synthetic_accuracy``), the synthetic ``confusion[true][predicted]`` counts and ``trained_on``, the
    number of training posts.
    """
    from sklearn.model_selection import train_test_split

    platforms = sorted(set(real_platform) & set(syn_platform))
    if len(platforms) < 2:
        return {"platforms": platforms, "real_accuracy": None, "synthetic_accuracy": None, "confusion": None}
    rng = np.random.default_rng(seed)
    rt = np.array(real_text, dtype=object)
    rp = np.array(real_platform, dtype=object)
    keep = np.isin(rp, platforms)
    rt, rp = rt[keep], rp[keep]
    idx = balanced(rp, cap, rng)
    few = [p for p in platforms if np.sum(rp[idx] == p) < MIN_REAL]
    if few:  # a stratified 80/20 split needs a few real posts of every platform
        return {
            "platforms": platforms,
            "real_accuracy": None,
            "synthetic_accuracy": None,
            "confusion": None,
            "note": f"fewer than {MIN_REAL} real posts of {', '.join(few)}: separability not measured",
        }
    train, test = train_test_split(idx, test_size=0.2, random_state=seed, stratify=rp[idx])
    model = pipeline(seed, train.size).fit(rt[train].tolist(), rp[train])
    real_acc = float(np.mean(model.predict(rt[test].tolist()) == rp[test]))
    st = np.array(syn_text, dtype=object)
    sp = np.array(syn_platform, dtype=object)
    sk = np.isin(sp, platforms)
    pred = model.predict(st[sk].tolist())
    conf = {p: {q: int(np.sum((sp[sk] == p) & (pred == q))) for q in platforms} for p in platforms}
    return {
        "platforms": platforms,
        "real_accuracy": real_acc,
        "synthetic_accuracy": float(np.mean(pred == sp[sk])),
        "confusion": conf,
        "trained_on": int(train.size),
    }


def cross_platform_differences(real_means: dict[str, dict], syn_means: dict[str, dict]) -> dict:
    """``*_means[platform][feature]``: per-platform feature means."""
    platforms = sorted(set(real_means) & set(syn_means))
    if len(platforms) < 2:
        return {"correlation": None, "sign_agreement": None, "pairs": 0}
    xs, ys = [], []
    for f in FEATURES:
        r = np.array([real_means[p][f] for p in platforms], dtype=float)
        s = np.array([syn_means[p][f] for p in platforms], dtype=float)
        if not (np.all(np.isfinite(r)) and np.all(np.isfinite(s))):
            continue
        spread = r.std()
        if spread == 0:
            continue
        xs.extend((r - r.mean()) / spread)
        ys.extend((s - s.mean()) / spread)
    x, y = np.array(xs), np.array(ys)
    corr = float(np.corrcoef(x, y)[0, 1]) if x.size > 2 and x.std() > 0 and y.std() > 0 else None
    return {
        "correlation": corr,
        "sign_agreement": float(np.mean(np.sign(x) == np.sign(y))) if x.size else None,
        "pairs": int(x.size),
    }


def topic_consistency(
    emb: np.ndarray, topics: list[str], platforms: list[str], seed: int = 0, pairs: int = 20_000
) -> dict:
    """Mean similarity of synthetic posts on the same topic against different topics, over pairs on different platforms.

    ``emb`` holds one unit-norm embedding per post (dot product = cosine similarity), in the order of ``topics`` and
    ``platforms``. ``pairs`` random pairs are drawn (seeded, with replacement) and those on different platforms are
    kept. Returns ``same_topic``, ``different_topic``, their ``difference`` and ``pairs_same``; only the first three,
    all None, with fewer than two platforms or topics, or when no kept pair has the same (or a different) topic.
    """
    t = np.array(topics, dtype=object)
    p = np.array(platforms, dtype=object)
    if len(set(platforms)) < 2 or len(set(topics)) < 2:
        return {"same_topic": None, "different_topic": None, "difference": None}
    rng = np.random.default_rng(seed)
    a, b = rng.integers(0, len(t), pairs), rng.integers(0, len(t), pairs)
    cross = p[a] != p[b]
    sims = np.sum(emb[a] * emb[b], axis=1)
    same = cross & (t[a] == t[b])
    diff = cross & (t[a] != t[b])
    if not same.any() or not diff.any():
        return {"same_topic": None, "different_topic": None, "difference": None}
    s, d = float(sims[same].mean()), float(sims[diff].mean())
    return {"same_topic": s, "different_topic": d, "difference": s - d, "pairs_same": int(same.sum())}
