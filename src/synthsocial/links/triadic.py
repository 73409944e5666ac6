"""Triadic closure (section III-C1, Eq. 3; Algorithm 2 lines 11-18).

Candidates of user i are friends of friends not already in H[i] (the bidirectional
neighbourhood map of Algorithm 2). Each candidate is linked i -> k after one Bernoulli trial with

    p_i = delta(N) * (1 + 1 / (1 + exp(-10 * (0.05 - rho_i)))),   rho_i = |H[i]| / N.

Beyond the paper, two options (both off by default): p_i is multiplied by the user's activity
a_i (links/activity.py), and the trial can prefer popular candidates: k is accepted with
probability min(1, p_i * w_k / mean(w over i's candidates)), w_k = influence_k ** s
(``links.triadic_preference`` = s): of the friends of friends, the followed ones are followed
more, which is preferential attachment restricted to the neighbourhood. With
``links.hub_peer_follows`` = f < 1 a hub's candidates that are hubs too are accepted with f
times that probability (the hubs of one region would otherwise close into cliques).

``scope`` chooses what "friend" means: ``"undirected"`` walks H (follow in either direction, the
literal reading of Algorithm 2); ``"out"`` walks follow chains only (i follows j, j follows k).
"""

from __future__ import annotations

from typing import TYPE_CHECKING

import numpy as np
import scipy.sparse as sp

from .hubs import hub_ids

if TYPE_CHECKING:
    from ..config import LinksConfig


def probability(
    h_degree: np.ndarray, n: int, delta_n: float, cfg: LinksConfig, activity: np.ndarray | None = None
) -> np.ndarray:
    """Eq. 3, elementwise over neighbourhood sizes |H[i]|, clipped to [0, 1]; times the users'
    ``activity`` (links/activity.py) and clipped again when it is given."""
    rho = np.asarray(h_degree, dtype=np.float64) / n
    sig = 1.0 / (1.0 + np.exp(-cfg.density_steepness * (cfg.density_midpoint - rho)))
    p = np.minimum(delta_n * (1.0 + sig), 1.0)
    return p if activity is None else np.minimum(p * activity, 1.0)


def preference(influence: np.ndarray, cfg: LinksConfig) -> np.ndarray | None:
    """The weights w = influence ** s of preferential closure, or None when it is off (s = 0)."""
    return influence**cfg.triadic_preference if cfg.triadic_preference > 0 else None


def peer_hubs(influence: np.ndarray, cfg: LinksConfig) -> tuple[np.ndarray, float] | None:
    """(hub mask, ``hub_peer_follows``) when hubs follow each other less than others do; None
    otherwise (the closure of every user as before)."""
    if cfg.hub_peer_follows >= 1 or (cfg.hub_follows <= 0 and cfg.hub_global_follows <= 0):
        return None
    mask = np.zeros(influence.size, dtype=bool)
    mask[hub_ids(influence, cfg.hub_share)] = True
    return mask, cfg.hub_peer_follows


def triadic_links(
    rows: slice,
    walk: sp.csr_array,
    h: sp.csr_array,
    p_row: np.ndarray,
    rng: np.random.Generator,
) -> tuple[np.ndarray, np.ndarray]:
    """Triadic links of the users ``rows`` (a contiguous slice).

    ``walk`` is the adjacency walked for two steps (H itself, or the follow matrix), ``h`` the
    bidirectional map H used to exclude existing neighbours; ``p_row`` the p_i of these users.
    """
    return closure_links(rows.start, walk[rows], walk, h[rows], p_row, rng)


def closure_links(
    start: int,
    first: sp.csr_array,
    second: sp.csr_array,
    existing: sp.csr_array,
    p_row: np.ndarray,
    rng: np.random.Generator,
    weight: np.ndarray | None = None,
    peers: tuple[np.ndarray, float] | None = None,
) -> tuple[np.ndarray, np.ndarray]:
    """Triadic links of the users ``start, start + 1, ...`` (one row each in ``first``).

    ``first @ second`` are their two-step walks: ``first`` holds the first step, with columns
    that index the rows of ``second`` (all users, or only those reached, renumbered), and
    ``second`` the second step, columns = user ids. ``existing`` is H of these users.
    ``weight`` (of every user; None: all equal) makes the closure preferential: candidate k of
    user i is accepted with probability min(1, p_i * w_k / mean of w over i's candidates).
    ``peers`` = (hub mask of every user, f): a hub's candidates that are hubs too are accepted
    with f times that probability (``links.hub_peer_follows``; links/hubs.py).
    """
    two_step = (first @ second).tocsr()
    two_step.data[:] = 1
    existing = existing.tocsr()
    b = two_step.shape[0]
    # drop i itself and every k already in H[i]
    diag = sp.csr_array((np.ones(b), (np.arange(b), np.arange(start, start + b))), shape=two_step.shape)
    cand = (two_step - two_step.multiply(existing) - two_step.multiply(diag)).tocsr()
    cand.eliminate_zeros()
    cand.sort_indices()
    counts = np.diff(cand.indptr)
    src = np.repeat(np.arange(start, start + b), counts)
    dst = cand.indices.astype(np.int64)
    if weight is None:
        p = np.repeat(p_row, counts)
    else:  # p_i * w_k / mean(w over i's candidates) = (p_i * |cand_i| / sum(w over cand_i)) * w_k
        total = cand @ weight
        scale = np.divide(p_row * counts, total, out=np.zeros(b), where=total > 0)
        p = np.repeat(scale, counts) * weight[dst]
    if peers is not None:
        hub, factor = peers
        p = np.where(hub[src] & hub[dst], factor * p, p)
    keep = rng.random(dst.size) < p
    return src[keep], dst[keep]
