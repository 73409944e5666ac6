"""The report's figures (matplotlib, Agg backend). Each function returns a Figure."""

from __future__ import annotations

from pathlib import Path

import matplotlib

matplotlib.use("Agg")
import matplotlib.pyplot as plt  # noqa: E402
import numpy as np  # noqa: E402

from ..metrics.ned import NED_METRICS  # noqa: E402
from ..metrics.result import Profile  # noqa: E402
from .text import LABELS  # noqa: E402

OURS, REF = "#3b6fb6", "#b0b0b0"


def metrics_vs_reference(result: Profile) -> plt.Figure:
    """One panel per metric of the paper measured (a streamed profile has no modularity): value (with standard error)
    against the reference."""
    m, se, ref = result.metrics, result.standard_errors, result.reference
    keys = [k for k in (*NED_METRICS, "avg_out_degree") if m.get(k) is not None and ref["metrics"].get(k) is not None]
    fig, axes = plt.subplots(1, len(keys), figsize=(2.3 * len(keys), 3.4), constrained_layout=True)
    for ax, k in zip(np.atleast_1d(axes), keys):
        vals = [m[k], ref["metrics"][k]]
        ax.bar([0, 1], vals, color=[OURS, REF])
        if se.get(k):
            ax.errorbar([0], [vals[0]], yerr=[se[k]], color="black", capsize=4)
        ax.set_xticks([0, 1], ["this graph", ref["name"]], rotation=20, fontsize=8)
        ax.set_title(LABELS.get(k, k), fontsize=10)
        if k == "density":
            ax.set_yscale("log")
        for x, v in enumerate(vals):
            ax.annotate(f"{v:.3g}", (x, v), ha="center", va="bottom", fontsize=8)
    fig.suptitle(f"Structural metrics against {ref['name']}", fontsize=11)
    return fig


def degree_distributions(
    out_deg: np.ndarray,
    in_deg: np.ndarray | None,
    directed: bool,
    reference: tuple[str, np.ndarray, np.ndarray | None] | None = None,
    shape: dict | None = None,
) -> plt.Figure:
    """Complementary CDF of the degrees on log-log axes: the world's as points, a reference
    graph's (name, out-degrees, in-degrees or None) as lines; ``shape`` (a built-in reference's
    target degree shape) is printed beside the world's values."""
    fig, ax = plt.subplots(figsize=(5.5, 4), constrained_layout=True)
    series = (
        [("out-degree", out_deg, OURS), ("in-degree", in_deg, "#d9822b")] if directed else [("degree", out_deg, OURS)]
    )
    for label, deg, colour in series:
        values, ccdf = _ccdf(deg)
        if values.size:
            ax.loglog(values, ccdf, marker=".", linestyle="none", color=colour, label=f"{label} (max {values[-1]:,})")
    if reference is not None:
        name, r_out, r_in = reference
        for label, deg, colour in [("out", r_out, OURS), ("in", r_in, "#d9822b")]:
            if deg is not None:
                values, ccdf = _ccdf(deg)
                ax.loglog(values, ccdf, color=colour, alpha=0.6, label=f"{name} {label} (max {values[-1]:,})")
    if shape and directed and in_deg is not None:
        from ..metrics.degrees import gini

        med = max(float(np.median(in_deg)), 1.0)
        text = (
            f"in-degree Gini {gini(in_deg):.2f} (target >= {shape['in_gini_min']})\n"
            f"out-degree Gini {gini(out_deg):.2f} (target >= {shape['out_gini_min']})\n"
            f"max / median in-degree {in_deg.max() / med:,.0f} (target >= {shape['max_over_median_in_min']})"
        )
        ax.text(0.02, 0.02, text, transform=ax.transAxes, fontsize=7, va="bottom")
    ax.set_xlabel("degree k")
    ax.set_ylabel("P(degree >= k)")
    ax.set_title("Degree distributions (complementary CDF)")
    ax.grid(True, which="both", alpha=0.3)
    ax.legend()
    return fig


