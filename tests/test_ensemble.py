"""Ensembles (metrics/ensemble.py): K worlds of one configuration, each metric with an interval."""

from __future__ import annotations

import json

import numpy as np
import pytest
from scipy import stats

import synthsocial
from synthsocial.cli import main
from synthsocial.metrics import EvaluateOptions, profile
from synthsocial.metrics.ensemble import ensemble, interval


def test_interval_is_the_student_t_interval_and_covers_the_mean_at_its_level():
    x = [1.0, 2.0, 3.0, 4.0]
    r = interval(x, 0.95)
    low, high = stats.t.interval(0.95, 3, loc=2.5, scale=stats.sem(x))
    assert r["mean"] == 2.5 and r["low"] == pytest.approx(low) and r["high"] == pytest.approx(high)
    assert interval([5.0])["half_width"] is None and interval([])["mean"] is None
    rng = np.random.default_rng(0)
    covered = [
        (lambda r: r["low"] <= 10.0 <= r["high"])(interval(list(rng.normal(10, 2, size=5)), 0.9)) for _ in range(4000)
    ]
    assert abs(np.mean(covered) - 0.9) < 0.015  # 4 standard errors at 4,000 draws


def test_an_ensemble_is_the_mean_of_its_worlds_and_reproducible():
    r = ensemble(300, [3, 4, 5], reference="bluesky")
    each = [profile(synthsocial.generate(300, seed=s).to_graph(), EvaluateOptions(seed=s)).metrics for s in (3, 4, 5)]
    for k in ("clustering", "modularity", "avg_out_degree"):
        assert r["metrics"][k]["mean"] == pytest.approx(np.mean([m[k] for m in each]))
        assert r["metrics"][k]["std"] > 0  # the seeds give different worlds
    assert r["metrics"]["in_degree_gini"]["n"] == 3 and r["ned_fixed"]["low"] < r["ned_fixed"]["mean"]
    assert ensemble(300, [3, 4, 5], reference="bluesky")["metrics"] == r["metrics"]


def test_cli_prints_json_and_refuses_bad_input_in_one_line(capsys):
    assert main(["ensemble", "-n", "200", "--seeds", "2", "--json"]) == 0
    out = json.loads(capsys.readouterr().out)
    assert out["worlds"] == 2 and out["seeds"] == [0, 1] and "clustering" in out["metrics"]
    for args, fragment in ((["--seeds", "1"], "--seeds"), (["--level", "1.5"], "--level")):
        assert main(["ensemble", "-n", "200", *args]) == 2
        err = capsys.readouterr().err
        assert fragment in err and "Traceback" not in err
