"""Exports: OASIS CSV, GraphML, GEXF, JSON lines and graph objects match the world."""

from __future__ import annotations

import ast
import csv
import json
import os

import networkx as nx
import numpy as np
import pyarrow as pa
import pyarrow.parquet as pq
import pytest

from synthsocial import generate
from synthsocial.cli import main
from synthsocial.io.export import OASIS_COLUMNS, export, to_igraph, to_networkx


@pytest.fixture(scope="module")
def world(tmp_path_factory):
    d = tmp_path_factory.mktemp("world ü")
    w = generate(300, seed=8)
    w.write(d)
    # two posts by user 5 (one failed) and one by user 7, on two platforms
    pq.write_table(
        pa.table(
            {
                "post_id": ["a", "b", "c"],
                "user_id": [5, 5, 7],
                "platform": ["twitter", "twitter", "reddit"],
                "text": ['hello, "world"\nsecond line', "", "a reddit post"],
                "status": ["ok", "failed", "ok"],
            }
        ),
        d / "posts.parquet",
    )
    return d, w


def test_oasis_csv_parses_and_its_follow_lists_are_the_edges(world, tmp_path):
    d, w = world
    (path,) = export(d, "oasis", tmp_path)
    with path.open(newline="", encoding="utf-8") as f:
        rows = list(csv.DictReader(f))
    assert list(rows[0]) == OASIS_COLUMNS and len(rows) == w.n
    got = {(int(r["user_id"]), j) for r in rows for j in ast.literal_eval(r["following_agentid_list"])}
    assert got == set(zip(w.links.source.tolist(), w.links.target.tolist()))
    assert [int(r["user_id"]) for r in rows] == list(range(w.n))
    assert ast.literal_eval(rows[5]["previous_tweets"]) == ['hello, "world"\nsecond line']  # ok twitter posts only
    assert ast.literal_eval(rows[7]["previous_tweets"]) == []
    assert len({r["username"] for r in rows}) == w.n
    assert all(r["user_char"].startswith("I am ") and r["description"] for r in rows)


def test_mbti_letters_follow_the_big_five():
    from synthsocial.io.export import mbti

    assert mbti(["Extraversion+", "Openness-", "Agreeableness+", "Conscientiousness-", "Neuroticism+"]) == "ESFP"
    assert mbti(["Openness+", "Conscientiousness+"]) == "INTJ"  # a missing trait reads as low


def test_oasis_reddit_json_has_every_user_with_the_fields_oasis_reads(world, tmp_path):
    d, w = world
    (path,) = export(d, "oasis-reddit", tmp_path)
    agents = json.loads(path.read_text(encoding="utf-8"))
    users = w.users.to_pylist()
    assert len(agents) == w.n and {k for a in agents for k in a} == {
        "realname",
        "username",
        "bio",
        "persona",
        "age",
        "gender",
        "mbti",
        "country",
    }
    assert [a["realname"] for a in agents] == [u["name"] for u in users]
    assert [a["age"] for a in agents] == [u["age"] for u in users] and len({a["username"] for a in agents}) == w.n
    assert all(len(a["mbti"]) == 4 and a["persona"].startswith("I am ") for a in agents)


def _as_oasis_would_load(csv_path, reddit_path) -> dict:
    """What OASIS's loaders make of our files, computed here the way agents_generator reads them
    (ast.literal_eval of the list columns; the Reddit fields by name): the input of compare()."""
    with open(csv_path, newline="", encoding="utf-8") as f:
        rows = list(csv.DictReader(f))
    follows = [(i, j) for i, r in enumerate(rows) for j in ast.literal_eval(r["following_agentid_list"])]
    out_deg, in_deg = np.zeros(len(rows), int), np.zeros(len(rows), int)
    for a, b in follows:
        out_deg[a] += 1
        in_deg[b] += 1
    users = [
        [i, i, r["username"], r["name"], r["description"], int(out_deg[i]), int(in_deg[i])] for i, r in enumerate(rows)
    ]
    posts = [[i, p] for i, r in enumerate(rows) for p in ast.literal_eval(r["previous_tweets"])]
    with open(reddit_path, encoding="utf-8") as f:
        agents = json.load(f)
    reddit = [
        {"agent_id": i, "name": a["username"], "description": a["bio"], "user_profile": a["persona"]}
        | {k: a[k] for k in ("age", "gender", "mbti", "country")}
        for i, a in enumerate(agents)
    ]
    return {
        "twitter": {
            "users": users,
            "follows": follows,
            "posts": posts,
            "graph_nodes": len(rows),
            "graph_edges": follows,
        },
        "reddit": {"agents": reddit, "graph_nodes": len(agents)},
    }


