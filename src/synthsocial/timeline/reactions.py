"""Who sees what and who answers (issue 17): reactions spread along follow edges, generation by
generation.

Every text item (an original post, a reply, a quote) is seen by the followers of its author who
use its platform: an original post by all of them, a reply or a quote by a share ``reply_reach``
of them (a reply shows up less in a home timeline than a post). Follower f reacts to an item it
sees with probability min(``react_cap``, ``react_p`` * a_f) (a_f: f's activity, accounts.py; the
cap keeps the most active accounts from answering everything they see), with a kind
drawn from the platform's mix (like, repost, reply, quote), after a lag drawn from a lognormal
of median ``lag_median`` seconds and shape ``lag_sigma``. The author of a replied-to item is
notified and replies back with probability ``reply_back`` * min(1, a), which grows
conversations between two people (reply chains deeper than one level, of geometric length). A repost shows the item
to the reposter's followers, who react to it with probability ``repost_reach`` times the above.
Each user sees an item once (its first exposure: through the author, a reposter or a
notification), so an item circulating in a dense community does not come back to the same
people. Replies and quotes are items in turn, so reply trees grow deeper and cascades are as unequal as
the audiences: an account followed by thousands gets hundreds of reactions, most get none.
A reaction later than the end of the period does not happen (nor what it would have caused).

Each generation is vectorised over all its items; one random stream runs through the
generations in order, so the same inputs and seed give the same timeline.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import scipy.sparse as sp

from ..arrays import member

KINDS = ("like", "repost", "reply", "quote")
TEXT = {"post": 0, "reply": 1, "quote": 2}  # the kinds of text items
MIXES = {  # reaction kinds (like, repost, reply, quote) by platform; others get DEFAULT_MIX
    "twitter": (0.70, 0.12, 0.14, 0.04),
    "bluesky": (0.70, 0.12, 0.14, 0.04),
    "reddit": (0.85, 0.0, 0.15, 0.0),
}
DEFAULT_MIX = (0.80, 0.05, 0.15, 0.0)
MAX_GENERATIONS = 10_000


@dataclass(frozen=True)
class Cascade:
    """Text items in creation order (``parent`` and ``root``: indices into these arrays, -1
    for none; ``kind``: a TEXT value; ``depth``: replies from the root) and the likes and reposts
    (``item``: the index of what they react to)."""

    user: np.ndarray
    time: np.ndarray
    platform: np.ndarray
    kind: np.ndarray
    parent: np.ndarray
    root: np.ndarray
    depth: np.ndarray
    react_user: np.ndarray
    react_time: np.ndarray
    react_kind: np.ndarray  # 0 like, 1 repost
    react_item: np.ndarray


def followers_matrix(source: np.ndarray, target: np.ndarray, n: int) -> sp.csr_array:
    """Row a: the users who follow a (a CSR of the follow edges reversed)."""
    m = sp.csr_array((np.ones(source.size, dtype=np.int8), (target, source)), shape=(n, n))
    m.sum_duplicates()
    m.sort_indices()
    return m


def _expand(followers: sp.csr_array, authors: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """(position in ``authors``, follower) for every follower of every author."""
    counts = np.diff(followers.indptr)[authors]
    pos = np.repeat(np.arange(authors.size), counts)
    starts = np.repeat(followers.indptr[authors], counts)
    within = np.arange(pos.size) - np.repeat(np.cumsum(counts) - counts, counts)
    return pos, followers.indices[starts + within].astype(np.int64)


def _firsts(key: np.ndarray) -> np.ndarray:
    """Positions of the first occurrence of each value of ``key``."""
    o = np.argsort(key, kind="stable")
    k = key[o]
    return o[np.concatenate([[True], k[1:] != k[:-1]])] if k.size else o


def _merge(sorted_set: np.ndarray, new: np.ndarray) -> np.ndarray:
    """``sorted_set`` with the values of ``new`` (none of them in it) added, sorted (two sorted runs:
    a stable sort merges them in linear time)."""
    merged = np.concatenate([sorted_set, np.sort(new)])
    merged.sort(kind="stable")
    return merged


def spread(
    post_user: np.ndarray,
    post_time: np.ndarray,
    post_platform: np.ndarray,
    followers: sp.csr_array,
    uses: np.ndarray,
    activity: np.ndarray,
    mixes: np.ndarray,
    end: int,
    *,
    react_p: float,
    reply_reach: float,
    repost_reach: float,
    reply_back: float,
    react_cap: float,
    lag_median: float,
    lag_sigma: float,
    rng: np.random.Generator,
) -> Cascade:
    """Spread the original posts (``post_*``; platform as an index into the columns of ``uses``
    and the rows of ``mixes``) until nothing new happens before ``end``."""
    users, times, plats, kinds, parents, roots, depths = ([] for _ in range(7))
    r_user, r_time, r_kind, r_item = ([] for _ in range(4))
    count = post_user.size
    # the items of this generation: new text items, and reposts that show an item again
    gen = {
        "item": np.arange(count),
        "author": post_user.astype(np.int64),
        "time": post_time.astype(np.int64),
        "platform": post_platform.astype(np.int64),
        "reach": np.ones(count),
        "notify": np.full(count, -1, dtype=np.int64),
    }
    users.append(gen["author"])
    times.append(gen["time"])
    plats.append(gen["platform"])
    kinds.append(np.zeros(count, dtype=np.int8))
    parents.append(np.full(count, -1, dtype=np.int64))
    roots.append(np.arange(count))
    depths.append(np.zeros(count, dtype=np.int64))
    cum_mix = np.cumsum(mixes, axis=1)
    n = uses.shape[0]
    seen = np.sort(np.arange(count) * n + post_user)  # (item, user) pairs exposed: authors see their own
    for _ in range(MAX_GENERATIONS):
        if gen["item"].size == 0:
            break
        pos, who = _expand(followers, gen["author"])
        # the notified author of a replied-to item sees the reply (reach 1, reply only)
        back = np.flatnonzero(gen["notify"] >= 0)
        pos = np.concatenate([pos, back])
        who = np.concatenate([who, gen["notify"][back]])
        notified = np.zeros(pos.size, dtype=bool)
        notified[pos.size - back.size :] = True
        plat = gen["platform"][pos]
        sees = uses[who, plat] & (who != gen["author"][pos])
        # each user sees an item once: its first exposure (a notification before a plain one)
        key = gen["item"][pos] * n + who
        first_seen = np.zeros(pos.size, dtype=bool)
        order = np.flatnonzero(sees)[::-1]  # notifications were appended last: they come first here
        first_seen[order[_firsts(key[order])]] = True
        sees &= first_seen & ~member(key, seen)
        seen = _merge(seen, key[sees])
        pos, who, plat, notified = pos[sees], who[sees], plat[sees], notified[sees]
        a = activity[who]
        p = np.where(notified, reply_back * np.minimum(1.0, a), np.minimum(react_cap, react_p * a) * gen["reach"][pos])
        hit = rng.random(pos.size) < p
        pos, who, plat, notified = pos[hit], who[hit], plat[hit], notified[hit]
        kind = np.where(
            notified, 2, (rng.random(pos.size)[:, None] >= cum_mix[plat]).sum(axis=1).clip(0, len(KINDS) - 1)
        )
        lag = np.exp(np.log(lag_median) + lag_sigma * rng.standard_normal(pos.size))
        t = gen["time"][pos] + np.ceil(lag).astype(np.int64)
        on_time = t < end
        pos, who, plat, kind, t = pos[on_time], who[on_time], plat[on_time], kind[on_time], t[on_time]
        item = gen["item"][pos]
        # likes and reposts
        react = kind < 2
        r_user.append(who[react])
        r_time.append(t[react])
        r_kind.append(kind[react].astype(np.int8))
        r_item.append(item[react])
        # new text items: replies (in the parent's thread) and quotes (a thread of their own)
        text = ~react
        k = np.count_nonzero(text)
        new = np.arange(count, count + k)
        count += k
        is_reply = kind[text] == 2
        item_root = np.concatenate(roots)[item[text]] if k else np.empty(0, dtype=np.int64)
        item_depth = np.concatenate(depths)[item[text]] if k else np.empty(0, dtype=np.int64)
        parent_author = np.concatenate(users)[item[text]] if k else np.empty(0, dtype=np.int64)
        users.append(who[text])
        times.append(t[text])
        plats.append(plat[text])
        kinds.append(np.where(is_reply, TEXT["reply"], TEXT["quote"]).astype(np.int8))
        parents.append(item[text])
        roots.append(np.where(is_reply, item_root, new))
        depths.append(np.where(is_reply, item_depth + 1, 0))
        seen = _merge(seen, new * n + who[text])
        # reposts show the item to the reposter's followers
        rep = np.flatnonzero(kind == 1)
        gen = {
            "item": np.concatenate([new, item[rep]]),
            "author": np.concatenate([who[text], who[rep]]),
            "time": np.concatenate([t[text], t[rep]]),
            "platform": np.concatenate([plat[text], plat[rep]]),
            "reach": np.concatenate([np.where(is_reply, reply_reach, 1.0), np.full(rep.size, repost_reach)]),
            "notify": np.concatenate(
                [np.where(is_reply & (parent_author != who[text]), parent_author, -1), np.full(rep.size, -1)]
            ),
        }
    cat = np.concatenate
    return Cascade(
        cat(users),
        cat(times),
        cat(plats),
        cat(kinds),
        cat(parents),
        cat(roots),
        cat(depths),
        cat(r_user) if r_user else np.empty(0, np.int64),
        cat(r_time) if r_time else np.empty(0, np.int64),
        cat(r_kind) if r_kind else np.empty(0, np.int8),
        cat(r_item) if r_item else np.empty(0, np.int64),
    )
