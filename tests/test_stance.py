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
    w = synthsocial.generate(4000, seed=5)
    s = w.users["stance"].to_numpy()
    assert s.min() >= -1 and s.max() <= 1
    # 2 Beta(2, 2) - 1: a KS test against the distribution it claims
    assert stats.kstest((s + 1) / 2, stats.beta(2, 2).cdf).pvalue > 0.001
    camps = synthsocial.generate(4000, seed=5, config={"population": {"stance_beta": 0.3}})
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
