"""Enumerations of the incident feature and their labels (nl/en via handlers.i18n).

The enum values are what the database stores, so never rename a value; relabel it instead. Labels
are English msgids marked with ``N_`` and translated where they are shown (``label(language)``).
"""

from __future__ import annotations

from enum import StrEnum

from handlers.i18n import N_, t


class Category(StrEnum):
    """What kind of incident the reporter thinks it is (their words, the ISMT may correct it)."""

    PHISHING = "phishing"
    MALWARE_RANSOMWARE = "malware_ransomware"
    LOST_STOLEN_DEVICE = "lost_stolen_device"
    DATA_LEAK = "data_leak"
    ACCOUNT_TAKEOVER = "account_takeover"
    OUTAGE = "outage"
    SUSPICIOUS_CONTACT = "suspicious_contact"
    OTHER = "other"

    def label(self, language: str) -> str:
        return t(language, _CATEGORY_LABELS[self])


class Impact(StrEnum):
    NONE = "none"
    PARTIAL = "partial"
    SEVERE = "severe"

    def label(self, language: str) -> str:
        return t(language, _IMPACT_LABELS[self])


class TriState(StrEnum):
    """An answer a person may not know yet; 'unknown' is a real, stored answer, not a missing
    one."""

    YES = "yes"
    NO = "no"
    UNKNOWN = "unknown"

    def label(self, language: str) -> str:
        return t(language, _TRISTATE_LABELS[self])


class Status(StrEnum):
    NEW = "new"
    TRIAGE = "triage"
    HANDLING = "handling"
    REPORTED = "reported"
    CLOSED = "closed"

    def label(self, language: str) -> str:
        return t(language, _STATUS_LABELS[self])


class ReportKind(StrEnum):
    """The reports the law knows: Art. 23(4)(a)-(e) NIS2 (Cbw art. 26-29) and GDPR art. 33."""

    EARLY_WARNING = "early_warning"
    NOTIFICATION = "notification"
    INTERMEDIATE = "intermediate"
    PROGRESS = "progress"
    FINAL = "final"
    GDPR = "gdpr"

    def label(self, language: str) -> str:
        return t(language, _REPORT_KIND_LABELS[self])


class Recipient(StrEnum):
    """Who receives a report. The names, portals and phones live in ``authorities``."""

    CSIRT = "csirt"  # NL: the CSIRT designated for municipalities (Cbw art. 16, unsettled)
    COMPETENT_AUTHORITY = "competent_authority"  # NL: Minister van BZK (Cbw art. 15)
    CCB = "ccb"  # BE: national CSIRT and authority in one
    AP = "ap"  # NL: Autoriteit Persoonsgegevens (GDPR)
    GBA = "gba"  # BE: Gegevensbeschermingsautoriteit (GDPR)

    def label(self, language: str) -> str:
        return t(language, _RECIPIENT_LABELS[self])


# One dict per enum: members of different StrEnums with the same value would collide in one dict.
_CATEGORY_LABELS: dict[Category, str] = {
    Category.PHISHING: N_("Phishing"),
    Category.MALWARE_RANSOMWARE: N_("Malware or ransomware"),
    Category.LOST_STOLEN_DEVICE: N_("Lost or stolen device"),
    Category.DATA_LEAK: N_("Data leak (sent to the wrong person or leaked)"),
    Category.ACCOUNT_TAKEOVER: N_("Account taken over"),
    Category.OUTAGE: N_("Outage or overload"),
    Category.SUSPICIOUS_CONTACT: N_("Suspicious call or visit"),
    Category.OTHER: N_("Something else"),
}
_IMPACT_LABELS: dict[Impact, str] = {
    Impact.NONE: N_("No impact on work or services"),
    Impact.PARTIAL: N_("Partly disrupted"),
    Impact.SEVERE: N_("Severely disrupted"),
}
_TRISTATE_LABELS: dict[TriState, str] = {
    TriState.YES: N_("Yes"),
    TriState.NO: N_("No"),
    TriState.UNKNOWN: N_("Don't know yet"),
}
_STATUS_LABELS: dict[Status, str] = {
    Status.NEW: N_("New"),
    Status.TRIAGE: N_("Being assessed"),
    Status.HANDLING: N_("Being handled"),
    Status.REPORTED: N_("Reported to the authorities"),
    Status.CLOSED: N_("Closed"),
}
_REPORT_KIND_LABELS: dict[ReportKind, str] = {
    ReportKind.EARLY_WARNING: N_("Early warning"),
    ReportKind.NOTIFICATION: N_("Incident notification"),
    ReportKind.INTERMEDIATE: N_("Intermediate report"),
    ReportKind.PROGRESS: N_("Progress report"),
    ReportKind.FINAL: N_("Final report"),
    ReportKind.GDPR: N_("Personal data breach notification"),
}
_RECIPIENT_LABELS: dict[Recipient, str] = {
    Recipient.CSIRT: N_("CSIRT"),
    Recipient.COMPETENT_AUTHORITY: N_("Competent authority"),
    Recipient.CCB: N_("Centre for Cybersecurity Belgium (CCB)"),
    Recipient.AP: N_("Dutch Data Protection Authority (AP)"),
    Recipient.GBA: N_("Belgian Data Protection Authority (GBA)"),
}

#: The NIS2 (not GDPR) report kinds.
NIS2_KINDS = frozenset(
    {
        ReportKind.EARLY_WARNING,
        ReportKind.NOTIFICATION,
        ReportKind.INTERMEDIATE,
        ReportKind.PROGRESS,
        ReportKind.FINAL,
    }
)
