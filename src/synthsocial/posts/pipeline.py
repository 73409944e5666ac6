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
from dataclasses import dataclass, field
from pathlib import Path
from typing import Literal

import numpy as np
import pyarrow as pa
import pyarrow.compute as pc
import pyarrow.parquet as pq

from ..arrays import member
from ..errors import ConfigError, InputError
from ..io.atomic import atomic_file, atomic_text
from ..io.corpus import CorpusSource
from ..io.ownership import output_directory, record
from ..io.readers import check_world, edge_files, read_parquet, stream_edges
from ..platforms import Platform, load_overrides, resolve
from ..progress import Progress, silent
from ..rng import Stream, draws
from ..specs.posts import PostsSpec
from .adapter import Adapter
from .assign import Task, age_band, plan, task_seed, timeline_tasks, writers
from .backends import Backend, Request, Sampling, check_backend, make_backend
from .control import prefix
from .interactions import interactions
from .postprocess import clean, clean_adapted, problem
from .prompts import ExamplePool, Templates, build_prompt, load_templates
from .stance import side, with_stance
from .store import PostStore


@dataclass(frozen=True)
class PostsPlan:
    """A posts run resolved from its :class:`PostsSpec`: the platforms and their data, the strategy
    (``adapted`` with an adapter), the decoding settings, the sequences decoded at once (1 on a
    server), the adapter (opened once) and the timeline directory, and from the adapter or the extracted topics:
    ``topic_of`` (a user's interest -> topic), ``keywords`` (topic -> its keywords), ``lengths``
    (length-bucket shares by platform) and ``topic_shares`` (topic shares by platform)."""

    spec: PostsSpec
    platforms: list[Platform]
    strategy: Literal["platform-aware", "platform-agnostic", "adapted"] = "platform-aware"
    sampling: Sampling = field(default_factory=Sampling)
    parallel: int = 1
    adapter: Adapter | None = None
    timeline: str | None = None
    topic_of: dict[str, str] | None = None
    keywords: dict[str, list[str]] | None = None
    lengths: dict[str, dict[str, float]] | None = None
    topic_shares: dict[str, dict[str, float]] | None = None

    def settings(self) -> dict:
        """The settings posts.json records (what the texts depend on; not the adapter's data)."""
        s = self.spec
        return {
            "strategy": self.strategy,
            "posts_per_user": s.posts_per_user,
            "max_users": s.max_users,
            "topics": s.topics,
            "seed": s.seed,
            "batch_size": s.batch_size,
            "parallel": self.parallel,
            "max_attempts": s.max_attempts,
            "interaction_p": s.interaction_p,
            "sampling": self.sampling.model_dump(mode="json"),
            "prompts_dir": s.prompts,
            "topic_shares": self.topic_shares,
            "topic_tilt": s.topic_tilt,
            "timeline": self.timeline,
            "max_texts": s.max_texts,
            "stance_topics": s.stance_topics,
            "stance_labels": s.stance_labels,
        }


