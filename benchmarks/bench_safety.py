"""What the safety of outputs costs: hashing a world's files against generating it, in one run.

Since issue 13, every command that writes records the SHA-256 of what it wrote (the `.synthsocial`
marker), `world` re-hashes every output on a rerun, and readers re-hash the files they read. For
each size this generates a default world (seed 1) --runs times with `synthsocial generate` (each in
a fresh process, wall time including the hashing it now does), then times hashing its three files
(users.parquet, edges.parquet, manifest.json) --runs times, and reports both medians and their
ratio, and the lock's cost (taking and releasing it, median of 1,000).

    python benchmarks/bench_safety.py --sizes 100000,1000000 --runs 3
"""

from __future__ import annotations

import argparse
import datetime as dt
import os
import platform
import shutil
import statistics
import subprocess
import sys
import time
from pathlib import Path

from _doc import write_section

from synthsocial.io.lock import locked
from synthsocial.io.ownership import digest

ROOT = Path(__file__).resolve().parents[1]
EXE = str(Path(sys.executable).with_name("synthsocial"))
FILES = ("users.parquet", "edges.parquet", "manifest.json")


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--sizes", default="100000,1000000")
    ap.add_argument("--runs", type=int, default=3)
    ap.add_argument("--work", default="/tmp/synthsocial-bench-safety")
    ap.add_argument("--out", default=str(ROOT / "docs" / "performance.md"))
    args = ap.parse_args()
    work = Path(args.work)
    work.mkdir(parents=True, exist_ok=True)
    rows = []
    for n in sorted(int(s) for s in args.sizes.split(",")):
        world = work / f"world_{n}"
        gen = []
        for _ in range(args.runs):
            shutil.rmtree(world, ignore_errors=True)
            t = time.perf_counter()
            subprocess.run(
                [EXE, "generate", "-n", str(n), "-s", "1", "-o", str(world)], check=True, capture_output=True
            )
            gen.append(time.perf_counter() - t)
        hashing = []
        for _ in range(args.runs):
            t = time.perf_counter()
            for name in FILES:
                digest(world / name)
            hashing.append(time.perf_counter() - t)
        size = sum((world / name).stat().st_size for name in FILES)
        rows.append({"n": n, "mb": size / 1e6, "generate": statistics.median(gen), "hash": statistics.median(hashing)})
        print(rows[-1], flush=True)
    lock = []
    for _ in range(1000):
        t = time.perf_counter()
        with locked(work / "world_lock_probe", command="bench"):
            pass
        lock.append(time.perf_counter() - t)

    lines = [
        f"### `python benchmarks/bench_safety.py {' '.join(sys.argv[1:])}` ({dt.date.today()}; "
        f"{platform.machine()}, {os.cpu_count()} cores, Python {platform.python_version()})",
        "",
        "| N | world files | generate (median) | hashing them (median) | hashing / generate |",
        "|---|---|---|---|---|",
    ]
    for r in rows:
        lines.append(
            f"| {r['n']:,} | {r['mb']:.0f} MB | {r['generate']:.1f} s | {r['hash']:.2f} s "
            f"({r['mb'] / r['hash']:.0f} MB/s) | {r['hash'] / r['generate']:.2%} |"
        )
    lines += ["", f"Taking and releasing a world's lock: {statistics.median(lock) * 1e6:.0f} µs (median of 1,000)."]
    write_section(args.out, "bench_safety", "\n".join(lines) + "\n", "## Safety of outputs: hashes and locks")


if __name__ == "__main__":
    main()
