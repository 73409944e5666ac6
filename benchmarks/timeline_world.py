"""The living world of issue 17, end to end: `synthsocial world` with a timeline whose first
--max-texts events get texts from the embedded model, killed with SIGKILL part-way through the
posts stage and run again until it finishes; then checked: every timeline event has exactly one
row in posts.parquet, no post id twice, the texts written (status ok or failed) are the first
--max-texts events, every user has an account age, and how many of the active users posted.
Writes a section of docs/performance.md with the wall time of both runs.

    python benchmarks/timeline_world.py --work /tmp/tw --nodes 10000 --days 3 --max-texts 20000 --kill-after 1200
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import os
import platform
import signal
import subprocess
import sys
import time
from pathlib import Path

import numpy as np
import pyarrow.parquet as pq
from _doc import write_section

ROOT = Path(__file__).resolve().parents[1]


def run(cmd: list[str], kill_after: float | None) -> tuple[float, bool]:
    """Seconds the command ran and whether it was killed (SIGKILL to its process group)."""
    t = time.perf_counter()
    p = subprocess.Popen(cmd, start_new_session=True, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True)
    try:
        p.wait(timeout=kill_after)
        if p.returncode:
            sys.exit(f"failed: {' '.join(cmd)}\n{p.stderr.read()[-2000:]}")
        return time.perf_counter() - t, False
    except subprocess.TimeoutExpired:
        os.killpg(p.pid, signal.SIGKILL)
        p.wait()
        return time.perf_counter() - t, True


def check(out: Path, max_texts: int) -> dict:
    """The checks of the module docstring; their numbers."""
    events = pq.read_table(out / "timeline" / "events.parquet")
    posts = pq.read_table(out / "posts.parquet", columns=["post_id", "index", "status", "user_id", "kind"])
    accounts = pq.read_table(out / "timeline" / "accounts.parquet")
    ids = posts["post_id"].to_pylist()
    status = np.array(posts["status"].to_pylist(), dtype=object)
    index = posts["index"].to_numpy()
    written = status != "capped"
    first = np.sort(index[written])
    assert len(set(ids)) == len(ids), "a post id twice"
    assert posts.num_rows == events.num_rows, (posts.num_rows, events.num_rows)
    assert np.array_equal(first, np.arange(min(max_texts, events.num_rows))), "the texts are not the first events"
    assert accounts["created_at"].null_count == 0
    users = posts["user_id"].to_numpy()
    activity = accounts["activity"].to_numpy()
    active = activity >= np.median(activity)
    posted = np.zeros(activity.size, dtype=bool)
    posted[users[written]] = True
    kinds = np.array(posts["kind"].to_pylist(), dtype=object)[written]
    return {
        "events": events.num_rows,
        "texts": int(written.sum()),
        "ok": int((status == "ok").sum()),
        "failed": int((status == "failed").sum()),
        "replies": int((kinds == "reply").sum()),
        "quotes": int((kinds == "quote").sum()),
        "likes_reposts": pq.read_metadata(out / "interactions.parquet").num_rows,
        "active_users_who_posted": float(posted[active].mean()),
    }


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--work", type=Path, required=True, help="a new directory (the world is written in it)")
    ap.add_argument("--nodes", type=int, default=10_000)
    ap.add_argument("--days", type=float, default=3.0)
    ap.add_argument("--max-texts", type=int, default=20_000)
    ap.add_argument("--platforms", default="bluesky")
    ap.add_argument("--adapter", help="an adapter directory (synthsocial adapt): texts by the adapted model")
    ap.add_argument("--kill-after", type=float, default=None, help="seconds before the first run is killed")
    ap.add_argument("--out", default=str(ROOT / "docs" / "performance.md"))
    args = ap.parse_args()
    exe = str(Path(sys.executable).with_name("synthsocial"))
    out = args.work / "world"
    cmd = [
        *(exe, "world", "--nodes", str(args.nodes), "--out", str(out), "--seed", "1"),
        *("--platforms", args.platforms, "--timeline-days", str(args.days), "--max-texts", str(args.max_texts)),
        *(("--adapter", args.adapter) if args.adapter else ()),
    ]
    first, killed = run(cmd, args.kill_after)
    second, _ = run(cmd, None) if killed else (0.0, False)
    stats = check(out, args.max_texts)
    total = first + second
    print(json.dumps({"first_run_s": first, "killed": killed, "second_run_s": second, **stats}), flush=True)
    lines = [
        f"### `python benchmarks/timeline_world.py {' '.join(sys.argv[1:])}` ({dt.date.today()}; "
        f"{platform.machine()}, {os.cpu_count()} cores, Python {platform.python_version()})",
        "",
        "| users | days | events | texts (ok / failed) | replies | quotes | likes + reposts | active users who posted "
        "| first run | killed | second run | total |",
        "|---|---|---|---|---|---|---|---|---|---|---|---|",
        f"| {args.nodes:,} | {args.days:g} | {stats['events']:,} | {stats['texts']:,} ({stats['ok']:,} / "
        f"{stats['failed']:,}) | {stats['replies']:,} | {stats['quotes']:,} | {stats['likes_reposts']:,} | "
        f"{stats['active_users_who_posted']:.0%} | {first / 60:.1f} min | {'yes' if killed else 'no'} | "
        f"{second / 60:.1f} min | **{total / 60:.1f} min** |",
        "",
        "Checked: one row per event, no post id twice, the texts are the first events, every account has an age.",
    ]
    write_section(args.out, "timeline_world", "\n".join(lines), "## The living world (issue 17)")


if __name__ == "__main__":
    main()