def make_posts(
    world: str | Path,
    request: PostsSpec,
    real: pa.Table | None = None,
    progress: Progress | None = None,
    adapter: Adapter | None = None,
) -> dict:
    """Write the posts of ``request`` for the users of ``world`` (holding its lock); return the
    run's summary (see :func:`write_posts`) with the labels of any extracted topics.

    ``real``: real posts already read (the world pipeline reads its corpus once); otherwise
    ``request.corpus`` is read. ``adapter``: the request's adapter already opened (checked here
    otherwise). Backend and settings are checked before anything is written.
    """
    check_backend(request.backend, request.model, request.base_url)
    adapter = adapter if adapter is not None else check_adapter(request)
    report = progress or (lambda stage, done, total: None)
    if not Path(world).is_dir():
        raise InputError(f"world {str(world)!r} is not a directory written by `synthsocial generate`")
    with output_directory(world, "world", command="posts", must_exist=True, option="WORLD", check=check_world) as d:
        overrides = load_overrides(request.platform_config) if request.platform_config else None
        timeline = check_timeline(request.timeline, d) if request.timeline is not None else None
        names = request.platforms
        if timeline is not None:  # the timeline's platforms
            names = json.loads((timeline / "timeline.json").read_text())["settings"]["platforms"]
        plats = resolve(names, overrides)
        strategy = request.strategy
        if adapter is not None:
            missing = [p.name for p in plats if p.name not in adapter.platforms]
            if missing:
                raise ConfigError(
                    f"{{platforms}} {missing[0]!r}: the adapter {request.adapter!r} learned only "
                    f"{', '.join(adapter.platforms)}; ask for those or adapt on a corpus with {missing[0]} posts",
                    platforms="posts.platforms",
                )
            strategy = "adapted"
        elif strategy == "auto":
            grounded = real is not None or request.corpus is not None or request.topics_from is not None
            strategy = "platform-agnostic" if grounded else "platform-aware"
        if real is None and request.corpus is not None:
            real = _source(request, request.corpus).read()
        if strategy == "platform-agnostic" and real is None and request.topics_from is None:
            raise ConfigError(
                "the platform-agnostic strategy needs {corpus} (real posts to ground the prompts)",
                corpus="posts.corpus",
            )
        topic_of, labels = None, []
        if adapter is not None and adapter.topics and request.topics is None:
            report("topics", None, None)
            topic_of, labels = _adapter_topics(d, adapter)
        elif request.topics_from is not None:
            report("topics", None, None)
            topic_of, labels, labelled = _topics(d, request)
            real = labelled if real is None else real
        cfg = PostsPlan(
            spec=request,
            platforms=plats,
            strategy=strategy,
            sampling=request.decoding.sampling(adapted=adapter is not None),
            parallel=request.parallel if request.backend == "embedded" else 1,
            adapter=adapter,
            timeline=str(timeline) if timeline is not None else None,
            topic_of=topic_of,
            keywords={t["label"]: t["keywords"] for t in adapter.topics} if adapter is not None else None,
            lengths=adapter.manifest["corpus"].get("lengths") if adapter is not None else None,
            topic_shares=_topic_shares(adapter) if adapter is not None and request.topics is None else None,
        )
        engine = make_backend(
            request.backend,
            request.model,
            base_url=request.base_url,
            api_key_env=request.api_key_env,
            lora_path=str(adapter.gguf) if adapter is not None else None,
            parallel=cfg.parallel,
        )
        try:
            summary = write_posts(d, cfg, engine, real, progress=report)
        finally:
            engine.close()
    return {**summary, "topics": labels}


def _source(spec: PostsSpec, path: str) -> CorpusSource:
    """The corpus at ``path`` (the spec's ``corpus`` or ``topics_from``) read with the spec's columns."""
    return CorpusSource(
        path=path, text_col=spec.text_col, platform_col=spec.platform_col, platform=spec.corpus_platform
    )


def check_timeline(directory: str, world: Path) -> Path:
    """The timeline directory ``directory`` (synthsocial wrote it, for a world of this size), or InputError."""
    from ..io.ownership import ownership

    t = Path(directory)
    owner = ownership(t) if t.is_dir() else None
    if owner is None or owner.kind != "timeline" or not (t / "events.parquet").exists():
        raise InputError(
            f"{{timeline}} {directory!r} is not a directory written by `synthsocial timeline`",
            timeline="posts.timeline",
        )
    users = read_parquet(t / "events.parquet", ["user_id"], integer=("user_id",))["user_id"]
    n = pq.read_metadata(world / "users.parquet").num_rows
    if users.length() and pa.compute.max(users).as_py() >= n:
        raise InputError(
            f"{{timeline}} {directory!r} was made for another world (a user id beyond this world's {n:,})",
            timeline="posts.timeline",
        )
    return t.resolve()


