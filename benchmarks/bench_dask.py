"""Time the Dask engine (`generate --engine dask`) on a LocalCluster and measure memory per worker.

Each run is a fresh subprocess that starts a LocalCluster of --workers single-threaded worker
processes (memory limit --memory-limit each), runs `generate_dask` into a temporary directory and
reads every worker's peak resident memory (ru_maxrss). Memory per worker is split into the
shared per-user arrays every worker holds (points, their columns, the KD-tree's index arrays,
the degree vector: N x (16 d + 24) bytes) and the rest, which should not grow with N.

    python benchmarks/bench_dask.py --sizes 100000,1000000 --runs 3
    python benchmarks/bench_dask.py --sizes 10000000 --runs 1 --memory-limit 5GB --keep /tmp/w1e7 --append
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import os
import platform
import statistics
import subprocess
import sys
from pathlib import Path

from _doc import write_section

ROOT = Path(__file__).resolve().parents[1]

RUN = """
import json, resource, sys, tempfile, time
from pathlib import Path

def peak_mb():
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024

if __name__ == "__main__":
    from dask.distributed import Client, LocalCluster
    from synthsocial.config import GeneratorConfig
    from synthsocial.dask_engine import DaskOptions, generate_dask
    n, seed, workers, limit, blocks = int(sys.argv[1]), int(sys.argv[2]), int(sys.argv[3]), sys.argv[4], int(sys.argv[5])
    keep = sys.argv[7]
    with LocalCluster(n_workers=workers, threads_per_worker=1, memory_limit=limit, dashboard_address=":0") as cluster, \\
            Client(cluster) as client, tempfile.TemporaryDirectory(dir=sys.argv[6] or None) as tmp:
        if keep:
            Path(keep).mkdir(parents=True)
            tmp = keep
        t = time.perf_counter()
        man = generate_dask(n, tmp, seed=seed, options=DaskOptions(scheduler=cluster.scheduler_address, partition_blocks=blocks))
        wall = time.perf_counter() - t
        peaks = client.run(peak_mb)
        size = sum(f.stat().st_size for f in Path(tmp).rglob("*.parquet") if f.is_file())
    print(json.dumps({"wall": wall, "edges": man["edges"], "timings": man["timings_s"], "worker_peak_mb": max(peaks.values()),
                      "driver_peak_mb": peak_mb(), "dimensions": GeneratorConfig().dimensions, "disk_mb": size / 2**20,
                      "partitions": man["engine"]["partitions"]}))
"""


def run(*args: object) -> dict:
    out = subprocess.run([sys.executable, "-c", RUN, *map(str, args)], capture_output=True, text=True)
    if out.returncode != 0:
        raise SystemExit(out.stderr[-3000:])
    return json.loads(out.stdout.strip().splitlines()[-1])


def fmt_s(x: float) -> str:
    return f"{x:.1f} s" if x < 120 else f"{x / 60:.1f} min"


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--sizes", default="100000,1000000")
    ap.add_argument("--runs", type=int, default=3)
    ap.add_argument("--workers", type=int, default=2)
    ap.add_argument("--memory-limit", default="8GB", help="per worker")
    ap.add_argument("--partition-blocks", type=int, default=2)
    ap.add_argument("--tmp", default=None, help="where the worlds are written (removed after each run)")
    ap.add_argument("--keep", default="", help="write the (last) world into this new directory and keep it")
    ap.add_argument("--out", default=str(ROOT / "docs" / "performance.md"))
    ap.add_argument("--append", action="store_true", help="keep earlier results in the marked section")
    args = ap.parse_args()

    rows = []
    for n in (int(s) for s in args.sizes.split(",")):
        res = [
            run(
                n,
                seed,
                args.workers,
                args.memory_limit,
                args.partition_blocks,
                args.tmp or "",
                args.keep if seed == args.runs else "",
            )
            for seed in range(1, args.runs + 1)
        ]
        walls = [r["wall"] for r in res]
        d = res[0]["dimensions"]
        shared_mb = n * (16 * d + 24) / 2**20
        worker = max(r["worker_peak_mb"] for r in res)
        row = {
            "n": n,
            "runs": args.runs,
            "wall": statistics.median(walls),
            "min": min(walls),
            "max": max(walls),
            "edges": res[0]["edges"],
            "worker_peak_mb": worker,
            "shared_mb": shared_mb,
            "driver_peak_mb": max(r["driver_peak_mb"] for r in res),
            "disk_mb": res[0]["disk_mb"],
            "partitions": res[0]["partitions"],
            "phases": {k: statistics.median(r["timings"][k] for r in res) for k in res[0]["timings"]},
        }
        rows.append(row)
        print(json.dumps(row), flush=True)

    lines = [
        "| N | runs | median wall (min-max) | edges | partitions | peak per worker | shared per-user arrays | worker peak - shared | driver peak | Parquet on disk |",
        "|---|---|---|---|---|---|---|---|---|---|",
    ]
    for r in rows:
        lines.append(
            f"| {r['n']:,} | {r['runs']} | {fmt_s(r['wall'])} ({fmt_s(r['min'])}-{fmt_s(r['max'])}) | {r['edges']:,} | "
            f"{r['partitions']} | {r['worker_peak_mb'] / 1024:.2f} GB | {r['shared_mb'] / 1024:.2f} GB | "
            f"{(r['worker_peak_mb'] - r['shared_mb']) / 1024:.2f} GB | {r['driver_peak_mb'] / 1024:.2f} GB | "
            f"{r['disk_mb'] / 1024:.2f} GB |"
        )
    phases = list(rows[0]["phases"])
    lines += ["", "Median seconds per phase:", "", "| N | " + " | ".join(phases) + " |", "|---|" + "---|" * len(phases)]
    for r in rows:
        lines.append(f"| {r['n']:,} | " + " | ".join(f"{r['phases'].get(p, 0):.1f}" for p in phases) + " |")
    cmd = "python benchmarks/bench_dask.py " + " ".join(sys.argv[1:])
    machine = f"{platform.machine()}, {os.cpu_count()} cores, Python {platform.python_version()}"
    block = "\n".join([f"### `{cmd.strip()}` ({dt.date.today().isoformat()}; {machine})", "", *lines, ""])
    write_section(args.out, "bench_dask", block, "## generate on Dask", append=args.append)


if __name__ == "__main__":
    main()
