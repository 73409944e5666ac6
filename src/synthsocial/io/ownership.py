"""Which directories are ours, what we wrote in them, and whether it is still what we wrote.

Every directory synthsocial writes holds a marker, ``.synthsocial`` (JSON)::

    {"written_by": "synthsocial", "version": "0.1.0", "kind": "world",
     "files": {"edges.parquet": {"bytes": 1616383, "sha256": "9f2c..."}, ...}}

``kind`` says what the directory is (``world``, ``calibration``, ``benchmark``, ``export``,
``fidelity``, ``maps``); ``files`` lists every top-level file or folder a command wrote there, with
its size and SHA-256 (of a folder: of its files' relative paths and hashes). From it follow the
rules of every command that writes (docs/outputs.md, "Ownership, locks and hashes"):

* a command writes only into a directory that does not exist, is empty, or is ours and of a kind
  it writes; anything else is refused, untouched;
* ``--overwrite`` replaces a directory only when it is ours and holds nothing but what we wrote,
  and never the current directory, a parent of it, ``/`` or the home directory;
* a reader compares the files it reads with their recorded hashes and warns when one changed
  (``world`` reruns the stage that wrote it instead).

A world written before markers existed (``manifest.json`` with ``synthsocial_version``, or
``stages.json``) counts as ours; its registry starts with the files its manifest and stage record
list, and it gains a marker the next time a command writes into it.
"""

from __future__ import annotations

import hashlib
import json
import os
import re
import shutil
import warnings
from collections.abc import Callable, Iterable, Iterator
from contextlib import contextmanager, suppress
from dataclasses import dataclass, field
from pathlib import Path

from .._version import __version__
from ..errors import ConfigError, DamagedFileWarning, InputError, OutputError
from .atomic import atomic_text
from .lock import locked, real_path

MARKER = ".synthsocial"
# Bookkeeping that lives beside the registered files, and the temporary names our writers use
# (".NAME.tmp", ".NAME.tmp-PID", ".NAME.tmp-PID-XXXX", ".NAME.old-XXXX").
BOOKKEEPING = frozenset({MARKER, "stages.json", ".posts-parts"})
_TEMPORARY = re.compile(r"^\..+\.(tmp|old)(-[^/]*)?$")


def digest(path: Path) -> str:
    """SHA-256 of a file, or of a folder's files (relative paths and their hashes, sorted)."""
    if path.is_dir():
        h = hashlib.sha256()
        for f in sorted(p for p in path.rglob("*") if p.is_file()):
            h.update(f"{f.relative_to(path).as_posix()}\0{digest(f)}\n".encode())
        return h.hexdigest()
    with path.open("rb") as fh:
        return hashlib.file_digest(fh, "sha256").hexdigest()


def _size(path: Path) -> int:
    return sum(f.stat().st_size for f in path.rglob("*") if f.is_file()) if path.is_dir() else path.stat().st_size


@dataclass
class Ownership:
    """What the marker of an existing directory says."""

    kind: str | None
    files: dict[str, dict] = field(default_factory=dict)
    legacy: bool = False
    damaged: bool = False

    def foreign(self, entries: Iterable[Path]) -> list[str]:
        """Names among ``entries`` that synthsocial did not write."""
        return sorted(
            p.name
            for p in entries
            if p.name not in self.files and p.name not in BOOKKEEPING and not _TEMPORARY.match(p.name)
        )


def ownership(d: Path) -> Ownership | None:
    """The ownership of directory ``d``: None when synthsocial did not write it."""
    marker = d / MARKER
    if marker.is_file():
        try:
            data = json.loads(marker.read_text(encoding="utf-8"))
            if data.get("written_by") != "synthsocial":
                return None
            files = data.get("files") or {}
            return Ownership(data.get("kind"), {k: v for k, v in files.items() if isinstance(v, dict)})
        except (OSError, ValueError, AttributeError):
            # damaged: ours, nothing recorded is trusted; the names a manifest or stage record lists are known
            legacy = _legacy(d)
            return Ownership(None, legacy.files if legacy else {}, legacy=legacy is not None, damaged=True)
    return _legacy(d)


def _legacy(d: Path) -> Ownership | None:
    names: set[str] = set()
    for record, pick in (
        ("manifest.json", lambda m: m.get("files") if "synthsocial_version" in m else None),
        ("stages.json", lambda s: [o for r in s.values() if isinstance(r, dict) for o in r.get("outputs") or []]),
    ):
        try:
            data = json.loads((d / record).read_text(encoding="utf-8"))
            found = pick(data) if isinstance(data, dict) else None
        except (OSError, ValueError, AttributeError, TypeError):
            continue
        if found is not None:
            names.update(str(x) for x in found)
            names.add(record)
    if not names:
        return None
    return Ownership("world", {n: {} for n in names}, legacy=True)


