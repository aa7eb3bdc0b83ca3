"""The certificate PDF: it opens, is A4 landscape, and holds the right name and number."""

from __future__ import annotations

import io
from datetime import date

import pypdf
import pytest

from handlers.training.certificate import CertificateData, Method, certificate_number
from handlers.training.pdf import certificate_pdf, find_unicode_font, latin1_safe

NAMES = ["Çağla Ünal-Ørsted", "Zoë van 't Hof", "Łukasz Żółć", "Anna <b>&amp; Co</b>"]


def data(name: str, method: Method = Method.QUIZ) -> CertificateData:
    return CertificateData(
        holder_name=name,
        organisation="Gemeente 's-Hertogenbosch",
        completed_on=date(2026, 11, 2),
        valid_until=date(2027, 5, 2),
        number=certificate_number("SHERTOGENBOSCH", 2026, 123),
        method=method,
    )


def read(pdf: bytes) -> tuple[pypdf.PdfReader, str]:
    reader = pypdf.PdfReader(io.BytesIO(pdf))
    assert len(reader.pages) == 1
    return reader, reader.pages[0].extract_text()


def normalised(text: str) -> str:
    return " ".join(text.split())


needs_font = pytest.mark.skipif(
    find_unicode_font() is None, reason="no DejaVu Sans on this machine"
)


@needs_font
@pytest.mark.parametrize("name", NAMES)
def test_unicode_names_survive_exactly(name: str) -> None:
    reader, text = read(certificate_pdf(data(name), "nl"))
    assert name in text
    assert "NIS2-SHERTOGENBOSCH-2026-000123-46" in text
    box = reader.pages[0].mediabox
    assert (round(float(box.width)), round(float(box.height))) == (842, 595)  # A4 landscape


@needs_font
def test_dutch_and_english_texts() -> None:
    _, nl = read(certificate_pdf(data("Zoë van 't Hof", Method.ATTENDED), "nl"))
    for part in (
        "Certificaat",
        "Hierbij verklaren wij dat",
        "Geldig tot en met",
        "2 mei 2027",
        "training bijgewoond",
    ):
        assert part in normalised(nl)
    _, en = read(certificate_pdf(data("Zoë van 't Hof", Method.IMPORTED), "en"))
    for part in (
        "Certificate",
        "This certifies that",
        "Valid until",
        "2 May 2027",
        "2 November 2026",
    ):
        assert part in normalised(en)
    assert "imported from earlier training records" in normalised(en)
    assert "Gemeente 's-Hertogenbosch" in en  # the apostrophe is not HTML-escaped


def test_fallback_without_a_unicode_font_still_makes_a_certificate() -> None:
    reader, text = read(certificate_pdf(data("Çağla Ünal-Ørsted"), "en", font=None))
    assert "Çagla Ünal-Ørsted" in text  # ğ -> g; Ç, Ü and Ø are latin-1 and stay
    assert "NIS2-SHERTOGENBOSCH-2026-000123-46" in text
    assert (
        reader.metadata is not None
        and reader.metadata.title == "Certificate NIS2-SHERTOGENBOSCH-2026-000123-46"
    )
    _, zoe = read(certificate_pdf(data("Zoë van 't Hof"), "nl", font=None))
    assert "Zoë van 't Hof" in zoe


def test_same_input_same_bytes() -> None:
    assert certificate_pdf(data("Zoë van 't Hof"), "nl") == certificate_pdf(
        data("Zoë van 't Hof"), "nl"
    )


def test_a_very_long_name_is_shrunk_onto_one_line() -> None:
    name = "Maria-Magdalena Alexandrina van den Bosch-Vanderhaeghen tot Nieuwenhuizen-Oudshoorn"
    _, text = read(certificate_pdf(data(name), "nl"))
    assert name in text.splitlines()


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("Çağla Ünal-Ørsted", "Çagla Ünal-Ørsted"),
        ("Łukasz Żółć", "Lukasz Zólc"),
        ("Zoë van ’t Hof", "Zoë van 't Hof"),
        ("Œuvre – €5", "OEuvre - EUR5"),
        ("李", "?"),
    ],
)
def test_latin1_safe(text: str, expected: str) -> None:
    assert latin1_safe(text) == expected
    latin1_safe(text).encode("latin-1")
