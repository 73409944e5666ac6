"""Text classifiers for the multi-platform and discriminator metrics (scikit-learn).

Features: TF-IDF of word 1-2-grams and character 2-5-grams (across word boundaries, so word order
shows), sublinear term frequencies; a logistic regression. The same recipe serves platform prediction and
real-versus-synthetic discrimination.
"""

from __future__ import annotations

import numpy as np


def pipeline(seed: int = 0, n_docs: int = 1_000):
    """An unfitted scikit-learn text classifier: TF-IDF of word 1-2-grams and character 2-5-grams (at most 100,000
    character features), sublinear term frequencies, then a logistic regression (C = 4, seeded by ``seed``).

    ``n_docs`` is the number of training texts: from 200 up, terms seen in only one text are dropped (min_df = 2);
    below, every term is kept.
    """
    from sklearn.feature_extraction.text import TfidfVectorizer
    from sklearn.linear_model import LogisticRegression
    from sklearn.pipeline import make_pipeline, make_union

    min_df = 2 if n_docs >= 200 else 1  # tiny corpora keep every term
    features = make_union(
        TfidfVectorizer(
            analyzer="word", ngram_range=(1, 2), min_df=min_df, sublinear_tf=True, token_pattern=r"[#@]?\w+"
        ),
        TfidfVectorizer(analyzer="char", ngram_range=(2, 5), min_df=min_df, sublinear_tf=True, max_features=100_000),
    )
    return make_pipeline(features, LogisticRegression(max_iter=2000, C=4.0, random_state=seed))


def balanced(labels: np.ndarray, cap: int, rng: np.random.Generator) -> np.ndarray:
    """Indices with the same number of items per label (at most ``cap`` each)."""
    classes = np.unique(labels)
    n = min(cap, min(int((labels == c).sum()) for c in classes))
    return np.sort(np.concatenate([rng.choice(np.flatnonzero(labels == c), size=n, replace=False) for c in classes]))


def discriminator(real: list[str], synthetic: list[str], seed: int = 0, cap: int = 5_000, folds: int = 5) -> dict:
    """Cross-validated accuracy of telling real from synthetic posts (0.5 = indistinguishable)."""
    from sklearn.model_selection import StratifiedKFold, cross_val_score

    rng = np.random.default_rng(seed)
    texts = np.array(real + synthetic, dtype=object)
    y = np.array([0] * len(real) + [1] * len(synthetic))
    keep = balanced(y, cap, rng)
    k = min(folds, int(min(np.bincount(y[keep]))))
    if k < 2:
        return {"accuracy": None, "std": None, "folds": 0, "per_class": int(keep.size // 2)}
    scores = cross_val_score(
        pipeline(seed, keep.size), texts[keep].tolist(), y[keep], cv=StratifiedKFold(k, shuffle=True, random_state=seed)
    )
    return {"accuracy": float(scores.mean()), "std": float(scores.std()), "folds": k, "per_class": int(keep.size // 2)}
