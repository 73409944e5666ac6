"""A world's users and follows as other libraries hold them: networkx, igraph, pandas.

Every conversion of the package lives here: :class:`~synthsocial.world.World` methods, the
directory readers of io/export.py and the writers of io/writers.py call these.
"""

from __future__ import annotations

import numpy as np
import pyarrow as pa
import pyarrow.compute as pc

LIST_SEPARATOR = "|"


def flat_users(users: pa.Table) -> pa.Table:
    """The users table with list columns joined by '|' (for CSV, GraphML, GEXF)."""
    cols = {}
    for name in users.column_names:
        col = users[name]
        cols[name] = pc.binary_join(col, LIST_SEPARATOR) if pa.types.is_list(col.type) else col
    return pa.table(cols)


def to_networkx(users: pa.Table, source: np.ndarray, target: np.ndarray, lists_as_strings: bool = False):
    """A ``networkx.DiGraph``: one node per user (every attribute on it), one edge per follow.

    List attributes (interests, traits) stay lists, or become '|'-joined strings with
    ``lists_as_strings`` (what GraphML and GEXF can store).
    """
    import networkx as nx

    g = nx.DiGraph()
    cols = (flat_users(users) if lists_as_strings else users).to_pydict()
    ids = cols.pop("user_id")
    g.add_nodes_from((i, {k: cols[k][j] for k in cols}) for j, i in enumerate(ids))
    g.add_edges_from(zip(np.asarray(source).tolist(), np.asarray(target).tolist()))
    return g


def to_igraph(users: pa.Table, source: np.ndarray, target: np.ndarray):
    """A directed ``igraph.Graph``; vertex i is user i, attributes as vertex attributes."""
    import igraph as ig

    g = ig.Graph(n=users.num_rows, edges=np.column_stack([source, target]), directed=True)
    for name, col in users.to_pydict().items():
        g.vs[name] = col
    return g


def to_pandas(table: pa.Table):
    """A ``pandas.DataFrame`` of a table (list columns hold lists of strings)."""
    return table.to_pandas()
