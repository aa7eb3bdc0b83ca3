"""Cleaning what people type before anything reads it, and escaping it for a terminal.

One rule for everything that comes from a platform (message text, button values, Telegram first
names, Matrix display names, the terminal chat's name): ``handlers.messages.Inbound`` applies it
when a transport builds the event, so no transport and no feature can forget it.

- Terminal escape sequences (CSI ``ESC [ … m``, OSC ``ESC ] … BEL`` that sets a terminal's title,
  DCS/APC/PM/SOS strings, two-character ``ESC x``, and their 8-bit C1 forms) are removed whole,
  not only their ESC: the rest of a sequence is noise, not text.
- Then NFC normalisation, and every control and format character goes: C0 and C1 controls (tab and
  newline stay in message text), bidi overrides and isolates (RLO U+202E and its kin), zero-width
  characters (ZWSP, ZWNJ, ZWJ, word joiner, BOM), surrogates, private-use and unassigned code points.
  Decision: a zero-width joiner inside an emoji sequence goes too (the family emoji shows as its
  members); it is also how a name hides a character.
- A name is one line: runs of white space (newlines, tabs, U+2028) become one space.

On the way out, ``terminal_safe`` shows what is left of such characters (old records, an operator's
own input) as visible escapes (``\\x1b``, ``\\u202e``) instead of handing them to the terminal.
"""

from __future__ import annotations

import re
import unicodedata

#: Longer messages are refused with an explanation instead of being cut silently.
MAX_MESSAGE_CHARS = 8000

_ESCAPE_SEQUENCE = re.compile(
    r"""
      (?:\x1b\[|\x9b) [0-?]* [ -/]* [@-~]                        # CSI ... final byte
    | (?:\x1b[\]PX^_]|[\x90\x98\x9d\x9e\x9f]) .*? (?:\x07|\x1b\\|\x9c|\Z)  # OSC, DCS, SOS, PM, APC
    | \x1b [ -/]* [0-~]                                          # ESC x (and ESC ( B and kin)
    """,
    re.VERBOSE | re.DOTALL,
)
_DROPPED_CATEGORIES = frozenset({"Cc", "Cf", "Cs", "Co", "Cn"})


def clean_text(raw: str | None) -> str:
    """Escape sequences removed, NFC-normalised, control and format characters dropped (keeping
    newlines and tabs), trimmed."""
    if not raw:
        return ""
    if raw.isprintable() and unicodedata.is_normalized("NFC", raw):
        return raw.strip()  # the common case: no control, format or unassigned character at all
    without_sequences = _ESCAPE_SEQUENCE.sub("", raw)
    normalised = unicodedata.normalize("NFC", without_sequences)
    kept = [
        ch
        for ch in normalised
        if ch.isprintable()  # quick: printable characters are never dropped
        or ch in "\n\t"
        or unicodedata.category(ch) not in _DROPPED_CATEGORIES
    ]
    return "".join(kept).strip()


def clean_name(raw: str | None) -> str:
    """A name as a platform gives it, cleaned like text and made one line."""
    return " ".join(clean_text(raw).split())


def one_line(text: str, limit: int) -> str:
    """A single-line, length-capped version of ``text`` (for names and short fields)."""
    return " ".join(text.split())[:limit]


def terminal_safe(text: str, *, keep_newlines: bool = True) -> str:
    """``text`` for a terminal: control, format and separator characters as visible escapes
    (``\\x1b``, ``\\u202e``), so nothing printed can move the cursor, set the title or reverse
    the line. Newlines and tabs stay when ``keep_newlines`` (a message), not in a table cell."""
    out = []
    for ch in text:
        if ch in "\n\t" and keep_newlines:
            out.append(ch)
        elif ch == "\t" or unicodedata.category(ch) in _DROPPED_CATEGORIES | {"Zl", "Zp"}:
            out.append(ascii(ch)[1:-1])
        else:
            out.append(ch)
    return "".join(out)
