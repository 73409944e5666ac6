"""``synthsocial adapt``: fit the embedded model to a corpus of real posts (LoRA), then sample.

Steps: read the corpus -> keep at most ``max_posts`` (seeded) -> hold out a share -> topics of the
corpus (MiniLM + k-means, as ``posts --topics-from``) -> control prefix per post (control.py) ->
LoRA fine-tuning with checkpoints (train.py) -> the adapter for llama.cpp (gguf_lora.py) and for
peft, the topic table, the memorization guard (guard.py) and a manifest.

The adapter directory::

    adapter.gguf       LoRA for llama.cpp (posts --adapter loads it beside the base GGUF)
    peft/              the same adapter for peft / transformers (adapter_config.json, safetensors)
    topics.json        the corpus topics: label, keywords, size, share per platform, centroid
    guard.npz          hashed training 8-grams and embeddings (no text)
    manifest.json      base model and its SHA-256, corpus hash and sizes, settings, loss curve,
                       held-out loss before and after, times, library versions
    checkpoint.pt      while training only (resumed by a rerun with the same corpus and settings)
"""

from __future__ import annotations

import hashlib
import json
import math
import os
import shutil
import time
from collections import Counter
from pathlib import Path

import numpy as np
import pyarrow as pa

from .._version import __version__
from ..errors import ConfigError, InputError, OutputError
from ..io.atomic import atomic_text
from ..io.corpus import CorpusSource
from ..io.ownership import check_output, digest, output_directory, ownership, record
from ..io.writers import new_directory
from ..posts.adapter import OUTPUTS, Adapter
from ..progress import Progress, silent
from ..rng import Stream, draws
from ..specs.adapt import CORPUS_FIELDS, MIN_POSTS, AdaptSpec

__all__ = ["AdaptConfig", "AdaptSpec", "Adapter", "adapt", "MIN_POSTS"]


AdaptConfig = AdaptSpec  # the name before the specs


def _corpus_table(corpus: CorpusSource | pa.Table) -> tuple[pa.Table, str]:
    if isinstance(corpus, pa.Table):
        sink = pa.BufferOutputStream()
        with pa.ipc.new_stream(sink, corpus.schema) as w:
            w.write_table(corpus)
        return corpus, hashlib.sha256(sink.getvalue().to_pybytes()).hexdigest()
    table = corpus.read()
    return table, digest(Path(corpus.path))


def _prepare(table: pa.Table, cfg: AdaptConfig, source: str) -> pa.Table:
    """The posts to learn from: unique texts, at most ``max_posts`` (seeded), at least MIN_POSTS."""
    texts = table["text"].to_pylist()
    first = {}
    for i, t in enumerate(texts):
        first.setdefault(t, i)
    keep = np.array(sorted(first.values()), dtype=np.int64)
    if keep.size < MIN_POSTS:
        raise InputError(f"corpus {source}: {keep.size} distinct non-empty posts; adapting needs at least {MIN_POSTS}")
    if cfg.max_posts is not None and keep.size > cfg.max_posts:
        keep = np.sort(draws(cfg.seed, Stream.ADAPT_POSTS).choice(keep, size=cfg.max_posts, replace=False))
    return table.take(pa.array(keep))


def _topics(table: pa.Table, cfg: AdaptConfig, train_idx: np.ndarray) -> tuple[pa.Table, list[dict], np.ndarray | None]:
    """Topics of the training posts: every post labelled (held-out ones by nearest centroid), the
    topic table, and the training posts' embeddings (reused by the guard)."""
    if cfg.n_topics == 0:
        return table, [], None
    from ..homophily.maps import embed
    from ..posts.topics import extract_topics

    train = table.take(pa.array(train_idx))
    vectors = embed(train["text"].to_pylist())
    found, labelled, centroids = extract_topics(train, cfg.n_topics, cfg.seed, vectors=vectors)
    labels = np.empty(table.num_rows, dtype=object)
    labels[train_idx] = labelled["topic"].to_pylist()
    rest = np.setdiff1d(np.arange(table.num_rows), train_idx)
    if rest.size:
        names = [t.label for t in found]
        near = np.argmax(embed([table["text"][int(i)].as_py() for i in rest]) @ centroids.T, axis=1)
        labels[rest] = [names[j] for j in near]
    table = table.drop([c for c in ("topic",) if c in table.column_names]).append_column(
        "topic", pa.array(list(labels))
    )
    plats = np.array(train["platform"].to_pylist(), dtype=object)
    tl = np.array(labelled["topic"].to_pylist(), dtype=object)
    topics = []
    for t, c in zip(found, centroids):
        members = plats[tl == t.label]
        shares = {p: round(float(np.mean(members == p)), 4) for p in sorted(set(plats))} if members.size else {}
        topics.append(
            {
                "label": t.label,
                "keywords": t.keywords,
                "size": t.size,
                "platforms": shares,
                "centroid": [round(float(x), 5) for x in c],
            }
        )
    return table, topics, vectors.astype(np.float32)


