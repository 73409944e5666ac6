"""Readers for our worlds and for the real graphs researchers bring.

:func:`read_graph` picks the reader from the path:

* a directory written by ``synthsocial generate`` (``edges.parquet`` + ``users.parquet``);
* ``.json``: the follower format ``{"labels": {id: label}, "edges": [[u, v], ...]}`` (u follows v);
* ``.mat``: Facebook100 (``A`` sparse adjacency, optional ``local_info`` attributes);
* ``.parquet``: an edge table (``source``/``target`` columns, or the first two columns);
* anything else: an edge list, whitespace-, tab- or comma-separated, with or without a header,
  ``#`` / ``%`` comment lines skipped, extra columns ignored.

Original node ids are relabelled 0..n-1 in sorted order and kept in ``Graph.labels``. Every
malformed input raises :class:`~synthsocial.errors.InputError` naming the file (and the line,
for text formats).
"""

from __future__ import annotations

import json
import re
from pathlib import Path

import numpy as np
import pyarrow as pa
import pyarrow.compute as pc
import pyarrow.csv as pacsv
import pyarrow.parquet as pq

from ..errors import InputError, printable
from ..graph import Graph
from .native import check_mat, check_parquet

FB100_COLUMNS = ["status", "gender", "major", "second_major", "dorm", "year", "high_school"]
_INT = re.compile(r"^[+-]?\d+$")


def read_graph(path: str | Path, directed: bool | None = None) -> Graph:
    """Read a graph; ``directed`` overrides the format's default where that makes sense."""
    p = Path(path)
    if not p.exists():
        raise InputError(f"graph {str(p)!r} does not exist")
    if p.is_dir():
        return read_world(p)
    suffix = p.suffix.lower()
    if suffix == ".json":
        return read_follower_json(p, directed=True if directed is None else directed)
    if suffix == ".mat":
        return read_fb100(p, directed=directed)
    if suffix == ".parquet":
        return read_parquet_edges(p, directed=True if directed is None else directed)
    return read_edge_list(p, directed=True if directed is None else directed)


def _relabel(src: np.ndarray, dst: np.ndarray, extra: np.ndarray | None = None):
    ids = np.unique(np.concatenate([src, dst] + ([extra] if extra is not None else [])))
    return ids, np.searchsorted(ids, src), np.searchsorted(ids, dst)


def _check_nonempty(p: Path, m: int) -> None:
    if m == 0:
        raise InputError(f"{p}: no edges found")


def damaged(path: Path, exc: BaseException, kind: str = "Parquet") -> InputError:
    """One line naming a file (Parquet, or another ``kind``) that cannot be read, and why."""
    why = printable(str(exc)) or type(exc).__name__
    return InputError(f"{path}: not a readable {kind} file ({why}); it may be truncated or damaged")


def read_parquet(path: Path, columns: list[str] | None = None, integer: tuple[str, ...] = ()) -> pa.Table:
    """A Parquet file (or a directory of parts) as one table. A damaged file, a missing column or
    a column of ``integer`` that does not hold integers becomes one line naming the file."""
    check_parquet(path)
    try:
        t = pq.read_table(path, columns=columns)
    except (pa.ArrowException, OSError, KeyError, ValueError) as exc:
        raise damaged(path, exc) from None
    check_integer_columns(path, t.schema, integer)
    return t


def check_integer_columns(path: Path, schema: pa.Schema, names: tuple[str, ...]) -> None:
    """Raise InputError naming ``path`` unless every column of ``names`` is in ``schema`` with an integer type."""
    for name in names:
        i = schema.get_field_index(name)
        if i < 0:
            raise InputError(f"{path}: no column {name!r}; found {', '.join(schema.names) or 'none'}")
        if not pa.types.is_integer(schema.field(i).type):
            raise InputError(
                f"{path}: column {name!r} holds {schema.field(i).type}; node and user ids must be integers"
            )


def check_world(d: Path) -> None:
    """Refuse a directory that is not a world (users.parquet and edges.parquet)."""
    if not (d / "users.parquet").exists() or not (d / "edges.parquet").exists():
        raise InputError(
            f"{d}: not a synthsocial world (needs users.parquet and edges.parquet); expected the output "
            "directory of `synthsocial generate`"
        )


