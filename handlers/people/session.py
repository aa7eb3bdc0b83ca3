"""What a person sees when a terminal session (re)starts: the open question, if any."""

from __future__ import annotations

from datetime import datetime

from sqlmodel import Session

from handlers import dialog as dialog_engine
from handlers.context import Context
from handlers.reply import Reply, markup
from handlers.settings import FeatureSettings
from storage import dialogs, people


def welcome_back(
    *, session: Session, platform: str, external_id: str, now: datetime, settings: FeatureSettings
) -> list[Reply]:
    found = people.identity_lookup(session=session, platform=platform, external_id=external_id)
    if found is None:
        return []
    _identity, person, org = found
    ctx = Context(session, now, settings, organisation=org, person=person)
    row = dialogs.open_dialog(session=session, organisation_id=org.id, person_id=person.id)
    if row is None:
        return []
    title = dialog_engine.dialog_title(ctx, row)
    return [
        Reply(
            markup(
                ctx.t("We were in the middle of {title}. Here is the open question again:"),
                title=title,
            )
        ),
        dialog_engine.resume(ctx, row),
    ]
