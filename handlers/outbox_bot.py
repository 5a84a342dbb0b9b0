"""The bot whose messages go to the outbox while an update (or an agenda entry) is handled.

Handlers write `await context.bot.send_message(...)` as usual. Inside `capture()`, the call is
not sent: its method and parameters, exactly as python-telegram-bot serialised them, are
written to the outbox in the open transaction, so they commit (or vanish) with the change
that caused them, and the deliverer sends them after the commit (handlers/deliverer.py).
Outside `capture()` (start-up, the deliverer itself, reads like getChatMember) calls go
straight to Telegram.
"""

from __future__ import annotations

import base64
import contextlib
import contextvars
from collections.abc import AsyncIterator, Iterator
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

from telegram import InputFile
from telegram.ext import ExtBot
from telegram.request._requestparameter import RequestParameter

from bot.delivery import JSON, Outgoing, Step
from bot.ports import UnitOfWork
from bot.services.bots import DEFAULT_BOT, Bots
from bot.services.delivery import DeliveryService

# Methods that change what people see: deferred to the outbox. Anything else (reads, file
# downloads, membership checks) is a question whose answer the handler needs now.
DEFERRED = frozenset(
    {
        "sendMessage",
        "sendDocument",
        "sendPhoto",
        "sendLocation",
        "sendContact",
        "editMessageText",
        "editMessageReplyMarkup",
        "editMessageCaption",
        "deleteMessage",
        "answerCallbackQuery",
        # A person's command menu in their language: no network call inside the transaction.
        "setMyCommands",
    }
)
_SENDS = frozenset({"sendMessage", "sendDocument", "sendPhoto", "sendLocation", "sendContact"})
_FILE = "__file__"
# In an outbox row's params: the territory whose own bot sends it (none: BOT_TOKEN's).
BOT = "__bot__"


@dataclass(frozen=True)
class About:
    """What a message is about, beyond its text: who it is for, what to do if they cannot be
    reached, and once it is sent."""

    person_id: int | None = None
    if_unreachable: Step | None = None
    after_sent: Step | None = None
    urgent: bool = True
    topic: str = "message"


_capturing: contextvars.ContextVar[DeliveryService | None] = contextvars.ContextVar(
    "capturing", default=None
)
_about: contextvars.ContextVar[About | None] = contextvars.ContextVar("about", default=None)
_NOTHING_SAID = About()


@contextlib.contextmanager
def capture(delivery: DeliveryService) -> Iterator[None]:
    """Within: messages are written to the outbox instead of sent."""
    token = _capturing.set(delivery)
    try:
        yield
    finally:
        _capturing.reset(token)


@contextlib.asynccontextmanager
async def recording(unit_of_work: UnitOfWork, delivery: DeliveryService) -> AsyncIterator[None]:
    """One transaction whose messages go to the outbox: they commit with it, or vanish."""
    async with unit_of_work.transaction():
        with capture(delivery):
            yield


@contextlib.contextmanager
def about(
    *,
    person_id: int | None = None,
    if_unreachable: Step | None = None,
    after_sent: Step | None = None,
    urgent: bool | None = None,
    topic: str | None = None,
) -> Iterator[None]:
    """The messages written within are about this (see `About`); the topic and whether it
    is urgent, unless given, are the enclosing ones'."""
    outer = _about.get() or _NOTHING_SAID
    token = _about.set(
        About(
            person_id,
            if_unreachable,
            after_sent,
            outer.urgent if urgent is None else urgent,
            topic or outer.topic,
        )
    )
    try:
        yield
    finally:
        _about.reset(token)


def about_now() -> About:
    """What the messages written now are about (the enclosing `about`)."""
    return _about.get() or _NOTHING_SAID


def capturing() -> bool:
    return _capturing.get() is not None


