"""council_questions() and role_explanation(): the texts behind two commands."""

from __future__ import annotations

import re

import pytest

from handlers.qa import council_questions, normalise_level, role_explanation
from storage.enums import Country, Role

_ALLOWED = {"b", "i", "u", "s", "code", "pre", "a"}


def _neutral(text: str) -> bool:
    return {t.lower() for t in re.findall(r"</?([a-zA-Z]+)", text)} <= _ALLOWED and not re.search(
        r"&(?![a-z]+;|#\d+;)", text
    )


def test_all_levels_in_dutch() -> None:
    text = council_questions(None, "nl", Country.NL)
    for level in ("Strategisch", "Tactisch", "Operationeel"):
        assert f"<b>{level}</b>" in text
    assert "college van B&amp;W" in text
    assert "Hoe integreert de gemeente" in text  # from the handbook
    assert "Cbw art. 24" in text  # a Dutch-law addition
    assert "eigen beleid" in text
    assert _neutral(text)


@pytest.mark.parametrize(
    ("level", "shown", "absent"),
    [
        ("strategisch", "Strategic", "Tactical"),
        ("Tactical", "Tactical", "Operational"),
        ("operationeel", "Operational", "Strategic"),
    ],
)
def test_one_level_in_english(level: str, shown: str, absent: str) -> None:
    text = council_questions(level, "en", "nl")
    assert f"<b>{shown}</b>" in text
    assert f"<b>{absent}</b>" not in text
    assert _neutral(text)


def test_country_changes_the_questions() -> None:
    nl = council_questions("strategisch", "nl", Country.NL)
    be = council_questions("strategisch", "nl", Country.BE)
    assert "Cbw art. 24" in nl and "Cbw art. 24" not in be
    assert "intercommunale" in be
    assert "schepenen" in be


def test_unknown_level_is_a_friendly_message() -> None:
    assert "strategisch, tactisch" in council_questions("galactic", "nl", "nl")
    assert normalise_level(" Strategic ") == "strategisch"
    assert normalise_level(None) is None
    assert normalise_level("x") == ""


@pytest.mark.parametrize("role", list(Role))
@pytest.mark.parametrize("language", ["nl", "en"])
@pytest.mark.parametrize("country", list(Country))
def test_role_explanation_for_every_role(role: Role, language: str, country: Country) -> None:
    text = role_explanation(role, language, country)
    assert text.startswith("<b>")
    assert ("Jouw rol" if language == "nl" else "Your role") in text
    assert f"({country.value.upper()})" in text
    assert "•" in text
    assert _neutral(text)


def test_role_explanation_keeps_law_and_country_apart() -> None:
    nl = role_explanation(Role.ALDERMAN, "nl", Country.NL)
    be = role_explanation(Role.ALDERMAN, "nl", Country.BE)
    assert "Cbw art. 24" in nl
    assert "schepen" in be
    assert "geen NIS2-coördinator voor" in role_explanation("coordinator", "nl", "nl")
