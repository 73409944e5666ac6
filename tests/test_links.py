"""Section III-C: each link mechanism on small inputs where the right answer is known."""

from __future__ import annotations

import itertools

import numpy as np
import pytest
import scipy.sparse as sp

from synthsocial.config import LinksConfig
from synthsocial.links import _directed, _undirected
from synthsocial.links.local import attempts, local_links
from synthsocial.links.longrange import longrange_links
from synthsocial.links.neighbors import knn
from synthsocial.links.triadic import probability, triadic_links


def test_knn_is_exact_against_brute_force():
    rng = np.random.default_rng(0)
    pts = rng.random((700, 8))
    idx, dist = knn(pts, 12)
    full = np.linalg.norm(pts[:, None, :] - pts[None, :, :], axis=2)
    np.fill_diagonal(full, np.inf)
    expect = np.argsort(full, axis=1)[:, :12]
    assert np.array_equal(idx, expect)
    assert np.allclose(dist, np.take_along_axis(full, expect, axis=1))


def test_approximate_knn_keeps_the_eps_bound_and_most_neighbours():
    rng = np.random.default_rng(1)
    pts = rng.random((3000, 8))
    exact_idx, exact_dist = knn(pts, 20)
    idx, dist = knn(pts, 20, eps=0.5)
    assert np.all(dist[:, -1] <= 1.5 * exact_dist[:, -1] + 1e-12)
    assert np.all(np.diff(dist, axis=1) >= 0) and not np.any(idx == np.arange(3000)[:, None])
    recall = np.mean([len(set(a) & set(b)) / 20 for a, b in zip(idx, exact_idx)])
    assert 0.9 <= recall < 1.0  # approximate, and still close


def test_attempts_follow_influence_and_stay_in_1_to_k():
    n = attempts(np.array([0.1, 10, 50, 100, 1e9]), cap=100, k=30)
    assert n.tolist() == [1, 3, 15, 30, 30]


def test_gumbel_top_n_equals_sequential_sampling_without_replacement():
    """Draw n=2 of k=4 with softmax(s/T): compare pair frequencies with the exact
    Plackett-Luce probabilities of the sequential draw."""
    d = np.array([0.0, 0.3, 0.8, 2.0])
    alpha, temp = 3.0, 0.5
    w = np.exp(alpha * np.exp(-d) / temp)
    p = w / w.sum()
    exact = {}
    for a, b in itertools.permutations(range(4), 2):
        exact[frozenset((a, b))] = exact.get(frozenset((a, b)), 0) + p[a] * p[b] / (1 - p[a])
    reps = 40_000
    rows = np.arange(reps)
    src, dst = local_links(
        rows,
        np.tile(np.arange(4), (reps, 1)),
        np.tile(d, (reps, 1)),
        np.full(reps, 2),
        alpha=alpha,
        beta=0.0,
        temperature=temp,
        rng=np.random.default_rng(5),
    )
    assert src.size == 2 * reps
    pairs = dst.reshape(reps, 2)
    for pair, q in exact.items():
        a, b = sorted(pair)
        f = np.mean(((pairs[:, 0] == a) & (pairs[:, 1] == b)) | ((pairs[:, 0] == b) & (pairs[:, 1] == a)))
        assert abs(f - q) <= 4.5 * np.sqrt(q * (1 - q) / reps) + 1e-9, (pair, f, q)


def test_local_links_take_exactly_n_i_distinct_neighbours():
    rng = np.random.default_rng(1)
    pts = rng.random((300, 8))
    idx, dist = knn(pts, 10)
    n_att = rng.integers(1, 11, size=300)
    src, dst = local_links(np.arange(300), idx, dist, n_att, alpha=0.16, beta=0.06, temperature=0.5, rng=rng)
    assert np.array_equal(np.bincount(src, minlength=300), n_att)
    for i in range(300):
        chosen = dst[src == i]
        assert len(set(chosen)) == chosen.size and set(chosen) <= set(idx[i]) and i not in chosen


def _graph():
    # 0 -> 1 -> 2 -> 3 ; 0 -> 4 ; 4 -> 2 ; 5 -> 0
    src = np.array([0, 1, 2, 0, 4, 5])
    dst = np.array([1, 2, 3, 4, 2, 0])
    return 6, src, dst


