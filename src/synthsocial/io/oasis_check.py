"""Proof that OASIS loads our worlds (issue 18, part 3): export a world as OASIS's Twitter CSV and
Reddit JSON, load both with OASIS's own package in its own environment (``_oasis_loader.py``, run
by that environment's Python: camel-oasis pins versions of pandas, pytest and others that ours
cannot share), and compare what OASIS holds with the world: every user (id, handle, name), every
follow edge (OASIS's database and its agent graph), each user's follower and following counts,
every previous post in order, and every Reddit agent's profile (handle, bio, persona, age, gender,
MBTI).

Found this way: camel-oasis 0.2.5's ``generate_agents`` keeps in its agent graph only the follows
of an earlier agent (a follow of agent j > i is added before j's vertex exists, and the error is
ignored); its database holds every follow. Those losses are counted apart
(``agent_graph_lost_follows_of_later_agents``); every other difference is a mismatch.
"""

from __future__ import annotations

import json
import subprocess
from collections import Counter
from pathlib import Path

import numpy as np

from ..errors import InputError
from .export import _persona, _posts_by_user, _usernames, export, mbti, read_world_tables

LOADER = Path(__file__).with_name("_oasis_loader.py")


def _first(pairs) -> list:
    """The mismatches as (what we wrote, what OASIS holds), at most the first three."""
    return [list(p) for p in pairs[:3]]


def compare(world: str | Path, loaded: dict) -> dict:
    """What OASIS lost or changed of ``world``, from the loader's dump ``loaded``: counts of users,
    follows and previous posts written and loaded, and for each check the number of mismatches
    with the first few; ``ok`` when there are none."""
    d = Path(world)
    users, src, dst = read_world_tables(d)
    rows = users.to_pylist()
    n = len(rows)
    handles = _usernames([r["name"] for r in rows])
    posts = _posts_by_user(d, n)
    tw, rd = loaded["twitter"], loaded["reddit"]
    ours = Counter(zip(src.tolist(), dst.tolist()))
    theirs = Counter(tuple(e) for e in tw["follows"])
    graph = {tuple(e) for e in tw["graph_edges"]}
    missing = set(ours) - graph  # from OASIS's agent graph
    out_deg = np.bincount(src, minlength=n)
    in_deg = np.bincount(dst, minlength=n)
    db_users = {u[0]: tuple(u) for u in tw["users"]}
    loaded_posts: list[list[str]] = [[] for _ in range(n)]
    for uid, text in tw["posts"]:
        if 0 <= uid < n:
            loaded_posts[uid].append(text)
    checks = {
        "users (id, handle, name)": [
            ((i, handles[i], r["name"]), db_users.get(i, (None,) * 4)[1:4])
            for i, r in enumerate(rows)
            if db_users.get(i, (None,) * 4)[1:4] != (i, handles[i], r["name"])
        ],
        "follow rows": [(e, (c, theirs.get(e, 0))) for e, c in (ours - theirs).items()]
        + [(e, (0, c)) for e, c in (theirs - ours).items()],
        # OASIS's generate_agents adds agent i's follows right after agent i, so an edge to a later agent
        # meets a vertex igraph does not have yet; the error is swallowed (AgentGraph.add_edge) and the edge
        # lost from the agent graph (the database keeps it): that loss is counted apart, not as ours
        "agent graph edges (but OASIS's loss)": [(e, "missing") for e in missing if e[1] < e[0]]
        + [(e, "extra") for e in graph - set(ours)],
        "following / follower counts": [
            ((i, int(out_deg[i]), int(in_deg[i])), tuple(db_users[i][5:7]))
            for i in range(n)
            if i in db_users and tuple(db_users[i][5:7]) != (int(out_deg[i]), int(in_deg[i]))
        ],
        "previous posts (in order)": [(i, "differ") for i in range(n) if loaded_posts[i] != posts[i]],
    }
    agents = {a["agent_id"]: a for a in rd["agents"]}
    reddit = []
    for i, r in enumerate(rows):
        char, bio = _persona(r)
        want = {"name": handles[i], "description": bio, "user_profile": char, "age": r["age"], "gender": r["gender"]}
        want["mbti"] = mbti(r.get("traits") or [])
        got = {k: agents.get(i, {}).get(k) for k in want}
        if got != want:
            reddit.append((i, "differ"))
    checks["reddit agents (handle, bio, persona, age, gender, MBTI)"] = reddit
    return {
        "oasis_version": loaded.get("oasis_version"),
        "camel_version": loaded.get("camel_version"),
        "written": {"users": n, "follows": int(src.size), "previous_posts": sum(len(p) for p in posts)},
        "loaded": {
            "users": len(tw["users"]),
            "follows": len(tw["follows"]),
            "previous_posts": len(tw["posts"]),
            "agent_graph_nodes": tw["graph_nodes"],
            "agent_graph_edges": len(tw["graph_edges"]),
            "agent_graph_lost_follows_of_later_agents": sum(1 for e in missing if e[1] > e[0]),
            "reddit_agents": rd["graph_nodes"],
        },
        "mismatches": {k: {"count": len(v), "first": _first(v)} for k, v in checks.items()},
        "ok": not any(checks.values()) and len(tw["users"]) == n and rd["graph_nodes"] == n,
    }


def check_oasis(world: str | Path, python: str | Path, work: str | Path) -> dict:
    """Export ``world`` into ``work/export`` (OASIS Twitter CSV and Reddit JSON), load both with
    OASIS run by ``python`` (an interpreter with camel-oasis installed) and :func:`compare`."""
    work = Path(work).resolve()  # the simulator runs in it: paths must not depend on the caller's
    files = export(world, "oasis", work / "export") + export(world, "oasis-reddit", work / "export")
    dump = work / "oasis_loaded.json"
    proc = subprocess.run(
        [str(python), "-I", str(LOADER), str(files[0]), str(files[1]), str(dump)],
        capture_output=True,
        text=True,
        cwd=work,  # OASIS writes its logs into ./log
    )
    if proc.returncode:
        tail = " ".join(proc.stderr.split())[-400:]
        raise InputError(f"OASIS ({python}) could not load {files[0]}: {tail}")
    return compare(world, json.loads(dump.read_text(encoding="utf-8")))
