"""SQLModel tables of incidents (#4): incident, timeline, deadlines, reports sent, reminders sent."""

from __future__ import annotations
