"""handlers/incidents imports only handlers.*, storage.*, the standard library and its libraries."""

from __future__ import annotations

import ast
import sys
from pathlib import Path

import handlers.incidents

PACKAGE = Path(handlers.incidents.__file__).resolve().parent
ALLOWED_THIRD_PARTY = {"dateparser", "jinja2", "babel", "markupsafe"}
ALLOWED_OURS = {"handlers", "storage"}


def imported_roots(path: Path) -> set[str]:
    roots: set[str] = set()
    for node in ast.walk(ast.parse(path.read_text("utf-8"))):
        if isinstance(node, ast.Import):
            roots.update(alias.name.split(".")[0] for alias in node.names)
        elif isinstance(node, ast.ImportFrom) and node.level == 0 and node.module:
            roots.add(node.module.split(".")[0])
    return roots


def test_only_allowed_imports() -> None:
    files = sorted(PACKAGE.rglob("*.py"))
    assert len(files) >= 10
    for path in files:
        for root in imported_roots(path):
            allowed = (
                root in sys.stdlib_module_names
                or root == "__future__"
                or root in ALLOWED_OURS
                or root in ALLOWED_THIRD_PARTY
            )
            assert allowed, f"{path.name} imports {root}"
            assert root not in {"bot", "schedules", "telegram", "nio"}


def test_modules_stay_small() -> None:
    for path in PACKAGE.rglob("*.py"):
        assert len(path.read_text("utf-8").splitlines()) <= 400, path.name
