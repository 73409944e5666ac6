"""``synthsocial export DIR --to FORMAT``: a world in the formats other tools read.

* ``graphml`` / ``gexf``: the follower graph with every user attribute on its node (lists joined
  by '|'), for Gephi, Cytoscape, networkx, igraph;
* ``oasis``: the agent CSV of OASIS (Yang et al. 2024, camel-ai/oasis), one row per user:
  ``user_id, name, username, following_agentid_list, previous_tweets, user_char, description``;
  ``following_agentid_list`` and ``previous_tweets`` are Python list literals (OASIS reads them
  with ``ast.literal_eval``), user ids are row numbers as OASIS expects, previous tweets are the
  user's posts from ``posts.parquet`` when the world has them (from a timeline: its posts and
  quotes in time order);
* ``oasis-reddit``: the agent JSON of OASIS's Reddit simulation, a list with one object per user:
  ``realname, username, bio, persona, age, gender, mbti, country``. MBTI letters come from the
  Big Five traits by the correspondences McCrae & Costa (1989) measured (E/I from extraversion,
  N/S from openness, F/T from agreeableness, J/P from conscientiousness; neuroticism has none);
  ``country`` is null while users have no country. OASIS's Reddit format has no follows and no
  previous posts;
* ``agentsociety``: the experiment config of agentsociety2 (tsinghua-fib-lab, the AgentSociety
  platform's second version), ``agentsociety_init_config.json``: its social-media environment
  (``SocialMediaSpace``) with every user, follow and previous post, and one ``PersonAgent`` per
  user (:func:`agentsociety_config`);
* ``jsonl``: ``users.jsonl`` (one object per user with its attributes and the ids it follows;
  with a timeline, its account creation time, time zone and activity rate) and, when the world
  has posts, ``posts.jsonl`` and ``interactions.jsonl`` (from a timeline the threads: ``kind``,
  ``parent_id``, ``root_id``, ``created_at``).

From Python, :func:`to_networkx` and :func:`to_igraph` return the graph objects directly.
Every file is written under a temporary name and renamed when complete.
"""

from __future__ import annotations

import csv
import datetime as dt
import json
from pathlib import Path

import numpy as np
import pyarrow as pa

from .. import convert
from ..errors import ConfigError, InputError
from ..specs.export import FORMATS
from .atomic import atomic_file
from .lock import locked
from .ownership import output_directory, record
from .readers import check_world, read_parquet, world_tables

OASIS_COLUMNS = ["user_id", "name", "username", "following_agentid_list", "previous_tweets", "user_char", "description"]


def read_world_tables(directory: str | Path) -> tuple[pa.Table, np.ndarray, np.ndarray]:
    """(users, source, target) of a world directory (single or partitioned Parquet)."""
    users, edges = world_tables(Path(directory))
    return users, edges["source"].to_numpy(), edges["target"].to_numpy()


def to_networkx(directory: str | Path, lists_as_strings: bool = False):
    """The world as a ``networkx.DiGraph``, user attributes on the nodes."""
    users, src, dst = read_world_tables(directory)
    return convert.to_networkx(users, src, dst, lists_as_strings)


def to_igraph(directory: str | Path):
    """The world as a directed ``igraph.Graph``; vertex i is user i."""
    users, src, dst = read_world_tables(directory)
    return convert.to_igraph(users, src, dst)


def _follows(n: int, src: np.ndarray, dst: np.ndarray) -> list[np.ndarray]:
    order = np.lexsort((dst, src))
    src, dst = src[order], dst[order]
    return np.split(dst, np.searchsorted(src, np.arange(1, n)))


def _post_rows(directory: Path) -> list[dict]:
    """The generated posts a simulator takes as a user's previous posts: the Twitter ones when the
    world has any, else all; from a timeline, its posts and quotes (a reply without its parent
    reads as a stray line) in time order. Rows of posts.parquet; none without it."""
    path = directory / "posts.parquet"
    if not path.exists():
        return []
    posts = read_parquet(path, integer=("user_id",))
    rows = [r for r in posts.to_pylist() if r["status"] == "ok" and r["text"] and r.get("kind") != "reply"]
    if any(r["platform"] == "twitter" for r in rows):
        rows = [r for r in rows if r["platform"] == "twitter"]
    if "created_at" in posts.column_names:
        rows.sort(key=lambda r: (r["created_at"] is None, r["created_at"] or 0))  # stable: ties keep file order
    return rows


def _posts_by_user(directory: Path, n: int) -> list[list[str]]:
    """Each user's previous posts (:func:`_post_rows`), in order."""
    out: list[list[str]] = [[] for _ in range(n)]
    for r in _post_rows(directory):
        out[r["user_id"]].append(r["text"])
    return out


