"""A generated world (users + follower graph) and :func:`generate`, the library entry point."""

from __future__ import annotations

import platform
import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import numpy as np
import pyarrow as pa

from ._version import __version__
from .config import GeneratorConfig
from .errors import ConfigError
from .graph import Graph
from .homophily import project, semantic_rank
from .links import LinkResult, ProgressFn, form_links
from .population import Population, make_population
from .population.names import check_locale
from .resources import ram_bytes
from .rng import check_seed

MIN_NODES = 2


@dataclass
class World:
    """Users, directed follow edges (``source`` follows ``target``) and how they were made."""

    population: Population
    points: np.ndarray
    links: LinkResult
    config: GeneratorConfig
    seed: int
    semantic_orders: dict[str, list[str]]
    timings: dict[str, float] = field(default_factory=dict)
    _users: pa.Table | None = field(default=None, repr=False)

    @property
    def n(self) -> int:
        return len(self.population)

    @property
    def users(self) -> pa.Table:
        if self._users is None:
            self._users = self.population.to_arrow()
        return self._users

    @property
    def edges(self) -> pa.Table:
        return pa.table({"source": pa.array(self.links.source), "target": pa.array(self.links.target)})

    def manifest(self) -> dict[str, Any]:
        return manifest(
            self.n,
            self.seed,
            int(self.links.source.size),
            self.links.mechanisms,
            self.links.schedule.to_dict(),
            self.config,
            self.semantic_orders,
            self.timings,
        )

    def to_graph(self) -> Graph:
        """The follower graph as every measure reads it (:class:`~synthsocial.graph.Graph`; edges
        are already sorted and unique), without the user attributes."""
        return Graph(self.n, self.links.source, self.links.target, True)

    def to_networkx(self, lists_as_strings: bool = False):
        """A ``networkx.DiGraph`` with every user attribute on its node.

        List attributes (interests, traits) stay lists, or become '|'-joined strings with
        ``lists_as_strings`` (what GraphML and GEXF can store).
        """
        return networkx_graph(self.users, self.links.source, self.links.target, lists_as_strings)

    def to_igraph(self):
        """A directed ``igraph.Graph``; vertex i is user i, attributes as vertex attributes."""
        return igraph_graph(self.users, self.links.source, self.links.target)

    def write(self, directory: str | Path, formats: tuple[str, ...] = (), overwrite: bool = False) -> list[str]:
        """Write users.parquet, edges.parquet, manifest.json and any extra ``formats`` into
        ``directory``; return the file names. The directory appears only when complete; an
        existing one is replaced only when empty, or when synthsocial wrote it, holds nothing
        else and ``overwrite`` is set (:func:`synthsocial.io.atomic_directory`)."""
        from .io.writers import atomic_directory, write_world

        with atomic_directory(directory, overwrite=overwrite, command="generate") as tmp:
            return write_world(self, tmp, formats)


def generate(
    n: int,
    seed: int = 0,
    config: GeneratorConfig | dict | str | Path | None = None,
    progress: ProgressFn | None = None,
) -> World:
    """Generate a synthetic social network of ``n`` users (homophily paper, section III).

    Parameters
    ----------
    n : int
        Number of users, at least 2.
    seed : int
        Seed of every random stream, 0 <= seed < 2**63. Same seed and config, same world.
    config : GeneratorConfig, dict, path or None
        Settings; a dict or a TOML/JSON file holds any subset of the nested keys. None uses the
        defaults (Table III best row).
    progress : callable(phase, done, total), optional
        Called as phases advance (the CLI draws progress bars with it).
    """
    n = check_nodes(n)
    seed = check_seed(seed)
    cfg = as_config(config)
    check_fits(n)
    pc = cfg.population
    check_locale(pc.name_locale)
    report = progress or (lambda phase, done, total: None)
    timings: dict[str, float] = {}

    t = time.perf_counter()
    report("population", 0, n)
    pop = make_population(n, pc, seed, cfg.block_size)
    report("population", n, n)
    timings["population"] = time.perf_counter() - t

    t = time.perf_counter()
    points, orders = homophily_points(pop, cfg, seed)
    timings["projection"] = time.perf_counter() - t

    links = form_links(points, pop.influence, pc.influence.cap, cfg.links, seed, cfg.block_size, progress)
    timings.update(links.timings)
    return World(pop, points, links, cfg, seed, orders, timings)


def networkx_graph(users: pa.Table, source: np.ndarray, target: np.ndarray, lists_as_strings: bool = False):
    """A ``networkx.DiGraph`` of users (attributes on the nodes) and follow edges."""
    import networkx as nx

    from .io.writers import flat_users

    g = nx.DiGraph()
    cols = (flat_users(users) if lists_as_strings else users).to_pydict()
    ids = cols.pop("user_id")
    g.add_nodes_from((i, {k: cols[k][j] for k in cols}) for j, i in enumerate(ids))
    g.add_edges_from(zip(source.tolist(), target.tolist()))
    return g


