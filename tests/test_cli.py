"""The command line: outputs, byte-identical reruns, and one-line errors with no leftovers."""

from __future__ import annotations

import hashlib
import json
import os
import subprocess
import sys
from pathlib import Path

import pyarrow.parquet as pq
import pytest

from synthsocial.cli import main


def run(args, capsys):
    code = main([str(a) for a in args])
    out = capsys.readouterr()
    return code, out.out, out.err


def digest(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def test_generate_writes_the_world_and_reruns_are_byte_identical(tmp_path, capsys):
    a, b, c = tmp_path / "a", tmp_path / "b", tmp_path / "c"
    for out, seed in ((a, 1), (b, 1), (c, 2)):
        code, _, err = run(["generate", "--nodes", 10000, "--seed", seed, "--out", out], capsys)
        assert code == 0, err
    for name in ("users.parquet", "edges.parquet"):
        assert digest(a / name) == digest(b / name)
        assert digest(a / name) != digest(c / name)
    users = pq.read_table(a / "users.parquet")
    edges = pq.read_table(a / "edges.parquet")
    assert users.column_names == [
        "user_id",
        "name",
        "gender",
        "age",
        "qualification",
        "occupation",
        "interests",
        "traits",
        "influence",
        "stance",
        "country",
        "state",
        "region",
        "time_zone",
    ]
    assert edges.column_names == ["source", "target"]
    manifest = json.loads((a / "manifest.json").read_text())
    assert manifest["nodes"] == 10000 and manifest["edges"] == edges.num_rows and manifest["seed"] == 1
    assert manifest["size_adapted"]["k"] == 39 and manifest["config"]["links"]["lambda"] == 3.5
    assert {"population", "neighbours", "local", "triadic", "longrange"} <= set(manifest["timings_s"])
    assert sorted(os.listdir(tmp_path)) == ["a", "b", "c"], "temporary directories left behind"


def test_config_file_and_extra_formats(tmp_path, capsys):
    cfg = tmp_path / "my config.toml"
    cfg.write_text("[links]\nalpha = 0.25\n")
    out = tmp_path / "wörld out"
    code, _, err = run(
        ["generate", "-n", 300, "-o", out, "-c", cfg, "-f", "csv", "-f", "graphml", "-f", "gexf"], capsys
    )
    assert code == 0, err
    assert {"users.csv", "edges.csv", "graph.graphml", "graph.gexf"} <= set(os.listdir(out))
    import networkx as nx

    g = nx.read_graphml(out / "graph.graphml")
    assert g.number_of_nodes() == 300 and g.number_of_edges() == pq.read_table(out / "edges.parquet").num_rows
    assert json.loads((out / "manifest.json").read_text())["config"]["links"]["alpha"] == 0.25


def test_existing_output_needs_overwrite(tmp_path, capsys):
    out = tmp_path / "w"
    assert run(["generate", "-n", 50, "-o", out], capsys)[0] == 0
    before = digest(out / "edges.parquet")
    code, _, err = run(["generate", "-n", 60, "-o", out], capsys)
    assert code == 1 and "exists and is not empty" in err and "--overwrite" in err
    assert digest(out / "edges.parquet") == before
    assert run(["generate", "-n", 60, "-o", out, "--overwrite"], capsys)[0] == 0
    assert json.loads((out / "manifest.json").read_text())["nodes"] == 60
    assert sorted(os.listdir(tmp_path)) == ["w"]


BAD = [
    (["--nodes", "0"], "--nodes: 0 is not accepted", 2),
    (["--nodes", "-5"], "--nodes: -5 is not accepted", 2),
    (["--nodes", "abc"], "--nodes: 'abc' is not accepted", 2),
    (["--nodes", "10", "--seed", "x"], "--seed: 'x' is not accepted", 2),
    (["--nodes", "10", "--format", "xml"], "format 'xml' is not accepted", 2),
]


@pytest.mark.parametrize("args, fragment, exit_code", BAD)
def test_bad_arguments_one_line_no_output(tmp_path, capsys, args, fragment, exit_code):
    out = tmp_path / "out"
    code, _, err = run(["generate", *args, "--out", out], capsys)
    assert code == exit_code
    assert fragment in err and err.count("\n") == 1 and "Traceback" not in err
    assert not out.exists() and os.listdir(tmp_path) == []


@pytest.mark.parametrize(
    "content, fragment",
    [
        ("[links]\ndelta0 = 1.7\n", "links.delta0 = 1.7 is not accepted"),
        ("[links]\nfoo = 1\n", "unknown key 'links.foo'"),
        ("[population]\ntrait_p = { Openness = 1.7 }\n", "population.trait_p.Openness = 1.7"),
    ],
)
def test_bad_config_one_line_no_output(tmp_path, capsys, content, fragment):
    cfg = tmp_path / "c.toml"
    cfg.write_text(content)
    out = tmp_path / "out"
    code, _, err = run(["generate", "-n", 10, "-o", out, "-c", cfg], capsys)
    assert code == 2 and fragment in err and err.count("\n") == 1
    assert not out.exists() and sorted(os.listdir(tmp_path)) == ["c.toml"]


def test_unwritable_output(tmp_path, capsys):
    blocker = tmp_path / "file"
    blocker.write_text("x")
    code, _, err = run(["generate", "-n", 10, "-o", blocker / "sub" / "w"], capsys)
    assert code == 1 and "cannot be written" in err and err.count("\n") == 1
    assert sorted(os.listdir(tmp_path)) == ["file"]


def test_failure_midway_leaves_nothing(tmp_path, monkeypatch):
    import synthsocial.generation as generation

    def boom(*a, **k):
        raise RuntimeError("disk full")

    monkeypatch.setattr(generation, "write_world", boom)
    out = tmp_path / "nested" / "w"
    with pytest.raises(RuntimeError):
        main(["generate", "-n", 30, "-o", str(out)])
    assert os.listdir(tmp_path) == []


def test_installed_command_and_help():
    exe = Path(sys.executable).with_name("synthsocial")
    if not exe.exists():
        pytest.skip("the synthsocial console script is not installed in this environment")
    r = subprocess.run([exe, "generate", "--help"], capture_output=True, text=True)
    assert r.returncode == 0
    for opt in ("--nodes", "--seed", "--out", "--config", "--format", "--overwrite"):
        assert opt in r.stdout
    r = subprocess.run([exe, "generate", "--nodes", "abc", "--out", "x"], capture_output=True, text=True)
    assert r.returncode == 2 and r.stderr.count("\n") == 1 and "Traceback" not in r.stderr
