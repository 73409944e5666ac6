"""Fidelity of synthetic posts to a real corpus: lexical, semantic, multi-platform,
discriminator and memorization (docs/fidelity.md).

:func:`measure` takes two tables with ``text`` and ``platform`` (and optionally ``topic``) columns
and returns a :class:`Fidelity`: the metrics (written as fidelity.json) and the data of the
report's plots.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

import numpy as np
import pyarrow as pa
import pyarrow.compute as pc

from ..errors import ConfigError, InputError, MissingDependencyError
from ..io.corpus import CorpusSource
from ..metrics.result import to_json_ready
from . import lexical, multiplatform, privacy
from .classify import discriminators

__all__ = [
    "Fidelity",
    "FidelityPlots",
    "conversation_of",
    "measure",
    "measure_files",
    "read_synthetic",
    "stance_labels_of",
    "synthetic_posts",
]


@dataclass(frozen=True)
class FidelityPlots:
    """What the report's fidelity figures draw.

    Attributes
    ----------
    chars : dict
        Post lengths in characters, ``{"synthetic": array, "real": array}``.
    platform_means : dict
        Mean lexical features per platform, ``{"synthetic": {platform: means}, "real": ...}``.
    embedding_map : dict or None
        2-D PCA coordinates of sampled embeddings with their source and platform (None without embeddings).
    """

    chars: dict
    platform_means: dict
    embedding_map: dict | None = None


@dataclass(frozen=True)
class Fidelity:
    """The result of :func:`measure`.

    Attributes
    ----------
    metrics : dict
        Every fidelity metric, overall and per platform (the schema of docs/fidelity.md).
    plots : FidelityPlots
        The data of the report's figures.
    """

    metrics: dict
    plots: FidelityPlots

    def to_dict(self) -> dict:
        """The JSON-ready metrics written to fidelity.json."""
        return to_json_ready(self.metrics)


def synthetic_posts(table: pa.Table, text_col: str = "text") -> pa.Table:
    """Usable synthetic posts of a ``posts.parquet`` table (status ok, non-empty text)."""
    if text_col not in table.column_names:
        raise InputError(f"the synthetic posts have no column {text_col!r}; columns: {', '.join(table.column_names)}")
    if "status" in table.column_names:
        table = table.filter(pc.equal(table["status"], "ok"))
    table = table.filter(pc.invert(pc.is_null(table[text_col])))
    cols = {
        "text": table[text_col],
        "platform": table["platform"] if "platform" in table.column_names else pa.array(["?"] * table.num_rows),
    }
    for name in ("topic", "user_id", "stance"):
        if name in table.column_names:
            cols[name] = table[name]
    return pa.table(cols)


def _sample(table: pa.Table, cap: int, rng: np.random.Generator) -> pa.Table:
    """At most ``cap`` rows per platform, drawn uniformly (seeded)."""
    plats = np.array(table["platform"].to_pylist(), dtype=object)
    keep = []
    for p in sorted(set(plats)):
        idx = np.flatnonzero(plats == p)
        keep.append(np.sort(rng.choice(idx, size=min(cap, idx.size), replace=False)))
    return table.take(pa.array(np.sort(np.concatenate(keep)))) if keep else table


def _lexical_block(syn_texts, real_texts, seed) -> tuple[dict, dict, dict]:
    sf, rf = lexical.features(syn_texts), lexical.features(real_texts)
    sp, rp = lexical.profile(syn_texts, sf, seed), lexical.profile(real_texts, rf, seed)
    dist = lexical.compare(sp, rp, sf, rf, lexical.unigrams(syn_texts), lexical.unigrams(real_texts))
    return {"synthetic": sp, "real": rp, "distances": dist}, sf, rf


def measure(
    synthetic: pa.Table,
    real: pa.Table,
    *,
    semantic: bool = True,
    seed: int = 0,
    max_per_platform: int = 3_000,
    guard: dict | None = None,
    conversation: dict | None = None,
    stance_labels: list[str] | None = None,
) -> Fidelity:
    """Every fidelity metric of ``synthetic`` against ``real``, overall and per platform. ``guard``: the
    memorization guard's record of the synthetic posts (:func:`guard_record`), reported under privacy;
    ``conversation``: the conversation measures of a timeline's posts (:func:`conversation_of`);
    ``stance_labels``: the words the posts' prompts showed stances as (masked in the stance check,
    fidelity/stance.py, run when the posts have a ``stance`` column with values)."""
    if synthetic.num_rows == 0:
        raise InputError("no usable synthetic posts (every post failed or the file is empty)")
    if real.num_rows == 0:
        raise InputError("the real corpus is empty")
    rng = np.random.default_rng(seed)
    syn = _sample(synthetic, max_per_platform, rng)
    ref = _sample(real, max_per_platform, rng)
    st, sp = syn["text"].to_pylist(), syn["platform"].to_pylist()
    rt, rp = ref["text"].to_pylist(), ref["platform"].to_pylist()
    platforms = sorted(set(sp) & set(rp))
    lex, sf, rf = _lexical_block(st, rt, seed)
    out: dict = {
        "sizes": {
            "synthetic": len(st),
            "real": len(rt),
            "synthetic_total": synthetic.num_rows,
            "real_total": real.num_rows,
        },
        "platforms": platforms,
        "lexical": lex,
        "per_platform": {},
    }
    syn_means, real_means = {}, {}
    sp_arr, rp_arr = np.array(sp, dtype=object), np.array(rp, dtype=object)
    for p in platforms:
        si, ri = np.flatnonzero(sp_arr == p), np.flatnonzero(rp_arr == p)
        block, psf, prf = _lexical_block([st[i] for i in si], [rt[i] for i in ri], seed)
        out["per_platform"][p] = {"lexical": block}
        syn_means[p], real_means[p] = block["synthetic"]["means"], block["real"]["means"]
    emb_s = emb_r = near = None
    if semantic:
        from . import semantic as sem

        try:
            emb_s, emb_r = sem.embeddings(st), sem.embeddings(rt)
        except MissingDependencyError as exc:
            out["semantic"] = {"skipped": str(exc)}
        else:
            out["semantic"] = sem.compare(emb_s, emb_r, seed)
            near = sem.nearest_similarity(emb_s, emb_r)
            for p in platforms:
                si, ri = np.flatnonzero(sp_arr == p), np.flatnonzero(rp_arr == p)
                if si.size and ri.size:
                    out["per_platform"][p]["semantic"] = sem.compare(emb_s[si], emb_r[ri], seed)
    out["multiplatform"] = {
        "separability": multiplatform.separability(rt, rp, st, sp, seed),
        "cross_platform_differences": multiplatform.cross_platform_differences(real_means, syn_means),
    }
    if emb_s is not None and "topic" in syn.column_names:
        out["multiplatform"]["topic_consistency"] = multiplatform.topic_consistency(
            emb_s, syn["topic"].to_pylist(), sp, seed
        )
    out["discriminator"] = discriminators(
        rt,
        st,
        real_features=rf,
        synthetic_features=sf,
        real_embeddings=emb_r,
        synthetic_embeddings=emb_s,
        seed=seed,
    )
    for p in platforms:
        si, ri = np.flatnonzero(sp_arr == p), np.flatnonzero(rp_arr == p)
        out["per_platform"][p]["discriminator"] = discriminators(
            [rt[i] for i in ri],
            [st[i] for i in si],
            real_features={k: v[ri] for k, v in rf.items()},
            synthetic_features={k: v[si] for k, v in sf.items()},
            real_embeddings=None if emb_r is None else emb_r[ri],
            synthetic_embeddings=None if emb_s is None else emb_s[si],
            seed=seed,
        )
    out["privacy"] = privacy.memorization(real["text"].to_pylist(), st, near)
    if guard is not None:
        out["privacy"]["guard"] = guard
    if conversation is not None:
        out["conversation"] = conversation
    if {"stance", "user_id"} <= set(synthetic.column_names) and synthetic["stance"].null_count < synthetic.num_rows:
        from .stance import readability

        out["stance"] = readability(
            synthetic["text"].to_pylist(),
            synthetic["stance"].to_pylist(),
            synthetic["user_id"].to_pylist(),
            stance_labels or (),
            seed,
        )
    plots = FidelityPlots(
        chars={"synthetic": sf["chars"], "real": rf["chars"]},
        platform_means={"synthetic": syn_means, "real": real_means},
        embedding_map=_map(emb_s, emb_r, sp, rp, seed) if emb_s is not None else None,
    )
    return Fidelity(out, plots)


def _map(emb_s: np.ndarray, emb_r: np.ndarray, sp: list[str], rp: list[str], seed: int, cap: int = 2_000) -> dict:
    """2-D PCA coordinates of (a sample of) both embedding sets, for the report's map."""
    rng = np.random.default_rng(seed)
    si = np.sort(rng.choice(emb_s.shape[0], size=min(cap, emb_s.shape[0]), replace=False))
    ri = np.sort(rng.choice(emb_r.shape[0], size=min(cap, emb_r.shape[0]), replace=False))
    x = np.vstack([emb_s[si], emb_r[ri]]).astype(np.float64)
    x -= x.mean(axis=0)
    _, _, vt = np.linalg.svd(x, full_matrices=False)
    xy = x @ vt[:2].T
    return {
        "xy": xy,
        "source": ["synthetic"] * si.size + ["real"] * ri.size,
        "platform": [sp[i] for i in si] + [rp[i] for i in ri],
    }


