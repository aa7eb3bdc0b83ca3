"""The few settings features need, handed down from the runtime (features never read the environment)."""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class FeatureSettings:
    telegram_bot_username: str | None = None
    dialog_reminder_minutes: int = 30
    dialog_expiry_hours: int = 24
    invite_default_days: int = 7
    demo_mode: bool = False
    incident_abandoned_minutes: int = 30  # an unfinished intake reaches the ISMT after this
    incident_reminder_hours_before: tuple[int, ...] = (12, 2)  # before each reporting deadline
    incident_overdue_every_hours: int = 12  # repeat while a deadline is overdue
    summary_local_time: str = "09:00"  # quarterly summaries: first working day, local time
    audit_reminder_days: tuple[int, ...] = (14, 1)  # reminders this many days before an audit