def _existing(d: Path, key: str, overwrite: bool, shown: str) -> str:
    """What the directory holds: "new", "resume" (a checkpoint of this run) or "done" (this run,
    complete); another run is refused unless ``overwrite`` (then its files are removed)."""
    if not d.exists() or not any(d.iterdir()):
        return "new"
    manifest, ckpt = d / "manifest.json", d / "checkpoint.pt"
    theirs = None
    if manifest.exists():
        try:
            theirs = json.loads(manifest.read_text()).get("key")
        except (OSError, ValueError):
            theirs = None
        if theirs == key and all((d / n).exists() for n in OUTPUTS):
            return "done"
    if theirs is None and ckpt.exists():
        import torch

        try:
            theirs = torch.load(ckpt, weights_only=False).get("key")
        except Exception:  # a damaged checkpoint (ours, registered in the marker): start again
            ckpt.unlink()
            return "new"
        if theirs == key:
            return "resume"
    if theirs is None and not manifest.exists() and not ckpt.exists():
        return "new"
    check_output(shown, ("adapter",), replace=True, overwrite=overwrite)
    owner = ownership(d)
    for name in [*(owner.files if owner else {}), "checkpoint.pt"]:
        p = d / name
        if p.is_dir():
            shutil.rmtree(p)
        elif p.exists():
            p.unlink()
    record(d, [], "adapter")
    return "new"


def adapt(
    corpus: CorpusSource | pa.Table | None,
    out: str | Path,
    config: AdaptConfig | None = None,
    *,
    overwrite: bool = False,
    progress: Progress | None = None,
) -> dict:
    """Fine-tune the embedded model on ``corpus`` and write the adapter directory ``out``; return its manifest.

    A rerun with the same corpus and settings resumes from the last checkpoint, or returns the
    finished manifest at once; another run's directory is refused unless ``overwrite``.
    """
    from .model import require

    cfg = config or AdaptConfig()
    if corpus is None and cfg.corpus is not None:
        corpus = CorpusSource(**{k: getattr(cfg, k) for k in CORPUS_FIELDS if k != "corpus"}, path=cfg.corpus)
    if corpus is None:
        raise ConfigError("{corpus} is missing: name the real posts to learn from", corpus="adapt.corpus")
    report = progress or silent
    started = time.perf_counter()
    report("read")
    table, corpus_sha = _corpus_table(corpus)
    source = getattr(corpus, "path", "table")
    table = _prepare(table, cfg, repr(str(source)))
    require()
    key = cfg.key(corpus_sha)
    with output_directory(out, "adapter", command="adapt") as d:
        state = _existing(d, key, overwrite, str(out))
        if state == "done":
            return json.loads((d / "manifest.json").read_text())
        return _run(d, table, cfg, key, corpus_sha, str(source), state, report, started)


