"""The result of measuring one graph: :class:`Profile` (the JSON schema of docs/evaluation.md as
typed fields, plus the Louvain community of every node, which is never written)."""

from __future__ import annotations

import math
from dataclasses import dataclass, field, fields

import numpy as np

__all__ = ["Profile", "to_json_ready"]


def to_json_ready(value):
    """``value`` with NaN and infinities as None and numpy scalars as Python numbers (valid JSON)."""
    if isinstance(value, dict):
        return {k: to_json_ready(x) for k, x in value.items()}
    if isinstance(value, (list, tuple)):
        return [to_json_ready(x) for x in value]
    if isinstance(value, np.generic):
        return to_json_ready(value.item())
    if isinstance(value, float) and not math.isfinite(value):
        return None
    return value


@dataclass
class Profile:
    """One graph measured (:func:`synthsocial.metrics.profile`), and once compared
    (:func:`synthsocial.metrics.evaluate`) its reference, comparison and NEDs.

    Attributes
    ----------
    graph : dict
        ``name``, ``nodes``, ``edges``, ``undirected_edges``, ``directed``, ``notes``.
    metrics : dict
        The paper's five metrics, reciprocity, degrees and their summaries, assortativity.
    standard_errors, methods, timings_s : dict
        Standard errors of the estimated metrics, how each was measured, seconds per step.
    homophily : dict or None
        The homophily analysis of the Louvain communities (None when not measured).
    communities : numpy.ndarray or None
        Louvain community of every node (None for a streamed profile); not part of :meth:`to_dict`.
    reference, comparison, ned : dict or None
        Filled by :func:`synthsocial.metrics.compare_all`.
    """

    graph: dict
    metrics: dict
    standard_errors: dict = field(default_factory=dict)
    methods: dict = field(default_factory=dict)
    homophily: dict | None = None
    timings_s: dict = field(default_factory=dict)
    communities: np.ndarray | None = field(default=None, repr=False, compare=False)
    reference: dict | None = None
    comparison: dict | None = None
    ned: dict | None = None

    def to_dict(self) -> dict:
        """The JSON-ready dict written to metrics.json (docs/evaluation.md); fields not measured are left out."""
        out = {f.name: getattr(self, f.name) for f in fields(self) if f.name != "communities"}
        return to_json_ready({k: v for k, v in out.items() if v is not None})

    @classmethod
    def from_dict(cls, data: dict) -> Profile:
        """A profile read back from :meth:`to_dict`'s output (e.g. a world's metrics.json)."""
        names = {f.name for f in fields(cls)} - {"communities"}
        return cls(**{k: v for k, v in data.items() if k in names})
