"""A living timeline (issue 17): every account in time, posts in a daily rhythm, reactions that
spread along the follow edges into threads.

Steps, one module each: accounts.py (creation time, time zone, activity), clock.py (when the
original posts happen), reactions.py (who sees them, who likes, reposts, replies or quotes, and
what those cause in turn). :func:`simulate` runs them over a world and returns a
:class:`Timeline` of Arrow tables; the texts of its posts, replies and quotes are written by
the posts stage (the text of an event is not part of its structure).
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pyarrow as pa

from ..platforms import resolve
from ..rng import Stream, draws
from ..specs.timeline import HOUR_PROFILE, TIMEZONES, WEEKLY, TimelineSpec
from .accounts import DAY, accounts, follow_times
from .clock import post_times
from .reactions import DEFAULT_MIX, KINDS, MIXES, followers_matrix, spread

TimelineConfig = TimelineSpec  # the name before the specs
__all__ = [
    "HOUR_PROFILE",
    "TIMEZONES",
    "WEEKLY",
    "Timeline",
    "TimelineConfig",
    "TimelineSpec",
    "make_timeline",
    "simulate",
]


@dataclass(frozen=True)
class Timeline:
    """``accounts``: user_id, created_at, timezone, activity; ``events``: the posts, replies and
    quotes (event_id in time order, user_id, platform, kind, parent_id, root_id, depth,
    created_at); ``interactions``: likes and reposts (user_id, event_id, kind, created_at);
    ``follow_created_at``: when each edge of the world was made, in the world's edge order."""

    accounts: pa.Table
    events: pa.Table
    interactions: pa.Table
    follow_created_at: np.ndarray


def _zones(offsets: np.ndarray) -> np.ndarray:
    """Each UTC offset (hours) as "UTC+hh:mm" (formatted once per distinct offset)."""
    distinct, index = np.unique(offsets, return_inverse=True)

    def zone(offset: float) -> str:
        h, m = divmod(round(abs(offset) * 60), 60)
        return f"UTC{'-' if offset < 0 else '+'}{h:02d}:{m:02d}"

    return np.array([zone(x) for x in distinct], dtype=object)[index]


def own_zones(users: pa.Table, cfg: TimelineConfig) -> np.ndarray | None:
    """Each user's IANA time zone when the users table has one (``time_zone``: population/location.py)
    and ``timezones`` was not set; None otherwise (the offsets are drawn from ``timezones``)."""
    if "time_zone" not in users.column_names or "timezones" in cfg.model_fields_set:
        return None
    return users["time_zone"].to_numpy(zero_copy_only=False)


def simulate(world, config: TimelineConfig | None = None, seed: int | None = None) -> Timeline:
    """The timeline of ``world`` (a :class:`synthsocial.World`); ``seed`` defaults to the world's."""
    from ..posts.assign import age_band, usage

    cfg = config or TimelineConfig()
    seed = world.seed if seed is None else seed
    rng = draws(seed, Stream.ACCOUNTS)
    users = world.users
    n = users.num_rows
    influence = users["influence"].to_numpy()
    start = cfg.start_seconds()
    end = start + int(cfg.days * DAY)
    acc = accounts(
        influence,
        start,
        posts_per_day=cfg.posts_per_day,
        sigma=cfg.activity_sigma,
        age_mean_days=cfg.age_mean_days,
        age_max_days=cfg.age_max_days,
        age_noise=cfg.age_noise,
        timezones=dict(cfg.timezones),
        zones=own_zones(users, cfg),
        days=cfg.days,
        block_size=world.config.block_size,
        seed=world.seed,
        rng=rng,
    )
    edges = world.edges
    source, target = edges["source"].to_numpy(), edges["target"].to_numpy()
    follow_at = follow_times(source, target, acc.created_at, start, rng)

    platforms = resolve(cfg.platforms)
    uses = usage(n, age_band(users["age"].to_numpy(), world.config.population.age_bands), platforms, seed)
    uses[:, 0] = True  # the world's graph is the first platform's: every user is on it
    rate = acc.rate
    if cfg.max_users is not None and cfg.max_users < n:
        keep = np.zeros(n, dtype=bool)
        keep[draws(seed, Stream.TIMELINE_USERS).choice(n, cfg.max_users, replace=False)] = True
        rate = rate * keep
    user, time = post_times(
        rate,
        start,
        cfg.days,
        acc.zone,
        acc.offsets,
        session_mean=cfg.session_mean,
        session_gap=cfg.session_gap,
        hour_profile=np.array(cfg.hour_profile),
        weekly=np.array(cfg.weekly),
        rng=rng,
    )
    # the platform of each post: one of those its author uses, uniformly
    options = uses[user]
    pick = np.floor(rng.random(user.size) * options.sum(axis=1)).astype(np.int64)
    platform = np.argmax(np.cumsum(options, axis=1) > pick[:, None], axis=1)
    mixes = np.array([MIXES.get(p.name, DEFAULT_MIX) for p in platforms], dtype=np.float64)
    mixes /= mixes.sum(axis=1, keepdims=True)
    c = spread(
        user,
        time,
        platform,
        followers_matrix(source, target, n),
        uses,
        acc.activity,
        mixes,
        end,
        react_p=cfg.react_p,
        reply_reach=cfg.reply_reach,
        repost_reach=cfg.repost_reach,
        reply_back=cfg.reply_back,
        react_cap=cfg.react_cap,
        lag_median=cfg.lag_median,
        lag_sigma=cfg.lag_sigma,
        rng=rng,
    )
    return Timeline(_accounts(acc), *_tables(c, [p.name for p in platforms]), follow_at)


