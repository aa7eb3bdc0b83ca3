"""Start-up: token, stored credentials, password login, and clear errors without secrets."""

from __future__ import annotations

import json
import logging

import pytest
from pydantic import SecretStr
from sqlalchemy.engine import Engine

from bot.app import build_runtime
from bot.transports import TransportStartError
from bot.transports.matrix import MatrixTransport
from bot.transports.matrix_login import credentials_key, read_kv
from tests.fakes.aio import run
from tests.fakes.synapse import SynapseServer
from tests.transports_matrix.helpers import bot_settings

pytestmark = pytest.mark.slow


def _transport(settings, engine: Engine) -> MatrixTransport:  # type: ignore[no-untyped-def]
    return MatrixTransport(settings, build_runtime(settings, {}, engine=engine))


def _devices(synapse: SynapseServer, token: str) -> set[str]:
    answer = synapse.request("GET", "/_matrix/client/v3/devices", token=token)
    return {d["device_id"] for d in answer["devices"]}


def test_password_login_is_stored_and_reused_with_the_same_device(
    synapse: SynapseServer, sqlite_engine: Engine, tmp_path, caplog
) -> None:  # type: ignore[no-untyped-def]
    caplog.set_level(logging.DEBUG, logger="bot")
    bot = synapse.make_user("bot")
    settings = bot_settings(
        synapse, bot, tmp_path, matrix_access_token=None, matrix_device_id=None
    ).model_copy(update={"matrix_password": _secret(bot.password)})

    async def main() -> None:
        first = _transport(settings, sqlite_engine)
        await first.start()
        await first.close()
        stored = json.loads(read_kv(sqlite_engine, credentials_key(bot.user_id)) or "{}")
        assert stored["device_id"] and stored["access_token"]
        assert stored["access_token"] not in caplog.text and bot.password not in caplog.text
        second = _transport(settings, sqlite_engine)
        await second.start()  # reuses the stored token: no second login, no new device
        assert second.client is not None and second.client.device_id == stored["device_id"]
        assert second.client.access_token == stored["access_token"]
        await second.close()
        assert _devices(synapse, stored["access_token"]) == {bot.device_id, stored["device_id"]}

        # The stored token was revoked (logged out elsewhere): the password logs in again, on the
        # same device id.
        synapse.request("POST", "/_matrix/client/v3/logout", {}, token=stored["access_token"])
        third = _transport(settings, sqlite_engine)
        await third.start()
        await third.close()
        renewed = json.loads(read_kv(sqlite_engine, credentials_key(bot.user_id)) or "{}")
        assert renewed["access_token"] != stored["access_token"]
        assert renewed["device_id"] == stored["device_id"]

    run(main())


def test_bad_credentials_fail_with_a_clear_message_and_no_secret(
    synapse: SynapseServer, sqlite_engine: Engine, tmp_path
) -> None:  # type: ignore[no-untyped-def]
    bot = synapse.make_user("bot")

    async def refused(**changes) -> str:  # type: ignore[no-untyped-def]
        settings = bot_settings(synapse, bot, tmp_path).model_copy(update=changes)
        transport = _transport(settings, sqlite_engine)
        with pytest.raises(TransportStartError) as error:
            await transport.start()
        return str(error.value)

    async def main() -> None:
        message = await refused(matrix_access_token=_secret("syt_not_a_real_token"))
        assert "refused NIS2BOT_MATRIX_ACCESS_TOKEN" in message and "syt_not" not in message
        message = await refused(
            matrix_access_token=None, matrix_device_id=None, matrix_password=_secret("wrong-pw")
        )
        assert "Matrix login as" in message and "NIS2BOT_MATRIX_PASSWORD" in message
        assert "wrong-pw" not in message
        message = await refused(matrix_access_token=None, matrix_device_id=None)
        assert "NIS2BOT_MATRIX_PASSWORD for a first login" in message
        message = await refused(matrix_user_id="@someone-else:localhost")
        assert "not to NIS2BOT_MATRIX_USER_ID" in message
        message = await refused(matrix_homeserver="http://127.0.0.1:9")
        assert "cannot reach the Matrix homeserver" in message
        message = await refused(matrix_homeserver=None)
        assert "NIS2BOT_MATRIX_HOMESERVER" in message

    run(main())


def _secret(value: str) -> SecretStr:
    return SecretStr(value)
