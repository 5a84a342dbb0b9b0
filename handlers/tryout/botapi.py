"""A stand-in for Telegram's Bot API: the tests' fake, and try mode's Telegram.

The end-to-end tests play it beneath python-telegram-bot (see below); try mode
(`handlers/tryout`) serves it over loopback HTTP to the real bot and shows its chats on a page.

`FakeBotAPI` answers Bot API methods *beneath* python-telegram-bot, at its request layer: it is a
`telegram.request.BaseRequest`, so everything the bot sends goes through PTB's real serialization
(`RequestData`) and every answer is parsed by PTB exactly as Telegram's would be. Nothing of the
`Bot` is mocked.

Wiring (the same instance serves both PTB request slots; `initialize`/`shutdown` are idempotent):

    fake = FakeBotAPI()
    app = (
        ApplicationBuilder().token(fake.token)
        .base_url(f"{fake.api_url}/bot{{token}}")
        .base_file_url(f"{fake.api_url}/file/bot{{token}}")
        .request(fake).get_updates_request(fake).build()
    )                                   # or: app = fake.builder().build()
    fake.attach(app)
    async with app:
        alice = fake.user(1, "Alice")
        await alice.command("start")    # delivered through app.process_update, fully processed
        assert alice.last().text == "..."
        await alice.press("Oui")
    assert fake.errors == []

`fake.outage = True` makes every call fail as when Telegram is down (502 Bad Gateway).
`fake.hold("getChatMember")` makes the next such call wait until the test releases it (a slow
Telegram, without sleeps); `fake.before_call` functions see every call's method first (a
download of a file is "file").

Telegram's behaviour that the fake reproduces (each failure answers like Telegram, 400 or 403, and
is recorded in `fake.errors`): empty or too long texts, HTML that does not parse, too long
callback_data, buttons without text or without action, "message is not modified", editing or
deleting messages that don't exist (or aren't the bot's), writing first to a user who never started
the bot, writing to a user who blocked it, answering a callback query twice. Texts are stripped of
leading/trailing whitespace; `editMessageText` without `reply_markup` removes the inline keyboard;
a group in privacy mode only delivers commands and replies to the bot's messages.

To add a Bot API method: write a `FakeBotAPI` method `async def _m_<name>(self, call: ApiCall)`
decorated with `@_api("methodName")`; return the `result` JSON or raise
`ApiError(status, description)` (`_bad_request("...")` for a 400 "Bad Request: ...").
`call.params` holds the decoded parameters, `call.file(param)` an uploaded file.
"""

from __future__ import annotations

import asyncio
import contextlib
import json
import re
from collections.abc import Awaitable, Callable, Iterator
from dataclasses import dataclass, field
from datetime import UTC, datetime
from http import HTTPStatus
from typing import TYPE_CHECKING, Any, ClassVar, Literal
from urllib.parse import unquote

from telegram import Update
from telegram.request import BaseRequest, RequestData

if TYPE_CHECKING:
    from telegram.ext import Application, ApplicationBuilder

JSONDict = dict[str, Any]

__all__ = [
    "ApiCall",
    "ApiError",
    "FakeBotAPI",
    "FakeError",
    "Fault",
    "FakeGroup",
    "FakeUser",
    "HTMLParseError",
    "SentFile",
    "SentMessage",
    "parse_html",
]

MAX_TEXT_LENGTH = 4096
MAX_CAPTION_LENGTH = 1024
MAX_CALLBACK_DATA_BYTES = 64
MAX_CALLBACK_ANSWER_LENGTH = 200
MEMBER_STATUSES = ("creator", "administrator", "member", "restricted", "left", "kicked")
# Parameters that the Bot API expects as JSON-serialized objects; PTB passes them as dicts/lists,
# but `api_kwargs` (or another client) may pass them as JSON strings.
_JSON_PARAMS = frozenset(
    {
        "reply_markup",
        "entities",
        "caption_entities",
        "scope",
        "commands",
        "menu_button",
        "allowed_updates",
        "reply_parameters",
        "link_preview_options",
        "message_ids",
    }
)
_INLINE_BUTTON_ACTIONS = (
    "callback_data",
    "url",
    "web_app",
    "login_url",
    "switch_inline_query",
    "switch_inline_query_current_chat",
    "switch_inline_query_chosen_chat",
    "copy_text",
    "callback_game",
    "pay",
)


# --------------------------------------------------------------------------------------------
# Errors and records
# --------------------------------------------------------------------------------------------


class ApiError(Exception):
    """Raised by a method implementation: answered as `{"ok": false, ...}` with this status."""

    def __init__(self, status: int, description: str) -> None:
        super().__init__(description)
        self.status = status
        self.description = description


def _bad_request(description: str) -> ApiError:
    return ApiError(HTTPStatus.BAD_REQUEST, f"Bad Request: {description}")


@dataclass(frozen=True)
class FakeError:
    """One failed Bot API call (what Telegram would have refused, or what the fake can't do)."""

    method: str
    status: int
    description: str
    params: JSONDict = field(default_factory=dict, compare=False, repr=False)

    def __str__(self) -> str:
        return f"{self.method}: {self.status} {self.description}"


@dataclass
class Fault:
    """An error the fake answers instead of a method's result (FakeBotAPI.inject)."""

    method: str
    status: int
    description: str
    retry_after: int | None
    times: int
    match: Callable[[JSONDict], bool] | None = None
    hits: int = 0


@dataclass
class Hold:
    """Calls that wait until the test lets them go (FakeBotAPI.hold): a slow Telegram."""

    method: str
    times: int
    match: Callable[[JSONDict], bool] | None = None
    hits: int = 0
    entered: asyncio.Event = field(default_factory=asyncio.Event)
    released: asyncio.Event = field(default_factory=asyncio.Event)

    def release(self) -> None:
        self.released.set()


@dataclass
class ApiCall:
    """One decoded Bot API request, as handed to a method implementation."""

    method: str
    params: JSONDict
    files: dict[str, tuple[str, bytes, str]]  # multipart part name -> (filename, content, mime)

    def file(self, param: str) -> tuple[str, bytes, str] | None:
        """The uploaded file of `param` (directly uploaded or referenced as attach://name)."""
        value = self.params.get(param)
        if isinstance(value, str) and value.startswith("attach://"):
            return self.files.get(value.removeprefix("attach://"))
        if value is None:
            return self.files.get(param)
        return None


@dataclass
class SentFile:
    """A file known to the fake: uploaded by the bot or sent by a user."""

    file_id: str
    file_unique_id: str
    filename: str
    content: bytes
    mime_type: str

    @property
    def file_path(self) -> str:
        return f"documents/{self.file_unique_id}_{self.filename}"


@dataclass
class SentMessage:
    """A message the bot sent (and maybe edited or deleted since).

    `text` is the text as the user sees it (HTML tags stripped, entities unescaped, whitespace
    trimmed, like Telegram's `Message.text`); for a document it is the caption ("" if none).
    `raw_text` is the text exactly as the bot sent it (with its HTML markup).
    `edits` lists the earlier values of `text`, oldest first.
    `reply_markup` is the markup as sent (inline keyboard, reply keyboard, remove, force reply).
    `json` is the `Message` object as Telegram returns it (kept current on edits).
    """

    chat_id: int
    message_id: int
    text: str
    parse_mode: str | None
    reply_markup: JSONDict | None
    date: datetime
    json: JSONDict
    raw_text: str = ""
    entities: list[JSONDict] = field(default_factory=list)
    edits: list[str] = field(default_factory=list)
    deleted: bool = False
    document: SentFile | None = None
    photo: bool = False  # the file was sent with sendPhoto

    @property
    def inline_keyboard(self) -> list[list[JSONDict]]:
        if self.reply_markup is None:
            return []
        rows: list[list[JSONDict]] = self.reply_markup.get("inline_keyboard", [])
        return rows

    @property
    def buttons(self) -> list[str]:
        """Texts of the inline buttons, row by row."""
        return [str(button.get("text", "")) for row in self.inline_keyboard for button in row]

    def button(self, text: str) -> JSONDict | None:
        for row in self.inline_keyboard:
            for button in row:
                if button.get("text") == text:
                    return button
        return None


