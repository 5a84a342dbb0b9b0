"""A chat message as the try page shows it: Telegram's formatting (text + entities) turned into
safe HTML, its buttons, and what it carries (a location, a contact, a photo, a document)."""

from __future__ import annotations

import html
from collections.abc import Sequence
from datetime import datetime
from typing import Any
from zoneinfo import ZoneInfo

from handlers.tryout.chats import SentMessage

JSONDict = dict[str, Any]

_TAGS = {
    "bold": "b", "italic": "i", "underline": "u", "strikethrough": "s", "code": "code",
    "pre": "pre", "spoiler": "span", "blockquote": "blockquote",
    "expandable_blockquote": "blockquote", "text_link": "a", "url": "a",
}  # fmt: skip


def _open_tag(entity: JSONDict, text: str) -> tuple[str, str]:
    tag = _TAGS.get(str(entity.get("type")))
    if tag is None:
        return "", ""
    if tag == "a":
        href = str(entity.get("url") or text)
        if not href.startswith(("http://", "https://", "tg://")):
            return "", ""
        quoted = html.escape(href, quote=True)
        return f'<a href="{quoted}" target="_blank" rel="noopener">', "</a>"
    if tag == "span":
        return '<span class="spoiler">', "</span>"
    return f"<{tag}>", f"</{tag}>"


def entities_to_html(text: str, entities: list[JSONDict]) -> str:
    """Offsets are in UTF-16 code units, as Telegram counts them."""
    units = text.encode("utf-16-le")
    starts: dict[int, list[JSONDict]] = {}
    for entity in entities:
        starts.setdefault(int(entity["offset"]), []).append(entity)
    out: list[str] = []
    closing: list[tuple[int, str]] = []  # (end offset, closing tag), innermost last
    position = 0
    for char in text:
        while closing and closing[-1][0] <= position:
            out.append(closing.pop()[1])
        for entity in sorted(starts.get(position, []), key=lambda e: -int(e["length"])):
            end = position + int(entity["length"])
            inner = units[position * 2 : end * 2].decode("utf-16-le", errors="replace")
            opening, close = _open_tag(entity, inner)
            out.append(opening)
            closing.append((end, close))
        out.append(html.escape(char, quote=False))
        position += 2 if ord(char) > 0xFFFF else 1
    while closing:
        out.append(closing.pop()[1])
    return "".join(out).replace("\n", "<br>")


def _buttons(markup: JSONDict | None) -> list[list[JSONDict]]:
    if not markup or "inline_keyboard" not in markup:
        return []
    rows = []
    for row in markup["inline_keyboard"]:
        rows.append(
            [
                {"text": b.get("text", ""), "data": b.get("callback_data"), "url": b.get("url")}
                for b in row
            ]
        )
    return rows


def _what(message: JSONDict) -> JSONDict:
    """What a message carries besides text."""
    if "location" in message:
        where = message["location"]
        return {"kind": "location", "lat": where["latitude"], "lon": where["longitude"]}
    if "contact" in message:
        contact = message["contact"]
        name = " ".join(str(contact.get(k, "")) for k in ("first_name", "last_name")).strip()
        return {"kind": "contact", "name": name, "phone": contact.get("phone_number", "")}
    if "photo" in message:
        return {"kind": "photo"}
    if "sticker" in message:
        return {"kind": "sticker", "emoji": message["sticker"].get("emoji", "")}
    if "voice" in message:
        return {"kind": "voice"}
    if "document" in message:
        document = message["document"]
        return {"kind": "document", "file_id": document["file_id"],
                "name": document.get("file_name", "")}  # fmt: skip
    return {"kind": "text"}


def chat_item(message: JSONDict, sent: SentMessage | None, zone: ZoneInfo) -> JSONDict:
    when = datetime.fromtimestamp(int(message["date"]), zone)
    item: JSONDict = {
        "id": message["message_id"],
        "from_bot": sent is not None,
        "from_id": message.get("from", {}).get("id"),
        "from_name": message.get("from", {}).get("first_name", ""),
        "time": when.strftime("%H:%M"),
        "day": when.date().isoformat(),
        **_what(message),
    }
    if sent is not None:
        item["html"] = entities_to_html(sent.text, sent.entities)
        item["edited"] = bool(sent.edits) or "edit_date" in sent.json
        item["buttons"] = _buttons(sent.reply_markup)
        if sent.document is not None:
            item.update(kind="document", file_id=sent.document.file_id,
                        name=sent.document.filename)  # fmt: skip
    else:
        text = str(message.get("text") or message.get("caption") or "")
        item["html"] = html.escape(text, quote=False).replace("\n", "<br>")
    return item


def reply_keyboard(
    messages: Sequence[SentMessage], last_written: int
) -> list[list[JSONDict]] | None:
    """The keyboard shown under the typing field: set by the bot's newest message that set or
    removed one (a one-time keyboard hides once the person has written after it)."""
    for message in reversed(messages):
        markup = message.reply_markup
        if markup is None:
            continue
        if "remove_keyboard" in markup:
            return None
        if "keyboard" in markup:
            if markup.get("one_time_keyboard") and last_written > message.message_id:
                return None
            return [
                [
                    {"text": b, "location": False, "contact": False}
                    if isinstance(b, str)
                    else {
                        "text": b.get("text", ""),
                        "location": bool(b.get("request_location")),
                        "contact": bool(b.get("request_contact")),
                    }
                    for b in row
                ]
                for row in markup["keyboard"]
            ]
    return None
