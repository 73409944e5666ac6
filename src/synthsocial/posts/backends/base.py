"""One interface for every language-model backend: ``generate(requests) -> texts``."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Protocol

from ...config import IntRange, Options, Range
from ...errors import SynthSocialError


class BackendError(SynthSocialError):
    """A backend cannot serve requests (unreachable, refused, misconfigured)."""


class Sampling(Options):
    """Decoding settings shared by the backends (defaults: the InstaSynth settings where known,
    temperature 0.7, frequency penalty 2.0 is too strong for 100M-scale models: see docs/posts.md).
    ``min_p`` (llama.cpp's default 0.05; the OpenAI-compatible backend has no such setting): tokens
    less likely than ``min_p`` times the most likely one are not drawn."""

    temperature: Range(0.0, 2.0) = 0.8
    top_p: Range(0.0, 1.0) = 0.95
    top_k: IntRange(0, 100_000) = 64
    min_p: Range(0.0, 1.0) = 0.05
    max_tokens: IntRange(1, 100_000) = 96
    frequency_penalty: Range(-2.0, 2.0) = 0.0
    presence_penalty: Range(-2.0, 2.0) = 0.0
    repeat_penalty: Range(0.0, 10.0, open_low=True) = 1.1


@dataclass(frozen=True)
class Request:
    """One generation: a completion prompt (few-shot continuation) or chat messages."""

    prompt: str | None = None
    messages: tuple[tuple[str, str], ...] | None = None
    stop: tuple[str, ...] = ("\n",)
    seed: int = 0
    sampling: Sampling = field(default_factory=Sampling)

    @property
    def mode(self) -> str:
        """The generation mode: "chat" when the request carries ``messages``, otherwise "completion"."""
        return "chat" if self.messages is not None else "completion"


class Backend(Protocol):
    """The interface of a language-model backend: its ``name``, the ``model`` it runs, :meth:`generate` and
    :meth:`close`."""

    name: str
    model: str

    def generate(self, requests: list[Request]) -> list[str]:
        """Texts for the requests, in order. Raises BackendError when it cannot go on."""
        ...

    def close(self) -> None:
        """Release what the backend holds (model, connections); it is not used afterwards."""
        ...
