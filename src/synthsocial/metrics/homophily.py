"""Homophily analysis (paper, section IV-D): communities against user attributes.

Attribute columns are typed by their Arrow type:

* list columns (``interests``) are *sets*: two users agree when they share at least one value;
* string / boolean columns are *categorical*; columns with more than ``MAX_CATEGORIES`` distinct
  values (names, ids) are skipped as identifiers;
* integer columns (age) are numeric, and categorical too when they have at most
  ``MAX_CATEGORIES`` distinct values; float columns (influence) are numeric only.

For each attribute: the share of edges whose endpoints agree, the share expected for random
pairs of distinct users (exact for categorical attributes, from ``RANDOM_PAIRS`` sampled pairs
for sets), their ratio, the assortativity coefficient (categorical or numeric), and for
categorical attributes the normalised mutual information (arithmetic normalisation, as
scikit-learn's default) and the purity of the Louvain communities. Edge-based values use at most
``EDGE_SAMPLE`` edges drawn uniformly (all edges below that; ``edges_scored`` says how many), so a
share p carries a standard error of about sqrt(p (1 - p) / edges_scored), under 0.0005.

Community profiles list, for the largest communities, the size, the mean of numeric attributes
and the most over-represented values (share x log(1 + lift over the population)) of categorical
and set attributes, in the spirit of the paper's Table IV.
"""

from __future__ import annotations

import numpy as np
import pyarrow as pa
import pyarrow.compute as pc

from ..graph import Graph
from .assortativity import categorical_assortativity, numeric_assortativity

MAX_CATEGORIES = 1000
RANDOM_PAIRS = 200_000
EDGE_SAMPLE = 1_000_000
TOP_COMMUNITIES = 10
TOP_VALUES = 3


def _kind(t: pa.DataType) -> str:
    if pa.types.is_list(t) or pa.types.is_large_list(t):
        return "set"
    if pa.types.is_string(t) or pa.types.is_large_string(t) or pa.types.is_boolean(t) or pa.types.is_dictionary(t):
        return "categorical"
    if pa.types.is_integer(t):
        return "integer"
    if pa.types.is_floating(t):
        return "numeric"
    return "other"


def _codes(col: pa.ChunkedArray) -> tuple[np.ndarray, list]:
    """Integer codes (-1 = missing) and the value of each code."""
    enc = pc.dictionary_encode(col.combine_chunks())
    return enc.indices.fill_null(-1).to_numpy(zero_copy_only=False).astype(np.int64), enc.dictionary.to_pylist()


def _padded_sets(col: pa.ChunkedArray) -> tuple[np.ndarray, list]:
    """A list column as an (n, max length) matrix of value codes, -1 padded."""
    arr = col.combine_chunks()
    offsets = arr.offsets.to_numpy().astype(np.int64)
    offsets -= offsets[0]
    lengths = np.diff(offsets)
    enc = pc.dictionary_encode(arr.flatten())
    flat = enc.indices.to_numpy().astype(np.int64)
    width = max(int(lengths.max()) if lengths.size else 0, 1)
    mat = np.full((lengths.size, width), -1, dtype=np.int64)
    rows = np.repeat(np.arange(lengths.size), lengths)
    cols = np.arange(flat.size) - np.repeat(offsets[:-1], lengths)
    mat[rows, cols] = flat
    return mat, enc.dictionary.to_pylist()


