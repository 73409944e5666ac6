"""Temporary file, then rename: a file that exists is complete (every writer of synthsocial)."""

from __future__ import annotations

import os
from collections.abc import Callable
from pathlib import Path

from ..errors import OutputError


def atomic_file(target: Path, write: Callable[[Path], None]) -> None:
    """Call ``write(tmp)`` on a temporary path beside ``target``, then rename it to ``target``:
    ``target`` is either absent, the old file or the complete new one."""
    tmp = target.with_name(f".{target.name}.tmp-{os.getpid()}")
    try:
        write(tmp)
        os.replace(tmp, target)
    except OSError as exc:
        tmp.unlink(missing_ok=True)
        raise OutputError(f"cannot write {target}: {exc.strerror or exc}") from None
    except BaseException:
        tmp.unlink(missing_ok=True)
        raise


def atomic_text(target: Path, text: str) -> None:
    """Write ``text`` to ``target`` as UTF-8, atomically (see :func:`atomic_file`)."""
    atomic_file(target, lambda tmp: tmp.write_text(text, encoding="utf-8"))
