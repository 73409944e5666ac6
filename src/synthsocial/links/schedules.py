"""Size-adaptive hyperparameters (section III-C3) and the neighbourhood size k (Eq. 1).

All functions are pure: they take N and the links config and return the value used at size N.
:func:`resolve` gathers them into the record written to the manifest.
"""

from __future__ import annotations

import math
from dataclasses import asdict, dataclass
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from ..config import LinksConfig


def k_neighbours(n: int, cfg: LinksConfig) -> int:
    """Eq. 1: k = min(floor(log2(N) * gamma), K_max), at least 1 and at most N - 1."""
    return int(max(1, min(math.floor(math.log2(n) * cfg.gamma), cfg.k_max, n - 1)))


def delta(n: int, cfg: LinksConfig) -> float:
    """TRIADIC_PROB delta(N) = min(delta_cap, delta0 + lambda / log2(N)^mu), times 0.35 below
    ``small_n``, floored at 0.22 + 0.02 log10(N) from ``large_n``."""
    d = min(cfg.delta_cap, cfg.delta0 + cfg.lambda_ / math.log2(n) ** cfg.mu)
    if n < cfg.small_n:
        d *= cfg.delta_small_factor
    if n >= cfg.large_n:
        base, slope = cfg.delta_large_floor
        d = max(d, base + slope * math.log10(n))
    return min(d, 1.0)


def eta(n: int, cfg: LinksConfig) -> float:
    """Y_DISTANT_PROB eta(N) = min(eta_cap, eta0 + kappa / log2(N)^0.75), eta_cap = eta0 + kappa
    by default; times 0.05 below ``small_n``; floored at eta0 + 0.02 log10(N) from ``large_n``."""
    cap = cfg.eta_cap if cfg.eta_cap is not None else cfg.eta0 + cfg.kappa
    e = min(cap, cfg.eta0 + cfg.kappa / math.log2(n) ** cfg.eta_exponent)
    if n < cfg.small_n:
        e *= cfg.eta_small_factor
    if n >= cfg.large_n:
        e = max(e, cfg.eta0 + cfg.eta_large_floor_slope * math.log10(n))
    return min(e, 1.0)


def candidates(n: int, cfg: LinksConfig) -> int:
    """NUM_CANDIDATES c(N) = max(1, floor(zeta / log2(N)^theta)); times 0.25 (floored, at least
    1) below ``small_n``; at least ``c_large_min`` from ``large_n``."""
    c = max(1, math.floor(cfg.zeta / math.log2(n) ** cfg.theta))
    if n < cfg.small_n:
        c = max(1, math.floor(c * cfg.c_small_factor))
    if n >= cfg.large_n:
        c = max(c, cfg.c_large_min)
    return int(c)


@dataclass(frozen=True)
class Schedule:
    """The size-adapted values used for one N (recorded in the manifest)."""

    n: int
    k: int
    delta: float
    eta: float
    c: int
    presample: int

    def to_dict(self) -> dict:
        """The schedule as a plain dict of its fields (n, k, delta, eta, c, presample)."""
        return asdict(self)


def resolve(n: int, cfg: LinksConfig) -> Schedule:
    """The size-adapted values for N = ``n``: k (Eq. 1), delta(N), eta(N), c(N), and the presample size
    c * presample_factor, capped at n - 1."""
    c = candidates(n, cfg)
    return Schedule(
        n=n,
        k=k_neighbours(n, cfg),
        delta=delta(n, cfg),
        eta=eta(n, cfg),
        c=c,
        presample=min(n - 1, c * cfg.presample_factor),
    )
