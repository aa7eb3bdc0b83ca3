"""The learning loop end to end in the terminal chat (issue 12): an employee asks something the bot
cannot answer; the coordinator sees it under /onbeantwoord and attaches it to an entry (or answers
it); from then on that phrasing gets the answer directly, for everyone in the organisation. And a
question answered through a "Did you mean" choice becomes a candidate phrasing to confirm.

Runs the real terminal chat (``ConsoleChat``) on a throwaway data directory (SQLite): the same
code path as ``nis2bot chat``.
"""

from __future__ import annotations

import asyncio
import io
import re
from pathlib import Path

from bot.config import Settings
from bot.transports.console import ConsoleChat
from storage.enums import Role

QUESTION = "mag de schoonmaker in de serverruimte komen"
ANSWER_OF_ENTRY = "Maatregel (i): beveiliging van personeel, toegangsbeleid en beheer van assets"


def chat(data_dir: Path, *lines: str, role: Role = Role.EMPLOYEE) -> str:
    """Type ``lines`` in the demo municipality's terminal chat; everything it printed."""
    stdout = io.StringIO()
    console = ConsoleChat(
        Settings(data_dir=data_dir),
        org_slug="demo",
        role=role,
        name=None,
        language="nl",
        unenrolled=False,
        stdin=io.StringIO("".join(f"{line}\n" for line in lines)),
        stdout=stdout,
    )
    assert asyncio.run(console.run()) == 0
    return stdout.getvalue()


def _number_of(listing: str, question: str) -> str:
    match = re.search(r"#(\d+) ·[^\n]*\n" + re.escape(question), listing)
    assert match, listing
    return match.group(1)


def test_an_attached_question_is_answered_directly_from_then_on(tmp_path: Path) -> None:
    first = chat(tmp_path, QUESTION)
    assert "Dat weet ik niet" in first
    listing = chat(tmp_path, "/onbeantwoord", role=Role.COORDINATOR)
    number = _number_of(listing, QUESTION)
    attached = chat(
        tmp_path, f"/onbeantwoord koppel {number} m-hr-access-assets", role=Role.COORDINATOR
    )
    assert f"vraag #{number} wordt voortaan beantwoord met m-hr-access-assets" in attached
    # The asker got the entry's answer in their private chat, and the question is handled.
    assert "De vraagsteller heeft dat antwoord gekregen" in attached
    assert "De NIS2-coördinator heeft je vraag beantwoord" in attached  # the console shows all
    assert QUESTION not in chat(tmp_path, "/onbeantwoord", role=Role.COORDINATOR)
    again = chat(tmp_path, QUESTION)
    assert ANSWER_OF_ENTRY in again
    assert "Dat weet ik niet" not in again


def test_a_coordinators_answer_becomes_the_organisations_answer(tmp_path: Path) -> None:
    chat(tmp_path, QUESTION)
    number = _number_of(chat(tmp_path, "/onbeantwoord", role=Role.COORDINATOR), QUESTION)
    chat(
        tmp_path,
        f"/onbeantwoord beantwoord {number} Ja, maar alleen onder begeleiding van de beheerder.",
        role=Role.COORDINATOR,
    )
    again = chat(tmp_path, QUESTION)
    assert "alleen onder begeleiding van de beheerder" in again
    assert "eigen beleid van de gemeente" in again  # marked as the organisation's own answer
    assert "Dat weet ik niet" not in again


def test_a_did_you_mean_pick_is_a_candidate_the_coordinator_confirms(tmp_path: Path) -> None:
    asked = chat(tmp_path, "phishing", "2")  # one word: a menu; the second choice is picked
    assert "Bedoel je" in asked
    candidates = chat(tmp_path, "/onbeantwoord kandidaten", role=Role.COORDINATOR)
    match = re.search(r"#(\d+) → ([a-z0-9-]+)\nphishing", candidates)
    assert match, candidates
    number, entry_id = match.groups()
    confirmed = chat(tmp_path, f"/onbeantwoord bevestig {number}", role=Role.COORDINATOR)
    assert f"vraag #{number} wordt voortaan beantwoord met {entry_id}" in confirmed
    assert "geen kandidaat" in chat(
        tmp_path, f"/onbeantwoord bevestig {number}", role=Role.COORDINATOR
    )
    # "phishing" now answers the confirmed entry directly, without the menu.
    assert "Bedoel je" not in chat(tmp_path, "phishing")
