"""Logging the bot's Matrix account in, and the small values it keeps in the database (kv).

Order: an access token + device id from the settings; else the ones a first password login stored
in the database; else a password login, whose token and device id are then stored so every later
start reuses the same device (PITFALLS: a new device per start clutters the account). A stored
token that the homeserver no longer accepts falls back to the password when one is set. Secrets
never reach a log line or an error message.
"""

from __future__ import annotations

import asyncio
import json
import logging
from dataclasses import dataclass

from aiohttp import ClientError
from nio import AsyncClient, LoginError, LoginResponse, WhoamiError, WhoamiResponse
from sqlalchemy.engine import Engine

from bot.config import Settings
from bot.logs import add_secret
from bot.transports import TransportStartError
from storage import kv
from storage.clock import utc_now
from storage.db import unit_of_work

log = logging.getLogger(__name__)
DEVICE_NAME = "nis2bot"


def credentials_key(user_id: str) -> str:
    return f"matrix:credentials:{user_id}"


def since_key(user_id: str) -> str:
    return f"matrix:next_batch:{user_id}"


@dataclass(frozen=True)
class Credentials:
    access_token: str
    device_id: str
    source: str  # "settings", "database" or "password"


def read_kv(engine: Engine, key: str) -> str | None:
    with unit_of_work(engine) as session:
        return kv.get_value(session=session, key=key)


def write_kv(engine: Engine, key: str, value: str) -> None:
    with unit_of_work(engine) as session:
        kv.set_value(session=session, key=key, value=value, now=utc_now())


async def log_in(client: AsyncClient, settings: Settings, engine: Engine) -> Credentials:
    """Log ``client`` in and check the account with whoami; TransportStartError when impossible."""
    user_id = client.user
    try:
        return await _log_in(client, settings, engine, user_id)
    except (ClientError, TimeoutError, OSError) as error:
        raise TransportStartError(
            f"cannot reach the Matrix homeserver {settings.matrix_homeserver} "
            f"({type(error).__name__}); check NIS2BOT_MATRIX_HOMESERVER and the network"
        ) from None


async def _log_in(
    client: AsyncClient, settings: Settings, engine: Engine, user_id: str
) -> Credentials:
    password = settings.matrix_password.get_secret_value() if settings.matrix_password else None
    if settings.matrix_access_token:
        token = settings.matrix_access_token.get_secret_value()
        return await _restore(client, user_id, token, settings.matrix_device_id, "settings")
    stored_raw = await asyncio.to_thread(read_kv, engine, credentials_key(user_id))
    stored = json.loads(stored_raw) if stored_raw else None
    if stored:
        add_secret(stored.get("access_token"))  # a server that echoes it must not get it printed
        try:
            return await _restore(
                client, user_id, stored["access_token"], stored["device_id"], "database"
            )
        except TransportStartError:
            if not password:
                raise
            log.warning("the stored Matrix access token was refused; logging in with the password")
    if not password:
        raise TransportStartError(
            "Matrix needs NIS2BOT_MATRIX_ACCESS_TOKEN (with NIS2BOT_MATRIX_DEVICE_ID) or "
            "NIS2BOT_MATRIX_PASSWORD for a first login"
        )
    if stored:  # keep the same device across logins
        client.device_id = stored["device_id"]
    answer = await client.login(password, device_name=DEVICE_NAME)
    if not isinstance(answer, LoginResponse):
        reason = answer.message if isinstance(answer, LoginError) else type(answer).__name__
        raise TransportStartError(
            f"Matrix login as {user_id} failed: {reason}; check NIS2BOT_MATRIX_USER_ID and "
            "NIS2BOT_MATRIX_PASSWORD"
        )
    add_secret(answer.access_token)
    creds = Credentials(answer.access_token, answer.device_id, "password")
    await _whoami(client, user_id, "NIS2BOT_MATRIX_PASSWORD")
    value = json.dumps({"access_token": creds.access_token, "device_id": creds.device_id})
    await asyncio.to_thread(write_kv, engine, credentials_key(user_id), value)
    log.info("logged in to Matrix as %s with a password; device %s kept", user_id, creds.device_id)
    return creds


async def _restore(
    client: AsyncClient, user_id: str, token: str, device_id: str | None, source: str
) -> Credentials:
    client.restore_login(user_id, device_id or "", token)
    what = "NIS2BOT_MATRIX_ACCESS_TOKEN" if source == "settings" else "the stored access token"
    whoami = await _whoami(client, user_id, what)
    if not device_id:  # a token without its device id: ask the server which device it is
        device_id = whoami.device_id or ""
        client.device_id = device_id
    return Credentials(token, device_id, source)


async def _whoami(client: AsyncClient, user_id: str, what: str) -> WhoamiResponse:
    answer = await client.whoami()
    if not isinstance(answer, WhoamiResponse):
        reason = answer.message if isinstance(answer, WhoamiError) else type(answer).__name__
        raise TransportStartError(f"the Matrix homeserver refused {what}: {reason}")
    if answer.user_id != user_id:
        raise TransportStartError(
            f"{what} belongs to {answer.user_id}, not to NIS2BOT_MATRIX_USER_ID {user_id}"
        )
    return answer
