"""Section III-C3: the size-adaptive schedules, including suppression and floors."""

from __future__ import annotations

import math

import pytest

from synthsocial.config import LinksConfig
from synthsocial.links import schedules as S

CFG = LinksConfig()


def raw_delta(n):
    return min(CFG.delta_cap, CFG.delta0 + CFG.lambda_ / math.log2(n) ** CFG.mu)


def raw_eta(n):
    return min(CFG.eta0 + CFG.kappa, CFG.eta0 + CFG.kappa / math.log2(n) ** 0.75)


def raw_c(n):
    return max(1, math.floor(CFG.zeta / math.log2(n) ** 0.6))


@pytest.mark.parametrize("n", [1_000, 5_000, 9_999])
def test_small_graphs_are_suppressed(n):
    assert S.delta(n, CFG) == pytest.approx(0.35 * raw_delta(n))
    assert S.eta(n, CFG) == pytest.approx(0.05 * raw_eta(n))
    assert S.candidates(n, CFG) == max(1, math.floor(0.25 * raw_c(n)))


@pytest.mark.parametrize("n", [10_000, 50_000, 99_999])
def test_mid_graphs_use_the_plain_formulas(n):
    assert S.delta(n, CFG) == pytest.approx(raw_delta(n))
    assert S.eta(n, CFG) == pytest.approx(raw_eta(n))
    assert S.candidates(n, CFG) == raw_c(n)


@pytest.mark.parametrize("n", [100_000, 1_000_000, 10_000_000])
def test_large_graphs_have_floors(n):
    assert S.delta(n, CFG) == pytest.approx(max(raw_delta(n), 0.22 + 0.02 * math.log10(n)))
    assert S.eta(n, CFG) == pytest.approx(max(raw_eta(n), 0.05 + 0.02 * math.log10(n)))
    assert S.candidates(n, CFG) == max(raw_c(n), 6)
    assert S.eta(n, CFG) >= 0.05 + 0.02 * math.log10(n) - 1e-12


def test_suppression_jump_at_ten_thousand():
    assert S.delta(10_000, CFG) / S.delta(9_999, CFG) > 2.5


def test_eta_cap_defaults_to_eta0_plus_kappa_and_can_be_set():
    cfg = LinksConfig(kappa=10.0)
    assert S.eta(20_000, cfg) == pytest.approx(cfg.eta0 + cfg.kappa if cfg.eta0 + cfg.kappa < 1 else 1.0)
    cfg = LinksConfig(kappa=10.0, eta_cap=0.3)
    assert S.eta(20_000, cfg) == pytest.approx(0.3)


@pytest.mark.parametrize("n, expected", [(2, 1), (1_000, 29), (10_000, 39), (10**6, 50)])
def test_k_eq1(n, expected):
    assert S.k_neighbours(n, CFG) == expected
    assert expected == max(1, min(math.floor(math.log2(n) * 3), 50, n - 1))
