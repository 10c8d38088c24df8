"""The layering rules, read from the source: a new file breaks them only with a test failing.

- views import no models (they get rows and dataclasses from queries/ and services/);
- queries/ imports no services (the read side only reads);
- no module in dashboard/ (outside demo/ and migrations/) over 600 lines;
- no function over 80 lines, unless its ``def`` line or the line above it has a
  comment with ``long:`` saying why.
"""

from __future__ import annotations

import ast
from collections.abc import Iterator
from pathlib import Path

PACKAGE = Path(__file__).resolve().parents[2] / "dashboard"
MAX_MODULE_LINES = 600
MAX_FUNCTION_LINES = 80


def _modules() -> Iterator[tuple[str, Path]]:
    for path in sorted(PACKAGE.rglob("*.py")):
        name = path.relative_to(PACKAGE).as_posix()
        if not name.startswith(("demo/", "migrations/")):
            yield name, path


def _imported(name: str, tree: ast.Module) -> set[str]:
    """Every module a file imports, as a dotted name from the top (``dashboard.models``)."""
    package = ["dashboard", *name.split("/")[:-1]]
    found: set[str] = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            found.update(alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom):
            base = package[: len(package) - node.level + 1] if node.level else []
            module = ".".join([*base, *(node.module or "").split(".")]).strip(".")
            found.add(module)
            found.update(f"{module}.{alias.name}" for alias in node.names)
    return found


def _reaches(imported: set[str], target: str) -> bool:
    return any(m == target or m.startswith(target + ".") for m in imported)


def test_the_import_reader_resolves_relative_imports() -> None:
    tree = ast.parse("from ..models import User\nfrom . import htmx\nimport dashboard.services")
    found = _imported("views/x.py", tree)
    assert {"dashboard.models.User", "dashboard.views.htmx", "dashboard.services"} <= found


def test_views_import_no_models() -> None:
    offenders = [
        name
        for name, path in _modules()
        if name.startswith("views/")
        and _reaches(_imported(name, ast.parse(path.read_text())), "dashboard.models")
    ]
    assert offenders == []


def test_queries_import_no_services() -> None:
    offenders = {
        name
        for name, path in _modules()
        if name.startswith("queries/")
        and _reaches(_imported(name, ast.parse(path.read_text())), "dashboard.services")
    }
    assert offenders == set()


def test_no_module_over_600_lines() -> None:
    offenders = {
        name: lines
        for name, path in _modules()
        if (lines := len(path.read_text().splitlines())) > MAX_MODULE_LINES
    }
    assert offenders == {}


def _says_why(lines: list[str], node: ast.FunctionDef | ast.AsyncFunctionDef) -> bool:
    first = min([node.lineno, *(d.lineno for d in node.decorator_list)])
    candidates = [lines[first - 2] if first >= 2 else "", lines[node.lineno - 1]]
    return any("#" in line and "long:" in line.split("#", 1)[1] for line in candidates)


def _long_functions() -> Iterator[tuple[str, int, bool]]:
    """Each function over the limit: ``module:name``, its length, whether a comment says why."""
    for name, path in _modules():
        text = path.read_text()
        lines = text.splitlines()
        for node in ast.walk(ast.parse(text)):
            if isinstance(node, ast.FunctionDef | ast.AsyncFunctionDef):
                length = (node.end_lineno or node.lineno) - node.lineno + 1
                if length > MAX_FUNCTION_LINES:
                    yield f"{name}:{node.name}", length, _says_why(lines, node)


def test_no_function_over_80_lines_without_a_reason() -> None:
    offenders = {key: length for key, length, explained in _long_functions() if not explained}
    assert offenders == {}


def test_the_factory_wires_every_part_itself() -> None:
    """Reading create_app shows each part: views, live push, jobs and the CLI wire themselves."""
    tree = ast.parse((PACKAGE / "__init__.py").read_text())
    factory = next(
        n for n in tree.body if isinstance(n, ast.FunctionDef) and n.name == "create_app"
    )
    calls = {
        ast.unparse(node.func)
        for node in ast.walk(factory)
        if isinstance(node, ast.Call) and isinstance(node.func, ast.Attribute)
    }
    assert {"views.init_app", "live.init_app", "jobs.init_app", "cli.init_app"} <= calls
