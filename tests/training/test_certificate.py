"""Certificate numbers (with check digits), slugs and validity."""

from __future__ import annotations

from datetime import date

import pytest
from hypothesis import given
from hypothesis import strategies as st

from handlers.training.certificate import (
    CertificateNumber,
    certificate_number,
    org_slug,
    parse_certificate_number,
    valid_until,
)
from handlers.training.policy import TrainingPolicy


def test_format_and_parse() -> None:
    number = certificate_number("UTRECHT", 2026, 123)
    assert number == "NIS2-UTRECHT-2026-000123-02"
    assert parse_certificate_number(number) == CertificateNumber("UTRECHT", 2026, 123)
    assert parse_certificate_number(" nis2-utrecht-2026-000123-02 ") == CertificateNumber(
        "UTRECHT", 2026, 123
    )


@pytest.mark.parametrize(
    "typo",
    [
        "NIS2-UTRECHT-2026-000124-02",  # one digit wrong
        "NIS2-UTRECHT-2026-000213-02",  # two neighbours swapped
        "NIS2-UTRECHT-2026-000123-20",  # check digits swapped
        "NIS2-UTRECHT-2025-000123-02",
        "NIS2-UTRECHX-2026-000123-02",
        "NIS2-UTRECHT-2026-123-02",
        "NIS2-S31SGK8-2000-000001-27",  # a letter O read as the digit 8 (found by Hypothesis)
        "NIS2-UTRECHT-2026-000000-" + "00",
        "",
    ],
)
def test_typos_are_caught(typo: str) -> None:
    assert parse_certificate_number(typo) is None


@given(
    st.from_regex(r"[A-Z0-9]{2,16}", fullmatch=True),
    st.integers(2000, 9999),
    st.integers(1, 999_999),
    st.data(),
)
def test_every_single_character_error_is_caught(
    slug: str, year: int, seq: int, data: st.DataObject
) -> None:
    number = certificate_number(slug, year, seq)
    assert parse_certificate_number(number) == CertificateNumber(slug, year, seq)
    positions = [i for i, ch in enumerate(number) if ch.isalnum() and i >= 5]
    i = data.draw(st.sampled_from(positions))
    alphabet = "0123456789" if number[i].isdigit() else "ABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789"
    other = data.draw(st.sampled_from([c for c in alphabet if c != number[i]]))
    assert parse_certificate_number(number[:i] + other + number[i + 1 :]) is None


@pytest.mark.parametrize(
    ("slug", "year", "seq"),
    [
        ("utrecht", 2026, 1),
        ("A", 2026, 1),
        ("UTRECHT", 2026, 0),
        ("UTRECHT", 2026, 1_000_000),
        ("UTRECHT", 99, 1),
    ],
)
def test_bad_parts_are_refused(slug: str, year: int, seq: int) -> None:
    with pytest.raises(ValueError):
        certificate_number(slug, year, seq)


@pytest.mark.parametrize(
    ("name", "slug"),
    [
        ("Gemeente 's-Hertogenbosch", "SHERTOGENBOSCH"),
        ("Gemeente Súdwest-Fryslân", "SUDWESTFRYSLAN"),
        ("Stad Gent", "GENT"),
        ("City of Ghent", "GHENT"),
        ("Gemeente Sint-Michielsgestel", "SINTMICHIELSGEST"),
        ("Stadskanaal", "STADSKANAAL"),
    ],
)
def test_org_slug(name: str, slug: str) -> None:
    assert org_slug(name) == slug


def test_org_slug_needs_something_to_work_with() -> None:
    with pytest.raises(ValueError):
        org_slug("Gemeente")


def test_valid_until_is_one_interval_after_completion() -> None:
    assert valid_until(date(2026, 11, 2), TrainingPolicy()) == date(2027, 5, 2)
    assert valid_until(date(2026, 8, 31), TrainingPolicy()) == date(2027, 2, 28)
    assert valid_until(date(2026, 8, 31), TrainingPolicy(interval_months=12)) == date(2027, 8, 31)
