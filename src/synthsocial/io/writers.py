"""Writers: a world directory appears whole or not at all.

:func:`atomic_directory` hands out a temporary directory beside the target and renames it into
place only when everything inside was written; on any failure it removes the temporary
directory (and any parent it created), so no partial output is left behind.
"""

from __future__ import annotations

import json
import os
import shutil
import tempfile
from collections.abc import Iterator
from contextlib import contextmanager, suppress
from pathlib import Path
from typing import TYPE_CHECKING

import pyarrow as pa
import pyarrow.compute as pc
import pyarrow.csv as pacsv
import pyarrow.parquet as pq

from ..errors import ConfigError, OutputError
from .lock import locked, real_path
from .ownership import MARKER, check_output, record

if TYPE_CHECKING:
    from ..world import World

FORMATS = ("parquet", "csv", "graphml", "gexf")
LIST_SEPARATOR = "|"


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
    missing = []
    p = target.parent
    while not p.exists():
        missing.append(p)
        p = p.parent
    created: list[Path] = []

    def remove_created() -> None:
        for d in reversed(created):
            with suppress(OSError):
                d.rmdir()

    try:
        for d in reversed(missing):
            d.mkdir()
            created.append(d)
    except OSError as exc:
        remove_created()
        raise OutputError(f"output directory {shown!r} cannot be written: {_describe(exc)}") from None
    try:
        with locked(target, write=True, command=command):
            check_output(shown, (kind,), replace=True, overwrite=overwrite)
            _remove_stale(target)
            try:
                tmp = Path(tempfile.mkdtemp(prefix=f".{target.name}.tmp-{os.getpid()}-", dir=target.parent))
            except OSError as exc:
                raise OutputError(f"output directory {shown!r} cannot be written: {_describe(exc)}") from None
            try:
                yield tmp
                record(tmp, sorted(p.name for p in tmp.iterdir() if p.name != MARKER), kind)
                umask = os.umask(0)
                os.umask(umask)
                os.chmod(tmp, 0o777 & ~umask)
                if target.exists():
                    old = Path(tempfile.mkdtemp(prefix=f".{target.name}.old-", dir=target.parent))
                    os.rename(target, old / "x")
                    os.rename(tmp, target)
                    shutil.rmtree(old, ignore_errors=True)
                else:
                    os.rename(tmp, target)
            except BaseException:
                shutil.rmtree(tmp, ignore_errors=True)
                raise
    except BaseException as exc:
        remove_created()
        if isinstance(exc, OSError) and not isinstance(exc, OutputError):
            raise OutputError(f"output directory {shown!r} cannot be written: {_describe(exc)}") from None
        raise


def check_formats(formats: tuple[str, ...] | list[str]) -> tuple[str, ...]:
    bad = [f for f in formats if f not in FORMATS]
    if bad:
        raise ConfigError(f"format {bad[0]!r} is not accepted: use one of {', '.join(FORMATS)}")
    return tuple(dict.fromkeys(formats))


def flat_users(users: pa.Table) -> pa.Table:
    """The users table with list columns joined by '|' (for CSV, GraphML, GEXF)."""
    cols = {}
    for name in users.column_names:
        col = users[name]
        cols[name] = pc.binary_join(col, LIST_SEPARATOR) if pa.types.is_list(col.type) else col
    return pa.table(cols)


def write_world(world: World, directory: Path, formats: tuple[str, ...] = ()) -> list[str]:
    """Write the world's files into ``directory``; return their names."""
    formats = check_formats(formats)
    written = ["users.parquet", "edges.parquet"]
    pq.write_table(world.users, directory / "users.parquet", compression="zstd")
    pq.write_table(world.edges, directory / "edges.parquet", compression="zstd")
    if "csv" in formats:
        pacsv.write_csv(flat_users(world.users), directory / "users.csv")
        pacsv.write_csv(world.edges, directory / "edges.csv")
        written += ["users.csv", "edges.csv"]
    if "graphml" in formats or "gexf" in formats:
        import networkx as nx

        g = world.to_networkx(lists_as_strings=True)
        if "graphml" in formats:
            nx.write_graphml(g, directory / "graph.graphml")
            written.append("graph.graphml")
        if "gexf" in formats:
            nx.write_gexf(g, directory / "graph.gexf")
            written.append("graph.gexf")
    manifest = world.manifest()
    manifest["files"] = written + ["manifest.json"]
    (directory / "manifest.json").write_text(json.dumps(manifest, indent=2, allow_nan=False) + "\n", encoding="utf-8")
    return manifest["files"]