def world_tables(
    d: Path, users_columns: list[str] | None = None, need_users: bool = True
) -> tuple[pa.Table | None, pa.Table]:
    """(users, edges) of a world directory (single or partitioned Parquet), checked: readable,
    ids of integer type; a file that differs from what synthsocial wrote is warned about."""
    from .ownership import warn_if_changed

    edges_path, users_path = d / "edges.parquet", d / "users.parquet"
    if not d.is_dir() or not edges_path.exists() or (need_users and not users_path.exists()):
        need = "users.parquet and edges.parquet" if need_users else "edges.parquet"
        raise InputError(
            f"{d}: not a synthsocial world (needs {need}); expected the output directory of `synthsocial generate`"
        )
    warn_if_changed(d, ["users.parquet", "edges.parquet"])
    edges = read_parquet(edges_path, ["source", "target"], integer=("source", "target"))
    if edges["source"].null_count or edges["target"].null_count:
        raise InputError(f"{edges_path}: source and target must not be null")
    users = None
    if users_path.exists():
        cols = None if users_columns is None else ["user_id", *[c for c in users_columns if c != "user_id"]]
        users = read_parquet(users_path, cols, integer=("user_id",))
        if "age" in users.column_names:
            check_integer_columns(users_path, users.schema, ("age",))
        check_edge_ids(edges_path, edges, users.num_rows)
    return users, edges


def check_edge_ids(path: Path, edges: pa.Table, n: int) -> None:
    """Refuse edges (columns source, target) that name users outside 0..n-1: ``n`` users are in the world."""
    if edges.num_rows == 0:
        return
    lo = min(pc.min(edges["source"]).as_py(), pc.min(edges["target"]).as_py())
    hi = max(pc.max(edges["source"]).as_py(), pc.max(edges["target"]).as_py())
    if lo < 0 or hi >= n:
        raise InputError(
            f"{path}: edges name users outside 0..{n - 1} (user {lo if lo < 0 else hi}; the users.parquet beside it "
            f"has {n:,} rows): the world was damaged or edited"
        )


def read_world(d: Path) -> Graph:
    """A world directory written by ``synthsocial generate``."""
    users, edges = world_tables(d, need_users=False)
    n = users.num_rows if users is not None else None
    if users is not None:
        ids = users["user_id"].to_numpy()
        if not np.array_equal(ids, np.arange(n)):
            raise InputError(f"{d / 'users.parquet'}: user_id must be 0..{n - 1} in order")
        users = _analysis_attributes(users, d / "manifest.json")
    src = edges["source"].to_numpy().astype(np.int64, copy=False)
    dst = edges["target"].to_numpy().astype(np.int64, copy=False)
    if n is None:
        n = int(max(src.max(), dst.max()) + 1) if src.size else 0
    return Graph.from_edges(src, dst, n, directed=True, nodes=users, name=str(d))


def _analysis_attributes(users: pa.Table, manifest: Path) -> pa.Table:
    """Our users table in the form the homophily analysis reads: the name (an identifier) is
    dropped, the age band is added (bands from the manifest's config), and the list of Big Five
    traits becomes one "+"/"-" column per trait."""
    from ..config import GeneratorConfig

    try:
        bands = json.loads(manifest.read_text())["config"]["population"]["age_bands"]
    except (OSError, ValueError, KeyError, TypeError):
        bands = GeneratorConfig().population.age_bands
    age = users["age"].to_numpy()
    lows = np.array([b[0] for b in bands])
    band = np.clip(np.searchsorted(lows, age, side="right") - 1, 0, len(bands) - 1)
    labels = [f"{lo}-{hi}" for lo, hi in bands]
    cols = {k: users[k] for k in users.column_names if k not in ("user_id", "name", "traits")}
    cols["age_band"] = pa.DictionaryArray.from_arrays(pa.array(band.astype(np.int32)), pa.array(labels)).cast(
        pa.string()
    )
    if "traits" in users.column_names and users.num_rows:
        traits = users["traits"].combine_chunks()
        for j in range(len(traits[0])):
            item = pc.list_element(traits, j)
            cols[str(item[0])[:-1]] = pc.utf8_slice_codeunits(item, -1)
    return pa.table(cols)


