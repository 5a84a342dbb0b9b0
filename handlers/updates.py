"""Updates in: recorded in the inbox before Telegram is told they arrived, then handled one at
a time, each in one transaction with everything it causes.

Handling an update means running python-telegram-bot's handlers on it inside a transaction,
with the bot capturing every message into the outbox (handlers/outbox_bot.py), then writing
the conversations' states and drafts, then marking the update handled, and committing. If a
handler raised, all of it is rolled back and the person gets an apology instead. After a
crash, updates recorded but not handled are handled again at start.

Updates arrive by long polling (the default: the offset that acknowledges them is sent only
once they are recorded) or by the webhook (handlers/http, which answers 200 only once the
update is recorded).
"""

from __future__ import annotations

import asyncio
import contextlib
import contextvars
import logging
from collections.abc import Awaitable, Callable
from dataclasses import dataclass, field
from typing import Any

from telegram import Update
from telegram.error import TelegramError
from telegram.ext import Application

from bot.delivery import JSON, InboxEntry
from bot.ports import UnitOfWork
from bot.services.delivery import DeliveryService, InboxService
from handlers.deliverer import Deliverer
from handlers.outbox_bot import recording

log = logging.getLogger(__name__)

ALLOWED_UPDATES = ["message", "edited_message", "callback_query"]
POLL_TIMEOUT = 30
BATCH = 50

Apology = Callable[[Update], Awaitable[None]]


@dataclass
class _Handling:
    """The update being handled, and what went wrong in its handlers."""

    errors: list[BaseException] = field(default_factory=list)


_handling: contextvars.ContextVar[_Handling | None] = contextvars.ContextVar(
    "handling", default=None
)


def handler_failed(error: BaseException | None) -> bool:
    """Called by the error handler: True if an update is being handled, whose effects will
    then be rolled back (and the person told by the runner, not by the error handler)."""
    handling = _handling.get()
    if handling is None:
        return False
    handling.errors.append(error or RuntimeError("unknown error"))
    return True


class _RolledBack(Exception):
    pass


class UpdateRunner:
    def __init__(
        self,
        application: Application,  # type: ignore[type-arg]
        inbox: InboxService,
        delivery: DeliveryService,
        deliverer: Deliverer,
        unit_of_work: UnitOfWork,
        apologise: Apology,
    ) -> None:
        self._application = application
        self._inbox = inbox
        self._delivery = delivery
        self._deliverer = deliverer
        self._uow = unit_of_work
        self._apologise = apologise
        self._lock = asyncio.Lock()
        self._wake = asyncio.Event()
        self._tasks: list[asyncio.Task[None]] = []
        self.handled = 0
        self.polling = False

    async def receive(self, payloads: list[JSON]) -> int:
        """Record updates (committed when this returns); returns how many were new."""
        new = await self._inbox.record([(int(p["update_id"]), p) for p in payloads])
        self._wake.set()
        return new

    async def receive_one(self, payload: JSON) -> int:
        return await self.receive([payload])

    async def handle_pending(self) -> int:
        """Handle every update recorded and not yet handled, in order."""
        done = 0
        async with self._lock:
            while entries := await self._inbox.pending(BATCH):
                for entry in entries:
                    await self._handle(entry)
                    done += 1
                    self._deliverer.wake()
        return done

    async def _handle(self, entry: InboxEntry) -> None:
        application = self._application
        try:
            update = Update.de_json(entry.payload, application.bot)
        except Exception as unreadable:  # not an update we can read: never block the ones after
            log.exception("update %s cannot be read", entry.update_id)
            await self._inbox.failed(entry.update_id, f"unreadable: {unreadable}")
            return
        handling = _Handling()
        token = _handling.set(handling)
        try:
            async with recording(self._uow, self._delivery):
                await application.process_update(update)
                if handling.errors:
                    raise _RolledBack
                await application.update_persistence()
                await self._inbox.handled(entry.update_id)
            self.handled += 1
            return
        except _RolledBack:
            error: BaseException = handling.errors[0]
        except Exception as raised:  # outside any handler: the database, say
            log.exception("update %s could not be handled", entry.update_id)
            error = raised
        finally:
            _handling.reset(token)
        async with recording(self._uow, self._delivery):
            await self._inbox.failed(entry.update_id, f"{type(error).__name__}: {error}")
            with contextlib.suppress(Exception):
                await self._apologise(update)

    # In the background, for the deployed bot.

    def start(self, *, polling: bool) -> None:
        self._tasks.append(asyncio.create_task(self._handle_forever(), name="updates"))
        if polling:
            self.polling = True
            self._tasks.append(asyncio.create_task(self._poll_forever(), name="polling"))

    async def stop(self) -> None:
        for task in self._tasks:
            task.cancel()
        for task in self._tasks:
            with contextlib.suppress(asyncio.CancelledError):
                await task
        self._tasks.clear()

    async def _handle_forever(self) -> None:
        while True:
            self._wake.clear()
            try:
                await self.handle_pending()
            except Exception:
                log.exception("handling updates failed; trying again in 5 s")
                await asyncio.sleep(5)
                continue
            with contextlib.suppress(TimeoutError):
                await asyncio.wait_for(self._wake.wait(), timeout=60)

    async def _poll_forever(self) -> None:
        """Long polling. No offset at first: Telegram sends again whatever was not
        acknowledged, and the inbox drops what it already holds."""
        offset: int | None = None
        failures = 0
        bot = self._application.bot
        while True:
            try:
                updates: Any = await bot.get_updates(
                    offset=offset, timeout=POLL_TIMEOUT, allowed_updates=ALLOWED_UPDATES,
                    read_timeout=POLL_TIMEOUT + 10,
                )  # fmt: skip
            except TelegramError as error:
                failures += 1
                log.warning("getUpdates failed (%s); again in %s s", error, min(30, failures))
                await asyncio.sleep(min(30, failures))
                continue
            failures = 0
            if not updates:
                continue
            try:
                await self.receive([update.to_dict() for update in updates])
            except Exception:  # the database, say: not acknowledged, so fetched again
                log.exception("updates could not be recorded; again in 5 s")
                await asyncio.sleep(5)
                continue
            offset = max(update.update_id for update in updates) + 1
