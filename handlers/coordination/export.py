"""A rendered summary as a file: Markdown, HTML or PDF (for the council's papers), charts included.

The summary is neutral markup (escaped HTML subset, see ``handlers.reply``), so HTML needs only line
breaks, Markdown a handful of tag replacements, and the PDF goes through fpdf2's HTML writer with
DejaVu Sans embedded (bundled with matplotlib, a dependency of the charts) so that "•", "→" and
"“…”" print as themselves.
"""

from __future__ import annotations

import html
import io
import logging
import re
from pathlib import Path

from fpdf import FPDF

from handlers.reply import to_plain_text

# fontTools logs every font subset at INFO; a report is not worth a screen of that.
logging.getLogger("fontTools").setLevel(logging.WARNING)

_BOLD = re.compile(r"</?b>")
_ITALIC = re.compile(r"</?i>")
_LINK = re.compile(r'<a href="([^"]*)">(.*?)</a>')
_TAG = re.compile(r"<[^>]+>")
_HEADING = re.compile(r"^<b>([^<]*)</b>(.*)$")


def to_markdown(neutral: str, charts: list[str]) -> str:
    lines = []
    for index, line in enumerate(neutral.split("\n")):
        heading = _HEADING.match(line)
        if heading and index == 0:
            line = "# " + heading.group(1) + heading.group(2)
        elif heading and not heading.group(2).strip().startswith(":"):
            line = "## " + heading.group(1) + heading.group(2)
        if line.startswith("• "):
            line = "- " + line[2:]
        line = _LINK.sub(r"[\2](\1)", line)
        line = _BOLD.sub("**", line)
        line = _ITALIC.sub("_", line)
        line = html.unescape(_TAG.sub("", line))
        lines.append(line + ("  " if line and not line.startswith("#") else ""))
    for name in charts:
        lines += ["", f"![{Path(name).stem}]({name})"]
    return "\n".join(lines).rstrip() + "\n"


def to_html(neutral: str, title: str, charts: list[str], language: str) -> str:
    body = neutral.replace("\n", "<br>\n")
    images = "\n".join(
        f'<p><img src="{html.escape(name)}" alt="{html.escape(Path(name).stem)}" width="1000"></p>'
        for name in charts
    )
    return (
        f'<!doctype html>\n<html lang="{language}">\n<head>\n<meta charset="utf-8">\n'
        f"<title>{html.escape(title)}</title>\n"
        "<style>body{font-family:sans-serif;max-width:60em;margin:2em auto;line-height:1.5}"
        "img{max-width:100%;height:auto}</style>\n</head>\n<body>\n"
        f"<p>{body}</p>\n{images}\n</body>\n</html>\n"
    )


def _font_dir() -> Path:
    import matplotlib

    return Path(matplotlib.get_data_path()) / "fonts" / "ttf"


def to_pdf(neutral: str, title: str, charts: list[tuple[str, bytes]]) -> bytes:
    pdf = FPDF(format="A4")
    pdf.set_title(to_plain_text(title))
    pdf.set_creator("nis2bot")
    fonts = _font_dir()
    pdf.add_font("dejavu", "", str(fonts / "DejaVuSans.ttf"))
    pdf.add_font("dejavu", "B", str(fonts / "DejaVuSans-Bold.ttf"))
    pdf.add_font("dejavu", "I", str(fonts / "DejaVuSans-Oblique.ttf"))
    pdf.add_font("dejavu", "BI", str(fonts / "DejaVuSans-BoldOblique.ttf"))
    pdf.set_auto_page_break(auto=True, margin=15)
    pdf.add_page()
    pdf.set_font("dejavu", size=11)
    body = _LINK.sub(r"\2 (\1)", neutral).replace("\n", "<br>")
    pdf.write_html(f'<font size="11">{body}</font>', font_family="dejavu")
    for _name, png in charts:
        if pdf.get_y() > 150:
            pdf.add_page()
        pdf.ln(4)
        pdf.image(io.BytesIO(png), w=pdf.epw)
    return bytes(pdf.output())
