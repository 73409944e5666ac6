"""Calibration (grid with resume, optuna) and the benchmark command."""

from __future__ import annotations

import json

import pytest

from synthsocial.calibrate import calibrate
from synthsocial.calibrate.run import ResultLog, rank
from synthsocial.calibrate.space import PAPER_GRID, config_for, grid_points, key
from synthsocial.cli import main
from synthsocial.config import GeneratorConfig
from synthsocial.metrics.references import builtin


def test_the_paper_grid():
    pts = grid_points()
    assert len(pts) == 34_560 == len({key(p) for p in pts})
    assert PAPER_GRID["alpha"] == (0.0, 0.1, 0.16, 0.25) and PAPER_GRID["zeta"] == (8.0, 12.0, 24.0, 36.0)
    cfg = config_for(pts[-1])
    assert cfg.links.alpha == 0.25 and cfg.links.lambda_ == 3.5


def test_grid_resumes_without_recomputing(tmp_path, monkeypatch):
    ref = builtin("bluesky")
    calibrate(ref, 60, tmp_path, budget=6, processes=1, validate=False)
    first = ResultLog(tmp_path / "results.jsonl").load()
    assert len(first) == 6
    import synthsocial.calibrate.run as run

    calls = []
    original = run._evaluate
    monkeypatch.setattr(run, "_evaluate", lambda task: calls.append(task) or original(task))
    summary = calibrate(ref, 60, tmp_path, budget=9, processes=1, validate=False)
    assert len(calls) == 3 and summary["evaluations"] == 9
    # a line cut by a crash is ignored and recomputed
    with (tmp_path / "results.jsonl").open("a") as fh:
        fh.write('{"key": "trunc')
    assert len(ResultLog(tmp_path / "results.jsonl").load()) == 9
    ResultLog(tmp_path / "results.jsonl").append({"key": "after a crash"})  # starts a line of its own
    assert [r["key"] for r in ResultLog(tmp_path / "results.jsonl").load()][-1] == "after a crash"
    best = json.loads((tmp_path / "best_config.json").read_text())
    assert GeneratorConfig.from_dict(best).links.alpha == summary["best"]["params"]["alpha"]
    assert "| rank |" in (tmp_path / "top.md").read_text()
    # results made at another size (or seed, replicates, base config) are never mixed in
    from synthsocial.errors import ConfigError

    with pytest.raises(ConfigError, match="nodes=60"):
        calibrate(ref, 70, tmp_path, budget=9, processes=1, validate=False)
    with pytest.raises(ConfigError, match="seed=0"):
        calibrate(ref, 60, tmp_path, budget=9, seed=1, processes=1, validate=False)


def test_replicates_average_the_metrics_of_consecutive_seeds():
    from synthsocial.calibrate.run import _evaluate

    base = GeneratorConfig().to_dict()
    point = grid_points()[5]
    one = [_evaluate((point, 80, s, base, 1))["metrics"] for s in (3, 4)]
    two = _evaluate((point, 80, 3, base, 2))["metrics"]
    for k in ("clustering", "modularity", "reciprocity", "avg_out_degree"):
        assert two[k] == pytest.approx((one[0][k] + one[1][k]) / 2)
    assert one[0]["clustering"] != one[1]["clustering"]
    worlds = _evaluate((point, 80, 3, base, 2))["replicates"]
    assert [w["clustering"] for w in worlds] == [m["clustering"] for m in one]


def test_the_search_scores_each_world_not_their_average():
    from synthsocial.calibrate.run import fit_metrics, score

    ref = builtin("bluesky")
    metrics = fit_metrics(ref, 10_000)
    on = {**ref["metrics"], "avg_out_degree": 35.0}
    low, high = {**on, "clustering": on["clustering"] - 0.1}, {**on, "clustering": on["clustering"] + 0.1}
    steady = {"metrics": on, "replicates": [on, on]}
    scattered = {"metrics": on, "replicates": [low, high]}  # the same average
    assert score(steady, ref, metrics) < score(scattered, ref, metrics)
    assert score({"metrics": on}, ref, metrics) == score(steady, ref, metrics)  # one world: its own NED