def test_the_oasis_comparison_finds_what_a_loader_loses(world, tmp_path):
    from synthsocial.io.oasis_check import compare

    d, w = world
    loaded = _as_oasis_would_load(export(d, "oasis", tmp_path)[0], export(d, "oasis-reddit", tmp_path)[0])
    r = compare(d, loaded)
    assert r["ok"] and r["written"] == {"users": w.n, "follows": w.links.source.size, "previous_posts": 1}
    assert r["loaded"]["follows"] == w.links.source.size
    tw = loaded["twitter"]
    dropped = tw["follows"].pop(3)
    tw["posts"][0][1] = "changed"
    loaded["reddit"]["agents"][2]["mbti"] = "XXXX"
    r = compare(d, loaded)
    m = r["mismatches"]
    assert not r["ok"] and m["follow rows"]["count"] == 1 and tuple(m["follow rows"]["first"][0][0]) == tuple(dropped)
    assert (
        m["previous posts (in order)"]["count"] == 1
        and m["reddit agents (handle, bio, persona, age, gender, MBTI)"]["count"] == 1
    )
    assert m["users (id, handle, name)"]["count"] == 0


@pytest.mark.skipif(
    not os.environ.get("SYNTHSOCIAL_OASIS_PYTHON"),
    reason="OASIS is not installed here: set SYNTHSOCIAL_OASIS_PYTHON to a Python with camel-oasis (docs/outputs.md)",
)
def test_oasis_itself_loads_every_user_follow_and_previous_post(world, tmp_path):
    from synthsocial.io.oasis_check import check_oasis

    d, w = world
    r = check_oasis(d, os.environ["SYNTHSOCIAL_OASIS_PYTHON"], tmp_path)
    assert r["ok"], r["mismatches"]
    assert r["loaded"]["users"] == w.n and r["loaded"]["follows"] == w.links.source.size
    assert r["loaded"]["previous_posts"] == 1 and r["loaded"]["reddit_agents"] == w.n
    # OASIS's own loss (docs/outputs.md): its agent graph keeps only follows of earlier agents
    later = int((w.links.target > w.links.source).sum())
    assert r["loaded"]["agent_graph_lost_follows_of_later_agents"] == later
    assert r["loaded"]["agent_graph_edges"] == w.links.source.size - later


def test_agentsociety_config_holds_every_user_follow_and_previous_post(world, tmp_path):
    d, w = world
    (path,) = export(d, "agentsociety", tmp_path)
    cfg = json.loads(path.read_text(encoding="utf-8"))
    assert [m["module_type"] for m in cfg["env_modules"]] == ["SocialMediaSpace"]
    space = cfg["env_modules"][0]["kwargs"]
    assert len(space["persons"]) == w.n and [a["agent_id"] for a in cfg["agents"]] == list(range(w.n))
    assert {a["agent_type"] for a in cfg["agents"]} == {"PersonAgent"}
    got = {(int(u), v) for u, vs in space["follows"].items() for v in vs}
    assert got == set(zip(w.links.source.tolist(), w.links.target.tolist()))
    # the ok Twitter post of user 5 only (as OASIS's previous tweets), with a fixed time: no timeline
    assert list(space["posts"].values()) == [
        {
            "post_id": 1,
            "author_id": 5,
            "content": 'hello, "world"\nsecond line',
            "post_type": "original",
            "created_at": "2024-01-01T00:00:00",
        }
    ]
    assert space["persons"]["5"]["posts_count"] == 1 and space["persons"]["7"]["posts_count"] == 0
    assert len({p["username"] for p in space["persons"].values()}) == w.n
    assert path.read_bytes() == export(d, "agentsociety", tmp_path / "again")[0].read_bytes()


def _as_agentsociety_would_load(config_path) -> dict:
    """What agentsociety2's SocialMediaSpace holds after loading our config (its following lists and
    counts from the follows, as its init computes them; posts_count as written)."""
    space = json.loads(config_path.read_text(encoding="utf-8"))["env_modules"][0]["kwargs"]
    followers: dict[int, int] = {}
    for vs in space["follows"].values():
        for v in vs:
            followers[v] = followers.get(v, 0) + 1
    persons = {
        k: {
            "id": p["id"],
            "username": p["username"],
            "bio": p["bio"],
            "following": space["follows"][k],
            "following_count": len(space["follows"][k]),
            "followers_count": followers.get(p["id"], 0),
            "posts_count": p["posts_count"],
        }
        for k, p in space["persons"].items()
    }
    posts = {k: {"author_id": p["author_id"], "content": p["content"]} for k, p in space["posts"].items()}
    return {
        "persons": persons,
        "posts": posts,
        "restored": {"persons": len(persons), "posts": len(posts)},
        "agents": len(persons),
        "feed_of_first_user": {"user": 5, "posts": [1]},
    }


