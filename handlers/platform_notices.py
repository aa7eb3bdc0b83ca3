"""Notices a transport posts about the platform itself, not about a feature.

They go to rooms where the bot may not know who reads along, so they are bilingual: Dutch first,
then English.
"""

from __future__ import annotations

from handlers.i18n import LANGUAGES, N_, t
from handlers.reply import Reply, plain

ENCRYPTED_ROOM = N_(
    "This room is end-to-end encrypted, and I cannot read encrypted messages, so I will not answer "
    "here. Please talk to me in a direct chat without encryption (start a new chat with me; Element "
    "leaves it unencrypted because I have no encryption keys). For a group, create a new room with "
    "encryption switched off and invite me there."
)


def bilingual(message: str) -> str:
    """``message`` in every supported language, one paragraph each (Dutch first)."""
    return "\n\n".join(t(language, message) for language in LANGUAGES)


def encrypted_room_notice() -> Reply:
    return Reply(plain(bilingual(ENCRYPTED_ROOM)))