def test_rank_uses_minmax_over_the_set():
    ref = {
        "name": "r",
        "metrics": {"density": 0.0, "clustering": 0.5, "lcc_fraction": 1.0, "normalized_aspl": 0.2, "modularity": 0.8},
    }
    rows = [
        {
            "key": k,
            "params": {},
            "metrics": {"density": d, "clustering": c, "lcc_fraction": 1.0, "normalized_aspl": 0.2, "modularity": 0.8},
        }
        for k, d, c in (("a", 1.0, 0.5), ("b", 0.0, 0.0), ("c", 0.5, 0.25))
    ]
    ranked = rank(rows, ref, ("density", "clustering", "lcc_fraction", "normalized_aspl", "modularity"))
    assert [r["key"] for r in ranked] == ["c", "a", "b"]  # a and b tie at 1.0; ties by key
    assert ranked[0]["ned"] == pytest.approx(2**-0.5) and ranked[-1]["ned"] == pytest.approx(1.0)
    by_fixed = rank(rows, ref, ("density", "clustering", "lcc_fraction", "normalized_aspl", "modularity"), by="fixed")
    assert [r["ned_fixed"] for r in by_fixed] == sorted(r["ned_fixed"] for r in ranked)


def test_optuna_runs_seeded(tmp_path):
    pytest.importorskip("optuna")
    ref = builtin("bluesky")
    a = calibrate(ref, 60, tmp_path / "a", method="optuna", budget=5, seed=1, validate=False)
    b = calibrate(ref, 60, tmp_path / "b", method="optuna", budget=5, seed=1, validate=False)
    assert a["best"]["key"] == b["best"]["key"]
    c = calibrate(ref, 60, tmp_path / "c", method="optuna", space="extended", budget=4, seed=1, validate=False)
    assert {"gamma", "follow_back", "influence_exponent"} <= set(c["best"]["params"])
    best = GeneratorConfig.from_file(tmp_path / "c" / "best_config.json")
    assert best.links.follow_back == pytest.approx(c["best"]["params"]["follow_back"])
    assert best.population.influence.exponent == pytest.approx(c["best"]["params"]["influence_exponent"])


def test_config_for_routes_influence_parameters():
    cfg = config_for({"alpha": 0.2, "follow_back": 0.3, "influence_cap": 250.0, "triadic_scope": "undirected"})
    assert cfg.links.alpha == 0.2 and cfg.links.follow_back == 0.3 and cfg.links.triadic_scope == "undirected"
    assert (
        cfg.population.influence.cap == 250.0
        and cfg.population.influence.exponent == GeneratorConfig().population.influence.exponent
    )


@pytest.mark.parametrize(
    "args, fragment",
    [
        (["calibrate", "--reference", "nowhere.txt", "--out", "{d}/c"], "reference 'nowhere.txt' is not accepted"),
        (["calibrate", "--budget", "0", "--out", "{d}/c"], "--budget: 0 is not accepted"),
        (["calibrate", "--budget", "2", "--rank-by", "best", "--out", "{d}/c"], "--rank-by 'best' is not accepted"),
        (["calibrate", "--reference", "{empty}", "--out", "{d}/c"], "no edges found"),
        (
            ["benchmark", "--reference-graph", "{small}", "--sizes", "500", "--runs", "1", "--out", "{d}/b"],
            "larger than the reference graph",
        ),
        (
            ["benchmark", "--reference-graph", "{small}", "--sizes", "abc", "--out", "{d}/b"],
            "--sizes 'abc' is not accepted",
        ),
        (["benchmark", "--reference-graph", "{empty}", "--out", "{d}/b"], "no edges found"),
    ],
)
def test_bad_input_one_line(tmp_path, capsys, args, fragment):
    (tmp_path / "empty.txt").write_text("")
    (tmp_path / "small.txt").write_text("".join(f"{i} {(i * 7 + 1) % 50}\n" for i in range(50)))
    code = main([a.format(d=tmp_path, empty=tmp_path / "empty.txt", small=tmp_path / "small.txt") for a in args])
    err = capsys.readouterr().err
    assert code != 0 and fragment in err and err.count("\n") == 1 and "Traceback" not in err