def _accounts(acc) -> pa.Table:
    return pa.table(
        {
            "user_id": pa.array(np.arange(acc.created_at.size), pa.int64()),
            "created_at": pa.array(acc.created_at, pa.int64()).cast(pa.timestamp("s", tz="UTC")),
            "timezone": pa.array(_zones(acc.utc_offset), pa.string()),
            "activity": pa.array(acc.activity, pa.float64()),
        }
    )


def _tables(c, platforms: list[str]) -> tuple[pa.Table, pa.Table]:
    """Events numbered in time order (ties: creation order), and the reactions on those numbers in
    time order (ties: kind, event, user)."""
    order = np.lexsort((np.arange(c.time.size), c.time))
    event_id = np.empty(order.size, dtype=np.int64)
    event_id[order] = np.arange(order.size)

    def ids(index: np.ndarray) -> pa.Array:
        return pa.array(np.where(index >= 0, event_id[np.maximum(index, 0)], 0), pa.int64(), mask=index < 0)

    kinds = np.array(["post", "reply", "quote"])
    names = np.array(platforms)
    events = pa.table(
        {
            "event_id": pa.array(np.arange(order.size), pa.int64()),
            "user_id": pa.array(c.user[order], pa.int64()),
            "platform": pa.array(names[c.platform[order]], pa.string()),
            "kind": pa.array(kinds[c.kind[order]], pa.string()),
            "parent_id": ids(c.parent[order]),
            "root_id": ids(c.root[order]),
            "depth": pa.array(c.depth[order], pa.int32()),
            "created_at": pa.array(c.time[order], pa.int64()).cast(pa.timestamp("s", tz="UTC")),
        }
    )
    # each user sees an item once (reactions.py), so a user's like or repost of an event is unique
    r_event = event_id[c.react_item] if c.react_item.size else np.empty(0, np.int64)
    by_time = np.lexsort((c.react_user, r_event, c.react_kind, c.react_time))
    reactions = pa.table(
        {
            "user_id": pa.array(c.react_user[by_time], pa.int64()),
            "event_id": pa.array(r_event[by_time], pa.int64()),
            "kind": pa.array(np.array(KINDS[:2])[c.react_kind[by_time]], pa.string()),
            "created_at": pa.array(c.react_time[by_time], pa.int64()).cast(pa.timestamp("s", tz="UTC")),
        }
    )
    return events, reactions


FILES = ["accounts.parquet", "events.parquet", "interactions.parquet", "follows.parquet", "timeline.json"]


def make_timeline(
    world,
    out,
    config: TimelineConfig | None = None,
    seed: int | None = None,
    real_threads=None,
) -> dict:
    """Simulate the timeline of ``world`` (a World or a world directory) and write it into ``out``
    (new, empty, or a timeline directory synthsocial wrote; its lock held): the four tables of
    :class:`Timeline` as Parquet (follows.parquet: source, target, created_at) and timeline.json
    (settings, seed, counts, the conversation measures, and with ``real_threads`` (a PHEME CSV or
    an events.parquet) the comparison with them). Returns timeline.json's content."""
    import json
    from pathlib import Path

    import pyarrow.parquet as pq

    from ..io.atomic import atomic_file, atomic_text
    from ..io.ownership import check_output, output_directory, record
    from ..io.readers import read_threads
    from ..metrics.conversation import compare, conversation
    from ..rng import check_seed
    from ..world import World

    cfg = config or TimelineConfig()
    seed = cfg.seed if seed is None else seed
    real_threads = cfg.real_threads if real_threads is None else real_threads
    if seed is not None:
        check_seed(seed)
    check_output(out, ("timeline",))  # before the work; again, under the lock, when written
    w = world if isinstance(world, World) else World.open(world)
    real = read_threads(real_threads) if real_threads is not None else None
    tl = simulate(w, cfg, seed)
    edges = w.edges
    follows = pa.table(
        {
            "source": edges["source"],
            "target": edges["target"],
            "created_at": pa.array(tl.follow_created_at, pa.int64()).cast(pa.timestamp("s", tz="UTC")),
        }
    )
    e = tl.events
    events = (
        e["user_id"].to_numpy(),
        e["parent_id"].fill_null(-1).to_numpy(),
        e["created_at"].cast(pa.int64()).to_numpy(),
    )
    stats = conversation(*events)
    kinds = e["kind"].value_counts().to_pylist()
    summary = {
        "settings": cfg.model_dump(mode="json", exclude={"seed", "real_threads"}),
        "seed": w.seed if seed is None else seed,
        "world": str(w.directory) if w.directory is not None else None,
        "counts": {
            "users": w.n,
            **{k["values"]: k["counts"] for k in sorted(kinds, key=lambda k: k["values"])},
            **{
                k["values"] + "s": k["counts"]
                for k in sorted(tl.interactions["kind"].value_counts().to_pylist(), key=lambda k: k["values"])
            },
        },
        "conversation": stats,
    }
    if real is not None:
        summary["compared_with"] = {
            "threads": str(Path(real_threads)),
            "headline": compare(events, real),
            "real": conversation(*real),
        }
    with output_directory(out, "timeline", command="timeline") as d:
        tables = {"accounts": tl.accounts, "events": e, "interactions": tl.interactions, "follows": follows}
        for name, table in tables.items():
            atomic_file(d / f"{name}.parquet", lambda tmp, t=table: pq.write_table(t, tmp))
        atomic_text(d / "timeline.json", json.dumps(summary, indent=2) + "\n")
        record(d, FILES, "timeline")
    return summary
