"""One progress protocol for every long-running function of the library.

A function that reports progress takes ``progress: Progress | None`` and calls it as work advances:
``progress(stage, done, total)`` with the stage's name (shown beside its bar), the units done and
the units in all (None while not known), and optionally ``note``, a few words on the state (the
last training loss). The command line draws one bar per stage (cli/__init__.py, ``_bars``).
"""

from __future__ import annotations

from typing import Protocol


class Progress(Protocol):
    """``progress(stage, done, total, note=None)``: see the module's docstring."""

    def __call__(
        self, stage: str, done: int | None = None, total: int | None = None, note: str | None = None
    ) -> None: ...


def silent(stage: str, done: int | None = None, total: int | None = None, note: str | None = None) -> None:
    """The progress of a caller that does not watch."""
