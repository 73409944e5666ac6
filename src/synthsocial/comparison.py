"""``synthsocial benchmark``: our generator against sampling and classic baselines (section IV-C).

For every size and run, each method produces a graph: ``synthsocial`` generates one with the given
configuration (seed = run), the samplers draw a subgraph of the reference graph, the classic
generators build one matched to the reference graph's average degree. Every graph is measured
(the five metrics, average out-degree and reciprocity); the NED to the reference profile is the
paper's (min-max over all graphs of the benchmark plus the reference, then averaged over runs), and
the fixed-scale form is reported beside it. Outputs: ``benchmark.json`` (one row per method and
size), ``benchmark.md``, ``figure2.png`` (each metric against size, the reference dashed) and
``figure3.png`` (NED per method and size).
"""

from __future__ import annotations

import json
import statistics
from pathlib import Path

from .baselines import GENERATORS, SAMPLERS
from .config import GeneratorConfig
from .errors import ConfigError, InputError
from .graph import Graph
from .io.atomic import atomic_file, atomic_text
from .io.ownership import output_directory, record
from .metrics import EvaluateOptions, profile, reference_profile
from .metrics.degrees import DEGREE_METRICS, with_degree_ginis
from .metrics.ensemble import interval
from .metrics.ned import NED_METRICS, ned_fixed, ned_minmax
from .progress import Progress, silent

METRICS = (*NED_METRICS, "avg_out_degree", "reciprocity", *DEGREE_METRICS)
OURS = "synthsocial"


NED_SCOPES = ("all", "size")


def methods() -> list[str]:
    """Names of every benchmark method: ``synthsocial``, then the samplers, then the classic generators."""
    return [OURS, *SAMPLERS, *GENERATORS]


def run_benchmark(
    reference_graph: str | Path | Graph,
    reference: str | dict | None,
    sizes: list[int],
    runs: int,
    out: str | Path,
    *,
    config: GeneratorConfig | None = None,
    only: list[str] | None = None,
    ned_scope: str = "all",
    progress: Progress | None = None,
    directed: bool | None = None,
) -> list[dict]:
    """Measure every method at every size ``runs`` times and write the results into ``out`` (new,
    empty, or a benchmark directory it wrote; its lock held); return one row per method and size.

    ``reference_graph``: the real graph the samplers draw from and the classic generators are
    matched to (a Graph, or a file read with ``directed``); ``reference``: the profile compared
    with (a built-in name, a graph file, a profile dict; None: the reference graph's own).
    """
    if not isinstance(reference_graph, Graph):
        from .io.readers import read_graph

        path = reference_graph
        reference_graph = read_graph(path, directed=directed)
        if reference_graph.m == 0:
            raise InputError(f"{path}: the reference graph has no edges")
        reference = str(path) if reference is None else reference
    if reference is None:
        m = profile(reference_graph, EvaluateOptions(homophily=False)).metrics
        reference = {
            "name": reference_graph.name or "reference graph",
            "source": "measured by synthsocial",
            "metrics": m,
        }
    elif not isinstance(reference, dict):
        reference = reference_profile(reference, EvaluateOptions(homophily=False), directed)
    names = only or methods()
    unknown = [m for m in names if m not in methods()]
    if unknown:
        raise ConfigError(f"method {unknown[0]!r} is not accepted: use {', '.join(methods())}")
    if runs < 1:
        raise ConfigError(f"{{runs}} {runs} is not accepted: use an integer >= 1", runs="benchmark.runs")
    if ned_scope not in NED_SCOPES:
        raise ConfigError(
            f"{{ned_scope}} {ned_scope!r} is not accepted: use all or size", ned_scope="benchmark.ned_scope"
        )
    too_big = [s for s in sizes if s > reference_graph.n]
    if too_big and any(m in SAMPLERS for m in names):
        raise ConfigError(
            f"size {too_big[0]:,} is larger than the reference graph ({reference_graph.n:,} nodes); samplers can "
            f"draw at most {reference_graph.n:,} nodes: use smaller {{sizes}} or drop the samplers with {{methods}}",
            sizes="benchmark.sizes",
            methods="benchmark.methods",
        )
    with output_directory(out, "benchmark", command="benchmark") as d:
        rows = _run(reference_graph, reference, sizes, runs, d, config, names, ned_scope, progress or silent)
        record(d, FILES, "benchmark")
    return rows


FILES = ["benchmark.md", "benchmark.json", "figure2.png", "figure3.png"]


def _run(
    reference_graph: Graph,
    reference: dict,
    sizes: list[int],
    runs: int,
    out: Path,
    config: GeneratorConfig | None,
    names: list[str],
    ned_scope: str,
    report: Progress,
) -> list[dict]:
    from .generation import generate

    measured: list[dict] = []
    for size in sizes:
        for name in names:
            for run in range(runs):
                total = len(sizes) * len(names) * runs
                report("benchmark", len(measured), total, f"{name} at {size:,}, run {run + 1}/{runs}")
                if name == OURS:
                    w = generate(size, seed=run, config=config)
                    g = w.to_graph()
                elif name in SAMPLERS:
                    g = SAMPLERS[name]().sample(reference_graph, size, seed=run)
                else:
                    g = GENERATORS[name]().generate(size, run, reference_graph)
                m = with_degree_ginis(profile(g, EvaluateOptions(seed=run, homophily=False)).metrics)
                measured.append({"method": name, "size": size, "run": run, "metrics": {k: m[k] for k in METRICS}})
    report("benchmark", len(measured), len(measured))
    rows = _aggregate(measured, reference, ned_scope)
    _write(out, rows, measured, reference, sizes, ned_scope)
    return rows


