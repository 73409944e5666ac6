"""Do adapted posts pass for real? (issue 15, item 5)

The real posts of ../shared/data/posts (SemEval stance tweets, GoEmotions Reddit comments, MDID
Instagram captions) are split in two random halves, as in fidelity_study.py. The embedded model is
adapted on half A (`synthsocial adapt`, one adapter for the three platforms); a default world of
2,000 users (seed 1) writes posts with the adapter (`posts --adapter`, --max-users 800: at least
300 posts per platform); every setting is measured against half B, per corpus (= platform) and
overall: each discriminator of `fidelity`, length KS, unigram JSD, Fréchet distance, topic JSD,
platform accuracy, share of posts with a training 8-gram and the guard's rejection rate. With
--baseline, grounded few-shot prompting (platform-agnostic, examples from half A) on the same
world and halves. Prints Markdown tables for docs/fidelity.md.

    python benchmarks/adapt_study.py --work /tmp/study --adapter /tmp/study/adapterA [--baseline]
    python benchmarks/adapt_study.py --work /tmp/study --setting tilt0:--topic-tilt=0
"""

from __future__ import annotations

import argparse
import json
import re
import shutil
import subprocess
import sys
import time
from pathlib import Path

import numpy as np
import pyarrow as pa
import pyarrow.parquet as pq

from synthsocial.fidelity import guard_record, measure, synthetic_posts
from synthsocial.io.corpus import read_shared_posts

ROOT = Path(__file__).resolve().parents[1]
SHARED_POSTS = ROOT.parent / "shared" / "data" / "posts"
CORPUS = {"twitter": "twitter stance", "reddit": "reddit goemotions", "instagram": "instagram mdid"}


