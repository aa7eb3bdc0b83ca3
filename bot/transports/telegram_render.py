"""Neutral markup -> Telegram HTML, split into messages Telegram accepts.

Neutral markup (handlers/reply.py) is already the subset Telegram's HTML parse mode speaks, but one
stray ``<`` or ``&`` makes Telegram reject the whole message. So the text is parsed into *runs*
(visible text + the formatting tags open around it) and rendered again from those runs: every
character of text is escaped on the way out, unknown tags come out as visible, escaped text, and a
link keeps only an http(s)/mailto/tg href. Rendering from runs also makes splitting safe: a part ends
by closing its open tags and the next part reopens them.

Lengths are counted the way Telegram counts them: visible text (after parsing) in UTF-16 code units.
"""

from __future__ import annotations

import html
import re
from dataclasses import dataclass
from html.parser import HTMLParser

MAX_TEXT = 4096  # sendMessage text, after entity parsing
MAX_CAPTION = 1024  # sendPhoto / sendDocument caption

# Tag names as neutral markup writes them, plus the HTML synonyms Telegram accepts.
_TAGS = {
    "b": "b",
    "strong": "b",
    "i": "i",
    "em": "i",
    "u": "u",
    "ins": "u",
    "s": "s",
    "strike": "s",
    "del": "s",
    "code": "code",
    "pre": "pre",
    "a": "a",
}
_SAFE_HREF = re.compile(r"^(https?://|mailto:|tg://)", re.IGNORECASE)
_CODE_LANGUAGE = re.compile(r"^language-[A-Za-z0-9_+#.-]{1,32}$")

Tag = tuple[str, str]  # (name, rendered attributes, e.g. ' href="..."')


@dataclass(frozen=True)
class Run:
    text: str
    tags: tuple[Tag, ...]


def utf16_len(text: str) -> int:
    return len(text.encode("utf-16-le")) // 2


class _RunParser(HTMLParser):
    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.runs: list[Run] = []
        self.stack: list[tuple[str, Tag | None]] = []  # (source tag name, kept tag or None)

    def _text(self, text: str) -> None:
        if not text:
            return
        tags = tuple(tag for _name, tag in self.stack if tag is not None)
        if self.runs and self.runs[-1].tags == tags:
            self.runs[-1] = Run(self.runs[-1].text + text, tags)
        else:
            self.runs.append(Run(text, tags))

    def handle_data(self, data: str) -> None:
        self._text(data)

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        name = _TAGS.get(tag)
        if tag == "br":
            self._text("\n")
            return
        if name is None:
            self._text(self.get_starttag_text() or f"<{tag}>")  # shown as typed, escaped later
            return
        self.stack.append((tag, _kept_tag(name, dict(attrs), self.stack)))

    def handle_startendtag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag == "br":
            self._text("\n")
        elif tag not in _TAGS:
            self._text(self.get_starttag_text() or f"<{tag}/>")

    def handle_endtag(self, tag: str) -> None:
        if tag not in _TAGS:
            if tag != "br":
                self._text(f"</{tag}>")
            return
        # Close the innermost matching tag (and anything left open inside it).
        for index in range(len(self.stack) - 1, -1, -1):
            if self.stack[index][0] == tag:
                del self.stack[index:]
                return
        # A closing tag that was never opened is dropped: it carries no text.


def _kept_tag(name: str, attrs: dict[str, str | None], stack: list) -> Tag | None:  # type: ignore[type-arg]
    if name == "a":
        href = (attrs.get("href") or "").strip()
        if not _SAFE_HREF.match(href):
            return None  # keep the text, drop a link we cannot vouch for
        return ("a", f' href="{html.escape(href, quote=True)}"')
    if name == "code":
        language = attrs.get("class") or ""
        inside_pre = any(tag is not None and tag[0] == "pre" for _n, tag in stack)
        if inside_pre and _CODE_LANGUAGE.match(language):
            return ("code", f' class="{language}"')
    return (name, "")


