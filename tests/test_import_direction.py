"""Imports run one way, api → reports → awards → campaigns → blocs (DESIGN.md, Architecture).

Every import counts: at module level, inside a function (a lazy import), in tests too. A
lower app that needs something from a higher one asks for it by name, never by importing it.
"""

import ast
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent

# The apps each app must never import.
FORBIDDEN = {
    "blocs": {"campaigns", "awards", "reports", "api"},
    "campaigns": {"awards", "reports", "api"},
    "awards": {"reports", "api"},
    "reports": {"api"},
    "api": set(),
}


def _is_import_call(node: ast.AST) -> bool:
    """Whether the node is ``importlib.import_module("x")`` or ``__import__("x")``."""
    if not isinstance(node, ast.Call) or not node.args:
        return False
    func = node.func
    named = (isinstance(func, ast.Name) and func.id in ("__import__", "import_module")) or (
        isinstance(func, ast.Attribute) and func.attr == "import_module"
    )
    first = node.args[0]
    return named and isinstance(first, ast.Constant) and isinstance(first.value, str)


def imported_modules(tree: ast.AST):
    """Yield (line, dotted name) for every absolute import anywhere in the tree."""
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            for alias in node.names:
                yield node.lineno, alias.name
        elif isinstance(node, ast.ImportFrom) and node.level == 0 and node.module:
            yield node.lineno, node.module
        elif _is_import_call(node):
            yield node.lineno, node.args[0].value


def violations(source: str, *, app: str, filename: str) -> list[str]:
    """Return one "file:line: app imports module" line per upward import in the source."""
    found = []
    for line, module in sorted(imported_modules(ast.parse(source, filename=filename))):
        if module.split(".")[0] in FORBIDDEN[app]:
            found.append(f"{filename}:{line}: {app} imports {module}")
    return found


def app_sources():
    for app in FORBIDDEN:
        for path in sorted((ROOT / app).rglob("*.py")):
            if "migrations" not in path.relative_to(ROOT).parts:
                yield app, path


def test_no_app_imports_an_app_above_it():
    found = []
    for app, path in app_sources():
        source = path.read_text(encoding="utf-8")
        found += violations(source, app=app, filename=str(path.relative_to(ROOT)))
    assert not found, "Imports must run api → reports → awards → campaigns → blocs:\n" + "\n".join(
        found
    )


def test_the_walk_reaches_every_app_and_their_tests():
    files = {str(path.relative_to(ROOT)) for _app, path in app_sources()}
    for app in FORBIDDEN:
        assert f"{app}/apps.py" in files
    assert "campaigns/tests/test_pledge_views.py" in files
    assert not any("/migrations/" in name for name in files)


SYNTHETIC = """\
import datetime
from blocs.models import Agency
from . import helpers
from campaigns.models import Pledge


def render(pk):
    from reports.services import render_document
    import awards.models
    return render_document(pk)


def load():
    import importlib
    return importlib.import_module("reports.tasks")
"""


def test_the_checker_catches_top_level_and_lazy_imports():
    found = violations(SYNTHETIC, app="campaigns", filename="campaigns/x.py")
    assert found == [
        "campaigns/x.py:8: campaigns imports reports.services",
        "campaigns/x.py:9: campaigns imports awards.models",
        "campaigns/x.py:15: campaigns imports reports.tasks",
    ]


@pytest.mark.parametrize(
    ("app", "expected"),
    [
        ("blocs", ["4", "8", "9", "15"]),
        ("awards", ["8", "15"]),
        ("reports", []),
    ],
)
def test_the_checker_applies_each_apps_own_rule(app, expected):
    found = violations(SYNTHETIC, app=app, filename="x.py")
    assert [line.split(":")[1] for line in found] == expected
