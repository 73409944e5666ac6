"""Samplers and classic generators: one interface, directed and disconnected graphs, determinism."""

from __future__ import annotations

import numpy as np
import pytest

from synthsocial.baselines import GENERATORS, SAMPLERS, induced
from synthsocial.baselines.samplers import pagerank
from synthsocial.errors import ConfigError
from synthsocial.graph import Graph


@pytest.fixture(scope="module")
def two_components():
    """A directed graph of two dense components and isolated nodes (n = 310)."""
    rng = np.random.default_rng(0)
    s1, t1 = rng.integers(0, 200, 1500), rng.integers(0, 200, 1500)
    s2, t2 = rng.integers(200, 300, 600), rng.integers(200, 300, 600)
    return Graph.from_edges(np.concatenate([s1, s2]), np.concatenate([t1, t2]), 310)


@pytest.mark.parametrize("name", list(SAMPLERS))
def test_samplers_return_induced_subgraphs_of_the_asked_size(two_components, name):
    g = two_components
    s = SAMPLERS[name]().sample(g, 250, seed=3)
    assert s.n == 250 and s.directed
    original = set(zip(g.source.tolist(), g.target.tolist()))
    kept = s.labels
    # every sampled edge exists in the original, and every original edge between kept nodes is kept
    assert {(int(kept[a]), int(kept[b])) for a, b in zip(s.source, s.target)} == {
        (a, b) for a, b in original if a in set(kept.tolist()) and b in set(kept.tolist())
    }
    again = SAMPLERS[name]().sample(g, 250, seed=3)
    assert np.array_equal(again.labels, s.labels)


def test_walks_escape_small_components(two_components):
    # 250 nodes cannot all come from one component of 200: the walk must jump
    for name in ("random_walk", "mhrw", "forest_fire"):
        s = SAMPLERS[name]().sample(two_components, 250, seed=1)
        assert (s.labels >= 200).any() and (s.labels < 200).any()


def test_sampler_sizes_are_checked(two_components):
    with pytest.raises(ConfigError, match="larger than the reference graph \\(310 nodes\\)"):
        SAMPLERS["random_node"]().sample(two_components, 311)
    with pytest.raises(ConfigError, match="sample size 0"):
        SAMPLERS["mhrw"]().sample(two_components, 0)


def test_mhrw_is_less_degree_biased_than_random_walk():
    # a star plus a ring: a random walk over-samples the hub's neighbourhood less than... compare degrees
    rng = np.random.default_rng(2)
    n = 2000
    hubs = rng.integers(0, 20, 6000)
    others = rng.integers(20, n, 6000)
    g = Graph.from_edges(np.concatenate([others, np.arange(20, n - 1)]), np.concatenate([hubs, np.arange(21, n)]), n)
    deg = g.degree()
    rw = np.mean([deg[SAMPLERS["random_walk"]().sample(g, 200, seed=s).labels].mean() for s in range(5)])
    mh = np.mean([deg[SAMPLERS["mhrw"]().sample(g, 200, seed=s).labels].mean() for s in range(5)])
    assert mh < rw


def test_pagerank_matches_networkx(two_components):
    import networkx as nx

    h = nx.DiGraph()
    h.add_nodes_from(range(two_components.n))
    h.add_edges_from(zip(two_components.source.tolist(), two_components.target.tolist()))
    ref = nx.pagerank(h, alpha=0.85, tol=1e-12)
    ours = pagerank(two_components)
    assert np.allclose(ours, [ref[i] for i in range(two_components.n)], atol=1e-8)


def test_induced_keeps_attributes():
    import pyarrow as pa

    g = Graph.from_edges(np.array([0, 1, 2]), np.array([1, 2, 3]), 4, nodes=pa.table({"x": ["a", "b", "c", "d"]}))
    s = induced(g, np.array([3, 1, 2]))
    assert s.nodes["x"].to_pylist() == ["b", "c", "d"] and s.m == 2


@pytest.mark.parametrize("name", list(GENERATORS))
def test_generators_match_the_reference_scale_and_are_seeded(two_components, name):
    a = GENERATORS[name]().generate(500, 4, two_components)
    b = GENERATORS[name]().generate(500, 4, two_components)
    assert a.n == 500 and a.directed and np.array_equal(a.source, b.source) and np.array_equal(a.target, b.target)
    target = two_components.m / two_components.n
    ratio = (a.m / a.n) / target
    assert 0.5 < ratio < 1.6, (name, a.m / a.n, target)