# --------------------------------------------------------------------------------------------
# Telegram's HTML parse mode
# --------------------------------------------------------------------------------------------


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


def _strip_text(text: str, entities: list[JSONDict]) -> tuple[str, list[JSONDict]]:
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


# --------------------------------------------------------------------------------------------
# Chats
# --------------------------------------------------------------------------------------------


@dataclass
class _Chat:
    id: int
    json: JSONDict
    next_message_id: int = 1
    messages: list[SentMessage] = field(default_factory=list)  # the bot's, in order
    user_message_ids: set[int] = field(default_factory=set)
    # What people wrote here (the Message objects), in order: for the try page's chats.
    user_messages: list[JSONDict] = field(default_factory=list)

    def new_message_id(self) -> int:
        message_id = self.next_message_id
        self.next_message_id += 1
        return message_id

    @property
    def is_private(self) -> bool:
        return bool(self.json["type"] == "private")


class _ChatView:
    """What a test reads of a chat: the bot's messages, their buttons and keyboards."""

    _fake: FakeBotAPI
    chat_id: int

    def _chat(self) -> _Chat:
        return self._fake._chat(self.chat_id)

    def messages(self, *, include_deleted: bool = False) -> list[SentMessage]:
        """The bot's messages in this chat, oldest first (deleted ones only if asked)."""
        return [m for m in self._chat().messages if include_deleted or not m.deleted]

    def last(self) -> SentMessage:
        """The bot's newest (not deleted) message in this chat."""
        messages = self.messages()
        if not messages:
            raise AssertionError(f"the bot sent no message in chat {self.chat_id}")
        return messages[-1]

    def mark(self) -> int:
        """A bookmark for `texts_since`: the number of messages the bot has sent here so far."""
        return len(self._chat().messages)

    def texts_since(self, mark: int) -> list[str]:
        """Current texts of the bot's messages sent after `mark` (deleted ones excluded)."""
        return [m.text for m in self._chat().messages[mark:] if not m.deleted]

    def buttons(self, message: SentMessage | None = None) -> list[str]:
        """Inline button texts of `message` (default: the newest bot message)."""
        return (message or self.last()).buttons

    def inline_keyboard(self, message: SentMessage | None = None) -> list[list[JSONDict]]:
        """Inline keyboard rows of `message` (default: the newest bot message)."""
        return (message or self.last()).inline_keyboard

    def reply_keyboard(self, message: SentMessage | None = None) -> list[JSONDict] | None:
        """Buttons of the reply keyboard currently shown (the newest bot message that set or
        removed one), or of `message`; each as {"text", "request_location", "request_contact"}
        plus whatever else was sent. None when there is none or it was removed."""
        if message is None:
            for candidate in reversed(self._chat().messages):
                markup = candidate.reply_markup
                if markup is not None and ("keyboard" in markup or "remove_keyboard" in markup):
                    message = candidate
                    break
        if message is None or message.reply_markup is None:
            return None
        rows = message.reply_markup.get("keyboard")
        if rows is None:
            return None
        buttons: list[JSONDict] = []
        for row in rows:
            for button in row:
                data: JSONDict = {"text": button} if isinstance(button, str) else dict(button)
                data.setdefault("request_location", False)
                data.setdefault("request_contact", False)
                buttons.append(data)
        return buttons

    def _message_with_button(self, text: str) -> SentMessage:
        for message in reversed(self.messages()):
            if message.button(text) is not None:
                return message
        available = {m.message_id: m.buttons for m in self.messages() if m.buttons}
        raise AssertionError(
            f"no bot message in chat {self.chat_id} has an inline button {text!r}; "
            f"buttons by message_id: {available}"
        )

    def _callback_data(self, message: SentMessage | None, text: str) -> tuple[SentMessage, str]:
        if message is None:
            message = self._message_with_button(text)
        if message.deleted:
            raise AssertionError(f"message {message.message_id} was deleted")
        button = message.button(text)
        if button is None:
            raise AssertionError(
                f"message {message.message_id} has no inline button {text!r}; "
                f"it has {message.buttons}"
            )
        data = button.get("callback_data")
        if not isinstance(data, str):
            raise AssertionError(f"button {text!r} has no callback_data: {button}")
        return message, data


class FakeUser(_ChatView):
    """A Telegram user; its private chat with the bot has chat_id == user id."""

    def __init__(
        self,
        fake: FakeBotAPI,
        user_id: int,
        first_name: str,
        *,
        last_name: str | None = None,
        username: str | None = None,
        language_code: str | None = "fr",
    ) -> None:
        self._fake = fake
        self.id = user_id
        self.chat_id = user_id
        self.first_name = first_name
        self.last_name = last_name
        self.username = username
        self.language_code = language_code
        self.started = False  # set once the user writes to the bot in private
        # True: every message to this user fails with 403 (until the user writes to the bot)
        self.blocked = False

    def __repr__(self) -> str:
        return f"FakeUser({self.id}, {self.first_name!r})"

    def to_json(self) -> JSONDict:
        data: JSONDict = {"id": self.id, "is_bot": False, "first_name": self.first_name}
        if self.last_name is not None:
            data["last_name"] = self.last_name
        if self.username is not None:
            data["username"] = self.username
        if self.language_code is not None:
            data["language_code"] = self.language_code
        return data

    def chat_json(self) -> JSONDict:
        data: JSONDict = {"id": self.id, "type": "private", "first_name": self.first_name}
        if self.last_name is not None:
            data["last_name"] = self.last_name
        if self.username is not None:
            data["username"] = self.username
        return data

    # -- sending ---------------------------------------------------------------------------

    async def send(self, text: str, *, reply_to: SentMessage | None = None) -> JSONDict:
        """A text message (with a bot_command entity if it starts with "/"). Like Telegram's
        apps, a text over 4096 characters is sent as several messages; the last update is
        returned."""
        update: JSONDict = {}
        for start in range(0, max(len(text), 1), MAX_TEXT_LENGTH):
            chunk = text[start : start + MAX_TEXT_LENGTH]
            update = await self._fake._user_message(
                self, self.chat_id, _text_content(chunk), reply_to
            )
        return update

    async def command(self, cmd: str, args: str = "") -> JSONDict:
        text = "/" + cmd.lstrip("/") + (f" {args}" if args else "")
        return await self.send(text)

    async def start(self, payload: str = "") -> JSONDict:
        return await self.command("start", payload)

    async def send_location(self, lat: float, lon: float) -> JSONDict:
        content = {"location": {"latitude": lat, "longitude": lon}}
        return await self._fake._user_message(self, self.chat_id, content, None)

    async def send_contact(
        self,
        phone: str,
        *,
        own: bool = True,
        first_name: str | None = None,
        last_name: str | None = None,
    ) -> JSONDict:
        """A shared contact; own=True (the "share my number" button) sets contact.user_id."""
        contact: JSONDict = {"phone_number": phone}
        if own:
            contact["first_name"] = first_name or self.first_name
            if last_name or self.last_name:
                contact["last_name"] = last_name or self.last_name
            contact["user_id"] = self.id
        else:
            contact["first_name"] = first_name or "Contact"
            if last_name:
                contact["last_name"] = last_name
        return await self._fake._user_message(self, self.chat_id, {"contact": contact}, None)

    async def send_sticker(self, emoji: str = "👍") -> JSONDict:
        return await self._fake._user_message(
            self, self.chat_id, self._fake._sticker_content(emoji), None
        )

    async def send_photo(
        self, caption: str | None = None, content: bytes | None = None
    ) -> JSONDict:
        return await self._fake._user_message(
            self, self.chat_id, self._fake._photo_content(caption, content), None
        )

    async def send_voice(self, duration: int = 3) -> JSONDict:
        return await self._fake._user_message(
            self, self.chat_id, self._fake._voice_content(duration), None
        )

    async def send_document(
        self, name: str = "a.pdf", content: bytes = b"%PDF-1.4 fake", caption: str | None = None
    ) -> JSONDict:
        return await self._fake._user_message(
            self, self.chat_id, self._fake._document_content(name, content, caption), None
        )

    async def edit(self, update: JSONDict, new_text: str) -> JSONDict:
        """Edits the user's message of `update` (as returned by send): an edited_message update."""
        return await self._fake._user_edit(self, update, new_text)

    async def press(self, button_text: str, *, message: SentMessage | None = None) -> JSONDict:
        """Presses the inline button `button_text` of `message` (default: the newest bot message
        of this private chat that has it)."""
        message, data = self._callback_data(message, button_text)
        return await self._fake._callback_query(self, message, data)

    async def press_data(self, data: str, *, message: SentMessage | None = None) -> JSONDict:
        """A callback query with arbitrary (forged, stale) data on `message` (default: the
        newest bot message of this private chat)."""
        return await self._fake._callback_query(self, message or self.last(), data)

    def callback_answers(self) -> list[JSONDict]:
        """answerCallbackQuery calls for this user's queries: {callback_query_id, text,
        show_alert, url}, in order."""
        return [
            {k: v for k, v in answer.items() if k != "user_id"}
            for answer in self._fake.callback_answers
            if answer["user_id"] == self.id
        ]


