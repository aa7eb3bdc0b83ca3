"""check_knowledge_base: the shared base is clean, and each kind of error is caught."""

from __future__ import annotations

import copy
from pathlib import Path
from typing import Any

import pytest

from handlers.qa import check_knowledge_base, check_overrides, load_entries
from handlers.qa.kb import KnowledgeBaseError
from handlers.qa.kb import load_entries as load_from


def _good() -> dict[str, Any]:
    return {
        "id": "sample-entry",
        "topic": "test",
        "countries": "both",
        "sources": ["NIS2 art. 23"],
        "reliability": "V",
        "nl": {
            "question": "Wat is een voorbeeld?",
            "paraphrases": ["Geef een voorbeeld", "Voorbeeldvraag"],
            "answer": "Dit is <b>een</b> voorbeeld.",
            "roles": {"ismt": "Voor het ISMT."},
        },
        "en": {
            "question": "What is an example?",
            "paraphrases": ["Give an example", "Sample question"],
            "answer": "This is <i>an</i> example.",
        },
    }


def _toml(value: Any) -> str:
    if isinstance(value, str):
        return '"' + value.replace("\\", "\\\\").replace('"', '\\"') + '"'
    if isinstance(value, list):
        return "[" + ", ".join(_toml(v) for v in value) + "]"
    raise TypeError(value)


def _write(path: Path, *entries: dict[str, Any]) -> Path:
    lines: list[str] = []

    def emit(table: dict[str, Any], prefix: str) -> None:
        for key, value in table.items():
            if isinstance(value, dict):
                emit(value, f"{prefix}{key}.")
            else:
                lines.append(f'{prefix}"{key}" = {_toml(value)}')

    for entry in entries:
        lines.append("[[entry]]")
        emit(entry, "")
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return path


def test_shared_knowledge_base_is_clean() -> None:
    assert check_knowledge_base() == []
    entries = load_entries()
    assert len(entries) >= 120
    assert len({e.id for e in entries}) == len(entries)


def test_a_good_file_passes(tmp_path: Path) -> None:
    _write(tmp_path / "a.toml", _good())
    assert check_knowledge_base(tmp_path) == []
    assert check_knowledge_base(str(tmp_path / "a.toml")) == []


def _errors_for(tmp_path: Path, entry: dict[str, Any]) -> list[str]:
    _write(tmp_path / "bad.toml", entry)
    return check_knowledge_base(tmp_path)


def _without(path: str) -> dict[str, Any]:
    entry = copy.deepcopy(_good())
    *parents, last = path.split(".")
    table = entry
    for key in parents:
        table = table[key]
    del table[last]
    return entry


def _with(path: str, value: Any) -> dict[str, Any]:
    entry = copy.deepcopy(_good())
    *parents, last = path.split(".")
    table = entry
    for key in parents:
        table = table[key]
    table[last] = value
    return entry


@pytest.mark.parametrize(
    ("entry", "needle"),
    [
        (_without("en"), "entry 'sample-entry'.en: missing"),
        (_without("nl.answer"), "nl: answer missing"),
        (_without("en.question"), "en: question missing"),
        (_without("sources"), "sources missing"),
        (_with("sources", []), "sources missing"),
        (_with("sources", [""]), "every source must be a non-empty string"),
        (_with("countries", "de"), "countries must be one of"),
        (_without("countries"), "countries must be one of"),
        (_with("nl.roles", {"wizard": "x"}), "unknown role 'wizard'"),
        (_with("audience", ["mayor", "king"]), "unknown role 'king'"),
        (_without("nl.paraphrases"), "paraphrases must be a list"),
        (_with("en.paraphrases", ["only one"]), "needs at least 2 paraphrases"),
        (_with("reliability", "X"), "reliability must be one of"),
        (_with("id", "Bad Id"), "id must be lower-case"),
        (_with("nl.answer", "<script>x</script>"), "tag <script> is not neutral markup"),
        (_with("paraphrase", ["typo in key"]), "unknown key 'paraphrase'"),
        (_with("dynamic", "weather"), "unknown dynamic"),
        (_without("topic"), "topic missing"),
    ],
)
def test_each_kind_of_error_is_caught(tmp_path: Path, entry: dict[str, Any], needle: str) -> None:
    errors = _errors_for(tmp_path, entry)
    assert any(needle in e for e in errors), errors


def test_duplicate_ids_across_files(tmp_path: Path) -> None:
    _write(tmp_path / "a.toml", _good())
    _write(tmp_path / "b.toml", _good())
    errors = check_knowledge_base(tmp_path)
    assert any("duplicate id" in e and "a.toml" in e for e in errors), errors


def test_unparsable_file_and_empty_directory(tmp_path: Path) -> None:
    assert check_knowledge_base(tmp_path)  # no files
    (tmp_path / "broken.toml").write_text("[[entry]\nid = ", encoding="utf-8")
    assert any("cannot read" in e for e in check_knowledge_base(tmp_path))


def test_load_refuses_a_broken_base(tmp_path: Path) -> None:
    _write(tmp_path / "a.toml", _without("en"))
    with pytest.raises(KnowledgeBaseError):
        load_from(tmp_path)


def test_partial_override_is_valid_but_partial_new_entry_is_not(tmp_path: Path) -> None:
    base = load_entries()
    (tmp_path / "org.toml").write_text(
        '[[entry]]\nid = "gdpr-dpo"\nnl.answer = "Onze FG is Jan."\n'
        '[[entry]]\nid = "org-only"\nnl.answer = "Half."\n',
        encoding="utf-8",
    )
    errors = check_overrides(tmp_path, base)
    assert not any("gdpr-dpo" in e for e in errors)
    assert any("org-only" in e for e in errors)
