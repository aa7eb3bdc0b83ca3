"""Situations first (issue 12): whoever tells what is happening to them gets the immediate advice
for that situation and, in the chat, the offer to report it (/melden), for every phrasing and
every role. Written in the team's own words (people's stories, typos, Flemish words, English)."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from sqlalchemy.engine import Engine

from handlers.qa.engine import QAEngine
from handlers.qa.situations import situation_of
from handlers.reply import to_plain_text
from storage.db import make_engine
from storage.enums import Country, Role
from tests.harness import Harness

# (situation key, advice entry, phrasings)
SITUATIONS = [
    (
        "hacked",
        "help-hacked",
        [
            "we zijn gehackt, wat moet ik doen?",
            "help er zit iemand in ons netwerk, IT zegt dat we gehackt zijn",
            "ik denk dat mijn account gehackt is, er gaan mails uit die ik niet stuurde",
            "our town hall was hacked this morning, what now",
        ],
    ),
    (
        "ransomware",
        "help-ransomware",
        [
            "er is een ransomware-aanval, wat moet ik nu doen?",
            "al mijn bestanden zijn versleuteld en er staat een losgeldbrief",
            "ransomware op de fileserver!! wat nu",
        ],
    ),
    (
        "link_clicked",
        "help-phishing-clicked",
        [
            "ik heb op een linkje geklikt en mijn wachtwoord ingevuld, wat nu??",
            "ik klikte op de link in die mail van 'de bank' en vulde mijn gegevens in",
            "I clicked the link in a weird email and typed my password",
        ],
    ),
    (
        "lost_laptop",
        "help-lost-laptop",
        [
            "ik ben mijn laptop kwijt, laten liggen in de trein",
            "mijn werklaptop is verloren gegaan op het congres",
        ],
    ),
    (
        "lost_phone",
        "help-lost-phone",
        ["mijn gsm is gestolen op de markt", "ik ben mijn werktelefoon kwijt sinds gisteren"],
    ),
    (
        "usb_found",
        "help-usb-found",
        ["ik heb een usb-stick gevonden op de parking", "found a usb stick in the meeting room"],
    ),
    (
        "fake_helpdesk",
        "help-suspicious-call",
        [
            "iemand van 'Microsoft' belde me dat mijn pc besmet is",
            "de zogenaamde helpdesk belde en vroeg mijn code",
        ],
    ),
    (
        "ceo_fraud",
        "help-ceo-fraud",
        [
            "de burgemeester mailt dat ik dringend een bedrag moet overmaken naar een nieuw nummer",
            "ik kreeg een mail om snel cadeaukaarten te kopen voor de directeur",
        ],
    ),
    (
        "data_breach",
        "help-data-breach",
        [
            "er is een datalek, er staan adressen van inwoners online",
            "persoonsgegevens van burgers zijn buitgemaakt bij de inbraak",
        ],
    ),
    (
        "press",
        "help-press",
        [
            "de pers belt over de storing, wat moet ik zeggen?",
            "een journalist van de regionale krant belt me over de hack",
        ],
    ),
]
CASES = [(key, entry, text) for key, entry, texts in SITUATIONS for text in texts]


@pytest.mark.parametrize(("key", "entry_id", "text"), CASES)
def test_every_phrasing_names_its_situation(key: str, entry_id: str, text: str) -> None:
    found = situation_of(text)
    assert found is not None and found.key == key, text


@pytest.mark.parametrize(("key", "entry_id", "text"), CASES)
@pytest.mark.parametrize("role", list(Role))
def test_every_role_gets_the_advice_directly(
    engine: QAEngine, key: str, entry_id: str, text: str, role: Role
) -> None:
    result = engine.ask(text, role=role, country=Country.NL, language="nl")
    assert result.kind == "answer" and result.in_scope, (text, role)
    assert result.situation == key
    if key not in ("hacked", "data_breach", "press"):  # those may rightly lean on a role entry
        assert result.entry_id == entry_id, (text, role, result.entry_id)


def test_a_general_question_about_the_thing_is_no_situation() -> None:
    assert situation_of("wat is ransomware?") is None
    assert situation_of("hoe herken ik een phishingmail") is None


def test_a_specific_question_about_a_situation_gets_its_specific_answer(engine: QAEngine) -> None:
    result = engine.ask(
        "we zijn gehackt, binnen hoeveel uur moeten we dat melden bij het csirt?",
        role=Role.ISMT,
        country=Country.NL,
        language="nl",
    )
    assert result.entry_id in {"rep-early-warning", "rep-overview"}
    assert result.situation == "hacked"  # the chat still offers /melden


def test_the_mayor_asking_about_a_crisis_team_after_a_hack(engine: QAEngine) -> None:
    result = engine.ask(
        "we zijn gehackt, moet ik een crisisteam bijeenroepen?",
        role=Role.MAYOR,
        country=Country.NL,
        language="nl",
    )
    text = to_plain_text(result.text)
    assert result.kind == "answer" and result.situation == "hacked"
    assert "crisis" in text and "24 uur" in text and "Bron:" in text
    assert "coördineer jij" in text  # the mayor's own variant


# --- in the chat: advice and the /melden offer, for every role ------------------------------


@pytest.fixture
def db(db_url: str) -> Iterator[Engine]:
    engine = make_engine(db_url)
    yield engine
    engine.dispose()


@pytest.mark.parametrize("role", list(Role))
def test_the_chat_offers_to_report_a_situation_for_every_role(db, features, clock, role) -> None:  # type: ignore[no-untyped-def]
    bot = Harness(db, features, clock)
    org = bot.org()
    person = bot.person(role, org_id=org)
    said = bot.say(person, "ik heb op een linkje geklikt en mijn wachtwoord ingevuld, wat nu??")
    assert "wachtwoord" in said.text.lower() and "Bron:" in said.text
    assert "melden" in said.text.lower()
    assert said.choices[0] == ("/melden", "Ja, incident melden")
    # Taking the offer starts the intake with the situation as its description.
    started = bot.say(person, "1")
    assert "Genoteerd wat er gebeurde" in started.text
