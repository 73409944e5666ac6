"""OASIS loads our worlds (issue 18, part 3): a world with a timeline whose texts the embedded
model writes, exported as OASIS's Twitter CSV and Reddit JSON, loaded by OASIS's own package
(camel-oasis, in its own environment) and compared with the world (synthsocial.io.oasis_check): every
user, follow edge, follower count and previous post, and every Reddit agent's profile. With
--agentsociety-python, the same world also goes through agentsociety2's own loader
(synthsocial.io.agentsociety_check). Writes sections of docs/outputs.md.

OASIS's environment (once; camel-oasis pins pandas, pytest and others that ours cannot share):

    python3.11 -m venv /tmp/oasis-venv
    /tmp/oasis-venv/bin/pip install torch==2.13.0 camel-oasis==0.2.5 "mcp<2"

("mcp<2": camel-ai 0.2.78, which camel-oasis pins, imports mcp.server.FastMCP, gone in mcp 2.)
    python benchmarks/oasis_load.py --oasis-python /tmp/oasis-venv/bin/python --work /tmp/oasis

agentsociety2's environment (once; it brings Ray, litellm and mem0):

    python3.11 -m venv /tmp/as2-venv && /tmp/as2-venv/bin/pip install agentsociety2==2.9.3
    python benchmarks/oasis_load.py --oasis-python /tmp/oasis-venv/bin/python \
        --agentsociety-python /tmp/as2-venv/bin/python --work /tmp/oasis
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import subprocess
import sys
import time
from pathlib import Path

from _doc import write_section

from synthsocial.io.agentsociety_check import check_agentsociety
from synthsocial.io.oasis_check import check_oasis

ROOT = Path(__file__).resolve().parents[1]


def timed(check, *args) -> tuple[dict, float]:
    """A simulator check's result (printed) and its seconds."""
    started = time.perf_counter()
    r = check(*args)
    seconds = time.perf_counter() - started
    print(json.dumps(r, indent=1))
    return r, seconds


def mismatch_line(r: dict) -> str:
    """The docs' line of a check's mismatches: each non-zero count, and what was checked."""
    bad = {k: v["count"] for k, v in r["mismatches"].items() if v["count"]}
    found = ", ".join(f"{k} {v}" for k, v in bad.items()) if bad else "none"
    return f"Mismatches: {found} (checked: {'; '.join(r['mismatches'])})."


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--oasis-python", required=True, help="a Python with camel-oasis installed")
    ap.add_argument("--agentsociety-python", default=None, help="a Python with agentsociety2 installed")
    ap.add_argument("--work", type=Path, required=True, help="a new directory")
    ap.add_argument("--nodes", type=int, default=1_000)
    ap.add_argument("--days", type=float, default=1.0)
    ap.add_argument("--max-texts", type=int, default=300)
    ap.add_argument("--out", default=str(ROOT / "docs" / "outputs.md"))
    args = ap.parse_args()
    world = args.work / "world"
    exe = str(Path(sys.executable).with_name("synthsocial"))
    cmd = [exe, "world", "--nodes", str(args.nodes), "--out", str(world), "--seed", "1", "--platforms", "twitter"]
    cmd += ["--timeline-days", str(args.days), "--max-texts", str(args.max_texts)]
    subprocess.run(cmd, check=True, stdout=subprocess.DEVNULL)
    r, seconds = timed(check_oasis, world, args.oasis_python, args.work / "oasis")
    w, got = r["written"], r["loaded"]
    lines = [
        f"### `python benchmarks/oasis_load.py {' '.join(sys.argv[1:])}` ({dt.date.today()}; camel-oasis "
        f"{r['oasis_version']}, camel-ai {r['camel_version']})",
        "",
        f"World: `{' '.join(['synthsocial', *cmd[1:]])}`; export, load and comparison {seconds:.0f} s.",
        "",
        "| | written | loaded by OASIS |",
        "|---|---|---|",
        f"| users (Twitter database) | {w['users']:,} | {got['users']:,} |",
        f"| follow edges (database / agent graph) | {w['follows']:,} | {got['follows']:,} / {got['agent_graph_edges']:,} "
        f"({got['agent_graph_lost_follows_of_later_agents']:,} follows of a later agent lost by OASIS) |",
        f"| previous posts | {w['previous_posts']:,} | {got['previous_posts']:,} |",
        f"| Reddit agents | {w['users']:,} | {got['reddit_agents']:,} |",
        "",
        mismatch_line(r),
    ]
    write_section(args.out, "oasis_load", "\n".join(lines), "## Loaded by OASIS itself")
    ok = r["ok"]
    if args.agentsociety_python:
        ok = agentsociety(args, world, cmd) and ok
    if not ok:
        sys.exit("a simulator did not load everything: see the mismatches above")


def agentsociety(args: argparse.Namespace, world: Path, cmd: list[str]) -> bool:
    """The same world through agentsociety2's loader; a section of docs/outputs.md."""
    r, seconds = timed(check_agentsociety, world, args.agentsociety_python, args.work / "agentsociety")
    w, got = r["written"], r["loaded"]
    lines = [
        f"### `python benchmarks/oasis_load.py {' '.join(sys.argv[1:])}` ({dt.date.today()}; agentsociety2 "
        f"{r['agentsociety2_version']})",
        "",
        f"World: `{' '.join(['synthsocial', *cmd[1:]])}` (the same as above); export, load and comparison "
        f"{seconds:.0f} s; Ray started: {'yes' if got['ray_started'] else 'no'}.",
        "",
        "| | written | loaded by agentsociety2 |",
        "|---|---|---|",
        f"| users (SocialMediaSpace persons / PersonAgents) | {w['users']:,} | {got['users']:,} / {got['agents']:,} |",
        f"| follows (following lists) | {w['follows']:,} | {got['follows']:,} |",
        f"| previous posts | {w['previous_posts']:,} | {got['previous_posts']:,} |",
        f"| saved and restored (persons / posts) | | {got['restored']['persons']:,} / {got['restored']['posts']:,} |",
        "",
        mismatch_line(r),
    ]
    write_section(args.out, "agentsociety_load", "\n".join(lines), "## Loaded by agentsociety2 itself")
    return r["ok"]


if __name__ == "__main__":
    main()
