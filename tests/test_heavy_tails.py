"""Issue 16: the mechanisms beyond the paper that make degrees heavy-tailed (activity, preferential
triadic closure, hubs nearby and global) on inputs where the right answer is known, and the
profiles that combine them."""

from __future__ import annotations

import math

import numpy as np
import pytest
import scipy.sparse as sp
from scipy.spatial import cKDTree

import synthsocial
from synthsocial import profiles
from synthsocial.config import GeneratorConfig
from synthsocial.errors import ConfigError
from synthsocial.links.activity import activity
from synthsocial.links.hubs import global_cdf, hub_ids, hub_index, hub_links
from synthsocial.links.local import attempts
from synthsocial.links.triadic import closure_links
from synthsocial.metrics.degrees import gini


def test_activity_is_lognormal_with_mean_one_and_the_same_for_any_range_of_blocks():
    a = activity(0, 200_000, 1.5, 4096, seed=3)
    assert abs(a.mean() - 1) < 0.03
    assert abs(np.log(a).std() - 1.5) < 0.01
    assert abs(gini(a) - math.erf(1.5 / 2)) < 0.01  # the Gini of a lognormal
    assert np.array_equal(activity(8192, 20_000, 1.5, 4096, seed=3), a[8192:20_000])
    assert not np.array_equal(activity(0, 1000, 1.5, 4096, seed=4), a[:1000])
    assert np.array_equal(activity(0, 10, 0.0, 4096, seed=3), np.ones(10))


def test_activity_multiplies_the_local_attempts_within_one_and_k():
    infl = np.array([10.0, 10.0, 10.0, 100.0])
    assert attempts(infl, 100.0, 20).tolist() == [2, 2, 2, 20]
    assert attempts(infl, 100.0, 20, np.array([0.1, 1.0, 3.0, 3.0])).tolist() == [1, 2, 6, 20]


def _star_candidates(n_cand: int):
    """User 0 follows user 1, who follows users 2 .. n_cand + 1: user 0 has n_cand triadic candidates."""
    n = n_cand + 2
    first = sp.csr_array((np.ones(1), ([0], [1])), shape=(1, n))
    second = sp.csr_array((np.ones(n_cand), (np.ones(n_cand, int), np.arange(2, n))), shape=(n, n))
    existing = sp.csr_array((np.ones(1), ([0], [1])), shape=(1, n))
    return first, second, existing


def test_preferential_closure_accepts_in_proportion_to_weight_and_keeps_the_mean():
    first, second, existing = _star_candidates(2)
    weight = np.array([1.0, 1.0, 1.0, 3.0])  # candidates 2 and 3: weights 1 and 3, mean 2
    got = np.zeros(4)
    trials = 20_000
    for t in range(trials):
        _, dst = closure_links(0, first, second, existing, np.array([0.4]), np.random.default_rng(t), weight)
        np.add.at(got, dst, 1)
    # p = 0.4 * w / mean(w): 0.2 for candidate 2, 0.6 for candidate 3; 0.8 expected links as without weights
    assert abs(got[2] / trials - 0.2) < 0.015 and abs(got[3] / trials - 0.6) < 0.015


def test_closure_without_weights_is_unchanged():
    first, second, existing = _star_candidates(50)
    a = closure_links(0, first, second, existing, np.array([0.3]), np.random.default_rng(1))
    b = closure_links(0, first, second, existing, np.array([0.3]), np.random.default_rng(1), None)
    assert all(np.array_equal(x, y) for x, y in zip(a, b)) and 0 < a[0].size < 50


def test_hubs_are_the_most_influential_ties_by_id():
    infl = np.array([5.0, 100.0, 7.0, 100.0, 50.0, 6.0, 5.5, 8.0, 9.0, 10.0])
    assert hub_ids(infl, 0.3).tolist() == [1, 3, 4]
    assert hub_ids(infl, 1e-9).tolist() == [1]  # at least one


def _hub_world(n=4000, share=0.05, seed=0, c=10):
    rng = np.random.default_rng(seed)
    points = rng.random((n, 3))
    infl = rng.pareto(1.5, n) + 1
    hubs = hub_ids(infl, share)
    return points, hubs, hub_index(points[hubs], c, 1.0)


def _draw(points, hubs, index, near, anywhere, zipf, seed):
    """hub_links for every user: Poisson(near) hubs nearby (weights rank ** -1), Poisson(anywhere) anywhere."""
    rows = np.arange(points.shape[0])
    cdf = global_cdf(hubs.size, zipf)
    return hub_links(rows, points, hubs, index, np.full(rows.size, near), anywhere, cdf, np.random.default_rng(seed))