def _read_posts(p: Path) -> pa.Table | None:
    """A world's posts.parquet read whole under the world's lock; None for any other file."""
    from contextlib import nullcontext

    from ..io.lock import locked
    from ..io.ownership import MARKER, warn_if_changed
    from ..io.readers import read_parquet

    if p.suffix != ".parquet" or not p.is_file():
        return None
    ours = (p.parent / MARKER).exists()
    with locked(p.parent, write=False) if ours else nullcontext():
        warn_if_changed(p.parent, [p.name])
        table = read_parquet(p)
    return table if "post_id" in table.column_names else None


def conversation_of(posts: str | Path, real_threads=None, semantic: bool = True, seed: int = 0) -> dict | None:
    """The conversation measures (metrics.conversation.measure_posts) of a world's posts.parquet
    made from a timeline, against ``real_threads`` (a PHEME CSV or a timeline's events.parquet;
    optional); None when the posts have no threads."""
    from ..io.readers import read_threads
    from ..metrics.conversation import measure_posts

    table = _read_posts(Path(posts))
    if table is None or "parent_id" not in table.column_names or table["parent_id"].null_count == table.num_rows:
        if real_threads is not None:
            raise InputError(
                f"{posts}: no threads to compare with {{threads}} (posts made without {{timeline}})",
                threads="fidelity.real_threads",
                timeline="posts.timeline",
            )
        return None
    real = read_threads(real_threads) if real_threads is not None else None
    return measure_posts(table, real, semantic, seed)


