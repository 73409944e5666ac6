"""Replies, reposts and quotes along follow edges (an interactions table).

For every post, each follower of its author who uses the same platform interacts with
probability ``p`` (default 0.02); the kind is drawn from the platform's mix (Reddit: replies only;
X and Bluesky: replies, reposts and quotes; the others: comments and shares). The time follows the
post by an exponential delay (mean two hours). Because followers are mostly in the author's
community, conversations stay inside communities. Reply texts are not generated (yet).
"""

from __future__ import annotations

import numpy as np
import pyarrow as pa

from ..rng import Stream, draws

KINDS = {
    "twitter": (("reply", 0.4), ("repost", 0.4), ("quote", 0.2)),
    "bluesky": (("reply", 0.4), ("repost", 0.4), ("quote", 0.2)),
    "reddit": (("reply", 1.0),),
}
DEFAULT_KINDS = (("reply", 0.7), ("share", 0.3))
MEAN_DELAY_S = 7200.0


def interactions(
    posts: pa.Table, followers: list[np.ndarray], uses: dict[str, np.ndarray], seed: int, p: float = 0.02
) -> pa.Table:
    """``posts``: the ok posts (post_id, user_id, platform, created_at); ``followers[a]``: who follows a;
    ``uses[platform]``: boolean per user."""
    rng = draws(seed, Stream.INTERACTIONS)
    cols = {k: [] for k in ("interaction_id", "post_id", "user_id", "author_id", "platform", "type", "created_at")}
    pid = posts["post_id"].to_pylist()
    authors = posts["user_id"].to_pylist()
    plats = posts["platform"].to_pylist()
    times = posts["created_at"].cast(pa.int64()).to_pylist()
    for post, a, plat, t in zip(pid, authors, plats, times):
        f = followers[a]
        f = f[uses[plat][f]] if f.size else f
        hit = f[rng.random(f.size) < p]
        if not hit.size:
            continue
        names, probs = zip(*KINDS.get(plat, DEFAULT_KINDS))
        kinds = rng.choice(len(names), size=hit.size, p=np.array(probs) / sum(probs))
        delays = rng.exponential(MEAN_DELAY_S, size=hit.size).astype(np.int64) + 1
        for j, (v, k, d) in enumerate(zip(hit.tolist(), kinds.tolist(), delays.tolist())):
            cols["interaction_id"].append(f"{post}-i{j}")
            cols["post_id"].append(post)
            cols["user_id"].append(v)
            cols["author_id"].append(a)
            cols["platform"].append(plat)
            cols["type"].append(names[k])
            cols["created_at"].append(t + d)
    return pa.table(
        {
            "interaction_id": pa.array(cols["interaction_id"], pa.string()),
            "post_id": pa.array(cols["post_id"], pa.string()),
            "user_id": pa.array(cols["user_id"], pa.int64()),
            "author_id": pa.array(cols["author_id"], pa.int64()),
            "platform": pa.array(cols["platform"], pa.string()),
            "type": pa.array(cols["type"], pa.string()),
            "created_at": pa.array(cols["created_at"], pa.int64()).cast(pa.timestamp("s", tz="UTC")),
        }
    )
