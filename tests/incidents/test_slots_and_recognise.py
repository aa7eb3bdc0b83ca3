"""The reminder-slot moments stored on deadline rows, and recognising reports in free text."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest

from handlers.incidents.model import Category
from handlers.incidents.recognise import describes_incident, guess_category, looks_like_report
from handlers.incidents.reminders import first_slot_at, next_slot_at

DUE = datetime(2026, 11, 24, 9, 0, tzinfo=UTC)
H = timedelta(hours=1)


def test_first_slot_is_the_earliest_before_offset() -> None:
    assert first_slot_at(DUE) == DUE - 12 * H
    assert first_slot_at(DUE, (2 * H, 24 * H)) == DUE - 24 * H
    assert first_slot_at(DUE, ()) == DUE


@pytest.mark.parametrize(
    ("now", "expected"),
    [
        (DUE - 13 * H, DUE - 12 * H),
        (DUE - 12 * H, DUE - 2 * H),  # strictly after now
        (DUE - 3 * H, DUE - 2 * H),
        (DUE - 2 * H, DUE),
        (DUE - timedelta(minutes=1), DUE),
        (DUE, DUE + 12 * H),
        (DUE + 11 * H, DUE + 12 * H),
        (DUE + 12 * H, DUE + 24 * H),
        (DUE + 100 * H, DUE + 108 * H),
    ],
)
def test_next_slot_is_strictly_after_now(now: datetime, expected: datetime) -> None:
    assert next_slot_at(DUE, now) == expected


def test_next_slot_refuses_a_non_positive_period() -> None:
    with pytest.raises(ValueError):
        next_slot_at(DUE, DUE, overdue_every=timedelta(0))


@pytest.mark.parametrize(
    ("text", "category"),
    [
        ("Ik heb op een link geklikt in een mail", Category.PHISHING),
        ("ik heb op een linkje geklikt en mijn wachtwoord ingevuld", Category.PHISHING),
        ("Verdachte mail met een bijlage", Category.PHISHING),
        (
            "alle bestanden zijn versleuteld en er staat een losgeld-bericht",
            Category.MALWARE_RANSOMWARE,
        ),
        ("Mijn laptop is gestolen", Category.LOST_STOLEN_DEVICE),
        ("Ik heb een dossier naar de verkeerde persoon gestuurd", Category.DATA_LEAK),
        ("Mijn account is gehackt", Category.ACCOUNT_TAKEOVER),
        ("Het zaaksysteem ligt eruit", Category.OUTAGE),
        (
            "Iemand belde en deed zich voor als de servicedesk: ik werd gebeld",
            Category.SUSPICIOUS_CONTACT,
        ),
        ("Er gebeurt iets vreemds met de printer", None),
        ("phishing mail and my laptop was stolen", None),  # two categories: ask
    ],
)
def test_category_is_only_guessed_when_unambiguous(text: str, category: Category | None) -> None:
    assert guess_category(text) == category


@pytest.mark.parametrize(
    "text",
    [
        "ik wil iets melden",
        "Ik wil graag een incident melden",
        "I want to report an incident",
        "how do I report phishing?",
        "moet ik dit melden?",
        "hoe meld ik een datalek",
    ],
)
def test_report_intent_is_recognised(text: str) -> None:
    assert looks_like_report(text)


@pytest.mark.parametrize(
    "text",
    [
        "ik heb op een link geklikt",
        "ik heb net op een linkje geklikt en mijn wachtwoord ingevuld",
        "mijn laptop is kwijt",
        "I clicked a link in an email",
        "we zijn gehackt",
        "ik wil melden dat ik op een linkje heb geklikt",
        "mijn gsm is gestolen",
        "alle bestanden zijn versleuteld",
    ],
)
def test_described_incidents_are_recognised_and_left_to_the_advice(text: str) -> None:
    """A description gets the situation's advice *and* the report offer from the question
    answering (tests/qa/test_situations.py), so the bare intake offer stays out of the way."""
    assert describes_incident(text)
    assert not looks_like_report(text)


@pytest.mark.parametrize(
    "text", ["wat is NIS2?", "wanneer is de volgende training?", "wat moet de raad weten", "hallo"]
)
def test_questions_are_left_to_others(text: str) -> None:
    assert not looks_like_report(text)
    assert not describes_incident(text)


@pytest.mark.parametrize(
    "text",
    [
        "binnen hoeveel tijd moeten we een incident melden?",
        "hoe snel moet je een datalek melden",
        "aan wie moeten we een incident melden?",
        "wanneer moet een gemeente een incident melden bij het NCSC?",
        "is het verplicht om een incident te melden?",
        "how fast do we have to report an incident?",
        "to whom do we report an incident?",
    ],
)
def test_questions_about_the_duty_to_report_are_answered_not_offered_the_intake(
    text: str,
) -> None:
    """Found in the terminal chat: the ISMT asking about the clocks was offered the intake."""
    assert not looks_like_report(text)
