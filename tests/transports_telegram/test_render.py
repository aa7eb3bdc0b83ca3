"""Neutral markup -> Telegram HTML: escaped, valid, split at 4096 without breaking a tag."""

from __future__ import annotations

import pytest

from bot.messages import Attachment, Choice, Outbound
from bot.transports.telegram_inbound import MAX_CALLBACK_BYTES, TOKEN_PREFIX, callback_token
from bot.transports.telegram_outbound import plan_steps
from bot.transports.telegram_render import (
    MAX_TEXT,
    parse_runs,
    plain_of,
    to_telegram_parts,
    utf16_len,
)
from handlers.reply import markup
from tests.fakes.telegram_html import parse_html


def _valid(html: str) -> str:
    """What a person would see, as the fake (validating like tdlib, bare & refused) parses it."""
    return parse_html(html, strict_ampersand=True).text


def test_typed_markup_is_escaped_and_formatting_kept() -> None:
    neutral = markup(
        "<b>{title}</b>\n{typed}", title="Naam", typed="<script>alert(1)</script> & co"
    )
    [part] = to_telegram_parts(neutral)
    assert part.html == "<b>Naam</b>\n&lt;script&gt;alert(1)&lt;/script&gt; &amp; co"
    assert _valid(part.html) == "Naam\n<script>alert(1)</script> & co"


@pytest.mark.parametrize(
    ("neutral", "seen"),
    [
        ("a & b < c", "a & b < c"),  # a raw & and < (a bug upstream) still cannot break the message
        ("<script>x</script>", "<script>x</script>"),  # unknown tags come out as text
        ('<a href="javascript:alert(1)">klik</a>', "klik"),  # an unsafe link keeps only its text
        ("<b>open", "open"),  # an unclosed tag is closed
        ("dicht</i>", "dicht"),  # a stray closing tag disappears
        ('<pre><code class="language-python">x = 1 &lt; 2</code></pre>', "x = 1 < 2"),
    ],
)
def test_whatever_comes_in_goes_out_as_valid_html(neutral: str, seen: str) -> None:
    [part] = to_telegram_parts(neutral)
    assert _valid(part.html) == seen
    assert part.plain == seen


def test_safe_link_is_kept_with_its_href_escaped() -> None:
    [part] = to_telegram_parts('<a href="https://example.org/?a=1&amp;b=&quot;2&quot;">hier</a>')
    assert part.html == '<a href="https://example.org/?a=1&amp;b=&quot;2&quot;">hier</a>'
    assert _valid(part.html) == "hier"


def test_a_10000_character_reply_is_split_at_paragraphs_and_tags_are_reopened() -> None:
    paragraph = "<b>Stap {n}</b>: " + "<i>" + "woord " * 60 + "</i>"
    neutral = "\n\n".join(paragraph.replace("{n}", str(n)) for n in range(40))
    assert 10_000 <= utf16_len(plain_of(parse_runs(neutral))) <= 16_000
    parts = to_telegram_parts(neutral)
    assert len(parts) >= 3
    for part in parts:
        assert utf16_len(_valid(part.html)) <= MAX_TEXT
        assert part.html.startswith("<b>Stap ")  # cut at a paragraph: each part starts one
    # nothing lost: the parts together hold every word, in order, and no paragraph was torn
    original = plain_of(parse_runs(neutral))
    assert " ".join(p.plain for p in parts).split() == original.split()
    assert sum(p.plain.count("Stap ") for p in parts) == 40
    assert all(par.startswith("Stap ") for p in parts for par in p.plain.split("\n\n"))


def test_one_huge_formatted_line_is_cut_at_a_space_with_the_tag_reopened() -> None:
    neutral = "<b>" + "lang " * 2000 + "</b>"  # 10,000 characters, no line break at all
    parts = to_telegram_parts(neutral)
    assert len(parts) == 3
    for part in parts:
        assert part.html.startswith("<b>") and part.html.endswith("</b>")
        assert utf16_len(_valid(part.html)) <= MAX_TEXT
        assert not part.plain.endswith(" lan")  # never in the middle of a word
    assert sum(p.plain.count("lang") for p in parts) == 2000


def test_length_counts_utf16_like_telegram() -> None:
    neutral = "😀" * 3000  # 6,000 UTF-16 units: two parts, though only 3,000 code points
    parts = to_telegram_parts(neutral)
    assert [utf16_len(p.plain) for p in parts] == [4096, 1904]


def test_choice_values_too_long_for_callback_data_get_a_short_token() -> None:
    long_value = "/incident bevestig " + "x" * 80
    token = callback_token(long_value)
    assert token is not None and token.startswith(TOKEN_PREFIX)
    assert len(token.encode()) <= MAX_CALLBACK_BYTES
    assert callback_token(long_value) == token  # stable across retries
    assert callback_token("keep") is None
    assert callback_token(TOKEN_PREFIX + "abc") is not None  # never mistaken for a token


def _outbound(text: str, files: tuple[Attachment, ...] = ()) -> Outbound:
    return Outbound(1, "telegram", "42", text, (Choice("ok", "OK"),), files, "k")


def test_a_short_text_rides_as_caption_a_long_one_goes_first() -> None:
    photo = Attachment("image", "grafiek.png", "image/png", b"png")
    pdf = Attachment("document", "certificaat.pdf", "application/pdf", b"pdf")
    steps = plan_steps(_outbound("Je certificaat", (photo, pdf)))
    assert [(s.part.plain if s.part else None, s.attachment) for s in steps] == [
        ("Je certificaat", photo),
        (None, pdf),
    ]
    steps = plan_steps(_outbound("tekst " * 400, (photo,)))  # 2,400 characters: no caption
    assert [s.attachment for s in steps] == [None, photo]