class OutboxBot(ExtBot[None]):
    # When a call to Telegram last succeeded (for the health check); "_" because PTB's
    # objects refuse other new attributes.
    _last_success: datetime | None = None
    # Which bot this is ('' for BOT_TOKEN's, else its territory's id), and where the bot a
    # message goes through is chosen when there are several (bot/services/bots.py).
    _territory: str = DEFAULT_BOT
    _bots: Bots | None = None

    @property
    def last_success(self) -> datetime | None:
        return self._last_success

    @property
    def territory(self) -> str:
        return self._territory

    def serving(self, territory: str, bots: Bots) -> None:
        """This bot is one of several: `territory`'s own ('' for BOT_TOKEN's)."""
        self._territory = territory
        self._bots = bots

    async def _do_post(  # type: ignore[override]
        self, endpoint: str, data: JSON, **timeouts: Any
    ) -> bool | JSON | list[JSON]:
        delivery = _capturing.get()
        if delivery is None or endpoint not in DEFERRED:
            result = await super()._do_post(endpoint, data, **timeouts)
            self._last_success = datetime.now(UTC)
            return result
        params = _storable(data)
        chat_id = _chat_of(endpoint, params)
        if self._bots is not None and self._bots.several:
            # The bot it goes through, kept in the row (the one that received a callback
            # query answers it: chat 0).
            through = await self._bots.for_chat(chat_id, self._territory)
            if through != DEFAULT_BOT:
                params[BOT] = through
        context = _about.get() or _NOTHING_SAID
        await delivery.write(
            Outgoing(
                chat_id=chat_id,
                method=endpoint,
                params=params,
                person_id=context.person_id,
                if_unreachable=context.if_unreachable,
                after_sent=context.after_sent,
                urgent=context.urgent,
                topic=context.topic,
            )
        )
        if endpoint in _SENDS:
            # What the handler gets back: the real message does not exist yet.
            return {
                "message_id": 0,
                "date": int(datetime.now(UTC).timestamp()),
                "chat": {"id": chat_id, "type": "private" if chat_id > 0 else "supergroup"},
                "text": params.get("text", ""),
            }
        return True

    async def deliver(self, method: str, params: JSON) -> bool | JSON | list[JSON]:
        """Send a message taken from the outbox (never captured again)."""
        token = _capturing.set(None)
        try:
            return await self._do_post(method, _sendable(params))
        finally:
            _capturing.reset(token)


def _storable(data: JSON) -> JSON:
    """The call's parameters as JSON, files included (their content in base64)."""
    params: JSON = {}
    for key, value in data.items():
        if isinstance(value, InputFile):
            content = value.input_file_content
            if not isinstance(content, bytes):  # a file handle: read it now, it may be gone later
                content = content.read()
            params[key] = {
                _FILE: {
                    "name": value.filename,
                    "mime": value.mimetype,
                    "content": base64.b64encode(content).decode(),
                }
            }
            continue
        parameter = RequestParameter.from_input(key, value)
        if parameter.input_files:
            raise ValueError(f"cannot keep the file of {key!r} for later")
        params[key] = parameter.value
    return params


def through(params: JSON) -> str:
    """The bot a message from the outbox goes through ('' for BOT_TOKEN's)."""
    return str(params.get(BOT, DEFAULT_BOT))


def _sendable(params: JSON) -> JSON:
    data: JSON = {}
    for key, value in params.items():
        if key == BOT:
            continue
        if isinstance(value, dict) and _FILE in value:
            stored = value[_FILE]
            data[key] = InputFile(
                base64.b64decode(stored["content"]), filename=stored["name"], attach=False
            )
        else:
            data[key] = value
    return data


def _chat_of(endpoint: str, params: JSON) -> int:
    if endpoint == "answerCallbackQuery":
        # Not a chat: the answers take the queue of no one (0) and never wait behind a message.
        return 0
    if endpoint == "setMyCommands":  # the menu of one chat (its scope), or everyone's
        scope = params.get("scope")
        return int(scope.get("chat_id", 0)) if isinstance(scope, dict) else 0
    return int(params["chat_id"])
