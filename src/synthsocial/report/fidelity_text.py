"""Terminal tables for ``synthsocial fidelity``."""

from __future__ import annotations

from rich.console import Console
from rich.table import Table

from .text import fmt

LEX = ("chars", "words", "hashtags", "mentions", "urls", "emoji", "pronoun_first", "readability", "sentiment")


def print_fidelity(r: dict, console: Console) -> None:
    """Print fidelity metrics (``Fidelity.metrics`` from :func:`synthsocial.fidelity.measure`) on ``console``: lexical
    means overall and per platform, distances, semantic, multi-platform, discriminator and memorization summaries."""
    lex = r["lexical"]
    console.print(
        f"[bold]fidelity[/]: {r['sizes']['synthetic']:,} synthetic posts against {r['sizes']['real']:,} real posts"
        f" (platforms in both: {', '.join(r['platforms']) or 'none'})"
    )
    t = Table(title="lexical means per post", title_justify="left")
    t.add_column("feature")
    cols = [("all", lex)] + [(p, r["per_platform"][p]["lexical"]) for p in r["platforms"]]
    for name, _ in cols:
        t.add_column(f"{name}: synthetic / real", justify="right")
    for f in LEX:
        t.add_row(f, *[f"{fmt(b['synthetic']['means'][f], 2)} / {fmt(b['real']['means'][f], 2)}" for _, b in cols])
    console.print(t)
    d = lex["distances"]
    console.print(
        f"length KS {fmt(d['chars_ks'], 3)}, Wasserstein {fmt(d['chars_wasserstein'], 1)} chars; "
        f"unigram JSD {fmt(d['unigram_jsd'], 3)}; "
        f"vocabulary overlap {fmt(d['vocabulary_jaccard'], 3)}; top-100 n-gram overlap "
        + ", ".join(f"{n}-gram {v:.0%}" for n, v in d["top_ngram_overlap"].items())
        + f"; type-token ratio {fmt(lex['synthetic']['type_token_ratio'], 3)}"
        + f" / {fmt(lex['real']['type_token_ratio'], 3)}"
    )
    s = r.get("semantic")
    if s and "skipped" not in s:
        n, recall = s["nearest_real_similarity"], s["top_k_recall"]
        console.print(
            f"semantic: nearest-real similarity mean {n['mean']:.3f} (median {n['median']:.3f}, "
            f"IQR {n['q1']:.3f}-{n['q3']:.3f}); "
            f"recall@1/10/100 {recall['1']:.3f}/{recall['10']:.3f}/{recall['100']:.3f}; "
            f"within-set similarity {s['within_similarity']['synthetic']:.3f} / {s['within_similarity']['real']:.3f}; "
            f"Fréchet {fmt(s['frechet_distance'], 3)}; topic JSD {s['topic_jsd']:.3f}"
        )
    elif s:
        console.print(f"semantic: skipped ({s['skipped']})")
    m = r["multiplatform"]
    sep = m["separability"]
    console.print(
        f"multi-platform: platform classifier accuracy on held-out real {fmt(sep['real_accuracy'], 3)}, on synthetic "
        f"{fmt(sep['synthetic_accuracy'], 3)}; "
        f"cross-platform differences r = {fmt(m['cross_platform_differences']['correlation'], 3)} "
        f"(sign agreement {fmt(m['cross_platform_differences']['sign_agreement'], 3)})"
        + (f"; topic consistency {fmt(m['topic_consistency']['difference'], 3)}" if m.get("topic_consistency") else "")
    )
    dis = r["discriminator"]
    each = "; ".join(f"{name} {fmt(c['accuracy'], 3)} ± {fmt(c['std'], 3)}" for name, c in dis["classifiers"].items())
    some = next(iter(dis["classifiers"].values()))
    console.print(
        f"discriminators (real vs synthetic, {some['folds']}-fold CV, {some['per_class']:,} per class): {each}; "
        f"strongest {dis['strongest']} {fmt(dis['accuracy'], 3)} (0.5 = indistinguishable)"
    )
    per = {p: v["discriminator"]["accuracy"] for p, v in r["per_platform"].items() if "discriminator" in v}
    if per:
        console.print("  per platform (strongest): " + ", ".join(f"{p} {fmt(a, 3)}" for p, a in per.items()))
    pv = r["privacy"]
    console.print(
        f"memorization: longest shared substring max {pv['longest_shared_substring']['max']} chars "
        f"(mean {pv['longest_shared_substring']['mean']:.1f}); "
        f"posts sharing a word 8-gram {pv['share_with_shared_8gram']:.1%}; near-duplicates {pv['near_duplicates_text']}"
        + (f" (embedding >= 0.95: {pv['near_duplicates_embedding']})" if "near_duplicates_embedding" in pv else "")
    )
    st = r.get("stance")
    if st and "skipped" in st:
        console.print(f"stance in the posts: skipped ({st['skipped']})")
    elif st:
        console.print(
            f"stance in the posts: its sign predicted for held-out writers with accuracy {fmt(st['accuracy'], 3)} "
            f"(p = {st['p_value']:.1g}; {fmt(st['masked']['accuracy'], 3)} with the label words masked; "
            f"{st['posts_per_side']:,} posts a side by {st['writers']:,} writers; 0.5 = chance)"
        )
    talk = r.get("conversation")
    if talk:
        ours = talk["synthetic"]
        console.print(
            f"conversations: {ours['events']:,} texts by {ours['authors']:,} authors, {ours['replies']:,} replies "
            f"(deeper than one level {fmt(ours['share_replies_deeper_than_one'], 3)}), "
            f"posts per author Gini {fmt(ours['posts_per_user_gini'], 3)}, "
            f"burstiness {fmt(ours['inter_event_burstiness'], 3)}"
        )
        for k, row in (talk.get("headline") or {}).items():
            off = "" if row["within"] else " (off by more than 1.5x)"
            console.print(f"  {k}: {fmt(row['synthetic'], 3)} (real threads {fmt(row['real'], 3)}){off}")
        for control, c in (talk.get("coherence") or {}).items():
            if c and "replies" in c:
                console.print(
                    f"  reply-parent coherence against a {control.replace('_', ' ')} of another thread: "
                    f"{c['replies']:,} replies, similarity {c['similarity_to_parent']:.3f} to the parent and "
                    f"{c['similarity_to_control']:.3f} to the control; closer to the parent "
                    f"{c['share_closer_to_parent']:.1%} (0.5 = chance, z = {c['z_vs_chance']:.1f})"
                )
            elif c:
                console.print(f"  reply-parent coherence: skipped ({c['skipped']})")