class FakeGroup(_ChatView):
    """A supergroup. In privacy mode (the default for bots) only commands and replies to the
    bot's messages are delivered, unless the bot is an administrator of the group."""

    def __init__(
        self, fake: FakeBotAPI, chat_id: int, title: str, *, privacy_mode: bool = True
    ) -> None:
        self._fake = fake
        self.chat_id = chat_id
        self.id = chat_id
        self.title = title
        self.privacy_mode = privacy_mode

    def __repr__(self) -> str:
        return f"FakeGroup({self.chat_id}, {self.title!r})"

    def chat_json(self) -> JSONDict:
        return {"id": self.chat_id, "type": "supergroup", "title": self.title}

    async def send(
        self, user: FakeUser, text: str, *, reply_to: SentMessage | None = None
    ) -> JSONDict:
        """`user` writes `text` in the group; returns the update (delivered or not, see class)."""
        return await self._fake._user_message(user, self.chat_id, _text_content(text), reply_to)

    async def command(self, user: FakeUser, cmd: str, args: str = "") -> JSONDict:
        text = "/" + cmd.lstrip("/") + (f" {args}" if args else "")
        return await self.send(user, text)

    async def press(
        self, user: FakeUser, button_text: str, *, message: SentMessage | None = None
    ) -> JSONDict:
        message, data = self._callback_data(message, button_text)
        return await self._fake._callback_query(user, message, data)

    async def press_data(
        self, user: FakeUser, data: str, *, message: SentMessage | None = None
    ) -> JSONDict:
        return await self._fake._callback_query(user, message or self.last(), data)


def _text_content(text: str) -> JSONDict:
    content: JSONDict = {"text": text}
    if text.startswith("/") and len(text) > 1:
        command = text.split(maxsplit=1)[0]
        content["entities"] = [{"type": "bot_command", "offset": 0, "length": utf16_len(command)}]
    return content


# --------------------------------------------------------------------------------------------
# The fake Bot API
# --------------------------------------------------------------------------------------------

_MethodImpl = Callable[["FakeBotAPI", ApiCall], Awaitable[Any]]
_METHODS: dict[str, _MethodImpl] = {}


def _api(name: str) -> Callable[[_MethodImpl], _MethodImpl]:
    """Registers the decorated FakeBotAPI method as the implementation of Bot API `name`."""

    def register(impl: _MethodImpl) -> _MethodImpl:
        _METHODS[name] = impl
        return impl

    return register


