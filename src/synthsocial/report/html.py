"""``synthsocial report DIR``: a self-contained HTML report of a world's structure.

Writes, all at once at the end (temporary names, then renames):

* ``DIR/report.html`` with every figure embedded as a PNG data URI;
* ``DIR/figures/*.png``: metrics against the reference, degree distributions, NED contributions,
  homophily by attribute, and a Figure 4 style drawing of a small network;
* ``DIR/metrics.json``: the full result of ``synthsocial evaluate --json``.

The drawing shows the world itself when it has at most ``DRAW_MAX`` users; otherwise a small world
of ``DRAW_USERS`` users generated with the same configuration and seed, coloured by its own
Louvain communities (the caption says which).
"""

from __future__ import annotations

import base64
import html
import io
import json
import shutil
import tempfile
from pathlib import Path

import numpy as np

from ..errors import InputError, OutputError
from ..graph import Graph
from ..io.ownership import output_directory, record
from ..io.readers import check_world, read_world
from ..metrics import EvaluateOptions, evaluate, profile, to_json_ready
from . import plots
from .text import LABELS
from .text import fmt as _f

DRAW_MAX = 100
DRAW_USERS = 40


def _png(fig) -> bytes:
    import matplotlib.pyplot as plt

    buf = io.BytesIO()
    fig.savefig(buf, format="png", dpi=110)
    plt.close(fig)
    return buf.getvalue()


def _small_network(directory: Path, world_graph: Graph, communities: np.ndarray, seed: int):
    """The graph to draw, its communities, user names and a caption."""
    import pyarrow.parquet as pq

    if world_graph.n <= DRAW_MAX:
        names = pq.read_table(directory / "users.parquet", columns=["name"])["name"].to_pylist()
        return world_graph, communities, [n.split(" ")[0] for n in names], f"the whole world ({world_graph.n} users)"
    from ..config import GeneratorConfig
    from ..world import generate

    try:
        manifest = json.loads((directory / "manifest.json").read_text())
        cfg, wseed = GeneratorConfig.from_dict(manifest["config"]), int(manifest["seed"])
    except (OSError, ValueError, KeyError):
        cfg, wseed = GeneratorConfig(), seed
    small = generate(DRAW_USERS, seed=wseed, config=cfg)
    g = Graph.from_edges(small.links.source, small.links.target, small.n)
    comm = profile(g, EvaluateOptions(seed=seed, homophily=False))["_communities"]
    names = [n.split(" ")[0] for n in small.users["name"].to_pylist()]
    return g, comm, names, f"a {DRAW_USERS}-user world generated with the same configuration and seed"


def _table(rows: list[list], header: list[str]) -> str:
    head = "".join(f"<th>{html.escape(str(h))}</th>" for h in header)
    body = "".join("<tr>" + "".join(f"<td>{html.escape(str(c))}</td>" for c in r) + "</tr>" for r in rows)
    return f"<table><thead><tr>{head}</tr></thead><tbody>{body}</tbody></table>"


def _profile_rows(profiles: list[dict]) -> tuple[list[str], list[list]]:
    keys = [k for k in profiles[0] if k not in ("community", "share")] if profiles else []
    rows = []
    for p in profiles:
        row = []
        for k in keys:
            v = p.get(k)
            if isinstance(v, list):
                row.append(", ".join(f"{x['value']} ({x['share']:.0%})" for x in v))
            else:
                row.append(_f(v, 1) if isinstance(v, float) else _f(v))
        rows.append([p["community"] + 1, *row])
    return ["community", *keys], rows


FIDELITY_FIGURES = {
    "lengths": "Post lengths of synthetic and real posts.",
    "platform_rates": "Hashtags, mentions, URLs and emoji per post, per platform.",
    "embedding_map": "Post embeddings on their first two principal components, by platform; circles real, crosses synthetic.",
}


