"""The neutral reply: what a feature says, independent of the platform that carries it.

``text`` is *neutral markup*: a small, safe HTML subset (``<b> <i> <u> <s> <code> <pre> <a href>``
and line breaks as ``\\n``) in which everything a person typed is escaped. Telegram takes it as its
HTML parse mode, Matrix as ``formatted_body``, and the terminal strips it to plain text. Build it with
``markup()`` or a Jinja2 template (autoescaped), never by pasting raw input into a string.
"""

from __future__ import annotations

import html
import re
from dataclasses import dataclass
from typing import Any, Literal

from markupsafe import Markup, escape

#: A choice's label is shorter than this: a button stays one line on a phone.
CHOICE_LABEL_CHARS = 60


def short_label(text: str, limit: int = CHOICE_LABEL_CHARS) -> str:
    """``text`` on one line and shorter than ``limit``: cut at a word boundary, with an ellipsis.

    A label of ``limit`` characters or more counts as too long, also one a feature already cut
    at exactly ``limit`` (mid-word, as a plain slice does): it is cut back to the last whole word,
    so no button ever ends in half a word. The result is shorter than ``limit``, so shortening
    twice (a label read back from the outbox) changes nothing.
    """
    text = " ".join(text.split())
    if len(text) < limit:
        return text
    cut = text[: limit - 2]
    if " " in cut:
        cut = cut[: cut.rfind(" ")]
    return cut.rstrip(" ,;:.-–—(/") + "…"


@dataclass(frozen=True)
class Choice:
    """One option a person can pick: a button (Telegram), a numbered line (Matrix, terminal).

    The label is shortened at a word boundary (``short_label``); the value is never touched."""

    value: str
    label: str

    def __post_init__(self) -> None:
        object.__setattr__(self, "label", short_label(self.label))


@dataclass(frozen=True)
class Attachment:
    """A file sent with a reply: a chart (image) or a certificate or report (document)."""

    kind: Literal["image", "document"]
    filename: str
    content_type: str
    data: bytes


@dataclass
class Reply:
    text: str
    choices: tuple[Choice, ...] = ()
    attachments: tuple[Attachment, ...] = ()
    #: A "no" to what the person asked (their role may not, not here, not theirs). A refused button
    #: press leaves the buttons in place for the people who may press them.
    refused: bool = False

    def to_payload(self) -> dict[str, Any]:
        """The JSON form stored in the outbox (attachments are stored separately, by id)."""
        return {
            "text": self.text,
            "choices": [[c.value, c.label] for c in self.choices],
        }

    @classmethod
    def from_payload(cls, payload: dict[str, Any]) -> Reply:
        return cls(
            text=payload.get("text", ""),
            choices=tuple(Choice(v, label) for v, label in payload.get("choices", [])),
        )


def refused(replies: list[Reply]) -> bool:
    """Did the core refuse what was asked (any of its replies is a refusal)?"""
    return any(reply.refused for reply in replies)


def markup(template: str, /, **params: object) -> str:
    """Fill a trusted neutral-markup ``template`` with ``params``, escaping every parameter."""
    return str(Markup(template).format(**params))


def plain(text: str) -> str:
    """Escape plain text (a translated sentence, something typed) for use as neutral markup."""
    return str(escape(text))


_TAG = re.compile(r"<[^>]+>")


def to_plain_text(neutral: str) -> str:
    """Neutral markup to plain text: tags dropped, entities decoded (for the terminal and fallbacks)."""
    return html.unescape(_TAG.sub("", neutral))