class FakeBotAPI(BaseRequest):
    """An in-process Bot API: a `BaseRequest` answering Bot API methods like Telegram would."""

    METHODS: ClassVar[dict[str, _MethodImpl]] = _METHODS  # Bot API method name -> implementation

    def __init__(
        self,
        *,
        api_url: str = "https://api.telegram.org",
        token: str = "123456:TEST",
        bot_username: str = "mobilot_test_bot",
        bot_id: int = 123456,
        bot_first_name: str = "Mobilot",
        clock: Callable[[], datetime] | None = None,
    ) -> None:
        self.api_url = api_url.rstrip("/")
        self.token = token
        self.bot_username = bot_username
        self.bot_id = bot_id
        self.bot_first_name = bot_first_name

        self.urls: list[str] = []
        self.calls: list[tuple[str, JSONDict]] = []
        self.errors: list[FakeError] = []
        self.exceptions: list[BaseException] = []  # raised by handlers (see attach)

        self.users: dict[int, FakeUser] = {}
        self.groups: dict[int, FakeGroup] = {}
        self.members: dict[tuple[int, int], str] = {}
        self.my_commands: dict[tuple[str, str], list[JSONDict]] = {}
        self.menu_buttons: dict[int | None, JSONDict] = {}
        self.callback_answers: list[JSONDict] = []
        self.files: dict[str, SentFile] = {}
        self.chat_actions: list[tuple[int, str]] = []

        self.deliver: Literal["direct", "polling", "webhook"] = "direct"
        # The webhook Telegram was given (setWebhook), and where the fake really posts each
        # update in "webhook" mode (the bot's loopback address, as a reverse proxy would).
        self.webhook: JSONDict | None = None
        self.webhook_target: str | None = None
        self.webhook_answers: list[int] = []
        # In direct mode, who receives each update (Mobilot.receive: recorded, handled, its
        # messages sent); without one, application.process_update.
        self.receiver: Callable[[JSONDict], Awaitable[None]] | None = None
        # Faults to answer instead of the method's result (see inject).
        self.faults: list[Fault] = []
        # While True, every method but getUpdates answers 502 Bad Gateway, as when Telegram
        # is down (python-telegram-bot raises NetworkError).
        self.outage = False
        # Calls held until released (see hold), and what looks at each call before it runs.
        self.holds: list[Hold] = []
        self.before_call: list[Callable[[str], None]] = []
        self.max_poll_wait = 1.0  # seconds a getUpdates long poll waits at most
        self.application: Application[Any, Any, Any, Any, Any, Any] | None = None

        self._now: datetime | None = None
        self._clock = clock
        # Bumped at every change people could see (try page: wait_for_change).
        self.version = 0
        self._changed = asyncio.Event()
        self._chats: dict[int, _Chat] = {}
        self._pending_updates: list[JSONDict] = []
        self._updates_event = asyncio.Event()
        self._next_update_id = 1
        self._next_query_id = 1
        self._next_file_id = 1
        self._open_queries: dict[str, int] = {}  # callback query id -> user id
        self._last_activity = 0.0
        self._shut_down = False

    # -- BaseRequest -----------------------------------------------------------------------

    @property
    def read_timeout(self) -> float | None:
        return 5.0

    async def initialize(self) -> None:
        self._shut_down = False  # idempotent: PTB calls it for both request slots

    async def shutdown(self) -> None:
        self._shut_down = True  # idempotent too; a later initialize() (a restart) reopens

    async def do_request(
        self,
        url: str,
        method: str,
        request_data: RequestData | None = None,
        read_timeout: Any = BaseRequest.DEFAULT_NONE,
        write_timeout: Any = BaseRequest.DEFAULT_NONE,
        connect_timeout: Any = BaseRequest.DEFAULT_NONE,
        pool_timeout: Any = BaseRequest.DEFAULT_NONE,
    ) -> tuple[int, bytes]:
        self.urls.append(url)
        file_prefix = f"{self.api_url}/file/bot{self.token}/"
        if method == "GET" and unquote(url).startswith(file_prefix):
            for look in self.before_call:
                look("file")
            # PTB percent-encodes the path of file URLs (the token's ":" becomes %3A)
            return self._download(unquote(url).removeprefix(file_prefix))
        prefix = f"{self.api_url}/bot{self.token}/"
        if not url.startswith(prefix):
            self.errors.append(
                FakeError(url, 404, f"Not Found (URL does not start with {prefix!r})")
            )
            return self._answer_error(ApiError(404, "Not Found"))
        name = url.removeprefix(prefix).split("?", 1)[0]
        call = ApiCall(name, _decode_params(request_data), _decode_files(request_data))
        self.calls.append((name, call.params))
        if self._shut_down:  # like HTTPXRequest, whose client is closed by shutdown()
            self.errors.append(FakeError(name, 0, "fake: request after shutdown", call.params))
            raise RuntimeError("This FakeBotAPI was shut down (request after shutdown)")
        for look in self.before_call:
            look(name)
        if name != "getUpdates":
            self._touch()
            held = self._hold_for(name, call.params)
            if held is not None:
                held.entered.set()
                await held.released.wait()
            fault = self._fault_for(name, call.params)
            if fault is not None:
                self.errors.append(FakeError(name, fault.status, fault.description, call.params))
                return self._answer_fault(fault)
            if self.outage:
                self.errors.append(FakeError(name, 502, "Bad Gateway (fake outage)", call.params))
                return self._answer_error(ApiError(HTTPStatus.BAD_GATEWAY, "Bad Gateway"))
        impl = self.METHODS.get(name) or self._methods_lower().get(name.lower())
        try:
            if impl is None:
                raise _bad_request_fake(f"method {name} not implemented")
            result = await impl(self, call)
        except ApiError as error:
            self.errors.append(FakeError(name, error.status, error.description, call.params))
            return self._answer_error(error)
        except Exception as exc:  # a bug of the fake: make it loud
            self.errors.append(FakeError(name, 500, f"fake internal error: {exc!r}", call.params))
            raise
        if name != "getUpdates":
            self.changed()
        return 200, json.dumps({"ok": True, "result": result}).encode()

    def inject(
        self,
        method: str,
        status: int = 502,
        *,
        retry_after: int | None = None,
        times: int = 1,
        match: Callable[[JSONDict], bool] | None = None,
    ) -> Fault:
        """The next `times` calls of `method` (whose parameters `match`) fail: 429 with
        `retry_after` (seconds), 502 Bad Gateway, or any other status."""
        if status == 429:
            description = f"Too Many Requests: retry after {retry_after or 1}"
        elif status == 502:
            description = "Bad Gateway"
        else:
            description = f"Error {status}"
        fault = Fault(method, status, description, retry_after, times, match)
        self.faults.append(fault)
        return fault

    def hold(
        self, method: str, *, times: int = 1, match: Callable[[JSONDict], bool] | None = None
    ) -> Hold:
        """The next `times` calls of `method` (whose parameters `match`) wait until
        `hold.release()`; `hold.entered` is set once one of them is waiting."""
        held = Hold(method, times, match)
        self.holds.append(held)
        return held

    def _hold_for(self, name: str, params: JSONDict) -> Hold | None:
        for held in self.holds:
            if (
                held.times > 0
                and held.method == name
                and (held.match is None or held.match(params))
            ):
                held.times -= 1
                held.hits += 1
                return held
        return None

    def _fault_for(self, name: str, params: JSONDict) -> Fault | None:
        for fault in self.faults:
            if (
                fault.times > 0
                and fault.method == name
                and (fault.match is None or fault.match(params))
            ):
                fault.times -= 1
                fault.hits += 1
                return fault
        return None

    @staticmethod
    def _answer_fault(fault: Fault) -> tuple[int, bytes]:
        body: JSONDict = {
            "ok": False, "error_code": fault.status, "description": fault.description,
        }  # fmt: skip
        if fault.status == 429:
            body["parameters"] = {"retry_after": fault.retry_after or 1}
        return fault.status, json.dumps(body).encode()

    @classmethod
    def _methods_lower(cls) -> dict[str, _MethodImpl]:
        return {name.lower(): impl for name, impl in cls.METHODS.items()}

    @staticmethod
    def _answer_error(error: ApiError) -> tuple[int, bytes]:
        body = {"ok": False, "error_code": error.status, "description": error.description}
        return error.status, json.dumps(body).encode()

    def _download(self, file_path: str) -> tuple[int, bytes]:
        for stored in self.files.values():
            if stored.file_path == file_path:
                return 200, stored.content
        self.errors.append(FakeError(f"file/{file_path}", 404, "Not Found"))
        return self._answer_error(ApiError(404, "Not Found"))

    # -- setup for tests -------------------------------------------------------------------

    @property
    def now(self) -> datetime:
        """The fake's clock (used for message dates); the real UTC time unless set."""
        if self._now is not None:
            return self._now
        return self._clock() if self._clock is not None else datetime.now(UTC)

    @now.setter
    def now(self, value: datetime) -> None:
        self._now = value if value.tzinfo is not None else value.replace(tzinfo=UTC)

    def _timestamp(self) -> int:
        return int(self.now.timestamp())

    def builder(self) -> ApplicationBuilder[Any, Any, Any, Any, Any, Any]:
        """An ApplicationBuilder wired to this fake (token, URLs, both request slots)."""
        from telegram.ext import ApplicationBuilder

        return (
            ApplicationBuilder()
            .token(self.token)
            .base_url(f"{self.api_url}/bot{{token}}")
            .base_file_url(f"{self.api_url}/file/bot{{token}}")
            .request(self)
            .get_updates_request(self)
        )

    def attach(
        self,
        application: Application[Any, Any, Any, Any, Any, Any],
        *,
        record_exceptions: bool = True,
    ) -> None:
        """Driving calls (user.send, ...) will deliver their updates to `application`.

        With record_exceptions, an error handler is added that appends every exception raised
        by a handler to `fake.exceptions` (so a test can assert `fake.exceptions == []`)."""
        if application.bot.request is not self:
            raise ValueError("this application's bot does not use this FakeBotAPI as request")
        self.application = application
        if record_exceptions:
            application.add_error_handler(self._record_exception)

    async def _record_exception(self, update: object, context: Any) -> None:
        if context.error is not None:
            self.exceptions.append(context.error)

    def user(
        self,
        user_id: int,
        first_name: str,
        *,
        last_name: str | None = None,
        username: str | None = None,
        language_code: str | None = "fr",
    ) -> FakeUser:
        """A new user who has not started the bot yet (their first private message does)."""
        if user_id <= 0:
            raise ValueError("user ids are positive")
        if user_id in self.users:
            raise ValueError(f"user {user_id} already exists: {self.users[user_id]!r}")
        user = FakeUser(
            self,
            user_id,
            first_name,
            last_name=last_name,
            username=username,
            language_code=language_code,
        )
        self.users[user_id] = user
        self._chats[user_id] = _Chat(user_id, user.chat_json())
        return user

    def group(self, chat_id: int, title: str, *, privacy_mode: bool = True) -> FakeGroup:
        """A supergroup (chat_id negative, e.g. -1001234567890)."""
        if chat_id >= 0:
            raise ValueError("group chat ids are negative")
        if chat_id in self.groups:
            raise ValueError(f"group {chat_id} already exists")
        group = FakeGroup(self, chat_id, title, privacy_mode=privacy_mode)
        self.groups[chat_id] = group
        self._chats[chat_id] = _Chat(chat_id, group.chat_json())
        return group

    def set_member(self, chat_id: int, user_id: int, status: str) -> None:
        """Membership status returned by getChatMember: creator, administrator, member,
        restricted, left (the default), kicked."""
        if status not in MEMBER_STATUSES:
            raise ValueError(f"unknown status {status!r}, expected one of {MEMBER_STATUSES}")
        self.members[(chat_id, user_id)] = status

    def commands(self, scope: JSONDict | None = None, language_code: str = "") -> list[JSONDict]:
        """The command menu set for (scope, language_code); [] if none."""
        return list(self.my_commands.get((_scope_key(scope), language_code), []))

    def command_names(self, scope: JSONDict | None = None, language_code: str = "") -> list[str]:
        return [c["command"] for c in self.commands(scope, language_code)]

    def sent_messages(self, *, include_deleted: bool = False) -> list[SentMessage]:
        """Every bot message in every chat, by chat then message_id."""
        return [
            message
            for chat in self._chats.values()
            for message in chat.messages
            if include_deleted or not message.deleted
        ]

    def calls_to(self, method: str) -> list[JSONDict]:
        """Parameters of every call of `method`, in order."""
        return [params for name, params in self.calls if name == method]

    def take_errors(self) -> list[FakeError]:
        """Returns and clears the recorded errors (for tests that provoke some on purpose)."""
        errors, self.errors = self.errors, []
        return errors

    def changed(self) -> None:
        self.version += 1
        self._changed.set()
        self._changed = asyncio.Event()

    def wake_waiters(self) -> None:
        """Long polls (getUpdates, a page waiting for a change) answer now: before a stop."""
        self._updates_event.set()
        self.changed()

    async def wait_for_change(self, seen: int, timeout: float) -> int:
        """The version once it differs from `seen` (or after `timeout` seconds)."""
        if self.version == seen:
            with contextlib.suppress(TimeoutError):
                await asyncio.wait_for(self._changed.wait(), timeout)
        return self.version

    def transcript(self, chat_id: int) -> list[tuple[JSONDict, SentMessage | None]]:
        """Everything in a chat, in order: (Message JSON, the bot's record or None for what a
        person wrote)."""
        chat = self._chat(chat_id)
        items: list[tuple[JSONDict, SentMessage | None]] = [
            (m.json, m) for m in chat.messages if not m.deleted
        ]
        items += [(m, None) for m in chat.user_messages if m["message_id"] in chat.user_message_ids]
        return sorted(items, key=lambda item: int(item[0]["message_id"]))

    # -- delivery --------------------------------------------------------------------------

    def _touch(self) -> None:
        with contextlib.suppress(RuntimeError):  # no running loop: nothing to time
            self._last_activity = asyncio.get_running_loop().time()

    def _new_update(self, **content: JSONDict) -> JSONDict:
        update: JSONDict = {"update_id": self._next_update_id, **content}
        self._next_update_id += 1
        return update

    async def _deliver(self, update: JSONDict) -> None:
        self._touch()
        if self.deliver == "polling":
            self._pending_updates.append(update)
            self._updates_event.set()
            return
        if self.deliver == "webhook":
            await self._post_to_webhook(update)
            return
        if self.receiver is not None:
            await self.receiver(json.loads(json.dumps(update)))
            return
        if self.application is None:
            raise RuntimeError("call fake.attach(application) first (or set fake.deliver)")
        app = self.application
        await app.process_update(Update.de_json(json.loads(json.dumps(update)), app.bot))

    async def _post_to_webhook(self, update: JSONDict) -> None:
        """As Telegram does: POST the update with the secret token; anything but 200 means
        it was not taken, and it is posted again (here: at once, three times at most)."""
        import httpx

        if self.webhook is None or self.webhook_target is None:
            raise RuntimeError("no webhook set (setWebhook) or no fake.webhook_target")
        headers = {}
        if self.webhook.get("secret_token"):
            headers["X-Telegram-Bot-Api-Secret-Token"] = str(self.webhook["secret_token"])
        async with httpx.AsyncClient() as client:
            for _ in range(3):
                answer = await client.post(self.webhook_target, json=update, headers=headers)
                self.webhook_answers.append(answer.status_code)
                if answer.status_code == 200:
                    return

    async def settle(self, *, timeout: float = 5.0, quiet: float = 0.05) -> None:
        """Waits until every queued update was fetched by getUpdates and confirmed (offset past
        it), the application's update_queue is empty and idle, its tasks are done, and no Bot API
        call (besides getUpdates) happened for `quiet` seconds. TimeoutError after `timeout`."""
        loop = asyncio.get_running_loop()
        deadline = loop.time() + timeout
        while True:
            busy = self._busy_reason()
            now = loop.time()
            if busy is None and now - self._last_activity >= quiet:
                return
            if now >= deadline:
                raise TimeoutError(
                    f"fake.settle() timed out after {timeout}s: {busy or 'Bot API calls go on'}"
                )
            await asyncio.sleep(0.005)

    def _busy_reason(self) -> str | None:
        if self._pending_updates:
            return (
                f"{len(self._pending_updates)} update(s) not yet fetched and confirmed by "
                "getUpdates (is application.updater polling?)"
            )
        app = self.application
        if app is None:
            return None
        queue = app.update_queue
        if not queue.empty():
            return "application.update_queue is not empty (is the application started?)"
        getters = getattr(queue, "_getters", None)
        if app.running and getters is not None and not getters:
            return "the application is processing an update"
        tasks: set[asyncio.Task[Any]] = getattr(app, "_Application__create_task_tasks", set())
        if any(not task.done() for task in tasks):
            return "tasks created with application.create_task are still running"
        return None

    # -- user side -------------------------------------------------------------------------

    def _chat(self, chat_id: int) -> _Chat:
        chat = self._chats.get(chat_id)
        if chat is None:
            raise KeyError(f"no chat {chat_id}")
        return chat

    async def _user_message(
        self,
        user: FakeUser,
        chat_id: int,
        content: JSONDict,
        reply_to: SentMessage | None,
    ) -> JSONDict:
        chat = self._chat(chat_id)
        message: JSONDict = {
            "message_id": chat.new_message_id(),
            "from": user.to_json(),
            "chat": chat.json,
            "date": self._timestamp(),
            **content,
        }
        chat.user_message_ids.add(message["message_id"])
        chat.user_messages.append(message)
        self.changed()
        if reply_to is not None:
            message["reply_to_message"] = reply_to.json
        update = self._new_update(message=message)
        if chat.is_private:
            user.started = True
            user.blocked = False  # writing to a bot one has blocked unblocks it
        elif not self._group_sees(chat_id, content, reply_to):
            return update
        await self._deliver(update)
        return update

    def _group_sees(self, chat_id: int, content: JSONDict, reply_to: SentMessage | None) -> bool:
        group = self.groups.get(chat_id)
        if group is None or not group.privacy_mode:
            return True
        if self._bot_is_admin(chat_id):
            return True
        if reply_to is not None:
            return True
        text = content.get("text", "")
        if not isinstance(text, str) or not text.startswith("/"):
            return False
        command = text.split(maxsplit=1)[0]
        _, _, target = command.partition("@")
        return not target or target.lower() == self.bot_username.lower()

    async def _user_edit(self, user: FakeUser, update: JSONDict, new_text: str) -> JSONDict:
        original = update.get("message")
        if original is None or "text" not in original:
            raise AssertionError("edit() needs an update returned by send() (a text message)")
        message = {
            **original,
            **_text_content(new_text),
            "edit_date": self._timestamp(),
        }
        if "entities" not in _text_content(new_text):
            message.pop("entities", None)
        edited = self._new_update(edited_message=message)
        chat = self._chat(original["chat"]["id"])
        if chat.is_private or self._group_sees(chat.id, message, None):
            await self._deliver(edited)
        return edited

    async def _callback_query(self, user: FakeUser, message: SentMessage, data: str) -> JSONDict:
        query_id = str(self._next_query_id)
        self._next_query_id += 1
        self._open_queries[query_id] = user.id
        query: JSONDict = {
            "id": query_id,
            "from": user.to_json(),
            "message": message.json,
            "chat_instance": str(abs(message.chat_id) * 7919 + user.id),
            "data": data,
        }
        if self._chat(message.chat_id).is_private:
            user.started = True
        update = self._new_update(callback_query=query)
        await self._deliver(update)
        return update

    def _new_file(self, filename: str, content: bytes, mime_type: str) -> SentFile:
        number = self._next_file_id
        self._next_file_id += 1
        stored = SentFile(f"FILE{number:06d}", f"U{number:06d}", filename, content, mime_type)
        self.files[stored.file_id] = stored
        return stored

    def _sticker_content(self, emoji: str) -> JSONDict:
        stored = self._new_file("sticker.webp", b"RIFF fake webp", "image/webp")
        sticker = {
            "file_id": stored.file_id,
            "file_unique_id": stored.file_unique_id,
            "type": "regular",
            "width": 512,
            "height": 512,
            "is_animated": False,
            "is_video": False,
            "emoji": emoji,
            "file_size": len(stored.content),
        }
        return {"sticker": sticker}

    def _photo_content(self, caption: str | None, content: bytes | None = None) -> JSONDict:
        stored = self._new_file("photo.jpg", content or b"\xff\xd8\xff fake jpeg", "image/jpeg")
        for width in (90, 320, 800):  # each size can be downloaded or sent again, as in Telegram
            size_id = f"{stored.file_id}_{width}"
            self.files[size_id] = SentFile(
                size_id, f"{stored.file_unique_id}_{width}", f"photo_{width}.jpg",
                stored.content, stored.mime_type,
            )  # fmt: skip
        sizes = [
            {
                "file_id": f"{stored.file_id}_{width}",
                "file_unique_id": f"{stored.file_unique_id}_{width}",
                "width": width,
                "height": width * 3 // 4,
                "file_size": len(stored.content),
            }
            for width in (90, 320, 800)
        ]
        message: JSONDict = {"photo": sizes}
        if caption:
            message["caption"] = caption
        return message

    def _voice_content(self, duration: int) -> JSONDict:
        stored = self._new_file("voice.ogg", b"OggS fake voice", "audio/ogg")
        voice = {
            "file_id": stored.file_id,
            "file_unique_id": stored.file_unique_id,
            "duration": duration,
            "mime_type": stored.mime_type,
            "file_size": len(stored.content),
        }
        return {"voice": voice}

    def _document_content(self, name: str, content: bytes, caption: str | None) -> JSONDict:
        import mimetypes

        mime = mimetypes.guess_type(name)[0] or "application/octet-stream"
        stored = self._new_file(name, content, mime)
        result: JSONDict = {"document": _document_json(stored)}
        if caption:
            result["caption"] = caption
        return result

    # -- bot side helpers ------------------------------------------------------------------

    def bot_json(self) -> JSONDict:
        return {
            "id": self.bot_id,
            "is_bot": True,
            "first_name": self.bot_first_name,
            "username": self.bot_username,
        }

    def _user_json(self, user_id: int) -> JSONDict:
        if user_id == self.bot_id:
            return self.bot_json()
        user = self.users.get(user_id)
        if user is not None:
            return user.to_json()
        return {"id": user_id, "is_bot": False, "first_name": f"User{user_id}"}

    def _target_chat(self, params: JSONDict, *, writing: bool = True) -> _Chat:
        """The chat of `chat_id`, checking that the bot may write there (when `writing`)."""
        chat_id = _chat_id(params.get("chat_id"))
        if chat_id < 0:
            chat = self._chats.get(chat_id)
            if chat is None:  # groups the test didn't declare can still be written to
                chat = self._chats[chat_id] = _Chat(
                    chat_id, {"id": chat_id, "type": "supergroup", "title": f"Group {chat_id}"}
                )
            return chat
        user = self.users.get(chat_id)
        if user is None:
            raise _bad_request("chat not found")
        if writing and user.blocked:
            raise ApiError(HTTPStatus.FORBIDDEN, "Forbidden: bot was blocked by the user")
        if writing and not user.started:
            raise ApiError(
                HTTPStatus.FORBIDDEN, "Forbidden: bot can't initiate conversation with a user"
            )
        return self._chats[chat_id]

    def _bot_message(self, chat: _Chat, params: JSONDict, *, action: str) -> SentMessage:
        if "inline_message_id" in params:
            raise _bad_request_fake("inline_message_id not implemented")
        message_id = _int_param(params, "message_id")
        for message in chat.messages:
            if message.message_id == message_id and not message.deleted:
                return message
        if message_id in chat.user_message_ids:
            raise _bad_request(f"message can't be {action}ed")
        raise _bad_request(f"message to {action} not found")

    def _bot_is_admin(self, chat_id: int) -> bool:
        return self.members.get((chat_id, self.bot_id)) in ("administrator", "creator")

    def _formatted(
        self, params: JSONDict, key: str, entities_key: str, max_length: int, *, caption: bool
    ) -> tuple[str, list[JSONDict], str]:
        """(plain text, entities, raw text) of a text/caption parameter, validated."""
        raw = params.get(key)
        raw_text = "" if raw is None else str(raw)
        parse_mode = params.get("parse_mode")
        if not parse_mode:
            plain, entities = raw_text, list(params.get(entities_key) or [])
        elif str(parse_mode).lower() == "html":
            try:
                plain, entities = parse_html(raw_text)
            except HTMLParseError as error:
                raise _bad_request(f"can't parse entities: {error}") from None
        elif str(parse_mode).lower() in ("markdown", "markdownv2"):
            raise _bad_request_fake(f"parse_mode {parse_mode} not implemented")
        else:
            raise _bad_request("unsupported parse_mode")
        plain, entities = _strip_text(plain, entities)
        if not plain and not caption:
            raise _bad_request("message text is empty")
        if len(plain) > max_length:
            raise _bad_request("message caption is too long" if caption else "message is too long")
        return plain, entities, raw_text

    def _store_message(
        self,
        chat: _Chat,
        params: JSONDict,
        plain: str,
        entities: list[JSONDict],
        raw_text: str,
        *,
        document: SentFile | None = None,
        photo: bool = False,
    ) -> SentMessage:
        markup = _markup(params)
        date = self.now
        message = SentMessage(
            chat_id=chat.id,
            message_id=chat.new_message_id(),
            text=plain,
            parse_mode=params.get("parse_mode"),
            reply_markup=markup,
            date=date,
            json={},
            raw_text=raw_text,
            entities=entities,
            document=document,
            photo=photo,
        )
        message.json = self._message_json(chat, message)
        reply_to = _reply_to_message_id(params)
        if reply_to is not None:
            replied = next((m for m in chat.messages if m.message_id == reply_to), None)
            if replied is not None:
                message.json["reply_to_message"] = replied.json
        chat.messages.append(message)
        return message

    def _message_json(
        self, chat: _Chat, message: SentMessage, edit_date: int | None = None
    ) -> JSONDict:
        data: JSONDict = {
            "message_id": message.message_id,
            "from": self.bot_json(),
            "chat": chat.json,
            "date": int(message.date.timestamp()),
        }
        if edit_date is not None:
            data["edit_date"] = edit_date
        if message.document is not None:
            if message.photo:
                data["photo"] = [_photo_json(message.document)]
            else:
                data["document"] = _document_json(message.document)
            if message.text:
                data["caption"] = message.text
                if message.entities:
                    data["caption_entities"] = message.entities
        else:
            data["text"] = message.text
            if message.entities:
                data["entities"] = message.entities
        if message.reply_markup is not None and "inline_keyboard" in message.reply_markup:
            data["reply_markup"] = message.reply_markup
        return data

    # -- Bot API methods: one per method, registered with @_api("methodName") ---------------

    @_api("getMe")
    async def _m_get_me(self, call: ApiCall) -> Any:
        return {
            **self.bot_json(),
            "can_join_groups": True,
            "can_read_all_group_messages": False,
            "supports_inline_queries": False,
            "can_connect_to_business": False,
            "has_main_web_app": False,
        }

    @_api("logOut")
    async def _m_log_out(self, call: ApiCall) -> Any:
        return True

    @_api("close")
    async def _m_close(self, call: ApiCall) -> Any:
        return True

    @_api("setMyCommands")
    async def _m_set_my_commands(self, call: ApiCall) -> Any:
        commands = call.params.get("commands")
        if not isinstance(commands, list) or len(commands) > 100:
            raise _bad_request("BOT_COMMANDS_TOO_MUCH" if commands else "commands must be a list")
        for command in commands:
            name = str(command.get("command", ""))
            if not re.fullmatch(r"[a-z0-9_]{1,32}", name):
                raise _bad_request("BOT_COMMAND_INVALID")
            if not 1 <= len(str(command.get("description", ""))) <= 256:
                raise _bad_request("BOT_COMMAND_DESCRIPTION_INVALID")
        key = (_scope_key(call.params.get("scope")), str(call.params.get("language_code", "")))
        self.my_commands[key] = [
            {"command": c["command"], "description": c["description"]} for c in commands
        ]
        return True

    @_api("getMyCommands")
    async def _m_get_my_commands(self, call: ApiCall) -> Any:
        return self.commands(call.params.get("scope"), str(call.params.get("language_code", "")))

    @_api("deleteMyCommands")
    async def _m_delete_my_commands(self, call: ApiCall) -> Any:
        key = (_scope_key(call.params.get("scope")), str(call.params.get("language_code", "")))
        self.my_commands.pop(key, None)
        return True

    @_api("setChatMenuButton")
    async def _m_set_chat_menu_button(self, call: ApiCall) -> Any:
        chat_id = call.params.get("chat_id")
        key = None if chat_id is None else _chat_id(chat_id)
        self.menu_buttons[key] = call.params.get("menu_button") or {"type": "default"}
        return True

    @_api("getChatMenuButton")
    async def _m_get_chat_menu_button(self, call: ApiCall) -> Any:
        chat_id = call.params.get("chat_id")
        key = None if chat_id is None else _chat_id(chat_id)
        return self.menu_buttons.get(key, self.menu_buttons.get(None, {"type": "commands"}))

    @_api("deleteWebhook")
    async def _m_delete_webhook(self, call: ApiCall) -> Any:
        if call.params.get("drop_pending_updates"):
            self._pending_updates.clear()
        self.webhook = None
        return True

    @_api("setWebhook")
    async def _m_set_webhook(self, call: ApiCall) -> Any:
        url = str(call.params.get("url", ""))
        if not url.startswith("https://"):
            raise _bad_request("bad webhook: An HTTPS URL must be provided for webhook")
        self.webhook = dict(call.params)
        return True

    @_api("getWebhookInfo")
    async def _m_get_webhook_info(self, call: ApiCall) -> Any:
        return {
            "url": self.webhook["url"] if self.webhook else "",
            "has_custom_certificate": False,
            "pending_update_count": len(self._pending_updates),
        }

    @_api("getUpdates")
    async def _m_get_updates(self, call: ApiCall) -> Any:
        offset = call.params.get("offset")
        if offset is not None:
            offset = int(offset)
            if offset < 0:
                self._pending_updates = self._pending_updates[offset:]
            else:
                self._pending_updates = [
                    u for u in self._pending_updates if u["update_id"] >= offset
                ]
        allowed = call.params.get("allowed_updates")
        if allowed:  # Telegram never delivers the other kinds: drop them
            self._pending_updates = [
                u for u in self._pending_updates if any(kind in u for kind in allowed)
            ]
        limit = max(1, min(100, int(call.params.get("limit", 100))))
        wait = min(float(call.params.get("timeout", 0)), self.max_poll_wait)
        if not self._pending_updates and wait > 0:
            self._updates_event.clear()
            with contextlib.suppress(TimeoutError):
                await asyncio.wait_for(self._updates_event.wait(), wait)
        return self._pending_updates[:limit]

    @_api("sendMessage")
    async def _m_send_message(self, call: ApiCall) -> Any:
        chat = self._target_chat(call.params)
        plain, entities, raw = self._formatted(
            call.params, "text", "entities", MAX_TEXT_LENGTH, caption=False
        )
        _check_reply_markup(call.params)
        return self._store_message(chat, call.params, plain, entities, raw).json

    @_api("sendDocument")
    async def _m_send_document(self, call: ApiCall) -> Any:
        chat = self._target_chat(call.params)
        upload = call.file("document")
        if upload is not None:
            filename, content, mime = upload
            stored = self._new_file(str(call.params.get("filename") or filename), content, mime)
        else:
            reference = call.params.get("document")
            known = self.files.get(str(reference))
            if known is None:
                raise _bad_request("wrong file identifier/HTTP URL specified")
            stored = known
        plain, entities, raw = self._formatted(
            call.params, "caption", "caption_entities", MAX_CAPTION_LENGTH, caption=True
        )
        _check_reply_markup(call.params)
        return self._store_message(chat, call.params, plain, entities, raw, document=stored).json

    @_api("sendPhoto")
    async def _m_send_photo(self, call: ApiCall) -> Any:
        chat = self._target_chat(call.params)
        upload = call.file("photo")
        if upload is not None:
            filename, content, mime = upload
            if not content.startswith(b"\x89PNG") and not content.startswith(b"\xff\xd8"):
                raise _bad_request("IMAGE_PROCESS_FAILED")
            stored = self._new_file(filename, content, mime)
        else:  # a photo Telegram already has, sent again by its file_id
            known = self.files.get(str(call.params.get("photo")))
            if known is None:
                raise _bad_request("wrong file identifier/HTTP URL specified")
            stored = known
        plain, entities, raw = self._formatted(
            call.params, "caption", "caption_entities", MAX_CAPTION_LENGTH, caption=True
        )
        _check_reply_markup(call.params)
        return self._store_message(
            chat, call.params, plain, entities, raw, document=stored, photo=True
        ).json

    @_api("getFile")
    async def _m_get_file(self, call: ApiCall) -> Any:
        stored = self.files.get(str(call.params.get("file_id")))
        if stored is None:
            raise _bad_request("invalid file_id")
        return {
            "file_id": stored.file_id,
            "file_unique_id": stored.file_unique_id,
            "file_size": len(stored.content),
            "file_path": stored.file_path,
        }

    @_api("editMessageText")
    async def _m_edit_message_text(self, call: ApiCall) -> Any:
        chat = self._target_chat(call.params)
        message = self._bot_message(chat, call.params, action="edit")
        if message.document is not None:
            raise _bad_request("there is no text in the message to edit")
        plain, entities, raw = self._formatted(
            call.params, "text", "entities", MAX_TEXT_LENGTH, caption=False
        )
        _check_reply_markup(call.params)
        markup = _markup(call.params)  # no reply_markup: Telegram removes the inline keyboard
        if (plain, entities, markup) == (message.text, message.entities, message.reply_markup):
            raise _bad_request(
                "message is not modified: specified new message content and reply markup are "
                "exactly the same as a current content and reply markup of the message"
            )
        message.edits.append(message.text)
        message.text, message.entities, message.raw_text = plain, entities, raw
        message.parse_mode = call.params.get("parse_mode")
        message.reply_markup = markup
        message.json = self._message_json(chat, message, edit_date=self._timestamp())
        return message.json

    @_api("editMessageReplyMarkup")
    async def _m_edit_message_reply_markup(self, call: ApiCall) -> Any:
        chat = self._target_chat(call.params)
        message = self._bot_message(chat, call.params, action="edit")
        _check_reply_markup(call.params)
        markup = _markup(call.params)
        if markup is not None and "inline_keyboard" not in markup:
            raise _bad_request("inline keyboard expected")
        if markup == message.reply_markup:
            raise _bad_request(
                "message is not modified: specified new message content and reply markup are "
                "exactly the same as a current content and reply markup of the message"
            )
        message.reply_markup = markup
        message.json = self._message_json(chat, message, edit_date=self._timestamp())
        return message.json

    @_api("deleteMessage")
    async def _m_delete_message(self, call: ApiCall) -> Any:
        chat = self._target_chat(call.params, writing=False)
        message_id = _int_param(call.params, "message_id")
        if message_id in chat.user_message_ids and (chat.is_private or self._bot_is_admin(chat.id)):
            chat.user_message_ids.discard(message_id)  # bots may delete incoming private messages
            return True
        self._bot_message(chat, call.params, action="delete").deleted = True
        return True

    @_api("answerCallbackQuery")
    async def _m_answer_callback_query(self, call: ApiCall) -> Any:
        query_id = str(call.params.get("callback_query_id"))
        user_id = self._open_queries.pop(query_id, None)
        if user_id is None:
            raise _bad_request(
                "query is too old and response timeout expired or query ID is invalid"
            )
        text = call.params.get("text")
        if text is not None and len(str(text)) > MAX_CALLBACK_ANSWER_LENGTH:
            raise _bad_request("MESSAGE_TOO_LONG")
        self.callback_answers.append(
            {
                "user_id": user_id,
                "callback_query_id": query_id,
                "text": text,
                "show_alert": bool(call.params.get("show_alert", False)),
                "url": call.params.get("url"),
            }
        )
        return True

    @_api("sendChatAction")
    async def _m_send_chat_action(self, call: ApiCall) -> Any:
        chat = self._target_chat(call.params)
        self.chat_actions.append((chat.id, str(call.params.get("action"))))
        return True

    @_api("getChat")
    async def _m_get_chat(self, call: ApiCall) -> Any:
        chat_id = _chat_id(call.params.get("chat_id"))
        chat = self._chats.get(chat_id)
        if chat is None:
            raise _bad_request("chat not found")
        return {
            **chat.json,
            "accent_color_id": 0,
            "max_reaction_count": 11,
            "accepted_gift_types": {
                "unlimited_gifts": False,
                "limited_gifts": False,
                "unique_gifts": False,
                "premium_subscription": False,
                "gifts_from_channels": False,
            },
        }

    @_api("getChatMember")
    async def _m_get_chat_member(self, call: ApiCall) -> Any:
        chat_id = _chat_id(call.params.get("chat_id"))
        user_id = _int_param(call.params, "user_id")
        if chat_id > 0 and chat_id not in self._chats:
            raise _bad_request("chat not found")
        status = self.members.get((chat_id, user_id), "left")
        return _chat_member_json(status, self._user_json(user_id))


