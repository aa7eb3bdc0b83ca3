"""Neutral replies -> Matrix event content (``m.notice`` with HTML, ``m.image``, ``m.file``).

Neutral markup (handlers.reply) is already a safe HTML subset with everything typed escaped, so the
``formatted_body`` is that markup with line breaks as ``<br>`` and ``<s>`` as ``<del>`` (the tag the
Matrix spec lists). The plain ``body`` is the same text without tags, for clients and
notifications that show no HTML. Choices become a numbered list; people answer with the number or
the label, which the router already understands.

Commands are shown as ``!help`` rather than ``/help``: Element treats a leading slash as one of its
own commands (``/help`` opens Element's help) and refuses unknown ones, while the router accepts
both prefixes. Only names of registered commands are rewritten, so dates and URLs stay as they are.
"""

from __future__ import annotations

import html
import re
from typing import Any

from bot.messages import Attachment, Choice
from handlers.command import find_command
from handlers.reply import to_plain_text
from handlers.router import BACK, STOP

HTML_FORMAT = "org.matrix.custom.html"
# A slash that starts a word: not after a letter, digit, another slash, '<' (a closing tag), ':' or
# '.' (URLs, paths, dates like 20/11).
_COMMAND = re.compile(r"(?<![\w/<:.])/([A-Za-z][A-Za-z_]*)")
_PRE = re.compile(r"(<pre>.*?</pre>)", re.DOTALL)


def bang_commands(neutral: str) -> str:
    """``/help`` -> ``!help`` for every registered command name (and /stop, /terug)."""

    def swap(match: re.Match[str]) -> str:
        name = match.group(1).lower()
        known = find_command(name) is not None or name in STOP or name in BACK or name == "start"
        return f"!{match.group(1)}" if known else match.group(0)

    return _COMMAND.sub(swap, neutral)


def to_matrix_html(neutral: str) -> str:
    """Neutral markup -> Matrix HTML: newlines as <br> (kept inside <pre>), <s> as <del>."""
    parts = _PRE.split(neutral.replace("<s>", "<del>").replace("</s>", "</del>"))
    return "".join(
        part if part.startswith("<pre>") else part.replace("\n", "<br>") for part in parts
    )


def text_content(neutral: str, choices: tuple[Choice, ...] = ()) -> dict[str, Any]:
    """One ``m.notice``: bots answer with notices so that other bots do not answer back."""
    neutral = bang_commands(neutral)
    body = to_plain_text(neutral)
    formatted = to_matrix_html(neutral)
    if choices:
        numbered = "\n".join(f"{n}. {c.label}" for n, c in enumerate(choices, start=1))
        body = f"{body}\n\n{numbered}" if body else numbered
        items = "".join(f"<li>{html.escape(c.label)}</li>" for c in choices)
        formatted = f"{formatted}<ol>{items}</ol>"
    return {"msgtype": "m.notice", "body": body, "format": HTML_FORMAT, "formatted_body": formatted}


def attachment_content(
    attachment: Attachment, content_uri: str, file_keys: dict[str, Any] | None = None
) -> dict[str, Any]:
    """An uploaded image (``m.image``) or document (``m.file``); in an encrypted room the file
    was encrypted and ``file_keys`` (key, iv, hashes) go in ``file`` instead of ``url``."""
    info: dict[str, Any] = {"mimetype": attachment.content_type, "size": len(attachment.data)}
    size = image_size(attachment.data) if attachment.kind == "image" else None
    if size:
        info["w"], info["h"] = size
    msgtype = "m.image" if attachment.kind == "image" else "m.file"
    content: dict[str, Any] = {
        "msgtype": msgtype,
        "body": attachment.filename,
        "filename": attachment.filename,
        "info": info,
    }
    if file_keys is not None:
        content["file"] = {"url": content_uri, **file_keys}
    else:
        content["url"] = content_uri
    return content


def image_size(data: bytes) -> tuple[int, int] | None:
    """Width and height of a PNG (what the bot draws), so clients reserve the right space."""
    if data[:8] == b"\x89PNG\r\n\x1a\n" and len(data) >= 24:
        return int.from_bytes(data[16:20], "big"), int.from_bytes(data[20:24], "big")
    return None