def _publish(d: Path, figures_dir: str, figures: dict[str, bytes], files: dict[str, str], what: str) -> None:
    """Put ``figures_dir/NAME.png`` and the text ``files`` into ``d``: everything is written into a
    temporary directory inside ``d`` first and moved into place only when complete."""
    try:
        d.mkdir(parents=True, exist_ok=True)
        tmp = Path(tempfile.mkdtemp(prefix=f".{figures_dir}.tmp-", dir=d))
    except OSError as exc:
        raise OutputError(f"{d}: cannot write {what}: {exc.strerror or exc}") from None
    try:
        (tmp / figures_dir).mkdir()
        for name, data in figures.items():
            (tmp / figures_dir / f"{name}.png").write_bytes(data)
        for name, text in files.items():
            (tmp / name).write_text(text, encoding="utf-8")
        if (d / figures_dir).exists():
            shutil.rmtree(d / figures_dir)
        (tmp / figures_dir).rename(d / figures_dir)
        for name in files:
            (tmp / name).replace(d / name)
    except OSError as exc:
        raise OutputError(f"{d}: cannot write {what}: {exc.strerror or exc}") from None
    finally:
        shutil.rmtree(tmp, ignore_errors=True)


FIDELITY_OUTPUTS = ["fidelity.json", "fidelity_figures"]


def save_fidelity(result: dict, directory: str | Path) -> None:
    """Write ``fidelity.json`` and ``fidelity_figures/*.png`` into ``directory`` (atomically, under
    its lock; a new directory, an empty one, a world, or one an earlier save wrote)."""
    with output_directory(
        directory, "fidelity", accept=("fidelity", "world"), command="fidelity", option="--save"
    ) as d:
        _save_fidelity(result, d)
        record(d, FIDELITY_OUTPUTS, "fidelity")


def _save_fidelity(result: dict, d: Path) -> None:
    plots_data = result.get("_plots", {})
    figs = {
        "lengths": plots.length_histograms(plots_data["chars"]),
        "platform_rates": plots.platform_rates(plots_data["platform_means"]),
    }
    if plots_data.get("embedding_map"):
        figs["embedding_map"] = plots.embedding_map(plots_data["embedding_map"])
    _publish(
        d,
        "fidelity_figures",
        {name: _png(fig) for name, fig in figs.items()},
        {"fidelity.json": json.dumps(to_json_ready(result), indent=2) + "\n"},
        "the fidelity results",
    )


def _fidelity_section(d: Path) -> str:
    """The report's fidelity section, from ``fidelity.json`` saved by `synthsocial fidelity --save`
    (none without that file; a file that is not such a result is refused, naming it)."""
    path = d / "fidelity.json"
    if not path.exists():
        return ""
    try:
        return _fidelity_html(d, json.loads(path.read_text(encoding="utf-8")))
    except (OSError, ValueError, KeyError, TypeError, AttributeError, IndexError) as exc:
        raise InputError(
            f"{path}: not a fidelity result written by `synthsocial fidelity --save` ({type(exc).__name__}: "
            f"{str(exc)[:80]}); write it again or remove it"
        ) from None


