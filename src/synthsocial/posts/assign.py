"""Who writes what, where and when.

* Platforms: user u uses platform p when U[u, p] < age_share[p][band(u)], where U is one uniform
  matrix drawn for all users and all known platforms (so asking for other platforms never changes
  who uses a given one). Shares: Pew Research Center 2024 (``data/platforms.toml``).
* Writers: ``max_users`` users drawn uniformly among those who use at least one requested
  platform; each writes ``posts_per_user`` posts on every requested platform they use.
* Topics: with probability ``own_interest_p`` one of the writer's own interests, otherwise an
  interest of a random account they follow, so topics spread along follow edges and communities
  talk about what their members like. With ``--topics``, the writer's interests that are in the
  list are preferred, otherwise a listed topic at random. With topics extracted from a corpus
  (``topic_of``), each interest stands for its nearest corpus topic. With an adapter's topic shares
  per platform (``topic_shares``), the topic is drawn from the corpus's topic mix on that platform
  with the persona's topic ``1 + topic_tilt`` times as likely as its share says: the posts talk
  about what the platform's real posts talk about, tilted toward what the writer cares about.
* Time: uniform in the configured window.
* With a timeline (``synthsocial timeline``), its events are the tasks instead: who, where, when
  and what kind come from the timeline, the index is the event's id, a post or a quote gets a
  topic as above, and a reply the topic of its thread (:func:`timeline_tasks`).

Every draw is keyed by (seed, user, platform, index), so a task is the same whichever subset runs.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import UTC, datetime

import numpy as np
import pyarrow as pa

from ..platforms import PLATFORMS, Platform
from ..rng import Stream, draws

_ALL = list(PLATFORMS)


@dataclass(frozen=True)
class Task:
    """One post to write: user ``user_id``'s ``index``-th post on ``platform``, about ``topic``, dated ``created_at``;
    ``author`` is the "<age>, <occupation>" persona shown in the prompt."""

    user_id: int
    platform: str
    index: int
    topic: str
    author: str
    created_at: int  # seconds since the epoch, UTC
    kind: str = "post"  # post, reply or quote (a timeline's events)
    parent: str | None = None  # the post_id of what a reply or a quote answers
    root: str | None = None  # the post_id of the thread's first post
    stance: float | None = None  # the writer's stance shown in the prompt (posts/stance.py)

    @property
    def key(self) -> tuple[int, str, int]:
        """(user_id, platform, index): what identifies the post."""
        return (self.user_id, self.platform, self.index)

    @property
    def post_id(self) -> str:
        """The post's id, "<user_id>-<platform>-<index>"."""
        return f"{self.user_id}-{self.platform}-{self.index}"


def age_band(age: np.ndarray, bands: Sequence[Sequence[int]]) -> np.ndarray:
    """The index of each age's band among ``bands`` ((low, high) pairs, ascending), clipped to them."""
    lows = np.array([b[0] for b in bands])
    return np.clip(np.searchsorted(lows, age, side="right") - 1, 0, len(bands) - 1)


def usage(n: int, band: np.ndarray, platforms: list[Platform], seed: int) -> np.ndarray:
    """Boolean (n, len(platforms)) matrix: who uses which platform."""
    u = draws(seed, Stream.PLATFORM_USE).random((n, len(_ALL)))
    cols = [_ALL.index(p.name) for p in platforms]
    share = np.array([[p.age_share[b] for b in range(len(p.age_share))] for p in platforms])  # (P, bands)
    b = np.clip(band, 0, share.shape[1] - 1)
    return u[:, cols] < share[:, b].T


def _writers(
    band: np.ndarray, platforms: list[Platform], max_users: int | None, seed: int
) -> tuple[np.ndarray, np.ndarray]:
    uses = usage(band.size, band, platforms, seed)
    eligible = np.flatnonzero(uses.any(axis=1))
    if max_users is not None and max_users < eligible.size:
        return np.sort(draws(seed, Stream.WRITERS).choice(eligible, size=max_users, replace=False)), uses
    return eligible, uses


def writers(band: np.ndarray, platforms: list[Platform], max_users: int | None, seed: int) -> np.ndarray:
    """Who writes: ``max_users`` users drawn among those who use a requested platform (all of
    them without a limit), ascending; what :func:`plan` draws, known before the edges are read."""
    return _writers(band, platforms, max_users, seed)[0]


def task_seed(seed: int, user: int, platform: str, index: int, attempt: int = 0) -> int:
    """A 31-bit seed for one generation, stable across runs and subsets."""
    ss = np.random.SeedSequence([seed, 23, user, _ALL.index(platform), index, attempt])
    return int(ss.generate_state(1)[0] & 0x7FFFFFFF)


def _tilted(shares: Mapping[str, float], persona: str, tilt: float, rng: np.random.Generator) -> str:
    """A topic drawn from ``shares`` with the persona's topic weighted ``1 + tilt`` times."""
    labels = sorted(shares)
    w = np.array([shares[k] * (1.0 + tilt if k == persona else 1.0) for k in labels], dtype=np.float64)
    if w.sum() <= 0:
        return persona
    return labels[int(rng.choice(len(labels), p=w / w.sum()))]


