"""Stance and the polarization dial (issue 18, part 2): population/stance.py, the stance dimension
of the homophily space, metrics/stance.py."""

from __future__ import annotations

import numpy as np
import pytest
from scipy import stats

import synthsocial
from synthsocial.config import GeneratorConfig
from synthsocial.errors import ConfigError
from synthsocial.graph import Graph
from synthsocial.metrics.stance import polarization


def test_stances_follow_their_beta_distribution_and_leave_the_other_attributes_alone():
    w = synthsocial.generate(4000, seed=5, config={"population": {"survey": False}})
    s = w.users["stance"].to_numpy()
    assert s.min() >= -1 and s.max() <= 1
    # 2 Beta(2, 2) - 1: a KS test against the distribution it claims
    assert stats.kstest((s + 1) / 2, stats.beta(2, 2).cdf).pvalue > 0.001
    # with the survey (the default profile) the side follows age, the magnitude keeps the shape
    a = np.abs(synthsocial.generate(4000, seed=5).users["stance"].to_numpy())
    b = stats.beta(2, 2)
    assert stats.kstest(a, lambda t: b.cdf((1 + t) / 2) - b.cdf((1 - t) / 2)).pvalue > 0.001
    camps = synthsocial.generate(4000, seed=5, config={"population": {"stance_beta": 0.3, "survey": False}})
    c = camps.users["stance"].to_numpy()
    assert np.mean(np.abs(c) > 0.8) > 2 * np.mean(np.abs(s) > 0.8)  # b < 1: two camps
    assert camps.users.drop_columns(["stance"]).equals(w.users.drop_columns(["stance"]))


def _polarization(weight: float) -> dict:
    w = synthsocial.generate(1500, seed=2, config={"homophily": {"stance_weight": weight}})
    g = w.to_graph()
    return polarization(g, w.users["stance"].to_numpy())


def test_the_dial_turns_polarization_up_monotonically():
    rows = [_polarization(x) for x in (0.0, 1.0, 4.0)]
    assert abs(rows[0]["stance_assortativity"]) < 0.05 and abs(rows[0]["ei_index"] - rows[0]["ei_index_random"]) < 0.05
    a = [r["stance_assortativity"] for r in rows]
    ei = [r["ei_index"] for r in rows]
    nc = [r["neighbourhood_correlation"] for r in rows]
    assert a[0] < a[1] < a[2] and ei[0] > ei[1] > ei[2] and nc[0] < nc[1] < nc[2]
    assert a[2] > 0.3 and nc[2] > 0.6


def test_polarization_on_a_small_known_graph():
    # 0, 1 on the left follow each other; 2, 3 on the right follow each other; 0 follows 3
    g = Graph.from_edges(np.array([0, 1, 2, 3, 0]), np.array([1, 0, 3, 2, 3]), 4)
    r = polarization(g, np.array([-0.8, -0.4, 0.4, 0.8]))
    assert r["ei_index"] == pytest.approx((1 - 4) / 5) and r["ei_index_random"] == pytest.approx(-0.0)
    # mean stance followed: 0 -> (-0.4 + 0.8) / 2, 1 -> -0.8, 2 -> 0.8, 3 -> 0.4
    expected = np.corrcoef([-0.8, -0.4, 0.4, 0.8], [0.2, -0.8, 0.8, 0.4])[0, 1]
    assert r["users_measured"] == 4 and r["neighbourhood_correlation"] == pytest.approx(expected)


def test_a_negative_dial_is_refused_in_one_line():
    with pytest.raises(ConfigError, match="stance_weight") as exc:
        GeneratorConfig.coerce({"homophily": {"stance_weight": -1}})
    assert "\n" not in str(exc.value)


# ---------------------------------------------------------------- stance in the posts
def test_a_stance_becomes_one_of_three_labels_on_stance_topics_only():
    from synthsocial.posts.assign import Task
    from synthsocial.posts.stance import label, with_stance

    assert [label(x) for x in (-0.9, -0.34, -0.3, 0.0, 0.3, 0.34, 1.0)] == [
        "progressive",
        "progressive",
        "moderate",
        "moderate",
        "moderate",
        "conservative",
        "conservative",
    ]
    tasks = [Task(0, "twitter", 0, "Politics", "40, farmer", 0), Task(1, "twitter", 1, "Baking", "22, nurse", 0)]
    out = with_stance(tasks, np.array([0.8, -0.9]), ["politics"], ["pro", "unsure", "anti"])
    assert out[0].author == "40, farmer, anti" and out[0].stance == pytest.approx(0.8)
    assert out[1] == tasks[1]  # another topic: no stance shown
    assert with_stance(tasks, None, ["Politics"]) == tasks and with_stance(tasks, np.zeros(2), []) == tasks