def _ccdf(deg: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """The distinct positive degrees and P(D >= value) among positive degrees."""
    d = np.sort(deg[deg > 0])
    values, counts = np.unique(d, return_counts=True)
    return values, 1.0 - (np.cumsum(counts) - counts) / max(d.size, 1)


def ned_contributions(result: Profile) -> plt.Figure:
    """Each metric's share of the squared NED, for both forms (a metric left out of the NED has no share)."""
    fig, ax = plt.subplots(figsize=(6.5, 3.4), constrained_layout=True)
    forms = [("fixed", "fixed scale"), ("minmax", "paper (min-max)")]
    y = np.arange(len(NED_METRICS))
    h = 0.38
    for i, (form, label) in enumerate(forms):
        ned = result.ned[form]
        shares = [ned["contributions"].get(k, 0.0) for k in NED_METRICS]
        ax.barh(
            y + (i - 0.5) * h, shares, height=h, label=f"{label}: NED {ned['value']:.3f}", color=[OURS, "#d9822b"][i]
        )
    ax.set_yticks(y, [LABELS[k] for k in NED_METRICS])
    ax.invert_yaxis()
    ax.set_xlim(0, 1)
    ax.set_xlabel("share of the squared distance")
    ax.set_title(f"What the NED to {result.reference['name']} is made of")
    ax.legend(loc="lower right", fontsize=8)
    return fig


def homophily_ratios(result: Profile) -> plt.Figure | None:
    """Edges joining equal values against random pairs, per attribute."""
    attrs = {k: v for k, v in (result.homophily or {}).get("attributes", {}).items() if v.get("edge_share") is not None}
    if not attrs:
        return None
    names = list(attrs)
    y = np.arange(len(names))
    fig, ax = plt.subplots(figsize=(6.5, 0.35 * len(names) + 1.4), constrained_layout=True)
    ax.barh(y - 0.2, [attrs[k]["edge_share"] for k in names], height=0.4, color=OURS, label="follow edges")
    ax.barh(y + 0.2, [attrs[k]["random_share"] for k in names], height=0.4, color=REF, label="random pairs")
    ax.set_yticks(y, names)
    ax.invert_yaxis()
    ax.set_xlabel("share of pairs with equal value (sets: a shared value)")
    ax.set_title("Homophily by attribute")
    ax.legend(loc="lower right", fontsize=8)
    return fig


def community_network(graph, communities: np.ndarray, labels: list[str], seed: int, title: str) -> plt.Figure:
    """Figure 4 style: a small follower network, nodes coloured by community, names as labels."""
    import networkx as nx

    g = nx.DiGraph()
    g.add_nodes_from(range(len(labels)))
    g.add_edges_from(zip(graph.source.tolist(), graph.target.tolist()))
    pos = nx.spring_layout(g.to_undirected(), seed=seed, k=1.6 / np.sqrt(max(len(labels), 1)))
    cmap = plt.get_cmap("tab10")
    fig, ax = plt.subplots(figsize=(8, 7), constrained_layout=True)
    nx.draw_networkx_edges(
        g, pos, ax=ax, alpha=0.35, arrows=True, arrowsize=8, width=0.7, connectionstyle="arc3,rad=0.08", node_size=380
    )
    colours = [cmap(int(c) % 10) for c in communities]
    nx.draw_networkx_nodes(g, pos, ax=ax, node_color=colours, node_size=380, edgecolors="white", linewidths=0.8)
    nx.draw_networkx_labels(g, pos, labels=dict(enumerate(labels)), ax=ax, font_size=7)
    for c in np.unique(communities):
        ax.scatter(
            [], [], color=cmap(int(c) % 10), label=f"community {int(c) + 1} ({int((communities == c).sum())} users)"
        )
    ax.legend(loc="upper left", fontsize=7, frameon=False)
    ax.set_title(title, fontsize=10)
    ax.axis("off")
    return fig


def length_histograms(chars: dict) -> plt.Figure:
    """Post lengths (characters) of synthetic and real posts."""
    fig, ax = plt.subplots(figsize=(6, 3.6), constrained_layout=True)
    hi = max(float(np.percentile(np.concatenate([chars["synthetic"], chars["real"]]), 99)), 10.0)
    bins = np.linspace(0, hi, 40)
    ax.hist(chars["real"], bins=bins, alpha=0.55, density=True, color=REF, label=f"real (n={len(chars['real']):,})")
    ax.hist(
        chars["synthetic"],
        bins=bins,
        alpha=0.55,
        density=True,
        color=OURS,
        label=f"synthetic (n={len(chars['synthetic']):,})",
    )
    ax.set_xlabel("characters per post")
    ax.set_ylabel("density")
    ax.set_title("Post length")
    ax.legend()
    return fig


def platform_rates(means: dict) -> plt.Figure:
    """Mean hashtags, mentions, URLs and emoji per post, per platform, real against synthetic."""
    feats = ["hashtags", "mentions", "urls", "emoji"]
    platforms = sorted(set(means["real"]) & set(means["synthetic"]))
    fig, axes = plt.subplots(1, len(feats), figsize=(3.0 * len(feats), 3.4), constrained_layout=True)
    x = np.arange(len(platforms))
    for ax, f in zip(axes, feats):
        ax.bar(x - 0.2, [means["real"][p][f] for p in platforms], 0.4, color=REF, label="real")
        ax.bar(x + 0.2, [means["synthetic"][p][f] for p in platforms], 0.4, color=OURS, label="synthetic")
        ax.set_xticks(x, platforms, rotation=20, fontsize=8)
        ax.set_title(f"{f} per post", fontsize=10)
    axes[0].legend(fontsize=8)
    fig.suptitle("Per-platform rates", fontsize=11)
    return fig


def embedding_map(m: dict) -> plt.Figure:
    """2-D PCA map of post embeddings: colour = platform, marker = real (circle) / synthetic (cross)."""
    fig, ax = plt.subplots(figsize=(6.5, 5.5), constrained_layout=True)
    xy = np.asarray(m["xy"])
    src = np.array(m["source"])
    plat = np.array(m["platform"])
    cmap = plt.get_cmap("tab10")
    for j, p in enumerate(sorted(set(plat))):
        for s, marker, alpha in (("real", "o", 0.25), ("synthetic", "x", 0.7)):
            sel = (plat == p) & (src == s)
            if sel.any():
                ax.scatter(
                    xy[sel, 0], xy[sel, 1], s=10, marker=marker, alpha=alpha, color=cmap(j % 10), label=f"{p} ({s})"
                )
    ax.set_xlabel("first principal component")
    ax.set_ylabel("second principal component")
    ax.set_title("Post embeddings (MiniLM), real and synthetic")
    ax.legend(fontsize=7, markerscale=1.5, ncols=2)
    return fig


def _method_styles(methods: list[str]) -> dict[str, dict]:
    cmap = plt.get_cmap("tab10")
    return {
        m: {
            "color": OURS if m == "synthsocial" else cmap(i % 10),
            "lw": 2.5 if m == "synthsocial" else 1.2,
            "marker": "o" if m == "synthsocial" else ".",
        }
        for i, m in enumerate(methods)
    }


def benchmark_metrics(rows: list[dict], reference: dict, sizes: list[int]) -> plt.Figure:
    """The paper's Figure 2: each metric against size, mean and standard deviation per method."""
    keys = list(NED_METRICS) + ["avg_out_degree"]
    methods = list(dict.fromkeys(r["method"] for r in rows))
    style = _method_styles(methods)
    fig, axes = plt.subplots(1, len(keys), figsize=(3.4 * len(keys), 4.6), constrained_layout=True)
    for ax, k in zip(axes, keys):
        for m in methods:
            rs = sorted((r for r in rows if r["method"] == m and r[k] is not None), key=lambda r: r["size"])
            if rs:
                ax.errorbar(
                    [r["size"] for r in rs],
                    [r[k] for r in rs],
                    yerr=[r[f"{k}_std"] for r in rs],
                    label=m,
                    color=style[m]["color"],
                    lw=style[m]["lw"],
                    marker=style[m]["marker"],
                    capsize=2,
                )
        ref = reference["metrics"].get(k)
        if isinstance(ref, (int, float)):
            ax.axhline(ref, color="black", ls="--", lw=1, label=f"reference: {Path(str(reference['name'])).name}")
        ax.set_xscale("log")
        if k == "density":
            ax.set_yscale("log")
        ax.set_xlabel("nodes")
        ax.set_title(LABELS.get(k, k), fontsize=10)
    handles, labels = axes[0].get_legend_handles_labels()
    fig.legend(handles, labels, loc="outside lower center", ncols=min(len(labels), 6), fontsize=8, frameon=False)
    fig.suptitle("Structural metrics by method and size (mean ± sd over runs)", fontsize=11)
    return fig


def benchmark_ned(rows: list[dict], sizes: list[int]) -> plt.Figure:
    """The paper's Figure 3: NED to the reference per method, one group of bars per size."""
    methods = list(dict.fromkeys(r["method"] for r in rows))
    style = _method_styles(methods)
    fig, axes = plt.subplots(
        1, len(sizes), figsize=(max(4.5, 0.5 * len(methods)) * len(sizes), 4), constrained_layout=True, squeeze=False
    )
    for ax, size in zip(axes[0], sizes):
        rs = {r["method"]: r for r in rows if r["size"] == size}
        x = np.arange(len(methods))
        ax.bar(
            x,
            [rs[m]["ned"] if m in rs else 0 for m in methods],
            yerr=[rs[m]["ned_std"] if m in rs else 0 for m in methods],
            color=[style[m]["color"] for m in methods],
            capsize=3,
        )
        ax.set_xticks(x, methods, rotation=45, ha="right", fontsize=8)
        ax.set_title(f"{size:,} nodes", fontsize=10)
        ax.set_ylabel("NED to the reference (lower is closer)")
    fig.suptitle("NED by method and size (mean ± sd over runs)", fontsize=11)
    return fig


def conversations(ours: dict, real: dict | None) -> plt.Figure:
    """Four panels of the conversation measures (metrics.conversation.conversation) of a timeline,
    and of real threads when given: posts per user, inter-event times and thread sizes as CCDFs,
    and the share of events per UTC hour."""
    fig, axes = plt.subplots(1, 4, figsize=(13, 3.4), constrained_layout=True)
    panels = (
        ("posts_per_user_ccdf", "posts per user", "Posts per user"),
        ("inter_event_ccdf", "seconds between a user's events", "Inter-event times"),
        ("thread_size_ccdf", "events per thread", "Thread sizes"),
    )
    sides = [("synthetic", ours, OURS)] + ([("real", real, REF)] if real else [])
    for ax, (key, xlabel, title) in zip(axes, panels):
        for label, stats, colour in sides:
            pts = np.asarray(stats.get(key) or [], dtype=np.float64).reshape(-1, 2)
            if pts.size:
                ax.loglog(pts[:, 0], pts[:, 1], marker=".", color=colour, label=label)
        ax.set_xlabel(xlabel)
        ax.set_title(title, fontsize=10)
    axes[0].set_ylabel("share >= x")
    hours = np.arange(24)
    for label, stats, colour in sides:
        axes[3].plot(hours, stats["hour_share"], marker=".", color=colour, label=label)
    axes[3].set_xlabel("hour of day (UTC)")
    axes[3].set_title("Events per hour", fontsize=10)
    axes[0].legend(fontsize=8)
    return fig
