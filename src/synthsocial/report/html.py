"""``synthsocial report DIR``: a self-contained HTML report of a world's structure.

Writes, all at once at the end (temporary names, then renames):

* ``DIR/report.html`` with every figure embedded as a PNG data URI;
* ``DIR/figures/*.png``: metrics against the reference, degree distributions, NED contributions,
  homophily by attribute, and a Figure 4 style drawing of a small network;
* ``DIR/metrics.json``: the full result of ``synthsocial evaluate --json`` (unless the caller
  passes a result measured already, as ``synthsocial world`` does with its evaluate stage's).

The page is the Jinja2 template ``templates/report.html.j2`` (autoescaped). The drawing shows the
world itself when it has at most ``DRAW_MAX`` users; otherwise a small world of ``DRAW_USERS``
users generated with the same configuration and seed, coloured by its own Louvain communities (the
caption says which).
"""

from __future__ import annotations

import base64
import io
import json
from pathlib import Path
from typing import TYPE_CHECKING

from ..errors import ConfigError, InputError, OutputError
from ..io.atomic import atomic_text
from ..io.ownership import output_directory, record
from ..io.readers import check_world, read_world
from ..io.writers import new_directory
from ..metrics import EvaluateOptions, Profile, profile
from ..specs.report import MAX_SEEDS
from . import plots
from .text import LABELS, metric_label, polarization_line
from .text import fmt as _f

if TYPE_CHECKING:
    from ..fidelity import Fidelity

DRAW_MAX = 100
DRAW_USERS = 40


def _png(fig) -> bytes:
    import matplotlib.pyplot as plt

    buf = io.BytesIO()
    fig.savefig(buf, format="png", dpi=110)
    plt.close(fig)
    return buf.getvalue()


def _small_network(directory: Path, n: int, seed: int):
    """The graph to draw, its Louvain communities, user names and a caption."""
    import pyarrow.parquet as pq

    if n <= DRAW_MAX:
        names = pq.read_table(directory / "users.parquet", columns=["name"])["name"].to_pylist()
        g, what = read_world(directory), f"the whole world ({n} users)"
    else:
        from ..config import GeneratorConfig
        from ..generation import generate

        try:
            manifest = json.loads((directory / "manifest.json").read_text())
            cfg, wseed = GeneratorConfig.from_dict(manifest["config"]), int(manifest["seed"])
        except (OSError, ValueError, KeyError):
            cfg, wseed = GeneratorConfig(), seed
        small = generate(DRAW_USERS, seed=wseed, config=cfg)
        g = small.to_graph()
        names = small.users["name"].to_pylist()
        what = f"a {DRAW_USERS}-user world generated with the same configuration and seed"
    communities = profile(g, EvaluateOptions(seed=seed, homophily=False)).communities
    return g, communities, [n.split(" ")[0] for n in names], what


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
    "embedding_map": (
        "Post embeddings on their first two principal components, by platform; circles real, crosses synthetic."
    ),
}


def _publish(d: Path, figures_dir: str, figures: dict[str, bytes], files: dict[str, str], what: str) -> None:
    """Put ``figures_dir/NAME.png`` and the text ``files`` into ``d``: everything is written into a
    temporary directory inside ``d`` first and moved into place only when complete."""
    try:
        d.mkdir(parents=True, exist_ok=True)
        with new_directory(d / figures_dir) as tmp:
            for name, data in figures.items():
                (tmp / f"{name}.png").write_bytes(data)
        for name, text in files.items():
            atomic_text(d / name, text)
    except OSError as exc:
        raise OutputError(f"{d}: cannot write {what}: {exc.strerror or exc}") from None


FIDELITY_OUTPUTS = ["fidelity.json", "fidelity_figures"]


def save_fidelity(result: Fidelity, directory: str | Path) -> None:
    """Write ``fidelity.json`` and ``fidelity_figures/*.png`` into ``directory`` (atomically, under
    its lock; a new directory, an empty one, a world, or one an earlier save wrote)."""
    with output_directory(
        directory, "fidelity", accept=("fidelity", "world"), command="fidelity", option="--save"
    ) as d:
        _save_fidelity(result, d)
        record(d, FIDELITY_OUTPUTS, "fidelity")