def read_follower_json(p: Path, directed: bool = True) -> Graph:
    """``{"labels": {id: label}, "edges": [[u, v], ...]}``: u follows v; labels become ``label``."""
    try:
        data = json.loads(p.read_text(encoding="utf-8"))
    except (OSError, UnicodeDecodeError, json.JSONDecodeError) as exc:
        raise InputError(f"{p}: not readable JSON: {exc}") from None
    if not isinstance(data, dict) or not isinstance(data.get("edges"), list):
        raise InputError(f'{p}: expected an object with an "edges" list of [follower, followed] pairs')
    edges = data["edges"]
    for i, e in enumerate(edges):
        if not (isinstance(e, list) and len(e) == 2):
            raise InputError(f"{p}: edge #{i} is {json.dumps(e)[:60]}; expected a [follower, followed] pair")
    _check_nonempty(p, len(edges))
    labels = data.get("labels") or {}
    if not isinstance(labels, dict):
        raise InputError(f'{p}: "labels" must be an object mapping node id to label')
    keys = [str(x) for e in edges for x in e]
    if not all(_INT.match(k) for k in keys + list(labels)):
        bad = next(k for k in keys + list(labels) if not _INT.match(k))
        raise InputError(f"{p}: node id {bad!r} is not an integer")
    arr = np.array([int(k) for k in keys], dtype=np.int64).reshape(-1, 2)
    label_ids = np.array([int(k) for k in labels], dtype=np.int64)
    ids, src, dst = _relabel(arr[:, 0], arr[:, 1], label_ids)
    nodes = None
    if labels:
        by_id = {int(k): v for k, v in labels.items()}
        nodes = pa.table({"label": pa.array([by_id.get(int(i)) for i in ids], pa.string())})
    return Graph.from_edges(src, dst, ids.size, directed=directed, nodes=nodes, labels=ids, name=str(p))


def read_fb100(p: Path, directed: bool | None = None) -> Graph:
    """Facebook100 ``.mat``: ``A`` adjacency (undirected when symmetric), ``local_info`` attributes."""
    import scipy.io
    import scipy.sparse as sp

    check_mat(p)
    try:
        mat = scipy.io.loadmat(p)
    except Exception as exc:  # scipy raises several types for corrupt files
        raise InputError(f"{p}: not a readable MATLAB file: {exc}") from None
    if "A" not in mat:
        keys = ", ".join(k for k in mat if not k.startswith("__")) or "none"
        raise InputError(f"{p}: no adjacency matrix 'A' (variables found: {keys})")
    a = sp.coo_array(mat["A"])
    if a.ndim != 2 or a.shape[0] != a.shape[1]:
        raise InputError(f"{p}: 'A' must be a square adjacency matrix, got shape {a.shape}")
    n = a.shape[0]
    if directed is None:
        directed = (sp.csr_array(a) != sp.csr_array(a).T).nnz > 0
    src, dst = a.row.astype(np.int64), a.col.astype(np.int64)
    nodes = None
    info = mat.get("local_info")
    if info is not None and info.shape[0] == n and info.shape[1] == len(FB100_COLUMNS):
        cols = {}
        for j, name in enumerate(FB100_COLUMNS):
            v = info[:, j].astype(np.int64)
            cols[name] = pa.array(v.astype(str), mask=v == 0)  # codes are categories; 0 = missing
        nodes = pa.table(cols)
    _check_nonempty(p, src.size)
    return Graph.from_edges(src, dst, n, directed=bool(directed), nodes=nodes, name=str(p))


def read_parquet_edges(p: Path, directed: bool = True) -> Graph:
    """A Parquet edge table as a Graph: columns ``source`` and ``target`` when both exist, else the first two; integer
    ids without nulls, relabelled 0..n-1 in sorted order (originals in ``labels``). InputError for an empty or
    malformed table."""
    t = read_parquet(p)
    cols = ["source", "target"] if {"source", "target"} <= set(t.column_names) else t.column_names[:2]
    if len(cols) < 2:
        raise InputError(f"{p}: an edge table needs two columns (source, target); found {t.column_names}")
    check_integer_columns(p, t.schema, tuple(cols))
    if t[cols[0]].null_count or t[cols[1]].null_count:
        raise InputError(f"{p}: columns {cols} must not hold nulls")
    src = t[cols[0]].to_numpy().astype(np.int64)
    dst = t[cols[1]].to_numpy().astype(np.int64)
    _check_nonempty(p, src.size)
    ids, s, d = _relabel(src, dst)
    return Graph.from_edges(s, d, ids.size, directed=directed, labels=ids, name=str(p))


