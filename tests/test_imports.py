"""No import cycle inside src/scomm/: the imports are read with ``ast``, nothing is executed.

Every import counts, at module level or inside a function (a function-level import only
hides a cycle until the function runs). An edge goes to the module an import names:
``from scomm.records import adapters`` is an edge to ``scomm.records.adapters`` (the module),
``from scomm.metrics import county_metrics`` one to ``scomm.metrics`` (the package's
``__init__``, where the name lives). A parent package that Python initializes on the way is
not an edge of its own, so a package ``__init__`` may re-export from its modules.

The one exemption: an import under ``if TYPE_CHECKING:`` never runs, so it is not an edge
(none exists in src/scomm/ today; a type-only back-reference may use one).
"""

from __future__ import annotations

import ast
from pathlib import Path

import numpy as np
import pytest
from scipy.sparse import csr_matrix
from scipy.sparse.csgraph import connected_components

SRC = Path(__file__).resolve().parents[1] / "src"
PACKAGE = "scomm"


def _module_name(path: Path) -> str:
    parts = list(path.relative_to(SRC).with_suffix("").parts)
    if parts[-1] == "__init__":
        parts.pop()
    return ".".join(parts)


def modules() -> dict[str, Path]:
    """Every module of the package, by dotted name."""
    return {_module_name(p): p for p in sorted((SRC / PACKAGE).rglob("*.py"))}


def _is_type_checking(node: ast.If) -> bool:
    test = node.test
    return (isinstance(test, ast.Name) and test.id == "TYPE_CHECKING") or (
        isinstance(test, ast.Attribute) and test.attr == "TYPE_CHECKING"
    )


def _import_nodes(tree: ast.AST) -> list[ast.Import | ast.ImportFrom]:
    """Every import statement, at any depth, except those under ``if TYPE_CHECKING:``."""
    found: list[ast.Import | ast.ImportFrom] = []
    todo: list[ast.AST] = [tree]
    while todo:
        node = todo.pop()
        if isinstance(node, ast.Import | ast.ImportFrom):
            found.append(node)
        children = list(ast.iter_child_nodes(node))
        if isinstance(node, ast.If) and _is_type_checking(node):
            children = list(node.orelse)
        todo.extend(children)
    return found


def _base(node: ast.ImportFrom, name: str, is_package: bool) -> str:
    """The absolute module a ``from`` import reads from (relative imports resolved)."""
    if not node.level:
        return node.module or ""
    here = name.split(".") if is_package else name.split(".")[:-1]
    anchor = here[: len(here) - (node.level - 1)]
    return ".".join([*anchor, node.module] if node.module else anchor)


def imports_of(name: str, path: Path, known: set[str]) -> set[str]:
    """The package modules ``name`` imports (anywhere in its body)."""
    tree = ast.parse(path.read_text(), filename=str(path))
    out: set[str] = set()
    for node in _import_nodes(tree):
        if isinstance(node, ast.Import):
            out |= {a.name for a in node.names if a.name in known}
            continue
        base = _base(node, name, path.name == "__init__.py")
        for alias in node.names:
            target = f"{base}.{alias.name}"
            if target in known:
                out.add(target)
            elif base in known:
                out.add(base)
    out.discard(name)
    return out


def graph() -> dict[str, set[str]]:
    """Module → the package modules it imports."""
    mods = modules()
    known = set(mods)
    return {name: imports_of(name, path, known) for name, path in mods.items()}


def cycles(edges: dict[str, set[str]]) -> list[list[str]]:
    """The strongly connected components with more than one module (SciPy's csgraph)."""
    names = sorted(set(edges) | {m for targets in edges.values() for m in targets})
    pos = {name: i for i, name in enumerate(names)}
    pairs = [(pos[a], pos[b]) for a, targets in edges.items() for b in targets]
    rows, cols = zip(*pairs, strict=True) if pairs else ((), ())
    matrix = csr_matrix((np.ones(len(rows)), (rows, cols)), shape=(len(names), len(names)))
    _, label = connected_components(matrix, directed=True, connection="strong")
    groups: dict[int, list[str]] = {}
    for name, component in zip(names, label, strict=True):
        groups.setdefault(int(component), []).append(name)
    return sorted(sorted(g) for g in groups.values() if len(g) > 1)


def test_the_import_graph_reads_every_module_and_sees_function_level_imports():
    edges = graph()
    assert "scomm.records.schema" in edges and "scomm.web.app" in edges
    # cli.py imports its commands' modules inside the commands
    assert "scomm.runner" in edges["scomm.cli"]


@pytest.mark.parametrize(
    ("source", "expected"),
    [
        ("import scomm.b\n", {"scomm.b"}),
        ("def f():\n    from scomm import b\n", {"scomm.b"}),
        ("from scomm.b import thing\n", {"scomm.b"}),
        ("from . import b\n", {"scomm.b"}),
        ("from typing import TYPE_CHECKING\nif TYPE_CHECKING:\n    import scomm.b\n", set()),
    ],
)
def test_case_each_kind_of_import_is_an_edge(tmp_path, source, expected):
    path = tmp_path / "a.py"
    path.write_text(source)
    assert imports_of("scomm.a", path, {"scomm", "scomm.a", "scomm.b"}) == expected


def test_case_a_cycle_through_a_function_level_import_is_found():
    edges = {"a": {"b"}, "b": {"c"}, "c": {"a"}, "d": {"a"}}
    assert cycles(edges) == [["a", "b", "c"]]
    assert cycles({"a": {"b"}, "b": set()}) == []


def test_no_import_cycle_inside_the_package():
    found = cycles(graph())
    assert not found, "import cycles: " + "; ".join(" <-> ".join(c) for c in found)
