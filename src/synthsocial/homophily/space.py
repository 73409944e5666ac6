"""Users as points of the homophily space, from a configuration (Algorithm 1 with the semantic
maps): what both engines call to place users."""

from __future__ import annotations

from typing import TYPE_CHECKING

import numpy as np

from ..errors import ConfigError
from ..population.location import plane
from .maps import semantic_rank
from .projection import project

if TYPE_CHECKING:
    from ..config import GeneratorConfig
    from ..population import Population


def points_of(
    pop: Population, cfg: GeneratorConfig, seed: int, first_block: int = 0
) -> tuple[np.ndarray, dict[str, list[str]]]:
    """The users' points in the homophily space (Algorithm 1) and the semantic orders of
    occupations and interests they were ranked by; the users' first random-stream block is
    ``first_block``."""
    pc, hc = cfg.population, cfg.homophily
    (occ_rank, occ_order), (int_rank, int_order) = _ranks(cfg)
    interest_rank = np.where(pop.interests >= 0, int_rank[np.maximum(pop.interests, 0)], -1)
    if hc.location_weight > 0 and pop.state is None:
        raise ConfigError(
            f"homophily.location_weight = {hc.location_weight} needs population.survey = true (users have a state "
            "only then): set the weight to 0 or turn the survey attributes on"
        )
    weights = np.ones(cfg.dimensions) if hc.weights is None else np.asarray(hc.weights, dtype=np.float64)
    points = project(
        pop.age,
        occ_rank[pop.occupation],
        interest_rank,
        age_range=pc.age_range,
        n_occupations=len(occ_order),
        n_interests=len(int_order),
        weights=weights,
        sort_interests=hc.sort_interests,
        seed=seed,
        block_size=cfg.block_size,
        first_block=first_block,
        stance=pop.stance,
        stance_weight=hc.stance_weight,
        location=plane()[pop.state] if hc.location_weight > 0 else None,
        location_weight=hc.location_weight,
    )
    return points, {"occupation": occ_order, "interest": int_order}


def _ranks(cfg: GeneratorConfig):
    pc, hc = cfg.population, cfg.homophily
    return (
        semantic_rank(pc.occupations, "occupation", hc.occupation_order, hc.maps_dir),
        semantic_rank(pc.interests, "interest", hc.interest_order, hc.maps_dir),
    )


def semantic_orders(cfg: GeneratorConfig) -> dict[str, list[str]]:
    """The semantic orders of occupations and interests that ``cfg`` ranks users by."""
    (_, occ_order), (_, int_order) = _ranks(cfg)
    return {"occupation": occ_order, "interest": int_order}
