"""SQLModel tables of questions (#5): question log and per-organisation knowledge-base overrides.

Personal data: the log keeps the question's text and the asker's person id, nothing else that
identifies anyone (no chat ids, no names): enough for the coordinator to answer and for statistics.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import JSON, Column, Index, Text, UniqueConstraint
from sqlmodel import Field, SQLModel


class QuestionLog(SQLModel, table=True):
    """One question put to the bot, with what the engine made of it and any follow-up."""

    __tablename__ = "question_log"
    __table_args__ = (Index("ix_question_log_open", "organisation_id", "answered_at"),)
    id: int | None = Field(default=None, primary_key=True)
    organisation_id: int = Field(foreign_key="organisation.id", index=True)
    person_id: int | None = Field(default=None, foreign_key="person.id", index=True)
    role: str = Field(max_length=32)  # storage.enums.Role at the time of asking
    language: str = Field(max_length=5)
    question: str = Field(sa_column=Column(Text, nullable=False))
    result_kind: str = Field(max_length=16)  # answer | suggest | unknown | picked
    entry_id: str | None = Field(default=None, max_length=100)
    confidence: float = 0.0
    forwarded: bool = False  # passed on to the coordinator(s) at the asker's request
    forwarded_at: datetime | None = None
    answered_by_person_id: int | None = Field(default=None, foreign_key="person.id")
    answer: str | None = Field(default=None, sa_column=Column(Text))
    answered_at: datetime | None = None
    created_at: datetime


class KbOverride(SQLModel, table=True):
    """An organisation's own knowledge-base content: a shared entry changed, or a new entry.

    ``language`` is ``nl`` or ``en`` for a coordinator's answer in one language, or ``all`` for a
    whole (possibly partial) entry table from the operator's file. ``fields`` is the TOML table as
    JSON, merged over the shared entry by ``handlers.qa.kb.build_overrides``.
    """

    __tablename__ = "kb_override"
    __table_args__ = (UniqueConstraint("organisation_id", "entry_id", "language"),)
    id: int | None = Field(default=None, primary_key=True)
    organisation_id: int = Field(foreign_key="organisation.id", index=True)
    entry_id: str = Field(max_length=100)
    language: str = Field(max_length=5)
    fields: dict[str, Any] = Field(default_factory=dict, sa_column=Column(JSON, nullable=False))
    created_by: str = Field(max_length=64)  # "person:12" or "operator"
    created_at: datetime
