"""Entry questions are shown as choices ("Bedoelde je eerder: …?", /kennis): in a Belgian
organisation they too use Flemish words (#12 item 5)."""

from __future__ import annotations

import re

from handlers.qa.kb import load_entries
from storage.enums import Country

DUTCH_ONLY = re.compile(r"\bwethouder|\bcbw\b|college van b&w|\bbsn\b", re.IGNORECASE)


def test_the_alderman_question_uses_each_countrys_word() -> None:
    entry = next(e for e in load_entries() if e.id == "gov-alderman-role")
    assert entry.texts["nl"].question_for(Country.BE) == "Wat is de rol van een schepen bij NIS2?"
    assert entry.texts["nl"].question_for("nl") == "Wat is de rol van een wethouder bij NIS2?"
    assert "[" not in entry.texts["nl"].question_for(None)


def test_no_question_shown_in_belgium_uses_dutch_only_words() -> None:
    shown = [
        (e.id, e.texts["nl"].question_for(Country.BE))
        for e in load_entries()
        if Country.BE in e.countries
    ]
    assert len(shown) > 50, "the Belgian part of the base is missing"
    assert [(i, q) for i, q in shown if DUTCH_ONLY.search(q)] == []
