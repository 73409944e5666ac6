"""Structural evaluation (paper, sections IV-A, IV-C, IV-D).

:func:`profile` measures one graph: the paper's five metrics, reciprocity, degrees and their
distributions, assortativity, and the homophily analysis of its Louvain communities.
:func:`evaluate` compares one or more graphs with a reference profile (built-in ``bluesky`` or any
graph file) and adds both forms of NED.
"""

from __future__ import annotations

import math
import os
import threading
import time
from pathlib import Path

import networkit as nk

from ..graph import Graph
from ..rng import Stream, draws
from ..specs.evaluate import EvaluateSpec
from . import structure
from .assortativity import degree_assortativity
from .degrees import summary
from .homophily import analyse
from .ned import NED_METRICS, ned_fixed, ned_minmax
from .references import BUILTIN, builtin
from .references import check as check_reference
from .result import Profile, to_json_ready

EvaluateOptions = EvaluateSpec  # the name before the specs

__all__ = ["EvaluateOptions", "EvaluateSpec", "NED_METRICS", "Profile", "evaluate", "profile", "to_json_ready"]


class Laps:
    """Seconds between successive calls, by name: ``lap("build")`` records the time since the
    previous lap (or since creation)."""

    def __init__(self) -> None:
        self.timings: dict[str, float] = {}
        self._t = time.perf_counter()

    def __call__(self, name: str) -> None:
        now = time.perf_counter()
        self.timings[name] = round(now - self._t, 3)
        self._t = now


def profile(g: Graph, options: EvaluateOptions | None = None) -> Profile:
    """Measure one graph (its :meth:`Profile.to_dict` is the schema of docs/evaluation.md)."""
    opt = options or EvaluateOptions()
    lap = Laps()
    timings = lap.timings

    order = draws(opt.seed, Stream.LOUVAIN_ORDER).permutation(g.n)  # seeds Louvain's node order
    nk.setNumberOfThreads(1)  # a parallel build would order adjacency lists by scheduling
    u = structure.to_networkit(g, order)
    degree = g.degree()
    m_u = int(g.undirected_pairs[0].size)
    lap("build")
    exact_clustering = m_u <= opt.clustering_exact_max_edges
    cores = opt.threads or os.cpu_count() or 1
    nk.setNumberOfThreads(cores)
    clus, clus_se = structure.clustering(u, g, exact_clustering, opt.clustering_trials, opt.seed)
    lap("clustering")
    # Louvain runs in its own thread beside the measurements below (networkit releases the
    # GIL). networkit gets one OpenMP thread from here on: with more, the parallel loops of
    # Louvain's coarsening make the partition depend on scheduling.
    nk.setNumberOfThreads(1)
    louvain: dict = {}

    def run_louvain() -> None:
        try:
            louvain["result"] = structure.louvain(u)
        except BaseException as exc:  # raised in the calling thread (e.g. networkit's own interrupt)
            louvain["error"] = exc

    worker = threading.Thread(target=run_louvain)
    worker.start()
    comp = structure.components(u)
    lap("components")
    exact_aspl = comp.lcc_size <= opt.aspl_exact_max_nodes
    aspl, aspl_se, sources = structure.aspl(u, comp, exact_aspl, opt.sources_for(m_u), opt.seed, workers=cores)
    lap("aspl")
    log_lcc = math.log(comp.lcc_size) if comp.lcc_size > 1 else float("nan")
    out_deg, in_deg = (g.out_degree(), g.in_degree()) if g.directed else (degree, degree)
    metrics = {
        "density": structure.density(g),
        "clustering": clus,
        "lcc_fraction": comp.lcc_size / g.n if g.n else 0.0,
        "normalized_aspl": aspl / log_lcc if comp.lcc_size > 1 else 0.0,
        "modularity": None,
        "reciprocity": structure.reciprocity(g),
        "avg_out_degree": g.m / g.n if g.n else 0.0,
        "avg_in_degree": g.m / g.n if g.n else 0.0,
        "aspl": aspl,
        "communities": None,
        "degree_assortativity": degree_assortativity(g),
        "out_degree": summary(out_deg),
        "in_degree": summary(in_deg),
    }
    lap("degrees")
    worker.join()
    if "error" in louvain:
        raise louvain["error"]
    communities, modularity = louvain["result"]
    communities = communities[order]  # back to the graph's own node ids
    metrics["modularity"] = modularity
    metrics["communities"] = int(communities.max() + 1) if communities.size else 0
    lap("louvain (rest)")
    result = Profile(
        graph={
            "name": g.name,
            "nodes": g.n,
            "edges": g.m,
            "undirected_edges": m_u,
            "directed": g.directed,
            "notes": g.notes,
        },
        metrics=metrics,
        standard_errors={
            "clustering": clus_se,
            "aspl": aspl_se,
            "normalized_aspl": aspl_se / log_lcc if comp.lcc_size > 1 else 0.0,
        },
        methods={
            "density": "m / (n (n - 1)) over ordered pairs" if g.directed else "2m / (n (n - 1)) over unordered pairs",
            "clustering": "exact" if exact_clustering else f"estimated from {opt.clustering_trials:,} sampled wedges",
            "aspl": "exact (BFS from every LCC node)"
            if sources == comp.lcc_size
            else f"estimated from {sources} BFS sources",
            "modularity": (
                f"Louvain (networkit PLM, sequential moves in a random node order drawn from seed {opt.seed})"
            ),
        },
        timings_s=timings,
        communities=communities,
    )
    if opt.homophily:
        result.homophily = analyse(g, communities, opt.seed)
        metrics["attribute_assortativity"] = {
            k: v.get("numeric_assortativity", v.get("assortativity")) for k, v in result.homophily["attributes"].items()
        }
        if g.nodes is not None and "stance" in g.nodes.column_names:
            from .stance import polarization

            stance = g.nodes["stance"].to_numpy()
            result.homophily["polarization"] = metrics["polarization"] = polarization(g, stance)
        lap("homophily")
    return result