def test_triadic_out_scope_candidates_are_followees_of_followees():
    n, src, dst = _graph()
    h, a = _undirected(n, src, dst), _directed(n, src, dst)
    s, d = triadic_links(slice(0, n), a, h, np.ones(n), np.random.default_rng(0))
    got = set(zip(s.tolist(), d.tolist()))
    # 0 follows 1 and 4, who follow 2: 0 -> 2. 1 -> 3 via 2. 4 -> 3 via 2. 5 -> 1 and 5 -> 4 via 0.
    assert got == {(0, 2), (1, 3), (4, 3), (5, 1), (5, 4)}


def test_triadic_undirected_scope_walks_h_and_excludes_neighbours():
    n, src, dst = _graph()
    h = _undirected(n, src, dst)
    s, d = triadic_links(slice(0, n), h, h, np.ones(n), np.random.default_rng(0))
    got = set(zip(s.tolist(), d.tolist()))
    dense = h.toarray()
    two = (dense @ dense) > 0
    expect = {(i, k) for i in range(n) for k in range(n) if two[i, k] and not dense[i, k] and i != k}
    assert got == expect
    s0, _ = triadic_links(slice(0, n), h, h, np.zeros(n), np.random.default_rng(0))
    assert s0.size == 0


def test_triadic_acceptance_rate_matches_eq3():
    cfg = LinksConfig()
    n = 2000
    rng = np.random.default_rng(3)
    # a star of stars: user 0 follows 1..40, each of those follows 40 others -> many candidates
    src = np.concatenate([np.zeros(40, int), np.repeat(np.arange(1, 41), 40)])
    dst = np.concatenate([np.arange(1, 41), rng.choice(np.arange(41, n), size=1600)])
    h, a = _undirected(n, src, dst), _directed(n, src, dst)
    p = probability(np.diff(h.indptr), n, 0.2, cfg)
    expected_p0 = 0.2 * (1 + 1 / (1 + np.exp(-10 * (0.05 - 40 / n))))
    assert p[0] == pytest.approx(expected_p0)
    cands = len(set(dst[40:].tolist()))
    trials = [triadic_links(slice(0, 1), a, h, p[:1], np.random.default_rng(s))[0].size for s in range(200)]
    mean = np.mean(trials)
    assert abs(mean - cands * p[0]) <= 4 * np.sqrt(cands * p[0] * (1 - p[0]) / 200)


def test_longrange_avoids_self_and_neighbours_and_picks_far_users():
    rng = np.random.default_rng(2)
    n = 400
    pts = rng.random((n, 8))
    src = np.repeat(np.arange(n), 3)
    dst = (src + rng.integers(1, n, size=src.size)) % n
    h = _undirected(n, src, dst)
    deg = np.diff(h.indptr).astype(float)
    s, d = longrange_links(
        slice(0, n), np.ascontiguousarray(pts.T), h, deg, c=4, presample=40, eta=1.0, rng=np.random.default_rng(9)
    )
    dense = h.toarray()
    assert s.size > 0 and not np.any(s == d) and not np.any(dense[s, d])
    far = np.linalg.norm(pts[s] - pts[d], axis=1).mean()
    typical = np.linalg.norm(pts[rng.integers(0, n, 5000)] - pts[rng.integers(0, n, 5000)], axis=1).mean()
    assert far > typical


def test_longrange_acceptance_follows_eq5():
    n = 5000
    pts = np.random.default_rng(0).random((n, 8))
    h = sp.csr_array((n, n), dtype=np.int32)
    deg = np.full(n, 9.0)
    eta = 0.6
    s, _ = longrange_links(
        slice(0, n), np.ascontiguousarray(pts.T), h, deg, c=5, presample=50, eta=eta, rng=np.random.default_rng(4)
    )
    p = eta / (1 + np.log(10.0))
    trials = 5 * n
    assert abs(s.size / trials - p) <= 4 * np.sqrt(p * (1 - p) / trials)


