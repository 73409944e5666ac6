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
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import TYPE_CHECKING

import pyarrow as pa
import pyarrow.compute as pc
import pyarrow.csv as pacsv
import pyarrow.parquet as pq

from ..errors import ConfigError, OutputError

if TYPE_CHECKING:
    from ..world import World

FORMATS = ("parquet", "csv", "graphml", "gexf")
LIST_SEPARATOR = "|"


def _describe(exc: OSError) -> str:
    return exc.strerror or str(exc)


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
    atomic_file(target, lambda tmp: tmp.write_text(text, encoding="utf-8"))


def writable_directory(path: str | Path) -> Path:
    """Create ``path`` (and its parents) if needed and check that it can be written; return it."""
    p = Path(path)
    try:
        p.mkdir(parents=True, exist_ok=True)
    except OSError as exc:
        raise OutputError(f"cannot create {p}: {exc.strerror or exc}") from None
    if not os.access(p, os.W_OK):
        raise OutputError(f"{p}: not writable")
    return p


def _remove_stale(target: Path) -> None:
    """Remove the temporary directories of earlier runs for ``target`` whose process is gone
    (killed with SIGKILL, or the machine stopped)."""
    if not target.parent.is_dir():
        return
    prefix = f".{target.name}.tmp-"
    for p in target.parent.iterdir():
        if not p.name.startswith(prefix):
            continue
        pid = p.name[len(prefix):].split("-", 1)[0]
        if not pid.isdigit():
            continue
        try:
            os.kill(int(pid), 0)
        except ProcessLookupError:
            shutil.rmtree(p, ignore_errors=True)
        except OSError:
            pass


@contextmanager
def atomic_directory(target: str | Path, overwrite: bool = False) -> Iterator[Path]:
    """Yield a fresh temporary directory that becomes ``target`` when the block succeeds.

    An existing non-empty ``target`` is refused unless ``overwrite``; then it is replaced only
    after the new content is complete.
    """
    target = Path(target).absolute()
    if target.exists() or target.is_symlink():
        if not target.is_dir():
            raise OutputError(f"output {str(target)!r} exists and is not a directory; choose another path")
        if not overwrite and any(target.iterdir()):
            raise OutputError(f"output directory {str(target)!r} exists and is not empty; choose another path or pass --overwrite")
    _remove_stale(target)
    missing = []
    p = target.parent
    while not p.exists():
        missing.append(p)
        p = p.parent
    created: list[Path] = []

    def remove_created() -> None:
        for d in reversed(created):
            try:
                d.rmdir()
            except OSError:
                pass

    try:
        for d in reversed(missing):
            d.mkdir()
            created.append(d)
        tmp = Path(tempfile.mkdtemp(prefix=f".{target.name}.tmp-{os.getpid()}-", dir=target.parent))
    except OSError as exc:
        remove_created()
        raise OutputError(f"output directory {str(target)!r} cannot be written: {_describe(exc)}") from None
    try:
        yield tmp
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
    except BaseException as exc:
        shutil.rmtree(tmp, ignore_errors=True)
        remove_created()
        if isinstance(exc, OSError) and not isinstance(exc, OutputError):
            raise OutputError(f"output directory {str(target)!r} cannot be written: {_describe(exc)}") from None
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
    (directory / "manifest.json").write_text(json.dumps(manifest, indent=2) + "\n", encoding="utf-8")
    return manifest["files"]
