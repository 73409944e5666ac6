"""Reference profiles to compare against.

``bluesky``: the published values of the Bluesky follower graph (Failla and Rossetti 2024; about
4 million users and 144 million follows) as reported by the homophily paper (section IV-B):
density 8.6e-6, average clustering 0.262, LCC proportion 1.0, normalised ASPL 0.230, modularity
0.85; average out-degree about 35 (144M / 4.1M). The full graph is not available offline.
Any other reference is a graph file whose profile is computed (see :func:`synthsocial.metrics.evaluate_graph`).
"""

from __future__ import annotations

from ..errors import ConfigError

BUILTIN: dict[str, dict] = {
    "bluesky": {
        "name": "bluesky",
        "source": (
            "Failla & Rossetti 2024 Bluesky follower graph, values published in Buitrago Lopez et al. 2025, "
            "section IV-B"
        ),
        "metrics": {
            "density": 8.6e-6,
            "clustering": 0.262,
            "lcc_fraction": 1.0,
            "normalized_aspl": 0.230,
            "modularity": 0.85,
            "avg_out_degree": 35.0,
        },
    }
}


def builtin(name: str) -> dict:
    """The built-in reference profile ``name`` (case-insensitive): the shared dict itself, not a copy. ConfigError for
    an unknown name."""
    try:
        return BUILTIN[name.lower()]
    except KeyError:
        raise ConfigError(
            f"reference {name!r} is not accepted: use one of {', '.join(BUILTIN)} or the path of a graph file"
        ) from None