def check_adapter(request: PostsSpec) -> Adapter | None:
    """The adapter of ``request`` (None without one), refused with anything it cannot go with."""
    if request.adapter is None:
        return None
    if request.backend != "embedded" or (request.model or "gemma3-270m") != "gemma3-270m":
        raise ConfigError(
            "{adapter} runs on the embedded gemma3-270m model: drop {backend}/{model}",
            adapter="posts.adapter",
            backend="posts.backend",
            model="posts.model",
        )
    if request.strategy != "auto":
        raise ConfigError(
            f"{{strategy}} {request.strategy!r} does not go with {{adapter}} (it writes from a control prefix)",
            adapter="posts.adapter",
            strategy="posts.strategy",
        )
    if request.corpus is not None or request.topics_from is not None:
        raise ConfigError(
            "{corpus} and {topics_from} do not go with {adapter} (it learned its corpus and topics)",
            corpus="posts.corpus",
            adapter="posts.adapter",
            topics_from="posts.topics_from",
        )
    adapter = Adapter.open(request.adapter)
    from .backends.embedded import model_path

    model_path("gemma3-270m")  # the base model must be there too
    return adapter


def _topic_shares(adapter) -> dict[str, dict[str, float]]:
    """Each platform's topic mix in the adapter's training corpus: {platform: {topic: share}}."""
    counts: dict[str, dict[str, float]] = {}
    for t in adapter.topics:
        for p, share in t["platforms"].items():
            counts.setdefault(p, {})[t["label"]] = share * t["size"]
    return {p: {k: v / sum(c.values()) for k, v in c.items()} for p, c in counts.items() if sum(c.values()) > 0}


def _interest_topics(d: Path, labels: list[str], centroids: np.ndarray) -> dict[str, str]:
    """Each interest of the world's users mapped to the label of its nearest topic centroid (MiniLM)."""
    from .topics import nearest_topics

    interests = read_parquet(d / "users.parquet", ["interests"])["interests"].to_pylist()
    vocab = sorted({x for row in interests for x in row})
    return dict(zip(vocab, (labels[i] for i in nearest_topics(vocab, centroids))))


def _adapter_topics(d: Path, adapter) -> tuple[dict[str, str], list[str]]:
    """Each interest of the world mapped to the adapter's nearest topic, and the topic labels."""
    labels = [t["label"] for t in adapter.topics]
    centroids = np.array([t["centroid"] for t in adapter.topics], dtype=np.float64)
    return _interest_topics(d, labels, centroids), labels


def _topics(d: Path, request: PostsSpec) -> tuple[dict[str, str], list[str], pa.Table]:
    """Topics extracted from ``request.topics_from`` (written to topics.json), each interest of
    the world mapped to its nearest topic, and the corpus labelled with its topics."""
    from .topics import extract_topics

    found, labelled, centroids = extract_topics(
        _source(request, request.topics_from).read(), request.n_topics, request.seed
    )
    labels = [t.label for t in found]
    topic_of = _interest_topics(d, labels, centroids)
    atomic_text(d / "topics.json", json.dumps([t.__dict__ for t in found], indent=2) + "\n")
    record(d, ["topics.json"], "world")
    return topic_of, labels, labelled


def _norm(text: str) -> str:
    return re.sub(r"[^a-z0-9]+", " ", text.lower()).strip()


class _Column:
    """One user attribute read from its Arrow column when asked for (``col[u]``): a world of 10^7
    users is not turned into Python objects for the few hundred that write."""

    def __init__(self, column: pa.ChunkedArray) -> None:
        self.column = column.combine_chunks()

    def __getitem__(self, u: int):
        return self.column[int(u)].as_py()


