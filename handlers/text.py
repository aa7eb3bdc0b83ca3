"""Cleaning what people type before anything reads it."""

from __future__ import annotations

import unicodedata

#: Longer messages are refused with an explanation instead of being cut silently.
MAX_MESSAGE_CHARS = 8000


def clean_text(raw: str | None) -> str:
    """NFC-normalise, drop control and format characters (keeping newlines and tabs), trim.

    Zero-width and bidi-override characters are dropped too: they hide text and spoof names.
    """
    if not raw:
        return ""
    normalised = unicodedata.normalize("NFC", raw)
    kept = [
        ch
        for ch in normalised
        if ch in "\n\t" or unicodedata.category(ch) not in {"Cc", "Cf", "Cs", "Co", "Cn"}
    ]
    return "".join(kept).strip()


def one_line(text: str, limit: int) -> str:
    """A single-line, length-capped version of ``text`` (for names and short fields)."""
    return " ".join(text.split())[:limit]