def parse_runs(neutral: str) -> list[Run]:
    """Neutral markup -> runs of visible text with their formatting (entities decoded)."""
    parser = _RunParser()
    parser.feed(neutral)
    parser.close()
    return parser.runs


def plain_of(runs: list[Run]) -> str:
    return "".join(run.text for run in runs)


def render_runs(runs: list[Run]) -> str:
    """Runs -> Telegram HTML: minimal opening and closing, every text character escaped."""
    out: list[str] = []
    open_tags: list[Tag] = []
    for run in runs:
        common = 0
        while (
            common < len(open_tags)
            and common < len(run.tags)
            and open_tags[common] == run.tags[common]
        ):
            common += 1
        for name, _attrs in reversed(open_tags[common:]):
            out.append(f"</{name}>")
        for name, attrs in run.tags[common:]:
            out.append(f"<{name}{attrs}>")
        open_tags = list(run.tags)
        out.append(html.escape(run.text, quote=False))
    for name, _attrs in reversed(open_tags):
        out.append(f"</{name}>")
    return "".join(out)


@dataclass(frozen=True)
class Part:
    """One Telegram message's worth of text: HTML to send, and the plain fallback."""

    html: str
    plain: str


def to_telegram_parts(neutral: str, limit: int = MAX_TEXT) -> list[Part]:
    """Neutral markup -> one or more parts, each at most ``limit`` visible UTF-16 units."""
    runs = parse_runs(neutral)
    parts: list[Part] = []
    for piece in _split_runs(runs, limit):
        text = plain_of(piece)
        if text.strip():
            parts.append(Part(render_runs(piece), text))
    return parts


def fits(neutral: str, limit: int) -> bool:
    return utf16_len(plain_of(parse_runs(neutral))) <= limit


def _split_runs(runs: list[Run], limit: int) -> list[list[Run]]:
    text = plain_of(runs)
    cuts = _cut_points(text, limit)
    pieces = []
    for start, end in zip([0, *cuts], [*cuts, len(text)], strict=True):
        piece = _slice(runs, start, end)
        pieces.append(_trim(piece))
    return pieces


def _cut_points(text: str, limit: int) -> list[int]:
    """Where to cut ``text`` so every piece fits: at a blank line, else a line end, else a space."""
    cuts: list[int] = []
    start = 0
    while utf16_len(text[start:]) > limit:
        end = _fit_end(text, start, limit)
        window = text[start:end]
        floor = len(window) // 2  # never cut so early that parts become tiny
        for separator in ("\n\n", "\n", " "):
            found = window.rfind(separator)
            if found > floor:
                cut = start + found + len(separator)
                break
        else:
            cut = end
        cuts.append(cut)
        start = cut
    return cuts


def _fit_end(text: str, start: int, limit: int) -> int:
    """The largest end such that text[start:end] is at most ``limit`` UTF-16 units."""
    units, end = 0, start
    while end < len(text):
        width = 2 if ord(text[end]) > 0xFFFF else 1
        if units + width > limit:
            break
        units += width
        end += 1
    return end


def _slice(runs: list[Run], start: int, end: int) -> list[Run]:
    out: list[Run] = []
    position = 0
    for run in runs:
        run_end = position + len(run.text)
        lo, hi = max(start, position), min(end, run_end)
        if lo < hi:
            out.append(Run(run.text[lo - position : hi - position], run.tags))
        position = run_end
    return out


def _trim(piece: list[Run]) -> list[Run]:
    """Drop the line breaks a cut leaves at either end of a part (not inside <pre>)."""
    if piece and not _in_pre(piece[0]):
        piece[0] = Run(piece[0].text.lstrip("\n"), piece[0].tags)
    if piece and not _in_pre(piece[-1]):
        piece[-1] = Run(piece[-1].text.rstrip(), piece[-1].tags)
    return [run for run in piece if run.text]


def _in_pre(run: Run) -> bool:
    return any(name == "pre" for name, _attrs in run.tags)
