"""The package's layout is its pipeline: each floor imports only the floors below it,
and no module imports itself back, not even through an import inside a function.

Read from the source with `ast`, so that a lazy import counts as much as one at the top
of a file: a circle hidden inside a function is still a circle.
"""

from __future__ import annotations

import ast
from pathlib import Path

from tests.conftest import REPO

PACKAGE = REPO / "generator"

# Bottom to top. A module may import modules of a lower floor, and of its own package
# (its own floor's group); never a sibling group of its floor, nor anything above.
FLOORS: list[set[str]] = [
    {"errors", "model", "slugs", "text", "identifiers", "options", "phrases"},  # shared ground
    {"content"},
    {"importing", "analysis", "synthetic"},
    {"rendering"},
    {"pipeline", "delivery"},
    {"engine"},
    {"cli"},
]


def module_name(path: Path) -> str:
    parts = list(path.relative_to(REPO).with_suffix("").parts)
    if parts[-1] == "__init__":
        parts.pop()
    return ".".join(parts)


def modules() -> dict[str, Path]:
    return {module_name(path): path for path in sorted(PACKAGE.rglob("*.py"))}


def imports_of(name: str, path: Path, known: set[str]) -> set[str]:
    """The package's modules this one imports, anywhere in it (functions included)."""
    package = name if path.name == "__init__.py" else name.rpartition(".")[0]
    found = set()
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.Import):
            targets = [alias.name for alias in node.names]
        elif isinstance(node, ast.ImportFrom):
            if node.level:
                base = package.split(".")[: len(package.split(".")) - node.level + 1]
                origin = ".".join(base + ([node.module] if node.module else []))
            else:
                origin = node.module or ""
            # `from x import y` imports the module x.y when there is one, else a name of x.
            targets = [f"{origin}.{alias.name}" if f"{origin}.{alias.name}" in known else origin
                       for alias in node.names]
        else:
            continue
        found.update(target for target in targets if target in known and target != name)
    return found


def group(name: str) -> str:
    """The floor group of a module: generator.engine.plugin -> "engine"."""
    return name.split(".")[1]


def floor(name: str) -> int:
    return next(number for number, groups in enumerate(FLOORS) if group(name) in groups)


def import_graph() -> dict[str, set[str]]:
    found = modules()
    return {name: imports_of(name, path, set(found)) for name, path in found.items()}


def test_every_module_sits_on_a_floor() -> None:
    unplaced = sorted({group(name) for name in modules() if name != "generator"}
                      - set().union(*FLOORS))
    assert unplaced == [], f"add these to FLOORS in tests/test_layout.py: {unplaced}"


def test_each_floor_imports_only_the_floors_below_it() -> None:
    wrong = []
    for name, targets in import_graph().items():
        for target in targets:
            if group(target) != group(name) and floor(target) >= floor(name):
                wrong.append(f"{name} imports {target}")
    assert wrong == []


def test_no_import_circle_anywhere() -> None:
    graph = import_graph()
    circles = []
    state: dict[str, str] = {}  # "open" while on the walk's path, then "done"

    def walk(name: str, path: list[str]) -> None:
        state[name] = "open"
        for target in sorted(graph[name]):
            if state.get(target) == "open":
                circles.append(" -> ".join(path[path.index(target):] + [target]))
            elif target not in state:
                walk(target, path + [target])
        state[name] = "done"

    for name in sorted(graph):
        if name not in state:
            walk(name, [name])
    assert circles == []


def test_every_package_is_installed() -> None:
    # The tests import the source tree; `pip install .` installs only the packages
    # pyproject.toml names: a folder missing there is missing for every user.
    import tomllib

    listed = set(tomllib.loads((REPO / "pyproject.toml").read_text(encoding="utf-8"))["tool"]["setuptools"]["packages"])
    folders = {".".join(init.parent.relative_to(REPO).parts) for init in PACKAGE.rglob("__init__.py")}
    assert folders - listed == set()


def test_the_check_sees_imports_inside_functions() -> None:
    # The checks above are only as good as the graph: a lazy import must be in it.
    graph = import_graph()
    assert "generator.engine.build" in graph["generator.cli"]  # imported inside main()
    assert "generator.analysis" in graph["generator.cli.commands"]  # inside themes()
    assert "generator.engine.publish" in graph["generator.engine.build"]  # `from . import publish`
