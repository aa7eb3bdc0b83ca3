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