def test_benchmark_command(tmp_path, capsys):
    graph = tmp_path / "g.txt"
    import numpy as np

    rng = np.random.default_rng(0)
    graph.write_text("".join(f"{a} {b}\n" for a, b in zip(rng.integers(0, 400, 2400), rng.integers(0, 400, 2400))))
    assert (
        main(
            [
                "benchmark",
                "--reference-graph",
                str(graph),
                "--sizes",
                "100,200",
                "--runs",
                "2",
                "--out",
                str(tmp_path / "b"),
            ]
        )
        == 0
    )
    data = json.loads((tmp_path / "b" / "benchmark.json").read_text())
    methods = {r["method"] for r in data["rows"]}
    assert {
        "synthsocial",
        "random_node",
        "forest_fire",
        "random_walk",
        "pagerank_node",
        "mhrw",
        "erdos_renyi",
        "barabasi_albert",
        "watts_strogatz",
        "sbm",
        "chung_lu",
    } == methods
    for r in data["rows"]:
        assert {
            "method",
            "size",
            "ned",
            "density",
            "clustering",
            "lcc_fraction",
            "normalized_aspl",
            "modularity",
        } <= set(r)
        assert r["runs"] == 2
    assert (tmp_path / "b" / "figure2.png").exists() and (tmp_path / "b" / "figure3.png").exists()


def test_ned_scope_size_normalises_each_size_on_its_own():
    from synthsocial.comparison import _aggregate

    ref = {
        "name": "r",
        "metrics": {"density": 0.0, "clustering": 0.5, "lcc_fraction": 1.0, "normalized_aspl": 0.2, "modularity": 0.8},
    }

    def run(method, size, density):
        return {
            "method": method,
            "size": size,
            "run": 0,
            "metrics": {
                "density": density,
                "clustering": 0.5,
                "lcc_fraction": 1.0,
                "normalized_aspl": 0.2,
                "modularity": 0.8,
                "avg_out_degree": 1.0,
                "reciprocity": 0.0,
            },
        }

    measured = [run("a", 10, 1.0), run("b", 10, 0.5), run("a", 20, 0.1), run("b", 20, 0.05)]
    whole = {(r["method"], r["size"]): r["ned"] for r in _aggregate([dict(m) for m in measured], ref, "all")}
    per = {(r["method"], r["size"]): r["ned"] for r in _aggregate([dict(m) for m in measured], ref, "size")}
    assert whole[("a", 20)] == pytest.approx(0.1) and whole[("b", 10)] == pytest.approx(0.5)
    assert (
        per[("a", 10)] == pytest.approx(1.0)
        and per[("a", 20)] == pytest.approx(1.0)
        and per[("b", 20)] == pytest.approx(0.5)
    )


