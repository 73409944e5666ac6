"""Where a world is generated: in this process, or as Dask tasks (dask_engine.py) on a local cluster
or at a scheduler. :class:`EngineSpec` holds the choice as the command line and ``world`` give it; a
Dask setting is refused with the local engine, and a local cluster's size with a scheduler's."""

from __future__ import annotations

import re
from typing import Any, Literal

from ..config import IntRange, Options, Range
from ..errors import ConfigError, MissingDependencyError
from .base import Spec, option


class EngineSpec(Spec):
    """The engine and, for Dask, the cluster (None: not given, the Dask engine's defaults)."""

    stage = "engine"

    engine: Literal["local", "dask"] = option(
        "local", "local (one process) or dask (tasks over partitions of users).", metavar="ENGINE"
    )
    scheduler: str | None = option(
        None, "Dask scheduler (tcp://host:8786); default: a local cluster.", metavar="ADDRESS"
    )
    workers: IntRange(1, 4096) | None = option(None, "Workers of the local Dask cluster (default 2).", metavar="W")
    memory_limit: str | None = option(None, "Memory limit per local Dask worker, e.g. 4GB.", metavar="SIZE")
    partition_blocks: IntRange(1, 10**6) | None = option(
        None, "Dask engine: blocks of users per task (default 2; fewer: less memory).", metavar="B"
    )

    def model_post_init(self, context: Any) -> None:
        dask_only = ("scheduler", "workers", "memory_limit", "partition_blocks")
        given = [k for k in dask_only if getattr(self, k) is not None]
        if self.engine == "local" and given:
            raise ConfigError(
                "{given} applies to the Dask engine: give {engine} dask too, or drop it",
                given=f"engine.{given[0]}",
                engine="engine.engine",
            )
        if self.scheduler is not None and (self.workers is not None or self.memory_limit is not None):
            raise ConfigError(
                "{given} sizes a local Dask cluster: a cluster at {scheduler} has its own workers",
                given="engine.workers" if self.workers is not None else "engine.memory_limit",
                scheduler="engine.scheduler",
            )
        if self.memory_limit is not None:
            self._memory_bytes()

    def _memory_bytes(self) -> int | None:
        if self.memory_limit is None:
            return None
        try:
            from dask.utils import parse_bytes
        except ImportError:
            raise MissingDependencyError("the Dask engine needs Dask: pip install 'synthsocial[dask]'") from None
        try:
            limit = int(parse_bytes(self.memory_limit)) if self.memory_limit.strip() else 0
        except (ValueError, TypeError, IndexError, KeyError, OverflowError):
            raise ConfigError(
                f"{{limit}} {self.memory_limit!r} is not accepted: use a size such as 4GB",
                limit="engine.memory_limit",
            ) from None
        if limit <= 0:
            raise ConfigError(
                f"{{limit}} {self.memory_limit!r} is not accepted: use a positive size such as 4GB",
                limit="engine.memory_limit",
            )
        return limit

    def dask(self):
        """The Dask engine's options (dask_engine.DaskOptions), or None for the local engine."""
        if self.engine == "local":
            return None
        return DaskOptions(
            scheduler=self.scheduler,
            workers=self.workers or 2,
            memory_limit=self._memory_bytes(),
            partition_blocks=self.partition_blocks or 2,
        )


class DaskOptions(Options):
    """How to run: on the scheduler at ``scheduler``, or on a LocalCluster of ``workers``
    single-threaded processes with ``memory_limit`` bytes each (None: an equal share of RAM);
    ``partition_blocks`` blocks of users per task."""

    scheduler: str | None = None
    workers: IntRange(1, 4096) = 2
    memory_limit: IntRange(1, 2**62) | None = None
    partition_blocks: IntRange(1, 1_000_000) = 2
    connect_timeout_s: Range(0.0, 3600.0, open_low=True) = 10.0

    def __init__(self, **data) -> None:
        super().__init__(**data)
        if self.scheduler is not None and not SCHEDULER_ADDRESS.fullmatch(self.scheduler):
            raise ConfigError(
                f"scheduler {self.scheduler!r} is not accepted: give a Dask scheduler's address, such as "
                "tcp://10.0.0.5:8786 (tcp, tls, ws, wss or ucx)"
            )


# what distributed's Client connects to: [protocol://]host[:port], the host a name, IPv4 or [IPv6] address
SCHEDULER_ADDRESS = re.compile(
    r"((tcp|tls|ws|wss|ucx)://)?([A-Za-z0-9][A-Za-z0-9._-]*|\[[0-9A-Fa-f:.]+\])(:\d{1,5})?/?"
)
