"""The package's modules import each other without a cycle, lazy imports included.

Every ``import`` statement of every module is read, at the top of the module or inside
a function (an import there is still a dependency, only a later one), and the graph of
which module imports which must have no cycle: the layers stand on each other, and a
newcomer can read them from the ground up.
"""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

PACKAGE = Path(__file__).resolve().parents[1] / "src" / "clean_reports"


def module_name(path: Path) -> str:
    parts = path.relative_to(PACKAGE.parent).with_suffix("").parts
    return ".".join(parts[:-1] if parts[-1] == "__init__" else parts)


def modules() -> dict[str, Path]:
    return {module_name(path): path for path in PACKAGE.rglob("*.py")}


def imports_of(name: str, path: Path, known: set[str]) -> set[str]:
    """The package's modules that ``path`` (the module ``name``) imports, anywhere in it."""
    package = name if path.name == "__init__.py" else name.rpartition(".")[0]
    found: set[str] = set()
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.Import):
            found.update(alias.name for alias in node.names if alias.name in known)
        elif isinstance(node, ast.ImportFrom):
            if node.level:
                base = package.split(".")
                base = base[: len(base) - node.level + 1]
                target = ".".join([*base, *([node.module] if node.module else [])])
            else:
                target = node.module or ""
            for alias in node.names:
                submodule = f"{target}.{alias.name}"
                if submodule in known:
                    found.add(submodule)  # ``from . import view``: the module view
                elif target in known:
                    found.add(target)
    found.discard(name)
    return found


def graph() -> dict[str, set[str]]:
    every = modules()
    known = set(every)
    return {name: imports_of(name, path, known) for name, path in every.items()}


def cycle_in(edges: dict[str, set[str]]) -> list[str] | None:
    """One cycle of the graph, as the modules along it, or None."""
    state: dict[str, str] = {}
    trail: list[str] = []

    def visit(node: str) -> list[str] | None:
        state[node] = "open"
        trail.append(node)
        for after in sorted(edges.get(node, ())):
            if state.get(after) == "open":
                return [*trail[trail.index(after) :], after]
            if after not in state:
                found = visit(after)
                if found:
                    return found
        state[node] = "done"
        trail.pop()
        return None

    for node in sorted(edges):
        if node not in state:
            found = visit(node)
            if found:
                return found
    return None


def test_no_module_imports_one_that_imports_it_back() -> None:
    edges = graph()
    assert len(edges) > 30  # the package was found
    cycle = cycle_in(edges)
    assert cycle is None, "import cycle: " + " -> ".join(cycle or [])


@pytest.mark.parametrize(
    ("edges", "expected"),
    [
        ({"a": {"b"}, "b": {"c"}, "c": set()}, None),
        ({"a": {"b"}, "b": {"c"}, "c": {"a"}}, ["a", "b", "c", "a"]),
        ({"a": {"b"}, "b": {"b"}}, ["b", "b"]),
    ],
)
def test_the_cycle_finder_finds_cycles(
    edges: dict[str, set[str]], expected: list[str] | None
) -> None:
    assert cycle_in(edges) == expected


def test_lazy_imports_count(tmp_path: Path) -> None:
    """An import inside a function is an edge of the graph like any other."""
    package = tmp_path / "pkg"
    package.mkdir()
    (package / "a.py").write_text("def f():\n    from . import b\n", encoding="utf-8")
    (package / "b.py").write_text("from .a import f\n", encoding="utf-8")
    known = {"pkg", "pkg.a", "pkg.b"}
    assert imports_of("pkg.a", package / "a.py", known) == {"pkg.b"}
    assert imports_of("pkg.b", package / "b.py", known) == {"pkg.a"}


def test_the_model_imports_nothing_of_the_package() -> None:
    """The ground floor: the values every layer passes around stand on nothing."""
    assert graph()["clean_reports.model"] == set()