def _first_bad_line(p: Path, delimiter: str | None, start: int) -> str:
    """Scan the text file for the first line that is not two integer ids (error path only)."""
    with p.open(encoding="utf-8", errors="replace") as fh:
        for lineno, line in enumerate(fh, 1):
            if lineno <= start or not line.strip() or line.lstrip()[0] in "#%":
                continue
            fields = line.split(delimiter) if delimiter else line.split()
            if len(fields) < 2:
                return f"{p}:{lineno}: expected two node ids, got {line.strip()[:60]!r}"
            for f in fields[:2]:
                if not _INT.match(f.strip()):
                    return f"{p}:{lineno}: node id {f.strip()[:40]!r} is not an integer"
    return f"{p}: malformed edge list"


def read_edge_list(p: Path, directed: bool = True) -> Graph:
    """An edge list: two integer ids per line, optional header, '#'/'%' comments."""
    try:
        with p.open("rb") as fh:
            head = fh.read(1 << 16).decode("utf-8", errors="replace").splitlines()
    except OSError as exc:
        raise InputError(f"{p}: cannot be read: {exc.strerror or exc}") from None
    skip = 0
    while skip < len(head) and (not head[skip].strip() or head[skip].lstrip()[0] in "#%"):
        skip += 1
    if skip == len(head):
        raise InputError(f"{p}: no edges found (the file is empty or holds only comments)")
    first = head[skip]
    delimiter = "," if "," in first else "\t" if "\t" in first else None
    fields = first.split(delimiter) if delimiter else first.split()
    has_header = len(fields) >= 2 and not all(_INT.match(f.strip()) for f in fields[:2])
    if has_header and not any(re.match(r"^[A-Za-z_]", f.strip()) for f in fields[:2]):
        has_header = False  # e.g. "1.5 x": a bad data line, not a header
    if delimiter is None and any("  " in line for line in head[skip : skip + 50]):
        edges = _read_whitespace(p, skip + has_header)
    else:
        try:
            table = pacsv.read_csv(
                p,
                read_options=pacsv.ReadOptions(skip_rows=skip + has_header, autogenerate_column_names=True),
                parse_options=pacsv.ParseOptions(delimiter=delimiter or " "),
                convert_options=pacsv.ConvertOptions(column_types={"f0": pa.int64(), "f1": pa.int64()}),
            )
        except (pa.ArrowInvalid, pa.ArrowException):
            raise InputError(_first_bad_line(p, delimiter, skip + has_header)) from None
        if table.num_columns < 2:
            raise InputError(_first_bad_line(p, delimiter, skip + has_header))
        edges = (
            np.column_stack([table.column(0).to_numpy(), table.column(1).to_numpy()])
            if table.num_rows
            else np.empty((0, 2), np.int64)
        )
    _check_nonempty(p, edges.shape[0])
    ids, src, dst = _relabel(edges[:, 0], edges[:, 1])
    return Graph.from_edges(src, dst, ids.size, directed=directed, labels=ids, name=str(p))


def _read_whitespace(p: Path, skip: int) -> np.ndarray:
    """Edge lists aligned with runs of spaces (rare; read line by line)."""
    rows = []
    with p.open(encoding="utf-8", errors="replace") as fh:
        for lineno, line in enumerate(fh, 1):
            if lineno <= skip or not line.strip() or line.lstrip()[0] in "#%":
                continue
            f = line.split()
            if len(f) < 2 or not (_INT.match(f[0]) and _INT.match(f[1])):
                raise InputError(_first_bad_line(p, None, skip))
            rows.append((int(f[0]), int(f[1])))
    return np.array(rows, dtype=np.int64).reshape(-1, 2)


def edge_files(directory: Path) -> list[Path]:
    """The edge Parquet files of a world: edges.parquet, or the parts of a partitioned one."""
    p = directory / "edges.parquet"
    files = sorted(p.glob("*.parquet")) if p.is_dir() else [p] if p.exists() else []
    if not files:
        raise InputError(
            f"{directory}: not a synthsocial world (no edges.parquet); expected the output directory of "
            "`synthsocial generate`"
        )
    return files