def test_hub_index_lists_each_hub_first_then_its_nearest_hubs():
    points = np.array([[0.0], [0.0], [1.0], [3.0], [10.0]])  # hubs 0 and 1 share a point
    tree, near, cdf = hub_index(points, 2, 1.0)
    assert near[:, 0].tolist() == [0, 1, 2, 3, 4]
    assert sorted(near[0, 1:].tolist()) == [1, 2] and sorted(near[1, 1:].tolist()) == [0, 2]
    assert near[4].tolist() == [4, 3, 2]
    # each hub's CDF over its row, weights rank ** -1, shifted by the hub's position
    w = np.array([1 / 5, 1 / 4, 1 / 3])
    assert np.allclose(cdf[12:15], 4 + np.cumsum(w) / w.sum())


def test_hub_follows_stay_in_the_users_neighbourhood_and_prefer_the_top_ranked():
    c = 10
    points, hubs, index = _hub_world(c=c)
    rows = np.arange(points.shape[0])
    src, dst = _draw(points, hubs, index, near=4.0, anywhere=0.0, zipf=1.0, seed=1)
    assert np.all(src != dst) and np.isin(dst, hubs).all()
    # every follow is among the c + 1 hubs nearest to the user's nearest hub
    tree = cKDTree(points[hubs])
    nearest = tree.query(points, k=1)[1]
    allowed = hubs[tree.query(points[hubs][nearest], k=c + 1)[1]]
    assert all(d in allowed[s] for s, d in zip(src[:3000], dst[:3000]))
    # Poisson thinning: candidate j is drawn with probability p_j ~ rank ** -1 among the c + 1
    # hubs, followed with probability 1 - exp(-4 p_j); a hub's draw of itself is dropped
    ranks = tree.query(points[hubs][nearest], k=c + 1)[1]
    w = (ranks + 1.0) ** -1.0
    p = w / w.sum(axis=1, keepdims=True)
    other = hubs[ranks] != rows[:, None]
    assert abs(src.size / rows.size - 4 * (p * other).sum(axis=1).mean()) < 0.1
    expected = ((1 - np.exp(-4 * p)) * other).sum(axis=1).mean()
    distinct = np.unique(src * points.shape[0] + dst).size / rows.size
    assert abs(distinct - expected) < 0.05
    # rank weighting: the top decile of hubs receives more follows per hub than the bottom half
    rank = np.empty(points.shape[0], int)
    rank[hubs] = np.arange(hubs.size)
    per_hub = np.bincount(rank[dst], minlength=hubs.size)
    assert per_hub[: hubs.size // 10].mean() > 1.5 * per_hub[hubs.size // 2 :].mean()


def test_global_hub_follows_follow_the_zipf_weights():
    points, hubs, index = _hub_world(n=20_000, share=0.01)
    rows = np.arange(points.shape[0])
    src, dst = _draw(points, hubs, index, near=0.0, anywhere=2.0, zipf=1.5, seed=2)
    rank = np.empty(points.shape[0], int)
    rank[hubs] = np.arange(hubs.size)
    share = np.bincount(rank[dst], minlength=hubs.size) / dst.size
    w = np.arange(1, hubs.size + 1) ** -1.5
    assert np.allclose(share[:3], (w / w.sum())[:3], atol=0.01)
    assert abs(src.size / rows.size - 2.0) < 0.05


def test_profile_settings_interpolate_in_log_n_and_your_settings_win(monkeypatch):
    fake = {
        "sizes": [
            {"n": 10_000, "config": {"links": {"hub_follows": 10.0, "hub_candidates": 20, "triadic_scope": "out"}}},
            {"n": 1_000_000, "config": {"links": {"hub_follows": 30.0, "hub_candidates": 40}}},
        ]
    }
    monkeypatch.setattr(profiles, "load", lambda name: fake)
    assert profiles.settings("bluesky", 1000)["links"]["hub_follows"] == 10.0
    mid = profiles.settings("bluesky", 100_000)["links"]
    assert mid == {"hub_follows": 20.0, "hub_candidates": 30, "triadic_scope": "out"}
    assert profiles.settings("bluesky", 10**7)["links"]["hub_follows"] == 30.0
    cfg = profiles.apply("bluesky", 100_000, {"links": {"hub_candidates": 7, "alpha": 0.3}})
    assert (cfg.links.hub_follows, cfg.links.hub_candidates, cfg.links.alpha) == (20.0, 7, 0.3)


def test_paper_profile_is_the_paper_and_unknown_profiles_are_refused():
    assert profiles.apply("paper", 10_000) == GeneratorConfig()
    assert profiles.apply(None, 10_000, {"links": {"alpha": 0.2}}).links.alpha == 0.2
    with pytest.raises(ConfigError, match="profile 'twitter' is not accepted: use one of bluesky, paper"):
        synthsocial.generate(100, profile="twitter")


def test_bluesky_profile_settings_are_valid_at_every_size():
    for n in (100, 10**4, 3 * 10**4, 10**5, 10**6, 10**7):
        cfg = profiles.apply("bluesky", n)
        assert cfg.links.hub_follows > 0 and cfg.links.activity_sigma > 0


def test_default_world_has_heavy_tailed_degrees_and_names_its_profile():
    w = synthsocial.generate(10_000, seed=2)
    paper = synthsocial.generate(10_000, seed=2, profile="paper")
    ind, outd = np.bincount(w.links.target, minlength=w.n), np.bincount(w.links.source, minlength=w.n)
    assert gini(ind) > 0.5 and gini(outd) > 0.45
    assert ind.max() > 30 * np.median(ind)
    pind = np.bincount(paper.links.target, minlength=paper.n)
    assert gini(pind) < 0.4 and pind.max() < 10 * np.median(pind)
    assert w.manifest()["profile"] == "bluesky" and paper.manifest()["profile"] == "paper"
    assert {"hubs", "local", "triadic", "longrange"} <= set(w.links.mechanisms)


def test_cli_profile_is_recorded_and_a_bad_one_refused_in_one_line(tmp_path, capsys):
    import json

    from synthsocial.cli import main

    assert main(["generate", "-n", "300", "-s", "1", "-o", str(tmp_path / "p"), "--profile", "paper"]) == 0
    man = json.loads((tmp_path / "p" / "manifest.json").read_text())
    assert man["profile"] == "paper" and "hubs" not in man["edges_by_mechanism"]
    assert main(["generate", "-n", "300", "-s", "1", "-o", str(tmp_path / "b")]) == 0
    man = json.loads((tmp_path / "b" / "manifest.json").read_text())
    assert man["profile"] == "bluesky" and man["edges_by_mechanism"]["hubs"] > 0
    assert man["config"]["links"]["hub_follows"] == profiles.apply("bluesky", 300).links.hub_follows
    capsys.readouterr()
    assert main(["generate", "-n", "300", "-o", str(tmp_path / "x"), "--profile", "twiter"]) != 0
    err = capsys.readouterr().err.strip()
    assert "profile 'twiter' is not accepted: use one of bluesky, paper" in err and len(err.splitlines()) == 1
    assert not (tmp_path / "x").exists()


def test_profile_weights_follow_your_number_of_interest_slots():
    cfg = profiles.apply("bluesky", 10**5, {"population": {"interests_per_user": [1, 2]}})
    w = profiles.settings("bluesky", 10**5)["homophily"]["weights"]
    assert cfg.homophily.weights == [w[0], w[1], w[2], w[2], w[-1]]
    mine = profiles.apply("bluesky", 10**5, {"homophily": {"weights": [1.0] * 8}})
    assert mine.homophily.weights == [1.0] * 8


def test_hubs_close_fewer_triangles_towards_hubs_by_the_peer_factor():
    first, second, existing = _star_candidates(2)  # user 0 (a hub) has candidates 2 (a hub) and 3
    hub = np.array([True, False, True, False])
    got = {f: np.zeros(4) for f in (1.0, 0.25, 0.0)}
    trials = 20_000
    for f, counts in got.items():
        for t in range(trials):
            rng = np.random.default_rng(t)
            _, dst = closure_links(0, first, second, existing, np.array([0.4]), rng, None, (hub, f))
            np.add.at(counts, dst, 1)
    assert abs(got[1.0][2] / trials - 0.4) < 0.015 and abs(got[0.25][2] / trials - 0.1) < 0.015
    assert got[0.0][2] == 0 and abs(got[0.0][3] / trials - 0.4) < 0.015  # a candidate that is no hub: as before
    assert np.array_equal(got[1.0], np.bincount(  # factor 1: the same draws as without peers
        np.concatenate([closure_links(0, first, second, existing, np.array([0.4]), np.random.default_rng(t))[1]
                        for t in range(trials)]), minlength=4))  # fmt: skip


def test_hubs_with_a_peer_factor_of_zero_follow_no_hub_nearby():
    from synthsocial.links import phases

    n = 4000
    w = synthsocial.generate(n, seed=3)  # the bluesky profile at 10^4 and below: hub_peer_follows 0
    cfg = w.config
    influence = w.users["influence"].to_numpy()
    hubs = hub_ids(influence, cfg.links.hub_share)
    is_hub = np.zeros(n, bool)
    is_hub[hubs] = True
    src, dst = w.edges["source"].to_numpy(), w.edges["target"].to_numpy()
    both = is_hub[src] & is_hub[dst]
    again = synthsocial.generate(n, seed=3, config={"links": {"hub_peer_follows": 1.0}})  # as everyone does
    s2, d2 = again.edges["source"].to_numpy(), again.edges["target"].to_numpy()
    assert both.sum() < 0.5 * (is_hub[s2] & is_hub[d2]).sum()
    assert cfg.links.hub_peer_follows == 0
    rate = phases._hub_rate(0, n, np.ones(n), hubs, cfg.links)
    assert (rate[is_hub] == 0).all() and (rate[~is_hub] == cfg.links.hub_follows).all()
