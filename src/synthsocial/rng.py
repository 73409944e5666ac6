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


class Stream(enum.Enum):
    """The random streams outside the generator's phases (metrics, baselines, posts, timeline, adapt):
    ``draws(seed, Stream.X, *more)`` is ``numpy.random.default_rng([seed, *Stream.X.value, *more])``.

    Every stream has its own key: the key it was drawn with before this registry (issue 33), so no
    output changed. A new stream takes a key no other has and that does not begin with a
    :class:`Phase` value (tests/test_rng.py): numpy's SeedSequence ignores trailing zeros, so a key
    ``[seed, 11]`` is the phase stream ``[seed, 11, 0]`` (the locations of the first block of users).
    Four old keys do just that (LOUVAIN_ORDER, the two BASELINE ones, PLATFORM_USE); moving them
    changes who posts where, the communities found and the baselines' graphs, so it waits for the
    step that re-measures those numbers (issue 33)."""

    LOUVAIN_ORDER = (1,)  # metrics: the node order Louvain visits
    BASELINE_DIRECTIONS = (5,)  # baselines: which way an undirected generator's edge points
    BASELINE_DEGREES = (6,)  # baselines: the configuration model's degree sequence
    PLATFORM_USE = (11,)  # posts: who uses which platform (Pew's shares by age)
    WRITERS = (12,)  # posts: the users who write
    POST = (13,)  # posts: one post's topic and time (with user, platform, index)
    INTERACTIONS = (19,)  # posts: followers' reactions to posts made without a timeline
    POST_LENGTH = (29,)  # posts: an adapted post's length bucket
    ACCOUNTS = (29, 1)  # timeline: creation times, time zones, activity
    TIMELINE_USERS = (29, 2)  # timeline: the users kept by max_users
    ADAPT_POSTS = (40,)  # adapt: the posts drawn from the corpus
    HELD_OUT = (41,)  # adapt: the held-out posts
    BATCHES = (43,)  # adapt: the order of the training batches (with the epoch)
    BALANCE = (44,)  # adapt: platform balancing of the training examples
    NEGATIVES = (47,)  # adapt: tokens outside the corpus kept in the trimmed vocabulary


def draws(seed: int, stream: Stream, *more: int) -> np.random.Generator:
    """The generator of ``stream`` for ``seed`` (and further keys ``more``: a user, an epoch, ...)."""
    return np.random.default_rng([seed, *stream.value, *more])


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