def _share_any(mat: np.ndarray, a: np.ndarray, b: np.ndarray) -> np.ndarray:
    """Whether users a[i] and b[i] hold at least one common value."""
    out = np.empty(a.size, dtype=bool)
    step = max(1, 4_000_000 // (mat.shape[1] ** 2))
    for s in range(0, a.size, step):
        x, y = mat[a[s : s + step]], mat[b[s : s + step]]
        out[s : s + step] = ((x[:, :, None] == y[:, None, :]) & (x[:, :, None] >= 0)).any(axis=(1, 2))
    return out


def nmi_and_purity(communities: np.ndarray, codes: np.ndarray) -> tuple[float | None, float | None]:
    """Normalised mutual information (arithmetic) and purity of communities against a category."""
    keep = codes >= 0
    if not keep.any():
        return None, None
    _, c = np.unique(communities[keep], return_inverse=True)
    _, a = np.unique(codes[keep], return_inverse=True)
    kc, ka = c.max() + 1, a.max() + 1
    joint = np.bincount(c * ka + a, minlength=kc * ka).reshape(kc, ka) / c.size
    pc_, pa_ = joint.sum(axis=1), joint.sum(axis=0)
    nz = joint > 0
    mi = float(np.sum(joint[nz] * np.log(joint[nz] / np.outer(pc_, pa_)[nz])))
    hc = -float(np.sum(pc_[pc_ > 0] * np.log(pc_[pc_ > 0])))
    ha = -float(np.sum(pa_[pa_ > 0] * np.log(pa_[pa_ > 0])))
    nmi = 1.0 if hc + ha == 0 else max(0.0, 2 * mi / (hc + ha))
    return nmi, float(joint.max(axis=1).sum())


def _categorical(g: Graph, codes: np.ndarray, values: list, communities: np.ndarray) -> dict:
    known = codes >= 0
    counts = np.bincount(codes[known], minlength=len(values)).astype(np.float64)
    total = counts.sum()
    cs, ct = codes[g.source], codes[g.target]
    both = (cs >= 0) & (ct >= 0)
    nmi, purity = nmi_and_purity(communities, codes)
    return {
        "kind": "categorical",
        "edge_share": float(np.mean(cs[both] == ct[both])) if both.any() else None,
        "random_share": float((counts * (counts - 1)).sum() / (total * (total - 1))) if total > 1 else None,
        "assortativity": categorical_assortativity(g, codes),
        "nmi": nmi,
        "purity": purity,
    }


def analyse(g: Graph, communities: np.ndarray, seed: int = 0) -> dict:
    """Per-attribute homophily and per-community profiles (empty without node attributes)."""
    if g.nodes is None or g.nodes.num_columns == 0:
        return {"attributes": {}, "communities": [], "skipped": []}
    rng = np.random.default_rng(seed)
    ra, rb = rng.integers(0, g.n, RANDOM_PAIRS), rng.integers(0, g.n, RANDOM_PAIRS)
    ra, rb = ra[ra != rb], rb[ra != rb]
    total_edges = g.m
    if g.m > EDGE_SAMPLE:  # score attributes on a uniform sample of edges
        pick = np.sort(rng.choice(g.m, size=EDGE_SAMPLE, replace=False))
        g = Graph(g.n, g.source[pick], g.target[pick], g.directed, g.nodes)
    es, et = g.source, g.target
    attributes: dict[str, dict] = {}
    parts: dict[str, tuple] = {}
    skipped = []
    for name in g.nodes.column_names:
        col = g.nodes[name]
        kind = _kind(col.type)
        if kind == "set":
            mat, values = _padded_sets(col)
            hits = _share_any(mat, es, et)
            edge = float(hits.mean()) if hits.size else None
            res = {
                "kind": "set",
                "edge_share": edge,
                "random_share": float(_share_any(mat, ra, rb).mean()),
            }
            parts[name] = ("set", mat, values)
        elif kind in ("categorical", "integer"):
            codes, values = _codes(col)
            if len(values) < 2:  # one value for everyone (a world's country): nothing to compare
                skipped.append(name)
                continue
            res = {}
            if kind == "integer":
                vals = col.to_numpy(zero_copy_only=False).astype(np.float64)
                res = {"kind": "numeric", "numeric_assortativity": numeric_assortativity(g, vals)}
                parts[name] = ("numeric", vals)
            if len(values) <= MAX_CATEGORIES:
                cat = _categorical(g, codes, values, communities)
                if kind == "integer":  # keep the numeric coefficient as the headline one
                    cat["categorical_assortativity"] = cat.pop("assortativity")
                    cat["kind"] = "numeric+categorical"
                res.update(cat)
                if kind == "categorical":
                    parts[name] = ("categorical", codes, values)
            elif kind == "categorical":
                skipped.append(name)
                continue
        elif kind == "numeric":
            vals = col.to_numpy(zero_copy_only=False).astype(np.float64)
            res = {"kind": "numeric", "numeric_assortativity": numeric_assortativity(g, vals)}
            parts[name] = ("numeric", vals)
        else:
            skipped.append(name)
            continue
        if res.get("edge_share") is not None and res.get("random_share"):
            res["ratio"] = res["edge_share"] / res["random_share"]
        attributes[name] = res
    return {
        "attributes": attributes,
        "edges_scored": g.m,
        "edges_total": total_edges,
        "communities": community_profiles(communities, parts),
        "skipped": skipped,
    }


def community_profiles(communities: np.ndarray, parts: dict[str, tuple]) -> list[dict]:
    """Table IV style profiles of the ``TOP_COMMUNITIES`` largest communities."""
    sizes = np.bincount(communities)
    n = communities.size
    out = []
    for c in np.argsort(-sizes, kind="stable")[:TOP_COMMUNITIES]:
        members = communities == c
        prof: dict = {"community": int(c), "size": int(sizes[c]), "share": float(sizes[c] / n)}
        for name, part in parts.items():
            if part[0] == "numeric":
                prof[f"mean {name}"] = float(np.nanmean(part[1][members]))
            elif part[0] == "categorical":
                prof[name] = _top_lift(part[1][members], part[1], part[2])
            else:
                mat = part[1]
                prof[name] = _top_lift(mat[members].ravel(), mat.ravel(), part[2])
        out.append(prof)
    return out


def _top_lift(sub: np.ndarray, everyone: np.ndarray, values: list) -> list[dict]:
    """The most characteristic values of ``sub``: frequent and over-represented (>= 2 holders)."""
    k = len(values)
    sub, everyone = sub[sub >= 0], everyone[everyone >= 0]
    if sub.size == 0 or k == 0:
        return []
    cs, ce = np.bincount(sub, minlength=k), np.bincount(everyone, minlength=k)
    share = cs / sub.size
    lift = share / np.maximum(ce / everyone.size, 1e-12)
    score = np.where(cs >= 2, share * np.log1p(lift), -1.0)
    best = np.argsort(-score, kind="stable")[:TOP_VALUES]
    return [{"value": values[i], "share": float(share[i]), "lift": float(lift[i])} for i in best if cs[i] > 0]
