"""The tests' fake Bot API: try mode's stand-in for Telegram (handlers/tryout/botapi.py), with
what only a test needs: pressing a button by what it does (`press_doing`: its kind of callback
data, its action, its subject) or, for tests about wording, by its label; reading what the bot
said since a mark; waiting until everything settled; and driving a python-telegram-bot
Application directly.

One implementation of Telegram's behaviour, played beneath python-telegram-bot in the tests and
over loopback HTTP in try mode. Wiring (the same instance serves both PTB request slots):

    fake = FakeBotAPI()
    app = fake.builder().build()  # ApplicationBuilder's public hooks: base_url, request...
    fake.attach(app)
    async with app:
        alice = fake.user(1, "Alice")
        await alice.command("start")    # delivered through app.process_update, fully processed
        assert alice.last().text == "..."
        await alice.press_doing(kb.OFFER, "consent:yes")  # by what it does
        await alice.press("Oui")  # by its label, where the wording is what is tested
    assert fake.errors == []
"""

from __future__ import annotations

import asyncio
import json
from typing import TYPE_CHECKING, Any, ClassVar, cast

from telegram import Update

from handlers import keyboards as kb
from handlers.tryout import botapi, chats
from handlers.tryout.chats import SentFile, text_content
from handlers.tryout.faults import Fault, Hold
from handlers.tryout.methods import ApiCall, ApiError, FakeError
from handlers.tryout.telegram_html import HTMLParseError, parse_html

if TYPE_CHECKING:
    from telegram.ext import Application, ApplicationBuilder

__all__ = [
    "ApiCall",
    "ApiError",
    "ChatView",
    "FakeBotAPI",
    "FakeError",
    "Fault",
    "FakeGroup",
    "FakeUser",
    "HTMLParseError",
    "Hold",
    "SentFile",
    "EXACT",
    "LEADING",
    "SentMessage",
    "does",
    "parse_html",
]

JSONDict = dict[str, Any]


class SentMessage(chats.SentMessage):
    """A message the bot sent, with its inline buttons found by their text."""

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


EXACT, LEADING = 2, 1


def does(data: str, kind: str, action: str | None = None, subject: int | str | None = None) -> int:
    """How well a button's callback `data` does `action` (parts joined by ":") of `kind` about
    `subject`: EXACT, LEADING (the action is the leading parts of what the button does: "close"
    for "op:7:close:solved") or 0.

    What a button does is its parts once its subject and its conversation's nonce (or record
    id) are left out: "in:12:yes" does "yes" about 12, "of:a3f9c1:seats:2" does "seats:2",
    "pv:forget:yes:7" does "forget:yes" about 7, "st:offer" does "offer"."""
    callback = kb.decode(data)
    if callback is None or callback.kind != str(kind):
        return 0
    parts = list(callback.parts)
    if subject is not None:
        if str(subject) not in parts:
            return 0
        parts.remove(str(subject))
    if action is None:
        return EXACT
    readings = [parts, parts[1:]]
    if parts and kb.is_number(parts[-1]):
        readings.append(parts[:-1])
    joined = [":".join(reading) for reading in readings]
    if action in joined:
        return EXACT
    if any(reading.startswith(action + ":") for reading in joined):
        return LEADING
    return 0


def _describe(kind: str, action: str | None, subject: int | str | None, naming: str | None) -> str:
    what = f"{kind}:{action or '*'}"
    if subject is not None:
        what += f" about {subject}"
    if naming is not None:
        what += f" naming {naming!r}"
    return what


