"""SHA-256 of the users and edges of four reference worlds: run before and after a refactor of the
generator; the two outputs must be identical (every default world keeps exactly its edges).

    python benchmarks/world_hashes.py > before.txt    # on the old code
    python benchmarks/world_hashes.py > after.txt     # on the new code
    diff before.txt after.txt

The worlds cover every mechanism: the paper's defaults below and above the small-size
threshold, popular follows with follow-backs, the undirected reading of triadic closure with
approximate kNN (all on the paper profile, as before profiles existed), and the bluesky profile.
"""

from __future__ import annotations

import hashlib
import io
import sys

import pyarrow.parquet as pq

from synthsocial import generate

WORLDS = {
    "defaults, 2,000 users, seed 1": (2_000, 1, None),
    "defaults, 20,000 users, seed 2": (20_000, 2, None),
    "popular follows + follow-backs, 5,000 users, seed 3": (
        5_000,
        3,
        {"links": {"popular_follows": 1.5, "follow_back": 0.3}},
    ),
    "undirected triadic walks + approximate kNN, 3,000 users, seed 4": (
        3_000,
        4,
        {"links": {"triadic_scope": "undirected", "knn_eps": 0.5, "eta_small_factor": 1.0}},
    ),
}
BLUESKY = {"bluesky profile, 20,000 users, seed 5": (20_000, 5, None)}


def table_hash(table) -> str:
    buf = io.BytesIO()
    pq.write_table(table, buf, compression="zstd")
    return hashlib.sha256(buf.getvalue()).hexdigest()


def main() -> None:
    worlds = [(name, spec, "paper") for name, spec in WORLDS.items()]
    worlds += [(name, spec, "bluesky") for name, spec in BLUESKY.items()]
    for name, (n, seed, config), profile in worlds:
        w = generate(n, seed=seed, config=config, profile=profile)
        print(f"{name}: edges {table_hash(w.edges)} users {table_hash(w.users)} ({w.edges.num_rows} edges)")
        sys.stdout.flush()


if __name__ == "__main__":
    main()
