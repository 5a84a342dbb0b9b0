"""A stand-in for Telegram's Bot API: try mode's Telegram, and the tests' fake.

Try mode (`handlers/tryout`) serves it over loopback HTTP to the real bot (standin.py) and shows
its chats on a page; the end-to-end tests play it beneath python-telegram-bot (tests/fakebot).

`FakeBotAPI` answers Bot API methods *beneath* python-telegram-bot, at its request layer: it is a
`telegram.request.BaseRequest`, so everything the bot sends goes through PTB's real serialization
(`RequestData`) and every answer is parsed by PTB exactly as Telegram's would be. Nothing of the
`Bot` is mocked. It is wired through python-telegram-bot's public hooks (the same instance
serves both request slots; `initialize`/`shutdown` are idempotent):

    fake = FakeBotAPI()
    bot = Bot(fake.token, base_url=f"{fake.api_url}/bot{{token}}",
              base_file_url=f"{fake.api_url}/file/bot{{token}}",
              request=fake, get_updates_request=fake)

By job:
- telegram_html.py: Telegram's rules for a text (HTML parse mode, entities, lengths);
- chats.py: the chats, the people in them (`FakeUser`, `FakeGroup`) and what the bot sent;
- methods.py: the Bot API methods served, and Telegram's refusals (400, 403);
- faults.py: Telegram having a bad day on demand (429, 5xx, outages, slow calls);
- this module: the request layer, the clock, and the updates people's doings make, delivered
  by long polling (getUpdates), by webhook, or directly to a `receiver`.

Telegram's behaviour that the fake reproduces (each failure answers like Telegram, 400 or 403, and
is recorded in `fake.errors`): empty or too long texts, HTML that does not parse, too long
callback_data, buttons without text or without action, "message is not modified", editing or
deleting messages that don't exist (or aren't the bot's), writing first to a user who never started
the bot, writing to a user who blocked it, answering a callback query twice. Texts are stripped of
leading/trailing whitespace; `editMessageText` without `reply_markup` removes the inline keyboard;
a group in privacy mode only delivers commands and replies to the bot's messages.
"""

from __future__ import annotations

import asyncio
import contextlib
import json
import mimetypes
from collections.abc import Awaitable, Callable
from datetime import UTC, datetime
from typing import Any, ClassVar, Literal
from urllib.parse import unquote

from telegram.request import BaseRequest, RequestData

from handlers.tryout.chats import (
    MEMBER_STATUSES,
    Chat,
    FakeGroup,
    FakeUser,
    SentFile,
    SentMessage,
    document_json,
)
from handlers.tryout.faults import FaultInjection
from handlers.tryout.methods import (
    METHODS,
    ApiCall,
    ApiError,
    BotApiMethods,
    FakeError,
    MethodImpl,
    answer_error,
    bad_request_fake,
    decode_files,
    decode_params,
)

JSONDict = dict[str, Any]


