"""Country everywhere (issue 12): a question naming the other country's law or institutions is
answered for that country (with a note), in either direction; and in a Belgian organisation
nothing a person reads uses Dutch-only words (wethouder, college van B&W, Cbw, BSN, zorgplicht),
also on the /rol page."""

from __future__ import annotations

import re
from collections.abc import Iterator

import pytest
from sqlalchemy.engine import Engine

from handlers.qa.answers import render_entry
from handlers.qa.country import question_country
from handlers.qa.engine import QAEngine
from handlers.qa.helpers import council_questions, role_explanation
from handlers.reply import to_plain_text
from storage.db import make_engine
from storage.enums import Country, Role
from tests.harness import Harness

DUTCH_ONLY = re.compile(
    r"wethouder|B&amp;W|B&W|\bCbw\b|Cyberbeveiligingswet|\bBSN\b|zorgplicht|duty of care"
    r"|burgemeester en wethouders|mayor and aldermen|MijnNCSC|Autoriteit Persoonsgegevens",
    re.IGNORECASE,
)


@pytest.mark.parametrize(
    ("question", "country"),
    [
        ("geldt de nis2-wet ook voor een Vlaamse gemeente?", Country.BE),
        ("moet onze schepen een opleiding volgen?", Country.BE),
        ("wat doet het CCB", Country.BE),
        ("melden bij de GBA binnen hoeveel uur", Country.BE),
        ("is de Cbw al in werking", Country.NL),
        ("moet een wethouder een certificaat halen", Country.NL),
        ("wat is een essentiële entiteit", None),
    ],
)
def test_the_country_a_question_names(question: str, country: Country | None) -> None:
    assert question_country(question) == country


def test_a_belgian_question_in_a_dutch_organisation_gets_the_belgian_answer(
    engine: QAEngine,
) -> None:
    result = engine.ask(
        "vallen Vlaamse gemeenten onder de Belgische NIS2-wet?",
        role=Role.COORDINATOR,
        country=Country.NL,
        language="nl",
    )
    assert result.kind == "answer" and result.country == Country.BE
    assert engine.by_id[result.entry_id].countries == frozenset({Country.BE})
    text = to_plain_text(result.text)
    assert "over België" in text and "Cbw" not in text


def test_a_dutch_question_in_a_belgian_organisation_gets_the_dutch_answer(
    engine: QAEngine,
) -> None:
    result = engine.ask(
        "is de Nederlandse Cyberbeveiligingswet al in werking getreden?",
        role=Role.COORDINATOR,
        country=Country.BE,
        language="nl",
    )
    assert result.kind == "answer" and result.country == Country.NL
    assert result.entry_id == "nis2-cbw-status"
    assert "over Nederland" in to_plain_text(result.text)


def test_a_schepen_asking_about_personal_fines_is_not_told_dutch_law(engine: QAEngine) -> None:
    for question in (
        "kan ik als schepen persoonlijk een boete krijgen?",
        "ben ik persoonlijk aansprakelijk als de gemeente gehackt wordt?",
        "krijg ik een boete als ik geen opleiding volg?",
    ):
        result = engine.ask(question, role=Role.ALDERMAN, country=Country.BE, language="nl")
        text = to_plain_text(result.text)
        assert result.kind == "answer", question
        assert not DUTCH_ONLY.search(text), (question, text)
        assert "25.000" not in text, question


def test_the_mayor_and_alderman_liability_variant_differs_per_country(engine: QAEngine) -> None:
    nl = engine.answer_entry("liab-management", role=Role.ALDERMAN, country="nl", language="nl")
    be = engine.answer_entry("liab-management", role=Role.ALDERMAN, country="be", language="nl")
    assert "Cbw art. 92–93" in nl.text and "nog niet bekend" in nl.text  # hedged per statement
    assert "Cbw" not in be.text and "in principe niet" in be.text


@pytest.mark.parametrize("language", ["nl", "en"])
def test_nothing_a_belgian_organisation_reads_uses_dutch_only_words(
    engine: QAEngine, language: str
) -> None:
    found = []
    for entry in engine.entries:
        for role in Role:
            if not entry.holds_for(Country.BE, role):
                continue
            text, sources = render_entry(entry, role=role, country=Country.BE, language=language)
            for match in DUTCH_ONLY.finditer(text + " " + " ".join(sources)):
                found.append((entry.id, role.value, match.group(0)))
    assert not found


@pytest.mark.parametrize("role", list(Role))
def test_the_role_page_of_a_belgian_organisation_uses_flemish_words(role: Role) -> None:
    for language in ("nl", "en"):
        text = role_explanation(role, language, Country.BE)
        assert not DUTCH_ONLY.search(text), (role, language, text)
    assert "Schepen" in role_explanation(Role.ALDERMAN, "nl", Country.BE)
    assert "Wethouder" in role_explanation(Role.ALDERMAN, "nl", Country.NL)


def test_the_council_questions_in_belgium_name_the_college_of_mayor_and_schepenen() -> None:
    assert not DUTCH_ONLY.search(council_questions(None, "nl", Country.BE))


# --- in the chat -------------------------------------------------------------------------------


@pytest.fixture
def db(db_url: str) -> Iterator[Engine]:
    engine = make_engine(db_url)
    yield engine
    engine.dispose()


def test_a_schepen_in_a_flemish_organisation_sees_flemish_words(db, features, clock) -> None:  # type: ignore[no-untyped-def]
    bot = Harness(db, features, clock)
    org = bot.org("zottegem", country="be")
    schepen = bot.person(Role.ALDERMAN, org_id=org)
    role_page = bot.say(schepen, "/rol")
    assert "Schepen" in role_page.text and not DUTCH_ONLY.search(role_page.text)
    fine = bot.say(schepen, "kan ik als schepen persoonlijk beboet worden voor nis2?")
    assert "Bron:" in fine.text and not DUTCH_ONLY.search(fine.text)


def test_the_reporting_deadlines_in_belgium_say_reporting_is_voluntary_for_local_government(
    engine: QAEngine,
) -> None:
    """The clocks are the Belgian law's for those in scope; a Flemish ISMT must not read them as
    its own legal duty (local governments are in principle outside the law: Art. 30 voluntary)."""
    be = engine.answer_entry("rep-overview", role=Role.ISMT, country="be", language="nl")
    nl = engine.answer_entry("rep-overview", role=Role.ISMT, country="nl", language="nl")
    assert "vrijwillig (art. 30)" in be.text and "GBA" in be.text
    assert "vrijwillig" not in nl.text and "Cbw art. 26–29" in " ".join(nl.sources)