def test_grid_killed_with_sigkill_resumes_without_recomputing(tmp_path):
    import subprocess
    import sys
    import time

    out = tmp_path / "grid"
    cmd = [
        sys.executable,
        "-c",
        "import sys; from synthsocial.cli import main; sys.exit(main(sys.argv[1:]))",
        "calibrate",
        "--reference",
        "bluesky",
        "--nodes",
        "200",
        "--method",
        "grid",
        "--budget",
        "150",
        "--processes",
        "1",
        "--no-validate",
        "--out",
        str(out),
    ]
    proc = subprocess.Popen(cmd, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    log = out / "results.jsonl"
    deadline = time.time() + 60
    while time.time() < deadline and (not log.exists() or len(log.read_text().splitlines()) < 5):
        time.sleep(0.02)
    proc.kill()
    proc.wait()
    saved = ResultLog(log).load()
    assert 5 <= len(saved) < 150, "the run should have been killed midway"
    before = {r["key"]: r for r in saved}
    assert main(cmd[3:]) == 0
    rows = ResultLog(log).load()
    keys = [r["key"] for r in rows]
    assert len(keys) == len(set(keys)) == 150  # every point once: nothing saved was computed again
    assert all(r == before[r["key"]] for r in rows[: len(saved)])
    assert "| rank |" in (out / "top.md").read_text()


def test_degree_ginis_are_fitted_when_the_reference_has_them(tmp_path):
    import numpy as np

    from synthsocial.calibrate.run import fit_metrics, fixed_ned, with_degree_ginis
    from synthsocial.metrics import EvaluateOptions, reference_profile

    rng = np.random.default_rng(0)
    src = rng.integers(0, 300, 3000)
    dst = np.minimum(rng.pareto(1.0, 3000).astype(int), 299)  # a few accounts followed by many
    keep = src != dst
    graph = tmp_path / "g.txt"
    graph.write_text("".join(f"{a} {b}\n" for a, b in zip(src[keep], dst[keep])))
    ref = reference_profile(str(graph), EvaluateOptions(homophily=False), directed=True)
    metrics = fit_metrics(ref)
    assert {"in_degree_gini", "out_degree_gini"} <= set(metrics)
    assert "in_degree_gini" not in builtin("bluesky")["metrics"]  # Bluesky's: minima, fitted one-sided
    assert {"in_degree_gini", "in_degree_max_over_median"} <= set(fit_metrics(builtin("bluesky")))
    flat = with_degree_ginis(ref["metrics"])
    assert flat["in_degree_gini"] > 0.6 and flat["in_degree_gini"] == ref["metrics"]["in_degree"]["gini"]
    off = dict(flat, in_degree_gini=flat["in_degree_gini"] - 0.3)
    assert fixed_ned(flat, ref, metrics) == pytest.approx(0.0, abs=1e-9)
    assert fixed_ned(off, ref, metrics) == pytest.approx(0.3 - 0.05)  # beyond the tolerance only
    assert fixed_ned(dict(flat, in_degree_gini=flat["in_degree_gini"] - 0.04), ref, metrics) == pytest.approx(
        0.0, abs=1e-9
    )
    summary = calibrate(str(graph), 60, tmp_path / "c", budget=2, validate=False, directed=True)
    assert "in_degree_gini" in summary["fitted_metrics"] and "in_degree_gini" in summary["best"]["metrics"]
    assert "in_degree_gini" in (tmp_path / "c" / "top.md").read_text()


def test_multifidelity_promotes_the_best_of_the_small_stage_and_resumes(tmp_path, monkeypatch):
    pytest.importorskip("optuna")
    import synthsocial.calibrate.run as run
    from synthsocial.calibrate.run import fit_metrics, fixed_ned

    ref = builtin("bluesky")
    summary = calibrate(ref, 600, tmp_path / "a", method="multifidelity", budget=6, seed=2, validate=False)
    rows = ResultLog(tmp_path / "a" / "results.jsonl").load()
    coarse = [r for r in rows if r["nodes"] == run.low_size(600) == 100]
    fine = [r for r in rows if r["nodes"] == 600]
    assert len(coarse) <= 6 and len(fine) >= 1 and len(coarse) + len(fine) == len(rows)
    metrics = fit_metrics(ref)
    best = sorted(coarse, key=lambda r: (fixed_ned(r["metrics"], ref, metrics), r["key"]))
    promoted = {r["key"] for r in best[: run.promoted(6)]}
    assert promoted <= {r["key"] for r in fine}  # the best of the small stage, measured again at full size
    assert summary["best"]["key"] in {r["key"] for r in fine}  # the best is chosen at the full size
    assert [s["nodes"] for s in summary["stages"]] == [100, 600] and summary["space"] == "paper"
    # same seed, same search; a second run over the same folder evaluates nothing again
    again = calibrate(ref, 600, tmp_path / "b", method="multifidelity", budget=6, seed=2, validate=False)
    assert again["best"] == summary["best"]
    calls = []
    original = run._evaluate
    monkeypatch.setattr(run, "_evaluate", lambda task: calls.append(task) or original(task))
    assert (
        calibrate(ref, 600, tmp_path / "a", method="multifidelity", budget=6, seed=2, validate=False)["best"]
        == summary["best"]
    )
    assert calls == []


def test_each_stage_starts_from_the_profile_at_its_size(tmp_path):
    pytest.importorskip("optuna")
    from synthsocial import profiles

    summary = calibrate(
        builtin("bluesky"), 1000, tmp_path, method="optuna", budget=2, profile="bluesky", validate=False
    )
    best = GeneratorConfig.from_file(tmp_path / "best_config.json")
    at = profiles.apply("bluesky", 1000)
    assert summary["profile"] == "bluesky" and best.links.hub_follows == at.links.hub_follows > 0
    assert best.homophily.weights == at.homophily.weights


def test_a_graph_reference_is_searched_in_the_extended_space(tmp_path):
    pytest.importorskip("optuna")
    import numpy as np

    rng = np.random.default_rng(1)
    graph = tmp_path / "g.txt"
    graph.write_text("".join(f"{a} {b}\n" for a, b in rng.integers(0, 200, (1500, 2)) if a != b))
    summary = calibrate(str(graph), 100, tmp_path / "c", method="optuna", budget=2, validate=False, directed=True)
    assert summary["space"] == "extended" and {"hub_follows", "hub_candidates", "activity_sigma"} <= set(
        summary["best"]["params"]
    )
    assert isinstance(summary["best"]["params"]["hub_candidates"], int)
    cfg = GeneratorConfig.from_file(tmp_path / "c" / "best_config.json")
    assert cfg.links.hub_candidates == summary["best"]["params"]["hub_candidates"]
    assert (
        builtin("bluesky")
        and calibrate(builtin("bluesky"), 60, tmp_path / "d", method="optuna", budget=1, validate=False)["space"]
        == "paper"
    )


def test_a_degree_shape_minimum_counts_only_when_missed():
    from synthsocial.calibrate.run import fit_metrics, fixed_ned

    ref = builtin("bluesky")
    metrics = fit_metrics(ref)
    at = {**ref["metrics"], "in_degree_gini": 0.6, "out_degree_gini": 0.5, "in_degree_max_over_median": 100.0}
    assert fixed_ned(at, ref, metrics) == pytest.approx(0.0, abs=1e-9)
    above = {**at, "in_degree_gini": 0.9, "in_degree_max_over_median": 5000.0}
    assert fixed_ned(above, ref, metrics) == pytest.approx(0.0, abs=1e-9)  # beyond a minimum costs nothing
    assert fixed_ned({**at, "in_degree_gini": 0.4}, ref, metrics) == pytest.approx(0.2)
    assert fixed_ned({**at, "in_degree_max_over_median": 10.0}, ref, metrics) == pytest.approx(0.5)  # a decade short


def test_a_search_starts_from_the_starting_configs_own_point(tmp_path):
    pytest.importorskip("optuna")
    from synthsocial import profiles
    from synthsocial.calibrate.space import point_of

    at = profiles.apply("bluesky", 1000)
    calibrate(
        builtin("bluesky"),
        1000,
        tmp_path,
        method="optuna",
        space="extended",
        budget=2,
        profile="bluesky",
        validate=False,
    )
    first = ResultLog(tmp_path / "results.jsonl").load()[0]
    assert first["params"] == point_of(at, "extended")
    assert (
        first["params"]["hub_follows"] == at.links.hub_follows
        and first["params"]["hub_candidates"] == at.links.hub_candidates
    )
    assert point_of(GeneratorConfig(), "paper") is not None  # Table III's row is a point of the paper's grid
    assert point_of(GeneratorConfig.from_dict({"links": {"alpha": 0.3}}), "paper") is None


def test_density_is_left_out_more_than_a_decade_from_the_references_size():
    from synthsocial.calibrate.run import fit_metrics

    ref = builtin("bluesky")  # 4.1 million users
    assert "density" in fit_metrics(ref) and "density" in fit_metrics(ref, 1_000_000)
    assert "density" not in fit_metrics(ref, 100_000) and "avg_out_degree" in fit_metrics(ref, 100_000)
    no_degree = {"name": "r", "nodes": 4_100_000, "metrics": {"density": 8.6e-6, "clustering": 0.3}}
    assert "density" in fit_metrics(no_degree, 1000)  # nothing else would carry the volume
    from synthsocial.calibrate.run import fixed_ned

    at = {**ref["metrics"], "density": 3.5e-4, "in_degree_gini": 0.7, "out_degree_gini": 0.6}
    at["in_degree_max_over_median"] = 500.0
    assert fixed_ned(at, ref, fit_metrics(ref, 100_000)) == pytest.approx(0.0, abs=1e-9)  # density not counted
    assert fixed_ned(at, ref, fit_metrics(ref)) > 0.2