def _special(d: Path) -> str | None:
    """Why ``d`` must never be replaced, if it must not."""
    if d == Path(d.anchor):
        return "the root directory"
    if d == real_path(Path.home()):
        return "your home directory"
    try:
        cwd = real_path(Path.cwd())
    except OSError:
        return None
    if d == cwd:
        return "the current directory"
    if cwd.is_relative_to(d):
        return "a parent of the current directory"
    return None


def check_output(
    path: str | Path,
    kinds: tuple[str, ...],
    *,
    replace: bool = False,
    overwrite: bool = False,
    must_exist: bool = False,
    option: str = "--out",
) -> Path:
    """Check that a command may write ``path`` (``replace``: as a whole); return its real path.

    Refused, with one line naming the path and why: an empty path; a path that exists and is not
    a directory; a non-empty directory that synthsocial did not write or of another kind; and,
    for ``replace``, the current directory, a parent of it, ``/`` and the home directory, and a
    directory of ours that is not empty unless ``overwrite`` (then only when it holds nothing
    but what synthsocial wrote).
    """
    shown = str(path)
    if not shown.strip():
        raise ConfigError(f"{option} is empty: name a directory (an unset shell variable?)")
    d = real_path(path)  # a symbolic link is followed: what it points to is checked (and written)
    if replace and (why := _special(d)):
        raise OutputError(
            f"{option} {shown!r} is {why}; synthsocial replaces its output directory as a whole: name a new directory"
        )
    if not d.exists():
        if must_exist:
            raise InputError(f"{option} {shown!r}: no such directory")
        return d
    if not d.is_dir():
        raise OutputError(f"{option} {shown!r} exists and is not a directory; choose another path")
    try:
        entries = list(d.iterdir())
    except OSError as exc:
        raise OutputError(f"{option} {shown!r} cannot be read: {exc.strerror or exc}") from None
    if not entries:
        return d
    owner = ownership(d)
    if owner is None:
        raise OutputError(
            f"{option} {shown!r} exists, is not empty and was not written by synthsocial (no {MARKER} in it); "
            "nothing was touched: choose a new directory"
        )
    if owner.kind is not None and owner.kind not in kinds:
        raise OutputError(
            f"{option} {shown!r} is a synthsocial {owner.kind} directory, not a {' or '.join(kinds)} directory; "
            "choose another path"
        )
    if replace:
        if not overwrite:
            raise OutputError(
                f"output directory {shown!r} exists and is not empty; choose another path or pass {{overwrite}}",
                overwrite="overwrite",
            )
        if foreign := owner.foreign(entries):
            raise OutputError(
                f"{option} {shown!r} holds {foreign[0]!r}, which synthsocial did not write; {{overwrite}} replaces "
                "only what synthsocial wrote: move it away or choose another path",
                overwrite="overwrite",
            )
    return d


def record(d: Path, names: Iterable[str], kind: str) -> dict[str, str]:
    """Register ``names`` (top-level entries of ``d``) in its marker with their hashes; names
    that no longer exist are dropped. Return {name: sha256} of those that exist."""
    owner = ownership(d) or Ownership(kind)
    files = {k: v for k, v in owner.files.items() if not owner.legacy or (d / k).exists()}
    kind = owner.kind or kind
    found: dict[str, str] = {}
    for name in names:
        p = d / name
        if p.exists():
            found[name] = digest(p)
            files[name] = {"bytes": _size(p), "sha256": found[name]}
        else:
            files.pop(name, None)
    write_marker(d, kind, files)
    return found


def register(d: Path, hashes: dict[str, str], kind: str) -> None:
    """Register entries of ``d`` whose SHA-256 the caller already verified ({name: sha256}) in its marker,
    without hashing them again (``world`` restores a damaged marker from its stage record)."""
    owner = ownership(d) or Ownership(kind)
    files = dict(owner.files)
    for name, sha in hashes.items():
        files[name] = {"bytes": _size(d / name), "sha256": sha}
    write_marker(d, owner.kind or kind, files)


def write_marker(d: Path, kind: str, files: dict[str, dict] | None = None) -> None:
    """Write the marker ``d/.synthsocial`` (atomically): written by synthsocial, this version, the directory's ``kind``
    and ``files`` ({name: {"bytes": ..., "sha256": ...}}, sorted by name; none by default)."""
    data = {
        "written_by": "synthsocial",
        "version": __version__,
        "kind": kind,
        "files": dict(sorted((files or {}).items())),
    }
    atomic_text(d / MARKER, json.dumps(data, indent=1) + "\n")


def mismatched(d: Path, expected: dict[str, str | None]) -> list[str]:
    """Names whose entry in ``d`` is missing, unreadable, or not of the expected SHA-256."""
    out = []
    for name, want in expected.items():
        try:
            ok = want is not None and (d / name).exists() and digest(d / name) == want
        except OSError:
            ok = False
        if not ok:
            out.append(name)
    return out