# --------------------------------------------------------------------------------------------
# Decoding and JSON helpers
# --------------------------------------------------------------------------------------------


def _bad_request_fake(description: str) -> ApiError:
    return ApiError(HTTPStatus.BAD_REQUEST, f"fake: {description}")


def _decode_params(request_data: RequestData | None) -> JSONDict:
    """The parameters as Telegram would read them: JSON values, JSON strings decoded."""
    if request_data is None:
        return {}
    params: JSONDict = json.loads(json.dumps(request_data.parameters))
    for key in _JSON_PARAMS & params.keys():
        value = params[key]
        if isinstance(value, str):
            try:
                params[key] = json.loads(value)
            except ValueError:
                raise _bad_request(f"can't parse {key} JSON object") from None
    return params


def _decode_files(request_data: RequestData | None) -> dict[str, tuple[str, bytes, str]]:
    if request_data is None or not request_data.contains_files:
        return {}
    files: dict[str, tuple[str, bytes, str]] = {}
    for part, field_tuple in request_data.multipart_data.items():
        filename, content, mime = field_tuple[0], field_tuple[1], field_tuple[2]
        data = content if isinstance(content, bytes) else content.read()
        files[part] = (filename or part, data, mime or "application/octet-stream")
    return files


def _chat_id(value: Any) -> int:
    if isinstance(value, bool) or value is None:
        raise _bad_request("chat_id is empty")
    if isinstance(value, int):
        return value
    try:
        return int(str(value))
    except ValueError:
        raise _bad_request("chat not found") from None


