"""Cross-signing for the bot's Matrix account, so that Element trusts its device.

matrix-nio has no cross-signing. Element (with "exclude insecure devices", and matrix-js-sdk in
``OnlySignedDevicesIsolationMode``) refuses messages from a device that its owner did not sign
with a self-signing key, and warns when an account's master key changes ("identity reset"). So
the account gets a master key, a self-signing key (signed by the master key) and a user-signing
key, each Ed25519 (pycryptodome), and every device of the bot is signed with the self-signing key.

The private keys are made once and kept in the product database, sealed with
``NIS2BOT_MATRIX_SECRET_KEY`` (storage.matrix_crypto), *before* the public keys are uploaded: a
restart, a standby taking over, or a new device (a fresh login) signs itself with the same keys,
so people never see an identity reset. The first upload needs no password: Synapse allows a first
upload of cross-signing keys without interactive auth (MSC3967).

Signatures follow the spec: Ed25519 over the canonical JSON of the object without
``signatures`` and ``unsigned``, keys and signatures in unpadded base64.
"""

from __future__ import annotations

import asyncio
import json
import logging
from dataclasses import dataclass
from typing import Any

from Crypto.PublicKey import ECC
from Crypto.Signature import eddsa
from nio import AsyncClient
from sqlalchemy.engine import Engine
from unpaddedbase64 import encode_base64

from bot.transports.matrix_http import PREFIX, call
from bot.transports.matrix_secret import seal, unseal
from storage import matrix_crypto
from storage.clock import utc_now
from storage.db import unit_of_work

log = logging.getLogger(__name__)
PURPOSE = "cross-signing"
USAGES = ("master", "self_signing", "user_signing")


def canonical_json(value: Any) -> bytes:
    return json.dumps(value, ensure_ascii=False, separators=(",", ":"), sort_keys=True).encode()


class SigningKey:
    def __init__(self, seed: bytes) -> None:
        self.seed = seed
        self._key = ECC.construct(curve="Ed25519", seed=seed)
        self.public = encode_base64(self._key.public_key().export_key(format="raw"))

    @classmethod
    def generate(cls) -> SigningKey:
        return cls(ECC.generate(curve="Ed25519").seed)

    @property
    def key_id(self) -> str:
        return f"ed25519:{self.public}"

    def sign(self, obj: dict[str, Any]) -> str:
        unsigned = {k: v for k, v in obj.items() if k not in ("signatures", "unsigned")}
        return encode_base64(eddsa.new(self._key, "rfc8032").sign(canonical_json(unsigned)))

    def add_signature(self, user_id: str, obj: dict[str, Any]) -> dict[str, Any]:
        signature = self.sign(obj)
        signed = dict(obj)
        signatures = {u: dict(s) for u, s in (obj.get("signatures") or {}).items()}
        signatures.setdefault(user_id, {})[self.key_id] = signature
        signed["signatures"] = signatures
        return signed


@dataclass
class CrossSigningKeys:
    master: SigningKey
    self_signing: SigningKey
    user_signing: SigningKey

    @classmethod
    def generate(cls) -> CrossSigningKeys:
        return cls(SigningKey.generate(), SigningKey.generate(), SigningKey.generate())

    def to_bytes(self) -> bytes:
        return json.dumps(
            {u: encode_base64(getattr(self, u).seed) for u in USAGES}, sort_keys=True
        ).encode()

    @classmethod
    def from_bytes(cls, raw: bytes) -> CrossSigningKeys:
        from unpaddedbase64 import decode_base64

        seeds = json.loads(raw)
        return cls(*(SigningKey(decode_base64(seeds[u])) for u in USAGES))

    def upload_body(self, user_id: str) -> dict[str, Any]:
        def key(usage: str, signing: SigningKey) -> dict[str, Any]:
            return {"user_id": user_id, "usage": [usage], "keys": {signing.key_id: signing.public}}

        return {
            "master_key": key("master", self.master),
            "self_signing_key": self.master.add_signature(
                user_id, key("self_signing", self.self_signing)
            ),
            "user_signing_key": self.master.add_signature(
                user_id, key("user_signing", self.user_signing)
            ),
        }


