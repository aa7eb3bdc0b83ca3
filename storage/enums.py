"""Enumerations stored in the database (as their string values)."""

from __future__ import annotations

from enum import IntEnum, StrEnum


class Role(StrEnum):
    """What a person is in the municipality; decides what they may do and how answers are tailored."""

    EMPLOYEE = "employee"
    COUNCIL_MEMBER = "council_member"
    MAYOR = "mayor"
    ALDERMAN = "alderman"
    SECRETARY = "secretary"
    ISMT = "ismt"
    IT = "it"
    AUDITOR = "auditor"
    COORDINATOR = "coordinator"


class Country(StrEnum):
    NL = "nl"
    BE = "be"


class Platform(StrEnum):
    CONSOLE = "console"
    TELEGRAM = "telegram"
    MATRIX = "matrix"


class RoomPurpose(StrEnum):
    COUNCIL = "council"
    ISMT = "ismt"
    COLLEGE = "college"
    COORDINATION = "coordination"


class OutboxStatus(StrEnum):
    PENDING = "pending"
    SENT = "sent"
    FAILED = "failed"


class OutboxPriority(IntEnum):
    """An outgoing message's lane (stored as its number; lower goes first): what a person waits for
    right now, then reminders, then bulk that may use whatever the platform's limits leave."""

    URGENT = 0  # replies to a person and alerts
    REMINDER = 1  # deadline, audit and coordinator reminders, idle-dialog reminders
    BULK = 2  # training nudges, digests, summaries


#: The college (mayor and aldermen) carries the personal training duty of Cbw art. 24.
COLLEGE_ROLES = frozenset({Role.MAYOR, Role.ALDERMAN})