def _fidelity_html(d: Path, r: dict) -> str:
    lex = r["lexical"]
    rows = [
        [f, _f(lex["synthetic"]["means"][f], 2), _f(lex["real"]["means"][f], 2)]
        for f in ("chars", "words", "hashtags", "mentions", "urls", "emoji", "readability", "sentiment")
    ]
    dist = lex["distances"]
    sem = r.get("semantic") or {}
    sep = r["multiplatform"]["separability"]
    summary = [
        ["length KS / Wasserstein (chars)", f"{_f(dist['chars_ks'], 3)} / {_f(dist['chars_wasserstein'], 1)}"],
        ["unigram Jensen-Shannon divergence", _f(dist["unigram_jsd"], 3)],
        ["vocabulary overlap (Jaccard)", _f(dist["vocabulary_jaccard"], 3)],
        ["nearest-real similarity (mean)", _f(sem.get("nearest_real_similarity", {}).get("mean"), 3)],
        ["Fréchet distance of embeddings", _f(sem.get("frechet_distance"), 3)],
        [
            "platform classifier: held-out real / synthetic",
            f"{_f(sep['real_accuracy'], 3)} / {_f(sep['synthetic_accuracy'], 3)}",
        ],
        ["cross-platform differences (r)", _f(r["multiplatform"]["cross_platform_differences"]["correlation"], 3)],
        ["discriminator accuracy (0.5 = indistinguishable)", _f(r["discriminator"]["accuracy"], 3)],
        ["posts sharing a word 8-gram with the real corpus", _f(r["privacy"]["share_with_shared_8gram"], 3)],
    ]
    figs = ""
    for name, caption in FIDELITY_FIGURES.items():
        p = d / "fidelity_figures" / f"{name}.png"
        if p.exists():
            data = base64.b64encode(p.read_bytes()).decode("ascii")
            figs += f'<figure><img alt="{html.escape(caption)}" src="data:image/png;base64,{data}"><figcaption>{html.escape(caption)}</figcaption></figure>'
    return (
        f"<h2>Fidelity of the posts</h2><p>{r['sizes']['synthetic']:,} synthetic posts against {r['sizes']['real']:,} real posts "
        f"(platforms: {html.escape(', '.join(r['platforms']))}); definitions in docs/fidelity.md.</p>"
        + _table(summary, ["measure", "value"])
        + _table(rows, ["mean per post", "synthetic", "real"])
        + figs
    )


def build_report(directory: str | Path, reference: str = "bluesky", seed: int = 0, metrics: bool = True) -> Path:
    """Measure the world in ``directory`` and write its report (and ``metrics.json`` unless
    ``metrics`` is false); return the HTML path. Holds the world's lock."""
    if not Path(directory).is_dir():
        raise InputError(
            f"{directory}: not a directory; `synthsocial report` takes a world directory written by `generate`"
        )
    with output_directory(directory, "world", command="report", must_exist=True, option="DIR", check=check_world) as d:
        outputs = ["report.html", "figures"] + (["metrics.json"] if metrics else [])
        path = _build_report(d, reference, seed, outputs)
        record(d, outputs, "world")
    return path


