"""Streamed evaluation (metrics/large.py) agrees with the in-memory profile."""

from __future__ import annotations

import json

import numpy as np
import pytest

from synthsocial import generate
from synthsocial.cli import main
from synthsocial.errors import InputError
from synthsocial.metrics import EvaluateOptions, profile
from synthsocial.metrics.large import Adjacency, edge_files, profile_streaming
from synthsocial.metrics.ned import ned_fixed, ned_minmax


@pytest.fixture(scope="module")
def world(tmp_path_factory):
    d = tmp_path_factory.mktemp("w")
    w = generate(6000, seed=4, config={"links": {"follow_back": 0.3}})
    w.write(d)
    return d, w


def test_exact_metrics_equal_the_in_memory_profile_and_estimates_are_within_their_errors(world):
    d, w = world
    from synthsocial.io.readers import read_world

    exact = profile(read_world(d), EvaluateOptions(seed=0, homophily=False, aspl_exact_max_nodes=10_000))
    got = profile_streaming(d, trials=400_000, sources=64, seed=3)
    a, b = got.metrics, exact.metrics
    assert got.graph["undirected_edges"] == exact.graph["undirected_edges"]
    for k in ("density", "lcc_fraction", "reciprocity", "avg_out_degree"):
        assert a[k] == pytest.approx(b[k], rel=1e-12), k
    assert a["degree_assortativity"] == pytest.approx(b["degree_assortativity"], rel=1e-9)
    assert a["out_degree"] == b["out_degree"] and a["in_degree"] == b["in_degree"]
    se = got.standard_errors
    assert abs(a["clustering"] - b["clustering"]) < 4 * se["clustering"]
    assert abs(a["aspl"] - b["aspl"]) < 4 * se["aspl"] + 1e-9  # the in-memory ASPL is exact here
    assert a["modularity"] is None and "not computed" in got.methods["modularity"]


def test_adjacency_is_the_undirected_projection(world, monkeypatch):
    d, w = world
    import synthsocial.metrics.large as large

    monkeypatch.setattr(large, "_CHUNK_ENTRIES", 10_000)  # many passes
    adj = Adjacency(edge_files(d), w.n)
    s, t = w.links.source, w.links.target
    want = {(min(a, b), max(a, b)) for a, b in zip(s.tolist(), t.tolist())}
    rows = np.repeat(np.arange(w.n), np.diff(adj.indptr))
    got = {(a, b) for a, b in zip(rows.tolist(), adj.indices.tolist()) if a < b}
    assert got == want
    assert all(np.all(np.diff(adj.indices[adj.indptr[i] : adj.indptr[i + 1]]) > 0) for i in range(0, w.n, 97))
    dist = adj.bfs(0)
    import scipy.sparse as sp
    from scipy.sparse.csgraph import shortest_path

    sym = sp.csr_array((np.ones(adj.indices.size), adj.indices, adj.indptr), shape=(w.n, w.n))
    ref = shortest_path(sym, unweighted=True, indices=0)
    assert np.array_equal(dist, np.where(np.isinf(ref), -1, ref).astype(np.int32))


def test_lcc_is_found_among_several_components(tmp_path):
    import pyarrow as pa
    import pyarrow.parquet as pq

    # components of sizes 3 (0-1-2), 5 (3..7) and isolated 8, 9
    src = np.array([0, 1, 3, 4, 5, 6])
    dst = np.array([1, 2, 4, 5, 6, 7])
    pq.write_table(pa.table({"source": src, "target": dst}), tmp_path / "edges.parquet")
    pq.write_table(pa.table({"user_id": np.arange(10)}), tmp_path / "users.parquet")
    for seed in range(5):
        r = profile_streaming(tmp_path, trials=1000, sources=5, seed=seed)  # every LCC node: exact
        assert r.metrics["lcc_fraction"] == 0.5
        assert r.metrics["aspl"] == pytest.approx(2.0) and r.standard_errors["aspl"] == 0  # path of 5


def test_cli_streams_a_partitioned_world_on_request(world, capsys):
    d, _ = world
    assert main(["evaluate", str(d), "--streaming", "--json"]) == 0
    out = json.loads(capsys.readouterr().out)
    assert out["metrics"]["modularity"] is None
    assert out["ned"]["fixed"]["metrics_used"] == ["density", "clustering", "lcc_fraction", "normalized_aspl"]


def test_ned_leaves_out_missing_metrics():
    ref = {"density": 1e-3, "clustering": 0.2, "lcc_fraction": 1.0, "normalized_aspl": 0.3, "modularity": 0.5}
    x = dict(ref, clustering=0.3, modularity=None)
    f = ned_fixed(x, ref)
    assert f["value"] == pytest.approx(0.1) and "modularity" not in f["differences"]
    mm = ned_minmax([x, dict(ref, clustering=0.1, modularity=0.9)], ref)
    assert all("modularity" not in r["differences"] for r in mm)


def test_not_a_world_is_refused(tmp_path):
    with pytest.raises(InputError, match="no edges.parquet"):
        profile_streaming(tmp_path)
