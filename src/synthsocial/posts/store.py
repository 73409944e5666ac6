"""A resumable, crash-safe store of generated posts.

Each finished batch becomes one Parquet file in ``DIR/.posts-parts/`` (written under a temporary
name, then renamed), so a kill -9 loses at most the batch in flight. Posts are keyed by
(user_id, platform, index): a rerun skips keys already stored. :meth:`PostStore.consolidate`
merges everything into ``DIR/posts.parquet`` (sorted by key, one row per key) with an atomic
replace, then removes the parts.
"""

from __future__ import annotations

import uuid
from pathlib import Path

import pyarrow as pa
import pyarrow.compute as pc
import pyarrow.parquet as pq

from ..errors import InputError, OutputError, printable
from ..io.atomic import atomic_file
from ..io.native import check_parquet

SCHEMA = pa.schema(
    [
        ("post_id", pa.string()),
        ("user_id", pa.int64()),
        ("platform", pa.string()),
        ("index", pa.int32()),
        ("kind", pa.string()),
        ("parent_id", pa.string()),
        ("root_id", pa.string()),
        ("topic", pa.string()),
        ("stance", pa.float64()),
        ("text", pa.string()),
        ("raw_text", pa.string()),
        ("created_at", pa.timestamp("s", tz="UTC")),
        ("strategy", pa.string()),
        ("backend", pa.string()),
        ("model", pa.string()),
        ("status", pa.string()),
        ("attempts", pa.int8()),
        ("failure", pa.string()),
    ]
)


class PostStore:
    """The posts stored in the world ``directory``: batches as Parquet parts in ``.posts-parts/``, merged into
    ``posts.parquet`` by :meth:`consolidate`."""

    def __init__(self, directory: Path) -> None:
        self.dir = Path(directory)
        self.parts = self.dir / ".posts-parts"
        self.final = self.dir / "posts.parquet"

    def _tables(self) -> list[pa.Table]:
        files = ([self.final] if self.final.exists() else []) + (
            sorted(self.parts.glob("part-*.parquet")) if self.parts.exists() else []
        )
        tables = []
        for f in files:
            try:
                check_parquet(f)
                tables.append(pq.read_table(f, schema=SCHEMA))
            except (pa.ArrowException, OSError, InputError) as exc:
                raise InputError(
                    f"{f}: stored posts that cannot be read ({printable(str(exc), 120)}); "
                    "remove the file to write those posts again"
                ) from None
        return tables

    def existing(self) -> pa.Table:
        """Every stored post as one table of ``SCHEMA``: posts.parquet first, then the parts by file name; an empty
        table when nothing is stored. InputError for a file that cannot be read."""
        tables = self._tables()
        return pa.concat_tables(tables) if tables else SCHEMA.empty_table()

    def append(self, rows: list[dict]) -> None:
        """Store ``rows`` (dicts with the columns of ``SCHEMA``) as a new part file, atomically; nothing for []."""
        if not rows:
            return
        try:
            self.parts.mkdir(parents=True, exist_ok=True)
        except OSError as exc:
            raise OutputError(f"{self.parts}: cannot store posts: {exc.strerror or exc}") from None
        table = pa.Table.from_pylist(rows, schema=SCHEMA)
        atomic_file(self.parts / f"part-{uuid.uuid4().hex}.parquet", lambda tmp: pq.write_table(table, tmp))

    def consolidate(self, placeholders: list[dict] | None = None) -> pa.Table:
        """Merge everything stored into posts.parquet (zstd), sorted by (user_id, platform, index) with one row per
        post_id (a written row before a ``capped`` one, then the first read wins), remove the parts and return the
        table. ``placeholders``: rows (status ``capped``) kept only for posts that nothing else holds."""
        table = self.existing()
        if placeholders:
            table = pa.concat_tables([table, pa.Table.from_pylist(placeholders, schema=SCHEMA)])
        if table.num_rows:
            table = table.append_column("_capped", pc.equal(table["status"], "capped").fill_null(False))
            order = pc.sort_indices(
                table,
                sort_keys=[
                    ("user_id", "ascending"),
                    ("platform", "ascending"),
                    ("index", "ascending"),
                    ("_capped", "ascending"),
                ],
            )
            table = table.take(order)
            ids = table["post_id"].to_pylist()
            keep = [i for i in range(len(ids)) if i == 0 or ids[i] != ids[i - 1]]
            table = table.take(pa.array(keep)).drop_columns(["_capped"])
        atomic_file(self.final, lambda tmp: pq.write_table(table, tmp, compression="zstd"))
        if self.parts.exists():
            for f in self.parts.iterdir():
                f.unlink()
            self.parts.rmdir()
        return table