def test_follow_backs_return_only_unreturned_follows_at_rate_p():
    from synthsocial.graph import sorted_unique_pairs
    from synthsocial.links.followback import follow_backs
    from synthsocial.rng import blocks

    rng = np.random.default_rng(3)
    n, m, p = 3000, 40_000, 0.3
    src, dst = rng.integers(0, n, m), rng.integers(0, n, m)
    keep = src != dst
    src, dst = sorted_unique_pairs(src[keep], dst[keep], n)
    pairs = set(zip(src.tolist(), dst.tolist()))
    unreturned = sum((b, a) not in pairs for a, b in pairs)
    new_src, new_dst = follow_backs(src, dst, n, p, blocks(n, 500), seed=9)
    new = list(zip(new_src.tolist(), new_dst.tolist()))
    assert len(set(new)) == len(new)
    assert all(e not in pairs and (e[1], e[0]) in pairs for e in new)  # the reverse of an unreturned follow
    sd = (unreturned * p * (1 - p)) ** 0.5
    assert abs(len(new) - p * unreturned) < 4 * sd
    again = follow_backs(src, dst, n, p, blocks(n, 500), seed=9)
    assert np.array_equal(again[0], new_src) and np.array_equal(again[1], new_dst)
    assert follow_backs(src, dst, n, 0.0, blocks(n, 500), seed=9)[0].size == 0


def test_follow_back_raises_reciprocity_as_the_formula_says():
    import synthsocial

    def reciprocity(w):
        pairs = set(zip(w.links.source.tolist(), w.links.target.tolist()))
        return sum((b, a) in pairs for a, b in pairs) / len(pairs)

    base = synthsocial.generate(1500, seed=2)
    r0 = reciprocity(base)
    p = 0.2
    w = synthsocial.generate(1500, seed=2, config={"links": {"follow_back": p}})
    expected = (r0 + 2 * p * (1 - r0)) / (1 + p * (1 - r0))
    assert abs(reciprocity(w) - expected) < 0.02
    assert w.links.mechanisms["follow_back"] > 0 and "follow_back" not in base.links.mechanisms
    assert set(zip(base.links.source.tolist(), base.links.target.tolist())) <= set(
        zip(w.links.source.tolist(), w.links.target.tolist())
    )


def test_popular_follows_draw_accounts_in_proportion_to_influence_power():
    from synthsocial.links.popular import attention_cdf, popular_follows

    influence = np.array([1.0, 2.0, 4.0, 8.0, 1.0])
    cdf = attention_cdf(influence, 2.0)
    rows = np.arange(5).repeat(40_000)
    src, dst = popular_follows(rows, cdf, 1.5, np.random.default_rng(0))
    assert np.all(src != dst)
    # each user draws Poisson(1.5) targets, minus self-draws
    w = influence**2 / np.sum(influence**2)
    expected_per_user = 1.5 * 40_000 * (1 - w)
    got_per_user = np.bincount(src, minlength=5)
    assert np.all(np.abs(got_per_user - expected_per_user) < 5 * np.sqrt(expected_per_user))
    # target j is drawn by every other user with probability w_j
    expected_in = 1.5 * 40_000 * w * (5 - 1)
    got_in = np.bincount(dst, minlength=5)
    assert np.all(np.abs(got_in - expected_in) < 5 * np.sqrt(expected_in) + 1)


def test_popular_follows_make_hubs_and_join_triadic_closure():
    import synthsocial

    base = synthsocial.generate(2000, seed=4, profile="paper")
    w = synthsocial.generate(
        2000, seed=4, config={"links": {"popular_follows": 1.0, "popularity_exponent": 3.0}}, profile="paper"
    )
    assert w.links.mechanisms["popular"] > 1500 and "popular" not in base.links.mechanisms
    assert np.bincount(w.links.target).max() > 1.5 * np.bincount(base.links.target).max()
    infl = w.population.influence
    top = infl >= np.quantile(infl, 0.99)
    # the most influential 1% receive far more than 1% of the follows
    assert np.isin(w.links.target, np.flatnonzero(top)).mean() > 0.05
    assert w.links.mechanisms["triadic"] > base.links.mechanisms["triadic"]
