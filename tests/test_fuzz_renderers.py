"""10,000 hostile replies through each transport's renderer: no crash, only allowed HTML, text intact.

Two kinds of input. *Safe* neutral markup, built the way features build it (``plain(text)``,
``markup("<b>{x}</b> and <i>{y}</i>", ...)``) from every class of Unicode, control characters,
20,000-character walls, HTML, Markdown, template and SQL-like text: here every visible character
must come out again. *Raw* strings handed over as if they were neutral markup (broken, nested and
unclosed tags, stray ``<`` and ``&``, hostile attributes): the Telegram renderer must still produce
valid, balanced HTML with only the tags Telegram accepts (it re-renders from parsed runs); the
Matrix renderer passes neutral markup through (it trusts features to escape), so for raw input it
is only required not to crash and to keep ``body`` consistent with the markup.
"""

from __future__ import annotations

import html
import html.parser
import re
from dataclasses import dataclass, field

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from bot.transports.matrix_render import HTML_FORMAT, text_content
from bot.transports.telegram_render import (
    MAX_CAPTION,
    MAX_TEXT,
    parse_runs,
    plain_of,
    to_telegram_parts,
    utf16_len,
)
from handlers.command import find_command
from handlers.reply import Choice, markup, plain, to_plain_text
from handlers.router import BACK, STOP
from tests.fakes.telegram_html import parse_html

FUZZ = settings(
    max_examples=10_000,
    deadline=None,
    database=None,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large],
)

HOSTILE = [
    "<script>alert(1)</script>",
    "<b>vet</b>",
    "<a href='javascript:alert(1)'>klik</a>",
    '<img src=x onerror="alert(1)">',
    "&amp; & &lt; &#x3C; &#0; &#xD800; &",
    "**vet** _schuin_ [link](http://x) `code` ```pre```",
    "{{ 7*7 }} {% for x in y %}{{ x }}{% endfor %} ${7*7} #{7*7}",
    "'; DROP TABLE person; --",
    '1 OR 1=1 "quoted"',
    "/start",
    "/help /koppel ismt /stop",
    "!help",
    "/",
    "/\u0000",
    "\u202e\u200b\ufeff\u2028\u2029\x85",
    "ik wil iets melden",
    "\r\n\t\x0b\x0c\x1c\x1d\x1e\x1f",
]
# A wall is long enough to be split (up to 20,000 characters, five Telegram messages), so it must
# be present, but it is slow to check: one in 64 texts is a wall, about 300 of the 10,000 examples.
WALL = st.builds(
    lambda c, n: c * n, st.sampled_from(["a", "<", "&", "é", "😀", "\n", "ab ", "x\n\n"]),
    st.integers(4_000, 20_000),
)  # fmt: skip
SHORT = st.one_of(
    st.text(max_size=300),  # every Unicode category (Hypothesis leaves out lone surrogates)
    st.text(alphabet=st.characters(max_codepoint=0x1F), max_size=50),  # control characters
    st.sampled_from(HOSTILE),
    st.lists(st.sampled_from(HOSTILE) | st.text(max_size=20), max_size=6).map(" ".join),
)
TEXT = st.integers(0, 63).flatmap(lambda n: WALL if n == 0 else SHORT)
# Fragments of markup in every state of repair, for raw input treated as neutral markup.
RAW_PIECES = [
    "<b>", "</b>", "<i>", "</i>", "<u>", "</u>", "<s>", "</s>", "<strong>", "<em>", "<ins>",
    "<del>", "<strike>", "<pre>", "</pre>", "<code>", "</code>", '<code class="language-py">',
    '<code class="evil onclick=x">', '<a href="https://example.org/?a=1&amp;b=2">', "</a>",
    '<a href="javascript:alert(1)">', "<a href='JavaScript:x'>", '<a href=" tg://user?id=1">',
    '<a href="mailto:a@b.nl" onclick="x">', "<a>", '<b class="x" style="y">', "<br>", "<br/>",
    "</br>", "<script>", "</script>", "<style>", "<textarea>", "<title>", "<!--", "-->",
    "<![CDATA[", "]]>", "<?xml x?>", "<!DOCTYPE html>", "<span class=tg-spoiler>",
    "<blockquote>", "<tg-emoji emoji-id=1>", "<b", "<a href=", "</", "<", ">", "&", "&amp;",
    "&lt;", "&gt;", "&quot;", "&#39;", "&#0;", "&#x110000;", "&#xD83D;", "&nbsp", "&bogus;",
    "\n", "\n\n", " ", "\x00",
]  # fmt: skip
RAW = st.integers(0, 63).flatmap(
    lambda n: (
        st.tuples(st.sampled_from(RAW_PIECES), WALL, st.sampled_from(RAW_PIECES)).map("".join)
        if n == 0
        else st.one_of(
            st.text(max_size=300),
            st.lists(st.sampled_from(RAW_PIECES) | st.text(max_size=12), max_size=40).map("".join),
        )
    )
)
TEMPLATE = "<b>{x}</b> and <i>{y}</i>"