GRAPH_SOURCE = "measured by synthsocial"  # the source of a reference measured from a graph


def reference_profile(reference: str, options: EvaluateOptions | None = None, directed: bool | None = None) -> dict:
    """A reference: a built-in name, or a graph path whose profile is measured."""
    if check_reference(reference).lower() in BUILTIN:
        return builtin(reference)
    path = Path(reference)
    from ..io.readers import read_graph

    prof = profile(read_graph(path, directed=directed), options)
    return {"name": str(path), "source": GRAPH_SOURCE, "nodes": prof.graph["nodes"], "metrics": prof.metrics}


def compare(metrics: dict, reference: dict) -> dict:
    """Value, reference value and relative error of every metric the reference has."""
    rows = {}
    for k, r in reference["metrics"].items():
        x = metrics.get(k)
        if isinstance(r, (int, float)) and isinstance(x, (int, float)):
            rows[k] = {"value": x, "reference": r, "relative_error": (x - r) / r if r else None}
    return rows


def evaluate(
    graphs: list[Graph | Profile],
    reference: str = "bluesky",
    options: EvaluateOptions | None = None,
    reference_directed: bool | None = None,
) -> list[Profile]:
    """Profile each graph, compare with the reference, and add both NED forms.

    ``graphs`` may hold profiles already measured (e.g. from
    :func:`synthsocial.metrics.large.profile_streaming`). The paper's min-max NED is taken over
    all of them plus the reference.
    """
    opt = options or EvaluateOptions()
    ref = reference_profile(reference, opt, reference_directed)
    return compare_all([g if isinstance(g, Profile) else profile(g, opt) for g in graphs], ref)


def compare_all(results: list[Profile], ref: dict) -> list[Profile]:
    """Add the comparison with the reference profile ``ref`` and both NEDs to each profile."""
    minmax = ned_minmax([r.metrics for r in results], ref["metrics"])
    for r, mm in zip(results, minmax):
        r.reference = ref
        r.comparison = compare(r.metrics, ref)
        r.ned = {"fixed": ned_fixed(r.metrics, ref["metrics"]), "minmax": mm}
        r.ned["minmax"]["set"] = [q.graph["name"] for q in results] + [ref["name"]]
    return results
