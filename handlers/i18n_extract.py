"""Finds the message ids in our Python code, so a test can prove each one has a Dutch translation.

Recognised: ``t(language, "msg")``, ``anything.t("msg")``, ``gettext(language, "msg")`` and
``N_("msg")``. Run ``python -m handlers.i18n_extract DIR...`` to print .po entries for the ids that
the Dutch catalogs lack (paste them into the right feature's ``locale/nl.po`` and translate).
"""

from __future__ import annotations

import ast
import sys
from collections.abc import Iterable
from pathlib import Path

from babel.messages.pofile import read_po

from handlers.i18n import catalog_files


def _literal(node: ast.AST) -> str | None:
    return node.value if isinstance(node, ast.Constant) and isinstance(node.value, str) else None


def msgids_in_source(source: str) -> list[tuple[str, int]]:
    found: list[tuple[str, int]] = []
    for node in ast.walk(ast.parse(source)):
        if not isinstance(node, ast.Call) or not node.args:
            continue
        func = node.func
        message: str | None = None
        if isinstance(func, ast.Name) and func.id in ("t", "gettext") and len(node.args) >= 2:
            message = _literal(node.args[1])
        elif (isinstance(func, ast.Name) and func.id == "N_") or (
            isinstance(func, ast.Attribute) and func.attr == "t"
        ):
            message = _literal(node.args[0])
        if message:
            found.append((message, node.lineno))
    return found


def msgids_in(paths: Iterable[Path]) -> dict[str, list[str]]:
    result: dict[str, list[str]] = {}
    for root in paths:
        files = [root] if root.is_file() else sorted(root.rglob("*.py"))
        for file in files:
            for message, line in msgids_in_source(file.read_text("utf-8")):
                result.setdefault(message, []).append(f"{file}:{line}")
    return result


def translated_msgids(language: str = "nl") -> set[str]:
    """Every msgid with a non-empty translation in any catalog of ``language``."""
    done: set[str] = set()
    for path in catalog_files(language):
        with path.open("rb") as handle:
            for message in read_po(handle, locale=language):
                if message.id and message.string:
                    done.add(str(message.id))
    return done


def untranslated(paths: Iterable[Path], language: str = "nl") -> dict[str, list[str]]:
    done = translated_msgids(language)
    return {m: where for m, where in msgids_in(paths).items() if m not in done}


def _po_string(text: str) -> str:
    return '"' + text.replace("\\", "\\\\").replace('"', '\\"').replace("\n", "\\n") + '"'


if __name__ == "__main__":
    for msgid, places in untranslated([Path(p) for p in sys.argv[1:]]).items():
        print(f'#: {places[0]}\nmsgid {_po_string(msgid)}\nmsgstr ""\n')
