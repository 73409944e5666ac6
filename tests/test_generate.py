"""The generated world: graph invariants, determinism, heterogeneity and homophily."""

from __future__ import annotations

import numpy as np
import pytest

import synthsocial
from synthsocial.errors import ConfigError


def test_graph_invariants(world_10k):
    w = world_10k
    s, t = w.links.source, w.links.target
    assert s.size > 0
    assert not np.any(s == t), "self-loop"
    keys = s * w.n + t
    assert np.unique(keys).size == keys.size, "duplicate edge"
    assert np.all(np.diff(keys) > 0), "edges not sorted by (source, target)"
    assert s.min() >= 0 and max(s.max(), t.max()) < w.n
    assert w.users.num_rows == w.n and w.users["user_id"].to_pylist() == list(range(w.n))
    assert sum(w.links.mechanisms.values()) == s.size


def test_every_user_follows_someone_and_the_graph_is_connected(world_10k):
    import igraph as ig

    w = world_10k
    assert np.bincount(w.links.source, minlength=w.n).min() >= 1
    g = ig.Graph(n=w.n, edges=np.column_stack([w.links.source, w.links.target]), directed=True)
    assert max(g.connected_components(mode="weak").sizes()) / w.n > 0.99


def test_out_degree_is_heterogeneous(world_10k):
    out = np.bincount(world_10k.links.source, minlength=world_10k.n)
    assert out.max() >= 5 * np.median(out)


def homophily_ratio(w, same_attr):
    """P(same attribute | follow edge) / P(same attribute | random pair)."""
    rng = np.random.default_rng(0)
    a = rng.integers(0, w.n, 200_000)
    b = rng.integers(0, w.n, 200_000)
    keep = a != b
    return same_attr(w.links.source, w.links.target).mean() / same_attr(a[keep], b[keep]).mean()


def test_homophily_by_interest_occupation_and_age_band(world_10k):
    pop = world_10k.population
    ints = pop.interests

    def share_interest(i, j):
        x, y = ints[i], ints[j]
        return ((x[:, :, None] == y[:, None, :]) & (x[:, :, None] >= 0)).any(axis=(1, 2))

    ratios = {
        "interest": homophily_ratio(world_10k, share_interest),
        "occupation": homophily_ratio(world_10k, lambda i, j: pop.occupation[i] == pop.occupation[j]),
        "age band": homophily_ratio(world_10k, lambda i, j: pop.band[i] == pop.band[j]),
    }
    for attr, r in ratios.items():
        assert r > 1.2, (attr, r)


def test_same_seed_same_world_other_seed_other_world():
    a = synthsocial.generate(3000, seed=5)
    b = synthsocial.generate(3000, seed=5)
    c = synthsocial.generate(3000, seed=6)
    assert np.array_equal(a.links.source, b.links.source) and np.array_equal(a.links.target, b.links.target)
    assert a.users.equals(b.users)
    assert not (a.links.source.size == c.links.source.size and np.array_equal(a.links.target, c.links.target))
    assert not a.users.equals(c.users)


def test_mechanisms_all_contribute_at_mid_size():
    w = synthsocial.generate(12_000, seed=1)
    assert all(v > 0 for v in w.links.mechanisms.values()), w.links.mechanisms
    assert w.links.schedule.delta == pytest.approx(0.42)


def test_undirected_triadic_reading_is_denser():
    out = synthsocial.generate(3000, seed=2)
    und = synthsocial.generate(3000, seed=2, config={"links": {"triadic_scope": "undirected"}})
    assert und.links.mechanisms["local"] == out.links.mechanisms["local"]
    assert und.links.mechanisms["triadic"] > out.links.mechanisms["triadic"]


def test_weights_change_the_space():
    w = synthsocial.generate(500, seed=1, config={"homophily": {"weights": [2, 0, 1, 1, 1, 1, 1, 0]}})
    assert np.all(w.points[:, 1] == 0) and np.all(w.points[:, -1] == 0)
    assert w.points[:, 0].max() <= 2 and w.points[:, 0].max() > 1


def test_tiny_world():
    w = synthsocial.generate(2, seed=0)
    assert set(zip(w.links.source.tolist(), w.links.target.tolist())) == {(0, 1), (1, 0)}


@pytest.mark.parametrize("n", [0, 1, -5, 2.5, "10", True])
def test_bad_sizes_are_refused(n):
    with pytest.raises(ConfigError, match="nodes"):
        synthsocial.generate(n)


def test_bad_seed_is_refused():
    with pytest.raises(ConfigError, match="seed"):
        synthsocial.generate(10, seed=-1)


def test_networkx_and_igraph_views(world_10k):
    small = synthsocial.generate(400, seed=9)
    g = small.to_networkx()
    assert g.number_of_nodes() == 400 and g.number_of_edges() == small.links.source.size
    assert g.is_directed() and isinstance(g.nodes[0]["interests"], list)
    ig_g = small.to_igraph()
    assert ig_g.vcount() == 400 and ig_g.ecount() == small.links.source.size and ig_g.is_directed()
    assert ig_g.vs[3]["occupation"] == small.users["occupation"][3].as_py()


def test_a_written_world_opens_as_the_same_world(tmp_path):
    w = synthsocial.generate(500, seed=9, config={"links": {"follow_back": 0.2}})
    w.write(tmp_path / "w")
    back = synthsocial.World.open(tmp_path / "w")
    assert back.n == 500 and back.links is None and back.seed == 9 and back.config == w.config
    assert back.users.equals(w.users) and back.edges.equals(w.edges)
    assert back.manifest()["edges_by_mechanism"] == w.manifest()["edges_by_mechanism"]
    g = back.to_graph()
    assert g.m == w.edges.num_rows and np.array_equal(g.source, w.links.source)
    users, edges = back.users_df(), back.edges_df()
    assert list(users.columns) == w.users.column_names and len(edges) == g.m
    assert list(users["interests"][0]) == w.users["interests"][0].as_py()
    assert back.to_networkx().number_of_edges() == g.m
