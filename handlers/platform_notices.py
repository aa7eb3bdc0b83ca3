"""Notices a transport posts about the platform itself, not about a feature.

They go to rooms where the bot may not know who reads along, so they are bilingual: Dutch first,
then English.

The encrypted-room notices (Matrix, end-to-end encryption switched off for the bot) say only what
the transport has really done: it opened a new unencrypted direct chat and invited the person, or
(a group room, or a homeserver that encrypts every room) it could not; in every case it leaves the
room, so Element does not send the person back to it.
"""

from __future__ import annotations

from enum import StrEnum

from handlers.i18n import LANGUAGES, N_, t
from handlers.reply import Reply, plain


class EncryptedRoom(StrEnum):
    MOVED = "moved"  # a new unencrypted direct chat was opened, the person is invited there
    GROUP = "group"  # a group room: they need a room without encryption
    FORCED = "forced"  # the homeserver encrypts every new room: the operator must act


ENCRYPTED_ROOM = {
    EncryptedRoom.MOVED: N_(
        "This chat is end-to-end encrypted, and encryption is switched off for me, so I cannot "
        "read what you write here. I have invited you to a new direct chat without encryption: "
        "please accept that invitation and continue there. I am leaving this room."
    ),
    EncryptedRoom.GROUP: N_(
        "This room is end-to-end encrypted, and encryption is switched off for me, so I cannot "
        "read what is written here. To use me in a group, create a room with encryption switched "
        "off and invite me there. I am leaving this room."
    ),
    EncryptedRoom.FORCED: N_(
        "This chat is end-to-end encrypted, and encryption is switched off for me, so I cannot "
        "read what you write here. Your homeserver encrypts every new chat, so a new chat would "
        "not help: please ask your NIS2 coordinator to have encryption switched on for the bot. "
        "I am leaving this room."
    ),
}


UNDECRYPTABLE = N_(
    "I could not decrypt your last message: your app encrypted it before it knew my current "
    "device. Please send it again; it will reach me now."
)


def bilingual(message: str) -> str:
    """``message`` in every supported language, one paragraph each (Dutch first)."""
    return "\n\n".join(t(language, message) for language in LANGUAGES)


def encrypted_room_notice(kind: EncryptedRoom) -> Reply:
    return Reply(plain(bilingual(ENCRYPTED_ROOM[kind])))


def undecryptable_notice() -> Reply:
    return Reply(plain(bilingual(UNDECRYPTABLE)))
