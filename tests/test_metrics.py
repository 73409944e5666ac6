"""Structural metrics against networkx (and scipy) on graphs small enough to compute both ways."""

from __future__ import annotations

import math
import warnings

import networkx as nx
import numpy as np
import pytest
from scipy.sparse.csgraph import shortest_path

import synthsocial
from synthsocial.graph import Graph
from synthsocial.metrics import EvaluateOptions, profile
from synthsocial.metrics.assortativity import categorical_assortativity, degree_assortativity, numeric_assortativity
from synthsocial.metrics.degrees import gini, power_law_fit
from synthsocial.metrics.homophily import nmi_and_purity
from synthsocial.metrics.ned import ned_fixed, ned_minmax


def nx_undirected(g: Graph) -> nx.Graph:
    h = nx.Graph()
    h.add_nodes_from(range(g.n))
    lo, hi = g.undirected_pairs
    h.add_edges_from(zip(lo.tolist(), hi.tolist()))
    return h


def nx_directed(g: Graph) -> nx.DiGraph:
    h = nx.DiGraph()
    h.add_nodes_from(range(g.n))
    h.add_edges_from(zip(g.source.tolist(), g.target.tolist()))
    return h


def exact_aspl(g: Graph) -> float:
    """Mean shortest path over ordered pairs in the LCC, with scipy's C BFS."""
    h = nx_undirected(g)
    lcc = max(nx.connected_components(h), key=len)
    sub = nx.to_scipy_sparse_array(h.subgraph(lcc), format="csr")
    total, k = 0.0, sub.shape[0]
    for s in range(0, k, 1000):
        d = shortest_path(sub, unweighted=True, directed=False, indices=np.arange(s, min(s + 1000, k)))
        total += d.sum()
    return total / (k * (k - 1))


@pytest.fixture(scope="module")
def small_world():
    w = synthsocial.generate(1500, seed=4)
    return Graph.from_edges(w.links.source, w.links.target, w.n, nodes=None, name="world")


@pytest.fixture(scope="module")
def sparse_random():
    # a sparse random digraph with several components and degree-1 nodes
    rng = np.random.default_rng(0)
    n = 800
    s, t = rng.integers(0, n, 1200), rng.integers(0, n, 1200)
    return Graph.from_edges(s, t, n)


@pytest.mark.parametrize("which", ["small_world", "sparse_random"])
def test_five_metrics_and_reciprocity_match_networkx(which, request):
    g = request.getfixturevalue(which)
    r = profile(g, EvaluateOptions(homophily=False))
    m = r.metrics
    h, d = nx_undirected(g), nx_directed(g)
    assert m["density"] == pytest.approx(nx.density(d))
    assert m["clustering"] == pytest.approx(nx.average_clustering(h), abs=1e-9)
    lcc = max(nx.connected_components(h), key=len)
    assert m["lcc_fraction"] == pytest.approx(len(lcc) / g.n)
    assert m["aspl"] == pytest.approx(nx.average_shortest_path_length(h.subgraph(lcc)))
    assert m["normalized_aspl"] == pytest.approx(m["aspl"] / math.log(len(lcc)))
    parts = {}
    for v, c in enumerate(r.communities):
        parts.setdefault(c, set()).add(v)
    assert m["modularity"] == pytest.approx(nx.community.modularity(h, parts.values()), abs=1e-6)
    assert m["reciprocity"] == pytest.approx(nx.reciprocity(d))
    assert m["degree_assortativity"] == pytest.approx(nx.degree_assortativity_coefficient(d), abs=1e-9)


def test_undirected_graph_density_and_no_reciprocity():
    g = Graph.from_edges(np.array([0, 1, 2, 2]), np.array([1, 2, 0, 3]), directed=False)
    m = profile(g, EvaluateOptions(homophily=False)).metrics
    assert m["density"] == pytest.approx(4 / 6) and m["reciprocity"] is None and m["avg_out_degree"] == 1.0


def test_sampled_clustering_and_aspl_are_within_their_errors():
    w = synthsocial.generate(6000, seed=2)
    g = Graph.from_edges(w.links.source, w.links.target, w.n)
    exact = profile(g, EvaluateOptions(homophily=False, aspl_exact_max_nodes=10**9))
    est = profile(
        g,
        EvaluateOptions(
            homophily=False,
            aspl_exact_max_nodes=0,
            aspl_sources=40,
            clustering_exact_max_edges=0,
            clustering_trials=200_000,
            seed=3,
        ),
    )
    for key in ("clustering", "normalized_aspl"):
        se = est.standard_errors[key]
        assert 0 < se < 0.01
        assert abs(est.metrics[key] - exact.metrics[key]) <= 4 * se, key
    assert "estimated" in est.methods["aspl"] and "sampled wedges" in est.methods["clustering"]


