"""A homeserver that echoes the request in its error (issue #15, item 7): the fatal start-up line and
the log of ``nis2bot run`` show neither the Matrix password nor an access token, whether it came
from the settings or from the database, as is, JSON-escaped or URL-encoded."""

from __future__ import annotations

import json
import threading
from collections.abc import Iterator
from datetime import UTC, datetime
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from urllib.parse import unquote

import pytest
from click.testing import CliRunner

from bot.cli import Obj, main
from bot.logs import add_secret, redact
from bot.transports.matrix_login import credentials_key
from storage import kv
from storage.db import make_engine, unit_of_work

PASSWORD = 'pa"ss\\wörd/&x=1'  # needs escaping in JSON and in a URL
SETTINGS_TOKEN = "tok-from-settings-4f9a1c"
STORED_TOKEN = "tok-from-database-77e2b0"  # no syt_ prefix: no pattern would catch it
MATRIX_SECRET_KEY = "seal-key-9c1d4e"  # NIS2BOT_MATRIX_SECRET_KEY: never printed either


class _Echo(BaseHTTPRequestHandler):
    """Answers every request 403 with the whole request in the error text."""

    def _echo(self) -> None:
        length = int(self.headers.get("Content-Length") or 0)
        body = self.rfile.read(length).decode("utf-8", "replace") if length else ""
        said = f"{self.command} {self.path} {dict(self.headers)} {body} {unquote(self.path)}"
        data = json.dumps({"errcode": "M_FORBIDDEN", "error": f"you sent: {said}"}).encode()
        self.send_response(403)
        self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(len(data)))
        self.end_headers()
        self.wfile.write(data)

    do_GET = do_POST = do_PUT = _echo

    def log_message(self, *args: object) -> None:
        pass


@pytest.fixture
def echo_server() -> Iterator[str]:
    server = ThreadingHTTPServer(("127.0.0.1", 0), _Echo)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{server.server_address[1]}"
    server.shutdown()
    server.server_close()


def _run(db_url: str, tmp_path, monkeypatch, **env: str) -> str:  # type: ignore[no-untyped-def]
    for name in ("NIS2BOT_CONFIG", "NIS2BOT_TELEGRAM_TOKEN", "NIS2BOT_MATRIX_ACCESS_TOKEN"):
        monkeypatch.delenv(name, raising=False)
    monkeypatch.setenv("NIS2BOT_DATABASE_URL", db_url)
    monkeypatch.setenv("NIS2BOT_DATA_DIR", str(tmp_path))
    monkeypatch.setenv("NIS2BOT_LOG_LEVEL", "DEBUG")  # the most a log could ever say
    # Encryption is on by default: the key that seals the bot's Matrix keys is a secret too.
    monkeypatch.setenv("NIS2BOT_MATRIX_SECRET_KEY", MATRIX_SECRET_KEY)
    for name, value in env.items():
        monkeypatch.setenv(name, value)
    result = CliRunner().invoke(main, ["run"], obj=Obj(None))
    assert result.exit_code != 0, result.output
    assert _leaks(result.output, MATRIX_SECRET_KEY) == []
    return result.output


def _leaks(output: str, *secrets: str) -> list[str]:
    forms = set()
    for secret in secrets:
        forms |= {secret, json.dumps(secret)[1:-1], json.dumps(secret, ensure_ascii=False)[1:-1]}
    return [form for form in forms if form in output]


def test_an_echoed_password_is_masked_in_the_fatal_line(
    db_url, tmp_path, monkeypatch, echo_server
) -> None:  # type: ignore[no-untyped-def]
    output = _run(
        db_url,
        tmp_path,
        monkeypatch,
        NIS2BOT_MATRIX_HOMESERVER=echo_server,
        NIS2BOT_MATRIX_USER_ID="@bot:localhost",
        NIS2BOT_MATRIX_PASSWORD=PASSWORD,
    )
    assert "Matrix login as @bot:localhost failed" in output
    assert "you sent: POST" in output  # the server's reply is shown, only the secret is masked
    assert _leaks(output, PASSWORD) == []


def test_an_echoed_access_token_is_masked_from_the_settings_and_from_the_database(
    db_url, tmp_path, monkeypatch, echo_server
) -> None:  # type: ignore[no-untyped-def]
    common = {
        "NIS2BOT_MATRIX_HOMESERVER": echo_server,
        "NIS2BOT_MATRIX_USER_ID": "@bot:localhost",
    }
    output = _run(
        db_url,
        tmp_path,
        monkeypatch,
        NIS2BOT_MATRIX_ACCESS_TOKEN=SETTINGS_TOKEN,
        NIS2BOT_MATRIX_DEVICE_ID="DEV",
        **common,
    )
    assert "refused NIS2BOT_MATRIX_ACCESS_TOKEN" in output and "you sent: GET" in output
    assert _leaks(output, SETTINGS_TOKEN) == []

    engine = make_engine(db_url)
    with unit_of_work(engine) as session:
        kv.set_value(
            session=session,
            key=credentials_key("@bot:localhost"),
            value=json.dumps({"access_token": STORED_TOKEN, "device_id": "DEV"}),
            now=datetime(2026, 3, 1, tzinfo=UTC),
        )
    engine.dispose()
    monkeypatch.delenv("NIS2BOT_MATRIX_ACCESS_TOKEN")
    monkeypatch.delenv("NIS2BOT_MATRIX_DEVICE_ID")
    output = _run(db_url, tmp_path, monkeypatch, **common)
    assert "refused the stored access token" in output and "you sent: GET" in output
    assert _leaks(output, STORED_TOKEN) == []


def test_learnt_secrets_are_masked_in_every_form() -> None:
    add_secret("learnt-secret-é&/+")
    text = 'a learnt-secret-é&/+ b "learnt-secret-\\u00e9&/+" c learnt-secret-%C3%A9%26%2F%2B d'
    masked = redact(text, [])
    assert "learnt" not in masked and masked.count("***") == 3
