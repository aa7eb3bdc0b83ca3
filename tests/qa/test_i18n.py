"""The Dutch catalog covers every fixed string of the QA feature, with a proper header."""

from __future__ import annotations

import ast
from pathlib import Path

from babel.messages.pofile import read_po

QA_DIR = Path(__file__).resolve().parents[2] / "handlers" / "qa"


def _msgids_in_code() -> set[str]:
    ids: set[str] = set()
    for path in QA_DIR.glob("*.py"):
        for node in ast.walk(ast.parse(path.read_text("utf-8"))):
            if not isinstance(node, ast.Call):
                continue
            name = getattr(node.func, "id", getattr(node.func, "attr", ""))
            if name == "t" and len(node.args) >= 2 and isinstance(node.args[1], ast.Constant):
                ids.add(node.args[1].value)
            if name == "N_" and node.args and isinstance(node.args[0], ast.Constant):
                ids.add(node.args[0].value)
    return ids


def test_every_message_has_a_dutch_translation() -> None:
    with (QA_DIR / "locale" / "nl.po").open("rb") as handle:
        catalog = read_po(handle, locale="nl")
    assert catalog.locale.language == "nl"
    assert catalog.plural_forms == "nplurals=2; plural=(n != 1);"
    translated = {m.id: m.string for m in catalog if m.id}
    used = _msgids_in_code()
    assert used
    missing = [m for m in used if not translated.get(m)]
    assert not missing
