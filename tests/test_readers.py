"""Readers: every supported format, and one-line errors for malformed input."""

from __future__ import annotations

import json

import numpy as np
import pyarrow as pa
import pyarrow.parquet as pq
import pytest
import scipy.io
import scipy.sparse as sp

import synthsocial
from synthsocial.errors import InputError
from synthsocial.io.readers import read_graph


def pairs(g):
    lab = g.labels if g.labels is not None else np.arange(g.n)
    return sorted(zip(lab[g.source].tolist(), lab[g.target].tolist()))


@pytest.mark.parametrize(
    "name, text",
    [
        ("a.txt", "1 2\n2 3\n3 1\n"),
        ("a.tsv", "# comment\n% another\n1\t2\n2\t3\n3\t1\n"),
        ("a.csv", "from,to\n1,2\n2,3\n3,1\n"),
        ("a.edges", "source target weight\n1 2 0.5\n2 3 1\n3 1 2\n"),
        ("b.txt", "1   2\n2   3\n3   1\n"),
    ],
)
def test_edge_list_variants(tmp_path, name, text):
    p = tmp_path / name
    p.write_text(text)
    g = read_graph(p)
    assert g.directed and pairs(g) == [(1, 2), (2, 3), (3, 1)]


def test_undirected_edge_list_and_cleaning(tmp_path):
    p = tmp_path / "u.txt"
    p.write_text("5 7\n7 5\n5 5\n7 9\n")
    g = read_graph(p, directed=False)
    assert not g.directed and g.m == 2 and any("self-loops" in n for n in g.notes)
    assert any("duplicate" in n for n in g.notes)


def test_json_parquet_mat_and_world(tmp_path):
    j = tmp_path / "f.json"
    j.write_text(json.dumps({"labels": {"10": "m", "20": "f", "30": "f"}, "edges": [[10, 20], [20, 30]]}))
    g = read_graph(j)
    assert g.n == 3 and pairs(g) == [(10, 20), (20, 30)] and g.nodes["label"].to_pylist() == ["m", "f", "f"]
    pq.write_table(pa.table({"source": [4, 5], "target": [5, 6]}), tmp_path / "e.parquet")
    assert pairs(read_graph(tmp_path / "e.parquet")) == [(4, 5), (5, 6)]
    a = sp.csc_matrix(np.array([[0, 1, 1], [1, 0, 0], [1, 0, 0]]))
    info = np.array([[1, 2, 3, 0, 5, 2007, 9], [1, 1, 3, 0, 5, 2008, 9], [2, 2, 4, 0, 6, 2007, 9]])
    scipy.io.savemat(tmp_path / "s.mat", {"A": a, "local_info": info})
    g = read_graph(tmp_path / "s.mat")
    assert not g.directed and g.m == 2 and g.nodes["year"].to_pylist() == ["2007", "2008", "2007"]
    assert g.nodes["second_major"].null_count == 3
    w = synthsocial.generate(200, seed=1)
    out = tmp_path / "world"
    out.mkdir()
    w.write(out)
    g = read_graph(out)
    assert g.n == 200 and g.m == w.links.source.size and "Extraversion" in g.nodes.column_names
    assert "age_band" in g.nodes.column_names and "name" not in g.nodes.column_names


@pytest.mark.parametrize(
    "name, content, fragment",
    [
        ("empty.txt", "", "no edges found"),
        ("comments.txt", "# only\n# comments\n", "no edges found"),
        ("ids.txt", "1 2\n3 x\n4 5\n", "ids.txt:2: node id 'x' is not an integer"),
        ("ids.csv", "a,b\n1,2\n3,x\n", "ids.csv:3: node id 'x' is not an integer"),
        ("one.txt", "1 2\n3\n", "one.txt:2: expected two node ids"),
        ("bad.json", "{not json", "not readable JSON"),
        ("shape.json", json.dumps({"edges": [[1, 2, 3]]}), "expected a [follower, followed] pair"),
        ("ids.json", json.dumps({"edges": [["a", "b"]]}), "node id 'a' is not an integer"),
        ("empty.json", json.dumps({"edges": []}), "no edges found"),
        ("bad.parquet", "not parquet", "not a readable Parquet file"),
    ],
)
def test_malformed_inputs(tmp_path, name, content, fragment):
    p = tmp_path / name
    p.write_text(content)
    with pytest.raises(InputError) as exc:
        read_graph(p)
    assert fragment in str(exc.value) and "\n" not in str(exc.value)


def test_missing_file_mat_without_a_and_not_a_world(tmp_path):
    with pytest.raises(InputError, match="does not exist"):
        read_graph(tmp_path / "nope.txt")
    scipy.io.savemat(tmp_path / "x.mat", {"B": np.eye(3)})
    with pytest.raises(InputError, match="no adjacency matrix 'A' \\(variables found: B\\)"):
        read_graph(tmp_path / "x.mat")
    (tmp_path / "d").mkdir()
    with pytest.raises(InputError, match="not a synthsocial world"):
        read_graph(tmp_path / "d")
