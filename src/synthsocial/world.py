"""A world: its users, who follows whom, and how it was made.

A :class:`World` comes from :func:`synthsocial.generate` (in memory, with the generator's
internals: population, points in the homophily space, link record) or from a directory that
synthsocial wrote (:meth:`World.open`: the tables are read when first asked for, and a
partitioned world is read as one table). Either way it offers the same tables, conversions
(networkx, igraph, pandas: convert.py) and writing.
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any

import numpy as np
import pyarrow as pa
import pyarrow.csv as pacsv
import pyarrow.parquet as pq

from . import convert
from .config import GeneratorConfig
from .errors import InputError
from .graph import Graph
from .manifest import manifest

if TYPE_CHECKING:
    from .links import LinkResult
    from .population import Population


@dataclass
class World:
    """Users and directed follow edges (``source`` follows ``target``), and how they were made.

    ``population``, ``points`` and ``links`` are the generator's internals: present for a world
    generated in this process by the local engine, None for one read from a directory.
    """

    config: GeneratorConfig
    seed: int
    population: Population | None = None
    points: np.ndarray | None = None
    links: LinkResult | None = None
    semantic_orders: dict[str, list[str]] = field(default_factory=dict)
    timings: dict[str, float] = field(default_factory=dict)
    directory: Path | None = None
    profile: str | None = None
    _manifest: dict[str, Any] | None = field(default=None, repr=False)
    _users: pa.Table | None = field(default=None, repr=False)
    _edges: pa.Table | None = field(default=None, repr=False)

    @classmethod
    def open(cls, directory: str | Path) -> World:
        """The world synthsocial wrote in ``directory`` (by ``generate``, ``world`` or
        :meth:`write`); its tables are read when first used."""
        from .io.readers import check_world

        d = Path(directory)
        check_world(d)
        try:
            man = json.loads((d / "manifest.json").read_text(encoding="utf-8"))
            cfg = GeneratorConfig.from_dict(man["config"])
            seed = int(man["seed"])
        except (OSError, ValueError, KeyError, TypeError) as exc:
            raise InputError(f"{d / 'manifest.json'}: not a readable manifest of synthsocial ({exc})") from None
        return cls(
            cfg,
            seed,
            semantic_orders=man.get("semantic_orders", {}),
            directory=d,
            profile=man.get("profile"),
            _manifest=man,
        )

    @property
    def n(self) -> int:
        """Number of users."""
        if self.population is not None:
            return len(self.population)
        return int(self._manifest["nodes"]) if self._manifest else self.users.num_rows

    @property
    def users(self) -> pa.Table:
        """One row per user (columns: docs/outputs.md)."""
        if self._users is None:
            self._users = self.population.to_arrow() if self.population is not None else self._read("users")
        return self._users

    @property
    def edges(self) -> pa.Table:
        """``source``, ``target``: one row per follow, sorted, unique."""
        if self.links is not None:
            return pa.table({"source": pa.array(self.links.source), "target": pa.array(self.links.target)})
        if self._edges is None:
            self._edges = self._read("edges")
        return self._edges

    def _read(self, name: str) -> pa.Table:
        from .io.readers import world_tables

        users, edges = world_tables(self.directory)
        self._users, self._edges = users, edges
        return users if name == "users" else edges

    def manifest(self) -> dict[str, Any]:
        """What manifest.json records (schema: docs/outputs.md)."""
        if self._manifest is not None:
            return self._manifest
        return manifest(
            self.n,
            self.seed,
            int(self.links.source.size),
            self.links.mechanisms,
            self.links.schedule.to_dict(),
            self.config,
            self.semantic_orders,
            self.timings,
            self.profile,
        )

    def _pairs(self) -> tuple[np.ndarray, np.ndarray]:
        if self.links is not None:
            return self.links.source, self.links.target
        e = self.edges
        return e["source"].to_numpy(), e["target"].to_numpy()

    def to_graph(self) -> Graph:
        """The follower graph as every measure reads it (:class:`~synthsocial.graph.Graph`; edges
        are already sorted and unique), without the user attributes."""
        return Graph(self.n, *self._pairs(), True)

    def to_networkx(self, lists_as_strings: bool = False):
        """A ``networkx.DiGraph`` with every user attribute on its node (lists stay lists, or
        become '|'-joined strings with ``lists_as_strings``, as GraphML and GEXF need)."""
        return convert.to_networkx(self.users, *self._pairs(), lists_as_strings)

    def to_igraph(self):
        """A directed ``igraph.Graph``; vertex i is user i, attributes as vertex attributes."""
        return convert.to_igraph(self.users, *self._pairs())

    def users_df(self):
        """The users as a ``pandas.DataFrame`` (interests and traits as lists)."""
        return convert.to_pandas(self.users)

    def edges_df(self):
        """The follows as a ``pandas.DataFrame`` (``source`` follows ``target``)."""
        return convert.to_pandas(self.edges)

    def write(self, directory: str | Path, formats: tuple[str, ...] = (), overwrite: bool = False) -> list[str]:
        """Write users.parquet, edges.parquet, manifest.json and any extra ``formats`` (csv,
        graphml, gexf) into ``directory``; return the file names. The directory appears only
        when complete; an existing one is replaced only when empty, or when synthsocial wrote
        it, holds nothing else and ``overwrite`` is set (:func:`synthsocial.io.atomic_directory`)."""
        from .io.writers import atomic_directory

        with atomic_directory(directory, overwrite=overwrite, command="generate") as tmp:
            return write_world(self, tmp, formats)


def write_world(world: World, directory: Path, formats: tuple[str, ...] = ()) -> list[str]:
    """Write the world's files into the existing ``directory``; return their names."""
    from .io.writers import check_formats

    formats = check_formats(formats)
    written = ["users.parquet", "edges.parquet"]
    pq.write_table(world.users, directory / "users.parquet", compression="zstd")
    pq.write_table(world.edges, directory / "edges.parquet", compression="zstd")
    if "csv" in formats:
        pacsv.write_csv(convert.flat_users(world.users), directory / "users.csv")
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
    man = dict(world.manifest())
    man["files"] = written + ["manifest.json"]
    (directory / "manifest.json").write_text(json.dumps(man, indent=2, allow_nan=False) + "\n", encoding="utf-8")
    return man["files"]