@dataclass(frozen=True)
class Sample:
    kind: str  # "plain", "markup" or "raw"
    neutral: str
    visible: str = ""  # what a person must read (safe kinds only)
    # The formatting each stretch of the visible text must carry: (start, end, tags).
    formatting: tuple[tuple[int, int, frozenset[str]], ...] = ()


def _plain_sample(text: str) -> Sample:
    return Sample("plain", plain(text), text, ((0, len(text), frozenset()),))


def _markup_sample(x: str, y: str) -> Sample:
    visible = f"{x} and {y}"
    bold_end, italic_start = len(x), len(x) + len(" and ")
    formatting = (
        (0, bold_end, frozenset({"b"})),
        (bold_end, italic_start, frozenset()),
        (italic_start, len(visible), frozenset({"i"})),
    )
    return Sample("markup", markup(TEMPLATE, x=x, y=y), visible, formatting)


SAMPLES = st.one_of(
    TEXT.map(_plain_sample),
    st.builds(_markup_sample, TEXT, TEXT),
    RAW.map(lambda raw: Sample("raw", raw)),
)
# Half the replies have no choices; the others up to four hostile labels (values are opaque ids).
CHOICES = st.one_of(
    st.just(()),
    st.lists(st.builds(Choice, st.text(max_size=20), SHORT), min_size=1, max_size=4).map(tuple),
)


@dataclass
class ParsedHtml:
    """What a parser sees in rendered HTML: the tags, their attributes, the visible text."""

    segments: list[tuple[str, frozenset[str]]] = field(default_factory=list)  # text, open tags
    problems: list[str] = field(default_factory=list)
    tags: list[str] = field(default_factory=list)
    list_items: list[str] = field(default_factory=list)

    @property
    def visible(self) -> str:
        return "".join(text for text, _tags in self.segments)


class _Checker(html.parser.HTMLParser):
    def __init__(self, allowed: set[str], void: set[str], breaks_as_newline: bool) -> None:
        super().__init__(convert_charrefs=True)
        self.allowed, self.void, self.breaks = allowed, void, breaks_as_newline
        self.stack: list[str] = []
        self.out = ParsedHtml()

    def _attribute_problem(self, tag: str, name: str, value: str | None) -> str | None:
        value = value or ""
        if tag == "a" and name == "href":
            if re.match(r"^(https?://|mailto:|tg://)", value.strip(), re.IGNORECASE):
                return None
            return f"unsafe href {value!r}"
        language = re.fullmatch(r"language-[A-Za-z0-9_+#.-]{1,32}", value)
        if tag == "code" and name == "class" and "pre" in self.stack and language:
            return None  # <pre><code class="language-x">: Telegram's code-block language
        return f"attribute {name}={value!r} on <{tag}>"

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.out.tags.append(tag)
        if tag not in self.allowed:
            self.out.problems.append(f"tag <{tag}>")
        for name, value in attrs:
            problem = self._attribute_problem(tag, name, value)
            if problem:
                self.out.problems.append(problem)
        if tag in self.void:
            if self.breaks:
                self._data("\n")
            return
        self.stack.append(tag)

    def handle_startendtag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.out.problems.append(f"self-closing <{tag}/>")

    def handle_endtag(self, tag: str) -> None:
        if not self.stack or self.stack[-1] != tag:
            self.out.problems.append(f"</{tag}> closes {self.stack[-1:]}")
            return
        self.stack.pop()

    def _data(self, data: str) -> None:
        if "li" in self.stack:
            self.out.list_items[-1:] = [self.out.list_items[-1] + data]
        else:
            self.out.segments.append((data, frozenset(self.stack)))

    def handle_data(self, data: str) -> None:
        self._data(data)

    def handle_comment(self, data: str) -> None:
        self.out.problems.append("comment")

    def handle_decl(self, decl: str) -> None:
        self.out.problems.append("declaration")

    def handle_pi(self, data: str) -> None:
        self.out.problems.append("processing instruction")

    def unknown_decl(self, data: str) -> None:
        self.out.problems.append("unknown declaration")


