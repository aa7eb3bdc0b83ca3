"""Certificate numbers, validity, and the data a certificate shows.

Number format: ``NIS2-<ORGSLUG>-<YEAR>-<SEQUENCE>-<CHECK>``, e.g. ``NIS2-UTRECHT-2026-000123-63``.

- ORGSLUG: 2-16 of A-Z and 0-9, the organisation's short name (``org_slug`` derives one).
- YEAR: the year of completion; SEQUENCE: six digits, per organisation and year, given out by the
  lead's table (unique constraint) so two certificates never share a number.
- CHECK: two digits, ISO 7064 MOD 97-10 as in an IBAN. An auditor or secretary who types a number to
  check it gets a typo noticed: it catches every single wrong character and nearly every swap of two
  neighbours. Cheap to add now, impossible to add once certificates are on paper.
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass
from datetime import date
from enum import StrEnum

from handlers.i18n import N_
from handlers.training.policy import TrainingPolicy, add_months

PREFIX = "NIS2"
MAX_SEQUENCE = 999_999
_SLUG = re.compile(r"[A-Z0-9]{2,16}")
_NUMBER = re.compile(r"NIS2-([A-Z0-9]{2,16})-(\d{4})-(\d{6})-(\d{2})")


class Method(StrEnum):
    QUIZ = "quiz"  # passed the in-chat quiz
    ATTENDED = "attended"  # attended a session, recorded by the coordinator
    IMPORTED = "imported"  # taken over from an earlier record (CSV of another system)


METHOD_LABELS: dict[Method, str] = {
    Method.QUIZ: N_("passed the in-chat quiz"),
    Method.ATTENDED: N_("attended a training session"),
    Method.IMPORTED: N_("imported from earlier training records"),
}


@dataclass(frozen=True, slots=True)
class CertificateNumber:
    org_slug: str
    year: int
    sequence: int

    def __str__(self) -> str:
        body = f"{self.org_slug}-{self.year:04d}-{self.sequence:06d}"
        return f"{PREFIX}-{body}-{_check_digits(body):02d}"


@dataclass(frozen=True, slots=True)
class CertificateData:
    """What a certificate shows. Plain text fields: the PDF layer does its own escaping."""

    holder_name: str
    organisation: str
    completed_on: date
    valid_until: date
    number: str
    method: Method
    #: The learning module followed before the quiz (``modules``), "" for none.
    module: str = ""


def org_slug(name: str) -> str:
    """A slug from a name: "Gemeente 's-Hertogenbosch" -> "SHERTOGENBOSCH".

    Letters lose their accents, everything else but A-Z and 0-9 goes, and the word "gemeente" /
    "stad" / "city of" at the start is dropped because every organisation would have it.
    """
    ascii_name = unicodedata.normalize("NFKD", name).encode("ascii", "ignore").decode()
    words = re.findall(r"[A-Za-z0-9]+", ascii_name)
    while words and words[0].lower() in {"gemeente", "stad", "city", "of", "municipality"}:
        words = words[1:]
    slug = "".join(words).upper()[:16]
    if not _SLUG.fullmatch(slug):
        raise ValueError(f"cannot make a certificate slug of {name!r}")
    return slug


def certificate_number(slug: str, year: int, sequence: int) -> str:
    if not _SLUG.fullmatch(slug):
        raise ValueError(f"slug must be 2-16 of A-Z0-9, got {slug!r}")
    if not 1 <= sequence <= MAX_SEQUENCE or not 2000 <= year <= 9999:
        raise ValueError(f"year {year} or sequence {sequence} out of range")
    return str(CertificateNumber(slug, year, sequence))


def parse_certificate_number(text: str) -> CertificateNumber | None:
    """The parts of a well-formed number with a correct check, else None (case, spaces forgiven)."""
    match = _NUMBER.fullmatch(re.sub(r"\s+", "", text).upper())
    if match is None:
        return None
    slug, year, sequence, check = match.groups()
    if _check_digits(f"{slug}-{year}-{sequence}") != int(check) or int(sequence) == 0:
        return None
    return CertificateNumber(slug, int(year), int(sequence))


def valid_until(completed_on: date, policy: TrainingPolicy) -> date:
    """Valid for one training interval from completion: the same date the next training is due."""
    return add_months(completed_on, policy.interval_months)


def _check_digits(body: str) -> int:
    """ISO 7064 MOD 97-10 over the characters, each as two digits (0=00 ... 9=09, A=10 ... Z=35),
    hyphens ignored. Two digits for every character, digits included: with a variable width, a
    letter mistyped as a digit ("O" for "8") shifts the string and can keep the same check."""
    digits = "".join(f"{int(ch, 36):02d}" for ch in body if ch != "-")
    return 98 - (int(digits) * 100) % 97
