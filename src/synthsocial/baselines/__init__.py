"""Baselines: graph samplers and classic generators, one interface per family."""

from .generators import GENERATORS
from .samplers import SAMPLERS, induced

__all__ = ["GENERATORS", "SAMPLERS", "induced"]