def _run(d, table, cfg, key, corpus_sha, source, state, report, started) -> dict:
    import torch

    from ..posts.guard import Guard
    from . import gguf_lora
    from .data import balance, encode, length_shares, prefixes, split
    from .model import BASE, base_sha256, load_base
    from .train import lora, train

    threads = cfg.threads or os.cpu_count() or 1
    train_idx, held_idx = split(table.num_rows, cfg.held_out, cfg.seed)
    report("topics")
    table, topics, vectors = _topics(table, cfg, train_idx)
    keywords = {t["label"]: t["keywords"] for t in topics}
    heads = prefixes(table, keywords, cfg.lengths)
    texts = table["text"].to_pylist()
    report("model")
    model, tok = load_base(threads)
    examples = encode(tok, heads, texts, cfg.max_tokens)
    platforms = table["platform"].to_pylist()
    sampled = balance(platforms, train_idx, cfg.balance, cfg.seed)
    train_ex = [examples[i] for i in sampled]
    held_ex = [examples[i] for i in held_idx]
    steps = cfg.steps or max(1, math.ceil(cfg.epochs * len(train_ex) / cfg.batch_size))
    model = lora(model, cfg.rank, cfg.alpha, cfg.seed)
    checkpoint = d / "checkpoint.pt"
    if state == "new":
        checkpoint.unlink(missing_ok=True)
    registered = False

    def on_step(stage: str, step: int | None = None, total: int | None = None, note: str | None = None) -> None:
        nonlocal registered
        report(stage, step, total, note)
        if not registered and checkpoint.exists():
            record(d, ["checkpoint.pt"], "adapter")  # registered, so --overwrite may remove it
            registered = True

    result = train(
        model,
        tok,
        train_ex,
        held_ex,
        steps=steps,
        batch_size=cfg.batch_size,
        learning_rate=cfg.learning_rate,
        negatives=cfg.negatives,
        seed=cfg.seed,
        checkpoint=checkpoint,
        key=key,
        checkpoint_every=cfg.checkpoint_every,
        progress=on_step,
    )
    report("write")
    weights = {n: p.detach().numpy() for n, p in model.named_parameters() if "lora_" in n}
    gguf_lora.write(d / "adapter.gguf", weights, cfg.alpha)
    _save_peft(model, d / "peft")
    train_texts = [texts[i] for i in train_idx]
    Guard.build(train_texts, vectors).save(d / "guard.npz")
    atomic_text(d / "topics.json", json.dumps(topics, indent=1) + "\n")
    import peft
    import transformers

    manifest = {
        "synthsocial_version": __version__,
        "key": key,
        "base_model": {"name": BASE, "gguf_sha256": base_sha256()},
        "corpus": {
            "source": source,
            "sha256": corpus_sha,
            "posts": table.num_rows,
            "train": int(train_idx.size),
            "held_out": int(held_idx.size),
            "platforms": dict(sorted(Counter(platforms).items())),
            "trained_per_platform": dict(sorted(Counter(platforms[i] for i in sampled).items())),
            "with_parent": sum(h.count("| reply to: ") for h in heads),
            "lengths": length_shares(platforms, texts, train_idx) if cfg.lengths else None,
        },
        "settings": cfg.model_dump(exclude=set(CORPUS_FIELDS)),
        "steps": result["steps"],
        "epochs": round(result["steps"] * cfg.batch_size / max(train_idx.size, 1), 3),
        "resumed_at_step": result["resumed_at"],
        "loss_curve": [round(x, 4) for x in result["losses"]],
        "held_out_loss": {
            "base": _round(result["held_out_base"]),
            "adapted": _round(result["held_out"]),
        },
        "trimmed_vocabulary": result["vocabulary"],
        "seconds": {"train": round(result["train_seconds"], 1), "total": round(time.perf_counter() - started, 1)},
        "threads": threads,
        "versions": {"torch": torch.__version__, "transformers": transformers.__version__, "peft": peft.__version__},
    }
    atomic_text(d / "manifest.json", json.dumps(manifest, indent=1) + "\n")
    checkpoint.unlink(missing_ok=True)
    record(d, [*OUTPUTS, "checkpoint.pt"], "adapter")
    return manifest


def _round(x: float | None) -> float | None:
    return None if x is None else round(x, 4)


def _save_peft(model, target: Path) -> None:
    """The adapter in peft's format (a folder written beside, then renamed)."""
    try:
        with new_directory(target) as tmp:
            model.save_pretrained(tmp)
    except OSError as exc:
        raise OutputError(f"cannot write {target}: {exc.strerror or exc}") from None
