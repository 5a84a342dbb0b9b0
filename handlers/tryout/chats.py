"""The stand-in's chats and the people in them: what Telegram keeps and what people do.

`FakeUser` (a person, whose private chat with the bot has their id) and `FakeGroup` (a
supergroup, in privacy mode by default) write, share and press as people do in Telegram's
apps; what the bot sent there is kept as `SentMessage`s (and `SentFile`s) in a `Chat`. The
stand-in (botapi.py) turns what people do into updates and the bot's calls into messages.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import datetime
from typing import TYPE_CHECKING, Any

from handlers.tryout.telegram_html import MAX_TEXT_LENGTH, utf16_len

if TYPE_CHECKING:
    from handlers.tryout.botapi import FakeBotAPI

JSONDict = dict[str, Any]

MEMBER_STATUSES = ("creator", "administrator", "member", "restricted", "left", "kicked")


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


@dataclass
class Chat:
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


class ChatView:
    """A chat as people see it: the bot's messages there."""

    _fake: FakeBotAPI
    chat_id: int

    def _chat(self) -> Chat:
        return self._fake._chat(self.chat_id)

    def messages(self, *, include_deleted: bool = False) -> Sequence[SentMessage]:
        """The bot's messages in this chat, oldest first (deleted ones only if asked)."""
        return [m for m in self._chat().messages if include_deleted or not m.deleted]


class FakeUser(ChatView):
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
                self, self.chat_id, text_content(chunk), reply_to
            )
        return update

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

    async def send_document(
        self, name: str = "a.pdf", content: bytes = b"%PDF-1.4 fake", caption: str | None = None
    ) -> JSONDict:
        return await self._fake._user_message(
            self, self.chat_id, self._fake._document_content(name, content, caption), None
        )

    async def press_data(self, data: str, *, message: SentMessage) -> JSONDict:
        """Presses a button of `message` that carries `data` (or forged, stale data)."""
        return await self._fake._callback_query(self, message, data)


class FakeGroup(ChatView):
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
        return await self._fake._user_message(user, self.chat_id, text_content(text), reply_to)

    async def press_data(self, user: FakeUser, data: str, *, message: SentMessage) -> JSONDict:
        """`user` presses a button of `message` that carries `data`."""
        return await self._fake._callback_query(user, message, data)


def text_content(text: str) -> JSONDict:
    content: JSONDict = {"text": text}
    if text.startswith("/") and len(text) > 1:
        command = text.split(maxsplit=1)[0]
        content["entities"] = [{"type": "bot_command", "offset": 0, "length": utf16_len(command)}]
    return content


def document_json(stored: SentFile) -> JSONDict:
    return {
        "file_id": stored.file_id,
        "file_unique_id": stored.file_unique_id,
        "file_name": stored.filename,
        "mime_type": stored.mime_type,
        "file_size": len(stored.content),
    }


def photo_json(stored: SentFile) -> JSONDict:
    return {
        "file_id": stored.file_id,
        "file_unique_id": stored.file_unique_id,
        "width": 900,
        "height": 480,
        "file_size": len(stored.content),
    }


def chat_member_json(status: str, user: JSONDict) -> JSONDict:
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
