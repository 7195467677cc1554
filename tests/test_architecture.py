"""The kit's shape, checked from its source: no import cycles, imports point one way between the
rooms, no private name crosses a module, modules are short and say what they are for, each
notebook is a thin front to its own apps module, and the code digest sees every module. And
one rule for the tests themselves: they share code through helpers.py, never by importing
another test module or conftest.

Pure Python and fast: the modules are parsed (ast), never imported, so a cycle or a layering
slip is named here before it shows up as an ImportError somewhere else. Imports inside
functions and under ``TYPE_CHECKING`` count: they are dependencies all the same.
"""

from __future__ import annotations

import ast
import json
import shutil
from pathlib import Path

import pytest

from helpers import ROOT

PACKAGE = ROOT / "epa_kernel"
KIT = "epa_kernel"
MAX_LINES = 300

# Which rooms each room may import (its own always). Top-level modules are the foundation.
FOUNDATION = "foundation"
MAY_IMPORT = {
    FOUNDATION: set(),
    "core": {FOUNDATION},
    "store": {FOUNDATION, "core"},
    "exports": {FOUNDATION, "core", "store"},
    "batch": {FOUNDATION, "core", "exports"},
    "iqa": {FOUNDATION, "core", "store", "exports", "batch"},
    "trainer": {FOUNDATION, "core", "exports"},
    # the store service behind a hub (server, client, wire) and nothing that serves a page
    "service": {FOUNDATION, "core", "store", "iqa"},
    # released results to the Apprenticeship assessment service's External API
    "submit": {FOUNDATION, "core", "store", "exports"},
}
MAY_IMPORT["apps"] = {FOUNDATION, *MAY_IMPORT}
MAY_IMPORT["cli"] = {*MAY_IMPORT}
METHOD_WORKBOOKS = {
    "practical_observation",
    "apprentice_showcase",
    "professional_discussion",
    "work_based_project",
}


def module_files() -> dict[str, Path]:
    """Every module of the kit by dotted name (a package by its ``__init__.py``)."""
    found = {}
    for path in sorted(PACKAGE.rglob("*.py")):
        parts = path.relative_to(ROOT).with_suffix("").parts
        if parts[-1] == "__init__":
            parts = parts[:-1]
        found[".".join(parts)] = path
    return found


MODULES = module_files()


def resolve(module: str, node: ast.ImportFrom | ast.Import, package: str) -> list[tuple[str, str]]:
    """The kit modules an import statement reaches, each with the name it takes from it
    ("" for a plain ``import``). ``from pkg import mod`` reaches the module ``pkg.mod``."""
    if isinstance(node, ast.Import):
        return [(a.name, "") for a in node.names if a.name.split(".")[0] == KIT]
    base = node.module or ""
    if node.level:  # relative: from the importing module's package
        anchor = package.split(".")[: len(package.split(".")) - node.level + 1]
        base = ".".join([*anchor, *([base] if base else [])])
    if base.split(".")[0] != KIT:
        return []
    reached = []
    for alias in node.names:
        sub = f"{base}.{alias.name}"
        reached.append((sub, "") if sub in MODULES else (base, alias.name))
    return reached


def imports_of(source: str, module: str, package: str) -> list[tuple[str, str, int]]:
    """(kit module, name taken, line) for every import anywhere in ``source``."""
    found = []
    for node in ast.walk(ast.parse(source)):
        if isinstance(node, ast.Import | ast.ImportFrom):
            found += [
                (target, name, node.lineno) for target, name in resolve(module, node, package)
            ]
    return found


def kit_imports() -> dict[str, list[tuple[str, str, int]]]:
    graph = {}
    for module, path in MODULES.items():
        package = module if path.name == "__init__.py" else module.rpartition(".")[0]
        graph[module] = imports_of(path.read_text(encoding="utf-8"), module, package)
    return graph


GRAPH = kit_imports()


def room(module: str) -> str:
    parts = module.split(".")
    return parts[1] if len(parts) > 1 and parts[1] in MAY_IMPORT else FOUNDATION


def owner(target: str) -> str:
    """The module an import target lives in (an unknown dotted name: its nearest known parent)."""
    while target not in MODULES and "." in target:
        target = target.rpartition(".")[0]
    return target


# --- imports ---------------------------------------------------------------------------------


def test_the_import_walker_sees_the_kit():
    assert len(MODULES) > 30 and {"epa_kernel.paths", "epa_kernel.core.grading"} <= set(MODULES)
    targets = {owner(t) for t, _, _ in GRAPH["epa_kernel.batch.jobs"]}
    assert "epa_kernel.paths" in targets  # a plain top-level import is seen
    nested = imports_of("def f():\n    from epa_kernel.core import grading\n", "x", "x")
    assert [t for t, _, _ in nested] == ["epa_kernel.core.grading"]


def find_cycle(edges: dict[str, set[str]]) -> list[str] | None:
    """One import cycle as a path that returns to its start, or None."""
    state: dict[str, int] = {}  # 1 on the current path, 2 finished
    path: list[str] = []

    def visit(node: str) -> list[str] | None:
        state[node] = 1
        path.append(node)
        for nxt in sorted(edges.get(node, ())):
            if state.get(nxt) == 1:
                return [*path[path.index(nxt) :], nxt]
            if nxt not in state and (found := visit(nxt)):
                return found
        path.pop()
        state[node] = 2
        return None

    for start in sorted(edges):
        if start not in state and (found := visit(start)):
            return found
    return None