def check_html(
    source: str, allowed: set[str], void: set[str] = frozenset(), breaks: bool = False
) -> ParsedHtml:
    checker = _Checker(allowed, void, breaks)
    original_starttag = checker.handle_starttag

    def starttag(tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag == "li":
            checker.out.list_items.append("")
        original_starttag(tag, attrs)

    checker.handle_starttag = starttag  # type: ignore[method-assign]
    checker.feed(source)
    checker.close()
    if checker.stack:
        checker.out.problems.append(f"unclosed {checker.stack}")
    if "<script" in source.lower():
        checker.out.problems.append("<script")
    return checker.out


def assert_formatting(
    segments: list[tuple[str, frozenset[str]]],
    start: int,
    expected: tuple[tuple[int, int, frozenset[str]], ...],
) -> None:
    """Each stretch of rendered text (beginning at ``start`` of the visible text) has the tags
    the stretches of ``expected`` it overlaps were given, no more and no fewer."""
    position = start
    for text, tags in segments:
        end = position + len(text)
        for lo, hi, want in expected:
            if max(lo, position) < min(hi, end):
                assert tags == want, (text[:80], sorted(tags), sorted(want))
        position = end


def align_parts(whole: str, parts: list[str]) -> list[int]:
    """Where each part starts in ``whole``, allowing only whitespace between and around parts.

    This is "equal modulo the whitespace at split points": the parts, in order, are exact slices
    of ``whole``, and everything of ``whole`` not inside a part is whitespace (the line breaks and
    spaces a cut leaves at the edges of a part, or a part that was only whitespace). Each part
    holds a non-whitespace character, so the first possible start is the only one.
    """
    starts, position = [], 0
    for part in parts:
        assert part.strip(), f"empty part {part!r}"
        start = position
        while not whole.startswith(part, start):
            assert start < len(whole) and whole[start].isspace(), (
                f"part {part[:80]!r} is not the text at {position}: {whole[position : position + 80]!r}"
            )
            start += 1
        starts.append(start)
        position = start + len(part)
    assert whole[position:].strip() == "", f"text lost at the end: {whole[position:][:80]!r}"
    return starts


TELEGRAM_TAGS = {"b", "i", "u", "s", "code", "pre", "a"}


@FUZZ
@given(sample=SAMPLES, caption=st.booleans())
def test_telegram_parts_are_valid_html_within_limits_and_keep_the_text(
    sample: Sample, caption: bool
) -> None:
    limit = MAX_CAPTION if caption else MAX_TEXT
    parts = to_telegram_parts(sample.neutral, limit)
    seen: list[str] = []
    segments: list[list[tuple[str, frozenset[str]]]] = []
    for part in parts:
        parsed = check_html(part.html, TELEGRAM_TAGS)
        assert parsed.problems == [], (sample.kind, parsed.problems, part.html[:300])
        visible = parsed.visible
        # Telegram counts the visible text (after entities are parsed) in UTF-16 code units.
        assert utf16_len(visible) <= limit
        assert visible == part.plain  # the fallback shown when HTML is refused is the same text
        # And the Bot API's own parser (the fake, modelled on tdlib, bare & refused) accepts it.
        assert parse_html(part.html, strict_ampersand=True).text == visible
        seen.append(visible)
        segments.append(parsed.segments)
    if sample.kind == "raw":
        # Whatever came in, the parts are the parsed text, cut only at whitespace.
        align_parts(plain_of(parse_runs(sample.neutral)), seen)
        return
    starts = align_parts(sample.visible, seen)
    if not sample.visible.strip():
        assert parts == []
    # Every character kept the formatting it was given (<b>{x}</b> stays bold in every part).
    for part_segments, start in zip(segments, starts, strict=True):
        assert_formatting(part_segments, start, sample.formatting)


def registered_command(word: str) -> bool:
    name = word.lower()
    return find_command(name) is not None or name in STOP or name in BACK or name == "start"


def same_text_but_bang_commands(expected: str, body: str) -> None:
    """``body`` is ``expected`` with ``/cmd`` shown as ``!cmd`` for registered commands only."""
    assert len(body) == len(expected), (expected[:200], body[:200])
    if body == expected:
        return
    for index, (want, got) in enumerate(zip(expected, body, strict=True)):
        if want != got:
            assert (want, got) == ("/", "!"), (index, expected[:200], body[:200])
            word = re.match(r"[A-Za-z][A-Za-z_]*", expected[index + 1 :])
            assert word and registered_command(word.group(0)), expected[index : index + 40]


MATRIX_TAGS = {"b", "i", "u", "del", "code", "pre", "a", "br", "ol", "li"}


@FUZZ
@given(sample=SAMPLES, choices=CHOICES)
def test_matrix_content_keeps_the_text_in_body_and_formatted_body(
    sample: Sample, choices: tuple[Choice, ...]
) -> None:
    content = text_content(sample.neutral, choices)
    assert content["msgtype"] == "m.notice" and content["format"] == HTML_FORMAT
    body, formatted = content["body"], content["formatted_body"]
    assert isinstance(body, str) and isinstance(formatted, str)
    numbered = "\n".join(f"{n}. {c.label}" for n, c in enumerate(choices, start=1))
    text_body = body
    if choices:
        assert body.endswith(numbered)
        text_body = body[: len(body) - len(numbered)]
        if text_body:
            assert text_body.endswith("\n\n")
            text_body = text_body[:-2]
    # The plain body is the markup without tags, with only registered /commands shown as !commands.
    same_text_but_bang_commands(to_plain_text(sample.neutral), text_body)
    if sample.kind == "raw":
        return  # raw markup is passed through: Matrix relies on features escaping (module doc)
    parsed = check_html(formatted, MATRIX_TAGS, void={"br"}, breaks=True)
    assert parsed.problems == [], (parsed.problems, formatted[:300])
    # Line breaks of the text are <br> (safe markup holds no <pre>); the text can hold no "<ol>".
    assert "\n" not in formatted.split("<ol>")[0]
    # formatted_body shows exactly the text of body: same characters, same formatting.
    assert parsed.visible == text_body
    assert_formatting(parsed.segments, 0, sample.formatting)
    assert parsed.list_items == [c.label for c in choices]
    assert ("<ol>" in formatted) == bool(choices)