def _world_posts(source: CorpusSource) -> CorpusSource:
    """A world directory given as the synthetic posts stands for its posts.parquet."""
    p = Path(source.path)
    if not p.is_dir() or not ((p / "users.parquet").exists() or (p / "posts.parquet").exists()):
        return source
    if not (p / "posts.parquet").is_file():
        raise InputError(f"{p}: a world without posts (no posts.parquet): write them with `synthsocial posts` first")
    return source.model_copy(update={"path": str(p / "posts.parquet")})


def read_synthetic(source: CorpusSource) -> pa.Table:
    """Synthetic posts to measure: a world's ``posts.parquet`` (read under the world's lock, its
    usable posts only, ``text_col`` default ``text``: ``raw_text`` measures before
    post-processing), or any corpus file."""
    table = _read_posts(Path(source.path))
    if table is None:
        return source.read()
    if source.text_col is not None and source.text_col not in table.column_names:
        raise ConfigError(f"{source.path}: no column {source.text_col!r}; columns: {', '.join(table.column_names)}")
    return synthetic_posts(table, source.text_col or "text")


def _posts_record(posts: str | Path) -> dict:
    """``posts.json`` beside a world's ``posts.parquet`` ({} when there is none or it is not JSON)."""
    import json

    try:
        data = json.loads((Path(posts).parent / "posts.json").read_text())
    except (OSError, ValueError):
        return {}
    return data if isinstance(data, dict) else {}


def stance_labels_of(posts: str | Path) -> list[str] | None:
    """The words a world's posts showed stances as (``posts.json``), or None."""
    return (_posts_record(posts).get("settings") or {}).get("stance_labels")


def guard_record(posts: str | Path) -> dict | None:
    """The memorization guard's record of a world's posts (``posts.json`` beside ``posts.parquet``:
    generations checked, rejected, rate), or None when the posts were not made with an adapter."""
    return (_posts_record(posts).get("last_run") or {}).get("memorization_guard")


def measure_files(
    synthetic: CorpusSource,
    real: CorpusSource,
    semantic: bool = True,
    seed: int = 0,
    real_threads: str | Path | None = None,
) -> Fidelity:
    """:func:`measure` on files: the synthetic posts (:func:`read_synthetic`) against the real
    corpus, and a timeline's conversations (:func:`conversation_of`, against ``real_threads``
    when given). report.html.save_fidelity writes the result and its figures."""
    synthetic = _world_posts(synthetic)
    result = measure(
        read_synthetic(synthetic),
        real.read(),
        semantic=semantic,
        seed=seed,
        guard=guard_record(synthetic.path),
        conversation=conversation_of(synthetic.path, real_threads, semantic, seed),
        stance_labels=stance_labels_of(synthetic.path),
    )
    return result
