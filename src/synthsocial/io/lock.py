"""One writer per output: an OS file lock beside every directory synthsocial writes or reads.

The lock of ``/some/where/w`` is the file ``/some/where/.w.synthsocial-lock`` (beside the
directory, so it also guards a directory that does not exist yet, and after the real path is
resolved, so ``w``, ``./w/`` and a symbolic link to ``w`` share one lock). It is taken with
``flock``, which the operating system releases when the process ends, however it ends:

* a command that writes (generate, world, posts, report, export, fidelity --save, calibrate,
  benchmark, build-maps) takes it exclusively before any work and writes its process id, command
  and start time into the file; a second writer is refused at once with one line naming them;
* a command that only reads a world (evaluate, export's source, fidelity's posts) takes it shared
  for as long as it reads: it is refused while a writer works, and a writer is refused while it
  reads. Nobody waits, so nobody hangs.

Locks are re-entrant within a process (a world's posts stage reads the world it is writing). The
file is removed on release, under the lock, so a clean run leaves nothing behind; a killed run
leaves its lock file (with its dead process id) that the next run takes and removes.
"""

from __future__ import annotations

import errno
import fcntl
import json
import os
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from ..errors import BusyError, OutputError

SUFFIX = ".synthsocial-lock"
_held: dict[str, str] = {}  # lock path -> "write" or "read", the locks this process holds


def real_path(path: str | Path) -> Path:
    """The absolute path with every symbolic link resolved (as far as it exists)."""
    return Path(os.path.realpath(Path(path).expanduser()))


def lock_path(target: str | Path) -> Path:
    """The lock file of ``target``: ``.NAME.synthsocial-lock`` in its parent directory, after resolving symlinks."""
    t = real_path(target)
    return t.parent / f".{t.name}{SUFFIX}"


def _holder(path: Path) -> str:
    """Who holds the lock, as far as the file says."""
    try:
        info = json.loads(path.read_text(encoding="utf-8"))
        pid = int(info["pid"])
        os.kill(pid, 0)
        return f"is being written by process {pid} (synthsocial {info['command']}) since {info['since']}"
    except (OSError, ValueError, KeyError, TypeError):
        return "is in use by another synthsocial process"


def _open_locked(path: Path, exclusive: bool, target: Path) -> int | None:
    """Open and lock ``path``; retry if another process removed it in between. None: the
    directory cannot hold a lock file and the lock is only shared (reading a read-only place)."""
    while True:
        try:
            fd = os.open(path, os.O_RDWR | os.O_CREAT, 0o644)
        except OSError as exc:
            if not exclusive and exc.errno in (errno.EACCES, errno.EROFS, errno.EPERM):
                return None
            raise OutputError(
                f"{target} cannot be written: its lock file {path} cannot be created: {exc.strerror or exc}"
            ) from None
        try:
            fcntl.flock(fd, (fcntl.LOCK_EX if exclusive else fcntl.LOCK_SH) | fcntl.LOCK_NB)
        except BlockingIOError:
            os.close(fd)
            raise BusyError(f"{target} {_holder(path)}; run this again when it has finished") from None
        try:
            same = os.stat(path).st_ino == os.fstat(fd).st_ino
        except FileNotFoundError:
            same = False
        if same:
            return fd
        os.close(fd)  # released and removed by its holder after we opened it: take the new one


@contextmanager
def locked(target: str | Path, write: bool = True, command: str = "") -> Iterator[None]:
    """Hold the lock of ``target`` (exclusive to write, shared to read) for the block."""
    path = lock_path(target)
    key = str(path)
    if key in _held:  # this process holds it already: the outermost block releases it
        if write and _held[key] != "write":
            raise BusyError(f"{real_path(target)} is being read by this process and cannot be written at the same time")
        yield
        return
    fd = _open_locked(path, write, real_path(target))
    if fd is None:
        yield
        return
    if write:
        info = {
            "pid": os.getpid(),
            "command": command or "?",
            "since": time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime()),
        }
        os.ftruncate(fd, 0)
        os.pwrite(fd, json.dumps(info).encode(), 0)
    _held[key] = "write" if write else "read"
    try:
        yield
    finally:
        del _held[key]
        _release(path, fd, write)


def _release(path: Path, fd: int, exclusive: bool) -> None:
    try:
        if not exclusive:  # remove the file only when no other reader holds it
            fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
        os.unlink(path)
    except OSError:
        pass
    finally:
        os.close(fd)
