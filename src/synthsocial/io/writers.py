"""Writers: a world directory appears whole or not at all.

:func:`atomic_directory` hands out a temporary directory beside the target and renames it into
place only when everything inside was written; on any failure it removes the temporary
directory (and any parent it created), so no partial output is left behind.
"""

from __future__ import annotations

import os
import shutil
import tempfile
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from ..errors import ConfigError, OutputError
from .lock import locked, real_path
from .ownership import MARKER, check_output, missing_parents, record, remove_dirs

FORMATS = ("parquet", "csv", "graphml", "gexf")


def _describe(exc: OSError) -> str:
    return exc.strerror or str(exc)


def _remove_stale(target: Path) -> None:
    """Remove the temporary directories of earlier runs for ``target`` whose process is gone
    (killed with SIGKILL, or the machine stopped)."""
    if not target.parent.is_dir():
        return
    prefix = f".{target.name}.tmp-"
    for p in target.parent.iterdir():
        if not p.name.startswith(prefix):
            continue
        pid = p.name[len(prefix) :].split("-", 1)[0]
        if not pid.isdigit():
            continue
        try:
            os.kill(int(pid), 0)
        except ProcessLookupError:
            shutil.rmtree(p, ignore_errors=True)
        except OSError:
            pass


@contextmanager
def atomic_directory(
    target: str | Path, overwrite: bool = False, kind: str = "world", command: str = "generate"
) -> Iterator[Path]:
    """Yield a fresh temporary directory that becomes ``target`` when the block succeeds.

    The target's lock is held throughout (a second writer is refused). An existing non-empty
    ``target`` is refused unless ``overwrite``, and even then unless it is ours and holds only
    what synthsocial wrote (:func:`~synthsocial.io.ownership.check_output`); it is replaced only
    after the new content is complete. A symbolic link is followed: the directory it points to
    is replaced and the link kept. The new directory gets a marker registering every entry.
    """
    check_output(target, (kind,), replace=True, overwrite=overwrite)  # before creating anything; again when locked
    shown = str(target)
    target = real_path(target)
    made = missing_parents(target)
    try:
        target.parent.mkdir(parents=True, exist_ok=True)
    except OSError as exc:
        remove_dirs(made)
        raise OutputError(f"output directory {shown!r} cannot be written: {_describe(exc)}") from None
    try:
        with locked(target, write=True, command=command):
            check_output(shown, (kind,), replace=True, overwrite=overwrite)
            _remove_stale(target)
            with new_directory(target) as tmp:
                yield tmp
                record(tmp, sorted(p.name for p in tmp.iterdir() if p.name != MARKER), kind)
    except BaseException as exc:
        remove_dirs(made)
        if isinstance(exc, OSError) and not isinstance(exc, OutputError):
            raise OutputError(f"output directory {shown!r} cannot be written: {_describe(exc)}") from None
        raise


def _umask() -> int:
    mask = os.umask(0)
    os.umask(mask)
    return mask


@contextmanager
def new_directory(target: Path) -> Iterator[Path]:
    """The one way a directory is replaced: yields a temporary directory beside ``target`` to fill; when
    the block ends without error it gets the usual permissions and replaces ``target``
    (:func:`replace_directory`), otherwise it is removed. An OSError on the way is the caller's to word."""
    tmp = Path(tempfile.mkdtemp(prefix=f".{target.name}.tmp-{os.getpid()}-", dir=target.parent))
    try:
        yield tmp
        os.chmod(tmp, 0o777 & ~_umask())  # mkdtemp made it private
        replace_directory(tmp, target)
    except BaseException:
        shutil.rmtree(tmp, ignore_errors=True)
        raise


def replace_directory(new: Path, target: Path) -> None:
    """Rename the complete directory ``new`` to ``target``, replacing what is there: the old one is first
    renamed aside (into ``.NAME.old-XXXX``), then removed. If a rename fails, ``target`` is left as it was
    and nothing is left beside it; ``new`` is the caller's to remove."""
    if not target.exists():
        os.rename(new, target)
        return
    old = Path(tempfile.mkdtemp(prefix=f".{target.name}.old-", dir=target.parent))
    try:
        os.rename(target, old / "x")
    except OSError:
        old.rmdir()
        raise
    try:
        os.rename(new, target)
    except OSError:
        os.rename(old / "x", target)
        old.rmdir()
        raise
    shutil.rmtree(old, ignore_errors=True)


def check_formats(formats: tuple[str, ...] | list[str]) -> tuple[str, ...]:
    """``formats`` without repeats, in first-seen order; ConfigError naming the first one not in ``FORMATS``."""
    bad = [f for f in formats if f not in FORMATS]
    if bad:
        raise ConfigError(f"format {bad[0]!r} is not accepted: use one of {', '.join(FORMATS)}")
    return tuple(dict.fromkeys(formats))