def test_posts_on_stance_topics_show_the_writers_stance(tmp_path, capsys):
    import pyarrow.parquet as pq

    from synthsocial.cli import main
    from synthsocial.posts.stance import label

    from .fake_openai import FakeServer

    d = tmp_path / "w"
    assert main(["generate", "-n", "300", "-s", "3", "-o", str(d)]) == 0
    users = pq.read_table(d / "users.parquet")
    stance = dict(zip(users["user_id"].to_pylist(), users["stance"].to_pylist()))
    base = ["posts", str(d), "--backend", "openai", "--model", "fake", "--platforms", "twitter", "--max-users", "40"]
    with FakeServer() as srv:
        assert main([*base, "--base-url", srv.url, "--topics", "Politics,Baking"]) == 0
        prompts = [r["body"]["prompt"] for r in srv.requests]
    posts = pq.read_table(d / "posts.parquet").to_pylist()
    politics = [p for p in posts if p["topic"] == "Politics"]
    assert politics and any(p["topic"] == "Baking" for p in posts)
    for p in posts:
        if p["topic"] == "Politics":
            assert p["stance"] == pytest.approx(stance[p["user_id"]])
        else:
            assert p["stance"] is None
    shown = [q.rsplit("Author:", 1)[1].split("|")[0].strip() for q in prompts if q.endswith("Topic: politics | Post:")]
    assert sorted(a.rsplit(", ", 1)[1] for a in shown) == sorted(label(p["stance"]) for p in politics)
    assert not any(q.endswith("Topic: baking | Post:") and "moderate |" in q for q in prompts)
    # the labelled examples: two different ones of the writer's pole, one of each for a moderate
    seen = set()
    for q in prompts:
        if q.endswith("Topic: politics | Post:"):
            examples, own = q.rsplit("Author:", 1)
            own = own.split("|")[0].strip().rsplit(", ", 1)[1]
            lines = [x for x in examples.splitlines() if ", progressive |" in x or ", conservative |" in x]
            poles = sorted(x.split(" |")[0].rsplit(", ", 1)[1] for x in lines)
            assert poles == (["conservative", "progressive"] if own == "moderate" else [own, own])
            assert len(set(lines)) == 2
            seen.add(own)
    assert seen == {"progressive", "moderate", "conservative"}
    capsys.readouterr()
    assert main([*base, "--base-url", srv.url, "--stance-labels", "left,right"]) != 0
    err = capsys.readouterr().err
    assert "--stance-labels" in err and "'left,right' is not accepted" in err


def _texts(n: int, rng: np.random.Generator, marker: bool, content: bool) -> tuple[list[str], list[float], list[int]]:
    """Posts of 2n writers (two each) at both poles: ``content`` adds side-specific words, ``marker`` the label word."""
    common = "today news vote council budget city people week plan talk read think local state".split()
    side = {0: "climate equality union healthcare transit".split(), 1: "taxes border freedom business church".split()}
    texts, stance, writers = [], [], []
    for w in range(2 * n):
        y = w % 2
        for _ in range(2):
            words = list(rng.choice(common, size=8))
            if content:
                words += list(rng.choice(side[y], size=2))
            if marker:
                words.append(("progressive", "conservative")[y])
            rng.shuffle(words)
            texts.append(" ".join(words))
            stance.append((-0.7, 0.7)[y] + rng.uniform(-0.2, 0.2))
            writers.append(w)
    return texts, stance, writers


def test_the_stance_check_finds_a_planted_stance_and_only_then():
    from synthsocial.fidelity.stance import readability

    rng = np.random.default_rng(0)
    labels = ["progressive", "moderate", "conservative"]
    argued = readability(*_texts(60, rng, marker=False, content=True), labels)
    assert argued["accuracy"] > 0.85 and argued["p_value"] < 1e-6 and argued["masked"]["accuracy"] > 0.85
    named = readability(*_texts(60, rng, marker=True, content=False), labels)
    assert named["accuracy"] > 0.9  # the label word gives it away...
    assert named["masked"]["accuracy"] < 0.65 and named["masked"]["p_value"] > 0.001  # ...and only it
    silent = readability(*_texts(60, rng, marker=False, content=False), labels)
    assert silent["accuracy"] < 0.65 and silent["p_value"] > 0.001
    assert argued["posts_per_side"] == 120 and argued["writers"] == 120
    few = readability(["a b"] * 10, [0.9] * 5 + [-0.9] * 5, list(range(10)))
    assert "too few" in few["skipped"]


def test_the_location_dial_keeps_follows_within_a_state_monotonically():
    shares = []
    for weight in (0.0, 2.0, 8.0):
        w = synthsocial.generate(3000, seed=2, config={"homophily": {"location_weight": weight}})
        state = np.array(w.users["state"].to_pylist())
        shares.append(np.mean(state[w.edges["source"].to_numpy()] == state[w.edges["target"].to_numpy()]))
    _, counts = np.unique(state, return_counts=True)
    chance = float(((counts / counts.sum()) ** 2).sum())
    assert abs(shares[0] - chance) < 0.02  # weight 0: where users live plays no part
    assert shares[0] < shares[1] < shares[2] and shares[2] > 5 * chance


def test_the_location_dial_needs_the_users_states():
    with pytest.raises(ConfigError, match="location_weight = 1.0 needs population.survey") as exc:
        synthsocial.generate(200, seed=1, config={"homophily": {"location_weight": 1.0}}, profile="paper")
    assert "\n" not in str(exc.value)
    with pytest.raises(ConfigError, match="location_weight"):
        GeneratorConfig.coerce({"homophily": {"location_weight": -1}})