def _int_param(params: JSONDict, key: str) -> int:
    value = params.get(key)
    try:
        return int(value)  # type: ignore[arg-type]
    except (TypeError, ValueError):
        raise _bad_request(f"{key} is required") from None


def _scope_key(scope: JSONDict | None) -> str:
    return json.dumps(scope or {"type": "default"}, sort_keys=True)


def _markup(params: JSONDict) -> JSONDict | None:
    markup = params.get("reply_markup")
    return markup if isinstance(markup, dict) else None


def _reply_to_message_id(params: JSONDict) -> int | None:
    reply = params.get("reply_parameters")
    if isinstance(reply, dict) and "message_id" in reply:
        return int(reply["message_id"])
    if "reply_to_message_id" in params:
        return int(params["reply_to_message_id"])
    return None


def _iter_buttons(rows: Any) -> Iterator[Any]:
    if not isinstance(rows, list):
        raise _bad_request("keyboard must be an array of arrays")
    for row in rows:
        if not isinstance(row, list):
            raise _bad_request("keyboard must be an array of arrays")
        yield from row


def _check_reply_markup(params: JSONDict) -> None:
    markup = params.get("reply_markup")
    if markup is None:
        return
    if not isinstance(markup, dict):
        raise _bad_request("can't parse reply keyboard markup JSON object")
    if "inline_keyboard" in markup:
        for button in _iter_buttons(markup["inline_keyboard"]):
            if not str(button.get("text", "")).strip():
                raise _bad_request("BUTTON_TEXT_INVALID")
            if not any(action in button for action in _INLINE_BUTTON_ACTIONS):
                raise _bad_request(
                    "can't parse inline keyboard button: "
                    "Text buttons are unallowed in the inline keyboard"
                )
            data = button.get("callback_data")
            if "callback_data" in button and (
                not isinstance(data, str)
                or not 1 <= len(data.encode("utf-8")) <= MAX_CALLBACK_DATA_BYTES
            ):
                raise _bad_request("BUTTON_DATA_INVALID")
            if "url" in button and not button["url"]:
                raise _bad_request("BUTTON_URL_INVALID")
    elif "keyboard" in markup:
        for button in _iter_buttons(markup["keyboard"]):
            text = button if isinstance(button, str) else button.get("text", "")
            if not str(text).strip():
                raise _bad_request("BUTTON_TEXT_INVALID")
    elif "remove_keyboard" not in markup and "force_reply" not in markup:
        raise _bad_request("can't parse reply keyboard markup JSON object")


