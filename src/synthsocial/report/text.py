"""Terminal tables for ``synthsocial evaluate``."""

from __future__ import annotations

from typing import TYPE_CHECKING

from rich.console import Console
from rich.table import Table

if TYPE_CHECKING:
    from ..metrics import Profile

LABELS = {
    "density": "density",
    "clustering": "avg clustering",
    "lcc_fraction": "LCC proportion",
    "normalized_aspl": "normalized ASPL",
    "modularity": "modularity (Louvain)",
    "reciprocity": "reciprocity",
    "avg_out_degree": "avg out-degree",
}


def fmt(x, digits: int = 4) -> str:
    """A value for a table cell: "-" for None; a float with ``digits`` decimals (3 significant digits when non-zero and
    below 1e-3 in magnitude); an int with thousands separators; anything else as ``str``."""
    if x is None:
        return "-"
    if isinstance(x, float):
        return f"{x:.3g}" if (x != 0 and abs(x) < 1e-3) else f"{x:.{digits}f}"
    return f"{x:,}" if isinstance(x, int) else str(x)


def print_evaluation(r: Profile, console: Console) -> None:
    """Print one graph's evaluation result on ``console``: its metrics against the reference, both NED forms, degree
    statistics, assortativity, and the homophily table when there is one."""
    g, m, se = r.graph, r.metrics, r.standard_errors
    ref = r.reference
    console.print(
        f"[bold]{g['name']}[/]: {g['nodes']:,} nodes, "
        f"{g['edges']:,} {'directed' if g['directed'] else 'undirected'} edges"
        + (f" ({'; '.join(g['notes'])})" if g["notes"] else "")
    )
    t = Table(title=f"structure against {ref['name']}", title_justify="left")
    for col in ("metric", "value", "reference", "relative error"):
        t.add_column(col, justify="left" if col == "metric" else "right")
    for key, label in LABELS.items():
        val = m.get(key)
        err = se.get(key)
        shown = fmt(val) + (f" ± {err:.4f}" if err else "")
        cmp_ = r.comparison.get(key)
        t.add_row(
            label,
            shown,
            fmt(cmp_["reference"]) if cmp_ else "-",
            f"{cmp_['relative_error']:+.1%}" if cmp_ and cmp_["relative_error"] is not None else "-",
        )
    console.print(t)
    ned = Table(title="NED (lower is closer)", title_justify="left")
    ned.add_column("form")
    ned.add_column("value", justify="right")
    ned.add_column("share of squared distance by metric")
    for form in ("fixed", "minmax"):
        n = r.ned[form]
        shares = ", ".join(
            f"{LABELS[k].split(' (')[0]} {v:.0%}"
            for k, v in sorted(n["contributions"].items(), key=lambda kv: -kv[1])
            if v > 0.005
        )
        label = "fixed scale" if form == "fixed" else f"paper (min-max over {len(n['set'])})"
        if "metrics_used" in n:
            label += f" ({len(n['metrics_used'])} metrics)"
        ned.add_row(label, f"{n['value']:.3f}", shares or "-")
    console.print(ned)
    if "evaluation" in r.methods:
        console.print(f"{r.methods['evaluation']}; modularity {r.methods['modularity']}")
    ex = Table(title="more structure", title_justify="left")
    ex.add_column("measure")
    ex.add_column("out-degree" if g["directed"] else "degree", justify="right")
    if g["directed"]:
        ex.add_column("in-degree", justify="right")
    for key, label in (
        ("mean", "mean"),
        ("median", "median"),
        ("max", "max"),
        ("gini", "Gini"),
        ("power_law_alpha", "power-law alpha"),
        ("power_law_xmin", "power-law x_min"),
    ):
        row = [label, fmt(m["out_degree"][key], 3)]
        if g["directed"]:
            row.append(fmt(m["in_degree"][key], 3))
        ex.add_row(*row)
    console.print(ex)
    console.print(
        f"degree assortativity {fmt(m['degree_assortativity'], 3)}; communities {fmt(m['communities'])}; "
        f"ASPL {fmt(m['aspl'], 3)} ({r.methods['aspl']}); clustering {r.methods['clustering']}"
    )
    hom = (r.homophily or {}).get("attributes") or {}
    if hom:
        h = Table(title="homophily by attribute (edges joining equal values vs random pairs)", title_justify="left")
        for col in ("attribute", "edges", "random", "ratio", "assortativity", "NMI", "purity"):
            h.add_column(col, justify="left" if col == "attribute" else "right")
        for name, a in hom.items():
            assort = a.get("numeric_assortativity", a.get("assortativity"))
            h.add_row(
                name,
                fmt(a.get("edge_share"), 3),
                fmt(a.get("random_share"), 3),
                fmt(a.get("ratio"), 2),
                fmt(assort, 3),
                fmt(a.get("nmi"), 3),
                fmt(a.get("purity"), 3),
            )
        console.print(h)
    pol = (r.homophily or {}).get("polarization")
    if pol:
        console.print(polarization_line(pol))
    console.print()


def polarization_line(p: dict) -> str:
    """The polarization measures of a stance attribute (metrics/stance.py) in one sentence."""
    return (
        f"stance polarization: assortativity {fmt(p['stance_assortativity'], 3)}, E-I index "
        f"{fmt(p['ei_index'], 3)} (random pairs {fmt(p['ei_index_random'], 3)}), neighbourhood-stance "
        f"correlation {fmt(p['neighbourhood_correlation'], 3)} over {p['users_measured']:,} users"
    )


ENSEMBLE_LABELS = {
    "in_degree_gini": "in-degree Gini",
    "out_degree_gini": "out-degree Gini",
    "in_degree_max_over_median": "in-degree max / median",
}


def metric_label(key: str) -> str:
    """How the reports name a metric of an ensemble."""
    return ENSEMBLE_LABELS.get(key, LABELS.get(key, key))


def print_ensemble(r: dict, console: Console) -> None:
    """Print an ensemble's statistics (metrics.ensemble.ensemble) on ``console``: per metric the mean
    with its confidence interval, the standard deviation, the reference and the mean's relative error."""
    console.print(
        f"[bold]ensemble[/]: {r['worlds']} worlds of {r['nodes']:,} users (profile {r['profile']}, seeds "
        f"{r['seeds'][0]}-{r['seeds'][-1]}) against {r['reference']}; {r['level']:.0%} Student-t intervals of the mean"
    )
    t = Table()
    for col, justify in (
        ("metric", "left"),
        ("mean", "right"),
        ("interval", "right"),
        ("std", "right"),
        ("reference", "right"),
        ("rel. error of mean", "right"),
    ):
        t.add_column(col, justify=justify)
    rows = list(r["metrics"].items()) + [
        ("NED (fixed scale)", {**r["ned_fixed"], "reference": None, "relative_error": None})
    ]
    for k, row in rows:
        ci = f"{fmt(row['low'])} - {fmt(row['high'])}" if row["low"] is not None else "-"
        rel = f"{row['relative_error']:+.1%}" if row["relative_error"] is not None else "-"
        t.add_row(metric_label(k), fmt(row["mean"]), ci, fmt(row["std"]), fmt(row["reference"]), rel)
    console.print(t)