def _read_world(d: Path) -> tuple[np.ndarray, np.ndarray, _Column, _Column, np.ndarray | None]:
    """Ages, age bands, occupations, interests and stances (None in worlds made before stances) of a
    world's users (occupations and interests read lazily); the edges are read later, for the users who
    need them (:func:`_neighbours`)."""
    from ..io.ownership import warn_if_changed

    check_world(d)
    warn_if_changed(d, ["users.parquet", "edges.parquet"])
    users = read_parquet(d / "users.parquet", ["user_id", "age", "occupation", "interests"], integer=("user_id", "age"))
    if users.num_rows == 0:
        raise InputError(f"{d}: the world has no users")
    try:
        bands = json.loads((d / "manifest.json").read_text())["config"]["population"]["age_bands"]
    except (OSError, ValueError, KeyError, TypeError):
        from ..config import GeneratorConfig

        bands = GeneratorConfig().population.age_bands
    age = users["age"].to_numpy()
    band = age_band(age, bands)
    try:
        stance = read_parquet(d / "users.parquet", ["stance"])["stance"].to_numpy()
    except InputError:  # a world made before stances
        stance = None
    return age, band, _Column(users["occupation"]), _Column(users["interests"]), stance


def _neighbours(d: Path, who: np.ndarray) -> tuple[dict[int, np.ndarray], dict[int, np.ndarray]]:
    """Whom each user of ``who`` follows and who follows them, ascending, from one pass over the
    edge files (sorted by source, then target)."""
    who = np.unique(np.asarray(who, dtype=np.int64))
    out_s, out_t, in_s, in_t = [], [], [], []
    for src, dst in stream_edges(edge_files(d)):
        src, dst = src.astype(np.int64, copy=False), dst.astype(np.int64, copy=False)
        k = member(src, who)
        out_s.append(src[k])
        out_t.append(dst[k])
        k = member(dst, who)
        in_s.append(src[k])
        in_t.append(dst[k])
    empty = np.empty(0, dtype=np.int64)

    def group(keys: list[np.ndarray], values: list[np.ndarray]) -> dict[int, np.ndarray]:
        k, v = (np.concatenate(keys), np.concatenate(values)) if keys else (empty, empty)
        order = np.argsort(k, kind="stable")
        k, v = k[order], v[order]
        cuts = np.searchsorted(k, who)
        ends = np.searchsorted(k, who, side="right")
        return {int(u): v[a:b] for u, a, b in zip(who, cuts, ends)}

    return group(out_s, out_t), group(in_t, in_s)


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


POSTS_OUTPUTS = ["posts.parquet", "interactions.parquet", "posts.json"]


def write_posts(
    world: str | Path,
    cfg: PostsPlan,
    backend: Backend,
    corpus: pa.Table | None = None,
    progress: Progress | None = None,
) -> dict:
    """Generate the posts of a world into ``world/posts.parquet`` and ``world/interactions.parquet``
    (holding the world's lock; the world must be one synthsocial wrote)."""
    if not Path(world).is_dir():
        raise InputError(f"world {str(world)!r} is not a directory written by `synthsocial generate`")
    with output_directory(world, "world", command="posts", must_exist=True, option="world", check=check_world) as d:
        summary = _write_posts(d, cfg, backend, corpus, progress)
        _write_record(d, cfg, backend, summary)
        record(d, POSTS_OUTPUTS, "world")
    return summary


def _write_record(d: Path, cfg: PostsPlan, backend: Backend, summary: dict) -> None:
    """posts.json: how the posts were made (settings, model, adapter) and what the last run did,
    including the memorization guard's rejections; no timings, so a rerun writes the same bytes."""
    adapter = None
    if (a := cfg.adapter) is not None:
        adapter = {"path": str(a.path), "key": a.manifest.get("key"), "corpus_sha256": a.manifest["corpus"]["sha256"]}
    settings = cfg.settings()
    data = {
        "backend": backend.name,
        "model": backend.model,
        "platforms": [p.name for p in cfg.platforms],
        "adapter": adapter,
        "settings": settings,
        "last_run": {k: v for k, v in summary.items() if k not in ("seconds", "posts_per_minute")},
    }
    atomic_text(d / "posts.json", json.dumps(data, indent=1, sort_keys=True) + "\n")