def _aggregate(measured: list[dict], reference: dict, ned_scope: str = "all") -> list[dict]:
    """Mean and sd per method and size. The min-max NED is normalised over every graph of the
    benchmark plus the reference (``ned_scope="all"``) or over the graphs of each size (``"size"``)."""
    ref = reference["metrics"]
    groups = (
        [measured]
        if ned_scope == "all"
        else [[r for r in measured if r["size"] == s] for s in dict.fromkeys(r["size"] for r in measured)]
    )
    for group in groups:
        for r, ned in zip(group, ned_minmax([r["metrics"] for r in group], ref)):
            r["ned"] = ned["value"]
            r["ned_fixed"] = ned_fixed(r["metrics"], ref)["value"]
    rows = []
    for method, size in dict.fromkeys((r["method"], r["size"]) for r in measured):
        group = [r for r in measured if r["method"] == method and r["size"] == size]

        def stat(values: list[float]) -> tuple[float | None, float | None]:
            vals = [v for v in values if v is not None]
            if not vals:
                return None, None
            return statistics.fmean(vals), (statistics.stdev(vals) if len(vals) > 1 else 0.0)

        row = {"method": method, "size": size, "runs": len(group)}
        row["ned"], row["ned_std"] = stat([r["ned"] for r in group])
        row["ned_ci"] = interval([r["ned"] for r in group])["half_width"]  # 95% Student-t, metrics/ensemble.py
        row["ned_fixed"], row["ned_fixed_std"] = stat([r["ned_fixed"] for r in group])
        for k in METRICS:
            row[k], row[f"{k}_std"] = stat([r["metrics"].get(k) for r in group])
        rows.append(row)
    return rows


def _write(
    out: Path, rows: list[dict], measured: list[dict], reference: dict, sizes: list[int], ned_scope: str
) -> None:
    from .report import plots

    head = "| method | size | NED (mean ± sd) | NED 95% interval | fixed NED | " + " | ".join(METRICS) + " |"
    over = "every graph of this benchmark" if ned_scope == "all" else "the graphs of the same size"
    lines = [
        f"Reference: {reference['name']}. NED: the paper's min-max over {over} and the reference.",
        "",
        head,
        "|---" * (head.count("|") - 1) + "|",
    ]
    for r in sorted(rows, key=lambda r: (r["size"], r["ned"])):
        cells = [f"{r[k]:.3g} ± {r[k + '_std']:.2g}" if r[k] is not None else "-" for k in METRICS]
        lines.append(
            f"| {r['method']} | {r['size']:,} | {r['ned']:.3f} ± {r['ned_std']:.3f} | "
            + (f"{r['ned'] - r['ned_ci']:.3f} - {r['ned'] + r['ned_ci']:.3f}" if r["ned_ci"] is not None else "-")
            + f" | {r['ned_fixed']:.3f} | "
            + " | ".join(cells)
            + " |"
        )
    ref = with_degree_ginis(reference["metrics"])
    lines.append(
        "| reference | | 0 | | 0 | "
        + " | ".join(f"{ref[k]:.3g}" if isinstance(ref.get(k), (int, float)) else "-" for k in METRICS)
        + " |"
    )
    try:
        atomic_text(out / "benchmark.md", "\n".join(lines) + "\n")
        atomic_text(
            out / "benchmark.json",
            json.dumps({"reference": reference, "rows": rows, "graphs": measured}, indent=2) + "\n",
        )
        fig2, fig3 = plots.benchmark_metrics(rows, reference, sizes), plots.benchmark_ned(rows, sizes)
        atomic_file(out / "figure2.png", lambda tmp: fig2.savefig(tmp, dpi=110, format="png"))
        atomic_file(out / "figure3.png", lambda tmp: fig3.savefig(tmp, dpi=110, format="png"))
    finally:
        import matplotlib.pyplot as plt

        plt.close("all")


def parse_sizes(text: str) -> list[int]:
    """The sizes of a comma-separated ``--sizes`` value, in the order given (empty items skipped); ConfigError unless
    every item is an integer and every size is >= 10."""
    try:
        sizes = [int(s) for s in text.split(",") if s.strip()]
    except ValueError:
        raise ConfigError(
            f"{{sizes}} {text!r} is not accepted: use comma-separated integers such as 1000,10000",
            sizes="benchmark.sizes",
        ) from None
    if not sizes or min(sizes) < 10:
        raise ConfigError(
            f"{{sizes}} {text!r} is not accepted: use comma-separated integers >= 10", sizes="benchmark.sizes"
        )
    return sizes


__all__ = ["methods", "parse_sizes", "run_benchmark"]
