"""Telegram's `parse_mode=HTML`, checked the way the Bot API server does it.

Modelled on tdlib's `parse_html` (td/telegram/MessageEntity.cpp): the Bot API rejects the whole
message on an unsupported or unclosed tag, so a bot that forgets to escape what a person typed
fails there and must fail here. The error texts follow tdlib's, prefixed the way the Bot API
prefixes them ("Bad Request: can't parse entities: ...").

One deliberate difference: tdlib keeps a bare `&` that starts no known entity as a literal `&`.
With `strict_ampersand=True` (the fake's default) such a `&` is rejected as well, because a bot
that leaves `&` unescaped has forgotten to escape and will break on the next `<`.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from typing import Any

# Tags the Bot API accepts in HTML mode (see "Formatting options" in the Bot API docs).
_SUPPORTED_TAGS = frozenset(
    {
        "a", "b", "strong", "i", "em", "s", "strike", "del", "u", "ins", "pre", "code",
        "span", "tg-spoiler", "tg-emoji", "blockquote",
    }
)  # fmt: skip
_ENTITY_TYPE = {
    "b": "bold",
    "strong": "bold",
    "i": "italic",
    "em": "italic",
    "u": "underline",
    "ins": "underline",
    "s": "strikethrough",
    "strike": "strikethrough",
    "del": "strikethrough",
    "code": "code",
    "pre": "pre",
    "a": "text_link",
    "span": "spoiler",
    "tg-spoiler": "spoiler",
    "tg-emoji": "custom_emoji",
    "blockquote": "blockquote",
}
_NAMED_ENTITIES = {"lt": "<", "gt": ">", "amp": "&", "quot": '"'}
_NUMERIC = re.compile(r"&#(x[0-9a-fA-F]+|[0-9]+);?")
_NAMED = re.compile(r"&([a-zA-Z]*);?")


class HtmlParseError(ValueError):
    """The text is not valid Telegram HTML; `str(err)` is the Bot API's description."""


@dataclass
class ParsedText:
    text: str
    entities: list[dict[str, Any]] = field(default_factory=list)


@dataclass
class _Open:
    tag: str
    argument: str
    offset: int  # in UTF-16 code units, as the Bot API counts entity offsets


def utf16_len(text: str) -> int:
    return len(text.encode("utf-16-le")) // 2


def _byte_offset(text: str, index: int) -> int:
    return len(text[:index].encode("utf-8"))


def _error(message: str) -> HtmlParseError:
    return HtmlParseError(f"Bad Request: can't parse entities: {message}")


def _decode_entity(text: str, i: int) -> tuple[str, int] | None:
    """Decode the character reference at text[i] == '&'; None if it is not one tdlib knows."""
    m = _NUMERIC.match(text, i)
    if m:
        raw = m.group(1)
        code = int(raw[1:], 16) if raw.startswith("x") else int(raw)
        if 0 < code < 0x10FFFF and m.end(1) - i < 10:
            return chr(code), m.end()
        return None
    m = _NAMED.match(text, i)
    if m and m.group(1) in _NAMED_ENTITIES:
        return _NAMED_ENTITIES[m.group(1)], m.end()
    return None


def parse_html(source: str, *, strict_ampersand: bool = True) -> ParsedText:
    """Return the plain text and entities, or raise HtmlParseError like the Bot API."""
    out: list[str] = []
    utf16 = 0
    entities: list[dict[str, Any]] = []
    stack: list[_Open] = []
    i, n = 0, len(source)
    while i < n:
        c = source[i]
        if c == "&":
            decoded = _decode_entity(source, i)
            if decoded is not None:
                out.append(decoded[0])
                utf16 += utf16_len(decoded[0])
                i = decoded[1]
                continue
            if strict_ampersand:
                raise _error(
                    f'unescaped "&" at byte offset {_byte_offset(source, i)} '
                    "(the fake is stricter than Telegram here: escape it as &amp;)"
                )
        if c != "<":
            out.append(c)
            utf16 += utf16_len(c)
            i += 1
            continue
        begin = i
        i += 1
        if i < n and source[i] == "/":
            i = _close_tag(source, begin, i + 1, stack, entities, utf16)
        else:
            i = _open_tag(source, begin, i, stack, utf16)
    if stack:
        raise _error(f"Can't find end tag corresponding to start tag {stack[-1].tag}")
    entities.sort(key=lambda e: (e["offset"], -e["length"]))
    # Drop the parser's bookkeeping keys before the entities go on the wire.
    clean = [{k: v for k, v in e.items() if not k.startswith("_")} for e in entities]
    return ParsedText("".join(out), clean)