def _save_fidelity(result: Fidelity, d: Path) -> None:
    figs = {
        "lengths": plots.length_histograms(result.plots.chars),
        "platform_rates": plots.platform_rates(result.plots.platform_means),
    }
    if result.plots.embedding_map:
        figs["embedding_map"] = plots.embedding_map(result.plots.embedding_map)
    _publish(
        d,
        "fidelity_figures",
        {name: _png(fig) for name, fig in figs.items()},
        {"fidelity.json": json.dumps(result.to_dict(), indent=2) + "\n"},
        "the fidelity results",
    )


def _fidelity(d: Path) -> tuple[dict | None, dict | None]:
    """The report's fidelity section and the content of ``fidelity.json`` saved by `synthsocial
    fidelity --save` (none without that file; a file that is not such a result is refused, naming it)."""
    path = d / "fidelity.json"
    if not path.exists():
        return None, None
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
        return _fidelity_context(data), data
    except (OSError, ValueError, KeyError, TypeError, AttributeError, IndexError) as exc:
        raise InputError(
            f"{path}: not a fidelity result written by `synthsocial fidelity --save` ({type(exc).__name__}: "
            f"{str(exc)[:80]}); write it again or remove it"
        ) from None


def _fidelity_context(r: dict) -> dict:
    lex = r["lexical"]
    dist = lex["distances"]
    sem = r.get("semantic") or {}
    sep = r["multiplatform"]["separability"]
    return {
        "synthetic": r["sizes"]["synthetic"],
        "real": r["sizes"]["real"],
        "platforms": r["platforms"],
        "summary": [
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
            [
                "discriminator accuracy, strongest of "
                + ", ".join(r["discriminator"]["classifiers"])
                + " (0.5 = indistinguishable)",
                f"{_f(r['discriminator']['accuracy'], 3)} ({r['discriminator']['strongest']})",
            ],
            ["posts sharing a word 8-gram with the real corpus", _f(r["privacy"]["share_with_shared_8gram"], 3)],
            *_stance_row(r.get("stance")),
        ],
        "means": [
            [f, _f(lex["synthetic"]["means"][f], 2), _f(lex["real"]["means"][f], 2)]
            for f in ("chars", "words", "hashtags", "mentions", "urls", "emoji", "readability", "sentiment")
        ],
        "captions": FIDELITY_FIGURES,
    }


def _stance_row(st: dict | None) -> list[list[str]]:
    """The summary row of the stance check (fidelity/stance.py), none when the posts show no stance."""
    if not st:
        return []
    name = "writer's stance read from held-out writers' posts (0.5 = chance)"
    if "skipped" in st:
        return [[name, f"skipped: {st['skipped']}"]]
    return [
        [
            name,
            f"{_f(st['accuracy'], 3)} (p = {st['p_value']:.1g}); {_f(st['masked']['accuracy'], 3)} with the "
            f"label words masked; {st['posts_per_side']:,} posts a side",
        ]
    ]


CONVERSATION_ROWS = (
    ("events", "texts (posts, replies, quotes)", 0),
    ("authors", "authors", 0),
    ("posts_per_user_gini", "posts per author, Gini", 3),
    ("thread_posts_per_user_gini", "posts per author within threads, Gini", 3),
    ("inter_event_burstiness", "burstiness of inter-event times", 3),
    ("hour_max_min_ratio", "busiest / quietest hour", 2),
    ("replies_per_event", "direct replies per text", 3),
    ("share_with_replies", "share of texts with a reply", 3),
    ("share_replies_deeper_than_one", "share of replies deeper than one level", 3),
    ("max_depth", "deepest reply", 0),
    ("thread_size_median", "median thread size", 1),
    ("thread_size_max", "largest thread", 0),
)


def _lag(stats: dict | None) -> str:
    q = (stats or {}).get("reply_lag_quartiles_s")
    return " / ".join(_f(x, 0) for x in q) if q else "-"


