"""The certificate as a PDF (A4 landscape), made with fpdf2.

Names like "Çağla Ünal-Ørsted" need more than latin-1, which is all fpdf2's built-in core fonts can
encode. So we embed DejaVu Sans when it can be found: matplotlib bundles it (if installed), and
Debian's ``fonts-dejavu-core`` puts it in /usr/share/fonts (it is on this project's machine image).
When no such font is found, the certificate is still made, with the core font Helvetica and each
character outside latin-1 replaced by its closest latin-1 form (ğ -> g, ł -> l): a certificate with
"Cagla" is better than no certificate. Nothing here downloads anything.
"""

from __future__ import annotations

import functools
import importlib.util
import unicodedata
from dataclasses import dataclass
from datetime import UTC, datetime, time
from pathlib import Path
from typing import Literal

from fpdf import FPDF

from handlers.i18n import normalise_language, t
from handlers.render import render
from handlers.reply import to_plain_text
from handlers.training.certificate import METHOD_LABELS, CertificateData
from handlers.training.modules import load_modules
from handlers.training.texts import format_day

_SYSTEM_FONT_DIRS = (
    Path("/usr/share/fonts/truetype/dejavu"),  # Debian, Ubuntu (fonts-dejavu-core)
    Path("/usr/share/fonts/TTF"),  # Arch
    Path("/usr/share/fonts/dejavu-sans-fonts"),  # Fedora
    Path("/usr/share/fonts/dejavu"),
)
# Latin letters that Unicode does not decompose into a latin-1 base letter.
_LATIN1_FALLBACK = str.maketrans(
    {
        "ł": "l", "Ł": "L", "đ": "d", "Đ": "D", "ı": "i", "ħ": "h", "Ħ": "H", "ŧ": "t",
        "œ": "oe", "Œ": "OE", "ŋ": "n", "ĸ": "k", "–": "-", "—": "-", "‘": "'", "’": "'",
        "‚": ",", "“": '"', "”": '"', "„": '"', "…": "...", "€": "EUR", "•": "-",
    }
)  # fmt: skip

NAVY = (24, 52, 98)
GREY = (90, 90, 90)


@dataclass(frozen=True, slots=True)
class FontFiles:
    regular: Path
    bold: Path


@functools.cache
def find_unicode_font() -> FontFiles | None:
    """DejaVu Sans (regular and bold) from an installed package or the system, or None."""
    candidates: list[Path] = []
    spec = importlib.util.find_spec("matplotlib")  # locates it without importing it
    if spec is not None and spec.origin:
        candidates.append(Path(spec.origin).parent / "mpl-data" / "fonts" / "ttf")
    candidates.extend(_SYSTEM_FONT_DIRS)
    for directory in candidates:
        regular, bold = directory / "DejaVuSans.ttf", directory / "DejaVuSans-Bold.ttf"
        if regular.is_file() and bold.is_file():
            return FontFiles(regular, bold)
    return None


def latin1_safe(text: str) -> str:
    """Closest latin-1 form: keeps ë, Ç, Ø (they are latin-1), turns ğ into g and ł into l."""
    out = []
    for ch in text.translate(_LATIN1_FALLBACK):
        if ord(ch) < 256:
            out.append(ch)
            continue
        base = "".join(c for c in unicodedata.normalize("NFKD", ch) if ord(c) < 256)
        out.append(base or "?")
    return "".join(out)


def certificate_pdf(
    data: CertificateData,
    language: str,
    *,
    font: FontFiles | Literal["auto"] | None = "auto",
) -> bytes:
    """The certificate as PDF bytes. ``font=None`` forces the latin-1 core-font fallback."""
    language = normalise_language(language)
    files = find_unicode_font() if font == "auto" else font
    pdf = _Certificate(files)
    pdf.set_title(t(language, "Certificate") + f" {data.number}")
    pdf.set_author(pdf.clean(data.organisation))
    pdf.set_creator("nis2bot")
    # A fixed creation date (the completion day) keeps the bytes reproducible for the same input.
    pdf.set_creation_date(datetime.combine(data.completed_on, time(12), tzinfo=UTC))
    pdf.add_page()
    _draw(pdf, data, language)
    return bytes(pdf.output())


