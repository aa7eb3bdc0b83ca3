"""One person, two platforms: ``/koppel`` gives a one-time code to type on the other platform.

The code lives in the key-value table for 15 minutes and is spent on first use. It is typed by the
not-yet-known account on the other platform (``/koppel CODE`` or ``/start CODE``), which is then
linked to the same person: same role, same dialogs, same history. Codes use the invite alphabet
(no look-alike characters) and are long enough that guessing one in 15 minutes is hopeless.
"""

from __future__ import annotations

import json
import secrets
from datetime import datetime, timedelta

from handlers.context import Context
from handlers.people.invites import ALPHABET, normalise_code
from handlers.reply import Reply, markup, plain
from storage import kv, organisations, people

LINK_CODE_LENGTH = 10
LINK_VALID = timedelta(minutes=15)
PLATFORM_NAMES = {"telegram": "Telegram", "matrix": "Matrix", "console": "terminal"}


def _key(code: str) -> str:
    return f"link-code:{code}"


def new_link_code() -> str:
    return "".join(secrets.choice(ALPHABET) for _ in range(LINK_CODE_LENGTH))


def is_pending_link_code(ctx: Context, raw: str) -> bool:
    """``/start CODE`` serves invites and link codes alike; a stored link code wins."""
    key = _key(normalise_code(raw)[:16])
    return kv.get_value(session=ctx.session, key=key) is not None


def offer_link_code(ctx: Context) -> Reply:
    """For the enrolled person, in a private chat: a code to type on the other platform."""
    code = new_link_code()
    expires = ctx.now + LINK_VALID
    kv.set_value(
        session=ctx.session,
        key=_key(code),
        value=json.dumps(
            {
                "organisation_id": ctx.org.id,
                "person_id": ctx.me.id,
                "from_platform": ctx.event.platform if ctx.event else "",
                "expires_at": expires.isoformat(),
            }
        ),
        now=ctx.now,
    )
    ctx.audit("identity.link_code_created")
    return Reply(
        markup(
            ctx.t(
                "Your link code: <code>{code}</code>\nOn the other platform (Telegram or Matrix), "
                "start a private chat with me and send: <code>/koppel {code}</code>\n"
                "The code works once, for 15 minutes. Never share it: whoever types it acts as you."
            ),
            code=code,
        )
    )


def redeem_link_code(ctx: Context, raw_code: str) -> list[Reply]:
    """For a not-yet-known account: link it to the person who asked for the code."""
    event = ctx.event
    assert event is not None
    stored = kv.take_value(session=ctx.session, key=_key(normalise_code(raw_code)[:16]))
    data = json.loads(stored) if stored else None
    if data is None or datetime.fromisoformat(data["expires_at"]) < ctx.now:
        return [
            Reply(
                plain(
                    ctx.t(
                        "That link code is unknown or has expired. Send /koppel in your private "
                        "chat with me on the platform you already use, for a new code."
                    )
                )
            )
        ]
    org = organisations.organisation_by_id(
        session=ctx.session, organisation_id=data["organisation_id"]
    )
    person = people.person_by_id(
        session=ctx.session, organisation_id=data["organisation_id"], person_id=data["person_id"]
    )
    if org is None or person is None or not person.active or org.suspended:
        return [
            Reply(
                plain(
                    ctx.t(
                        "This account can no longer be linked. Please contact your NIS2 coordinator."
                    )
                )
            )
        ]
    people.link_identity(
        session=ctx.session,
        person=person,
        platform=event.platform,
        external_id=event.sender_id,
        now=ctx.now,
        private_chat_id=event.chat_id,
    )
    ctx.person, ctx.organisation = person, org
    ctx.audit("identity.linked", platform=event.platform, linked_from=data.get("from_platform"))
    return [
        Reply(
            markup(
                ctx.t(
                    "Linked. {name}, you can now use me here as well; your role and your "
                    "reports are the same on both platforms."
                ),
                name=person.name,
            )
        )
    ]
