"""Proof that agentsociety2 loads our worlds (issue 18, part 3: a second simulator): export a
world as agentsociety2's experiment config, load it with agentsociety2's own code in its own
environment (``_agentsociety_loader.py``, run by that environment's Python: agentsociety2 brings
Ray, litellm and mem0 and pins versions ours need not share), and compare what its social-media
environment holds with the world: every user (id, handle, bio), every follow (each user's
following list), each user's follower, following and post counts, every previous post (author and
text, in each user's order), a save and restore of its state, and one user's feed.

agentsociety2 asks for an LLM API key at import but calls no model to load a world; the check
sets a dummy key and starts no simulation (no Ray cluster, no agent step).
"""

from __future__ import annotations

import json
import os
import subprocess
from pathlib import Path

import numpy as np

from ..errors import InputError
from .export import _persona, _post_rows, _usernames, export, read_world_tables

LOADER = Path(__file__).with_name("_agentsociety_loader.py")


def compare(world: str | Path, loaded: dict) -> dict:
    """What agentsociety2 lost or changed of ``world``, from the loader's dump ``loaded``: counts
    written and loaded, and for each check the number of mismatches with the first three; ``ok``
    when there are none."""
    d = Path(world)
    users, src, dst = read_world_tables(d)
    rows = users.to_pylist()
    n = len(rows)
    handles = _usernames([r["name"] for r in rows])
    order = np.lexsort((dst, src))
    following = np.split(dst[order], np.searchsorted(src[order], np.arange(1, n)))
    out_deg, in_deg = np.bincount(src, minlength=n), np.bincount(dst, minlength=n)
    posts = _post_rows(d)
    written_posts: list[list[str]] = [[] for _ in range(n)]
    for r in posts:
        written_posts[r["user_id"]].append(r["text"])
    persons = {int(k): v for k, v in loaded["persons"].items()}
    loaded_posts: list[list[str]] = [[] for _ in range(n)]
    for _, p in sorted(loaded["posts"].items(), key=lambda kv: int(kv[0])):
        if 0 <= p["author_id"] < n:
            loaded_posts[p["author_id"]].append(p["content"])
    empty: dict = {}
    checks = {
        "users (id, handle, bio)": [
            ((i, handles[i]), (p.get("id"), p.get("username")))
            for i, r in enumerate(rows)
            if (p := persons.get(i, empty)).get("id") != i
            or p.get("username") != handles[i]
            or p.get("bio") != _persona(r)[1]
        ],
        "following lists": [
            (i, "differ")
            for i in range(n)
            if sorted(persons.get(i, empty).get("following", [])) != following[i].tolist()
        ],
        "following / follower / post counts": [
            (
                (i, int(out_deg[i]), int(in_deg[i]), len(written_posts[i])),
                tuple(p.get(k) for k in ("following_count", "followers_count", "posts_count")),
            )
            for i in range(n)
            if (p := persons.get(i, empty)).get("following_count") != int(out_deg[i])
            or p.get("followers_count") != int(in_deg[i])
            or p.get("posts_count") != len(written_posts[i])
        ],
        "previous posts (author, text, in order)": [
            (i, "differ") for i in range(n) if loaded_posts[i] != written_posts[i]
        ],
        "users or posts it does not have": [(k, "extra user") for k in persons if not 0 <= k < n]
        + ([("posts", len(loaded["posts"]))] if len(loaded["posts"]) != len(posts) else []),
        "saved and restored state": []
        if loaded["restored"] == {"persons": n, "posts": len(posts)}
        else [("restored", loaded["restored"])],
    }
    feed = loaded.get("feed_of_first_user")
    if feed is not None:  # chronological feed of user 0: the newest posts of the users it follows, and its own
        by_id = {int(k): p for k, p in loaded["posts"].items()}
        authors = {by_id[i]["author_id"] for i in feed["posts"]}
        wanted = set(following[feed["user"]].tolist()) | {feed["user"]}
        checks["feed of the first user (its own and followed users' posts only)"] = [
            (a, "not followed") for a in authors - wanted
        ]
    return {
        "agentsociety2_version": loaded.get("agentsociety2_version"),
        "written": {"users": n, "follows": int(src.size), "previous_posts": len(posts)},
        "loaded": {
            "users": len(persons),
            "follows": sum(len(p.get("following", [])) for p in persons.values()),
            "previous_posts": len(loaded["posts"]),
            "agents": loaded.get("agents"),
            "restored": loaded["restored"],
            "feed_of_first_user": len(feed["posts"]) if feed else None,
            "ray_started": loaded.get("ray_initialized"),
        },
        "mismatches": {k: {"count": len(v), "first": [list(x) for x in v[:3]]} for k, v in checks.items()},
        "ok": not any(checks.values()) and len(persons) == n and loaded.get("agents") == n,
    }


def check_agentsociety(world: str | Path, python: str | Path, work: str | Path) -> dict:
    """Export ``world`` into ``work/export`` as agentsociety2's config, load it with agentsociety2
    run by ``python`` (an interpreter with agentsociety2 installed) and :func:`compare`."""
    work = Path(work).resolve()  # the simulator runs in it: paths must not depend on the caller's
    (config,) = export(world, "agentsociety", work / "export")
    dump = work / "agentsociety_loaded.json"
    env = {**os.environ, "AGENTSOCIETY_LLM_API_KEY": os.environ.get("AGENTSOCIETY_LLM_API_KEY", "dummy")}
    proc = subprocess.run(
        [str(python), "-I", str(LOADER), str(config), str(dump)], capture_output=True, text=True, env=env, cwd=work
    )
    if proc.returncode:
        tail = " ".join(proc.stderr.split())[-400:]
        raise InputError(f"agentsociety2 ({python}) could not load {config}: {tail}")
    return compare(world, json.loads(dump.read_text(encoding="utf-8")))
