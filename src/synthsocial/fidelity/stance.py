"""Is the writer's stance readable from the posts? (issue 18, part 2)

The posts whose prompt showed a stance (posts/stance.py: the ``stance`` column of posts.parquet)
of writers at either pole (s < -1/3 or s > 1/3) are labelled by the sign of the stance, balanced,
and the n-gram classifier of fidelity/classify.py predicts the sign of held-out posts: 5 folds
stratified by label and grouped by writer (StratifiedGroupKFold), so no writer's posts are in both
the training and the test folds and the classifier cannot win by recognising a person. The
accuracy is tested against chance (0.5) with a one-sided binomial test over every held-out post.

A classifier could also win by reading a label the model copied from the prompt ("as a
conservative, ..."): the same test is run again with the three label words masked in every text,
and both accuracies are reported; the second is the one that says the posts argue a side.
"""

from __future__ import annotations

import re
from collections.abc import Sequence

import numpy as np

from ..posts.stance import CUT
from .classify import balanced, pipeline

MIN_PER_CLASS = 20


def _masked(texts: list[str], labels: Sequence[str]) -> list[str]:
    """``texts`` with every word that begins like a label word (first 6 letters, so "conservatives"
    and "progressivism" go too) replaced by a neutral token."""
    stems = sorted({w.lower()[:6] for label in labels for w in re.findall(r"[A-Za-z]+", label) if len(w) >= 3})
    if not stems:
        return list(texts)
    pattern = re.compile(r"\b(?:" + "|".join(re.escape(s) for s in stems) + r")\w*", re.IGNORECASE)
    return [pattern.sub("STANCEWORD", t) for t in texts]


def _held_out(texts: list[str], y: np.ndarray, groups: np.ndarray, folds: int, seed: int) -> dict:
    from scipy.stats import binomtest
    from sklearn.model_selection import StratifiedGroupKFold, cross_val_predict

    cv = StratifiedGroupKFold(folds, shuffle=True, random_state=seed)
    pred = cross_val_predict(pipeline(seed, len(texts)), texts, y, cv=cv, groups=groups)
    correct = int((pred == y).sum())
    return {
        "accuracy": correct / y.size,
        "p_value": float(binomtest(correct, y.size, 0.5, alternative="greater").pvalue),
    }


def readability(
    texts: Sequence[str],
    stance: Sequence[float | None],
    writers: Sequence[int],
    labels: Sequence[str] = (),
    seed: int = 0,
    cap: int = 2_500,
    folds: int = 5,
) -> dict:
    """How well the sign of the writer's stance is predicted from held-out posts (see the module
    docstring): posts used per side, writers, folds, ``accuracy`` and its binomial ``p_value``
    against 0.5, and ``masked`` (the same with the ``labels`` words masked); ``skipped`` with the
    reason when fewer than 20 posts per side or fewer writers than folds on a side."""
    s = np.array([np.nan if v is None else v for v in stance], dtype=np.float64)
    pole = np.flatnonzero(np.abs(np.nan_to_num(s)) > CUT)
    y_all = (s[pole] > 0).astype(np.int64)
    n = [int((y_all == c).sum()) for c in (0, 1)]
    w = np.asarray(writers, dtype=np.int64)[pole]
    people = [np.unique(w[y_all == c]).size for c in (0, 1)]
    if min(n) < MIN_PER_CLASS or min(people) < folds:
        return {
            "skipped": f"too few posts with a stance at either pole ({n[0]} negative, {n[1]} positive by "
            f"{people[0]} and {people[1]} writers; at least {MIN_PER_CLASS} posts and {folds} writers a side)",
            "posts_per_side": n,
        }
    keep = balanced(y_all, cap, np.random.default_rng(seed))
    y, groups = y_all[keep], w[keep]
    chosen = [texts[i] for i in pole[keep]]
    return {
        "posts_per_side": int(y.size // 2),
        "writers": int(np.unique(groups).size),
        "folds": folds,
        "chance": 0.5,
        **_held_out(chosen, y, groups, folds, seed),
        "masked": _held_out(_masked(chosen, labels), y, groups, folds, seed),
    }
