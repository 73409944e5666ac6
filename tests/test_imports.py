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


# The packages and top-level modules from the bottom up: each imports only from its own layer or below,
# so the layout reads as the pipeline (a stage never reaches up into what consumes it).
LAYERS = [
    {"_version", "errors", "rng", "limits", "arrays", "resources", "progress", "convert", "platforms", "defaults"},
    {"config", "graph"},
    {"manifest", "profiles"},
    {"specs"},  # every stage's settings: nothing heavier than the configuration
    {"io"},
    {"world", "population"},
    {"homophily", "links", "baselines"},
    {"dask_engine", "generation"},
    {"metrics"},
    {"posts"},  # with the adapter format it reads (posts/adapter.py, control.py, guard.py)
    {"timeline"},
    {"fidelity"},
    {"adapt", "report"},
    {"calibrate", "comparison", "pipeline"},
    {"cli", "synthsocial"},
]


def _part(module: str) -> str:
    parts = module.split(".")
    return parts[1] if len(parts) > 1 else parts[0]


def test_every_package_has_a_layer():
    layered = set().union(*LAYERS)
    assert {_part(m) for m in import_graph()} <= layered, "a package is in no layer: add it to LAYERS"


def test_no_import_runs_back_up():
    layer = {name: i for i, names in enumerate(LAYERS) for name in names}
    up = sorted(f"{a} -> {b}" for a, b in import_graph().edges() if layer[_part(b)] > layer[_part(a)])
    assert not up, "imports that run back up: " + "; ".join(up[:8])


def test_every_relative_import_names_a_module():
    """A relative import inside a function runs only when called: one left naming a module that moved fails late."""
    mods = _modules()
    missing = []
    for name, path in mods.items():
        package = name if path.name == "__init__.py" else name.rsplit(".", 1)[0]
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if isinstance(node, ast.ImportFrom) and node.level and node.module:
                base = package.split(".")[: len(package.split(".")) - (node.level - 1)]
                target = ".".join([*base, node.module])
                if target not in mods:
                    missing.append(f"{name}: from {'.' * node.level}{node.module}")
    assert not missing, "relative imports of no module: " + "; ".join(missing)
