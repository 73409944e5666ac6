"""``synthsocial world``: generate -> evaluate -> posts -> fidelity -> report, resumable.

Each stage has a key: the hash of its own settings and of the keys of the stages it reads, so a
change anywhere upstream reaches everything downstream. ``DIR/stages.json`` records, per stage,
its key, whether it finished, its outputs and its wall time; it is rewritten atomically after each
change. On a rerun a stage is skipped when its recorded key is the current one, it finished, and
its outputs are all there. A stage that was interrupted with the same key resumes where it can
(posts keep the batches already stored, see posts/store.py); with another key its old outputs are
removed first. Every stage writes its files under temporary names and renames them when complete,
so an output that exists is complete.
"""

from __future__ import annotations

import hashlib
import importlib.util
import json
import os
import shutil
import tempfile
import time
from collections.abc import Callable
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Any

from . import __version__
from .config import GeneratorConfig
from .errors import ConfigError, OutputError
from .io.writers import atomic_text, writable_directory

STATE = "stages.json"
StageProgress = Callable[[str, int | None, int | None], None]  # stage, done, total


@dataclass(frozen=True)
class WorldPlan:
    """What ``synthsocial world`` makes. ``writers``: users who write posts (None: all)."""

    nodes: int
    platforms: tuple[str, ...] = ("twitter", "reddit")
    seed: int = 0
    config: dict = field(default_factory=dict)
    real_corpus: str | None = None
    writers: int | None = 100
    posts_per_user: int = 1
    backend: str = "embedded"
    model: str | None = None
    base_url: str | None = None
    reference: str = "bluesky"


def _key(obj: Any) -> str:
    return hashlib.sha256(json.dumps(obj, sort_keys=True, default=str).encode()).hexdigest()[:16]


def _corpus_fingerprint(path: str | None) -> Any:
    """Name, size and modification time of the corpus file(s): a changed corpus changes the key."""
    if path is None:
        return None
    p = Path(path)
    files = sorted(f for f in p.rglob("*") if f.is_file()) if p.is_dir() else [p]
    return [(str(f), f.stat().st_size, int(f.stat().st_mtime)) for f in files if f.exists()]


class Stages:
    """The record of DIR/stages.json."""

    def __init__(self, directory: Path):
        self.dir = directory
        self.path = directory / STATE
        try:
            self.data = json.loads(self.path.read_text(encoding="utf-8")) if self.path.exists() else {}
        except (OSError, ValueError):
            self.data = {}

    def save(self) -> None:
        atomic_text(self.path, json.dumps(self.data, indent=2) + "\n")

    def current(self, name: str, key: str, outputs: list[str]) -> bool:
        rec = self.data.get(name, {})
        return rec.get("key") == key and rec.get("finished") and all((self.dir / o).exists() for o in outputs)

    def interrupted_with(self, name: str, key: str) -> bool:
        rec = self.data.get(name, {})
        return rec.get("key") == key and not rec.get("finished")

    def start(self, name: str, key: str) -> None:
        self.data[name] = {"key": key, "finished": False, "started": time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime())}
        self.save()

    def finish(self, name: str, outputs: list[str], seconds: float, summary: dict | None = None) -> None:
        self.data[name].update(finished=True, outputs=outputs, seconds=round(seconds, 2), summary=summary or {})
        self.save()


def _remove(directory: Path, names: list[str]) -> None:
    for name in names:
        p = directory / name
        if p.is_dir():
            shutil.rmtree(p)
        elif p.exists():
            p.unlink()


def _move_into(src_dir: Path, directory: Path) -> None:
    for p in src_dir.iterdir():
        target = directory / p.name
        if target.is_dir():
            shutil.rmtree(target)
        os.replace(p, target)


def check_target(directory: Path) -> None:
    """Refuse a directory that exists, holds files and was not made by ``synthsocial world``."""
    if directory.exists() and not directory.is_dir():
        raise OutputError(f"--out {str(directory)!r} exists and is not a directory")
    if directory.is_dir() and any(directory.iterdir()) and not (directory / STATE).exists():
        raise OutputError(
            f"--out {str(directory)!r} exists and is not a world made by `synthsocial world` (no {STATE}); "
            "choose a new directory or empty it"
        )