class ChatView(chats.ChatView):
    """What a test reads of a chat: the bot's messages, their buttons and keyboards."""

    @property
    def fake(self) -> FakeBotAPI:
        """The tests' stand-in this chat lives in."""
        return cast(FakeBotAPI, self._fake)

    def messages(self, *, include_deleted: bool = False) -> list[SentMessage]:
        """The bot's messages in this chat, oldest first (deleted ones only if asked)."""
        return cast(list[SentMessage], list(super().messages(include_deleted=include_deleted)))

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
        shown: chats.SentMessage | None = message
        if shown is None:
            for candidate in reversed(self._chat().messages):
                markup = candidate.reply_markup
                if markup is not None and ("keyboard" in markup or "remove_keyboard" in markup):
                    shown = candidate
                    break
        if shown is None or shown.reply_markup is None:
            return None
        rows = shown.reply_markup.get("keyboard")
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

    def button_doing(
        self,
        kind: str,
        action: str | None = None,
        subject: int | str | None = None,
        *,
        naming: str | None = None,
        message: SentMessage | None = None,
    ) -> tuple[SentMessage, str]:
        """The button that does `action` of `kind` (see `does`), about `subject` if given,
        whose label holds `naming` if given (a person's name, a value: never the wording): on
        `message`, or on the newest bot message of this chat that has one. Its message and
        callback data. A label that is `naming` wins over labels that hold it, exact actions
        over leading ones; two different buttons left is an error (say the subject, or what
        the label names)."""
        messages = [message] if message is not None else list(reversed(self.messages()))
        for candidate in messages:
            found: dict[str, tuple[int, str]] = {}
            for row in candidate.inline_keyboard:
                for button in row:
                    data = button.get("callback_data")
                    text = str(button.get("text", ""))
                    if not isinstance(data, str) or (naming is not None and naming not in text):
                        continue
                    score = does(data, kind, action, subject)
                    if score:
                        found.setdefault(data, (score, text))
            if not found:
                continue
            if naming is not None and any(text == naming for _, text in found.values()):
                found = {data: found[data] for data in found if found[data][1] == naming}
            best = max(score for score, _ in found.values())
            chosen = [data for data, (score, _) in found.items() if score == best]
            if len(chosen) > 1:
                raise AssertionError(
                    f"{len(chosen)} buttons of message {candidate.message_id} in chat "
                    f"{self.chat_id} do {_describe(kind, action, subject, naming)}: "
                    f"{[(found[data][1], data) for data in chosen]}"
                )
            if candidate.deleted:
                raise AssertionError(f"message {candidate.message_id} was deleted")
            return candidate, chosen[0]
        present = {
            m.message_id: [
                (str(b.get("text")), b.get("callback_data")) for r in m.inline_keyboard for b in r
            ]
            for m in (messages[:5] if message is None else messages)
            if m.inline_keyboard
        }
        raise AssertionError(
            f"no bot message in chat {self.chat_id} has a button that does "
            f"{_describe(kind, action, subject, naming)}; the newest buttons (label, data) by "
            f"message_id: {present}"
        )

    def has_button(
        self,
        kind: str,
        action: str | None = None,
        subject: int | str | None = None,
        *,
        message: SentMessage | None = None,
    ) -> bool:
        """Whether `message` (default: the newest bot message) has a button that does
        `action` of `kind` (see `does`)."""
        shown = message or self.last()
        return any(
            does(str(button.get("callback_data", "")), kind, action, subject)
            for row in shown.inline_keyboard
            for button in row
        )

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


class FakeUser(ChatView, chats.FakeUser):
    """A Telegram user, as a test drives them: commands, presses by label, what they read."""

    async def command(self, cmd: str, args: str = "") -> JSONDict:
        text = "/" + cmd.lstrip("/") + (f" {args}" if args else "")
        return await self.send(text)

    async def start(self, payload: str = "") -> JSONDict:
        return await self.command("start", payload)

    async def send_voice(self, duration: int = 3) -> JSONDict:
        content = self.fake._voice_content(duration)
        return await self.fake._user_message(self, self.chat_id, content, None)

    async def edit(self, update: JSONDict, new_text: str) -> JSONDict:
        """Edits the user's message of `update` (as returned by send): an edited_message update."""
        return await self.fake._user_edit(update, new_text)

    async def press(self, button_text: str, *, message: SentMessage | None = None) -> JSONDict:
        """Presses the inline button `button_text` of `message` (default: the newest bot message
        of this private chat that has it)."""
        message, data = self._callback_data(message, button_text)
        return await self._fake._callback_query(self, message, data)

    async def press_doing(
        self,
        kind: str,
        action: str | None = None,
        subject: int | str | None = None,
        *,
        naming: str | None = None,
        message: SentMessage | None = None,
    ) -> JSONDict:
        """Presses the button that does `action` of `kind` (a handlers.keyboards kind, e.g.
        `kb.INTRO, "yes"`), about `subject` if given: see `button_doing`."""
        message, data = self.button_doing(kind, action, subject, naming=naming, message=message)
        return await self._fake._callback_query(self, message, data)

    async def press_data(self, data: str, *, message: chats.SentMessage | None = None) -> JSONDict:
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


