"""A real ``nis2bot chat`` process killed with SIGKILL at every dialog step loses nothing."""

from __future__ import annotations

import os
import queue
import signal
import subprocess
import sys
import threading
from pathlib import Path

import pytest

from storage import people
from storage.db import make_engine, unit_of_work

pytestmark = pytest.mark.slow


class ChatProcess:
    def __init__(self, data_dir: Path, *args: str) -> None:
        env = {**os.environ, "NIS2BOT_DATA_DIR": str(data_dir), "PYTHONUNBUFFERED": "1"}
        env.pop("NIS2BOT_DATABASE_URL", None)
        self.proc = subprocess.Popen(
            [sys.executable, "-m", "bot", "chat", *args],
            stdin=subprocess.PIPE,
            stdout=subprocess.PIPE,
            stderr=subprocess.STDOUT,
            text=True,
            env=env,
        )
        self.lines: queue.Queue[str] = queue.Queue()
        self.seen: list[str] = []
        threading.Thread(target=self._pump, daemon=True).start()

    def _pump(self) -> None:
        assert self.proc.stdout is not None
        for line in self.proc.stdout:
            self.lines.put(line)

    def send(self, text: str) -> None:
        assert self.proc.stdin is not None
        self.proc.stdin.write(text + "\n")
        self.proc.stdin.flush()

    def wait_for(self, needle: str, timeout: float = 60) -> str:
        """Wait (for the process, not for a time-based assertion) until ``needle`` is printed."""
        while True:
            try:
                line = self.lines.get(timeout=timeout)
            except queue.Empty:
                raise AssertionError(
                    f"never printed {needle!r}; got: {''.join(self.seen)}"
                ) from None
            self.seen.append(line)
            if needle in line:
                return line

    def kill(self) -> None:
        self.proc.send_signal(signal.SIGKILL)
        self.proc.wait(timeout=30)


STEPS = [
    ("/profiel", "Wat is je naam?"),
    ("Kim Kiel", "Bij welke afdeling"),
    ("Burgerzaken", "In welke taal"),
    ("English", "Your profile is saved"),
]


def test_sigkill_after_every_step_resumes_where_the_person_left_off(tmp_path: Path) -> None:
    for index, (text, expected) in enumerate(STEPS):
        chat = ChatProcess(tmp_path, "--name", "Kim")
        chat.wait_for("je bent Kim")  # the language only changes at the last step
        if index > 0:
            # after the restart the open question comes back by itself
            chat.wait_for(STEPS[index - 1][1])
        chat.send(text)
        chat.wait_for(expected)
        chat.kill()
    engine = make_engine(f"sqlite:///{tmp_path / 'nis2bot.db'}")
    with unit_of_work(engine) as session:
        found = people.identity_lookup(session=session, platform="console", external_id="demo:kim")
        assert found is not None
        person = found[1]
        assert (person.name, person.department, person.language) == (
            "Kim Kiel",
            "Burgerzaken",
            "en",
        )


def test_sigkill_right_after_sending_keeps_a_consistent_state(tmp_path: Path) -> None:
    chat = ChatProcess(tmp_path, "--name", "Lou")
    chat.wait_for("je bent Lou")
    chat.send("/profiel")
    chat.wait_for("Wat is je naam?")
    chat.send("Lou Lim")
    chat.kill()  # maybe before, maybe after the commit: either way nothing half-done
    chat = ChatProcess(tmp_path, "--name", "Lou")
    open_question = chat.wait_for("?")
    while "bezig met" in open_question or "je bent" in open_question:
        open_question = chat.wait_for("?")
    if "Wat is je naam?" in open_question:
        chat.send("Lou Lim")
        chat.wait_for("Bij welke afdeling")
    else:
        assert "Bij welke afdeling" in open_question
    chat.send("/stop")
    chat.wait_for("Gestopt")
    chat.send("/wie")
    chat.wait_for("Lou Lim")
    chat.proc.stdin.close()  # type: ignore[union-attr]
    assert chat.proc.wait(timeout=60) == 0