class CrossSigningError(Exception):
    """The account's identity on the server is not the one kept in the database."""


async def ensure_cross_signing(
    client: AsyncClient, engine: Engine, secret: str
) -> CrossSigningKeys:
    """The account's cross-signing keys (made and uploaded once), with this device signed."""
    user_id = client.user_id
    keys = await asyncio.to_thread(_load, engine, secret, user_id)
    server = await _query_own(client)
    server_master = _only_key(server.get("master_keys", {}).get(user_id))
    if keys is None:
        if server_master is not None:
            raise CrossSigningError(
                f"the Matrix account {user_id} already has cross-signing keys that this bot "
                "does not hold (set up with another client); reset them in that client or use a "
                "fresh account for the bot"
            )
        keys = CrossSigningKeys.generate()
        await asyncio.to_thread(_save, engine, secret, user_id, keys)
        log.info("Matrix: made cross-signing keys for %s (master %s)", user_id, keys.master.public)
    if server_master != keys.master.public:
        if server_master is not None:
            raise CrossSigningError(
                f"the cross-signing identity of {user_id} on the homeserver was replaced by "
                "another client; the bot keeps its own and will not reset it silently"
            )
        await call(
            client, "POST", f"{PREFIX}/keys/device_signing/upload", keys.upload_body(user_id)
        )
        log.info("Matrix: uploaded the cross-signing keys of %s", user_id)
        server = await _query_own(client)
    await sign_device(client, keys, server)
    return keys


async def sign_device(client: AsyncClient, keys: CrossSigningKeys, server: dict[str, Any]) -> bool:
    """Sign this device with the self-signing key unless it already is. True when it signed."""
    user_id, device_id = client.user_id, client.device_id
    device = (server.get("device_keys", {}).get(user_id) or {}).get(device_id)
    if device is None:
        raise CrossSigningError(f"device {device_id} has no keys on the homeserver yet")
    if keys.self_signing.key_id in (device.get("signatures") or {}).get(user_id, {}):
        return False
    unsigned = {k: v for k, v in device.items() if k not in ("signatures", "unsigned")}
    signed = dict(
        unsigned, signatures={user_id: {keys.self_signing.key_id: keys.self_signing.sign(unsigned)}}
    )
    answer = await call(
        client, "POST", f"{PREFIX}/keys/signatures/upload", {user_id: {device_id: signed}}
    )
    failures = (answer or {}).get("failures") or {}
    if failures:
        raise CrossSigningError(f"signing device {device_id} failed: {json.dumps(failures)[:300]}")
    log.info("Matrix: device %s signed with the account's self-signing key", device_id)
    return True


async def _query_own(client: AsyncClient) -> dict[str, Any]:
    return (
        await call(client, "POST", f"{PREFIX}/keys/query", {"device_keys": {client.user_id: []}})
        or {}
    )


def _only_key(key: dict[str, Any] | None) -> str | None:
    if not key:
        return None
    values = list((key.get("keys") or {}).values())
    return str(values[0]) if values else None


def _load(engine: Engine, secret: str, user_id: str) -> CrossSigningKeys | None:
    with unit_of_work(engine) as session:
        row = matrix_crypto.load_cross_signing(session=session, user_id=user_id)
        if row is None:
            return None
        return CrossSigningKeys.from_bytes(unseal(secret, PURPOSE, row.blob))


def _save(engine: Engine, secret: str, user_id: str, keys: CrossSigningKeys) -> None:
    with unit_of_work(engine) as session:
        matrix_crypto.save_cross_signing(
            session=session,
            user_id=user_id,
            master_key=keys.master.public,
            blob=seal(secret, PURPOSE, keys.to_bytes()),
            now=utc_now(),
        )
