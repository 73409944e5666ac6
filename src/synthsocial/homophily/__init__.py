"""The homophily space: semantic maps and the projection of users (section III-B)."""

from .maps import build_map, load_map, semantic_rank
from .projection import project
from .space import points_of, semantic_orders

__all__ = ["build_map", "load_map", "points_of", "project", "semantic_orders", "semantic_rank"]
