"""Graph-sampling baselines (homophily paper, section IV-C), one interface:
``Sampler().sample(graph, n, seed) -> Graph`` returns the subgraph induced by n sampled nodes.

All work on directed and disconnected graphs. Explorations (walks, fire) move along edges in either
direction (a follower graph is explored through followers and followees alike), and jump to a node
drawn uniformly at random when they get stuck: a node without neighbours, or ``STUCK_STEPS``
steps without a new node (a small component exhausted). Learned from littleballoffur (Rozemberczki
et al. 2020), written for directed graphs, an explicit generator and exceptions instead of asserts.

* RandomNode: n nodes uniformly without replacement (the paper's lower baseline).
* RandomWalk: a simple random walk; the first n distinct nodes visited.
* MetropolisHastingsRandomWalk: the walk accepts a move u -> v with probability min(1, d(u)/d(v)),
  which makes the stationary distribution uniform over nodes (Gjoka et al. 2010).
* ForestFire: Leskovec and Faloutsos (2006): from a random seed, burn a geometric number (mean
  p / (1 - p), p = 0.7) of unburnt neighbours of each burning node, breadth first; restart from a
  new random node when the fire dies.
* PageRankNode: n nodes drawn without replacement with probability proportional to PageRank
  (damping 0.85, on the directed graph).
"""

from __future__ import annotations

from collections import deque

import numpy as np
import scipy.sparse as sp

from ..errors import ConfigError
from ..graph import Graph

STUCK_STEPS = 100


def _check(graph: Graph, n: int) -> None:
    if isinstance(n, bool) or not isinstance(n, (int, np.integer)) or n < 1:
        raise ConfigError(f"sample size {n!r} is not accepted: use an integer >= 1")
    if n > graph.n:
        raise ConfigError(
            f"sample size {n:,} is larger than the reference graph ({graph.n:,} nodes): use sizes up to {graph.n:,}"
        )


def induced(graph: Graph, nodes: np.ndarray) -> Graph:
    """The subgraph induced by ``nodes``, relabelled 0..len(nodes)-1 in sorted order."""
    nodes = np.sort(np.asarray(nodes, dtype=np.int64))
    new = np.full(graph.n, -1, dtype=np.int64)
    new[nodes] = np.arange(nodes.size)
    keep = (new[graph.source] >= 0) & (new[graph.target] >= 0)
    attrs = graph.nodes.take(nodes) if graph.nodes is not None else None
    labels = graph.labels[nodes] if graph.labels is not None else nodes
    return Graph.from_edges(
        new[graph.source[keep]],
        new[graph.target[keep]],
        nodes.size,
        directed=graph.directed,
        nodes=attrs,
        labels=labels,
        name=f"{graph.name} sample",
    )


class RandomNode:
    """Uniform node sampling: n distinct nodes drawn uniformly at random, and the subgraph they induce."""

    name = "random_node"

    def sample(self, graph: Graph, n: int, seed: int = 0) -> Graph:
        """The subgraph of ``graph`` induced by ``n`` nodes drawn uniformly without replacement (seeded), relabelled
        0..n-1 in node order."""
        _check(graph, n)
        return induced(graph, np.random.default_rng(seed).choice(graph.n, size=n, replace=False))


class _Walk:
    metropolis = False

    def sample(self, graph: Graph, n: int, seed: int = 0) -> Graph:
        _check(graph, n)
        rng = np.random.default_rng(seed)
        adj = graph.neighbours
        indptr, indices = adj.indptr, adj.indices
        deg = np.diff(indptr)
        seen = np.zeros(graph.n, dtype=bool)
        order: list[int] = []
        u = int(rng.integers(graph.n))
        stuck = 0
        while len(order) < n:
            if not seen[u]:
                seen[u] = True
                order.append(u)
                stuck = 0
            else:
                stuck += 1
            if deg[u] == 0 or stuck > STUCK_STEPS:
                unseen = np.flatnonzero(~seen)
                u = int(unseen[rng.integers(unseen.size)])
                stuck = 0
                continue
            v = int(indices[indptr[u] + rng.integers(deg[u])])
            if self.metropolis and rng.random() >= min(1.0, deg[u] / deg[v]):
                continue  # stay at u
            u = v
        return induced(graph, np.array(order))


