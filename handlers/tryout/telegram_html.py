"""Telegram's rules for a message's text: the HTML parse mode, its entities, the lengths.

What the stand-in (botapi.py) checks of every text and caption the bot sends, as Telegram
does: tags it supports, balanced tags, escaped "<" and "&", entity offsets in UTF-16 code
units, whitespace trimmed at both ends, at most 4096 characters (1024 for a caption).
"""

from __future__ import annotations

import re
from typing import Any

JSONDict = dict[str, Any]

MAX_TEXT_LENGTH = 4096
MAX_CAPTION_LENGTH = 1024


class HTMLParseError(ValueError):
    """The text is not valid Telegram HTML (message as in "can't parse entities: ...")."""


_TAG_ENTITY_TYPES = {
    "b": "bold",
    "strong": "bold",
    "i": "italic",
    "em": "italic",
    "u": "underline",
    "ins": "underline",
    "s": "strikethrough",
    "strike": "strikethrough",
    "del": "strikethrough",
    "a": "text_link",
    "code": "code",
    "pre": "pre",
    "tg-spoiler": "spoiler",
    "span": "spoiler",
    "blockquote": "blockquote",
    "tg-emoji": "custom_emoji",
}
_NAMED_ENTITIES = {"lt": "<", "gt": ">", "amp": "&", "quot": '"'}
_ENTITY_RE = re.compile(r"&(?:#([0-9]{1,8})|#[xX]([0-9a-fA-F]{1,8})|([a-zA-Z][a-zA-Z0-9]*));")
_TAG_NAME_RE = re.compile(r"[a-zA-Z][a-zA-Z0-9-]*")
_ATTR_RE = re.compile(
    r"""\s*([a-zA-Z][a-zA-Z0-9_-]*)(?:\s*=\s*(?:"([^"]*)"|'([^']*)'|([^\s"'>]+)))?"""
)


def utf16_len(text: str) -> int:
    """Length in UTF-16 code units, the unit of Telegram's entity offsets."""
    return len(text.encode("utf-16-le")) // 2


def _decode_entity(match: re.Match[str]) -> str | None:
    decimal, hexa, name = match.groups()
    if name is not None:
        return _NAMED_ENTITIES.get(name)
    code = int(decimal) if decimal is not None else int(hexa, 16)
    if code == 0 or code > 0x10FFFF or 0xD800 <= code <= 0xDFFF:
        return None
    return chr(code)


def _unescape(text: str, offset: int, source: str) -> str:
    """Decodes the entities of an attribute value (strictly, like the text)."""
    out: list[str] = []
    i = 0
    while i < len(text):
        if text[i] == "&":
            match = _ENTITY_RE.match(text, i)
            decoded = _decode_entity(match) if match else None
            if match is None or decoded is None:
                raise HTMLParseError(
                    f"Character entity expected at byte offset {_byte_offset(source, offset)}"
                )
            out.append(decoded)
            i = match.end()
        else:
            out.append(text[i])
            i += 1
    return "".join(out)


def _byte_offset(text: str, index: int) -> int:
    return len(text[:index].encode("utf-8"))


