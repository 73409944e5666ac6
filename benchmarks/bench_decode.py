"""Tokens per second of the embedded backend with several sequences decoded together; writes docs/performance.md.

The same 32 completion requests (control prefixes of an adapted model, or short few-shot-like
prompts without one; sampling as posts --adapter: temperature 1, top-p 0.95, up to 96 tokens)
are generated with each --parallel value in one process; the values alternate run by run, so the
machine's slow spells fall on all of them. Tokens are the generated texts re-tokenized; the time
is the generate call alone (model loaded before).

    python benchmarks/bench_decode.py --runs 3 --parallel 1,4,8,16 [--adapter ADAPTER]
"""

from __future__ import annotations

import argparse
import datetime as dt
import os
import platform
import statistics
import sys
import time
from pathlib import Path

from _doc import write_section

ROOT = Path(__file__).resolve().parents[1]
PREFIXES = [
    "twitter | topic: climate, energy, warming, planet\n",
    "reddit | topic: game, play, team, season\n",
    "instagram | topic: food, travel, love, summer\n",
    "reddit | topic: people, think, good, like\n",
]


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--runs", type=int, default=3)
    ap.add_argument("--parallel", default="1,4,8,16")
    ap.add_argument("--adapter", help="an adapter directory (synthsocial adapt)")
    ap.add_argument("--out", default=str(ROOT / "docs" / "performance.md"))
    args = ap.parse_args()
    from synthsocial.posts.backends.base import Request, Sampling
    from synthsocial.posts.backends.embedded import EmbeddedBackend

    lora = str(Path(args.adapter) / "adapter.gguf") if args.adapter else None
    sampling = Sampling(temperature=1.0, top_p=0.95, top_k=0, repeat_penalty=1.0, max_tokens=96)
    requests = [Request(prompt=p, stop=(), seed=100 + i, sampling=sampling) for i, p in enumerate(PREFIXES * 8)]
    values = [int(x) for x in args.parallel.split(",")]
    backends = {p: EmbeddedBackend(lora_path=lora, parallel=p) for p in values}
    for b in backends.values():
        b.generate(requests[:2])  # warm: the batch context is created on first use
    rate: dict[int, list[float]] = {p: [] for p in values}
    texts: dict[int, list[float]] = {p: [] for p in values}
    for _ in range(args.runs):
        for p, b in backends.items():
            t = time.perf_counter()
            out = b.generate(requests)
            dt_ = time.perf_counter() - t
            tokens = sum(len(b.llm.tokenize(x.encode(), add_bos=False)) for x in out)
            rate[p].append(tokens / dt_)
            texts[p].append(len(out) / dt_ * 60)
            print(f"parallel {p}: {tokens} tokens in {dt_:.1f} s", file=sys.stderr, flush=True)
    base = values[0]
    lines = [
        f"### `python benchmarks/bench_decode.py {' '.join(sys.argv[1:])}` ({dt.date.today()}; "
        f"{platform.machine()}, {os.cpu_count()} cores, Python {platform.python_version()})",
        "",
        f"| parallel | tokens/s, median (min-max) | texts/min, median | x parallel {base} (median of runs) |",
        "|---|---|---|---|",
    ]
    for p in values:
        ratio = statistics.median(a / b for a, b in zip(rate[p], rate[base]))
        lines.append(
            f"| {p} | {statistics.median(rate[p]):.1f} ({min(rate[p]):.1f}-{max(rate[p]):.1f}) | "
            f"{statistics.median(texts[p]):.0f} | {ratio:.2f} |"
        )
    print("\n".join(lines))
    write_section(args.out, "bench_decode", "\n".join(lines) + "\n", "## posts: sequences decoded together")


if __name__ == "__main__":
    main()
