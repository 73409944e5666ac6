"""Readers for corpora of real (or synthetic) posts.

:func:`read_corpus` accepts any table with a text column and, optionally, a platform column:
Parquet, CSV / TSV (header or not), JSON (a list of objects), JSONL, or plain text (one post per
line). Columns are named by ``text_col`` / ``platform_col`` (a name, or a 0-based index for files
without a header); ``platform`` sets one platform for a single-platform file. The result is a
pyarrow table with ``text``, ``platform`` and, when present, ``topic``.

:func:`read_shared_posts` reads the three corpora of ``../shared/data/posts`` (SemEval stance
tweets with their topic from the file name, GoEmotions Reddit comments, MDID Instagram captions).
"""

from __future__ import annotations

import csv
import json
import sys
from pathlib import Path

import pyarrow as pa

from ..config import Options
from ..errors import ConfigError, InputError
from ..specs.base import check_corpus_platform
from .readers import read_parquet

TEXT_CANDIDATES = ("text", "body", "content", "caption", "orig_caption", "post", "message", "tweet")


def _pick(columns: list[str], wanted: str | int | None, what: str, path: Path, candidates=()) -> str | None:
    if wanted is None:
        for c in candidates:
            if c in columns:
                return c
        return None
    if isinstance(wanted, int) or (isinstance(wanted, str) and wanted.isdigit() and wanted not in columns):
        i = int(wanted)
        if not 0 <= i < len(columns):
            raise ConfigError(f"{path}: {what} column index {i} is out of range (the file has {len(columns)} columns)")
        return columns[i]
    if wanted not in columns:
        raise ConfigError(f"{path}: no {what} column {wanted!r}; columns: {', '.join(map(str, columns))}")
    return wanted


def _rows_to_table(
    rows: list[dict], path: Path, text_col, platform_col, platform, topic_col, id_col=None, parent_col=None
) -> pa.Table:
    if not rows:
        raise InputError(f"{path}: the corpus is empty")
    columns = list(rows[0].keys())
    tcol = _pick(columns, text_col, "text", path, TEXT_CANDIDATES)
    if tcol is None:
        raise InputError(
            f"{path}: no text column found; name it with {{text_col}} (columns: {', '.join(map(str, columns))})",
            text_col="posts.text_col",
        )
    pcol = _pick(columns, platform_col, "platform", path, ("platform",) if platform is None else ())
    ocol = _pick(columns, topic_col, "topic", path, ("topic",))
    icol = _pick(columns, id_col, "id", path)
    parcol = _pick(columns, parent_col, "parent id", path)
    if (icol is None) != (parcol is None):
        raise InputError(
            f"{path}: replies need both an id column and a parent id column ({{id_col}} and {{parent_col}})",
            id_col="adapt.id_col",
            parent_col="adapt.parent_col",
        )
    texts = [r.get(tcol) for r in rows]
    keep = [i for i, t in enumerate(texts) if isinstance(t, str) and t.strip()]
    if not keep:
        raise InputError(f"{path}: the corpus has no non-empty text in column {tcol!r}")
    if pcol is not None:
        platforms = [str(rows[i].get(pcol) or "").strip().lower() for i in keep]
    elif platform is not None:
        platforms = [platform.lower()] * len(keep)
    else:
        raise InputError(
            f"{path}: no platform column; name it with {{platform_col}} or give {{platform}} NAME for a "
            "single-platform file",
            platform_col="posts.platform_col",
            platform="adapt.platform",
        )
    cols = {"text": [texts[i].strip() for i in keep], "platform": platforms}
    if ocol is not None:
        cols["topic"] = [str(rows[i].get(ocol) or "") for i in keep]
    if icol is not None:
        cols["id"] = [str(rows[i].get(icol) or "") for i in keep]
        cols["parent_id"] = [str(rows[i].get(parcol) or "") for i in keep]
    return pa.table(cols)


def read_corpus(
    path: str | Path,
    text_col: str | int | None = None,
    platform_col: str | int | None = None,
    platform: str | None = None,
    topic_col: str | int | None = None,
    id_col: str | int | None = None,
    parent_col: str | int | None = None,
) -> pa.Table:
    """Read a corpus of posts into a table with ``text``, ``platform`` (and ``topic``; ``id`` and ``parent_id``
    when ``id_col`` and ``parent_col`` name them: a reply's parent id is the id of the post it answers)."""
    p = Path(path)
    if not p.exists():
        raise InputError(f"corpus {str(p)!r} does not exist")
    if p.is_dir():
        raise InputError(f"corpus {str(p)!r} is a directory; give a file (Parquet, CSV, TSV, JSON, JSONL or text)")
    suffix = p.suffix.lower()
    try:
        if suffix == ".parquet":
            rows = read_parquet(p).to_pylist()
        elif suffix in (".csv", ".tsv"):
            rows = _read_delimited(p, "\t" if suffix == ".tsv" else ",", text_col)
        elif suffix == ".jsonl":
            rows = []
            for lineno, line in enumerate(p.read_text(encoding="utf-8").splitlines(), 1):
                if line.strip():
                    obj = _json(line, f"{p}:{lineno}")
                    if not isinstance(obj, dict):
                        raise InputError(f"{p}:{lineno}: expected a JSON object per line")
                    rows.append(obj)
        elif suffix == ".json":
            data = _json(p.read_text(encoding="utf-8"), str(p))
            if not isinstance(data, list) or not all(isinstance(r, dict) for r in data):
                raise InputError(f"{p}: expected a JSON list of objects (one per post)")
            rows = data
        elif suffix in (".txt", ""):
            rows = [{"text": line} for line in p.read_text(encoding="utf-8").splitlines()]
            text_col = "text" if text_col is None else text_col
        else:
            raise InputError(
                f"corpus {str(p)!r}: unknown format {suffix!r}; accepted: .parquet, .csv, .tsv, .json, .jsonl, .txt"
            )
    except UnicodeDecodeError:
        raise InputError(f"{p}: not UTF-8 text; save it as UTF-8") from None
    except OSError as exc:
        raise InputError(f"{p}: cannot be read: {exc.strerror or exc}") from None
    return _rows_to_table(rows, p, text_col, platform_col, platform, topic_col, id_col, parent_col)