def test_the_agentsociety_comparison_finds_what_a_loader_loses(world, tmp_path):
    from synthsocial.io.agentsociety_check import compare

    d, w = world
    loaded = _as_agentsociety_would_load(export(d, "agentsociety", tmp_path)[0])
    r = compare(d, loaded)
    assert r["ok"] and r["written"] == {"users": w.n, "follows": w.links.source.size, "previous_posts": 1}
    src = int(w.links.source[0])
    loaded["persons"][str(src)]["following"].pop()
    loaded["posts"]["1"]["content"] = "changed"
    loaded["persons"]["9"]["followers_count"] += 1
    loaded["restored"]["posts"] = 0
    followers_of_5 = set(w.links.source[w.links.target == 5].tolist())
    stranger = next(u for u in range(w.n) if u != 5 and u not in followers_of_5)
    loaded["feed_of_first_user"] = {"user": stranger, "posts": [1]}  # a post of user 5 in a stranger's feed
    r = compare(d, loaded)
    m = {k: v["count"] for k, v in r["mismatches"].items()}
    assert not r["ok"] and m["feed of the first user (its own and followed users' posts only)"] == 1
    assert m["following lists"] == 1 and m["previous posts (author, text, in order)"] == 1
    assert m["following / follower / post counts"] == 1 and m["saved and restored state"] == 1
    assert m["users (id, handle, bio)"] == 0


@pytest.mark.skipif(
    not os.environ.get("SYNTHSOCIAL_AGENTSOCIETY_PYTHON"),
    reason="agentsociety2 is not installed here: set SYNTHSOCIAL_AGENTSOCIETY_PYTHON to a Python with "
    "agentsociety2 (docs/outputs.md)",
)
def test_agentsociety_itself_loads_every_user_follow_and_previous_post(world, tmp_path):
    from synthsocial.io.agentsociety_check import check_agentsociety

    d, w = world
    r = check_agentsociety(d, os.environ["SYNTHSOCIAL_AGENTSOCIETY_PYTHON"], tmp_path)
    assert r["ok"], r["mismatches"]
    assert r["loaded"]["users"] == w.n and r["loaded"]["follows"] == w.links.source.size
    assert r["loaded"]["previous_posts"] == 1 and r["loaded"]["ray_started"] is False


@pytest.mark.parametrize("fmt", ["graphml", "gexf"])
def test_graph_files_carry_edges_and_attributes(world, tmp_path, fmt):
    d, w = world
    (path,) = export(d, fmt, tmp_path)
    g = (nx.read_graphml if fmt == "graphml" else nx.read_gexf)(path)
    assert g.number_of_nodes() == w.n and g.number_of_edges() == w.links.source.size
    node = g.nodes[str(3)]
    users = w.users.to_pylist()
    assert node["occupation"] == users[3]["occupation"]
    assert node["interests"] == "|".join(users[3]["interests"])


def test_jsonl_has_every_user_with_its_follows_and_the_posts(world, tmp_path):
    d, w = world
    files = export(d, "jsonl", tmp_path)
    assert [f.name for f in files] == ["users.jsonl", "posts.jsonl"]
    users = [json.loads(line) for line in files[0].read_text(encoding="utf-8").splitlines()]
    assert len(users) == w.n
    s, t = w.links.source, w.links.target
    assert users[10]["following"] == t[s == 10].tolist()
    assert users[10]["interests"] == w.users.to_pylist()[10]["interests"]
    assert len(files[1].read_text(encoding="utf-8").splitlines()) == 3


def test_graph_objects_from_a_directory(world):
    d, w = world
    g = to_networkx(d)
    assert g.number_of_edges() == w.links.source.size and g.nodes[0]["interests"] == w.users.to_pylist()[0]["interests"]
    ig = to_igraph(d)
    assert ig.vcount() == w.n and ig.ecount() == w.links.source.size
    assert np.array_equal(np.array(ig.get_edgelist()), np.column_stack([w.links.source, w.links.target]))


@pytest.mark.parametrize(
    "args, message, code",
    [
        (
            ["--to", "csv"],
            "--to 'csv' is not accepted: use one of graphml, gexf, oasis, oasis-reddit, agentsociety, jsonl",
            2,
        ),
        (["--to", "oasis", "--out", "/proc/nope"], "/proc/nope cannot be written", 1),
    ],
)
def test_bad_exports_are_refused(world, capsys, args, message, code):
    d, _ = world
    assert main(["export", str(d), *args]) == code
    err = capsys.readouterr().err
    assert message in err and "Traceback" not in err


def test_not_a_world(tmp_path, capsys):
    assert main(["export", str(tmp_path), "--to", "oasis"]) == 1
    assert "not a synthsocial world" in capsys.readouterr().err
    assert not list(tmp_path.iterdir())
