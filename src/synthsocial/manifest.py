"""manifest.json: what a generated world records about how it was made (both engines)."""

from __future__ import annotations

import platform
from typing import Any

import numpy as np
import pyarrow as pa

from ._version import __version__
from .config import GeneratorConfig


def manifest(
    n: int,
    seed: int,
    edges: int,
    mechanisms: dict[str, int],
    schedule: dict[str, Any],
    config: GeneratorConfig,
    orders: dict[str, list[str]],
    timings: dict[str, float],
    profile: str | None = None,
) -> dict[str, Any]:
    """The manifest of a world of ``n`` users and ``edges`` follows (schema: docs/outputs.md);
    ``profile``: the profile its config started from (None: none)."""
    return {
        "synthsocial_version": __version__,
        "seed": seed,
        "nodes": n,
        "profile": profile,
        "edges": edges,
        "edges_by_mechanism": mechanisms,
        "size_adapted": schedule,
        "config": config.to_dict(),
        "semantic_orders": orders,
        "timings_s": {k: round(v, 4) for k, v in timings.items()},
        "platform": {"python": platform.python_version(), "numpy": np.__version__, "pyarrow": pa.__version__},
    }
