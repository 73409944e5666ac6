"""No import circle anywhere in the package: module A imports B (at the top or inside a
function) and B, directly or through others, imports A.

Imports under ``if TYPE_CHECKING:`` do not run and are not counted; ``from . import x`` names the
submodule x (the package itself is already being imported).
"""

from __future__ import annotations

import ast
from pathlib import Path

import networkx as nx

import synthsocial

ROOT = Path(synthsocial.__file__).parent


def _modules() -> dict[str, Path]:
    mods = {}
    for f in ROOT.rglob("*.py"):
        parts = ["synthsocial", *f.relative_to(ROOT).with_suffix("").parts]
        if parts[-1] == "__init__":
            parts = parts[:-1]
        mods[".".join(parts)] = f
    return mods


def _type_checking_nodes(tree: ast.AST) -> set[int]:
    skip = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.If) and "TYPE_CHECKING" in ast.unparse(node.test):
            skip.update(id(n) for stmt in node.body for n in ast.walk(stmt))
    return skip


def import_graph() -> nx.DiGraph:
    mods = _modules()
    g = nx.DiGraph()
    for name, path in mods.items():
        g.add_node(name)
        package = name if path.name == "__init__.py" else name.rsplit(".", 1)[0]
        tree = ast.parse(path.read_text(encoding="utf-8"))
        skip = _type_checking_nodes(tree)
        for node in ast.walk(tree):
            if id(node) in skip:
                continue
            if isinstance(node, ast.Import):
                targets = [a.name for a in node.names]
            elif isinstance(node, ast.ImportFrom):
                if node.level:
                    base = package.split(".")[: len(package.split(".")) - (node.level - 1)]
                    module = ".".join(base + ([node.module] if node.module else []))
                else:
                    module = node.module or ""
                submodules = [f"{module}.{a.name}" for a in node.names if f"{module}.{a.name}" in mods]
                targets = submodules or [module]
            else:
                continue
            for t in targets:
                if t in mods and t != name and not name.startswith(t + "."):  # a package's own parents are loading
                    g.add_edge(name, t)
    return g


def test_the_import_graph_covers_the_package():
    g = import_graph()
    assert {"synthsocial.cli", "synthsocial.world", "synthsocial.links.phases"} <= set(g)
    assert g.has_edge("synthsocial.cli", "synthsocial.generation")  # function-level imports count


def test_no_import_cycle():
    cycles = sorted(nx.simple_cycles(import_graph()), key=len)
    assert not cycles, "import cycles: " + "; ".join(" -> ".join(c) for c in cycles[:5])