class _Certificate(FPDF):
    def __init__(self, files: FontFiles | None) -> None:
        super().__init__(orientation="L", unit="mm", format="A4")
        self.set_auto_page_break(False)
        self.set_margins(25, 20, 25)
        self._unicode_font = files is not None
        if files is not None:
            self.add_font("DejaVu", "", str(files.regular))
            self.add_font("DejaVu", "B", str(files.bold))
            self._family = "DejaVu"
        else:
            self._family = "Helvetica"

    def clean(self, text: str) -> str:
        return text if self._unicode_font else latin1_safe(text)

    def font(self, size: float, bold: bool = False) -> None:
        self.set_font(self._family, "B" if bold else "", size)

    def centred(self, text: str, size: float, *, bold: bool = False, height: float = 0) -> None:
        self.font(size, bold)
        self.cell(
            0, height or size * 0.5, self.clean(text), align="C", new_x="LMARGIN", new_y="NEXT"
        )


def _draw(pdf: _Certificate, data: CertificateData, language: str) -> None:
    width, height = pdf.w, pdf.h
    pdf.set_draw_color(*NAVY)
    pdf.set_line_width(1.2)
    pdf.rect(10, 10, width - 20, height - 20)
    pdf.set_line_width(0.3)
    pdf.rect(13, 13, width - 26, height - 26)

    pdf.set_text_color(*GREY)
    pdf.set_y(24)
    pdf.centred(data.organisation, 12, height=8)
    pdf.set_text_color(*NAVY)
    pdf.centred(t(language, "Certificate"), 34, bold=True, height=16)
    pdf.centred(t(language, "NIS2 cybersecurity awareness training"), 15, height=9)

    pdf.set_text_color(0, 0, 0)
    pdf.set_y(66)
    pdf.centred(t(language, "This certifies that"), 13, height=8)
    pdf.ln(2)
    pdf.centred(data.holder_name, _fit(pdf, data.holder_name, 30, width - 60), bold=True, height=16)
    pdf.ln(3)
    body = to_plain_text(
        render(
            language,
            "training/certificate.j2",
            organisation=data.organisation,
            completed_on=format_day(data.completed_on, language),
            method=t(language, METHOD_LABELS[data.method]),
        )
    )
    pdf.font(13)
    # Narrower than the page so the sentence reads as a block under the name, not a banner.
    pdf.set_x(45)
    pdf.multi_cell(width - 90, 7, pdf.clean(body), align="C", new_x="LMARGIN", new_y="NEXT")
    module = load_modules().get(data.module) if data.module else None
    if module is not None:
        pdf.ln(2)
        pdf.set_x(45)
        line = t(language, "Learning module: {title}", title=module.title(language))
        pdf.multi_cell(width - 90, 7, pdf.clean(line), align="C", new_x="LMARGIN", new_y="NEXT")

    pdf.set_y(height - 62)
    column = (width - 50) / 2
    for label, value, x in (
        (t(language, "Certificate number"), data.number, 25),
        (t(language, "Valid until"), format_day(data.valid_until, language), 25 + column),
    ):
        pdf.set_xy(x, height - 62)
        pdf.set_text_color(*GREY)
        pdf.font(10)
        pdf.cell(column, 6, pdf.clean(label), align="C")
        pdf.set_xy(x, height - 56)
        pdf.set_text_color(0, 0, 0)
        pdf.font(14, bold=True)
        pdf.cell(column, 8, pdf.clean(value), align="C")

    pdf.set_text_color(*GREY)
    pdf.set_y(height - 38)
    footer = t(
        language,
        "Issued under {organisation}'s own information-security policy.",
        organisation=data.organisation,
    )
    pdf.font(9)
    pdf.multi_cell(0, 5, pdf.clean(footer), align="C")


def _fit(pdf: _Certificate, text: str, size: float, max_width: float) -> float:
    """Shrink a long name until it fits on one line (never below 14 pt)."""
    while size > 14:
        pdf.font(size, bold=True)
        if pdf.get_string_width(pdf.clean(text)) <= max_width:
            break
        size -= 1
    return size
