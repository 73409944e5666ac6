"""Exports: OASIS CSV, GraphML, GEXF, JSON lines and graph objects match the world."""

from __future__ import annotations

import ast
import csv
import json

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
        (["--to", "csv"], "--to 'csv' is not accepted: use one of graphml, gexf, oasis, jsonl", 2),
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
