"""Idle dialogs: one gentle reminder, then expiry (with the dialog's own expiry hook)."""

from __future__ import annotations

from datetime import datetime, timedelta

from sqlalchemy.engine import Engine

from handlers import dialog as dialog_engine
from handlers.context import Context
from handlers.reply import Reply, markup
from handlers.settings import FeatureSettings
from schedules.jobs import JobOptions, job
from storage import dialogs, organisations, people
from storage.db import unit_of_work
from storage.enums import OutboxPriority


@job("dialog-idle", description="remind idle dialogs once, expire abandoned ones")
def remind_and_expire(
    engine: Engine, now: datetime, settings: FeatureSettings, options: JobOptions
) -> int:
    shortest = min(
        [timedelta(minutes=settings.dialog_reminder_minutes)]
        + [d.remind_after for d in dialog_engine.DIALOGS.values() if d.remind_after]
    )
    with unit_of_work(engine) as session:
        candidates = [
            row.id for row in dialogs.idle_dialogs(session=session, idle_since=now - shortest)
        ]
    done = 0
    for row_id in candidates:
        with unit_of_work(engine) as session:
            done += _handle_one(session, row_id, now, settings, options)
    return done


def _handle_one(
    session, row_id: int, now: datetime, settings: FeatureSettings, options: JobOptions
) -> int:  # type: ignore[no-untyped-def]
    from storage.models import DialogState

    row = session.get(DialogState, row_id)
    if row is None:
        return 0
    org = organisations.organisation_by_id(session=session, organisation_id=row.organisation_id)
    person = people.person_by_id(
        session=session, organisation_id=row.organisation_id, person_id=row.person_id
    )
    if org is None or person is None:
        return 0
    if options.organisation_slug and org.slug != options.organisation_slug:
        return 0
    spec = dialog_engine.DIALOGS.get(row.dialog)
    remind_after = (spec.remind_after if spec else None) or timedelta(
        minutes=settings.dialog_reminder_minutes
    )
    expire_after = (spec.expire_after if spec else None) or timedelta(
        hours=settings.dialog_expiry_hours
    )
    ctx = Context(session, now, settings, organisation=org, person=person)
    idle = now - row.updated_at
    if idle >= expire_after:
        extra = spec.on_expire(ctx, row) if spec and spec.on_expire else None
        title = dialog_engine.dialog_title(ctx, row)
        notice = Reply(
            markup(
                ctx.t(
                    "I closed our conversation about {title} because it stayed unanswered. You can start it again at any time."
                ),
                title=title,
            )
        )
        ctx.send(
            platform=row.platform,
            chat_id=row.chat_id,
            reply=notice,
            key=f"dialog-expired:{row.id}:{row.started_at.isoformat()}",
            priority=OutboxPriority.REMINDER,
        )
        if extra:
            ctx.send(
                platform=row.platform,
                chat_id=row.chat_id,
                reply=extra,
                key=f"dialog-expired-extra:{row.id}:{row.started_at.isoformat()}",
                priority=OutboxPriority.REMINDER,
            )
        dialogs.close_dialog(session=session, state=row)
        return 1
    if row.reminded_at is None and idle >= remind_after:
        prompt = dialog_engine.resume(ctx, row)
        nudge = Reply(
            markup(
                ctx.t("Shall we finish this? We were talking about {title}:"),
                title=dialog_engine.dialog_title(ctx, row),
            )
            + "\n\n"
            + prompt.text,
            prompt.choices,
        )
        ctx.send(
            platform=row.platform,
            chat_id=row.chat_id,
            reply=nudge,
            key=f"dialog-reminder:{row.id}:{row.updated_at.isoformat()}",
            priority=OutboxPriority.REMINDER,
        )
        row.reminded_at = now
        dialogs.save_dialog(session=session, state=row)
        return 1
    return 0