def test_profile_is_deterministic_for_a_seed():
    w = synthsocial.generate(3000, seed=1)
    g = Graph.from_edges(w.links.source, w.links.target, w.n)
    opt = EvaluateOptions(
        homophily=False, aspl_exact_max_nodes=0, aspl_sources=20, clustering_exact_max_edges=0, seed=5
    )
    a, b = profile(g, opt), profile(g, opt)
    assert a.metrics == b.metrics
    assert np.array_equal(a.communities, b.communities)


def test_attribute_assortativity_matches_networkx():
    rng = np.random.default_rng(1)
    n = 300
    s, t = rng.integers(0, n, 2000), rng.integers(0, n, 2000)
    g = Graph.from_edges(s, t, n)
    cat = rng.integers(0, 4, n)
    num = rng.normal(size=n)
    d = nx_directed(g)
    nx.set_node_attributes(d, dict(enumerate(cat.tolist())), "c")
    nx.set_node_attributes(d, dict(enumerate(num.tolist())), "x")
    assert categorical_assortativity(g, cat) == pytest.approx(nx.attribute_assortativity_coefficient(d, "c"))
    assert numeric_assortativity(g, num) == pytest.approx(nx.numeric_assortativity_coefficient(d, "x"), abs=1e-9)
    u = Graph.from_edges(s, t, n, directed=False)
    h = nx_undirected(u)
    nx.set_node_attributes(h, dict(enumerate(cat.tolist())), "c")
    assert categorical_assortativity(u, cat) == pytest.approx(nx.attribute_assortativity_coefficient(h, "c"))
    assert degree_assortativity(u) == pytest.approx(nx.degree_assortativity_coefficient(h))


def test_gini():
    assert gini(np.ones(10)) == pytest.approx(0.0)
    assert gini(np.array([0, 0, 0, 10])) == pytest.approx(0.75)
    assert gini(np.array([1, 2, 3, 4])) == pytest.approx(0.25)


def test_power_law_fit_recovers_exponent_and_agrees_with_powerlaw_package():
    rng = np.random.default_rng(7)
    alpha, xmin = 2.5, 5
    # continuous Pareto rounded: a discrete power-law tail for x >= xmin
    x = np.floor((xmin - 0.5) * (1 - rng.random(20_000)) ** (-1 / (alpha - 1)) + 0.5).astype(int)
    x = np.concatenate([x, rng.integers(1, xmin, 5_000)])  # a non-power-law head
    fit = power_law_fit(x)
    assert fit["alpha"] == pytest.approx(alpha, abs=0.08)
    powerlaw = pytest.importorskip("powerlaw")
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        ref = powerlaw.Fit(x, discrete=True, verbose=False)
    assert fit["alpha"] == pytest.approx(ref.power_law.alpha, abs=0.1)
    assert abs(fit["xmin"] - ref.power_law.xmin) <= 3


def test_nmi_matches_scikit_learn():
    sk = pytest.importorskip("sklearn.metrics")
    rng = np.random.default_rng(3)
    a = rng.integers(0, 5, 2000)
    b = (a + (rng.random(2000) < 0.3) * rng.integers(0, 5, 2000)) % 5
    nmi, purity = nmi_and_purity(a, b)
    assert nmi == pytest.approx(sk.normalized_mutual_info_score(a, b))
    assert 0.2 < purity <= 1.0


def test_ned_forms():
    ref = {"density": 1e-5, "clustering": 0.26, "lcc_fraction": 1.0, "normalized_aspl": 0.23, "modularity": 0.85}
    same = ned_fixed(ref, ref)
    assert same["value"] == 0.0
    other = {**ref, "clustering": 0.36, "modularity": 0.65}
    f = ned_fixed(other, ref)
    assert f["value"] == pytest.approx(math.hypot(0.1, 0.2))
    assert sum(f["contributions"].values()) == pytest.approx(1.0) and f["contributions"]["modularity"] == pytest.approx(
        0.8
    )
    dens = ned_fixed({**ref, "density": 1e-2}, ref)
    assert dens["differences"]["density"] == pytest.approx(3 / 6)
    mm = ned_minmax([other, ref], ref)
    assert mm[1]["value"] == 0.0
    assert mm[0]["value"] == pytest.approx(math.sqrt(2))  # both differing metrics span the whole set


def test_homophily_analysis_skips_an_attribute_everyone_shares():
    import pyarrow as pa

    from synthsocial.metrics.homophily import analyse

    rng = np.random.default_rng(3)
    n = 400
    nodes = pa.table({"country": ["US"] * n, "state": rng.choice(["Ohio", "Iowa", "Utah"], n).tolist()})
    g = Graph(n, rng.integers(0, n, 3000), rng.integers(0, n, 3000), True, nodes)
    out = analyse(g, rng.integers(0, 5, n), seed=1)
    assert out["skipped"] == ["country"] and set(out["attributes"]) == {"state"}
    assert out["attributes"]["state"]["ratio"] == pytest.approx(1.0, abs=0.1)  # random edges: chance level
