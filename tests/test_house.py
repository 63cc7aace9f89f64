"""The house has no import cycles: a lower part never imports a higher one.

The graph is read with ast the way the team's tool (../shared/tools/import_cycles.py) reads it:
`from a.b import c` is an edge to a.b and to a.b.c when that is a module; importing a package's
face is an edge to its __init__. When the tool sits beside the clone (as in CI) its answer is
checked too, so the two cannot drift apart silently.
"""

from __future__ import annotations

import ast
import importlib.util
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
PACKAGE = ROOT / "automation"


def import_graph(package: Path) -> dict[str, set[str]]:
    root = package.parent
    modules = {".".join(p.relative_to(root).with_suffix("").parts).removesuffix(".__init__"): p
               for p in package.rglob("*.py")}
    edges: dict[str, set[str]] = {m: set() for m in modules}
    for module, path in modules.items():
        is_package = path.name == "__init__.py"
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            names: list[str] = []
            if isinstance(node, ast.Import):
                names = [a.name for a in node.names]
            elif isinstance(node, ast.ImportFrom):
                base = node.module or ""
                if node.level:
                    parts = module.split(".") if is_package else module.split(".")[:-1]
                    parts = parts[: len(parts) - (node.level - 1)]
                    base = ".".join(parts + ([base] if base else []))
                names = [base] + [f"{base}.{a.name}" for a in node.names]
            for name in names:
                while name and name not in modules:
                    name = name.rpartition(".")[0]
                if name and name != module:
                    edges[module].add(name)
    return edges


def import_cycles(edges: dict[str, set[str]]) -> list[list[str]]:
    """Strongly connected components of more than one module (Tarjan, iterative)."""
    index: dict[str, int] = {}
    low: dict[str, int] = {}
    stack: list[str] = []
    on_stack: set[str] = set()
    found: list[list[str]] = []
    for start in edges:
        if start in index:
            continue
        work = [(start, iter(sorted(edges[start])))]
        index[start] = low[start] = len(index)
        stack.append(start)
        on_stack.add(start)
        while work:
            node, children = work[-1]
            child = next(children, None)
            if child is not None:
                if child not in index:
                    index[child] = low[child] = len(index)
                    stack.append(child)
                    on_stack.add(child)
                    work.append((child, iter(sorted(edges[child]))))
                elif child in on_stack:
                    low[node] = min(low[node], index[child])
                continue
            work.pop()
            if work:
                low[work[-1][0]] = min(low[work[-1][0]], low[node])
            if low[node] == index[node]:
                component = []
                while True:
                    member = stack.pop()
                    on_stack.discard(member)
                    component.append(member)
                    if member == node:
                        break
                if len(component) > 1:
                    found.append(sorted(component))
    return found


def test_the_package_has_no_import_cycle() -> None:
    edges = import_graph(PACKAGE)
    assert len(edges) > 50  # the whole package was read, not an empty folder
    assert import_cycles(edges) == []


def test_the_cycle_finder_sees_a_cycle_through_a_package_face(tmp_path: Path) -> None:
    # The shape the emulator had: the face imports server, server imports `api` via the face.
    package = tmp_path / "house"
    (package / "tools").mkdir(parents=True)
    (package / "__init__.py").write_text("")
    (package / "tools" / "__init__.py").write_text("from house.tools.server import serve\n")
    (package / "tools" / "api.py").write_text("")
    (package / "tools" / "server.py").write_text("from house.tools import api\n")
    assert import_cycles(import_graph(package)) == [["house.tools", "house.tools.server"]]
    (package / "tools" / "server.py").write_text("import house.tools.api as api\n")
    assert import_cycles(import_graph(package)) == []


def _shared_tool() -> Path | None:
    for candidate in (ROOT.parent / "shared", ROOT.parent.parent / "shared"):
        tool = candidate / "tools" / "import_cycles.py"
        if tool.is_file():
            return tool
    return None


@pytest.mark.skipif(_shared_tool() is None, reason="the team's tools are not beside this clone")
def test_the_team_tool_agrees_there_is_no_cycle() -> None:
    tool = _shared_tool()
    assert tool is not None
    spec = importlib.util.spec_from_file_location("import_cycles_tool", tool)
    assert spec and spec.loader
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    assert module.cycles(module.graph(PACKAGE)) == []
