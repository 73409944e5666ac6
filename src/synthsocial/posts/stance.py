"""Posts that follow the writer's stance (beyond the papers, issue 18).

A post, reply or quote whose topic is one of ``stance_topics`` (case-insensitive; by default
Politics and Climate Change) shows its writer's stance in the prompt, after age and occupation:
"Author: 52, farmer, conservative | Topic: politics | Post:". The stance s in [-1, 1]
(population/stance.py) becomes one of three labels: ``labels[0]`` for s < -1/3, ``labels[2]``
for s > 1/3, ``labels[1]`` between (with the default Beta(2, 2) magnitudes, 52% of users are
beyond +-1/3; the sides split evenly, or by age with ``population.survey``). Labels are words,
not numbers, because a small base model continues a persona far better than it reads a scale
(docs/posts.md); they are settings, so the axis can be any issue ("pro-vaccine", "undecided",
"vaccine-sceptic"). The row of posts.parquet keeps the stance shown (null for other topics), so
`fidelity` can check that the stance is readable from the text (fidelity/stance.py).

Posts of the adapted strategy do not carry it: the adapter's control prefix was learned from a
corpus without stances, so a stance word there would be noise.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import replace

import numpy as np

from ..specs.posts import LABELS, STANCE_TOPICS  # noqa: F401 (the defaults, declared with the spec)
from .assign import Task

CUT = 1.0 / 3.0


def side(stance: float) -> int:
    """-1 below -1/3, +1 above 1/3, else 0."""
    return -1 if stance < -CUT else 1 if stance > CUT else 0


def label(stance: float, labels: Sequence[str] = LABELS) -> str:
    """The word shown for a stance: ``labels[0]`` below -1/3, ``labels[2]`` above 1/3, else ``labels[1]``."""
    return labels[side(stance) + 1]


def with_stance(
    tasks: list[Task], stance: np.ndarray | None, topics: Sequence[str], labels: Sequence[str] = LABELS
) -> list[Task]:
    """``tasks`` with the writer's stance (and its label in the author persona) on those whose topic is one of
    ``topics``; unchanged when the world has no stances (``stance`` None) or ``topics`` is empty."""
    wanted = {t.lower() for t in topics}
    if stance is None or not wanted:
        return tasks
    out = []
    for t in tasks:
        if t.topic.lower() in wanted:
            s = float(stance[t.user_id])
            t = replace(t, author=f"{t.author}, {label(s, labels)}", stance=s)
        out.append(t)
    return out
