"""Posts per minute of the embedded backend, and peak memory; writes docs/performance.md.

A default world of 2,000 users (seed 1) is generated once; each run copies it and executes
`synthsocial posts COPY --platforms twitter,reddit,instagram --max-users U` in a fresh process.
Posts per minute count every generated post (ok or failed) over the generation time reported by
the command (model load excluded; the wall time of the whole command is listed too). The
platform-agnostic strategy runs when ../shared/data/posts is present (its corpus grounds the
prompts).

    python benchmarks/bench_posts.py --runs 3 --max-users 60
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import os
import platform
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from _doc import write_section

ROOT = Path(__file__).resolve().parents[1]
SHARED_POSTS = ROOT.parent / "shared" / "data" / "posts"
RUN = (
    "import json, resource, sys, time\n"
    "from pathlib import Path\n"
    "from synthsocial.io.corpus import read_shared_posts\n"
    "from synthsocial.posts.backends import make_backend\n"
    "from synthsocial.posts.pipeline import PostsConfig, write_posts\n"
    "from synthsocial.posts.platforms import resolve\n"
    "world, strategy, users, model = sys.argv[1], sys.argv[2], int(sys.argv[3]), sys.argv[4]\n"
    "t = time.perf_counter(); b = make_backend('embedded', model); load = time.perf_counter() - t\n"
    "corpus = read_shared_posts(sys.argv[5]) if strategy == 'platform-agnostic' else None\n"
    "cfg = PostsConfig(platforms=resolve('twitter,reddit,instagram'), strategy=strategy, max_users=users, seed=1)\n"
    "s = write_posts(world, cfg, b, corpus)\n"
    "s['load'] = load; s['peak_mb'] = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024\n"
    "print(json.dumps(s))\n"
)


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--runs", type=int, default=3)
    ap.add_argument("--max-users", type=int, default=60)
    ap.add_argument("--models", default="gemma3-270m,smollm2-135m")
    ap.add_argument("--out", default=str(ROOT / "docs" / "performance.md"))
    args = ap.parse_args()
    exe = str(Path(sys.executable).with_name("synthsocial"))
    work = Path(tempfile.mkdtemp(prefix="bench-posts-"))
    base = work / "world"
    subprocess.run([exe, "generate", "-n", "2000", "-s", "1", "-o", str(base)], check=True, capture_output=True)
    strategies = ["platform-aware"] + (["platform-agnostic"] if SHARED_POSTS.is_dir() else [])
    rows = []
    for model in args.models.split(","):
        for strategy in strategies:
            runs = []
            for i in range(args.runs):
                copy = work / f"run-{model}-{strategy}-{i}"
                shutil.copytree(base, copy)
                t = time.perf_counter()
                out = subprocess.run(
                    [sys.executable, "-c", RUN, str(copy), strategy, str(args.max_users), model, str(SHARED_POSTS)],
                    capture_output=True,
                    text=True,
                    check=True,
                )
                s = json.loads(out.stdout.strip().splitlines()[-1])
                s["wall"] = time.perf_counter() - t
                runs.append(s)
            row = {
                "model": model,
                "strategy": strategy,
                "runs": args.runs,
                "posts": int(statistics.median(r["generated"] + r["failed"] for r in runs)),
                "failed": int(statistics.median(r["failed"] for r in runs)),
                "per_min": statistics.median(r["posts_per_minute"] for r in runs),
                "min": min(r["posts_per_minute"] for r in runs),
                "max": max(r["posts_per_minute"] for r in runs),
                "wall": statistics.median(r["wall"] for r in runs),
                "load": statistics.median(r["load"] for r in runs),
                "peak_gb": max(r["peak_mb"] for r in runs) / 1024,
            }
            rows.append(row)
            print(json.dumps(row), flush=True)
    shutil.rmtree(work, ignore_errors=True)
    lines = [
        f"### `python benchmarks/bench_posts.py {' '.join(sys.argv[1:])}` ({dt.date.today()}; "
        f"{platform.machine()}, {os.cpu_count()} cores, Python {platform.python_version()})",
        "",
        "| model | strategy | runs | posts per run (failed) | posts/min, median (min-max) | model load | whole command | peak memory |",
        "|---|---|---|---|---|---|---|---|",
    ]
    for r in rows:
        lines.append(
            f"| {r['model']} | {r['strategy']} | {r['runs']} | {r['posts']} ({r['failed']}) | {r['per_min']:.0f} ({r['min']:.0f}-{r['max']:.0f}) | "
            f"{r['load']:.1f} s | {r['wall']:.1f} s | {r['peak_gb']:.2f} GB |"
        )
    block = "\n".join(lines) + "\n"
    write_section(args.out, "bench_posts", block, "## posts")


if __name__ == "__main__":
    main()
