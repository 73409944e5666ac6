"""Which generation settings give the most faithful posts? (issue 5, item 8)

Generates a default world of 2,000 users (seed 1), writes posts with the embedded model under
each prompting strategy, and measures the fidelity of the processed and the raw text against the
real posts of ../shared/data/posts (SemEval tweets, GoEmotions Reddit comments, MDID Instagram
captions). The real posts are split in two random halves: the platform-agnostic prompts draw their
examples from half A only, and every setting is measured against half B, so grounding cannot
score by copying the evaluation set. Prints a Markdown table for docs/fidelity.md.

    python benchmarks/fidelity_study.py --max-users 150
"""

from __future__ import annotations

import argparse
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import numpy as np
import pyarrow as pa
import pyarrow.parquet as pq

from synthsocial.fidelity import measure, synthetic_posts
from synthsocial.io.corpus import read_shared_posts

ROOT = Path(__file__).resolve().parents[1]
SHARED_POSTS = ROOT.parent / "shared" / "data" / "posts"


def row(name: str, r: dict) -> str:
    lex, sem, mp = r["lexical"]["distances"], r.get("semantic", {}), r["multiplatform"]
    sep = mp["separability"]
    return (
        f"| {name} | {r['sizes']['synthetic']} | {lex['chars_ks']:.3f} | {lex['unigram_jsd']:.3f} | "
        f"{r['lexical']['synthetic']['means']['hashtags']:.2f} / {r['lexical']['real']['means']['hashtags']:.2f} | "
        f"{sem['nearest_real_similarity']['mean']:.3f} | {sem['frechet_distance']:.3f} | {sem['topic_jsd']:.3f} | "
        f"{sep['synthetic_accuracy']:.3f} (real {sep['real_accuracy']:.3f}) | {mp['cross_platform_differences']['correlation']:.3f} | "
        f"{r['discriminator']['accuracy']:.3f} | {r['privacy']['share_with_shared_8gram']:.3f} |"
    )


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--max-users", type=int, default=150)
    ap.add_argument("--model", default="gemma3-270m")
    args = ap.parse_args()
    if not SHARED_POSTS.is_dir():
        sys.exit(f"needs the real posts at {SHARED_POSTS}")
    exe = str(Path(sys.executable).with_name("synthsocial"))
    work = Path(tempfile.mkdtemp(prefix="fidelity-study-"))
    base = work / "world"
    subprocess.run([exe, "generate", "-n", "2000", "-s", "1", "-o", str(base)], check=True, capture_output=True)
    corpus = read_shared_posts(SHARED_POSTS)
    # disjoint halves: prompts may only see A; every setting is measured against B
    perm = np.random.default_rng(0).permutation(corpus.num_rows)
    pool = corpus.take(pa.array(np.sort(perm[: perm.size // 2])))
    real = corpus.take(pa.array(np.sort(perm[perm.size // 2 :])))
    header = (
        "| setting | posts | length KS | unigram JSD | hashtags/post syn / real | nearest-real sim | Fréchet | topic JSD | "
        "platform acc. on synthetic | cross-platform r | discriminator | 8-gram share |"
    )
    lines = [header, "|---" * (header.count("|") - 1) + "|"]
    for strategy in ("platform-aware", "platform-agnostic"):
        d = work / strategy
        shutil.copytree(base, d)
        cmd = [
            exe,
            "posts",
            str(d),
            "--platforms",
            "twitter,reddit,instagram",
            "--max-users",
            str(args.max_users),
            "--model",
            args.model,
            "--strategy",
            strategy,
            "--seed",
            "1",
        ]
        if strategy == "platform-agnostic":
            combined = work / "prompt_pool.parquet"  # half A of the three corpora
            pq.write_table(pool, combined)
            cmd += ["--corpus", str(combined)]
        t = time.perf_counter()
        subprocess.run(cmd, check=True, capture_output=True)
        elapsed = time.perf_counter() - t
        table = pq.read_table(d / "posts.parquet")
        for col, label in (("text", "processed"), ("raw_text", "raw")):
            r = measure(synthetic_posts(table, col), real, seed=0).metrics
            lines.append(row(f"{strategy}, {label}", r))
            print(lines[-1], flush=True)
        print(f"  ({strategy}: {table.num_rows} posts in {elapsed:.0f} s)", flush=True)
    print("\n".join(lines))
    shutil.rmtree(work, ignore_errors=True)


if __name__ == "__main__":
    main()
