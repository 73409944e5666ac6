"""``synthsocial posts``: write posts for the users of a world, resumably.

Steps: read the world -> plan tasks (assign.py) -> skip keys already stored -> for each batch,
build prompts (prompts.py), generate (a backend), clean and validate (postprocess.py),
regenerate the unusable ones up to ``max_attempts`` with new seeds, store the batch (store.py) ->
consolidate ``posts.parquet`` -> ``interactions.parquet`` along follow edges.
"""

from __future__ import annotations

import json
import re
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np
import pyarrow as pa
import pyarrow.parquet as pq

from ..errors import InputError
from ..io.atomic import atomic_file
from ..io.ownership import output_directory, record
from ..io.readers import check_world, world_tables
from .assign import Task, plan, task_seed
from .backends import Backend, Request, Sampling
from .interactions import interactions
from .platforms import Platform
from .postprocess import clean, problem
from .prompts import ExamplePool, Templates, build_prompt, load_templates
from .store import PostStore

ProgressFn = Callable[[int, int], None]


@dataclass
class PostsConfig:
    platforms: list[Platform]
    strategy: str = "platform-aware"
    posts_per_user: int = 1
    max_users: int | None = None
    topics: list[str] | None = None
    topic_of: dict[str, str] | None = None
    seed: int = 0
    batch_size: int = 8
    max_attempts: int = 3
    interaction_p: float = 0.02
    sampling: Sampling = field(default_factory=Sampling)
    prompts_dir: str | None = None


def _norm(text: str) -> str:
    return re.sub(r"[^a-z0-9]+", " ", text.lower()).strip()


def _read_world(d: Path):

    users, edges = world_tables(d, users_columns=["age", "occupation", "interests"])
    n = users.num_rows
    if n == 0:
        raise InputError(f"{d}: the world has no users")
    try:
        bands = json.loads((d / "manifest.json").read_text())["config"]["population"]["age_bands"]
    except (OSError, ValueError, KeyError, TypeError):
        from ..config import GeneratorConfig

        bands = GeneratorConfig().population.age_bands
    age = users["age"].to_numpy()
    band = np.clip(np.searchsorted(np.array([b[0] for b in bands]), age, side="right") - 1, 0, len(bands) - 1)
    src, dst = edges["source"].to_numpy(), edges["target"].to_numpy()
    follows = np.split(dst, np.searchsorted(src, np.arange(1, n)))  # edges are sorted by source
    order = np.argsort(dst, kind="stable")
    followers = np.split(src[order], np.searchsorted(dst[order], np.arange(1, n)))
    return age, band, users["occupation"].to_pylist(), users["interests"].to_pylist(), follows, followers


def check_corpus_platforms(corpus: pa.Table, platforms: list[Platform], what: str = "the corpus") -> None:
    """Refuse a corpus without real posts for one of ``platforms`` (the platform-agnostic
    strategy grounds each platform's prompts in real posts of that platform)."""
    have = set(corpus["platform"].to_pylist())
    missing = [p.name for p in platforms if p.name not in have]
    if missing:
        raise InputError(
            f"the platform-agnostic strategy needs real posts of every platform; {what} has none for "
            f"{', '.join(missing)}"
        )


POSTS_OUTPUTS = ["posts.parquet", "interactions.parquet"]


def write_posts(
    world: str | Path,
    cfg: PostsConfig,
    backend: Backend,
    corpus: pa.Table | None = None,
    progress: ProgressFn | None = None,
) -> dict:
    """Generate the posts of a world into ``world/posts.parquet`` and ``world/interactions.parquet``
    (holding the world's lock; the world must be one synthsocial wrote)."""
    if not Path(world).is_dir():
        raise InputError(f"world {str(world)!r} is not a directory written by `synthsocial generate`")
    with output_directory(world, "world", command="posts", must_exist=True, option="world", check=check_world) as d:
        summary = _write_posts(d, cfg, backend, corpus, progress)
        record(d, POSTS_OUTPUTS, "world")
    return summary