def _document_json(stored: SentFile) -> JSONDict:
    return {
        "file_id": stored.file_id,
        "file_unique_id": stored.file_unique_id,
        "file_name": stored.filename,
        "mime_type": stored.mime_type,
        "file_size": len(stored.content),
    }


def _photo_json(stored: SentFile) -> JSONDict:
    return {
        "file_id": stored.file_id,
        "file_unique_id": stored.file_unique_id,
        "width": 900,
        "height": 480,
        "file_size": len(stored.content),
    }


def _chat_member_json(status: str, user: JSONDict) -> JSONDict:
    member: JSONDict = {"status": status, "user": user}
    if status == "creator":
        member["is_anonymous"] = False
    elif status == "administrator":
        member.update(
            {
                "can_be_edited": False,
                "is_anonymous": False,
                "can_manage_chat": True,
                "can_delete_messages": True,
                "can_manage_video_chats": True,
                "can_restrict_members": True,
                "can_promote_members": False,
                "can_change_info": True,
                "can_invite_users": True,
                "can_post_stories": False,
                "can_edit_stories": False,
                "can_delete_stories": False,
                "can_pin_messages": True,
            }
        )
    elif status == "restricted":
        member.update(
            {
                "is_member": True,
                "until_date": 0,
                "can_edit_tag": False,
                **{
                    f"can_{right}": False
                    for right in (
                        "change_info",
                        "invite_users",
                        "pin_messages",
                        "send_messages",
                        "send_polls",
                        "send_other_messages",
                        "add_web_page_previews",
                        "manage_topics",
                        "send_audios",
                        "send_documents",
                        "send_photos",
                        "send_videos",
                        "send_video_notes",
                        "send_voice_notes",
                        "react_to_messages",
                    )
                },
            }
        )
    elif status == "kicked":
        member["until_date"] = 0
    return member