def _write_posts(d: Path, cfg: PostsPlan, backend: Backend, corpus: pa.Table | None, progress: Progress | None) -> dict:
    age, band, occupation, interests, stance = _read_world(d)
    events = read_parquet(Path(cfg.timeline) / "events.parquet") if cfg.timeline is not None else None
    who = np.unique(events["user_id"].to_numpy()) if events is not None else None
    follows, followers = _neighbours(
        d, who if who is not None else writers(band, cfg.platforms, cfg.spec.max_users, cfg.spec.seed)
    )
    templates: Templates = load_templates(cfg.spec.prompts)
    pools: dict[str, ExamplePool] = {}
    if corpus is not None:
        plats = corpus["platform"].to_pylist()
        texts = corpus["text"].to_pylist()
        topics = corpus["topic"].to_pylist() if "topic" in corpus.column_names else None
        for p in cfg.platforms:
            idx = [i for i, x in enumerate(plats) if x == p.name]
            if idx:
                pools[p.name] = ExamplePool([texts[i] for i in idx], [topics[i] for i in idx] if topics else None)
    guard = cfg.adapter.guard() if cfg.strategy == "adapted" and cfg.adapter is not None else None
    if cfg.strategy == "platform-agnostic":
        if corpus is None:
            raise InputError("the platform-agnostic strategy needs real posts (a corpus)")
        check_corpus_platforms(corpus, cfg.platforms)

    common = {
        "age": age,
        "occupation": occupation,
        "interests": interests,
        "follows": follows,
        "seed": cfg.spec.seed,
        "topic_of": cfg.topic_of,
        "topic_shares": cfg.topic_shares,
        "topic_tilt": cfg.spec.topic_tilt,
    }
    if events is not None:
        tasks, uses = timeline_tasks(events, **common), None
    else:
        tasks, uses = plan(
            band=band,
            platforms=cfg.platforms,
            posts_per_user=cfg.spec.posts_per_user,
            max_users=cfg.spec.max_users,
            topics=cfg.spec.topics,
            **common,
        )
    if cfg.strategy != "adapted":
        tasks = with_stance(tasks, stance, cfg.spec.stance_topics, cfg.spec.stance_labels)
    capped = tasks[cfg.spec.max_texts :] if cfg.spec.max_texts is not None else []
    tasks = tasks[: cfg.spec.max_texts] if cfg.spec.max_texts is not None else tasks
    store = PostStore(d)
    stored = store.existing()
    written = pa.compute.not_equal(stored["status"], "capped").fill_null(True)
    done = set(stored.filter(written)["post_id"].to_pylist())
    seen = {_norm(t) for t in stored["text"].to_pylist() if t}
    texts = dict(zip(stored["post_id"].to_pylist(), stored["text"].to_pylist()))
    todo = [t for t in tasks if t.post_id not in done]
    by_name = {p.name: p for p in cfg.platforms}
    started = time.perf_counter()
    generated = failed = 0
    rejected = {"memorized": 0}
    report = progress or silent
    report("posts", 0, len(todo))
    for batch in _batches(todo, cfg.spec.batch_size):
        rows = _generate_batch(batch, cfg, backend, templates, pools, by_name, seen, guard, rejected, texts)
        store.append(rows)
        texts.update((r["post_id"], r["text"]) for r in rows)
        generated += sum(r["status"] == "ok" for r in rows)
        failed += sum(r["status"] == "failed" for r in rows)
        report("posts", generated + failed, len(todo))
    elapsed = time.perf_counter() - started
    posts = store.consolidate([_row(t, cfg, backend, None, "capped", 0, None) for t in capped])
    ok = posts.filter(pa.compute.equal(posts["status"], "ok"))
    if events is not None:
        inter = _timeline_interactions(Path(cfg.timeline), events)
    else:
        uses_by = {p.name: uses[:, j] for j, p in enumerate(cfg.platforms)}
        inter = interactions(
            ok.select(["post_id", "user_id", "platform", "created_at"]),
            followers,
            uses_by,
            cfg.spec.seed,
            cfg.spec.interaction_p,
        )
    atomic_file(d / "interactions.parquet", lambda tmp: pq.write_table(inter, tmp, compression="zstd"))
    return {
        "planned": len(tasks) + len(capped),
        "capped": len(capped),
        "skipped_existing": len(tasks) - len(todo),
        "generated": generated,
        "failed": failed,
        "seconds": elapsed,
        "posts_per_minute": 60 * (generated + failed) / elapsed if elapsed > 0 and todo else None,
        "posts_total": posts.num_rows,
        "by_platform": {p.name: int(sum(1 for x in ok["platform"].to_pylist() if x == p.name)) for p in cfg.platforms},
        "interactions": inter.num_rows,
        "memorization_guard": None
        if guard is None
        else {
            "rejected": rejected["memorized"],
            "generations": rejected.get("outputs", 0),
            "rate": rejected["memorized"] / max(rejected.get("outputs", 0), 1),
        },
    }