def test_find_cycle_names_a_cycle_and_accepts_a_tree():
    assert find_cycle({"a": {"b"}, "b": {"c"}, "c": {"a"}}) == ["a", "b", "c", "a"]
    assert find_cycle({"a": {"b", "c"}, "b": {"c"}, "c": set()}) is None


def test_no_import_cycle_between_modules():
    edges = {m: {owner(t) for t, _, _ in found} - {m} for m, found in GRAPH.items()}
    cycle = find_cycle(edges)
    assert cycle is None, "import cycle: " + " -> ".join(cycle)


def test_imports_point_one_way_between_rooms():
    wrong = []
    for module, found in GRAPH.items():
        here = room(module)
        for target, name, line in found:
            there = room(owner(target))
            if there != here and there not in MAY_IMPORT[here]:
                what = f"{target}.{name}" if name else target
                wrong.append(
                    f"{MODULES[module].relative_to(ROOT)}:{line} ({here}) imports {what} ({there})"
                )
    assert not wrong, "imports against the room layering:\n" + "\n".join(wrong)


def test_no_module_imports_a_private_name_from_another():
    private = [
        f"{MODULES[m].relative_to(ROOT)}:{line} imports {name} from {target}"
        for m, found in GRAPH.items()
        for target, name, line in found
        if name.startswith("_") and not name.startswith("__") and owner(target) != m
    ]
    assert not private, "private names imported across modules:\n" + "\n".join(private)


# --- modules ---------------------------------------------------------------------------------


def test_every_module_says_what_it_is_for():
    missing = [
        str(p.relative_to(ROOT))
        for p in MODULES.values()
        if not ast.get_docstring(ast.parse(p.read_text(encoding="utf-8")))
    ]
    assert not missing, "modules without a docstring: " + ", ".join(missing)


def test_every_module_is_short():
    long = {
        str(p.relative_to(ROOT)): n
        for p in MODULES.values()
        if (n := len(p.read_text(encoding="utf-8").splitlines())) > MAX_LINES
    }
    assert not long, f"modules over {MAX_LINES} lines: {long}"


def test_no_test_module_imports_another_test_module_or_conftest():
    """Shared test code lives in helpers.py, so a test file can move without breaking another."""
    wrong = []
    for path in sorted((ROOT / "tests").rglob("*.py")):
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            names = (
                [a.name for a in node.names]
                if isinstance(node, ast.Import)
                else [node.module or ""]
                if isinstance(node, ast.ImportFrom)
                else []
            )
            wrong += [
                f"{path.relative_to(ROOT)}:{node.lineno} imports {n}"
                for n in names
                if n.split(".")[0] == "conftest" or n.split(".")[-1].startswith("test_")
            ]
    assert not wrong, "\n".join(wrong)


# --- notebooks -------------------------------------------------------------------------------


def notebook_imports(path: Path) -> set[str]:
    """The kit modules a notebook's code cells import (IPython magics and shell lines skipped)."""
    found = set()
    for cell in json.loads(path.read_text(encoding="utf-8"))["cells"]:
        if cell["cell_type"] != "code":
            continue
        source = "".join(cell["source"])
        code = "\n".join(
            line for line in source.splitlines() if not line.lstrip().startswith(("%", "!"))
        )
        found |= {owner(t) for t, _, _ in imports_of(code, path.stem, path.stem)}
    return found


NOTEBOOKS = sorted((ROOT / "notebooks").glob("*.ipynb"))


def test_there_are_notebooks_to_check():
    assert {p.stem for p in NOTEBOOKS} >= METHOD_WORKBOOKS | {"epa_result", "assessor_app"}


@pytest.mark.parametrize("notebook", NOTEBOOKS, ids=lambda p: p.stem)
def test_each_notebook_imports_only_its_own_apps_module(notebook):
    own = "method_workbook" if notebook.stem in METHOD_WORKBOOKS else notebook.stem
    own = f"{KIT}.apps.{own}"
    found = notebook_imports(notebook)
    assert own in found, f"{notebook.name} does not import from {own}: {sorted(found)}"
    others = found - {own, f"{KIT}.apps.parameters"}
    assert not others, f"{notebook.name} imports from {sorted(others)}, not only {own}"


# --- the code digest that decides whether a run's notebooks are stale --------------------------


def test_the_kit_digest_covers_every_module_of_every_subpackage(tmp_path, monkeypatch):
    from epa_kernel import paths

    copy = tmp_path / KIT
    shutil.copytree(PACKAGE, copy, ignore=shutil.ignore_patterns("__pycache__"))
    monkeypatch.setattr(paths, "PACKAGE", copy)
    paths.kit_digest.cache_clear()
    try:
        before = paths.kit_digest()
        assert before == paths.kit_digest()  # the same code, the same digest
        subpackage_modules = [p for p in sorted(copy.rglob("*.py")) if p.parent != copy]
        assert {p.parent.name for p in subpackage_modules} >= set(MAY_IMPORT) - {FOUNDATION}
        for path in subpackage_modules:
            original = path.read_bytes()
            path.write_bytes(original + b"\n# touched\n")
            paths.kit_digest.cache_clear()
            assert paths.kit_digest() != before, f"{path.relative_to(copy)} is not in the digest"
            path.write_bytes(original)
        paths.kit_digest.cache_clear()
        assert paths.kit_digest() == before
    finally:
        paths.kit_digest.cache_clear()