def _open_tag(source: str, begin: int, i: int, stack: list[_Open], utf16: int) -> int:
    n = len(source)
    while i < n and not source[i].isspace() and source[i] != ">":
        i += 1
    if i >= n:
        raise _error(f"Unclosed start tag at byte offset {_byte_offset(source, begin)}")
    tag = source[begin + 1 : i].lower()
    if tag not in _SUPPORTED_TAGS:
        raise _error(f'Unsupported start tag "{tag}" at byte offset {_byte_offset(source, begin)}')
    attributes: dict[str, str] = {}
    while True:
        while i < n and source[i].isspace():
            i += 1
        if i >= n:
            raise _error(f'Unclosed start tag "{tag}" at byte offset {_byte_offset(source, begin)}')
        if source[i] == ">":
            break
        start = i
        while i < n and not source[i].isspace() and source[i] not in "=>":
            i += 1
        name = source[start:i].lower()
        while i < n and source[i].isspace():
            i += 1
        if i < n and source[i] != "=":
            # Only `<blockquote expandable>` has a valueless attribute in the Bot API.
            if tag == "blockquote" and name == "expandable":
                attributes[name] = ""
                continue
            raise _error(
                f'Expected equal sign in declaration of an attribute of the tag "{tag}" '
                f"at byte offset {_byte_offset(source, begin)}"
            )
        i += 1
        while i < n and source[i].isspace():
            i += 1
        if i >= n:
            raise _error(f'Unclosed start tag "{tag}" at byte offset {_byte_offset(source, begin)}')
        value, i = _attribute_value(source, i)
        attributes[name] = value
    at = _byte_offset(source, begin)
    if tag == "span" and attributes.get("class") != "tg-spoiler":
        raise _error(f'Tag "span" must have class "tg-spoiler" at byte offset {at}')
    if tag == "tg-emoji" and not attributes.get("emoji-id"):
        raise _error(f'Tag "tg-emoji" must have attribute "emoji-id" at byte offset {at}')
    argument = attributes.get("href", "") if tag == "a" else ""
    if tag == "code" and attributes.get("class", "").startswith("language-"):
        argument = attributes["class"][len("language-") :]
    if tag == "tg-emoji":
        argument = attributes["emoji-id"]
    if tag == "blockquote" and "expandable" in attributes:
        argument = "expandable"
    stack.append(_Open(tag, argument, utf16))
    return i + 1


def _attribute_value(source: str, i: int) -> tuple[str, int]:
    n = len(source)
    if source[i] in "'\"":
        quote = source[i]
        i += 1
        chars: list[str] = []
        while i < n and source[i] != quote:
            if source[i] == "&":
                decoded = _decode_entity(source, i)
                if decoded is not None:
                    chars.append(decoded[0])
                    i = decoded[1]
                    continue
            chars.append(source[i])
            i += 1
        return "".join(chars), min(i + 1, n)
    start = i
    while i < n and (source[i].isalnum() or source[i] in ".-"):
        i += 1
    if i < n and not source[i].isspace() and source[i] != ">":
        raise _error(f"Unexpected end of name token at byte offset {_byte_offset(source, start)}")
    return source[start:i].lower(), i


def _close_tag(
    source: str,
    begin: int,
    i: int,
    stack: list[_Open],
    entities: list[dict[str, Any]],
    utf16: int,
) -> int:
    n = len(source)
    if not stack:
        raise _error(f"Unexpected end tag at byte offset {_byte_offset(source, begin)}")
    start = i
    while i < n and not source[i].isspace() and source[i] != ">":
        i += 1
    name = source[start:i].lower()
    while i < n and source[i].isspace():
        i += 1
    if i >= n or source[i] != ">":
        raise _error(f"Unclosed end tag at byte offset {_byte_offset(source, begin)}")
    opened = stack.pop()
    if name and name != opened.tag:
        raise _error(
            f"Unmatched end tag at byte offset {_byte_offset(source, begin)}, "
            f'expected "</{opened.tag}>", found "</{name}>"'
        )
    length = utf16 - opened.offset
    if length > 0:
        _add_entity(entities, opened, length)
    return i + 1


def _add_entity(entities: list[dict[str, Any]], opened: _Open, length: int) -> None:
    entity: dict[str, Any] = {"type": _ENTITY_TYPE[opened.tag], "offset": opened.offset}
    entity["length"] = length
    if opened.tag == "a":
        entity["url"] = opened.argument
    elif opened.tag == "tg-emoji":
        entity["custom_emoji_id"] = opened.argument
    elif opened.tag == "blockquote" and opened.argument:
        entity["type"] = "expandable_blockquote"
    elif opened.tag == "code" and opened.argument:
        # <pre><code class="language-x"> is one `pre` entity with a language, as in tdlib.
        for other in entities:
            if other["type"] == "pre" and (other["offset"], other["length"]) == (
                opened.offset,
                length,
            ):
                other["language"] = opened.argument
                return
        entity["_language"] = opened.argument
    elif opened.tag == "pre":
        for other in entities:
            if other.get("_language") and (other["offset"], other["length"]) == (
                opened.offset,
                length,
            ):
                entities.remove(other)
                entity["language"] = other["_language"]
                break
    entities.append(entity)