def _batches(todo: list[Task], size: int):
    """Batches of ``todo`` in order, none holding a task together with what it answers, nor before
    it (a reply waits for its parent's text: it is deferred to the next batch, ahead of the rest)."""
    open_ids = {t.post_id for t in todo}  # not yet in a batch yielded
    deferred: list[Task] = []
    i = 0
    while deferred or i < len(todo):
        batch: list[Task] = []
        waiting: list[Task] = []
        for t in deferred:
            (batch if len(batch) < size and t.parent not in open_ids else waiting).append(t)
        while len(batch) < size and i < len(todo):
            t = todo[i]
            i += 1
            (batch if t.parent is None or t.parent not in open_ids else waiting).append(t)
        yield batch
        open_ids.difference_update(t.post_id for t in batch)
        deferred = waiting


def _row(t: Task, cfg: PostsPlan, backend: Backend, text, status: str, attempts: int, failure, raw=None) -> dict:
    """One row of posts.parquet for task ``t``."""
    return {
        "post_id": t.post_id,
        "user_id": t.user_id,
        "platform": t.platform,
        "index": t.index,
        "kind": t.kind,
        "parent_id": t.parent,
        "root_id": t.root if t.root is not None else t.post_id,
        "topic": t.topic,
        "stance": t.stance,
        "text": text,
        "raw_text": raw,
        "created_at": t.created_at,
        "strategy": cfg.strategy,
        "backend": backend.name,
        "model": backend.model,
        "status": status,
        "attempts": attempts,
        "failure": failure,
    }


def _timeline_interactions(timeline: Path, events: pa.Table) -> pa.Table:
    """The timeline's likes and reposts in the schema of interactions.parquet (post ids, authors)."""
    r = read_parquet(timeline / "interactions.parquet")
    ids = events["event_id"].to_numpy()
    where = np.empty(int(ids.max()) + 1 if ids.size else 0, dtype=np.int64)
    where[ids] = np.arange(ids.size)
    row = pa.array(where[r["event_id"].to_numpy()] if r.num_rows else np.empty(0, dtype=np.int64))
    author = events["user_id"].take(row)
    plat = events["platform"].take(row)
    text = pa.string()
    post_id = pc.binary_join_element_wise(author.cast(text), plat, r["event_id"].cast(text), "-")
    suffix = pc.binary_join_element_wise("i", pa.array(np.arange(r.num_rows)).cast(text), "")
    return pa.table(
        {
            "interaction_id": pc.binary_join_element_wise(post_id, suffix, "-"),
            "post_id": post_id,
            "user_id": r["user_id"],
            "author_id": author,
            "platform": plat,
            "type": r["kind"],
            "created_at": r["created_at"],
        }
    )