def _conversations(d: Path, fidelity: dict | None) -> tuple[dict | None, bytes | None]:
    """The report's timeline section: DIR/timeline/timeline.json (the world's timeline stage: its
    counts, conversation measures and, with real threads, theirs) and the reply-parent coherence
    of fidelity.json's conversation block; its figure. None without a timeline."""
    path = d / "timeline" / "timeline.json"
    if not path.exists():
        return None, None
    try:
        t = json.loads(path.read_text(encoding="utf-8"))
        ours, compared = t["conversation"], t.get("compared_with") or {}
        real = compared.get("real")
        rows = [
            [label, _f(ours.get(key), digits), _f(real.get(key), digits) if real else "-"]
            for key, label, digits in CONVERSATION_ROWS
        ]
        rows.append(["reply lag, quartiles (s)", _lag(ours), _lag(real)])
        coherence = []
        for control, c in ((fidelity or {}).get("conversation", {}).get("coherence") or {}).items():
            if c and "replies" in c:
                coherence.append(
                    [
                        control.replace("_", " "),
                        f"{c['replies']:,}",
                        f"{_f(c['similarity_to_parent'], 3)} / {_f(c['similarity_to_control'], 3)}",
                        f"{_f(c['share_closer_to_parent'], 3)} (z = {_f(c['z_vs_chance'], 1)})",
                    ]
                )
        counts = t["counts"]
        context = {
            "counts": ", ".join(f"{k} {v:,}" for k, v in counts.items()),
            "days": t["settings"].get("days"),
            "threads": compared.get("threads"),
            "rows": rows,
            "coherence": coherence,
        }
        figure = _png(plots.conversations(ours, real))
    except (OSError, ValueError, KeyError, TypeError, AttributeError, IndexError) as exc:
        raise InputError(
            f"{path}: not a timeline written by `synthsocial timeline` ({type(exc).__name__}: {str(exc)[:80]}); "
            "write it again or remove it"
        ) from None
    return context, figure


def _ensemble(d: Path, seeds: int, reference: str, result: Profile) -> dict:
    """``seeds`` more worlds of this world's configuration and size (the seeds after its own),
    measured against ``reference`` (metrics/ensemble.py): per metric this world's value, the
    ensemble's mean and 95% interval and the reference's."""
    from ..metrics.degrees import with_degree_ginis
    from ..metrics.ensemble import ensemble

    man = json.loads((d / "manifest.json").read_text())
    first = int(man["seed"]) + 1
    # the manifest's config is complete, so no profile adds anything to it
    e = ensemble(int(man["nodes"]), list(range(first, first + seeds)), man["config"], "paper", reference)
    own = with_degree_ginis(result.metrics)
    rows = [
        [
            metric_label(k),
            _f(own.get(k), 3),
            _f(r["mean"], 3),
            f"{_f(r['low'], 3)} - {_f(r['high'], 3)}" if r["low"] is not None else "-",
            _f(r["reference"], 3),
        ]
        for k, r in e["metrics"].items()
    ]
    return {"rows": rows, "worlds": e["worlds"], "seeds": f"{first}-{first + seeds - 1}"}


def build_report(
    directory: str | Path,
    reference: str = "bluesky",
    seed: int = 0,
    result: Profile | None = None,
    seeds: int = 0,
) -> Path:
    """Write the report of the world in ``directory``; return the HTML path. Holds the world's lock.

    Parameters
    ----------
    directory : path
        A world directory.
    reference : str
        Built-in profile name or graph path to compare with (when the structure is measured here).
    seed : int
        Seed of Louvain and of the sampled estimates.
    result : Profile, optional
        The structure of this world (e.g. ``Profile.from_dict`` of its metrics.json), measured
        already against ``reference``; then the structure is not measured again and
        metrics.json is left as it is. Without it, the structure is measured and metrics.json
        written.
    seeds : int
        With 2 or more, the report also shows how much every metric varies between seeds:
        ``seeds`` more worlds of this world's configuration and size, as mean and 95% interval.
    """
    from ..metrics.references import check as check_reference

    if seeds == 1 or not 0 <= seeds <= MAX_SEEDS:
        raise ConfigError(
            f"{{seeds}} {seeds} is not accepted: 0 (no ensemble) or from 2 to {MAX_SEEDS:,} worlds",
            seeds="report.seeds",
        )
    check_reference(reference)
    if not Path(directory).is_dir():
        raise InputError(
            f"{directory}: not a directory; `synthsocial report` takes a world directory written by `generate`"
        )
    with output_directory(directory, "world", command="report", must_exist=True, option="DIR", check=check_world) as d:
        outputs = ["report.html", "figures"] + (["metrics.json"] if result is None else [])
        path = _build_report(d, reference, seed, result, seeds)
        record(d, outputs, "world")
    return path


def _reference_degrees(reference: str) -> tuple[tuple | None, dict | None]:
    """A graph reference's (name, out-degrees, in-degrees or None), or a built-in one's target degree shape."""
    from ..io.readers import read_graph
    from ..metrics.references import BUILTIN

    if reference.lower() in BUILTIN:
        return None, BUILTIN[reference.lower()].get("degree_shape")
    g = read_graph(Path(reference))
    name = Path(reference).name
    return ((name, g.out_degree(), g.in_degree()) if g.directed else (name, g.degree(), None)), None


