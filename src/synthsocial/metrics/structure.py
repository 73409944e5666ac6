"""The paper's five structural metrics (section IV-A) and reciprocity, on networkit.

All but density and reciprocity are computed on the undirected projection (each connected pair
once), as in the paper and in the reference values of ../shared/data/README.md.

* density: m / (n (n - 1)) for a directed graph (arcs over ordered pairs); 2m / (n (n - 1)) for an
  undirected one (edges over unordered pairs);
* average clustering: mean of the local clustering coefficient over all nodes, 0 for degree < 2
  (networkx's ``average_clustering``). Exact up to ``clustering_exact_max_edges``; above, estimated
  by wedge sampling (Schank and Wagner 2005) with its standard error;
* LCC proportion: nodes in the largest (weakly) connected component / n;
* normalised ASPL: mean shortest-path length over ordered pairs of distinct LCC nodes divided by
  ln |LCC|. Exact (BFS from every LCC node) up to ``aspl_exact_max_nodes``; above, the mean over
  BFS sources sampled uniformly from the LCC, with the standard error of that mean (finite
  population corrected);
* modularity of a Louvain partition (networkit PLM, sequential moves over a seeded random node order).
"""

from __future__ import annotations

import math
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass

import networkit as nk
import numpy as np
import scipy.sparse as sp

from ..graph import Graph


def to_networkit(g: Graph, order: np.ndarray | None = None) -> nk.Graph:
    """The undirected projection as an unweighted networkit graph; node v becomes ``order[v]``."""
    lo, hi = g.undirected_pairs
    if order is not None:
        lo, hi = order[lo], order[hi]
    upper = sp.csr_array((np.ones(lo.size, dtype=np.float32), (lo, hi)), shape=(g.n, g.n))
    return nk.GraphFromCsr(upper, directed=False)


def density(g: Graph) -> float:
    """m / (n (n - 1)) for a directed graph, 2m / (n (n - 1)) for an undirected one; 0 below two nodes."""
    if g.n < 2:
        return 0.0
    pairs = g.n * (g.n - 1) / (1 if g.directed else 2)
    return g.m / pairs


def reciprocity(g: Graph) -> float | None:
    """Share of arcs whose reverse arc exists (None for undirected graphs)."""
    if not g.directed or g.m == 0:
        return None
    pairs = g.undirected_pairs[0].size
    return 2.0 * (g.m - pairs) / g.m


def clustering(u: nk.Graph, g: Graph, exact: bool, trials: int, seed: int) -> tuple[float, float]:
    """Average local clustering and its standard error (0 when exact).

    Exact: networkit's local clustering coefficients. Estimated: ``trials`` wedges, each at a node
    drawn uniformly among nodes of degree >= 2 and between two distinct neighbours drawn
    uniformly; the share of closed wedges estimates the mean local clustering over those nodes
    (Schank and Wagner 2005), scaled by their share of all nodes (nodes of degree < 2 count as 0,
    as in networkx). Drawn with numpy from ``seed``, so the estimate is reproducible.
    """
    degree = g.degree()
    if g.n == 0:
        return 0.0, 0.0
    if exact:
        lcc = nk.centrality.LocalClusteringCoefficient(u, turbo=True)
        lcc.run()
        return float(np.mean(lcc.scores())), 0.0
    lo, hi = g.undirected_pairs
    keys = lo * np.int64(g.n) + hi  # sorted: pairs are ordered by (low, high)

    def adjacent(a: np.ndarray, b: np.ndarray) -> np.ndarray:
        query = np.minimum(a, b) * np.int64(g.n) + np.maximum(a, b)
        return keys[np.minimum(np.searchsorted(keys, query), keys.size - 1)] == query

    nb = g.neighbours
    return wedge_clustering(nb.indptr, nb.indices, degree, adjacent, trials, np.random.default_rng(seed))


