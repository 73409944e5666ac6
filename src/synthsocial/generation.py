"""Generating a world: validate the request, then run it on an engine.

:func:`generate` is the library's entry point for both engines: ``engine="local"`` runs every
phase in this process and returns the world in memory (and writes it when ``out`` is given);
``engine="dask"`` runs the same phases as Dask tasks over partitions of users (dask_engine.py)
and writes the world to ``out``, then returns it read from there. Same seed and configuration,
same users and edges, on either engine.
"""

from __future__ import annotations

import time
from pathlib import Path
from typing import TYPE_CHECKING

import numpy as np

from . import profiles
from .config import GeneratorConfig
from .errors import ConfigError
from .homophily import points_of
from .links import form_links
from .population import make_population
from .population.names import check_locale
from .progress import Progress
from .resources import ram_bytes
from .rng import check_seed
from .specs.generate import MIN_NODES
from .world import World, write_world

if TYPE_CHECKING:
    from .dask_engine import DaskOptions

DEFAULT_PROFILE = profiles.DEFAULT
ENGINES = ("local", "dask")


def generate(
    n: int,
    seed: int = 0,
    config: GeneratorConfig | dict | str | Path | None = None,
    progress: Progress | None = None,
    *,
    engine: str = "local",
    out: str | Path | None = None,
    overwrite: bool = False,
    formats: tuple[str, ...] = (),
    dask: DaskOptions | None = None,
    profile: str | None = DEFAULT_PROFILE,
) -> World:
    """Generate a synthetic social network of ``n`` users (homophily paper, section III).

    Parameters
    ----------
    n : int
        Number of users, at least 2.
    seed : int
        Seed of every random stream, 0 <= seed < 2**63. Same seed and config, same world.
    config : GeneratorConfig, dict, path or None
        Settings; a dict or a TOML/JSON file holds any subset of the nested keys. What it sets
        overrides the profile's settings; None keeps the profile's.
    progress : callable(phase, done, total), optional
        Called as phases advance (the CLI draws progress bars with it).
    engine : {"local", "dask"}
        ``local``: one process, the world in memory. ``dask``: Dask tasks over partitions of
        users (a local cluster, or ``dask.scheduler``); the world is written to ``out``.
    out : path, optional
        Write the world there: the directory's lock is held from the start and the directory
        appears whole or not at all (see :meth:`World.write`). Required by the Dask engine.
    overwrite : bool
        Replace ``out`` when it is a world of synthsocial's that holds nothing else.
    formats : tuple of str
        Extra files beside the Parquet ones: ``csv``, ``graphml``, ``gexf`` (local engine).
    dask : DaskOptions, optional
        Scheduler, workers, memory limit and partition size of the Dask engine.
    profile : {"bluesky", "paper"} or None
        The settings the world starts from (synthsocial.profiles): ``bluesky`` (default) is
        calibrated to the published Bluesky follower graph at several sizes; ``paper`` is the
        homophily paper's generator (Table III); None: GeneratorConfig's defaults (the paper's)
        under ``config``. Recorded in the manifest.

    Returns
    -------
    World
        The world: in memory (local engine), or read lazily from ``out`` (Dask engine).
    """
    from .io.writers import atomic_directory, check_formats

    n = check_nodes(n)
    seed = check_seed(seed)
    name = profiles.check(profile) if profile is not None else None
    cfg = profiles.apply(name, n, config)
    check_locale(cfg.population.name_locale)
    formats = check_formats([f for f in formats if f != "parquet"])
    if engine not in ENGINES:
        raise ConfigError(f"engine = {engine!r} is not accepted: use local or dask")
    if engine == "local" and dask is not None:
        raise ConfigError(
            "Dask options ({scheduler}, {memory_limit}, ...) need the Dask engine",
            scheduler="engine.scheduler",
            memory_limit="engine.memory_limit",
        )
    if engine == "dask" and formats:
        raise ConfigError(
            f"format {formats[0]!r} is not available with the Dask engine (it writes partitioned Parquet)"
        )
    if engine == "dask" and out is None:
        raise ConfigError("the Dask engine writes its world to a directory: give out = DIR")
    if engine == "local":
        check_fits(n)
        if out is None:
            return _generate_local(n, seed, cfg, progress, name)
    report = progress or (lambda phase, done, total: None)
    with atomic_directory(out, overwrite=overwrite, command="generate") as tmp:
        if engine == "local":
            world = _generate_local(n, seed, cfg, progress, name)
            report("writing", 0, 1)
            write_world(world, tmp, formats)
            report("writing", 1, 1)
        else:
            from .dask_engine import DaskOptions, generate_dask

            generate_dask(n, tmp, seed=seed, config=cfg, options=dask or DaskOptions(), progress=progress, profile=name)
    return world if engine == "local" else World.open(out)


def _generate_local(
    n: int, seed: int, cfg: GeneratorConfig, progress: Progress | None, profile: str | None = None
) -> World:
    pc = cfg.population
    report = progress or (lambda phase, done, total: None)
    timings: dict[str, float] = {}

    t = time.perf_counter()
    report("population", 0, n)
    pop = make_population(n, pc, seed, cfg.block_size)
    report("population", n, n)
    timings["population"] = time.perf_counter() - t

    t = time.perf_counter()
    points, orders = points_of(pop, cfg, seed)
    timings["projection"] = time.perf_counter() - t

    links = form_links(points, pop.influence, pc.influence.cap, cfg.links, seed, cfg.block_size, progress)
    timings.update(links.timings)
    return World(
        cfg, seed, population=pop, points=points, links=links, semantic_orders=orders, timings=timings, profile=profile
    )


def check_nodes(n: object) -> int:
    """``n`` as an int; ConfigError unless it is an integer (not a bool) >= MIN_NODES."""
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
            f"{ram / 1e9:.1f} GB: use fewer users, or {{engine}} dask (it spills to disk; see docs/performance.md)",
            engine="engine.engine",
        )
