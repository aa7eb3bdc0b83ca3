"""SQLModel tables of coordination (#7): reminders, audit programme, findings."""

from __future__ import annotations
