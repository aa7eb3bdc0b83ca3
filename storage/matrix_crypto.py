"""The Matrix bot's end-to-end encryption state, kept in the product database so that a standby
that takes over (PostgreSQL) or a restarted container is the same device with the same identity.

- ``MatrixCryptoStore``: the latest snapshot of the crypto store of one device (matrix-nio's SQLite
  store: the Olm account, Olm and Megolm sessions, known devices), encrypted by the caller with
  ``NIS2BOT_MATRIX_SECRET_KEY``. Written after every sync batch that changed it, before the batch's
  sync token is stored, so a replayed batch always meets a store at least as new as itself.
- ``MatrixCrossSigning``: the account's cross-signing keys (master, self-signing, user-signing),
  the private parts encrypted by the caller. Written once, before the public keys are uploaded,
  so they are never lost: a restart or a new device signs itself with them, with no identity reset.

Blobs are opaque here: this floor never sees a key.
"""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import Column, LargeBinary
from sqlmodel import Field, Session, SQLModel


class MatrixCryptoStore(SQLModel, table=True):
    __tablename__ = "matrix_crypto_store"
    user_id: str = Field(primary_key=True, max_length=255)
    device_id: str = Field(max_length=255)
    digest: str = Field(max_length=64)  # of the plain snapshot: unchanged stores are not rewritten
    blob: bytes = Field(sa_column=Column(LargeBinary, nullable=False))
    updated_at: datetime


class MatrixCrossSigning(SQLModel, table=True):
    __tablename__ = "matrix_cross_signing"
    user_id: str = Field(primary_key=True, max_length=255)
    master_key: str = Field(max_length=64)  # public, unpadded base64
    blob: bytes = Field(sa_column=Column(LargeBinary, nullable=False))
    created_at: datetime


def load_store(*, session: Session, user_id: str) -> MatrixCryptoStore | None:
    return session.get(MatrixCryptoStore, user_id)


def save_store(
    *, session: Session, user_id: str, device_id: str, digest: str, blob: bytes, now: datetime
) -> None:
    row = session.get(MatrixCryptoStore, user_id)
    if row is None:
        row = MatrixCryptoStore(
            user_id=user_id, device_id=device_id, digest=digest, blob=blob, updated_at=now
        )
    else:
        row.device_id, row.digest, row.blob, row.updated_at = device_id, digest, blob, now
    session.add(row)
    session.flush()


def load_cross_signing(*, session: Session, user_id: str) -> MatrixCrossSigning | None:
    return session.get(MatrixCrossSigning, user_id)


def save_cross_signing(
    *, session: Session, user_id: str, master_key: str, blob: bytes, now: datetime
) -> None:
    session.add(
        MatrixCrossSigning(user_id=user_id, master_key=master_key, blob=blob, created_at=now)
    )
    session.flush()
