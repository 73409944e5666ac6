"""Random streams: one independent generator per (seed, phase, block of users).

Every phase of the pipeline draws its random numbers from the stream of the block of users it
works on. The stream of a block depends only on the seed, the phase and the block index, never
on the order in which blocks run, so a parallel engine (Dask) draws exactly the same numbers as
the local one.
"""

from __future__ import annotations

import enum

import numpy as np

from .errors import ConfigError

MAX_SEED = 2**63 - 1


class Phase(enum.IntEnum):
    """The phases of generation that draw random numbers. Each value is part of its streams' seed: changing one changes
    every world."""

    POPULATION = 1
    PROJECTION = 2
    LOCAL = 3
    TRIADIC = 4
    LONGRANGE = 5
    FOLLOW_BACK = 6
    POPULAR = 7
    ACTIVITY = 8
    HUBS = 9
    STANCE = 10
    LOCATION = 11


def check_seed(seed: object) -> int:
    """Return ``seed`` as an int in [0, 2**63), or raise ConfigError."""
    if isinstance(seed, bool) or not isinstance(seed, (int, np.integer)) or not 0 <= int(seed) <= MAX_SEED:
        raise ConfigError(f"seed = {seed!r} is not accepted: use an integer from 0 to {MAX_SEED}")
    return int(seed)


def stream(seed: int, phase: Phase, block: int) -> np.random.Generator:
    """The generator of one block of users in one phase."""
    return np.random.Generator(np.random.PCG64(np.random.SeedSequence([seed, int(phase), block])))


def blocks(n: int, block_size: int, start: int = 0) -> list[tuple[int, int, int]]:
    """Split range(start, n) into (block index, start, stop) triples of at most ``block_size``
    users; ``start`` is a multiple of ``block_size`` (a partition of the Dask engine), and block
    indices count from user 0."""
    return [(s // block_size, s, min(s + block_size, n)) for s in range(start, n, block_size)]
