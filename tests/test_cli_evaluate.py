"""`synthsocial evaluate`: the JSON schema, the table, references and one-line errors."""

from __future__ import annotations

import json

import pytest

from synthsocial.cli import main


@pytest.fixture(scope="module")
def world(tmp_path_factory):
    out = tmp_path_factory.mktemp("w") / "world"
    assert main(["generate", "--nodes", "10000", "--seed", "2", "--out", str(out)]) == 0
    return out


def test_json_has_the_documented_keys(world, capsys):
    assert main(["evaluate", str(world), "--json"]) == 0
    r = json.loads(capsys.readouterr().out)
    for key in ("metrics", "reference", "ned", "standard_errors", "methods", "comparison", "graph", "homophily"):
        assert key in r
    for key in (
        "density",
        "clustering",
        "lcc_fraction",
        "normalized_aspl",
        "modularity",
        "reciprocity",
        "avg_out_degree",
    ):
        assert isinstance(r["metrics"][key], float), key
    assert r["reference"]["name"] == "bluesky" and r["reference"]["metrics"]["clustering"] == 0.262
    assert set(r["ned"]) == {"fixed", "minmax"} and r["ned"]["fixed"]["value"] > 0
    assert set(r["ned"]["fixed"]["contributions"]) == {
        "density",
        "clustering",
        "lcc_fraction",
        "normalized_aspl",
        "modularity",
    }
    # occupation is homophilous: 1.31 since the bluesky profile weights it 0.2 (docs/calibration.md), 1.5+ at 0.3
    assert r["homophily"]["attributes"]["occupation"]["ratio"] > 1.2
    assert len(r["homophily"]["communities"]) >= 2


def test_table_output_and_several_targets(world, tmp_path, capsys, shared_data):
    ref = shared_data / "graphs" / "twitter_hersheycareers.json"
    assert main(["evaluate", str(world), "--reference", str(ref), "--no-homophily"]) == 0
    out = capsys.readouterr().out
    assert "normalized ASPL" in out and "relative error" in out and "twitter_hersheycareers" in out
    assert main(["evaluate", str(world), str(world), "--json", "--no-homophily"]) == 0
    both = json.loads(capsys.readouterr().out)
    assert isinstance(both, list) and len(both) == 2 and len(both[0]["ned"]["minmax"]["set"]) == 3


@pytest.mark.parametrize(
    "args, fragment",
    [
        (["evaluate", "missing_dir"], "does not exist"),
        (
            ["evaluate", "{world}", "--reference", "twitterverse"],
            "reference 'twitterverse' is not accepted: use one of bluesky",
        ),
        (["evaluate", "{empty}"], "no edges found"),
        (["evaluate", "{world}", "--aspl-sources", "0"], "--aspl-sources: 0 is not accepted"),
        (["evaluate", "{ids}"], "ids.txt:2: node id 'alice' is not an integer"),
        (["evaluate", "{mat}"], "no adjacency matrix 'A'"),
        (["evaluate", "{world}", "--reference", "{mat}"], "no adjacency matrix 'A'"),
    ],
)
def test_bad_input_one_line(world, tmp_path, capsys, args, fragment):
    import numpy as np
    import scipy.io

    empty = tmp_path / "empty.txt"
    empty.write_text("")
    ids = tmp_path / "ids.txt"
    ids.write_text("1 2\nalice bob\n")
    mat = tmp_path / "noA.mat"
    scipy.io.savemat(mat, {"B": np.eye(2)})
    code = main([a.format(world=world, empty=empty, ids=ids, mat=mat) for a in args])
    err = capsys.readouterr().err
    assert code != 0 and fragment in err and err.count("\n") == 1 and "Traceback" not in err
