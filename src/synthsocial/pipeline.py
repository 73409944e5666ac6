"""``synthsocial world``: generate -> evaluate -> posts -> fidelity -> report, resumable.

The whole run holds the world's lock (io/lock.py): a second writer is refused before any work.
Each stage has a key: the hash of its own settings and of the content hashes of the files it
reads, so a change anywhere upstream reaches everything downstream and a file regenerated
byte-identical reaches nothing. ``DIR/stages.json`` records, per stage, its key, whether it
finished, the SHA-256 of every output and its wall time; it is rewritten atomically after each
change. On a rerun a stage is skipped when its recorded key is the current one, it finished, and
every output still has its recorded hash. An output that changed or went missing (damaged,
edited, deleted) makes its stage run again ("repaired"), and what reads it follows through the
keys. A stage that was interrupted with the same key resumes where it can (posts keep the
batches already stored, see posts/store.py); with another key its old outputs are removed first.
Every stage writes its files under temporary names and renames them when complete, so an output
that exists is complete. Inputs (the real corpus, the backend settings) are checked before the
first stage runs.
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

from ._version import __version__
from .config import GeneratorConfig
from .errors import ConfigError, OutputError
from .io.atomic import atomic_text
from .io.ownership import MARKER, mismatched, output_directory, record

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
    """The record of DIR/stages.json (a damaged record counts as empty: every stage reruns)."""

    def __init__(self, directory: Path):
        self.dir = directory
        self.path = directory / STATE
        try:
            data = json.loads(self.path.read_text(encoding="utf-8")) if self.path.exists() else {}
        except (OSError, ValueError):
            data = {}
        self.data: dict[str, Any] = (
            {k: v for k, v in data.items() if isinstance(v, dict)} if isinstance(data, dict) else {}
        )

    def save(self) -> None:
        atomic_text(self.path, json.dumps(self.data, indent=2) + "\n")

    def state(self, name: str, key: str, outputs: list[str]) -> tuple[str, list[str]]:
        """What to do with stage ``name`` and which outputs to remove first: ("current", []) when
        the key is the same, it finished and every output has its recorded hash; ("damaged", the
        changed outputs) when only outputs changed; ("interrupted", []) when it did not finish
        (it resumes from what is there); ("stale", every output) for another key."""
        rec = self.data.get(name, {})
        if rec.get("key") != key:
            return "stale", outputs
        if not rec.get("finished"):
            return "interrupted", []
        recorded = rec.get("outputs") if isinstance(rec.get("outputs"), dict) else {}
        bad = mismatched(self.dir, {o: recorded.get(o) for o in outputs})
        return ("damaged" if bad else "current"), bad

    def outputs(self, name: str) -> dict[str, str]:
        return dict(self.data.get(name, {}).get("outputs") or {})

    def start(self, name: str, key: str) -> None:
        self.data[name] = {"key": key, "finished": False, "started": time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime())}
        self.save()

    def finish(self, name: str, outputs: dict[str, str], seconds: float, summary: dict | None = None) -> None:
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
    """Refuse a directory that holds files and was not made by ``synthsocial world`` (a world made
    by ``generate`` is refused too: regenerating it here would replace it)."""
    if directory.is_dir() and any(p.name != MARKER for p in directory.iterdir()) and not (directory / STATE).exists():
        raise OutputError(
            f"--out {str(directory)!r} exists and is not a world made by `synthsocial world` (no {STATE}); "
            "choose a new directory or empty it"
        )


def recorded_plan(plan: WorldPlan) -> dict[str, Any]:
    """The plan as stages.json records it: credentials in the server URL are redacted."""
    from .posts.backends.openai import redact_url

    return {**asdict(plan), "base_url": redact_url(plan.base_url)}


def _read_real(path: str | None, platforms: list) -> Any:
    """The real corpus, read and checked before any stage runs (None without one)."""
    if path is None:
        return None
    from .io.corpus import read_corpus, read_shared_posts
    from .posts.pipeline import check_corpus_platforms

    p = Path(path)
    real = read_shared_posts(p) if p.is_dir() else read_corpus(p)
    check_corpus_platforms(real, platforms, f"--real-corpus {path!r}")
    return real


def build_world(plan: WorldPlan, directory: str | Path, progress: StageProgress | None = None) -> dict[str, str]:
    """Make (or bring up to date) the world of ``plan`` in ``directory``; return what each stage did:
    "ran", "resumed", "repaired", "skipped" or "not requested"."""
    from .generation import check_fits, check_nodes
    from .metrics.references import BUILTIN, builtin
    from .posts.backends import check_backend
    from .posts.platforms import resolve

    check_fits(check_nodes(plan.nodes))
    cfg = GeneratorConfig.from_dict(plan.config)
    plats = resolve(",".join(plan.platforms))
    if plan.writers is not None and plan.writers < 1:
        raise ConfigError(f"writers = {plan.writers} is not accepted: use an integer >= 1")
    check_backend(plan.backend, plan.model, plan.base_url)
    if plan.reference.lower() not in BUILTIN and not Path(plan.reference).exists():
        builtin(plan.reference)  # refuses it, naming what is accepted
    real = _read_real(plan.real_corpus, plats)
    with output_directory(directory, "world", command="world", check=check_target) as d:
        return _build(plan, cfg, plats, real, d, progress or (lambda stage, done, total: None))


OUTPUTS = {
    "generate": ["users.parquet", "edges.parquet", "manifest.json"],
    "evaluate": ["metrics.json"],
    "posts": ["posts.parquet", "interactions.parquet"],
    "fidelity": ["fidelity.json", "fidelity_figures"],
    "report": ["report.html", "figures"],
}


def _build(
    plan: WorldPlan, cfg: GeneratorConfig, plats: list, real: Any, d: Path, report: StageProgress
) -> dict[str, str]:
    stages = Stages(d)
    done: dict[str, str] = {}

    def run(name: str, settings: dict, body: Callable[[], dict | None], resumable: bool = False) -> None:
        key = _key(settings)
        state, changed = stages.state(name, key, OUTPUTS[name])
        if state == "current":
            done[name] = "skipped"
            report(name, 1, 1)
            return
        _remove(d, changed + ([".posts-parts"] if state == "stale" and name == "posts" else []))  # the rest is kept
        stages.start(name, key)
        report(name, 0, None)
        t = time.perf_counter()
        summary = body()
        stages.finish(name, record(d, OUTPUTS[name], "world"), time.perf_counter() - t, summary)
        done[name] = {"stale": "ran", "interrupted": "resumed" if resumable else "ran", "damaged": "repaired"}[state]
        report(name, 1, 1)

    def reads(stage: str, *names: str) -> dict[str, str | None]:
        """Content hashes of the files a stage reads (as the stage that wrote them recorded them)."""
        out = stages.outputs(stage)
        return {n: out.get(n) for n in names}

    def generate() -> dict:
        from .generation import generate as make
        from .world import write_world

        tmp = Path(tempfile.mkdtemp(prefix=".generate.tmp-", dir=d))
        try:
            w = make(
                plan.nodes, seed=plan.seed, config=cfg, progress=lambda phase, k, total: report("generate", None, None)
            )
            write_world(w, tmp)
            _move_into(tmp, d)
        finally:
            shutil.rmtree(tmp, ignore_errors=True)
        return {"edges": int(w.links.source.size)}

    def evaluate() -> dict:
        from .io.readers import read_world
        from .metrics import EvaluateOptions, to_json_ready
        from .metrics import evaluate as measure

        r = measure([read_world(d)], plan.reference, EvaluateOptions(seed=plan.seed))[0]
        atomic_text(d / "metrics.json", json.dumps(to_json_ready(r), indent=2) + "\n")
        return {"ned_fixed": round(r["ned"]["fixed"]["value"], 4)}

    def posts() -> dict:
        from .posts.backends import make_backend
        from .posts.pipeline import PostsConfig, write_posts

        strategy = "platform-agnostic" if real is not None else "platform-aware"
        pcfg = PostsConfig(
            platforms=plats,
            strategy=strategy,
            posts_per_user=plan.posts_per_user,
            max_users=plan.writers,
            seed=plan.seed,
        )
        engine = make_backend(plan.backend, plan.model, base_url=plan.base_url)
        try:
            s = write_posts(d, pcfg, engine, real, progress=lambda k, total: report("posts", k, total))
        finally:
            engine.close()
        return {k: s[k] for k in ("posts_total", "failed", "interactions")}

    def fidelity() -> dict:
        import pyarrow.parquet as pq

        from .fidelity import measure, synthetic_posts
        from .report.html import save_fidelity

        semantic = importlib.util.find_spec("sentence_transformers") is not None  # the embed extra
        result = measure(
            synthetic_posts(pq.read_table(d / "posts.parquet"), "text"), real, semantic=semantic, seed=plan.seed
        )
        save_fidelity(result, d)
        return {"semantic": semantic}

    def report_stage() -> dict:
        from .report.html import build_report

        metrics = json.loads((d / "metrics.json").read_text(encoding="utf-8"))  # the evaluate stage's, verified
        build_report(d, plan.reference, plan.seed, result=metrics)
        return {}

    corpus = _corpus_fingerprint(plan.real_corpus)
    generate_settings = {"v": __version__, "nodes": plan.nodes, "seed": plan.seed, "config": cfg.to_dict()}
    run("generate", generate_settings, generate)
    graph = reads("generate", "users.parquet", "edges.parquet")
    run("evaluate", {"reads": graph, "reference": plan.reference, "seed": plan.seed}, evaluate)
    posts_settings = {
        "platforms": [p.name for p in plats],
        "writers": plan.writers,
        "per_user": plan.posts_per_user,
        "backend": plan.backend,
        "model": plan.model,
        "base_url": recorded_plan(plan)["base_url"],
        "seed": plan.seed,
        "corpus": corpus,
    }
    run("posts", {"reads": graph, **posts_settings}, posts, resumable=True)
    if real is not None:
        run("fidelity", {"reads": reads("posts", "posts.parquet"), "corpus": corpus, "seed": plan.seed}, fidelity)
    else:
        done["fidelity"] = "not requested"
    report_reads = {
        **graph,
        **reads("evaluate", "metrics.json"),
        **(reads("fidelity", *OUTPUTS["fidelity"]) if real is not None else {}),
    }
    run(
        "report",
        {"reads": report_reads, "generate": _key(generate_settings), "reference": plan.reference, "seed": plan.seed},
        report_stage,
    )
    stages.data["plan"] = recorded_plan(plan)
    stages.save()
    return done
