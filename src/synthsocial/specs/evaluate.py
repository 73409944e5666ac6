"""The spec of ``evaluate``: what the structure is measured against, and how exactly (section IV-A)."""

from __future__ import annotations

from ..config import IntRange
from .base import Seed, Spec, directed_field, internal, option, reference_field, seed_field

_LIBRARY = "a measurement constant: the library and its callers set it"


class EvaluateSpec(Spec):
    """What ``evaluate`` measures against ``reference`` and how exactly.

    ``aspl_sources`` BFS sources estimate the ASPL when the LCC has more than
    ``aspl_exact_max_nodes`` nodes (None: 200 up to 10^6 undirected edges, 64 up to 10^7, 16 beyond).
    Clustering is exact up to ``clustering_exact_max_edges`` undirected edges, then estimated from
    ``clustering_trials`` sampled wedges. ``seed`` fixes Louvain, the BFS sources and the samples.
    ``directed`` says how edge lists are read; ``streaming`` reads a world's edges in parts.
    """

    stage = "evaluate"

    reference: str = reference_field()
    seed: Seed = seed_field()
    aspl_exact_max_nodes: IntRange(0, 10**12) = internal(5_000, _LIBRARY)
    aspl_sources: IntRange(1, 10**9) | None = option(
        None, "BFS sources of the sampled ASPL (default: by size).", metavar="K"
    )
    clustering_exact_max_edges: IntRange(0, 10**15) = internal(20_000_000, _LIBRARY)
    clustering_trials: IntRange(0, 10**12) = internal(1_000_000, _LIBRARY)
    homophily: bool = option(True, "Analyse communities against attributes.", negative="--no-homophily")
    threads: IntRange(1, 4096) | None = internal(
        None, "cores networkit may use outside Louvain (None: all); calibrate's processes set 1"
    )
    directed: bool | None = directed_field()
    streaming: bool = option(False, "Stream a world's edges (automatic when they do not fit in memory).")

    def sources_for(self, undirected_edges: int) -> int:
        """Number of BFS sources for a sampled ASPL on a graph of ``undirected_edges`` edges: ``aspl_sources`` when set,
        else 200 up to 10^6 edges, 64 up to 10^7, 16 beyond."""
        if self.aspl_sources is not None:
            return self.aspl_sources
        return 200 if undirected_edges <= 1_000_000 else 64 if undirected_edges <= 10_000_000 else 16