def halves(work: Path) -> tuple[Path, pa.Table]:
    """Half A written for adapt (text, platform) and half B (the judge); the split of fidelity_study.py."""
    corpus = read_shared_posts(SHARED_POSTS)
    perm = np.random.default_rng(0).permutation(corpus.num_rows)
    a = corpus.take(pa.array(np.sort(perm[: perm.size // 2])))
    b = corpus.take(pa.array(np.sort(perm[perm.size // 2 :])))
    path = work / "halfA.parquet"
    if not path.exists():
        pq.write_table(a.select(["text", "platform"]), path)
    return path, b


def run(cmd: list[str]) -> tuple[float, str]:
    """Seconds and standard error of a command (exits when it fails)."""
    t = time.perf_counter()
    r = subprocess.run(cmd, capture_output=True, text=True)
    if r.returncode:
        sys.exit(f"failed: {' '.join(cmd)}\n{r.stderr[-2000:]}")
    return time.perf_counter() - t, r.stderr


def rows(name: str, m: dict, rate: float | None, guard: dict | None) -> list[str]:
    out = []
    scopes = [("all", m, m["discriminator"])] + [
        (CORPUS.get(p, p), m["per_platform"][p], m["per_platform"][p]["discriminator"]) for p in m["platforms"]
    ]
    sep = m["multiplatform"]["separability"]
    for scope, block, dis in scopes:
        c = dis["classifiers"]
        lex = block["lexical"]["distances"]
        sem = block.get("semantic", {})
        acc = (
            f"{sep['synthetic_accuracy']:.3f} / {sep['real_accuracy']:.3f}"
            if scope == "all"
            else _platform_accuracy(sep, [p for p, v in CORPUS.items() if v == scope][0])
        )
        out.append(
            f"| {name} | {scope} | {block['lexical']['synthetic']['posts']} | {c['ngram']['accuracy']:.3f} | "
            f"{c.get('embedding', {}).get('accuracy', float('nan')):.3f} | {c['style']['accuracy']:.3f} | "
            f"**{dis['accuracy']:.3f}** | {lex['chars_ks']:.3f} | {lex['unigram_jsd']:.3f} | "
            f"{sem.get('frechet_distance', float('nan')):.3f} | {sem.get('topic_jsd', float('nan')):.3f} | {acc} | "
            + (f"{m['privacy']['share_with_shared_8gram']:.3f} | " if scope == "all" else "| ")
            + (f"{guard['rate']:.3f} | " if guard and scope == "all" else "| ")
            + (f"{rate:.0f} |" if rate and scope == "all" else "|")
        )
    return out


def _platform_accuracy(sep: dict, platform: str) -> str:
    """Share of a platform's synthetic posts the real-trained classifier assigns to it (from the confusion)."""
    row = sep.get("confusion", {}).get(platform)
    if not row:
        return "-"
    return f"{row.get(platform, 0) / max(sum(row.values()), 1):.3f}"


def threshold(work: Path, half_a: Path, half_b: pa.Table) -> None:
    """How close distinct real posts come to each other: for every post of half B, the MiniLM
    similarity of its nearest post in half A (what the guard's threshold must stay above)."""
    from synthsocial.fidelity.semantic import embeddings, nearest_similarity

    a = pq.read_table(half_a)["text"].to_pylist()
    b = half_b["text"].to_pylist()
    near = nearest_similarity(embeddings(b), embeddings(a))
    q = np.quantile(near, [0.5, 0.9, 0.99, 0.995, 0.999])
    print(
        f"nearest half-A similarity of {len(b)} half-B posts: median {q[0]:.3f}, p90 {q[1]:.3f}, p99 {q[2]:.3f}, "
        f"p99.5 {q[3]:.3f}, p99.9 {q[4]:.3f}; share >= 0.90: {np.mean(near >= 0.9):.4f}, >= 0.95: "
        f"{np.mean(near >= 0.95):.4f}, >= 0.98: {np.mean(near >= 0.98):.4f}"
    )
    for i in np.argsort(-near)[:8]:
        print(f"  {near[i]:.3f}  {b[i][:100]!r}")


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--work", type=Path, required=True, help="working directory (kept: rerun to add settings)")
    ap.add_argument("--adapter", type=Path, help="an adapter of half A (default: adapt one into WORK/adapter)")
    ap.add_argument("--writers", type=int, default=800)
    ap.add_argument("--seed", type=int, default=1)
    ap.add_argument("--baseline", action="store_true", help="also grounded few-shot prompting (platform-agnostic)")
    ap.add_argument("--threshold", action="store_true", help="only measure the guard's similarity threshold")
    ap.add_argument(
        "--setting",
        action="append",
        default=[],
        metavar="NAME:OPTS",
        help="a posts setting, e.g. tilt0:--topic-tilt=0 (default: adapted with the defaults)",
    )
    args = ap.parse_args()
    if not SHARED_POSTS.is_dir():
        sys.exit(f"needs the real posts at {SHARED_POSTS}")
    exe = str(Path(sys.executable).with_name("synthsocial"))
    work = args.work
    work.mkdir(parents=True, exist_ok=True)
    half_a, half_b = halves(work)
    if args.threshold:
        threshold(work, half_a, half_b)
        return
    adapter = args.adapter or work / "adapter"
    if args.adapter is None:
        seconds, _ = run([exe, "adapt", "--corpus", str(half_a), "--out", str(adapter), "--seed", "0"])
        print(f"adapt: {seconds / 60:.1f} min")
    base = work / "world"
    if not base.exists():
        run([exe, "generate", "-n", "2000", "-s", "1", "-o", str(base)])
    settings = [s.split(":", 1) for s in args.setting] or [["adapted", ""]]
    if args.baseline:
        settings.append(["grounded few-shot", f"--corpus={half_a}"])
    table = []
    for name, opts in settings:
        w = work / f"posts-{name.replace(' ', '-')}"
        if not (w / "posts.parquet").exists():
            shutil.rmtree(w, ignore_errors=True)
            shutil.copytree(base, w)
            extra = [o for o in opts.split(" ") if o]
            if not any(o.startswith("--corpus") for o in extra):
                extra.append(f"--adapter={adapter}")
            cmd = [exe, "posts", str(w), "-p", "twitter,reddit,instagram", "--max-users", str(args.writers)]
            _, stderr = run([*cmd, "--seed", str(args.seed), *extra])
            (w.parent / f"{w.name}.log").write_text(stderr)
        found = re.search(r"(\d+) posts/min", " ".join((w.parent / f"{w.name}.log").read_text().split()))
        rate = float(found[1]) if found else None
        syn = synthetic_posts(pq.read_table(w / "posts.parquet"))
        result = measure(syn, half_b, seed=0, guard=guard_record(w / "posts.parquet"))
        (work / f"fidelity-{name.replace(' ', '-')}.json").write_text(json.dumps(result.to_dict(), indent=1))
        table += rows(name, result.metrics, rate, result.metrics["privacy"].get("guard"))
    print(
        "| setting | corpus | posts | n-gram LR | embedding LR | style trees | strongest | length KS | unigram JSD | "
        "Fréchet | topic JSD | platform acc. syn / real | 8-gram share | guard rejections | posts/min |"
    )
    print("|---|---|---|---|---|---|---|---|---|---|---|---|---|---|---|")
    print("\n".join(table))


if __name__ == "__main__":
    main()