def changed(d: Path, names: Iterable[str]) -> list[str]:
    """Names among ``names`` that differ from what the marker records (missing or unreadable
    count as changed); names it does not record, with a hash, are not judged."""
    owner = ownership(d)
    if owner is None:
        return []
    recorded = {n: owner.files.get(n, {}).get("sha256") for n in names}
    return mismatched(d, {n: h for n, h in recorded.items() if h is not None})


def warn_if_changed(d: Path, names: Iterable[str]) -> None:
    """Warn (DamagedFileWarning) about every file of ``names`` in ``d`` that differs from what
    synthsocial wrote."""
    for name in changed(d, names):
        if not (d / name).exists():
            continue  # the reader says what is missing
        try:
            digest(d / name)
        except OSError as exc:  # not changed: unreadable (permissions, a folder's unreadable part)
            raise InputError(f"{d / name} cannot be read: {exc.strerror or exc}") from None
        warnings.warn(
            f"{d / name} differs from what synthsocial wrote (its SHA-256 is not the one recorded in "
            f"{d / MARKER}): it was damaged or edited; results that read it may be wrong",
            DamagedFileWarning,
            stacklevel=2,
        )


@contextmanager
def output_directory(
    path: str | Path,
    kind: str,
    *,
    command: str,
    accept: tuple[str, ...] | None = None,
    must_exist: bool = False,
    option: str = "--out",
    check: Callable[[Path], None] | None = None,
) -> Iterator[Path]:
    """Write into the directory ``path`` (created if needed): hold its lock, check that it may be
    written (:func:`check_output`, then ``check`` if given), mark it as ours, and yield its real
    path. If the block fails while the directory holds nothing but our bookkeeping, the directory
    is left as it was found: removed (with the parents made for it) when it did not exist, emptied
    when it was empty. A damaged marker is written again, with a warning."""
    if not str(path).strip():
        raise ConfigError(f"{option} is empty: name a directory (an unset shell variable?)")
    d = real_path(path)
    if must_exist and not d.is_dir():
        raise InputError(f"{option} {str(path)!r}: no such directory")
    made = missing_parents(d)
    try:
        d.parent.mkdir(parents=True, exist_ok=True)
    except OSError as exc:
        remove_dirs(made)
        raise OutputError(f"{option} {str(path)!r} cannot be written: {exc.strerror or exc}") from None
    try:
        with locked(d, write=True, command=command):
            check_output(path, accept or (kind,), must_exist=must_exist, option=option)
            if check is not None:
                check(d)
            before = "absent" if not d.exists() else "full" if any(d.iterdir()) else "empty"
            try:
                d.mkdir(exist_ok=True)
            except OSError as exc:
                raise OutputError(f"{option} {str(path)!r} cannot be written: {exc.strerror or exc}") from None
            if before == "absent":
                made.append(d)
            try:
                if not os.access(d, os.W_OK):
                    raise OutputError(f"{option} {str(path)!r}: not writable")
                owner = ownership(d)
                if owner is not None and owner.damaged:
                    warnings.warn(
                        f"{d / MARKER} was damaged or edited: written again (the hashes it held are lost; "
                        "`synthsocial world` restores a world's from stages.json)",
                        DamagedFileWarning,
                        stacklevel=3,
                    )
                if owner is None or owner.legacy or owner.kind is None:
                    record(d, [], kind)
                yield d
            except BaseException:  # a failed first run leaves the directory as it was: absent or empty
                if before != "full" and _only_bookkeeping(d):
                    _empty(d)
                else:
                    made = []  # what was written stays (a rerun resumes it), and the parents that hold it
                raise
    except BaseException:
        remove_dirs(made)
        raise


def missing_parents(d: Path) -> list[Path]:
    """The ancestors of ``d`` that do not exist, outermost first."""
    missing = []
    p = d.parent
    while not p.exists() and p != p.parent:
        missing.append(p)
        p = p.parent
    return missing[::-1]


def remove_dirs(made: list[Path]) -> None:
    """Remove the directories of ``made`` (created by this process, outermost first) that are empty."""
    for p in reversed(made):
        with suppress(OSError):
            p.rmdir()


def _only_bookkeeping(d: Path) -> bool:
    """Whether ``d`` holds nothing but our marker, stage record and temporary names (a failed first run)."""
    try:
        return all(p.name in BOOKKEEPING or _TEMPORARY.match(p.name) for p in d.iterdir())
    except OSError:
        return False


def _empty(d: Path) -> None:
    """Remove what :func:`_only_bookkeeping` found in ``d``."""
    for p in d.iterdir():
        with suppress(OSError):
            if p.is_dir() and not p.is_symlink():
                shutil.rmtree(p)
            else:
                p.unlink()
