"""What ``synthsocial evaluate`` measures, read from paths: world directories (under their read
lock, so a world being written is refused; streamed when their edges do not fit in memory) and
graph files of every format io/readers.py knows."""

from __future__ import annotations

from pathlib import Path

from ..graph import Graph
from ..io.lock import locked
from ..io.readers import read_graph
from . import EvaluateOptions, Profile, evaluate
from .large import fits_in_memory, profile_streaming, world_size


def load_target(
    target: str | Path, options: EvaluateOptions, directed: bool | None = None, streaming: bool = False
) -> Graph | Profile:
    """A graph to measure, or, for a world streamed from disk, its profile already measured."""
    t = Path(target)
    if not (t.is_dir() and (t / "edges.parquet").exists()):
        return read_graph(t, directed=directed)
    with locked(t, write=False):
        if streaming or not fits_in_memory(world_size(t)[1]):
            return profile_streaming(
                t, trials=options.clustering_trials, sources=options.sources_for(10**9), seed=options.seed
            )
        return read_graph(t)


def evaluate_paths(
    targets: list[str | Path],
    reference: str = "bluesky",
    options: EvaluateOptions | None = None,
    directed: bool | None = None,
    streaming: bool = False,
) -> list[Profile]:
    """Measure every target and compare it with ``reference`` (a built-in profile name or a graph
    file); the min-max NED is taken over all targets. Returns one :class:`Profile` per target
    (its ``to_dict()`` is the JSON schema of docs/evaluation.md)."""
    opts = options or EvaluateOptions()
    graphs = [load_target(t, opts, directed, streaming) for t in targets]
    return evaluate(graphs, reference, opts, reference_directed=directed)
