"""Prometheus figures of the Matrix transport (on the same registry as bot/observability.py)."""

from __future__ import annotations

from prometheus_client import Counter, Gauge

from bot.observability import REGISTRY

ENCRYPTED_ROOMS = Counter(
    "nis2bot_matrix_encrypted_rooms_total",
    "Encrypted Matrix rooms met while the bot's end-to-end encryption is off, by what it did "
    "(moved: a new direct chat was opened; group: asked for an unencrypted room; left)",
    ["action"],
    registry=REGISTRY,
)
DIRECT_ROOMS_CREATED = Counter(
    "nis2bot_matrix_direct_rooms_created_total",
    "Direct chats the bot opened itself to reach someone, by encryption",
    ["encrypted"],
    registry=REGISTRY,
)
ROOMS_LEFT = Counter(
    "nis2bot_matrix_rooms_left_total",
    "Rooms the bot left because everyone else had left them",
    registry=REGISTRY,
)
OTHER_KEY_DEVICES = Gauge(
    "nis2bot_matrix_other_devices_with_keys",
    "Other devices of the bot's own Matrix account that have encryption keys (someone signed in "
    "with Element: new direct chats then become encrypted)",
    registry=REGISTRY,
)
UNDECRYPTABLE = Counter(
    "nis2bot_matrix_undecryptable_total",
    "Encrypted messages the bot could not decrypt (encryption on; the sender is asked to resend)",
    registry=REGISTRY,
)
