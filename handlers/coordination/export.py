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
from urllib.parse import quote

from handlers.reply import to_plain_text

# fontTools logs every font subset at INFO; a report is not worth a screen of that.
logging.getLogger("fontTools").setLevel(logging.WARNING)

_LINK = re.compile(r'<a href="([^"]*)">(.*?)</a>')
_HEADING = re.compile(r"^<b>([^<]*)</b>(.*)$")
#: The neutral markup's tags (everything else in it is escaped text).
_MARKUP_TAG = re.compile(r'<a href="([^"]*)">|</a>|<(/?)(b|i)>|<[^>]*>')
#: Inline Markdown syntax (CommonMark + GFM): emphasis, code, links and images, raw HTML and
#: autolinks, entities, tables, strikethrough. A backslash makes each one a literal character.
_MD_INLINE = re.compile(r"([\\`*_\[\]<>&!|~])")
#: What makes a line a heading, quote, list, rule or setext underline when it starts the line.
_MD_LINE_START = re.compile(r"^(\s*)([#>+=-]|\d+[.)])")
_SAFE_SCHEMES = ("https://", "http://", "mailto:", "tel:")


def _md_text(neutral_text: str) -> str:
    """Escaped neutral text -> Markdown that shows exactly that text (never HTML or a link)."""
    return _MD_INLINE.sub(r"\\\1", html.unescape(neutral_text))


def _md_url(href: str) -> str | None:
    url = html.unescape(href)
    if not url.lower().startswith(_SAFE_SCHEMES):
        return None
    return quote(url, safe="/:?#&=%@+,;~!$*'.-_")  # no space, parenthesis or angle bracket


def _md_inline(neutral: str) -> str:
    """One line of neutral markup as Markdown: <b> and <i> become emphasis, a link stays a link
    (http, https, mailto and tel only), and every piece of text is escaped."""
    out: list[str] = []
    links: list[str | None] = []
    position = 0
    for tag in _MARKUP_TAG.finditer(neutral):
        out.append(_md_text(neutral[position : tag.start()]))
        position = tag.end()
        href, _closing, name = tag.group(1), tag.group(2), tag.group(3)
        if href is not None:
            links.append(_md_url(href))
            out.append("[" if links[-1] else "")
        elif tag.group(0) == "</a>":
            url = links.pop() if links else None
            out.append(f"]({url})" if url else "")
        elif name == "b":
            out.append("**")
        elif name == "i":
            out.append("_")
    out.append(_md_text(neutral[position:]))
    return "".join(out)


def _escape_line_start(match: re.Match[str]) -> str:
    space, mark = match.group(1), match.group(2)
    return (
        space + mark[:-1] + "\\" + mark[-1]
    )  # "\#", "\-", "1\." (a backslash before a digit shows)


def to_markdown(neutral: str, charts: list[str]) -> str:
    """Neutral markup as Markdown in which what people typed stays text: escaped for Markdown, so a
    service called ``<img onerror=…>`` or a finding ``[klik](javascript:…)`` is shown, not run."""
    lines = []
    for index, line in enumerate(neutral.split("\n")):
        prefix = ""
        heading = _HEADING.match(line)
        if heading and index == 0:
            prefix, line = "# ", heading.group(1) + heading.group(2)
        elif heading and not heading.group(2).strip().startswith(":"):
            prefix, line = "## ", heading.group(1) + heading.group(2)
        elif line.startswith("• "):
            prefix, line = "- ", line[2:]
        body = _MD_LINE_START.sub(_escape_line_start, _md_inline(line))
        line = prefix + body
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
    # fpdf2 (with fontTools, ~56 MB) is loaded only when a PDF is made: /bob imports this module
    # for its Markdown, and the running bot must stay within its memory aim (docs/BENCHMARKS.md).
    from fpdf import FPDF

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
