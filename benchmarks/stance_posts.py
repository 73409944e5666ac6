"""Can the writer's stance be read from the embedded model's posts? (issue 18, part 2)

A default world, posts by the embedded model on the stance topics only, then
fidelity.stance.readability: the side (stance < -1/3 or > 1/3) predicted from held-out writers'
posts, with and without the label words. Writes a section of docs/fidelity.md.

    python benchmarks/stance_posts.py --work /tmp/sp --nodes 2000 --writers 600
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import subprocess
import sys
import time
from pathlib import Path

import pyarrow.parquet as pq
from _doc import write_section

from synthsocial.fidelity.stance import readability
from synthsocial.posts.stance import LABELS

ROOT = Path(__file__).resolve().parents[1]


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--work", type=Path, required=True, help="a new directory")
    ap.add_argument("--nodes", type=int, default=2_000)
    ap.add_argument("--writers", type=int, default=600)
    ap.add_argument("--platforms", default="twitter")
    ap.add_argument("--topics", default="Politics,Climate Change")
    ap.add_argument("--seed", type=int, default=1)
    ap.add_argument("--out", default=str(ROOT / "docs" / "fidelity.md"))
    args = ap.parse_args()
    exe = str(Path(sys.executable).with_name("synthsocial"))
    world = args.work / "world"
    subprocess.run([exe, "generate", "-n", str(args.nodes), "-s", str(args.seed), "-o", str(world)], check=True)
    posts = [exe, "posts", str(world), "--platforms", args.platforms, "--max-users", str(args.writers)]
    posts += ["--topics", args.topics, "--seed", str(args.seed)]
    started = time.perf_counter()
    subprocess.run(posts, check=True)
    minutes = (time.perf_counter() - started) / 60
    t = pq.read_table(world / "posts.parquet").to_pylist()
    ok = [r for r in t if r["status"] == "ok" and r["stance"] is not None]
    r = readability([x["text"] for x in ok], [x["stance"] for x in ok], [x["user_id"] for x in ok], LABELS, args.seed)
    print(json.dumps(r, indent=1))
    if "skipped" in r:
        sys.exit(r["skipped"])
    lines = [
        f"### `python benchmarks/stance_posts.py {' '.join(sys.argv[1:])}` ({dt.date.today()}; embedded gemma3-270m)",
        "",
        f"`synthsocial posts WORLD --platforms {args.platforms} --max-users {args.writers} --topics "
        f"{args.topics!r}` on a default world of {args.nodes:,} users ({len(ok):,} posts with a stance, "
        f"{minutes:.1f} min).",
        "",
        "| posts a side | writers | side predicted for held-out writers | p (binomial, vs 0.5) | label words masked | p |",
        "|---|---|---|---|---|---|",
        f"| {r['posts_per_side']:,} | {r['writers']:,} | {r['accuracy']:.3f} | {r['p_value']:.1g} | "
        f"{r['masked']['accuracy']:.3f} | {r['masked']['p_value']:.1g} |",
    ]
    write_section(args.out, "stance_posts", "\n".join(lines), "## Stance in the posts (issue 18)")


if __name__ == "__main__":
    main()
