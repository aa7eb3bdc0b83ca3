"""Enumerations stored in the database (as their string values)."""

from __future__ import annotations

from enum import StrEnum


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


#: The college (mayor and aldermen) carries the personal training duty of Cbw art. 24.
COLLEGE_ROLES = frozenset({Role.MAYOR, Role.ALDERMAN})