class RandomWalk(_Walk):
    """Simple random walk over the undirected projection from a random node: the subgraph induced by the first n
    distinct nodes visited (jumping to a random unvisited node when stuck)."""

    name = "random_walk"


class MetropolisHastingsRandomWalk(_Walk):
    """Random walk that accepts a move u -> v with probability min(1, d(u) / d(v)) and otherwise stays at u (uniform
    stationary distribution): the subgraph induced by the first n distinct nodes visited."""

    name = "mhrw"
    metropolis = True


class ForestFire:
    """Forest-fire sampling with burning probability ``p`` (0 < p < 1): each burning node ignites a geometric number
    (mean p / (1 - p)) of its unburnt neighbours, breadth first; a dead fire restarts from a random unburnt node."""

    name = "forest_fire"

    def __init__(self, p: float = 0.7) -> None:
        if not 0 < p < 1:
            raise ConfigError(f"forest fire burning probability {p} is not accepted: use 0 < p < 1")
        self.p = p

    def sample(self, graph: Graph, n: int, seed: int = 0) -> Graph:
        """The subgraph of ``graph`` induced by exactly ``n`` burnt nodes (seeded), relabelled 0..n-1 in node order."""
        _check(graph, n)
        rng = np.random.default_rng(seed)
        adj = graph.neighbours
        indptr, indices = adj.indptr, adj.indices
        burnt = np.zeros(graph.n, dtype=bool)
        count = 0
        while count < n:
            unseen = np.flatnonzero(~burnt)
            queue = deque([int(unseen[rng.integers(unseen.size)])])
            burnt[queue[0]] = True
            count += 1
            while queue and count < n:
                u = queue.popleft()
                nbrs = indices[indptr[u] : indptr[u + 1]]
                nbrs = nbrs[~burnt[nbrs]]
                if not nbrs.size:
                    continue
                k = min(int(rng.geometric(1 - self.p)) - 1, nbrs.size, n - count)  # mean p / (1 - p)
                if k == 0:
                    continue
                for v in rng.choice(nbrs, size=k, replace=False).tolist():
                    burnt[v] = True
                    queue.append(v)
                count += k
        return induced(graph, np.flatnonzero(burnt))


class PageRankNode:
    """PageRank node sampling: n distinct nodes drawn with probability proportional to their PageRank (damping 0.85),
    and the subgraph they induce."""

    name = "pagerank_node"

    def sample(self, graph: Graph, n: int, seed: int = 0) -> Graph:
        """The subgraph of ``graph`` induced by ``n`` nodes drawn without replacement with probability proportional to
        PageRank (Gumbel top-n, seeded), relabelled 0..n-1 in node order."""
        _check(graph, n)
        pr = pagerank(graph)
        # Gumbel-top-n: n draws without replacement, probability proportional to PageRank
        keys = np.log(np.maximum(pr, 1e-300)) + np.random.default_rng(seed).gumbel(size=graph.n)
        return induced(graph, np.argpartition(-keys, n - 1)[:n])


def pagerank(graph: Graph, damping: float = 0.85, tol: float = 1e-10) -> np.ndarray:
    """PageRank (networkit; dangling nodes spread uniformly), summing to 1. An undirected graph is
    read as both directions of every edge."""
    import networkit as nk

    src, dst = (
        (graph.source, graph.target)
        if graph.directed
        else (np.concatenate([graph.source, graph.target]), np.concatenate([graph.target, graph.source]))
    )
    a = sp.csr_array((np.ones(src.size), (src, dst)), shape=(graph.n, graph.n))
    pr = nk.centrality.PageRank(
        nk.GraphFromCsr(a, directed=True),
        damp=damping,
        tol=tol,
        distributeSinks=nk.centrality.SinkHandling.DistributeSinks,
    )
    pr.run()
    x = np.asarray(pr.scores(), dtype=np.float64)
    return x / x.sum()


SAMPLERS = {s.name: s for s in (RandomNode, ForestFire, RandomWalk, PageRankNode, MetropolisHastingsRandomWalk)}
