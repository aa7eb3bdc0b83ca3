"""A real ``nis2bot chat`` process killed with SIGKILL in the middle of the quiz comes back with the
same question and the same options (the drawn questions live in the dialog draft)."""

from __future__ import annotations

from pathlib import Path

import pytest

from tests.test_kill_resume import ChatProcess

pytestmark = pytest.mark.slow


def _question_after(chat: ChatProcess, header: str) -> list[str]:
    """The question line and its first three options (every question has three or four)."""
    chat.wait_for(header)
    lines = [chat.wait_for("")]
    while not lines[-1].strip().startswith("3)"):
        lines.append(chat.wait_for(""))
    return lines


def test_sigkill_mid_quiz_resumes_the_same_question(tmp_path: Path) -> None:
    chat = ChatProcess(tmp_path, "--name", "Kim")
    chat.wait_for("je bent Kim")
    chat.send("/toets")
    chat.wait_for("Vraag 1 van 10")
    chat.send("1")
    before = _question_after(chat, "Vraag 2 van 10")
    chat.kill()
    chat = ChatProcess(tmp_path, "--name", "Kim")
    after = _question_after(chat, "Vraag 2 van 10")  # the open question comes back by itself
    assert after == before
    chat.send("/stop")
    chat.wait_for("Gestopt")
    chat.proc.stdin.close()  # type: ignore[union-attr]
    assert chat.proc.wait(timeout=60) == 0