def parse_html(text: str) -> tuple[str, list[JSONDict]]:
    """Parses Telegram HTML into (plain text, entities), entity offsets in UTF-16 code units.

    Raises HTMLParseError on unsupported tags, unbalanced tags, a bare "<", or a bare "&" (the
    Bot API documents that every "<", ">" and "&" outside tags and entities must be escaped; this
    fake is strict about "<" and "&" and tolerates ">").
    """
    out: list[str] = []
    pos = 0  # UTF-16 offset in the plain text
    stack: list[tuple[str, dict[str, str], int]] = []
    entities: list[JSONDict] = []
    i = 0
    n = len(text)
    while i < n:
        char = text[i]
        if char == "&":
            match = _ENTITY_RE.match(text, i)
            decoded = _decode_entity(match) if match else None
            if match is None or decoded is None:
                raise HTMLParseError(
                    f"Character entity expected at byte offset {_byte_offset(text, i)}"
                )
            out.append(decoded)
            pos += utf16_len(decoded)
            i = match.end()
        elif char == "<" and text.startswith("</", i):
            end = text.find(">", i)
            if end == -1:
                raise HTMLParseError(f"Unclosed end tag at byte offset {_byte_offset(text, i)}")
            name = text[i + 2 : end].strip().lower()
            if not stack:
                raise HTMLParseError(f"Unexpected end tag at byte offset {_byte_offset(text, i)}")
            open_name, open_attrs, start = stack.pop()
            if name != open_name:
                raise HTMLParseError(
                    f"Unmatched end tag at byte offset {_byte_offset(text, i)}, "
                    f'expected "</{open_name}>", found "</{name}>"'
                )
            parent = stack[-1] if stack else None
            entity = _html_entity(open_name, open_attrs, start, pos - start, parent)
            if entity is not None:
                entities.append(entity)
            i = end + 1
        elif char == "<":
            name_match = _TAG_NAME_RE.match(text, i + 1)
            name = name_match.group(0).lower() if name_match else ""
            if name_match is None or name not in _TAG_ENTITY_TYPES:
                raise HTMLParseError(
                    f'Unsupported start tag "{name}" at byte offset {_byte_offset(text, i)}'
                )
            j = name_match.end()
            attrs: dict[str, str] = {}
            while True:
                if j >= n:
                    raise HTMLParseError(
                        f"Unclosed start tag at byte offset {_byte_offset(text, i)}"
                    )
                if text[j] == ">":
                    j += 1
                    break
                attr = _ATTR_RE.match(text, j)
                if attr is None:
                    if text[j].isspace():
                        j += 1
                        continue
                    raise HTMLParseError(
                        f'Unclosed start tag "{name}" at byte offset {_byte_offset(text, i)}'
                    )
                raw_value = next((g for g in attr.group(2, 3, 4) if g is not None), "")
                attrs[attr.group(1).lower()] = _unescape(raw_value, j, text)
                j = attr.end()
            if name == "span" and attrs.get("class") != "tg-spoiler":
                raise HTMLParseError('Tag "span" must have class "tg-spoiler"')
            if name == "tg-emoji" and not attrs.get("emoji-id"):
                raise HTMLParseError('Custom emoji identifier must be specified in "emoji-id"')
            stack.append((name, attrs, pos))
            i = j
        else:
            out.append(char)
            pos += 2 if ord(char) > 0xFFFF else 1
            i += 1
    if stack:
        raise HTMLParseError(f'Can\'t find end tag corresponding to start tag "{stack[-1][0]}"')
    return "".join(out), sorted(entities, key=lambda e: (e["offset"], -e["length"]))


def _html_entity(
    name: str,
    attrs: dict[str, str],
    offset: int,
    length: int,
    parent: tuple[str, dict[str, str], int] | None,
) -> JSONDict | None:
    if name == "code" and parent is not None and parent[0] == "pre":
        language = attrs.get("class", "")
        if language.startswith("language-"):
            parent[1]["__language"] = language.removeprefix("language-")
            return None
    if length == 0:
        return None
    entity: JSONDict = {"type": _TAG_ENTITY_TYPES[name], "offset": offset, "length": length}
    if name == "a":
        href = attrs.get("href")
        if not href:
            return None
        entity["url"] = href
    elif name == "pre" and "__language" in attrs:
        entity["language"] = attrs["__language"]
    elif name == "blockquote" and "expandable" in attrs:
        entity["type"] = "expandable_blockquote"
    elif name == "tg-emoji":
        entity["custom_emoji_id"] = attrs["emoji-id"]
    return entity


def strip_text(text: str, entities: list[JSONDict]) -> tuple[str, list[JSONDict]]:
    """Trims leading/trailing whitespace like Telegram, shifting and clipping entities."""
    stripped = text.strip()
    if stripped == text:
        return text, sorted(entities, key=lambda e: (e["offset"], -e["length"]))
    lead = utf16_len(text[: len(text) - len(text.lstrip())])
    total = utf16_len(stripped)
    result: list[JSONDict] = []
    for entity in entities:
        start = max(0, entity["offset"] - lead)
        end = min(total, entity["offset"] + entity["length"] - lead)
        if end > start:
            result.append({**entity, "offset": start, "length": end - start})
    return stripped, sorted(result, key=lambda e: (e["offset"], -e["length"]))
