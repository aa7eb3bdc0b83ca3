"""In the terminal chat itself (the console transport, piped input): the coordinator runs a
ransomware exercise in which the ISMT and the mayor act, lessons become action points, the report
and the council's BOB pack are saved as files. Nothing asserted here depends on the date."""

from __future__ import annotations

import asyncio
import io
from pathlib import Path

from bot.config import Settings
from bot.transports.console import ConsoleChat
from storage.enums import Role

LINES = [
    "/oefening start ransomware echt",  # real pace: the simulated clock barely moves
    "/als ismt",
    "/oefening significant ja",
    "/oefening verzonden vroegtijdig",
    "/als mayor",
    "/oefening antwoord We geven om 14:00 een update aan de pers",
    "/als coordinator",
    "/oefening stop",
    "/oefening les Perslijn vooraf afspreken",
    "/oefening afsluiten",
    "/acties",
    "/als council_member",
    "/bob",
    "/exit",
]


def test_an_exercise_in_the_terminal_chat(tmp_path: Path) -> None:
    stdout = io.StringIO()
    chat = ConsoleChat(
        Settings(data_dir=tmp_path),
        org_slug="demo",
        role=Role.COORDINATOR,
        name="Carla",
        language=None,
        unenrolled=False,
        stdin=io.StringIO("\n".join(LINES) + "\n"),
        stdout=stdout,
    )
    assert asyncio.run(chat.run()) == 0
    text = stdout.getvalue()
    assert "Traceback" not in text and "excuses" not in text.lower()
    assert "→ #ismt › 🧪 OEFENING — geen echt incident · Ransomware op een fileserver" in text
    assert "Demo ISMT-lid besloot om T+0:" in text and ": significant: ja." in text
    assert "binnen de gesimuleerde termijn (T+24:00)" in text
    assert "Demo burgemeester: antwoord: We geven om 14:00 een update aan de pers" in text
    assert "✓ vroegtijdige waarschuwing (24 uur): uiterlijk T+24:00, verzonden T+0:" in text
    assert "Actiepunt A1 “Perslijn vooraf afspreken”: eigenaar Carla" in text
    assert "• A1 Perslijn vooraf afspreken · Carla" in text  # /acties
    files = tmp_path / "chat-attachments"
    report = (files / "oefening-1-ransomware.md").read_text("utf-8")
    assert report.startswith("# Oefening #1: Ransomware op een fileserver")
    (pack,) = files.glob("bob-demo-*.md")
    pack_text = pack.read_text("utf-8")
    assert pack_text.startswith("# BOB-sessie · beeldvormingspakket · Gemeente Demo")
    assert "Perslijn vooraf afspreken" in pack_text  # an open action point, whatever the date