def stream_edges(files: list[Path]):
    """(source, target) arrays of a world's edge files, batch by batch, in file order (sorted by
    source, then target): what a reader too large for memory, or one that needs few users, scans."""
    for f in files:
        check_parquet(f)
        try:
            pf = pq.ParquetFile(f)
            check_integer_columns(f, pf.schema_arrow, ("source", "target"))
            for batch in pf.iter_batches(batch_size=1 << 22, columns=["source", "target"]):
                if batch.column(0).null_count or batch.column(1).null_count:
                    raise InputError(f"{f}: source and target must not be null")
                yield batch.column(0).to_numpy(), batch.column(1).to_numpy()
        except (pa.ArrowException, OSError) as exc:
            raise damaged(f, exc) from None


_CSV_BLOCK = 1 << 26  # pyarrow's blocks hold whole rows: 64 MiB takes rows far longer than its 1 MiB default


THREAD_COLUMNS = ("event_id", "parent_id", "user_id", "created_at")
PHEME_COLUMNS = ("thread", "tweet_id", "in_reply_tweet", "user_id", "created")


def read_threads(path: str | Path) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """(user, parent index or -1, epoch seconds) of every event of a thread file: a Parquet or CSV
    with ``event_id, parent_id, user_id, created_at`` (a timeline's events.parquet), or a PHEME CSV
    (``thread, tweet_id, in_reply_tweet, user_id, created`` in epoch ms; its parent ids are floats
    that lost precision, so a parent is matched to float(tweet_id) within the thread, and a reply
    whose parent is not in the file answers the thread's source tweet)."""
    p = Path(path)
    if not p.is_file():
        raise InputError(f"threads {str(p)!r}: no such file")
    if p.suffix == ".parquet":
        table = read_parquet(p)
    else:
        try:
            table = pacsv.read_csv(p, read_options=pacsv.ReadOptions(block_size=_CSV_BLOCK))
        except (OSError, pa.ArrowException) as exc:
            raise damaged(p, exc, "CSV") from None
    try:
        names = set(table.column_names)
    except UnicodeDecodeError:
        raise InputError(f"{p}: its column names are not UTF-8 text") from None
    pheme = set(PHEME_COLUMNS) <= names
    if not pheme and not set(THREAD_COLUMNS) <= names:
        raise InputError(
            f"{p}: not a thread file: it needs the columns {', '.join(THREAD_COLUMNS)} "
            f"(or PHEME's {', '.join(PHEME_COLUMNS)}); it has {printable(', '.join(table.column_names))}"
        )
    for name in ("thread", "tweet_id", "user_id", "created") if pheme else ("event_id", "user_id", "created_at"):
        if table[name].null_count:
            raise InputError(f"{p}: column {name!r} has empty values")
    if table.num_rows == 0:
        raise InputError(f"{p}: no events")
    try:
        return _pheme(table) if pheme else _threads(table)
    except (ValueError, TypeError, OverflowError, pa.ArrowException) as exc:
        raise InputError(f"{p}: a value is not an id or a time ({printable(str(exc), 120)})") from None


def _threads(table: pa.Table) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    ids = table["event_id"].to_numpy()
    index = {int(e): i for i, e in enumerate(ids)}
    parents = table["parent_id"].to_pylist()
    parent = np.array([-1 if x is None else index.get(int(x), -1) for x in parents], dtype=np.int64)
    t = table["created_at"]
    secs = t.cast(pa.timestamp("s")).cast(pa.int64()) if pa.types.is_timestamp(t.type) else t.cast(pa.int64())
    return table["user_id"].to_numpy(), parent, secs.to_numpy()


def _pheme(table: pa.Table) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    thread = np.array([int(x) for x in table["thread"].to_pylist()])
    tweet = np.array([int(x) for x in table["tweet_id"].to_pylist()])
    reply_to = np.array([np.nan if x is None else float(x) for x in table["in_reply_tweet"].to_pylist()])
    where = {(int(th), float(tw)): i for i, (th, tw) in enumerate(zip(thread, tweet))}
    source = {int(th): i for i, (th, tw) in enumerate(zip(thread, tweet)) if th == tw}
    parent = np.full(thread.size, -1, dtype=np.int64)
    for i, (th, r) in enumerate(zip(thread, reply_to)):
        if not np.isnan(r):
            parent[i] = where.get((int(th), r), source.get(int(th), -1))
            if parent[i] == i:
                parent[i] = -1
    created = table["created"].cast(pa.float64()).to_numpy() // 1000
    return table["user_id"].cast(pa.int64()).to_numpy(), parent, created.astype(np.int64)
