"""`nis2bot run` as operators start it: Telegram (Bot API fake) and Matrix (real Synapse) in one
process. A person enrols on Telegram, links their Matrix account with /koppel, uses the bot there,
and SIGTERM stops the service cleanly."""

from __future__ import annotations

import json
import os
import re
import signal
import socket
import subprocess
import sys
import time
import urllib.request
from datetime import timedelta
from pathlib import Path

import pytest

from handlers.people.invites import make_invite
from storage import organisations
from storage.clock import utc_now
from storage.db import make_engine, migrate, unit_of_work
from storage.enums import Role
from tests.fakes.aio import run
from tests.transports_matrix.helpers import Person

pytestmark = pytest.mark.slow


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


def _health(port: int) -> dict[str, object] | None:
    try:
        with urllib.request.urlopen(f"http://127.0.0.1:{port}/healthz", timeout=2) as response:
            return json.loads(response.read())
    except OSError:
        return None


def test_nis2bot_run_serves_telegram_and_matrix_at_once(
    telegram_api, synapse, tmp_path: Path
) -> None:  # type: ignore[no-untyped-def]
    url = f"sqlite:///{tmp_path / 'bot.db'}"
    engine = make_engine(url)
    migrate(engine)
    with unit_of_work(engine) as s:
        org = organisations.create_organisation(
            session=s, slug="demo", name="Gemeente Demo", country="nl",
            timezone="Europe/Amsterdam", now=utc_now(),
        )  # fmt: skip
        code = make_invite(
            session=s, organisation_id=org.id, role=Role.ISMT, uses=1,  # type: ignore[arg-type]
            valid_for=timedelta(days=1), now=utc_now(), actor="test",
        ).code  # fmt: skip
    engine.dispose()
    bot_user = synapse.make_user("nis2bot")
    port = _free_port()
    env = {
        **os.environ,
        "NIS2BOT_DATABASE_URL": url,
        "NIS2BOT_DATA_DIR": str(tmp_path),
        "NIS2BOT_TELEGRAM_TOKEN": telegram_api.token,
        "NIS2BOT_TELEGRAM_API_URL": telegram_api.base_url,
        "NIS2BOT_TELEGRAM_POLL_TIMEOUT": "1",
        "NIS2BOT_MATRIX_HOMESERVER": synapse.url,
        "NIS2BOT_MATRIX_USER_ID": bot_user.user_id,
        "NIS2BOT_MATRIX_ACCESS_TOKEN": bot_user.access_token,
        "NIS2BOT_MATRIX_DEVICE_ID": bot_user.device_id,
        "NIS2BOT_MATRIX_SYNC_TIMEOUT_MS": "1000",
        # Encryption is on by default, so a real start needs the key that seals its keys.
        "NIS2BOT_MATRIX_SECRET_KEY": "run-both test secret, never printed",
        "NIS2BOT_METRICS_PORT": str(port),
    }
    env.pop("NIS2BOT_CONFIG", None)
    service = subprocess.Popen(
        [sys.executable, "-m", "bot", "run"], env=env, stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT, text=True, cwd=Path(__file__).resolve().parents[1],
    )  # fmt: skip
    try:
        deadline = time.monotonic() + 60
        while (health := _health(port)) is None or health.get("platforms") != [
            "matrix",
            "telegram",
        ]:
            assert service.poll() is None, service.stdout.read() if service.stdout else ""
            assert time.monotonic() < deadline, f"not ready: {health}"
            time.sleep(0.2)
        assert health["role"] == "leader"

        anna = telegram_api.add_user("Anna", username="anna")
        telegram_api.send_text(anna, f"/start {code}")
        welcome = telegram_api.wait_for_sent_sync(anna, count=2, timeout=30)
        assert any("ISMT-lid" in m.text for m in welcome), [m.text for m in welcome]
        telegram_api.send_text(anna, "/stop")
        telegram_api.send_text(anna, "/koppel")
        sent = telegram_api.wait_until_sync(
            lambda: next((m.text for m in telegram_api.sent(anna) if "/koppel " in m.text), None),
            timeout=30,
        )
        link_code = re.search(r"/koppel ([A-Z0-9]{10})", sent).group(1)  # type: ignore[union-attr]

        async def on_matrix() -> list[str]:
            async with Person(synapse.make_user("anna")) as person:
                room = await person.open_direct_chat(bot_user.user_id)
                # As in Element: the bot joins and greets; what was typed before it joined is
                # history it deliberately does not answer.
                await person.wait_for_messages(room, bot_user.user_id, 1, timeout=60)
                await person.say(room, f"!koppel {link_code}")
                await person.wait_for_messages(room, bot_user.user_id, 2, timeout=60)
                await person.say(room, "!wie")
                found = await person.wait_for_messages(room, bot_user.user_id, 3, timeout=60)
                return [str(e.source["content"].get("body", "")) for e in found]

        bodies = run(on_matrix())
        assert any("Gekoppeld" in b for b in bodies), bodies
        assert any("ISMT-lid" in b for b in bodies[-1:]), bodies  # the same person, the same role
        assert telegram_api.duplicates() == []
    finally:
        service.send_signal(signal.SIGTERM)
        try:
            code = service.wait(timeout=30)
        except subprocess.TimeoutExpired:
            service.kill()
            raise
    output = service.stdout.read() if service.stdout else ""
    assert code == 0, output
    assert telegram_api.token not in output and bot_user.access_token not in output