def build_world(plan: WorldPlan, directory: str | Path, progress: StageProgress | None = None) -> dict[str, str]:
    """Make (or bring up to date) the world of ``plan`` in ``directory``; return what each stage did:
    "ran", "resumed", "skipped" or "not requested"."""
    from .posts.platforms import resolve
    from .world import check_fits, check_nodes

    d = Path(directory)
    check_fits(check_nodes(plan.nodes))
    check_target(d)
    cfg = GeneratorConfig.from_dict(plan.config)
    plats = resolve(",".join(plan.platforms))
    if plan.writers is not None and plan.writers < 1:
        raise ConfigError(f"writers = {plan.writers} is not accepted: use an integer >= 1")
    writable_directory(d)
    stages = Stages(d)
    report = progress or (lambda stage, done, total: None)
    done: dict[str, str] = {}

    keys: dict[str, str] = {}
    keys["generate"] = _key({"v": __version__, "nodes": plan.nodes, "seed": plan.seed, "config": cfg.to_dict()})
    keys["evaluate"] = _key({"up": keys["generate"], "reference": plan.reference, "seed": plan.seed})
    posts_settings = {"platforms": [p.name for p in plats], "writers": plan.writers, "per_user": plan.posts_per_user,
                      "backend": plan.backend, "model": plan.model, "base_url": plan.base_url, "seed": plan.seed,
                      "corpus": _corpus_fingerprint(plan.real_corpus)}
    keys["posts"] = _key({"up": keys["generate"], **posts_settings})
    keys["fidelity"] = _key({"up": keys["posts"], "corpus": _corpus_fingerprint(plan.real_corpus), "seed": plan.seed})
    keys["report"] = _key({"up": [keys["evaluate"], keys["posts"], keys["fidelity"] if plan.real_corpus else None],
                           "reference": plan.reference, "seed": plan.seed})
    outputs = {
        "generate": ["users.parquet", "edges.parquet", "manifest.json"],
        "evaluate": ["metrics.json"],
        "posts": ["posts.parquet", "interactions.parquet"],
        "fidelity": ["fidelity.json", "fidelity_figures"],
        "report": ["report.html", "figures"],
    }

    def run(name: str, body: Callable[[], dict | None], resumable: bool = False) -> None:
        if stages.current(name, keys[name], outputs[name]):
            done[name] = "skipped"
            report(name, 1, 1)
            return
        resume = resumable and stages.interrupted_with(name, keys[name])
        if not resume:
            _remove(d, outputs[name] + ([".posts-parts"] if name == "posts" else []))
        stages.start(name, keys[name])
        report(name, 0, None)
        t = time.perf_counter()
        summary = body()
        stages.finish(name, outputs[name], time.perf_counter() - t, summary)
        done[name] = "resumed" if resume else "ran"
        report(name, 1, 1)

    def generate() -> dict:
        from .world import generate as make

        tmp = Path(tempfile.mkdtemp(prefix=".generate.tmp-", dir=d))
        try:
            w = make(plan.nodes, seed=plan.seed, config=cfg,
                     progress=lambda phase, k, total: report("generate", None, None))
            w.write(tmp)
            _move_into(tmp, d)
        finally:
            shutil.rmtree(tmp, ignore_errors=True)
        return {"edges": int(w.links.source.size)}

    def evaluate() -> dict:
        from .io.readers import read_world
        from .metrics import EvaluateOptions, evaluate as measure, to_json_ready

        r = measure([read_world(d)], plan.reference, EvaluateOptions(seed=plan.seed))[0]
        atomic_text(d / "metrics.json", json.dumps(to_json_ready(r), indent=2) + "\n")
        return {"ned_fixed": round(r["ned"]["fixed"]["value"], 4)}

    def posts() -> dict:
        from .io.corpus import read_corpus, read_shared_posts
        from .posts.backends import make_backend
        from .posts.pipeline import PostsConfig, write_posts

        real = None
        if plan.real_corpus is not None:
            p = Path(plan.real_corpus)
            real = read_shared_posts(p) if p.is_dir() else read_corpus(p)
        strategy = "platform-agnostic" if real is not None else "platform-aware"
        pcfg = PostsConfig(platforms=plats, strategy=strategy, posts_per_user=plan.posts_per_user,
                           max_users=plan.writers, seed=plan.seed)
        engine = make_backend(plan.backend, plan.model, base_url=plan.base_url)
        try:
            s = write_posts(d, pcfg, engine, real, progress=lambda k, total: report("posts", k, total))
        finally:
            engine.close()
        return {k: s[k] for k in ("posts_total", "failed", "interactions")}

    def fidelity() -> dict:
        from .fidelity import measure, synthetic_posts
        from .io.corpus import read_corpus, read_shared_posts
        from .report.html import save_fidelity

        import pyarrow.parquet as pq

        p = Path(plan.real_corpus)
        ref = read_shared_posts(p) if p.is_dir() else read_corpus(p)
        semantic = importlib.util.find_spec("sentence_transformers") is not None  # the embed extra
        result = measure(synthetic_posts(pq.read_table(d / "posts.parquet"), "text"), ref, semantic=semantic, seed=plan.seed)
        save_fidelity(result, d)
        return {"semantic": semantic}

    def report_stage() -> dict:
        from .report.html import build_report

        build_report(d, plan.reference, plan.seed)
        return {}

    run("generate", generate)
    run("evaluate", evaluate)
    run("posts", posts, resumable=True)
    if plan.real_corpus is not None:
        run("fidelity", fidelity)
    else:
        done["fidelity"] = "not requested"
    run("report", report_stage)
    stages.data["plan"] = asdict(plan)
    stages.save()
    return done