def _json(text: str, where: str):
    """``text`` parsed as JSON, or one line naming ``where`` (malformed, nested too deeply, a number too long)."""
    try:
        return json.loads(text)
    except json.JSONDecodeError as exc:
        raise InputError(f"{where}: not valid JSON: {exc}") from None
    except (ValueError, RecursionError) as exc:
        raise InputError(f"{where}: not readable JSON: {str(exc)[:120] or 'nested too deeply'}") from None


def _read_delimited(p: Path, delimiter: str, text_col) -> list[dict]:
    """Rows of a CSV or TSV file (a header unless the text column is given by index). Any field size
    is read (the csv module's own limit, 128 KiB, is lifted while this file is read); a row the
    csv module cannot parse is one line naming the file and the line."""
    kind = "TSV" if delimiter == "\t" else "CSV"
    limit = csv.field_size_limit()
    csv.field_size_limit(_FIELD_LIMIT)
    try:
        with p.open(encoding="utf-8", newline="") as fh:
            reader = csv.reader(fh, delimiter=delimiter)
            try:
                first = next(reader, None)
                if first is None:
                    return []
                by_index = isinstance(text_col, int) or (isinstance(text_col, str) and text_col.isdigit())
                if by_index:
                    header = [str(i) for i in range(len(first))]
                    data = [first, *reader]
                else:
                    header = first
                    data = list(reader)
            except csv.Error as exc:
                raise InputError(f"{p}:{reader.line_num}: not a readable {kind} row ({exc})") from None
    finally:
        csv.field_size_limit(limit)
    return [dict(zip(header, row)) for row in data]


_FIELD_LIMIT = min(sys.maxsize, 2**31 - 1)  # the largest the csv module takes on every platform (a C long)


SHARED_TOPICS = ("abortion", "atheism", "climate", "feminist", "hillary")


def read_shared_posts(posts_dir: str | Path) -> pa.Table:
    """The three real corpora of ``../shared/data/posts`` as one table (text, platform, topic)."""
    d = Path(posts_dir)
    expected = [f"twitter_stance_{t}.txt" for t in SHARED_TOPICS] + ["reddit_goemotions.tsv", "instagram_mdid.json"]
    if missing := [name for name in expected if not (d / name).is_file()]:
        raise InputError(
            f"{d} is a directory but not the shared corpora folder (no {missing[0]}); give a corpus file (Parquet, "
            "CSV, TSV, JSON, JSONL or text), a world's posts.parquet, or ../shared/data/posts"
        )
    parts = []
    for topic in SHARED_TOPICS:
        t = read_corpus(d / f"twitter_stance_{topic}.txt", platform="twitter")
        parts.append(t.append_column("topic", pa.array([topic] * t.num_rows)))
    reddit = read_corpus(d / "reddit_goemotions.tsv", text_col=0, platform="reddit")
    parts.append(reddit.append_column("topic", pa.array([""] * reddit.num_rows)))
    insta = read_corpus(d / "instagram_mdid.json", text_col="orig_caption", platform="instagram")
    parts.append(insta.append_column("topic", pa.array([""] * insta.num_rows)))
    return pa.concat_tables(parts)


class CorpusSource(Options):
    """Where real posts come from: a corpus file and its columns (names or 0-based indices; see
    :func:`read_corpus`), or the folder of the shared corpora (``../shared/data/posts``)."""

    path: str
    text_col: str | None = None
    platform_col: str | None = None
    platform: str | None = None
    id_col: str | None = None
    parent_col: str | None = None

    def __init__(self, **data) -> None:
        super().__init__(**data)
        object.__setattr__(self, "platform", check_corpus_platform(self.platform_col, self.platform))

    def read(self) -> pa.Table:
        """The posts as a table (``text``, ``platform``, and ``topic`` when known): the shared corpora when ``path`` is
        a directory, else the file read by :func:`read_corpus` with these columns."""
        p = Path(self.path)
        if p.is_dir():
            return read_shared_posts(p)
        return read_corpus(
            p,
            text_col=self.text_col,
            platform_col=self.platform_col,
            platform=self.platform,
            id_col=self.id_col,
            parent_col=self.parent_col,
        )
