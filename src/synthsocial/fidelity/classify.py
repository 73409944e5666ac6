"""Text classifiers for the multi-platform and discriminator metrics (scikit-learn).

The n-gram classifier: TF-IDF of word 1-2-grams and character 2-5-grams (across word boundaries, so
word order shows), sublinear term frequencies; a logistic regression. The same recipe serves platform
prediction and real-versus-synthetic discrimination.

Three discriminators tell real from synthetic posts, each cross-validated on the same balanced sample
(:func:`discriminators`): ``ngram`` (the classifier above: wording), ``embedding`` (a logistic
regression on MiniLM sentence embeddings: meaning and topic) and ``style`` (gradient-boosted trees on
the per-post lexical features: length, hashtags, mentions, URLs, emoji, pronouns, readability,
sentiment). The discriminator accuracy of a set of posts is that of the strongest of them.
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


def _cv(model, x, y: np.ndarray, folds: int, seed: int) -> dict:
    """Cross-validated accuracy of ``model`` on (x, y): mean, std, folds, items per class."""
    from sklearn.model_selection import StratifiedKFold, cross_val_score

    per_class = int(y.size // 2)
    k = min(folds, int(min(np.bincount(y, minlength=2))))
    if k < 2:
        return {"accuracy": None, "std": None, "folds": 0, "per_class": per_class}
    scores = cross_val_score(model, x, y, cv=StratifiedKFold(k, shuffle=True, random_state=seed))
    return {"accuracy": float(scores.mean()), "std": float(scores.std()), "folds": k, "per_class": per_class}


def _sample(n_real: int, n_syn: int, seed: int, cap: int) -> tuple[np.ndarray, np.ndarray]:
    """Balanced indices into real + synthetic (at most ``cap`` per class) and their labels (1 = synthetic)."""
    y = np.array([0] * n_real + [1] * n_syn)
    keep = balanced(y, cap, np.random.default_rng(seed))
    return keep, y[keep]


def discriminator(real: list[str], synthetic: list[str], seed: int = 0, cap: int = 5_000, folds: int = 5) -> dict:
    """Cross-validated accuracy of the n-gram classifier telling real from synthetic posts (0.5 = indistinguishable)."""
    keep, y = _sample(len(real), len(synthetic), seed, cap)
    texts = np.array(real + synthetic, dtype=object)[keep].tolist()
    return _cv(pipeline(seed, keep.size), texts, y, folds, seed)


def style_matrix(features: dict[str, np.ndarray]) -> np.ndarray:
    """The per-post lexical features as a matrix (one row per post, missing readability as nan)."""
    return np.column_stack([np.asarray(features[k], dtype=np.float64) for k in sorted(features)])


def discriminators(
    real: list[str],
    synthetic: list[str],
    *,
    real_features: dict[str, np.ndarray],
    synthetic_features: dict[str, np.ndarray],
    real_embeddings: np.ndarray | None = None,
    synthetic_embeddings: np.ndarray | None = None,
    seed: int = 0,
    cap: int = 5_000,
    folds: int = 5,
) -> dict:
    """Every discriminator on one balanced sample: ``{"accuracy", "strongest", "classifiers": {name: result}}``,
    ``accuracy`` that of the strongest classifier (``embedding`` only when embeddings are given)."""
    from sklearn.ensemble import HistGradientBoostingClassifier
    from sklearn.linear_model import LogisticRegression

    keep, y = _sample(len(real), len(synthetic), seed, cap)
    texts = np.array(real + synthetic, dtype=object)[keep].tolist()
    out = {"ngram": _cv(pipeline(seed, keep.size), texts, y, folds, seed)}
    if real_embeddings is not None and synthetic_embeddings is not None:
        emb = np.vstack([real_embeddings, synthetic_embeddings])[keep]
        out["embedding"] = _cv(LogisticRegression(max_iter=2000, C=1.0, random_state=seed), emb, y, folds, seed)
    style = np.vstack([style_matrix(real_features), style_matrix(synthetic_features)])[keep]
    trees = HistGradientBoostingClassifier(max_iter=200, learning_rate=0.05, random_state=seed)
    out["style"] = _cv(trees, style, y, folds, seed)
    scored = {k: v["accuracy"] for k, v in out.items() if v["accuracy"] is not None}
    best = max(scored, key=scored.get) if scored else None
    return {"accuracy": scored.get(best), "strongest": best, "classifiers": out}