def plan(
    *,
    age: np.ndarray,
    band: np.ndarray,
    occupation: Sequence[str],
    interests: Sequence[list[str]],
    follows: Mapping[int, np.ndarray] | Sequence[np.ndarray],
    platforms: list[Platform],
    posts_per_user: int,
    max_users: int | None,
    seed: int,
    topics: list[str] | None = None,
    topic_of: dict[str, str] | None = None,
    topic_shares: Mapping[str, Mapping[str, float]] | None = None,
    topic_tilt: float = 1.0,
    own_interest_p: float = 0.7,
    window: tuple[datetime, datetime] = (
        datetime(2025, 1, 1, tzinfo=UTC),
        datetime(2025, 4, 1, tzinfo=UTC),
    ),
) -> tuple[list[Task], np.ndarray]:
    """The tasks (in key order) and the usage matrix of all users. ``occupation``, ``interests``
    and ``follows`` are indexed by user id (lists, or lazy columns and a mapping that hold at
    least the writers and, for interests, the accounts they follow)."""
    chosen, uses = _writers(band, platforms, max_users, seed)
    t0, t1 = (int(w.timestamp()) for w in window)
    wanted = {t.lower(): t for t in topics} if topics else None
    tasks = []
    for u in chosen.tolist():
        author = f"{int(age[u])}, {occupation[u].lower()}"
        for j, p in enumerate(platforms):
            if not uses[u, j]:
                continue
            for i in range(posts_per_user):
                rng = draws(seed, Stream.POST, u, _ALL.index(p.name), i)
                own = interests[u]
                if wanted is not None:
                    mine = [wanted[x.lower()] for x in own if x.lower() in wanted]
                    topic = (
                        mine[rng.integers(len(mine))]
                        if mine and rng.random() < own_interest_p
                        else topics[rng.integers(len(topics))]
                    )
                else:
                    topic = _interest_topic(u, interests, follows, topic_of, own_interest_p, rng)
                if topic_shares is not None and topic_shares.get(p.name):
                    topic = _tilted(topic_shares[p.name], topic, topic_tilt, rng)
                created = t0 + int(rng.integers(0, max(t1 - t0, 1)))
                tasks.append(Task(u, p.name, i, topic, author, created))
    return tasks, uses


def _interest_topic(
    u: int,
    interests: Sequence[list[str]],
    follows: Mapping[int, np.ndarray] | Sequence[np.ndarray],
    topic_of: dict[str, str] | None,
    own_interest_p: float,
    rng: np.random.Generator,
) -> str:
    """One of user ``u``'s interests (with probability ``own_interest_p``) or of an account it
    follows, as its corpus topic when ``topic_of`` maps it."""
    pool = interests[u]
    if rng.random() >= own_interest_p and follows[u].size:
        friend = int(follows[u][rng.integers(follows[u].size)])
        pool = interests[friend] or pool
    topic = pool[rng.integers(len(pool))] if pool else "everyday life"
    return topic_of.get(topic, topic) if topic_of is not None else topic


def timeline_tasks(
    events,
    *,
    age: np.ndarray,
    occupation: Sequence[str],
    interests: Sequence[list[str]],
    follows: Mapping[int, np.ndarray] | Sequence[np.ndarray],
    seed: int,
    topic_of: dict[str, str] | None = None,
    topic_shares: Mapping[str, Mapping[str, float]] | None = None,
    topic_tilt: float = 1.0,
    own_interest_p: float = 0.7,
) -> list[Task]:
    """One task per event of a timeline's ``events`` table (event_id order: a parent comes before
    what answers it): the index is the event id; posts and quotes get a topic as in
    :func:`plan`, replies their thread's."""
    ids = events["event_id"].to_pylist()
    users = events["user_id"].to_pylist()
    plats = events["platform"].to_pylist()
    kinds = events["kind"].to_pylist()
    parents = events["parent_id"].to_pylist()
    roots = events["root_id"].to_pylist()
    times = events["created_at"].cast(pa.timestamp("s", tz="UTC")).cast(pa.int64()).to_pylist()  # Parquet keeps ms
    post_id = {e: f"{u}-{p}-{e}" for e, u, p in zip(ids, users, plats)}
    topic: dict[int, str] = {}
    tasks = []
    for e, u, p, k, par, root, t in zip(ids, users, plats, kinds, parents, roots, times):
        if k == "reply" and root in topic:
            topic[e] = topic[root]
        else:  # as plan() draws it for a post with index e
            rng = draws(seed, Stream.POST, u, _ALL.index(p), e)
            topic[e] = _interest_topic(u, interests, follows, topic_of, own_interest_p, rng)
            if topic_shares is not None and topic_shares.get(p):
                topic[e] = _tilted(topic_shares[p], topic[e], topic_tilt, rng)
        author = f"{int(age[u])}, {occupation[u].lower()}"
        tasks.append(
            Task(u, p, e, topic[e], author, t, k, post_id.get(par) if par is not None else None, post_id.get(root))
        )
    return tasks
