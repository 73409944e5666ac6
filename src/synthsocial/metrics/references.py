"""Reference profiles to compare against.

``bluesky``: the published values of the Bluesky follower graph (Failla and Rossetti 2024; about
4 million users and 144 million follows) as reported by the homophily paper (section IV-B):
density 8.6e-6, average clustering 0.262, LCC proportion 1.0, normalised ASPL 0.230, modularity
0.85; average out-degree about 35 (144M / 4.1M). The full graph is not available offline.
Any other reference is a graph file whose profile is computed (see :func:`synthsocial.metrics.evaluate_graph`).
"""

from __future__ import annotations

import copy
from pathlib import Path

from ..errors import ConfigError

BUILTIN: dict[str, dict] = {
    "bluesky": {
        "name": "bluesky",
        "source": (
            "Failla & Rossetti 2024 Bluesky follower graph, values published in Buitrago Lopez et al. 2025, "
            "section IV-B"
        ),
        "nodes": 4_100_000,
        "metrics": {
            "density": 8.6e-6,
            "clustering": 0.262,
            "lcc_fraction": 1.0,
            "normalized_aspl": 0.230,
            "modularity": 0.85,
            "avg_out_degree": 35.0,
        },
        # Not published for Bluesky: the shape of the real Twitter follower graphs of ../shared/data
        # (in-degree Gini 0.66-0.69, out-degree Gini about 0.9, max in-degree hundreds of times
        # the median), as issue 16 sets it for the default world at 10^5 and 10^6 users.
        "degree_shape": {"in_gini_min": 0.6, "out_gini_min": 0.5, "max_over_median_in_min": 100},
    }
}


def builtin(name: str) -> dict:
    """The built-in reference profile ``name`` (case-insensitive), a deep copy: callers may change it freely.
    ConfigError for an unknown name."""
    try:
        return copy.deepcopy(BUILTIN[name.lower()])
    except KeyError:
        raise ConfigError(
            f"reference {name!r} is not accepted: use one of {', '.join(BUILTIN)} or the path of a graph file"
        ) from None


def check(reference: str) -> str:
    """``reference`` when it is a built-in name or an existing path; ConfigError otherwise (an empty one
    too: it is not read as the current directory)."""
    if not reference.strip():
        raise ConfigError(f"reference is empty: use one of {', '.join(BUILTIN)} or the path of a graph file")
    if reference.lower() not in BUILTIN and not Path(reference).exists():
        builtin(reference)  # refuses it, naming what is accepted
    return reference
