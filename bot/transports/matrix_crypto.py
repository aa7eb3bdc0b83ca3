"""End-to-end encryption for the Matrix transport (``NIS2BOT_MATRIX_E2EE``).

matrix-nio with its ``e2e`` extra (vodozemac, no libolm) encrypts and decrypts; this module adds
what the bot needs around it:

- **The crypto store lives in the product database.** nio keeps its store in a SQLite file under
  the data directory; that file is only a working copy. After every sync batch that changed it
  (and after every key upload) it is sealed with ``NIS2BOT_MATRIX_SECRET_KEY`` and saved in
  ``matrix_crypto_store``, *before* the batch's sync token is stored. At start the working copy is
  laid anew from the database. So a standby that takes over on PostgreSQL, or a container that
  lost its disk, is the same device with the same Olm account and sessions, not a stranger.
  (nio's Olm pickles inside are encrypted with a key derived from the same secret.)
- **At-least-once to-device messages.** The sync loop stores ``next_batch`` only after a batch
  was handled and the store saved; a crash replays the batch. Room keys are imported again
  (idempotent); an Olm message that was already decrypted fails once more and is logged, while the
  session made the first time stays, because the saved store is never older than the token.
- **Cross-signing** (matrix_cross_signing): the device is signed by the account's self-signing
  key, kept in the database, so Element in strict mode accepts the bot's messages and a restart or
  new device causes no identity warning.
- **Trust on first use** for people's devices: the bot shares room keys with every device of the
  room's members (``ignore_unverified_devices``); it cannot verify people interactively.
"""

from __future__ import annotations

import asyncio
import hashlib
import logging
import os
import sqlite3
from pathlib import Path

from nio import AsyncClient
from sqlalchemy.engine import Engine

from bot.config import Settings
from bot.transports import TransportStartError
from bot.transports.matrix_cross_signing import (
    CrossSigningError,
    CrossSigningKeys,
    ensure_cross_signing,
)
from bot.transports.matrix_secret import SecretMismatch, derive, seal, unseal
from storage import matrix_crypto
from storage.clock import utc_now
from storage.db import unit_of_work

log = logging.getLogger(__name__)
STORE_PURPOSE = "crypto-store"


def secret_of(settings: Settings) -> str:
    if settings.matrix_secret_key is None or not settings.matrix_secret_key.get_secret_value():
        raise TransportStartError(
            "Matrix end-to-end encryption is on (NIS2BOT_MATRIX_E2EE) but "
            "NIS2BOT_MATRIX_SECRET_KEY is not set; set a long random secret (it protects the "
            "stored keys) or set NIS2BOT_MATRIX_E2EE=false"
        )
    return settings.matrix_secret_key.get_secret_value()


def pickle_key(settings: Settings) -> str:
    return derive(secret_of(settings), "olm-pickle").hex()


class CryptoKeeper:
    def __init__(self, settings: Settings, engine: Engine) -> None:
        self.secret = secret_of(settings)
        self.engine = engine
        self.store_dir = Path(settings.data_dir) / "matrix-crypto"
        self._digest: str | None = None
        self.keys: CrossSigningKeys | None = None

    def store_file(self, client: AsyncClient) -> Path:
        return self.store_dir / f"{client.user_id}_{client.device_id}.db"

    async def open(self, client: AsyncClient) -> None:
        """After the login: lay the working copy from the database, load it, publish the
        device keys, cross-sign the device. TransportStartError when that cannot work."""
        self.store_dir.mkdir(parents=True, exist_ok=True)
        try:
            await asyncio.to_thread(self._restore, client)
        except SecretMismatch as error:
            raise TransportStartError(str(error)) from None
        client.store_path = str(self.store_dir)
        client.load_store()
        if client.should_upload_keys:
            await client.keys_upload()
        await self.save(client)
        try:
            self.keys = await ensure_cross_signing(client, self.engine, self.secret)
        except (CrossSigningError, SecretMismatch) as error:
            raise TransportStartError(f"Matrix encryption: {error}") from None
        log.info("Matrix: end-to-end encryption on, device %s cross-signed", client.device_id)

    def _restore(self, client: AsyncClient) -> None:
        with unit_of_work(self.engine) as session:
            row = matrix_crypto.load_store(session=session, user_id=client.user_id)
            if row is None or row.device_id != client.device_id:
                return  # a new device starts with a new store (and is cross-signed below)
            blob, digest = row.blob, row.digest
        plain = unseal(self.secret, STORE_PURPOSE, blob)
        path = self.store_file(client)
        temporary = path.with_suffix(".restoring")
        temporary.write_bytes(plain)
        os.replace(temporary, path)
        self._digest = digest

    async def after_sync(self, client: AsyncClient) -> None:
        """Keys to publish, people's devices to learn, Olm sessions to claim; then save."""
        if client.should_upload_keys:
            await client.keys_upload()
        if client.should_query_keys:
            await client.keys_query()
        if client.should_claim_keys:
            await client.keys_claim(client.get_users_for_key_claiming())
        await self.save(client)

    async def save(self, client: AsyncClient) -> None:
        await asyncio.to_thread(self._save, client)

    def _save(self, client: AsyncClient) -> None:
        path = self.store_file(client)
        if not path.exists():
            return
        source = sqlite3.connect(path)
        try:
            plain = source.serialize()
        finally:
            source.close()
        digest = hashlib.sha256(plain).hexdigest()
        if digest == self._digest:
            return
        with unit_of_work(self.engine) as session:
            matrix_crypto.save_store(
                session=session,
                user_id=client.user_id,
                device_id=client.device_id,
                digest=digest,
                blob=seal(self.secret, STORE_PURPOSE, plain),
                now=utc_now(),
            )
        self._digest = digest
