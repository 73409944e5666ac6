"""``synthsocial world``: generate -> evaluate -> [timeline] -> posts -> fidelity -> report, resumable.

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
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from . import profiles
from ._version import __version__
from .config import GeneratorConfig
from .errors import OutputError
from .io.atomic import atomic_text
from .io.ownership import MARKER, Ownership, mismatched, output_directory, ownership, record, register
from .progress import Progress, silent
from .specs.world import WorldPlan

STATE = "stages.json"


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
        """Write the record to DIR/stages.json, atomically."""
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
        """{output name: SHA-256} recorded when stage ``name`` finished; empty if it never did, and from
        :meth:`start` until it finishes again."""
        return dict(self.data.get(name, {}).get("outputs") or {})

    def start(self, name: str, key: str) -> None:
        """Record that stage ``name`` started (UTC time) with ``key``, not finished, replacing its old record; save."""
        self.data[name] = {"key": key, "finished": False, "started": time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime())}
        self.save()

    def finish(self, name: str, outputs: dict[str, str], seconds: float, summary: dict | None = None) -> None:
        """Mark stage ``name`` finished with its output hashes, wall time (seconds, 2 decimals) and summary; save."""
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
    """Move the entries of ``src_dir`` into ``directory``, replacing those of the same name (not
    the marker: the world's own registers what the stages write)."""
    for p in src_dir.iterdir():
        if p.name == MARKER:
            continue
        target = directory / p.name
        if target.is_dir():
            shutil.rmtree(target)
        os.replace(p, target)


def check_target(directory: Path) -> None:
    """Refuse a directory that holds files and was not made by ``synthsocial world`` (a world made
    by ``generate`` is refused too: regenerating it here would replace it)."""
    if directory.is_dir() and any(p.name != MARKER for p in directory.iterdir()) and not (directory / STATE).exists():
        raise OutputError(
            f"{{out}} {str(directory)!r} exists and is not a world made by `synthsocial world` (no {STATE}); "
            "choose a new directory or empty it",
            out="out",
        )


def recorded_plan(plan: WorldPlan) -> dict[str, Any]:
    """The plan as stages.json records it: credentials in the server URL are redacted."""
    from .posts.backends.openai import redact_url

    return {**plan.model_dump(mode="json"), "base_url": redact_url(plan.base_url)}


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


def build_world(plan: WorldPlan, directory: str | Path, progress: Progress | None = None) -> dict[str, str]:
    """Make (or bring up to date) the world of ``plan`` in ``directory``; return what each stage did:
    "ran", "resumed", "repaired", "skipped" or "not requested". Every input is checked before the
    first stage runs, and the world's lock is held throughout."""
    from .generation import check_fits
    from .metrics.references import check as check_reference
    from .platforms import resolve
    from .posts.backends import check_backend

    if plan.engine.engine == "local":
        check_fits(plan.nodes)
    cfg = profiles.apply(plan.profile, plan.nodes, GeneratorConfig.from_dict(plan.config))
    resolve(",".join(plan.platforms))
    check_backend(plan.backend, plan.model, plan.base_url)
    check_reference(plan.reference)
    real = _read_real(plan.real_corpus, resolve(",".join(plan.platforms)))
    from .posts.pipeline import check_adapter

    adapter = check_adapter(plan.posts())  # opened once for the run
    if plan.backend == "openai" and not (Path(directory) / STATE).exists():
        from .posts.backends import make_backend

        make_backend("openai", plan.model, base_url=plan.base_url).close()  # a new world: the server answers first
    with output_directory(directory, "world", command="world", check=check_target) as d:
        run = Run(plan, cfg, real, adapter, d, Stages(d), progress or silent)
        done = {stage.name: run.stage(stage) for stage in STAGES}
        run.record.data["plan"] = recorded_plan(plan)
        run.record.save()
    return done


@dataclass
class Run:
    """One run of the pipeline over the world directory ``d``."""

    plan: WorldPlan
    cfg: GeneratorConfig
    real: Any  # the real corpus (a table) or None
    adapter: Any  # the adapter (posts.adapter.Adapter) or None
    d: Path
    record: Stages
    report: Progress

    def reads(self, stage: str, *names: str) -> dict[str, str | None]:
        """Content hashes of files a stage wrote (as it recorded them): what later stages read."""
        out = self.record.outputs(stage)
        return {n: out.get(n) for n in names}

    def register(self, stage: Stage) -> None:
        """Put the verified hashes of a current stage's outputs into the marker where it lacks them (a damaged
        marker was written again without them)."""
        recorded = self.record.outputs(stage.name)
        files = (ownership(self.d) or Ownership("world")).files
        lost = {n: h for n, h in recorded.items() if n in stage.outputs and files.get(n, {}).get("sha256") != h}
        if lost:
            register(self.d, lost, "world")

    def stage(self, stage: Stage) -> str:
        """Run ``stage`` when it is wanted and not current; return "not requested", "skipped", "ran", "resumed" or
        "repaired". Outputs of another key, or outputs that changed, are removed first."""
        if not stage.wanted(self):
            return "not requested"
        key = _key(stage.key(self))
        state, changed = self.record.state(stage.name, key, list(stage.outputs))
        if state == "current":
            self.register(stage)
            self.report(stage.name, 1, 1)
            return "skipped"
        parts = [".posts-parts"] if state == "stale" and stage.name == "posts" else []
        _remove(self.d, changed + parts)  # what is intact stays (an interrupted posts stage resumes from it)
        self.record.start(stage.name, key)
        self.report(stage.name, 0, None)
        t = time.perf_counter()
        summary = stage.run(self)
        self.record.finish(stage.name, record(self.d, list(stage.outputs), "world"), time.perf_counter() - t, summary)
        self.report(stage.name, 1, 1)
        return {"stale": "ran", "interrupted": "resumed" if stage.resumable else "ran", "damaged": "repaired"}[state]


@dataclass(frozen=True)
class Stage:
    """One stage: the files it writes, the settings and inputs its key hashes, and the library
    function it calls."""

    name: str
    outputs: tuple[str, ...]
    key: Callable[[Run], dict]
    run: Callable[[Run], dict]
    resumable: bool = False
    wanted: Callable[[Run], bool] = lambda r: True


def _generate_key(r: Run) -> dict:
    return {
        "v": __version__,
        "nodes": r.plan.nodes,
        "seed": r.plan.seed,
        "config": r.cfg.to_dict(),
        "profile": r.plan.profile,
        "engine": r.plan.engine.engine,
    }


def _generate(r: Run) -> dict:
    """synthsocial.generate into a temporary directory of the world, then moved in."""
    from .generation import generate

    tmp = Path(tempfile.mkdtemp(prefix=".generate.tmp-", dir=r.d))
    try:
        w = generate(
            r.plan.nodes,
            r.plan.seed,
            r.cfg,
            lambda phase, k, total: r.report("generate", None, None),
            engine=r.plan.engine.engine,
            out=tmp / "world",
            dask=r.plan.engine.dask(),
            profile=r.plan.profile,
        )
        _move_into(tmp / "world", r.d)
    finally:
        shutil.rmtree(tmp, ignore_errors=True)
    return {"edges": int(w.manifest()["edges"])}


def _graph(r: Run) -> dict:
    return r.reads("generate", "users.parquet", "edges.parquet")


def _evaluate(r: Run) -> dict:
    """metrics.targets.evaluate_paths: in memory, or streamed when the edges do not fit."""
    from .metrics.targets import evaluate_paths

    result = evaluate_paths([r.d], r.plan.reference, r.plan.evaluate())[0]
    atomic_text(r.d / "metrics.json", json.dumps(result.to_dict(), indent=2) + "\n")
    return {"ned_fixed": round(result.ned["fixed"]["value"], 4)}


def _posts_key(r: Run) -> dict:
    # the shape of the posts key before the stages had specs (issue 33), so that a world made before
    # does not write its posts again: the settings a world cannot set are left out
    spec = r.plan.posts().model_dump(
        mode="json", exclude={"text_col", "platform_col", "corpus_platform", "decoding", "interaction_p"}
    )
    return {
        "reads": {**_graph(r), **(r.reads("timeline", TIMELINE) if r.plan.timeline_days is not None else {})},
        **spec,
        "sampling": None,
        "max_texts": r.plan.max_texts if r.plan.timeline_days is not None else None,
        "base_url": recorded_plan(r.plan)["base_url"],
        "corpus": _corpus_fingerprint(r.plan.real_corpus),
        "adapter": _adapter_key(r.adapter),
    }


def _adapter_key(adapter) -> str | None:
    """What identifies an adapter (its run key and GGUF size): a re-adapted directory reruns the posts."""
    return None if adapter is None else f"{adapter.manifest.get('key')}-{adapter.gguf.stat().st_size}"


def _posts(r: Run) -> dict:
    """posts.pipeline.make_posts (grounded in the real corpus when there is one)."""
    from .posts.pipeline import make_posts

    s = make_posts(r.d, r.plan.posts(r.d), real=r.real, progress=r.report, adapter=r.adapter)
    return {k: s[k] for k in ("posts_total", "failed", "interactions")}


TIMELINE = "timeline"


def _threads(r: Run) -> dict:
    """The real threads' part of a stage key (none without them: the keys of earlier worlds hold)."""
    return {"threads": _corpus_fingerprint(r.plan.real_threads)} if r.plan.real_threads else {}


def _timeline(r: Run) -> dict:
    """timeline.make_timeline into DIR/timeline (its own directory of kind timeline)."""
    from .timeline import make_timeline

    s = make_timeline(r.d, r.d / TIMELINE, r.plan.timeline())
    return s["counts"]


def _fidelity(r: Run) -> dict:
    """fidelity.measure on the world's posts against the real corpus; saved into the world."""
    from .fidelity import conversation_of, guard_record, measure, read_synthetic, stance_labels_of
    from .io.corpus import CorpusSource
    from .report.html import save_fidelity

    semantic = importlib.util.find_spec("sentence_transformers") is not None  # the embed extra
    syn = read_synthetic(CorpusSource(path=str(r.d / "posts.parquet")))
    guard = guard_record(r.d / "posts.parquet")
    talk = conversation_of(r.d / "posts.parquet", r.plan.real_threads, semantic, r.plan.seed)
    labels = stance_labels_of(r.d / "posts.parquet")
    result = measure(
        syn, r.real, semantic=semantic, seed=r.plan.seed, guard=guard, conversation=talk, stance_labels=labels
    )
    save_fidelity(result, r.d)
    return {"semantic": semantic}


def _report(r: Run) -> dict:
    """report.html.build_report from the evaluate stage's metrics.json (verified, not measured again)."""
    from .metrics import Profile
    from .report.html import build_report

    metrics = json.loads((r.d / "metrics.json").read_text(encoding="utf-8"))
    build_report(r.d, r.plan.reference, r.plan.seed, result=Profile.from_dict(metrics))
    return {}


def _report_key(r: Run) -> dict:
    fidelity = r.reads("fidelity", "fidelity.json", "fidelity_figures") if r.real is not None else {}
    timeline = r.reads("timeline", TIMELINE) if r.plan.timeline_days is not None else {}
    return {
        "reads": {**_graph(r), **r.reads("evaluate", "metrics.json"), **fidelity, **timeline},
        "generate": _key(_generate_key(r)),
        "reference": r.plan.reference,
        "seed": r.plan.seed,
    }


STAGES: tuple[Stage, ...] = (
    Stage("generate", ("users.parquet", "edges.parquet", "manifest.json"), _generate_key, _generate),
    Stage(
        "evaluate",
        ("metrics.json",),
        lambda r: {"reads": _graph(r), "reference": r.plan.reference, "seed": r.plan.seed},
        _evaluate,
    ),
    Stage(
        "timeline",
        (TIMELINE,),
        lambda r: {
            "reads": _graph(r),
            "days": r.plan.timeline_days,
            "platforms": r.plan.platforms,
            "seed": r.plan.seed,
            "threads": _corpus_fingerprint(r.plan.real_threads),
        },
        _timeline,
        wanted=lambda r: r.plan.timeline_days is not None,
    ),
    Stage("posts", ("posts.parquet", "interactions.parquet", "posts.json"), _posts_key, _posts, resumable=True),
    Stage(
        "fidelity",
        ("fidelity.json", "fidelity_figures"),
        lambda r: {
            "reads": r.reads("posts", "posts.parquet"),
            "corpus": _corpus_fingerprint(r.plan.real_corpus),
            "seed": r.plan.seed,
            **_threads(r),
        },
        _fidelity,
        wanted=lambda r: r.real is not None,
    ),
    Stage("report", ("report.html", "figures"), _report_key, _report),
)