class FakeGroup(ChatView, chats.FakeGroup):
    """A supergroup, as a test drives it (see chats.FakeGroup for what it delivers)."""

    async def command(self, user: chats.FakeUser, cmd: str, args: str = "") -> JSONDict:
        text = "/" + cmd.lstrip("/") + (f" {args}" if args else "")
        return await self.send(user, text)

    async def press(
        self, user: chats.FakeUser, button_text: str, *, message: SentMessage | None = None
    ) -> JSONDict:
        message, data = self._callback_data(message, button_text)
        return await self._fake._callback_query(user, message, data)

    async def press_doing(
        self,
        user: chats.FakeUser,
        kind: str,
        action: str | None = None,
        subject: int | str | None = None,
        *,
        naming: str | None = None,
        message: SentMessage | None = None,
    ) -> JSONDict:
        """`user` presses the button that does `action` of `kind`: see `button_doing`."""
        message, data = self.button_doing(kind, action, subject, naming=naming, message=message)
        return await self._fake._callback_query(user, message, data)

    async def press_data(
        self, user: chats.FakeUser, data: str, *, message: chats.SentMessage | None = None
    ) -> JSONDict:
        return await self._fake._callback_query(user, message or self.last(), data)


class FakeBotAPI(botapi.FakeBotAPI):
    """The stand-in, with the tests' people and messages and what a test asks of it."""

    user_type: ClassVar[type[chats.FakeUser]] = FakeUser
    group_type: ClassVar[type[chats.FakeGroup]] = FakeGroup
    message_type: ClassVar[type[chats.SentMessage]] = SentMessage
    # Made by user_type and group_type: the tests' own.
    users: dict[int, FakeUser]  # type: ignore[assignment]
    groups: dict[int, FakeGroup]  # type: ignore[assignment]

    def __init__(self, **kwargs: Any) -> None:
        super().__init__(**kwargs)
        self.exceptions: list[BaseException] = []  # raised by handlers (see attach)
        # In direct mode without a receiver, updates go to application.process_update.
        self.application: Application[Any, Any, Any, Any, Any, Any] | None = None

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
        made = super().user(
            user_id,
            first_name,
            last_name=last_name,
            username=username,
            language_code=language_code,
        )
        return cast(FakeUser, made)

    def group(self, chat_id: int, title: str, *, privacy_mode: bool = True) -> FakeGroup:
        """A supergroup (chat_id negative, e.g. -1001234567890)."""
        return cast(FakeGroup, super().group(chat_id, title, privacy_mode=privacy_mode))

    # -- wiring a python-telegram-bot Application ----------------------------------------

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

    async def _deliver(self, update: JSONDict) -> None:
        if self.deliver != "direct" or self.receiver is not None:
            await super()._deliver(update)
            return
        self._touch()
        if self.application is None:
            raise RuntimeError("call fake.attach(application) first (or set fake.deliver)")
        app = self.application
        await app.process_update(Update.de_json(json.loads(json.dumps(update)), app.bot))

    # -- what a test reads -----------------------------------------------------------------

    def command_names(self, scope: JSONDict | None = None, language_code: str = "") -> list[str]:
        return [c["command"] for c in self.commands(scope, language_code)]

    def sent_messages(self, *, include_deleted: bool = False) -> list[SentMessage]:
        """Every bot message in every chat, by chat then message_id."""
        return [
            cast(SentMessage, message)
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
        if not app.update_queue.empty():
            return "application.update_queue is not empty (is the application started?)"
        if app.running and app.update_processor.current_concurrent_updates > 0:
            return "the application is processing an update"
        # python-telegram-bot has no public view of the tasks made by application.create_task
        # (it awaits them itself at stop): this one name-mangled attribute is read as it is.
        tasks: set[asyncio.Task[Any]] = getattr(app, "_Application__create_task_tasks", set())
        if any(not task.done() for task in tasks):
            return "tasks created with application.create_task are still running"
        return None

    # -- what only tests make people do ----------------------------------------------------

    async def _user_edit(self, update: JSONDict, new_text: str) -> JSONDict:
        original = update.get("message")
        if original is None or "text" not in original:
            raise AssertionError("edit() needs an update returned by send() (a text message)")
        message = {
            **original,
            **text_content(new_text),
            "edit_date": self._timestamp(),
        }
        if "entities" not in text_content(new_text):
            message.pop("entities", None)
        edited = self._new_update(edited_message=message)
        chat = self._chat(original["chat"]["id"])
        if chat.is_private or self._group_sees(chat.id, message, None):
            await self._deliver(edited)
        return edited

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