def _build_report(d: Path, reference: str, seed: int, result: Profile | None, seeds: int = 0) -> Path:
    from ..metrics.large import stream_degrees, world_size
    from ..metrics.targets import evaluate_paths

    n, m_edges = world_size(d)
    files = {}
    if result is None:  # measured here: in memory, or streamed when the edges do not fit
        data = evaluate_paths([d], reference, EvaluateOptions(seed=seed))[0].to_dict()
        files["metrics.json"] = json.dumps(data, indent=2) + "\n"
        result = Profile.from_dict(data)  # the report shows what metrics.json holds
    m = result.metrics
    out_degree, in_degree = stream_degrees(d, n)
    figures: dict[str, bytes] = {
        "metrics_vs_reference": _png(plots.metrics_vs_reference(result)),
        "degree_distributions": _png(
            plots.degree_distributions(out_degree, in_degree, True, *_reference_degrees(reference))
        ),
        "ned_contributions": _png(plots.ned_contributions(result)),
    }
    hom_fig = plots.homophily_ratios(result)
    if hom_fig is not None:
        figures["homophily"] = _png(hom_fig)
    small, small_comm, names, drawn = _small_network(d, n, seed)
    figures["community_network"] = _png(
        plots.community_network(
            small, small_comm, names, seed, f"Follower network of {small.n} users, coloured by Louvain community"
        )
    )
    fidelity, fidelity_data = _fidelity(d)
    conversations, conversation_png = _conversations(d, fidelity_data)
    if conversation_png is not None:
        figures["conversations"] = conversation_png
    embedded = {name: base64.b64encode(data).decode("ascii") for name, data in figures.items()}
    if fidelity is not None:
        for name in FIDELITY_FIGURES:
            png = d / "fidelity_figures" / f"{name}.png"
            if png.exists():
                embedded[name] = base64.b64encode(png.read_bytes()).decode("ascii")
    hom = result.homophily or {}
    profile_header, profile_rows = _profile_rows(hom.get("communities", []))
    page = _template().render(
        name=d.name,
        n=n,
        m=m_edges,
        avg_out_degree=m["avg_out_degree"],
        reference={"name": result.reference["name"], "source": result.reference.get("source", "")},
        comparison=[
            [
                LABELS.get(k, k),
                _f(c["value"]) + (f" ± {result.standard_errors[k]:.4f}" if result.standard_errors.get(k) else ""),
                _f(c["reference"]),
                f"{c['relative_error']:+.1%}" if c["relative_error"] is not None else "-",
            ]
            for k, c in result.comparison.items()
        ],
        methods=result.methods,
        ned_rows=[
            [
                form,
                f"{result.ned[form]['value']:.3f}",
                ", ".join(f"{LABELS[k]} {v:.0%}" for k, v in result.ned[form]["contributions"].items()),
            ]
            for form in ("fixed", "minmax")
        ],
        minmax_set=result.ned["minmax"]["set"],
        degrees=[[label, _f(m["out_degree"][key], 3), _f(m["in_degree"][key], 3)] for key, label in DEGREE_ROWS],
        reciprocity=_f(m["reciprocity"], 3),
        assortativity=_f(m["degree_assortativity"], 3),
        communities=_f(m["communities"]),
        homophily=[
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
        ],
        polarization=polarization_line(hom["polarization"]) if hom.get("polarization") else None,
        edges_scored=hom.get("edges_scored", 0),
        edges_total=hom.get("edges_total", 0),
        profile_header=profile_header,
        profiles=profile_rows,
        drawn=drawn,
        ensemble=_ensemble(d, seeds, reference, result) if seeds >= 2 else None,
        fidelity=fidelity,
        conversations=conversations,
        figures=embedded,
        seed=seed,
    )
    files["report.html"] = page
    _publish(d, "figures", figures, files, "the report")
    return d / "report.html"


DEGREE_ROWS = (
    ("mean", "mean"),
    ("median", "median"),
    ("max", "max"),
    ("gini", "Gini"),
    ("power_law_alpha", "power-law alpha"),
    ("power_law_xmin", "power-law x_min"),
)


def _template():
    import jinja2

    env = jinja2.Environment(
        loader=jinja2.PackageLoader("synthsocial.report", "templates"),
        autoescape=True,
        undefined=jinja2.StrictUndefined,
        keep_trailing_newline=True,
    )
    return env.get_template("report.html.j2")