def _length(lengths: dict[str, dict[str, float]] | None, platform: str, seed: int) -> str | None:
    """A length bucket drawn from the adapter's shares on ``platform`` (None when it has none)."""
    shares = (lengths or {}).get(platform)
    if not shares:
        return None
    buckets = sorted(shares)
    p = np.array([shares[b] for b in buckets], dtype=np.float64)
    return buckets[int(draws(seed, Stream.POST_LENGTH).choice(len(buckets), p=p / p.sum()))]


def _memorized(guard, texts: list[str]) -> list[str | None]:
    """Why each text repeats a training post of the adapter (None when it does not)."""
    from ..homophily.maps import embed

    usable = [t if t else " " for t in texts]
    return guard.check(usable, embed(usable).astype(np.float32) if guard.embeddings is not None else None)


def _generate_batch(
    batch: list[Task],
    cfg: PostsPlan,
    backend: Backend,
    templates: Templates,
    pools: dict[str, ExamplePool],
    platforms: dict[str, Platform],
    seen: set[str],
    guard=None,
    rejected: dict | None = None,
    texts: dict[str, str | None] | None = None,
) -> list[dict]:
    """Generate ``batch``, regenerating unusable texts up to ``cfg.spec.max_attempts`` times; ``texts``:
    the texts written so far by post id (a reply's prompt shows its parent's)."""
    parent_text = {t.post_id: (texts or {}).get(t.parent) if t.parent else None for t in batch}
    state = {t.post_id: {"attempts": 0, "raw": None, "text": None, "failure": None} for t in batch}
    pending = list(batch)
    for attempt in range(cfg.spec.max_attempts):
        if not pending:
            break
        requests, examples = [], []
        for t in pending:
            s = task_seed(cfg.spec.seed, t.user_id, t.platform, t.index, attempt)
            if cfg.strategy == "adapted":
                keywords = (cfg.keywords or {}).get(t.topic)
                length = _length(cfg.lengths, t.platform, s)
                control = prefix(t.platform, keywords, parent=parent_text[t.post_id], length=length)
                requests.append(Request(prompt=control, stop=(), seed=s, sampling=cfg.sampling))
                examples.append([])
                continue
            rng = np.random.default_rng(s)
            prompt, ex = build_prompt(
                cfg.strategy,
                templates,
                platforms[t.platform],
                t.topic,
                t.author,
                rng,
                pools.get(t.platform),
                parent=parent_text[t.post_id],
                stance=(cfg.spec.stance_labels[0], cfg.spec.stance_labels[2]) if t.stance is not None else None,
                side=side(t.stance) if t.stance is not None else 0,
            )
            requests.append(Request(prompt=prompt, seed=s, sampling=cfg.sampling))
            examples.append(ex)
        outputs = backend.generate(requests)
        tidy = clean_adapted if cfg.strategy == "adapted" else clean
        texts = [tidy(raw, platforms[t.platform]) for t, raw in zip(pending, outputs)]
        memorized = _memorized(guard, texts) if guard is not None else [None] * len(texts)
        if rejected is not None:
            rejected["outputs"] = rejected.get("outputs", 0) + len(texts)
            rejected["memorized"] += sum(m is not None for m in memorized)
        still = []
        for t, raw, ex, text, mem in zip(pending, outputs, examples, texts, memorized):
            st = state[t.post_id]
            st["attempts"] = attempt + 1
            st["raw"] = raw
            usable = problem(text, ex) if cfg.strategy != "adapted" else ("empty" if not text.strip() else None)
            why = usable or mem or ("duplicate of another post" if _norm(text) in seen else None)
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
        ok = st["text"] is not None
        rows.append(
            _row(
                t,
                cfg,
                backend,
                st["text"],
                "ok" if ok else "failed",
                st["attempts"],
                None if ok else st["failure"],
                st["raw"],
            )
        )
    return rows
