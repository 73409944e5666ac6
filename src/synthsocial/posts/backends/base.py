"""One interface for every language-model backend: ``generate(requests) -> texts``."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Protocol

from ...errors import SynthSocialError
from ...specs.posts import Sampling


class BackendError(SynthSocialError):
    """A backend cannot serve requests (unreachable, refused, misconfigured)."""


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
