"""Posts per minute of the embedded backend, and peak memory; writes docs/performance.md.

A default world of 2,000 users (seed 1) is generated once; each run copies it and executes
`synthsocial posts COPY --platforms twitter,reddit,instagram --max-users U` in a fresh process
(`--platforms` to change the list).
Posts per minute count every generated post (ok or failed) over the generation time reported by
the command (model load excluded; the wall time of the whole command is listed too). The
platform-agnostic strategy runs when ../shared/data/posts is present (its corpus grounds the
prompts); the adapted strategy with --adapter DIR (posts --adapter, memorization guard included).

    python benchmarks/bench_posts.py --runs 3 --max-users 60
    python benchmarks/bench_posts.py --runs 3 --max-users 60 --models gemma3-270m --adapter ADAPTER --strategies platform-aware,adapted --section bench_posts_adapted
    python benchmarks/bench_posts.py --runs 3 --max-users 100 --models gemma3-270m --adapter ADAPTER --strategies adapted,platform-agnostic --parallel 1,8 --section bench_posts_parallel

``--parallel 1,8`` runs every setting with each number of sequences decoded at once (posts
--parallel); the runs of all settings alternate (run 1 of each, then run 2 of each, ...), so the
machine's slow spells fall on all of them, and each row gives its ratio to parallel 1.
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
    "from synthsocial.io.corpus import CorpusSource\n"
    "from synthsocial.posts.pipeline import make_posts\nfrom synthsocial.specs.posts import PostsSpec\n"
    "world, strategy, users, model, shared, adapter, parallel, platforms = sys.argv[1:9]\n"
    "req = PostsSpec(platforms=platforms, max_users=int(users), model=model, seed=1,\n"
    "    parallel=int(parallel),\n"
    "    strategy='auto' if strategy == 'adapted' else strategy, adapter=adapter if strategy == 'adapted' else None,\n"
    "    corpus=CorpusSource(path=shared) if strategy == 'platform-agnostic' else None)\n"
    "t = time.perf_counter(); s = make_posts(world, req); s['load'] = time.perf_counter() - t - s['seconds']\n"
    "s['peak_mb'] = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024\n"
    "s.pop('memorization_guard', None)\n"
    "print(json.dumps(s))\n"
)


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--runs", type=int, default=3)
    ap.add_argument("--max-users", type=int, default=60)
    ap.add_argument("--models", default="gemma3-270m,smollm2-135m")
    ap.add_argument("--adapter", help="an adapter directory (synthsocial adapt): adds the adapted strategy")
    ap.add_argument("--strategies", help="comma-separated subset (default: all that apply)")
    ap.add_argument("--parallel", default="8", help="comma-separated numbers of sequences decoded at once")
    ap.add_argument("--platforms", default="twitter,reddit,instagram", help="the platforms posted on")
    ap.add_argument("--out", default=str(ROOT / "docs" / "performance.md"))
    ap.add_argument("--section", default="bench_posts", help="the marked section of --out to replace")
    args = ap.parse_args()
    exe = str(Path(sys.executable).with_name("synthsocial"))
    work = Path(tempfile.mkdtemp(prefix="bench-posts-"))
    base = work / "world"
    subprocess.run([exe, "generate", "-n", "2000", "-s", "1", "-o", str(base)], check=True, capture_output=True)
    strategies = ["platform-aware"] + (["platform-agnostic"] if SHARED_POSTS.is_dir() else [])
    strategies += ["adapted"] if args.adapter else []
    if args.strategies:
        strategies = [x for x in strategies if x in args.strategies.split(",")]
    settings = [
        (model, strategy, int(par))
        for model in args.models.split(",")
        for strategy in strategies
        for par in args.parallel.split(",")
        if not (strategy == "adapted" and model != "gemma3-270m")  # adapters are trained on the Gemma base model
    ]
    runs: dict[tuple, list[dict]] = {k: [] for k in settings}
    for i in range(args.runs):
        for model, strategy, par in settings:
            copy = work / f"run-{model}-{strategy}-{par}-{i}"
            shutil.copytree(base, copy)
            t = time.perf_counter()
            out = subprocess.run(
                [
                    *(sys.executable, "-c", RUN, str(copy), strategy, str(args.max_users), model),
                    *(str(SHARED_POSTS), str(args.adapter or ""), str(par), args.platforms),
                ],
                capture_output=True,
                text=True,
                check=True,
            )
            s = json.loads(out.stdout.strip().splitlines()[-1])
            s["wall"] = time.perf_counter() - t
            runs[(model, strategy, par)].append(s)
            shutil.rmtree(copy, ignore_errors=True)
    rows = []
    for (model, strategy, par), rs in runs.items():
        one = runs.get((model, strategy, 1))
        row = {
            "model": model,
            "strategy": strategy,
            "parallel": par,
            "runs": args.runs,
            "posts": int(statistics.median(r["generated"] + r["failed"] for r in rs)),
            "failed": int(statistics.median(r["failed"] for r in rs)),
            "per_min": statistics.median(r["posts_per_minute"] for r in rs),
            "min": min(r["posts_per_minute"] for r in rs),
            "max": max(r["posts_per_minute"] for r in rs),
            "ratio": statistics.median(r["posts_per_minute"] / o["posts_per_minute"] for r, o in zip(rs, one))
            if one
            else None,
            "wall": statistics.median(r["wall"] for r in rs),
            "load": statistics.median(r["load"] for r in rs),
            "peak_gb": max(r["peak_mb"] for r in rs) / 1024,
        }
        rows.append(row)
        print(json.dumps(row), flush=True)
    shutil.rmtree(work, ignore_errors=True)
    lines = [
        f"### `python benchmarks/bench_posts.py {' '.join(sys.argv[1:])}` ({dt.date.today()}; "
        f"{platform.machine()}, {os.cpu_count()} cores, Python {platform.python_version()})",
        "",
        "| model | strategy | parallel | runs | posts per run (failed) | posts/min, median (min-max) | "
        "x parallel 1 (median of runs) | model load | whole command | peak memory |",
        "|---|---|---|---|---|---|---|---|---|---|",
    ]
    for r in rows:
        lines.append(
            f"| {r['model']} | {r['strategy']} | {r['parallel']} | {r['runs']} | {r['posts']} ({r['failed']}) | "
            f"{r['per_min']:.0f} ({r['min']:.0f}-{r['max']:.0f}) | "
            f"{'-' if r['ratio'] is None else format(r['ratio'], '.2f')} | "
            f"{r['load']:.1f} s | {r['wall']:.1f} s | {r['peak_gb']:.2f} GB |"
        )
    block = "\n".join(lines) + "\n"
    headings = {
        "bench_posts": "## posts",
        "bench_posts_parallel": "## posts: sequences decoded together",
        "bench_posts_batch": "## posts: beginnings read once (issue 17)",
        "bench_posts_bluesky": "## posts: one platform, as a timeline writes (issue 17)",
    }
    write_section(args.out, args.section, block, headings.get(args.section, "## posts: adapted model"))


if __name__ == "__main__":
    main()
