"""Classic generators as baselines, one interface: ``Generator().generate(n, seed, reference)``.

Each is matched to the reference graph's scale: the same average degree (and density), and for
Chung-Lu the reference's degree sequence resampled to n nodes. All but Erdős-Rényi are
undirected models; their edges are oriented at random (seeded), so density and average
out-degree compare with a directed reference (reciprocity is then 0). Built with networkit,
seeded, on one thread (its parallel generators are not reproducible).

* ErdosRenyi: G(n, p) directed, p = the reference's density.
* BarabasiAlbert: preferential attachment with k = max(1, round(mean out-degree)) links per node.
* WattsStrogatz: ring lattice with the reference's mean degree, rewiring probability 0.1.
* StochasticBlockModel: 10 equal blocks (networkit's planted partition), 80% of the expected
  edges inside blocks, the reference's mean degree.
* ChungLu: the reference's (undirected) degree sequence, resampled with replacement to n nodes.
"""

from __future__ import annotations

import networkit as nk
import numpy as np

from ..graph import Graph
from ..rng import Stream, draws


def _from_networkit(g: nk.Graph, n: int, seed: int, directed_input: bool, name: str) -> Graph:
    edges = np.array(list(g.iterEdges()), dtype=np.int64).reshape(-1, 2)
    src, dst = edges[:, 0], edges[:, 1]
    if not directed_input:
        flip = draws(seed, Stream.BASELINE_DIRECTIONS).random(src.size) < 0.5
        src, dst = np.where(flip, dst, src), np.where(flip, src, dst)
    return Graph.from_edges(src, dst, n, directed=True, name=name)


def _seeded(seed: int) -> None:
    nk.setNumberOfThreads(1)
    nk.setSeed(seed, False)


def _mean_out(reference: Graph) -> float:
    """Edges per node, m / n: the mean out-degree of a directed reference, half the mean degree of an undirected one."""
    return reference.m / reference.n


class ErdosRenyi:
    """Directed G(n, p) baseline, p set so that the expected out-degree is the reference's mean out-degree (m / n)."""

    name = "erdos_renyi"

    def generate(self, n: int, seed: int, reference: Graph) -> Graph:
        """A directed G(n, p) graph on ``n`` nodes (seeded), p = (m / n of ``reference``) / (n - 1), capped at 1."""
        _seeded(seed)
        p = min(1.0, _mean_out(reference) / max(n - 1, 1))
        g = nk.generators.ErdosRenyiGenerator(n, p, directed=True).generate()
        return _from_networkit(g, n, seed, True, self.name)


class BarabasiAlbert:
    """Preferential-attachment baseline: each new node brings k = max(1, round(m / n of the reference)) edges; edges are
    then oriented at random."""

    name = "barabasi_albert"

    def generate(self, n: int, seed: int, reference: Graph) -> Graph:
        """A Barabási-Albert graph on ``n`` nodes (networkit, sequential, seeded) with k edges per new node matched to
        ``reference``'s mean out-degree, each edge oriented at random."""
        _seeded(seed)
        k = max(1, round(_mean_out(reference)))
        g = nk.generators.BarabasiAlbertGenerator(k, n, n0=0, sequential=True).generate()
        return _from_networkit(g, n, seed, False, self.name)


class WattsStrogatz:
    """Small-world baseline: a ring lattice with k = round(m / n of the reference) neighbours on each side (clipped to
    1..(n - 1) // 2), every edge rewired with probability 0.1, then oriented at random."""

    name = "watts_strogatz"

    def generate(self, n: int, seed: int, reference: Graph) -> Graph:
        """A Watts-Strogatz graph on ``n`` nodes (seeded) with n k edges, k matched to ``reference``'s mean out-degree,
        each edge oriented at random."""
        _seeded(seed)
        k = max(1, min(round(_mean_out(reference)), (n - 1) // 2))  # neighbours on each side: degree 2k = 2 m / n
        g = nk.generators.WattsStrogatzGenerator(n, k, 0.1).generate()
        return _from_networkit(g, n, seed, False, self.name)


class StochasticBlockModel:
    """Planted-partition baseline: ``blocks`` blocks (networkit assigns nodes to them at random, about n / blocks each),
    edge probabilities set so that a share ``inside`` of each node's expected degree lies inside its block."""

    name = "sbm"
    blocks = 10
    inside = 0.8

    def generate(self, n: int, seed: int, reference: Graph) -> Graph:
        """A planted-partition graph on ``n`` nodes with min(blocks, n) blocks and expected degree 2 m / n (m and n of
        ``reference``; probabilities capped at 1; seeded), each edge oriented at random."""
        _seeded(seed)
        k = min(self.blocks, n)
        degree = 2 * _mean_out(reference)
        size = n / k
        p_in = min(1.0, self.inside * degree / max(size - 1, 1))
        p_out = min(1.0, (1 - self.inside) * degree / max(n - size, 1))
        g = nk.generators.ClusteredRandomGraphGenerator(n, k, p_in, p_out).generate()
        return _from_networkit(g, n, seed, False, self.name)


class ChungLu:
    """Expected-degree baseline: the reference's undirected degree sequence, resampled with replacement to n nodes,
    given to the Chung-Lu model; edges are then oriented at random."""

    name = "chung_lu"

    def generate(self, n: int, seed: int, reference: Graph) -> Graph:
        """A Chung-Lu graph on ``n`` nodes whose expected degrees are ``n`` seeded draws, with replacement, from
        ``reference``'s undirected degrees; each edge oriented at random."""
        _seeded(seed)
        deg = reference.degree()
        seq = draws(seed, Stream.BASELINE_DEGREES).choice(deg, size=n, replace=True)
        g = nk.generators.ChungLuGenerator(seq.astype(int).tolist()).generate()
        return _from_networkit(g, n, seed, False, self.name)


GENERATORS = {g.name: g for g in (ErdosRenyi, BarabasiAlbert, WattsStrogatz, StochasticBlockModel, ChungLu)}