def _build_report(d: Path, reference: str, seed: int, outputs: list[str]) -> Path:
    g = read_world(d)
    result = evaluate([g], reference, EvaluateOptions(seed=seed))[0]
    communities = result["_communities"]
    m = result["metrics"]

    figures: dict[str, bytes] = {
        "metrics_vs_reference": _png(plots.metrics_vs_reference(result)),
        "degree_distributions": _png(
            plots.degree_distributions(
                g.out_degree() if g.directed else g.degree(), g.in_degree() if g.directed else None, g.directed
            )
        ),
        "ned_contributions": _png(plots.ned_contributions(result)),
    }
    hom_fig = plots.homophily_ratios(result)
    if hom_fig is not None:
        figures["homophily"] = _png(hom_fig)
    small, small_comm, names, what = _small_network(d, g, communities, seed)
    figures["community_network"] = _png(
        plots.community_network(
            small, small_comm, names, seed, f"Follower network of {small.n} users, coloured by Louvain community"
        )
    )

    comparison = [
        [
            LABELS.get(k, k),
            _f(c["value"]) + (f" ± {result['standard_errors'][k]:.4f}" if result["standard_errors"].get(k) else ""),
            _f(c["reference"]),
            f"{c['relative_error']:+.1%}" if c["relative_error"] is not None else "-",
        ]
        for k, c in result["comparison"].items()
    ]
    ned_rows = [
        [
            form,
            f"{result['ned'][form]['value']:.3f}",
            ", ".join(f"{LABELS[k]} {v:.0%}" for k, v in result["ned"][form]["contributions"].items()),
        ]
        for form in ("fixed", "minmax")
    ]
    extra = [
        [label, _f(m["out_degree"][key], 3), _f(m["in_degree"][key], 3)]
        for key, label in (
            ("mean", "mean"),
            ("median", "median"),
            ("max", "max"),
            ("gini", "Gini"),
            ("power_law_alpha", "power-law alpha"),
            ("power_law_xmin", "power-law x_min"),
        )
    ]
    hom = result.get("homophily", {})
    hom_rows = [
        [
            k,
            _f(a.get("edge_share"), 3),
            _f(a.get("random_share"), 3),
            _f(a.get("ratio"), 2),
            _f(a.get("numeric_assortativity", a.get("assortativity")), 3),
            _f(a.get("nmi"), 3),
            _f(a.get("purity"), 3),
        ]
        for k, a in hom.get("attributes", {}).items()
    ]
    prof_header, prof_rows = _profile_rows(hom.get("communities", []))

    def img(name: str, alt: str) -> str:
        if name not in figures:
            return ""
        data = base64.b64encode(figures[name]).decode("ascii")
        return f'<figure><img alt="{html.escape(alt)}" src="data:image/png;base64,{data}"><figcaption>{html.escape(alt)}</figcaption></figure>'

    page = f"""<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>synthsocial report: {html.escape(d.name)}</title>
<style>
body {{ font-family: system-ui, sans-serif; max-width: 1100px; margin: 2em auto; color: #222; }}
table {{ border-collapse: collapse; margin: 0.5em 0 1.5em; font-size: 0.9em; }}
th, td {{ border: 1px solid #ccc; padding: 0.25em 0.6em; text-align: right; }}
th:first-child, td:first-child {{ text-align: left; }}
figure {{ margin: 1em 0; }} img {{ max-width: 100%; }} figcaption {{ font-size: 0.85em; color: #555; }}
.note {{ font-size: 0.85em; color: #555; }}
</style></head><body>
<h1>synthsocial report: {html.escape(d.name)}</h1>
<p>{g.n:,} users, {g.m:,} follow edges (average out-degree {m["avg_out_degree"]:.1f}); reference: {html.escape(result["reference"]["name"])}
({html.escape(result["reference"].get("source", ""))}).</p>
<h2>Structure (paper, section IV-A)</h2>
{_table(comparison, ["metric", "value", "reference", "relative error"])}
<p class="note">Clustering: {html.escape(result["methods"]["clustering"])}. ASPL: {html.escape(result["methods"]["aspl"])}.
Modularity: {html.escape(result["methods"]["modularity"])}. Density: {html.escape(result["methods"]["density"])}.</p>
{img("metrics_vs_reference", "Each structural metric of this world next to the reference (error bars: standard error of sampled estimates).")}
<h2>Normalised Euclidean distance</h2>
{_table(ned_rows, ["form", "NED", "share of squared distance"])}
<p class="note">Fixed scale: absolute differences, density as log10 difference over 6 decades. Paper: min-max normalisation over the compared set ({html.escape(", ".join(result["ned"]["minmax"]["set"]))}).</p>
{img("ned_contributions", "Which metrics make up the distance to the reference.")}
<h2>Degrees</h2>
{_table(extra, ["measure", "out-degree", "in-degree"])}
<p>Reciprocity {_f(m["reciprocity"], 3)}; degree assortativity (out-in) {_f(m["degree_assortativity"], 3)}; {_f(m["communities"])} Louvain communities.</p>
{img("degree_distributions", "Complementary CDF of in- and out-degrees on log-log axes.")}
<h2>Homophily (paper, section IV-D)</h2>
{_table(hom_rows, ["attribute", "edges with equal value", "random pairs", "ratio", "assortativity", "NMI with communities", "purity"])}
<p class="note">Edge shares from {hom.get("edges_scored", 0):,} of {hom.get("edges_total", 0):,} edges.</p>
{img("homophily", "Share of follow edges joining users with equal attribute values, against random pairs.")}
<h3>The largest communities</h3>
{_table(prof_rows, prof_header)}
{img("community_network", f"Figure 4 style: {what}; nodes coloured by Louvain community, labelled with first names, arrows point from follower to followed.")}
{_fidelity_section(d)}
<p class="note">Generated by synthsocial; measurement seed {seed}.</p>
</body></html>
"""
    files = {"metrics.json": json.dumps(to_json_ready(result), indent=2) + "\n", "report.html": page}
    _publish(d, "figures", figures, {k: v for k, v in files.items() if k in outputs}, "the report")
    return d / "report.html"
