"""The interactive terminal chat under a real pty, typed into as a person would (the README's
first command). Piped input runs no background outbox worker; a terminal does, and the worker's
passes then ran at the same time as the chat's own flush and crashed the chat."""

from __future__ import annotations

import os
import sys
from pathlib import Path

import pytest

pexpect = pytest.importorskip("pexpect")

PROMPT = "jij › "
pytestmark = pytest.mark.slow


def _spawn(tmp_path: Path, *args: str):  # type: ignore[no-untyped-def]
    env = {
        "NIS2BOT_DATA_DIR": str(tmp_path / "data"),
        "PATH": os.environ.get("PATH", "/usr/bin:/bin"),
        "HOME": str(tmp_path),
        "TERM": "dumb",
        "LANG": "C.UTF-8",
    }
    child = pexpect.spawn(
        sys.executable,
        ["-m", "bot", "chat", *args],
        env=env,
        encoding="utf-8",
        timeout=60,
        dimensions=(50, 200),
    )
    child.logfile_read = _Transcript()
    return child


class _Transcript:
    """Everything the chat printed, to assert on and to show when the test fails."""

    def __init__(self) -> None:
        self.parts: list[str] = []

    def write(self, text: str) -> None:
        self.parts.append(text)

    def flush(self) -> None:
        pass

    def __str__(self) -> str:
        return "".join(self.parts)


def _prompt(child) -> None:  # type: ignore[no-untyped-def]
    """Wait for the next prompt; a crash (end of output) fails with what the chat printed."""
    try:
        child.expect_exact(PROMPT)
    except (pexpect.EOF, pexpect.TIMEOUT):
        pytest.fail("the chat stopped answering:\n" + str(child.logfile_read)[-3000:])


def test_typing_many_messages_in_the_interactive_chat_never_crashes(tmp_path: Path) -> None:
    child = _spawn(tmp_path)
    _prompt(child)
    # Every line queues a reply and so starts an outbox pass in the chat and one in the background
    # worker; before the fix a few dozen lines were enough for a traceback.
    lines = ["/help", "/profiel", "Ans Jansen", "Afdeling Burgerzaken", "1", "/wie", "hallo"]
    typed = 0
    for _round in range(25):
        for line in lines:
            child.sendline(line)
            _prompt(child)
            typed += 1
    child.sendline("/exit")
    child.expect(pexpect.EOF)
    child.close()
    transcript = str(child.logfile_read)
    assert "Traceback" not in transcript and "Error" not in transcript, transcript[-3000:]
    assert child.exitstatus == 0, transcript[-3000:]
    assert transcript.count("Wat je kunt doen als medewerker") == 25  # every /help answered
    assert typed == 25 * len(lines)


def test_the_certificate_from_the_quiz_is_saved_where_the_chat_says(tmp_path: Path) -> None:
    """/toets in the terminal, answered right as a person reading the questions would; the
    certificate PDF lands in the folder the chat names, and is the certificate."""
    import io
    import re

    import pypdf

    from handlers.people.demo import console_external_id
    from storage import people
    from storage.db import make_engine, unit_of_work
    from tests.training.chat_helpers import quiz_position

    child = _spawn(tmp_path, "--name", "Anna Tester")
    _prompt(child)
    engine = make_engine(f"sqlite:///{tmp_path / 'data' / 'nis2bot.db'}")
    try:
        with unit_of_work(engine) as session:
            found = people.identity_lookup(
                session=session,
                platform="console",
                external_id=console_external_id("demo", "Anna Tester"),
            )
            assert found is not None
            person_id = found[1].id
        child.sendline("/toets")
        _prompt(child)
        for _question in range(10):
            option = quiz_position(engine, person_id, correct=True).split(".")[1]
            child.sendline(option)  # the number in front of the answer, as shown
            _prompt(child)
    finally:
        engine.dispose()
    child.sendline("/exit")
    child.expect(pexpect.EOF)
    transcript = str(child.logfile_read)
    assert "Geslaagd: 10 van de 10 goed" in transcript, transcript[-3000:]
    saved = re.search(r"→ opgeslagen: (\S+\.pdf)", transcript)
    assert saved, transcript[-3000:]
    path = Path(saved.group(1))
    assert path.parent == (tmp_path / "data" / "chat-attachments").resolve()
    text = " ".join(p.extract_text() for p in pypdf.PdfReader(io.BytesIO(path.read_bytes())).pages)
    assert "Anna Tester" in text and path.stem in text  # the certificate number is its name