def wedge_clustering(
    indptr: np.ndarray,
    indices: np.ndarray,
    degree: np.ndarray,
    adjacent,
    trials: int,
    rng: np.random.Generator,
) -> tuple[float, float]:
    """The wedge estimate of the average local clustering and its standard error, from sorted
    neighbour lists (CSR ``indptr``, ``indices``) and ``adjacent(a, b)``, whether each b[i] is a
    neighbour of a[i]; both the in-memory and the streamed evaluation use it."""
    eligible = np.flatnonzero(degree >= 2)
    if eligible.size == 0 or trials == 0:
        return 0.0, 0.0
    v = eligible[rng.integers(0, eligible.size, trials)]
    d = degree[v]
    i = rng.integers(0, d)
    j = rng.integers(0, d - 1)
    j = j + (j >= i)  # a second, distinct neighbour
    a = indices[indptr[v] + i].astype(np.int64)
    b = indices[indptr[v] + j].astype(np.int64)
    p = float(np.mean(adjacent(a, b)))
    share = eligible.size / degree.size
    return share * p, share * math.sqrt(p * (1 - p) / trials)


@dataclass
class Components:
    """Connected components: ``ids`` (component id of each node), ``lcc`` (id of the largest) and ``lcc_size``."""

    ids: np.ndarray  # component id per node
    lcc: int  # id of the largest component
    lcc_size: int


def components(u: nk.Graph) -> Components:
    """The connected components of the networkit graph ``u`` (ids per networkit node); ties for the largest go to the
    lowest component id."""
    cc = nk.components.ConnectedComponents(u)
    cc.run()
    ids = np.asarray(cc.getPartition().getVector(), dtype=np.int64)
    sizes = np.bincount(ids)
    lcc = int(np.argmax(sizes))
    return Components(ids, lcc, int(sizes[lcc]))


def _mean_distances(u: nk.Graph, sources: np.ndarray, in_lcc: np.ndarray, size: int) -> np.ndarray:
    """Mean BFS distance from each source to the other LCC nodes."""
    out = np.empty(sources.size)
    chunk = max(1, int(2e7 // max(u.numberOfNodes(), 1)))  # at most ~160 MB of distances at once
    for start in range(0, sources.size, chunk):
        batch = sources[start : start + chunk]
        spsp = nk.distance.SPSP(u, batch.tolist())
        spsp.run()
        out[start : start + batch.size] = spsp.getDistances(asarray=True)[:, in_lcc].sum(axis=1) / (size - 1)
    return out


def aspl(
    u: nk.Graph, comp: Components, exact: bool, sources: int, seed: int, workers: int = 1
) -> tuple[float, float, int]:
    """Average shortest path in the LCC, its standard error and the number of BFS sources.

    The sources are split over ``workers`` threads (networkit releases the GIL), each running
    its own breadth-first searches; the result does not depend on the split.
    """
    members = np.flatnonzero(comp.ids == comp.lcc)
    size = members.size
    if size < 2:
        return 0.0, 0.0, 0
    if exact or sources >= size:
        chosen = members
    else:
        chosen = np.sort(np.random.default_rng(seed).choice(members, size=sources, replace=False))
    in_lcc = comp.ids == comp.lcc
    parts = np.array_split(chosen, max(1, min(workers, chosen.size)))
    with ThreadPoolExecutor(len(parts)) as pool:
        per_source = np.concatenate(list(pool.map(lambda p: _mean_distances(u, p, in_lcc, size), parts)))
    mean = float(per_source.mean())
    k = chosen.size
    if k == size or k < 2:
        return mean, 0.0, k
    se = float(per_source.std(ddof=1) / math.sqrt(k) * math.sqrt(1 - k / size))
    return mean, se, k


def louvain(u: nk.Graph) -> tuple[np.ndarray, float]:
    """A Louvain partition (community id per node of ``u``) and its modularity.

    PLM moves nodes sequentially in id order, so the result is deterministic whatever runs
    beside it; :func:`synthsocial.metrics.profile` seeds the order by relabelling the nodes with
    a seeded random permutation (``to_networkit(g, order)``).
    """
    if u.numberOfEdges() == 0:
        return np.arange(u.numberOfNodes()), 0.0
    plm = nk.community.PLM(u, refine=False, par="none")
    plm.run()
    part = plm.getPartition()
    q = nk.community.Modularity().getQuality(part, u)
    labels = np.asarray(part.getVector(), dtype=np.int64)
    _, labels = np.unique(labels, return_inverse=True)
    return labels, float(q)
