"""The registry of random streams (rng.Stream): every stream has its own key, and ``draws`` is the
generator the streams were drawn from before the registry (so outputs did not change)."""

import numpy as np
import pytest

from synthsocial.rng import MAX_SEED, Phase, Stream, draws, stream


def _seeded(key: tuple) -> tuple:
    """The key as numpy's SeedSequence sees it: trailing zeros do not count."""
    key = list(key)
    while key and key[-1] == 0:
        key.pop()
    return tuple(key)


def test_every_stream_has_its_own_key():
    keys = [_seeded(s.value) for s in Stream]
    assert len(keys) == len(set(keys)) == len(Stream.__members__)  # no alias hides a second name


@pytest.mark.xfail(
    strict=True,
    reason="four old keys are phase streams of block 0 (Louvain's order, two baselines, the posts' platform use); "
    "moved with re-measured outputs in the next step of issue 33",
)
def test_no_stream_key_is_a_generator_phase():
    """A key (p, b, ...) with p a phase would be the phase's stream of block b ([seed, 11] is [seed, 11, 0])."""
    assert not {s.value[0] for s in Stream} & {int(p) for p in Phase}


def test_draws_is_the_generator_of_its_key():
    for s in Stream:
        a = draws(7, s, 3).random(4)
        b = np.random.default_rng([7, *s.value, 3]).random(4)
        assert np.array_equal(a, b)


def test_streams_differ_from_each_other():
    firsts = {s: draws(MAX_SEED, s).random() for s in Stream}
    assert len(set(firsts.values())) == len(firsts)


@pytest.mark.xfail(strict=True, reason="the four old keys above")
def test_streams_differ_from_the_generator_phases():
    firsts = {draws(MAX_SEED, s).random() for s in Stream}
    assert not {stream(MAX_SEED, p, 0).random() for p in Phase} & firsts