def _persona(row: dict) -> tuple[str, str]:
    """(user_char, description): the persona in the first person, and a short profile bio."""
    interests = ", ".join(row.get("interests") or [])
    traits = {t[:-1]: t[-1] for t in row.get("traits") or []}
    words = {
        "Openness": ("curious", "conventional"),
        "Conscientiousness": ("organised", "easy-going"),
        "Extraversion": ("outgoing", "reserved"),
        "Agreeableness": ("warm", "blunt"),
        "Neuroticism": ("anxious", "calm"),
    }
    temper = ", ".join(words[t][0 if s == "+" else 1] for t, s in traits.items() if t in words)
    occupation = row.get("occupation") or "person"
    char = (
        f"I am {row['name']}, a {row['age']}-year-old {occupation.lower()} ({row.get('qualification', '')}). "
        f"I am {temper}." + (f" I care about {interests}." if interests else "")
    )
    bio = f"{occupation} | {interests}" if interests else occupation
    return char, bio


def _usernames(names: list[str]) -> list[str]:
    out = []
    for i, name in enumerate(names):
        handle = "".join(ch for ch in name.lower().replace(" ", "_") if ch.isalnum() or ch == "_")
        out.append(f"{handle or 'user'}_{i}")
    return out


def write_oasis(directory: Path, target: Path) -> None:
    """Write the world in ``directory`` as an OASIS agent CSV at ``target`` (atomically): one row per user in
    users.parquet order, columns ``OASIS_COLUMNS``, the follows and previous tweets as JSON lists. User ids are
    taken to be row numbers, as in a generated world."""
    users, src, dst = read_world_tables(directory)
    n = users.num_rows
    rows = users.to_pylist()
    follows = _follows(n, src, dst)
    tweets = _posts_by_user(directory, n)
    handles = _usernames([r["name"] for r in rows])

    def write(tmp: Path) -> None:
        with tmp.open("w", newline="", encoding="utf-8") as f:
            w = csv.writer(f)
            w.writerow(OASIS_COLUMNS)
            for i, r in enumerate(rows):
                char, bio = _persona(r)
                w.writerow(
                    [
                        r["user_id"],
                        r["name"],
                        handles[i],
                        json.dumps(follows[i].tolist()),
                        json.dumps(tweets[i], ensure_ascii=False),
                        char,
                        bio,
                    ]
                )

    atomic_file(target, write)


# agentsociety2 has no time for an account or post without one (it takes the current time, so a
# loaded world would change from run to run): worlds without a timeline get this fixed start,
# posts one second apart in order.
AGENTSOCIETY_START = dt.datetime(2024, 1, 1)
AGENTSOCIETY_MAX_CHARS = 5000  # its Post model refuses longer (and empty) contents


def _naive_utc(t) -> str | None:
    """An ISO time in UTC without offset (agentsociety2 compares times, and naive with aware fails)."""
    if t is None:
        return None
    if t.tzinfo is not None:
        t = t.astimezone(dt.UTC).replace(tzinfo=None)
    return t.isoformat()


def agentsociety_config(directory: Path) -> dict:
    """The world as agentsociety2's experiment config (``init_config.json``): one ``SocialMediaSpace``
    environment module holding every user (``persons``: id, username, bio, created_at, posts_count),
    every follow (``follows``: user id -> the ids it follows) and every previous post (``posts``:
    post_id from 1, author_id, content, created_at, post_type "original"), and one ``PersonAgent``
    per user. Feeds show the posts of followed users (``feed_source`` "following")."""
    users, src, dst = read_world_tables(directory)
    rows = users.to_pylist()
    n = len(rows)
    follows = _follows(n, src, dst)
    handles = _usernames([r["name"] for r in rows])
    joined = [AGENTSOCIETY_START] * n
    accounts = directory / "timeline" / "accounts.parquet"
    if accounts.exists():
        created = read_parquet(accounts, ["created_at"])["created_at"].to_pylist()
        if len(created) == n:
            joined = [c or AGENTSOCIETY_START for c in created]
    posts, counts = {}, [0] * n
    for i, r in enumerate(_post_rows(directory)):
        when = r.get("created_at") or AGENTSOCIETY_START + dt.timedelta(seconds=i)
        pid = len(posts) + 1
        posts[str(pid)] = {
            "post_id": pid,
            "author_id": r["user_id"],
            "content": r["text"][:AGENTSOCIETY_MAX_CHARS],
            "post_type": "original",
            "created_at": _naive_utc(when),
        }
        counts[r["user_id"]] += 1
    persons = {
        str(i): {
            "id": i,
            "username": handles[i],
            "bio": _persona(r)[1],
            "created_at": _naive_utc(joined[i]),
            "posts_count": counts[i],
        }
        for i, r in enumerate(rows)
    }
    space = {
        "persons": persons,
        "follows": {str(i): follows[i].tolist() for i in range(n)},
        "posts": posts,
        "comments": {},
        "likes": {},
        "feed_source": "following",
    }
    agents = [{"agent_id": i, "agent_type": "PersonAgent", "kwargs": {"id": i, "name": handles[i]}} for i in range(n)]
    return {"env_modules": [{"module_type": "SocialMediaSpace", "kwargs": space}], "agents": agents}


def write_agentsociety(directory: Path, target: Path) -> None:
    """Write :func:`agentsociety_config` of ``directory`` at ``target`` (atomically)."""
    cfg = agentsociety_config(directory)
    atomic_file(target, lambda tmp: tmp.write_text(json.dumps(cfg, ensure_ascii=False), encoding="utf-8"))


