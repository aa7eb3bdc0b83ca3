"""Keys derived from ``NIS2BOT_MATRIX_SECRET_KEY``, and sealing bytes with them (AES-256-GCM).

pycryptodome is already there (matrix-nio depends on it), so no new library is needed. Each use
gets its own key (``purpose``), so the Olm pickle key, the store snapshot key and the
cross-signing key are never the same bytes. A wrong secret fails loudly (the GCM tag does not
match): the bot refuses to start rather than making a new identity.
"""

from __future__ import annotations

import hashlib
import hmac
import os

from Crypto.Cipher import AES

VERSION = b"n2b1"


class SecretMismatch(Exception):
    """The stored data was sealed with another secret key (or was changed)."""


def derive(secret: str, purpose: str) -> bytes:
    return hmac.new(secret.encode(), b"nis2bot matrix " + purpose.encode(), hashlib.sha256).digest()


def seal(secret: str, purpose: str, plain: bytes) -> bytes:
    nonce = os.urandom(12)
    cipher = AES.new(derive(secret, purpose), AES.MODE_GCM, nonce=nonce)
    cipher.update(VERSION + purpose.encode())
    body, tag = cipher.encrypt_and_digest(plain)
    return VERSION + nonce + tag + body


def unseal(secret: str, purpose: str, sealed: bytes) -> bytes:
    if not sealed.startswith(VERSION) or len(sealed) < 4 + 12 + 16:
        raise SecretMismatch("not a sealed value")
    nonce, tag, body = sealed[4:16], sealed[16:32], sealed[32:]
    cipher = AES.new(derive(secret, purpose), AES.MODE_GCM, nonce=nonce)
    cipher.update(VERSION + purpose.encode())
    try:
        return cipher.decrypt_and_verify(body, tag)
    except ValueError:
        raise SecretMismatch(
            "the stored Matrix keys were sealed with another NIS2BOT_MATRIX_SECRET_KEY"
        ) from None