def igraph_graph(users: pa.Table, source: np.ndarray, target: np.ndarray):
    """A directed ``igraph.Graph``; vertex i is user i, attributes as vertex attributes."""
    import igraph as ig

    g = ig.Graph(n=users.num_rows, edges=np.column_stack([source, target]), directed=True)
    for name, col in users.to_pydict().items():
        g.vs[name] = col
    return g


def manifest(
    n: int,
    seed: int,
    edges: int,
    mechanisms: dict[str, int],
    schedule: dict[str, Any],
    config: GeneratorConfig,
    orders: dict[str, list[str]],
    timings: dict[str, float],
) -> dict[str, Any]:
    """What manifest.json records about a world (both engines)."""
    return {
        "synthsocial_version": __version__,
        "seed": seed,
        "nodes": n,
        "edges": edges,
        "edges_by_mechanism": mechanisms,
        "size_adapted": schedule,
        "config": config.to_dict(),
        "semantic_orders": orders,
        "timings_s": {k: round(v, 4) for k, v in timings.items()},
        "platform": {"python": platform.python_version(), "numpy": np.__version__, "pyarrow": pa.__version__},
    }


def check_nodes(n: object) -> int:
    if isinstance(n, bool) or not isinstance(n, (int, np.integer)) or n < MIN_NODES:
        raise ConfigError(f"nodes = {n!r} is not accepted: use an integer >= {MIN_NODES}")
    return int(n)


def estimate_memory(n: int) -> int:
    """Peak bytes of :func:`generate` for ``n`` users at the default average out-degree (about 60):
    0.4 GB + 3.4 kB per user, fitted to the peaks measured at 10^5 and 10^6 users
    (docs/performance.md)."""
    return int(0.4e9 + 3400 * n)


def check_fits(n: int) -> None:
    """Refuse, before any work, a world the local engine cannot hold in 80% of this machine's RAM."""
    ram = ram_bytes()
    need = estimate_memory(n)
    if need > 0.8 * ram:
        raise ConfigError(
            f"nodes = {n:,} needs about {need / 1e9:.1f} GB with the local engine, more than 80% of this machine's "
            f"{ram / 1e9:.1f} GB: use fewer users, or --engine dask (it spills to disk; see docs/performance.md)"
        )


def homophily_points(
    pop: Population, cfg: GeneratorConfig, seed: int, first_block: int = 0
) -> tuple[np.ndarray, dict[str, list[str]]]:
    """The users' points in the homophily space (Algorithm 1) and the semantic orders of
    occupations and interests they were ranked by; the users' first random-stream block is
    ``first_block``."""
    pc, hc = cfg.population, cfg.homophily
    (occ_rank, occ_order), (int_rank, int_order) = _ranks(cfg)
    interest_rank = np.where(pop.interests >= 0, int_rank[np.maximum(pop.interests, 0)], -1)
    weights = np.ones(cfg.dimensions) if hc.weights is None else np.asarray(hc.weights, dtype=np.float64)
    points = project(
        pop.age,
        occ_rank[pop.occupation],
        interest_rank,
        age_range=pc.age_range,
        n_occupations=len(occ_order),
        n_interests=len(int_order),
        weights=weights,
        sort_interests=hc.sort_interests,
        seed=seed,
        block_size=cfg.block_size,
        first_block=first_block,
    )
    return points, {"occupation": occ_order, "interest": int_order}


def _ranks(cfg: GeneratorConfig):
    pc, hc = cfg.population, cfg.homophily
    return (
        semantic_rank(pc.occupations, "occupation", hc.occupation_order, hc.maps_dir),
        semantic_rank(pc.interests, "interest", hc.interest_order, hc.maps_dir),
    )


def semantic_orders(cfg: GeneratorConfig) -> dict[str, list[str]]:
    """The semantic orders of occupations and interests that ``cfg`` ranks users by."""
    (_, occ_order), (_, int_order) = _ranks(cfg)
    return {"occupation": occ_order, "interest": int_order}


def as_config(config: GeneratorConfig | dict | str | Path | None) -> GeneratorConfig:
    if config is None:
        return GeneratorConfig()
    if isinstance(config, GeneratorConfig):
        return config
    if isinstance(config, dict):
        return GeneratorConfig.from_dict(config)
    if isinstance(config, (str, Path)):
        return GeneratorConfig.from_file(config)
    raise ConfigError(
        f"config of type {type(config).__name__} is not accepted: use a GeneratorConfig, dict or file path"
    )
