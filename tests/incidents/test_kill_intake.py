"""A real ``nis2bot chat`` process killed with SIGKILL after every intake step loses nothing."""

from __future__ import annotations

from pathlib import Path

import pytest
from sqlmodel import select

from storage.db import make_engine, unit_of_work
from storage.incident_models import Incident
from storage.models import OutboxMessage
from tests.test_kill_resume import ChatProcess

pytestmark = pytest.mark.slow

# (what Kim types, what the bot says next). "nu": the real clock runs in the subprocess.
STEPS = [
    ("/melden", "Wat is er gebeurd?"),
    ("Ik heb op een link geklikt in een mail over een pakketje", "Wanneer merkte je het op"),
    ("nu", "Om welke dienst"),
    ("Outlook", "Hoeveel last"),
    ("1", "Gaat het om persoonsgegevens"),
    ("Nee", "Is het nog gaande"),
    ("Nee", "Wat heb je er al aan gedaan"),
    ("wachtwoord gewijzigd", "Controleer je melding"),
    ("1", "Je melding is geregistreerd als INC-"),
]


def test_sigkill_after_every_intake_step_loses_nothing(tmp_path: Path) -> None:
    for index, (text, expected) in enumerate(STEPS):
        chat = ChatProcess(tmp_path, "--name", "Kim")
        chat.wait_for("je bent Kim")
        if index > 0:
            chat.wait_for(STEPS[index - 1][1])  # the open question comes back by itself
        chat.send(text)
        if index == len(STEPS) - 1:
            chat.wait_for("→ #ismt")  # the alert reaches the terminal's ISMT room (queued first)
        chat.wait_for(expected)
        chat.kill()
    engine = make_engine(f"sqlite:///{tmp_path / 'nis2bot.db'}")
    with unit_of_work(engine) as session:
        (incident,) = session.exec(select(Incident)).all()
        alerts = session.exec(select(OutboxMessage).where(OutboxMessage.chat_id == "#ismt")).all()
    assert incident.complete and incident.reference.startswith("INC-")
    assert incident.description == "Ik heb op een link geklikt in een mail over een pakketje"
    assert (incident.category, incident.service, incident.impact) == ("phishing", "Outlook", "none")
    assert (incident.personal_data, incident.ongoing) == ("no", "no")
    assert incident.actions_taken == "wachtwoord gewijzigd"
    assert incident.aware_at is not None
    assert len(alerts) == 1  # alerted once, whatever was killed when
    engine.dispose()


def test_sigkill_right_after_sending_a_step_is_all_or_nothing(tmp_path: Path) -> None:
    chat = ChatProcess(tmp_path, "--name", "Lou")
    chat.wait_for("je bent Lou")
    chat.send("/melden")
    chat.wait_for("Wat is er gebeurd?")
    chat.send("Mijn laptop is gestolen uit de trein")
    chat.kill()  # maybe before, maybe after the commit
    engine = make_engine(f"sqlite:///{tmp_path / 'nis2bot.db'}")
    with unit_of_work(engine) as session:
        found = session.exec(select(Incident)).all()
    engine.dispose()
    chat = ChatProcess(tmp_path, "--name", "Lou")
    chat.wait_for("je bent Lou")
    if found:  # committed: the incident exists and the next question is open
        assert found[0].description == "Mijn laptop is gestolen uit de trein"
        chat.wait_for("Wanneer merkte je het op")
    else:  # not committed: the first question is still open, nothing half-written
        chat.wait_for("Wat is er gebeurd?")
    chat.proc.stdin.close()  # type: ignore[union-attr]
    assert chat.proc.wait(timeout=60) == 0