def _write_posts(
    d: Path, cfg: PostsConfig, backend: Backend, corpus: pa.Table | None, progress: ProgressFn | None
) -> dict:
    age, band, occupation, interests, follows, followers = _read_world(d)
    templates: Templates = load_templates(cfg.prompts_dir)
    pools: dict[str, ExamplePool] = {}
    if corpus is not None:
        plats = corpus["platform"].to_pylist()
        texts = corpus["text"].to_pylist()
        topics = corpus["topic"].to_pylist() if "topic" in corpus.column_names else None
        for p in cfg.platforms:
            idx = [i for i, x in enumerate(plats) if x == p.name]
            if idx:
                pools[p.name] = ExamplePool([texts[i] for i in idx], [topics[i] for i in idx] if topics else None)
    if cfg.strategy == "platform-agnostic":
        if corpus is None:
            raise InputError("the platform-agnostic strategy needs real posts (a corpus)")
        check_corpus_platforms(corpus, cfg.platforms)

    tasks, uses = plan(
        age=age,
        band=band,
        occupation=occupation,
        interests=interests,
        follows=follows,
        platforms=cfg.platforms,
        posts_per_user=cfg.posts_per_user,
        max_users=cfg.max_users,
        seed=cfg.seed,
        topics=cfg.topics,
        topic_of=cfg.topic_of,
    )
    store = PostStore(d)
    stored = store.existing()
    done = set(stored["post_id"].to_pylist())
    seen = {_norm(t) for t in stored["text"].to_pylist() if t}
    todo = [t for t in tasks if t.post_id not in done]
    by_name = {p.name: p for p in cfg.platforms}
    started = time.perf_counter()
    generated = failed = 0
    report = progress or (lambda done_, total: None)
    report(0, len(todo))
    for start in range(0, len(todo), cfg.batch_size):
        batch = todo[start : start + cfg.batch_size]
        rows = _generate_batch(batch, cfg, backend, templates, pools, by_name, seen)
        store.append(rows)
        generated += sum(r["status"] == "ok" for r in rows)
        failed += sum(r["status"] == "failed" for r in rows)
        report(start + len(batch), len(todo))
    elapsed = time.perf_counter() - started
    posts = store.consolidate()
    ok = posts.filter(pa.compute.equal(posts["status"], "ok"))
    uses_by = {p.name: uses[:, j] for j, p in enumerate(cfg.platforms)}
    inter = interactions(
        ok.select(["post_id", "user_id", "platform", "created_at"]), followers, uses_by, cfg.seed, cfg.interaction_p
    )
    atomic_file(d / "interactions.parquet", lambda tmp: pq.write_table(inter, tmp, compression="zstd"))
    return {
        "planned": len(tasks),
        "skipped_existing": len(tasks) - len(todo),
        "generated": generated,
        "failed": failed,
        "seconds": elapsed,
        "posts_per_minute": 60 * (generated + failed) / elapsed if elapsed > 0 and todo else None,
        "posts_total": posts.num_rows,
        "by_platform": {p.name: int(sum(1 for x in ok["platform"].to_pylist() if x == p.name)) for p in cfg.platforms},
        "interactions": inter.num_rows,
    }


def _generate_batch(
    batch: list[Task],
    cfg: PostsConfig,
    backend: Backend,
    templates: Templates,
    pools: dict[str, ExamplePool],
    platforms: dict[str, Platform],
    seen: set[str],
) -> list[dict]:
    state = {t.post_id: {"attempts": 0, "raw": None, "text": None, "failure": None} for t in batch}
    pending = list(batch)
    for attempt in range(cfg.max_attempts):
        if not pending:
            break
        requests, examples = [], []
        for t in pending:
            s = task_seed(cfg.seed, t.user_id, t.platform, t.index, attempt)
            rng = np.random.default_rng(s)
            prompt, ex = build_prompt(
                cfg.strategy, templates, platforms[t.platform], t.topic, t.author, rng, pools.get(t.platform)
            )
            requests.append(Request(prompt=prompt, seed=s, sampling=cfg.sampling))
            examples.append(ex)
        outputs = backend.generate(requests)
        still = []
        for t, raw, ex in zip(pending, outputs, examples):
            st = state[t.post_id]
            st["attempts"] = attempt + 1
            st["raw"] = raw
            text = clean(raw, platforms[t.platform])
            why = problem(text, ex) or ("duplicate of another post" if _norm(text) in seen else None)
            if why is None:
                st["text"], st["failure"] = text, None
                seen.add(_norm(text))
            else:
                st["failure"] = why
                still.append(t)
        pending = still
    rows = []
    for t in batch:
        st = state[t.post_id]
        rows.append(
            {
                "post_id": t.post_id,
                "user_id": t.user_id,
                "platform": t.platform,
                "index": t.index,
                "topic": t.topic,
                "text": st["text"],
                "raw_text": st["raw"],
                "created_at": t.created_at,
                "strategy": cfg.strategy,
                "backend": backend.name,
                "model": backend.model,
                "status": "ok" if st["text"] is not None else "failed",
                "attempts": st["attempts"],
                "failure": st["failure"] if st["text"] is None else None,
            }
        )
    return rows
