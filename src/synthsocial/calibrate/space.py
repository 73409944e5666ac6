"""The hyperparameter space of the homophily paper's grid search (section IV-B).

alpha {0, 0.1, 0.16, 0.25}; beta {0, 0.06, 0.1}; delta0 {0, 0.10, 0.20, 0.25};
lambda {0.5, 1.5, 2.5, 3.5}; delta_cap {0.40, 0.42, 0.44}; eta0 {0, 0.02, 0.03, 0.04, 0.05};
kappa {0.01, 0.05, 0.1}; zeta {8, 12, 24, 36}: 34,560 combinations (the paper counts 34,561).
"""

from __future__ import annotations

import itertools

from ..config import GeneratorConfig

PAPER_GRID: dict[str, tuple[float, ...]] = {
    "eta0": (0.0, 0.02, 0.03, 0.04, 0.05),
    "kappa": (0.01, 0.05, 0.1),
    "delta0": (0.0, 0.10, 0.20, 0.25),
    "lambda": (0.5, 1.5, 2.5, 3.5),
    "delta_cap": (0.40, 0.42, 0.44),
    "zeta": (8.0, 12.0, 24.0, 36.0),
    "alpha": (0.0, 0.1, 0.16, 0.25),
    "beta": (0.0, 0.06, 0.1),
}
PARAMS = tuple(PAPER_GRID)

# Beyond the paper, for references the paper's grid cannot reach (such as small real follower
# graphs): continuous ranges around the grid, plus the size schedule's small-graph factors, the
# neighbourhood size gamma, the reading of triadic closure, follow-backs, popular follows, the
# tail and cap of the influence score (which set how unequal the numbers of local links are), and
# the mechanisms of heavy-tailed degrees (issue 16): activity, preferential triadic closure, hubs.
EXTENDED: dict[str, tuple] = {
    "eta0": ("float", 0.0, 0.6),
    "kappa": ("float", 0.0, 0.3),
    "delta0": ("float", 0.0, 0.5),
    "lambda": ("float", 0.0, 5.0),
    "delta_cap": ("float", 0.2, 0.6),
    "zeta": ("float", 4.0, 400.0),
    "alpha": ("float", 0.0, 1.0),
    "beta": ("float", 0.0, 1.0),
    "gamma": ("float", 0.5, 4.0),
    "eta_small_factor": ("float", 0.05, 1.0),
    "delta_small_factor": ("float", 0.1, 1.0),
    "follow_back": ("float", 0.0, 0.6),
    "popular_follows": ("float", 0.0, 3.0),
    "popularity_exponent": ("float", 0.5, 4.0),
    "influence_exponent": ("float", 0.5, 3.0),
    "influence_cap": ("float", 10.0, 1000.0),
    "triadic_scope": ("categorical", "out", "undirected"),
    "activity_sigma": ("float", 0.0, 2.0),
    "triadic_preference": ("float", 0.0, 4.0),
    "hub_follows": ("float", 0.0, 40.0),
    "hub_share": ("float", 0.002, 0.1),
    "hub_candidates": ("int", 10, 200),
    "hub_exponent": ("float", 0.0, 2.0),
    "hub_peer_follows": ("float", 0.0, 1.0),
    "hub_global_follows": ("float", 0.0, 3.0),
    "hub_global_exponent": ("float", 0.5, 2.5),
}
SPACES = ("paper", "extended")


def grid_points() -> list[dict[str, float]]:
    """Every combination, in a fixed order."""
    return [dict(zip(PARAMS, values)) for values in itertools.product(*PAPER_GRID.values())]


def key(params: dict) -> str:
    """A stable identifier of a parameter combination (the grid's parameters first, in order)."""
    order = [p for p in PARAMS if p in params] + sorted(p for p in params if p not in PARAMS)
    return ",".join(f"{p}={params[p]}" if isinstance(params[p], (str, int)) else f"{p}={params[p]:g}" for p in order)


def config_for(params: dict[str, float], base: GeneratorConfig | None = None) -> GeneratorConfig:
    """``base`` (default config) with the hyperparameters replaced by ``params``: link settings by
    name, ``influence_X`` as ``population.influence.X``."""
    data = (base or GeneratorConfig()).to_dict()
    for p, v in params.items():
        v = v if isinstance(v, (str, int)) else float(v)
        if p.startswith("influence_"):
            data["population"]["influence"][p.removeprefix("influence_")] = v
        else:
            data["links"][p] = v
    return GeneratorConfig.from_dict(data)


def point_of(config: GeneratorConfig, space: str) -> dict | None:
    """The point of ``space`` that ``config`` is (its values of the space's parameters, clipped to
    the ranges), or None when one of them is not among a categorical parameter's values: the
    first point a search evaluates, so that it starts from where the profile already is."""
    links, influence = config.links.model_dump(by_alias=True), config.population.influence.model_dump()

    def value(p: str):
        return influence[p.removeprefix("influence_")] if p.startswith("influence_") else links[p]

    if space == "paper":
        point = {p: float(value(p)) for p in PARAMS}
        return point if all(point[p] in PAPER_GRID[p] for p in PARAMS) else None
    point = {}
    for p, spec in EXTENDED.items():
        v = value(p)
        if spec[0] == "float":
            point[p] = min(max(float(v), spec[1]), spec[2])
        elif spec[0] == "int":
            point[p] = min(max(int(v), spec[1]), spec[2])
        elif v in spec[1:]:
            point[p] = v
        else:
            return None
    return point
