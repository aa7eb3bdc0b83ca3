"""College notices that could not be delivered yet: kept, and sent once the person can be reached.

The mayor or the secretary may be in the bot's people list without a private chat (imported from
a spreadsheet, never enrolled; a Matrix account the bot could not open a room with). Their notice
of a significant incident, a possibly significant one with personal data or an activated crisis
organisation is then kept as a small pending record, one per incident, stage and person, and the
``incident-pending-alerts`` job (every minute) sends it once they can be reached, saying it comes
late. The ISMT is told at the moment who is still waiting, so it can phone them meanwhile.
"""

from __future__ import annotations

import json
from datetime import datetime

from handlers.context import Context
from handlers.i18n import normalise_language, t
from handlers.incidents.college import (
    COLLEGE_NOTIFIED,
    CRISIS,
    POSSIBLE,
    SIGNIFICANT,
    notice_key,
    notice_reply,
    possibly_significant_with_personal_data,
)
from handlers.incidents.service import when_local
from handlers.reply import Reply, markup
from storage import incidents as store
from storage import kv, people
from storage.db import Session
from storage.incident_models import Incident
from storage.models import Person

PREFIX = "college-pending:"


def _key(organisation_id: int, incident_id: int, stage: str, person_id: int) -> str:
    return f"{PREFIX}{organisation_id}:{incident_id}:{stage}:{person_id}"


def keep_for_later(
    ctx: Context, incident: Incident, stage: str, person: Person, params: dict[str, str]
) -> None:
    key = _key(ctx.org.id, incident.id, stage, person.id)  # type: ignore[arg-type]
    value = json.dumps({"params": params, "at": ctx.now.isoformat()})
    kv.set_value(session=ctx.session, key=key, value=value, now=ctx.now)


def organisations_waiting(session: Session) -> set[int]:
    """The organisations with a college notice that waits for someone."""
    keys = kv.keys_with_prefix(session=session, prefix=PREFIX)
    return {int(key[len(PREFIX) :].split(":")[0]) for key in keys}


def still_true(incident: Incident, stage: str) -> bool:
    """A late notice is sent only if what it says still holds: not "declared significant" after
    the ISMT corrected it to not significant, not "may be significant" once it was decided."""
    if stage == SIGNIFICANT:
        return incident.significant is True
    if stage == POSSIBLE:
        return incident.significant is None and possibly_significant_with_personal_data(incident)
    if stage == CRISIS:
        return incident.crisis_at is not None
    return False


def drop_waiting(session: Session, organisation_id: int) -> None:
    """An organisation that was removed: its waiting notices go with it."""
    for key in kv.keys_with_prefix(session=session, prefix=f"{PREFIX}{organisation_id}:"):
        kv.take_value(session=session, key=key)


def flush_college_notices(ctx: Context) -> list[str]:
    """Send every waiting notice of ``ctx.org`` whose person can now be reached; returns their
    names. A notice for a person who left the college (or was forgotten), for an incident that no
    longer exists, or that no longer holds (``still_true``) is dropped."""
    delivered = []
    for key in kv.keys_with_prefix(session=ctx.session, prefix=f"{PREFIX}{ctx.org.id}:"):
        incident_id, stage, person_id = key[len(PREFIX) :].split(":")[1:]
        incident = store.incident_by_id(
            session=ctx.session, organisation_id=ctx.org.id, incident_id=int(incident_id)
        )
        person = people.person_by_id(
            session=ctx.session, organisation_id=ctx.org.id, person_id=int(person_id)
        )
        if (
            incident is None
            or person is None
            or not person.active
            or person.role not in COLLEGE_NOTIFIED
            or not still_true(incident, stage)
        ):
            kv.take_value(session=ctx.session, key=key)
            continue
        kept = json.loads(kv.get_value(session=ctx.session, key=key) or "{}")
        language = normalise_language(person.language)
        notice = notice_reply(language, ctx, incident, stage, **kept.get("params", {}))
        late = markup(
            "<i>{text}</i>",
            text=t(
                language,
                "Sent now: the bot could not reach you when this happened ({when}).",
                when=when_local(ctx.org, datetime.fromisoformat(kept["at"]))
                if "at" in kept
                else when_local(ctx.org, incident.updated_at),
            ),
        )
        reply = Reply(late + "\n" + notice.text)
        if ctx.send_to_person(person.id, reply, notice_key(incident, stage)):  # type: ignore[arg-type]
            kv.take_value(session=ctx.session, key=key)
            store.add_event(
                session=ctx.session,
                incident=incident,
                kind="college_notified",
                at=ctx.now,
                text=person.name,
                detail={"stage": stage, "late": True},
            )
            delivered.append(person.name)
    return delivered