class FakeBotAPI(FaultInjection, BotApiMethods, BaseRequest):
    """An in-process Bot API: a `BaseRequest` answering Bot API methods like Telegram would."""

    METHODS: ClassVar[dict[str, MethodImpl]] = METHODS  # Bot API method name -> implementation
    # What the stand-in makes of a person, a group, a message the bot sent (the tests' own,
    # with what reads and presses for a test, in tests/fakebot).
    user_type: ClassVar[type[FakeUser]] = FakeUser
    group_type: ClassVar[type[FakeGroup]] = FakeGroup
    message_type: ClassVar[type[SentMessage]] = SentMessage

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
        super().__init__()
        self.api_url = api_url.rstrip("/")
        self.token = token
        self.bot_username = bot_username
        self.bot_id = bot_id
        self.bot_first_name = bot_first_name

        self.urls: list[str] = []
        self.calls: list[tuple[str, JSONDict]] = []
        self.errors: list[FakeError] = []

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
        # messages sent).
        self.receiver: Callable[[JSONDict], Awaitable[None]] | None = None
        # What looks at each call's method before it runs (a download of a file is "file").
        self.before_call: list[Callable[[str], None]] = []
        self.max_poll_wait = 1.0  # seconds a getUpdates long poll waits at most

        self._now: datetime | None = None
        self._clock = clock
        # Bumped at every change people could see (try page: wait_for_change).
        self.version = 0
        self._changed = asyncio.Event()
        self._chats: dict[int, Chat] = {}
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
            return answer_error(ApiError(404, "Not Found"))
        name = url.removeprefix(prefix).split("?", 1)[0]
        call = ApiCall(name, decode_params(request_data), decode_files(request_data))
        self.calls.append((name, call.params))
        if self._shut_down:  # like HTTPXRequest, whose client is closed by shutdown()
            self.errors.append(FakeError(name, 0, "fake: request after shutdown", call.params))
            raise RuntimeError("This FakeBotAPI was shut down (request after shutdown)")
        for look in self.before_call:
            look(name)
        if name != "getUpdates":
            self._touch()
            faulted = await self._faulted(name, call.params)
            if faulted is not None:
                return faulted
        impl = self.METHODS.get(name) or self._methods_lower().get(name.lower())
        try:
            if impl is None:
                raise bad_request_fake(f"method {name} not implemented")
            result = await impl(self, call)
        except ApiError as error:
            self.errors.append(FakeError(name, error.status, error.description, call.params))
            return answer_error(error)
        except Exception as exc:  # a bug of the fake: make it loud
            self.errors.append(FakeError(name, 500, f"fake internal error: {exc!r}", call.params))
            raise
        if name != "getUpdates":
            self.changed()
        return 200, json.dumps({"ok": True, "result": result}).encode()

    @classmethod
    def _methods_lower(cls) -> dict[str, MethodImpl]:
        return {name.lower(): impl for name, impl in cls.METHODS.items()}

    def _download(self, file_path: str) -> tuple[int, bytes]:
        for stored in self.files.values():
            if stored.file_path == file_path:
                return 200, stored.content
        self.errors.append(FakeError(f"file/{file_path}", 404, "Not Found"))
        return answer_error(ApiError(404, "Not Found"))

    # -- the clock, the people, the chats ---------------------------------------------------

    @property
    def now(self) -> datetime:
        """The fake's clock (used for message dates); the real UTC time unless set."""
        if self._now is not None:
            return self._now
        return self._clock() if self._clock is not None else datetime.now(UTC)

    @now.setter
    def now(self, value: datetime) -> None:
        self._now = value if value.tzinfo is not None else value.replace(tzinfo=UTC)

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
        user = self.user_type(
            self,
            user_id,
            first_name,
            last_name=last_name,
            username=username,
            language_code=language_code,
        )
        self.users[user_id] = user
        self._chats[user_id] = Chat(user_id, user.chat_json())
        return user

    def group(self, chat_id: int, title: str, *, privacy_mode: bool = True) -> FakeGroup:
        """A supergroup (chat_id negative, e.g. -1001234567890)."""
        if chat_id >= 0:
            raise ValueError("group chat ids are negative")
        if chat_id in self.groups:
            raise ValueError(f"group {chat_id} already exists")
        group = self.group_type(self, chat_id, title, privacy_mode=privacy_mode)
        self.groups[chat_id] = group
        self._chats[chat_id] = Chat(chat_id, group.chat_json())
        return group

    def set_member(self, chat_id: int, user_id: int, status: str) -> None:
        """Membership status returned by getChatMember: creator, administrator, member,
        restricted, left (the default), kicked."""
        if status not in MEMBER_STATUSES:
            raise ValueError(f"unknown status {status!r}, expected one of {MEMBER_STATUSES}")
        self.members[(chat_id, user_id)] = status

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

    # -- the updates people's doings make --------------------------------------------------

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
        if self.receiver is None:
            raise RuntimeError("no fake.receiver for the updates (or set fake.deliver)")
        await self.receiver(json.loads(json.dumps(update)))

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

    def _chat(self, chat_id: int) -> Chat:
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

    def _document_content(self, name: str, content: bytes, caption: str | None) -> JSONDict:
        mime = mimetypes.guess_type(name)[0] or "application/octet-stream"
        stored = self._new_file(name, content, mime)
        result: JSONDict = {"document": document_json(stored)}
        if caption:
            result["caption"] = caption
        return result