# McCrae & Costa (1989), J. Personality 57(1): each MBTI scale correlates with one Big Five factor
_MBTI = (
    ("Extraversion", "E", "I"),
    ("Openness", "N", "S"),
    ("Agreeableness", "F", "T"),
    ("Conscientiousness", "J", "P"),
)


def mbti(traits: list[str]) -> str:
    """Four MBTI letters from Big Five traits written "Name+" / "Name-" (a missing trait counts as "-")."""
    sign = {t[:-1]: t[-1] for t in traits}
    return "".join(high if sign.get(factor) == "+" else low for factor, high, low in _MBTI)


def write_oasis_reddit(directory: Path, target: Path) -> None:
    """Write the world in ``directory`` as an OASIS Reddit agent JSON at ``target`` (atomically): one object per
    user in users.parquet order (OASIS numbers agents by position)."""
    users, _, _ = read_world_tables(directory)
    rows = users.to_pylist()
    handles = _usernames([r["name"] for r in rows])
    agents = []
    for i, r in enumerate(rows):
        char, bio = _persona(r)
        agents.append(
            {
                "realname": r["name"],
                "username": handles[i],
                "bio": bio,
                "persona": char,
                "age": r["age"],
                "gender": r["gender"],
                "mbti": mbti(r.get("traits") or []),
                "country": r.get("country"),
            }
        )
    atomic_file(target, lambda tmp: tmp.write_text(json.dumps(agents, ensure_ascii=False, indent=1), encoding="utf-8"))


def write_jsonl(directory: Path, out_dir: Path) -> list[Path]:
    """Write ``users.jsonl`` (each user's attributes plus ``following``, the ids it follows in ascending order) and,
    when the world has them, ``posts.jsonl`` and ``interactions.jsonl`` into ``out_dir``, each atomically; return
    the paths written."""
    users, src, dst = read_world_tables(directory)
    follows = _follows(users.num_rows, src, dst)
    accounts = directory / "timeline" / "accounts.parquet"
    if accounts.exists():  # the timeline's account ages, time zones and activity rates (users in the same order)
        extra = read_parquet(accounts, ["created_at", "timezone", "activity"])
        if extra.num_rows == users.num_rows:
            for name in extra.column_names:
                users = users.append_column(name, extra[name])

    def users_jsonl(tmp: Path) -> None:
        with tmp.open("w", encoding="utf-8") as f:
            for i, r in enumerate(users.to_pylist()):
                r["following"] = follows[i].tolist()
                f.write(json.dumps(r, ensure_ascii=False, default=str) + "\n")

    written = [out_dir / "users.jsonl"]
    atomic_file(written[0], users_jsonl)
    for name in ("posts", "interactions"):
        path = directory / f"{name}.parquet"
        if path.exists():
            table = read_parquet(path)

            def dump(tmp: Path, table=table) -> None:
                with tmp.open("w", encoding="utf-8") as f:
                    for r in table.to_pylist():
                        f.write(json.dumps(r, ensure_ascii=False, default=str) + "\n")

            written.append(out_dir / f"{name}.jsonl")
            atomic_file(written[-1], dump)
    return written


def export(directory: str | Path, fmt: str, out: str | Path | None = None) -> list[Path]:
    """Write the world in ``directory`` as ``fmt`` into ``out`` (default: the world directory);
    return the files written. Holds the output's lock, and reads the world under its own."""
    if fmt not in FORMATS:
        raise ConfigError(f"{{to}} {fmt!r} is not accepted: use one of {', '.join(FORMATS)}", to="export.to")
    d = Path(directory)
    if not d.is_dir():
        raise InputError(f"{d}: not a directory; give the output directory of `synthsocial generate`")
    if out is None:
        target = output_directory(d, "world", command="export", must_exist=True, option="DIR", check=check_world)
    else:
        check_world(d)
        target = output_directory(out, "export", accept=("export", "world"), command="export")
    with target as out_dir, locked(d, write=False):
        written = _export(d, fmt, out_dir)
        record(out_dir, [p.name for p in written], "export")
    return written


def _export(d: Path, fmt: str, out_dir: Path) -> list[Path]:
    if fmt == "oasis":
        target = out_dir / "oasis_agents.csv"
        write_oasis(d, target)
        return [target]
    if fmt == "oasis-reddit":
        target = out_dir / "oasis_reddit_agents.json"
        write_oasis_reddit(d, target)
        return [target]
    if fmt == "agentsociety":
        target = out_dir / "agentsociety_init_config.json"
        write_agentsociety(d, target)
        return [target]
    if fmt == "jsonl":
        return write_jsonl(d, out_dir)
    import networkx as nx

    g = to_networkx(d, lists_as_strings=True)
    target = out_dir / f"graph.{fmt}"
    atomic_file(target, lambda tmp: (nx.write_graphml if fmt == "graphml" else nx.write_gexf)(g, tmp))
    return [target]
