"""Logs never carry a secret, whatever library writes it, in text and in JSON."""

from __future__ import annotations

import io
import json
import logging

import pytest

from bot.config import Settings
from bot.logs import configure_logging

TOKEN = "123456789:AAHfakeFAKEfakeFAKEfakeFAKEfake_-12"
MATRIX = "syt_bm90X2FfcmVhbF90b2tlbg_abcdefghijkl_0a1b2c"


@pytest.fixture
def captured(tmp_path):  # type: ignore[no-untyped-def]
    root = logging.getLogger()
    saved = (list(root.handlers), root.level)

    def setup(fmt: str) -> io.StringIO:
        configure_logging(
            Settings(
                data_dir=tmp_path,
                log_format=fmt,
                telegram_token=TOKEN,
                matrix_access_token=MATRIX,
                matrix_password="correct horse battery",
                database_url="postgresql://bot:Pa55word!@db/nis2bot",
            )
        )
        stream = io.StringIO()
        root.handlers[0].stream = stream  # type: ignore[attr-defined]
        return stream

    yield setup
    root.handlers[:] = saved[0]
    root.setLevel(saved[1])


@pytest.mark.parametrize("fmt", ["text", "json"])
def test_configured_and_shaped_secrets_are_masked(captured, fmt: str) -> None:  # type: ignore[no-untyped-def]
    stream = captured(fmt)
    log = logging.getLogger("nis2bot.test")
    log.warning("POST https://api.telegram.org/bot%s/getUpdates failed", TOKEN)
    log.warning("login with password correct horse battery and %s", MATRIX)
    log.warning("db postgresql://bot:Pa55word!@db/nis2bot and another 987654321:%s", "x" * 35)
    try:
        raise RuntimeError(f"token {TOKEN} refused")
    except RuntimeError:
        log.exception("boom")
    out = stream.getvalue()
    for secret in (TOKEN, MATRIX, "correct horse battery", "Pa55word!", "x" * 35):
        assert secret not in out
    assert out.count("***") >= 5
    if fmt == "json":
        entries = [json.loads(line) for line in out.splitlines() if line.startswith("{")]
        assert len(entries) == 4 and entries[-1]["level"] == "ERROR" and "error" in entries[-1]


def test_http_client_loggers_that_print_urls_stay_quiet(captured) -> None:  # type: ignore[no-untyped-def]
    captured("text")
    assert logging.getLogger("httpx").getEffectiveLevel() >= logging.WARNING
    assert logging.getLogger("nio").getEffectiveLevel() >= logging.WARNING


def test_a_library_that_sets_its_own_logger_to_debug_stays_quiet(captured) -> None:  # type: ignore[no-untyped-def]
    stream = captured("text")
    chatty = logging.getLogger("bm25s-like")
    chatty.setLevel(logging.DEBUG)  # as bm25s does when it is imported
    chatty.debug("Building index from tokens")
    chatty.warning("a real warning")
    out = stream.getvalue()
    assert "Building index" not in out and "a real warning" in out
