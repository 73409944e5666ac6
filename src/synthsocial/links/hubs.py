"""Hubs nearby (beyond the paper): attention to the accounts that are popular within one's own
interests, rather than globally.

On Bluesky and Twitter most follows of a popular account come from people who share its
interests: a science communicator is followed by people interested in science, from every
corner of that interest. Algorithm 2 has no such accounts: a user's in-degree stays within a few
times the median. Global attention (links/popular.py) makes hubs but mixes every community into
every hub's audience, which dissolves the communities (modularity 0.78 -> 0.17 at 10^4).

Here the hubs are the ``share`` of users with the highest influence (ties broken by user id).
Influence is capped (section III-A 6), so many of them share the top value; what separates them
is their rank r_h by influence (1 = most influential), and hub h gets the weight

    w_h = r_h ** -exponent.

User i looks at the hubs of its neighbourhood: the hub nearest to i in the homophily space and the
``candidates`` hubs nearest to that hub (one KD-tree neighbour per user instead of ``candidates``,
3 s instead of 13 at 10^6 users). It draws F_i ~ Poisson(follows * a_i) of them (a_i: activity,
links/activity.py) with replacement, with probability proportional to w_h, from a CDF computed once
per hub rather than once per user (the whole hub phase takes 5.7 s of 82 s at 10^6 users,
docs/performance.md). Repeats are dropped (a sort per user, as the Gumbel-top-F draw of
links/local.py, would cost 8 s more at 10^6), and so is a hub's draw of itself; and G_i ~
Poisson(global_follows) hubs of any region with weights r_h ** -global_exponent, whatever its
activity (the accounts suggested at sign-up: a few follows that cross communities and bring every
user within a few steps of everyone). An account high in the ranking is followed by most of the
users that have it among their candidates, a region of the space of about candidates / (share * N)
of the users: heavy-tailed in-degrees whose largest values grow with N, and audiences that stay
within one region of interests.
"""

from __future__ import annotations

import numpy as np
from scipy.spatial import cKDTree

from .neighbors import tree_query
from .popular import attention_cdf, popular_follows


def hub_ids(influence: np.ndarray, share: float) -> np.ndarray:
    """The hubs, most influential first: the ``max(1, round(share * N))`` users of highest
    influence, ties by user id."""
    m = max(1, round(share * influence.size))
    return np.argsort(-np.asarray(influence), kind="stable")[:m]


def global_cdf(m: int, exponent: float) -> np.ndarray:
    """The attention CDF (links/popular.py) of the m hubs by rank: weights r ** -exponent."""
    return attention_cdf(np.arange(1, m + 1), -exponent)


def hub_index(hub_points: np.ndarray, candidates: int, exponent: float) -> tuple[cKDTree, np.ndarray, np.ndarray]:
    """A KD-tree over the hubs' points (most influential first: its indices are ranks - 1); for
    each hub h, the ranks of the ``candidates + 1`` hubs nearest to it, h first; and their
    weights r ** -``exponent`` as one CDF per hub, laid end to end (hub h's shifted by h), so
    that one search draws from every user's own."""
    tree = cKDTree(hub_points, leafsize=16, balanced_tree=False, compact_nodes=True)
    m = hub_points.shape[0]
    k = min(candidates, m - 1) + 1
    _, near = tree.query(hub_points, k=k)
    near = near.reshape(m, k)
    own = np.arange(m)
    missing = ~(near == own[:, None]).any(axis=1)  # hubs at the same point: keep h itself in its row
    near[missing, -1] = own[missing]
    first = np.argmax(near == own[:, None], axis=1)
    near[own, first] = near[:, 0]
    near[:, 0] = own
    cdf = np.cumsum((near + 1.0) ** -exponent, axis=1)
    cdf /= cdf[:, -1:]
    cdf += own[:, None]
    return tree, near, cdf.ravel()


def hub_links(
    rows: np.ndarray,
    points: np.ndarray,
    hubs: np.ndarray,
    index: tuple[cKDTree, np.ndarray, np.ndarray],
    rate: np.ndarray,
    global_follows: float,
    cdf: np.ndarray,
    rng: np.random.Generator,
    workers: int = 1,
) -> tuple[np.ndarray, np.ndarray]:
    """Follows (i, h) of the users ``rows``: ``points`` holds their points (one row each),
    ``rate`` their expected follows of hubs nearby (drawn from :func:`hub_index`'s CDFs); each
    also follows Poisson(``global_follows``) hubs anywhere, drawn with replacement from ``cdf``
    (:func:`global_cdf`) as popular follows are (links/popular.py); repeats are dropped later.
    ``workers``: threads of the KD-tree query (the answer does not depend on it)."""
    near = _nearby(rows, points, hubs, index, rate, rng, workers)
    src, dst = popular_follows(rows, cdf, global_follows, rng, targets=hubs)
    return np.concatenate([near[0], src]), np.concatenate([near[1], dst])


def _nearby(
    rows: np.ndarray,
    points: np.ndarray,
    hubs: np.ndarray,
    index: tuple[cKDTree, np.ndarray, np.ndarray],
    rate: np.ndarray,
    rng: np.random.Generator,
    workers: int,
) -> tuple[np.ndarray, np.ndarray]:
    tree, near, cdf = index
    b, c = rows.size, near.shape[1]
    if b == 0:
        return np.empty(0, np.int64), np.empty(0, np.int64)
    _, closest = tree_query(tree, points, 1, workers)
    # F_i draws with replacement from the CDF of the user's nearest hub (repeats are dropped with
    # the other duplicates, a draw of oneself here)
    row = np.repeat(np.arange(b), rng.poisson(rate))
    h = closest.reshape(b)[row]
    col = np.searchsorted(cdf, h + rng.random(row.size), side="right") - h * c
    src = rows[row].astype(np.int64)
    dst = hubs[near[h, np.minimum(col, c - 1)]].astype(np.int64)
    keep = src != dst
    return src[keep], dst[keep]
