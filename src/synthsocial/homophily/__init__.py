"""The homophily space: semantic maps and the projection of users (section III-B)."""

from .maps import build_map, load_map, semantic_rank
from .projection import project

__all__ = ["build_map", "load_map", "project", "semantic_rank"]
