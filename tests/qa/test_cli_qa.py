"""``nis2bot ask`` and ``nis2bot kb`` on a real database (SQLite and PostgreSQL)."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

from handlers.qa.kb import KB_DIR


def test_ask_json_answers_with_entry_confidence_and_sources(cli) -> None:  # type: ignore[no-untyped-def]
    out = cli("ask", "--role", "ismt", "--json", "hoeveel tijd hebben we voor de eerste melding?")
    data = json.loads(out.stdout)
    assert data["entry_id"] == "rep-early-warning" and data["in_scope"] is True
    assert "24 uur" in data["answer"] and data["confidence"] >= 0.65
    assert data["sources"] == ["NIS2 art. 23(4)(a)", "Cbw art. 26"]


def test_ask_json_out_of_scope(cli) -> None:  # type: ignore[no-untyped-def]
    data = json.loads(
        cli("ask", "--json", "--lang", "en", "when does the swimming pool open").stdout
    )
    assert data["in_scope"] is False and data["answer"] is None and data["entry_id"] is None
    assert data["kind"] == "unknown" and data["sources"] == []


def test_ask_uses_the_organisations_country_and_own_answers(cli, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    cli("org", "add", "gent", "--name", "Stad Gent", "--country", "be")
    cli("org", "add", "delft", "--name", "Gemeente Delft", "--country", "nl")
    be = json.loads(cli("ask", "--org", "gent", "--json", "valt onze gemeente onder nis2").stdout)
    assert be["entry_id"] == "scope-be"
    own = tmp_path / "delft.toml"
    own.write_text(
        '[[entry]]\nid = "rep-ibd-contact-nl"\nnl.answer = "Bel eerst onze CISO: 015-1234567."\n',
        encoding="utf-8",
    )
    cli("kb", "override", "import", str(own), "--org", "delft")
    question = ("ask", "--json", "hoe bereik ik de ibd")
    assert "015-1234567" in json.loads(cli(*question, "--org", "delft").stdout)["answer"]
    assert "015-1234567" not in json.loads(cli(*question).stdout)["answer"]
    listed = json.loads(cli("kb", "override", "list", "--org", "delft", "--json").stdout)
    assert [(r["entry_id"], r["language"], r["created_by"]) for r in listed] == [
        ("rep-ibd-contact-nl", "all", "operator")
    ]
    cli("kb", "override", "remove", "rep-ibd-contact-nl", "--org", "delft")
    assert "015-1234567" not in json.loads(cli(*question, "--org", "delft").stdout)["answer"]


def test_override_import_refuses_a_broken_file(cli, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    cli("org", "add", "delft", "--name", "Gemeente Delft", "--country", "nl")
    bad = tmp_path / "bad.toml"
    bad.write_text('[[entry]]\nid = "new-entry"\nnl.answer = "only half"\n', encoding="utf-8")
    out = cli("kb", "override", "import", str(bad), "--org", "delft", ok=False)
    assert "new-entry" in out.output
    assert json.loads(cli("kb", "override", "list", "--org", "delft", "--json").stdout) == []


def test_kb_check_passes_on_the_shared_base(cli) -> None:  # type: ignore[no-untyped-def]
    out = cli("kb", "check")
    assert out.output.startswith("ok: ")


def test_kb_check_fails_on_a_broken_copy(cli, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    copy = tmp_path / "kb"
    shutil.copytree(KB_DIR, copy)
    assert cli("kb", "check", str(copy)).output.startswith("ok: ")
    broken = copy / "reporting.toml"
    text = broken.read_text(encoding="utf-8")
    # a duplicate id, and an entry that lost its English answer
    broken.write_text(text.replace('id = "rep-final"', 'id = "rep-overview"', 1), encoding="utf-8")
    (copy / "extra.toml").write_text(
        '[[entry]]\nid = "x-1"\ntopic = "x"\ncountries = "nl"\nsources = ["own-policy"]\n'
        'reliability = "S"\nnl.question = "Vraag?"\nnl.paraphrases = ["a", "b"]\n'
        'nl.answer = "Antwoord."\nen.question = "Question?"\nen.paraphrases = ["a", "b"]\n',
        encoding="utf-8",
    )
    out = cli("kb", "check", str(copy), ok=False)
    assert "duplicate id" in out.output and "en: answer missing" in out.output


def test_kb_check_fails_on_a_file_that_does_not_parse(cli, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    (tmp_path / "bad.toml").write_text("[[entry]\nid = ", encoding="utf-8")
    out = cli("kb", "check", str(tmp_path / "bad.toml"), ok=False)
    assert "cannot read" in out.output


def test_ask_json_names_a_situation_and_the_country_it_answered_for(cli) -> None:  # type: ignore[no-untyped-def]
    hacked = json.loads(cli("ask", "--json", "--role", "mayor", "we zijn net gehackt").stdout)
    assert hacked["kind"] == "answer" and hacked["situation"] == "hacked"
    belgian = json.loads(
        cli("ask", "--json", "--country", "nl", "wat is het standpunt van de VVSG?").stdout
    )
    assert belgian["kind"] == "answer" and belgian["answered_for_country"] == "be"
    assert belgian["entry_id"] == "scope-be-vvsg"
