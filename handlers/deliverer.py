"""The deliverer: sends what the outbox holds, in order for each chat, until each message is
sent or settled (bot/delivery.py).

Telegram's answers, and what they mean here:
- 429 Too Many Requests: wait as long as it asks, then again;
- 5xx, a network failure or a time-out: again after a growing delay (1 s, 2 s, 3 s… 5 min),
  and as soon as another message goes through again (Telegram is back);
- 403 (blocked, never started) or "chat not found": the reader is unreachable; the step the
  notice carries for that case runs (the team is asked to phone, the next driver is asked…);
- "message is not modified": done (a double press changes nothing);
- an edit of a message gone, a callback answer too late: dropped, nothing lost for anyone;
- any other 400: refused for good, logged and reported in the team's digest.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import warnings
from datetime import datetime, timedelta

from telegram.error import (
    BadRequest,
    ChatMigrated,
    Forbidden,
    NetworkError,
    RetryAfter,
    TelegramError,
)
from telegram.warnings import PTBDeprecationWarning

from bot.clock import Clock
from bot.delivery import OutboxEntry, Step, Steps
from bot.ports import UnitOfWork
from bot.services.delivery import DeliveryService
from handlers.outbox_bot import OutboxBot, recording

log = logging.getLogger(__name__)

BATCH = 50

_GONE = ("message to edit not found", "message can't be edited", "message to delete not found",
         "message can't be deleted", "query is too old", "query id is invalid")  # fmt: skip
_UNREACHABLE = ("chat not found", "user not found", "have no rights to send")


class Deliverer:
    def __init__(
        self,
        bot: OutboxBot,
        delivery: DeliveryService,
        unit_of_work: UnitOfWork,
        clock: Clock,
    ) -> None:
        self._bot = bot
        self._delivery = delivery
        self._uow = unit_of_work
        self._clock = clock
        # The steps run after a message was sent (with its Telegram message id) or could
        # not be: one runner for each kind (bot/delivery.py), given at assembly.
        self._steps = Steps()
        self._lock = asyncio.Lock()
        self._wake = asyncio.Event()
        self._task: asyncio.Task[None] | None = None
        self.last_success: datetime | None = None
        # A server or network failure since the last success: Telegram may be down.
        self._troubled = False

    def use(self, steps: Steps) -> None:
        """The runners of the steps notices carry; refused unless every kind has one."""
        self._steps = steps.check()

    def wake(self) -> None:
        self._wake.set()

    async def flush(self) -> int:
        """Send everything due now (and what those sends cause); returns how many were tried."""
        tried = 0
        async with self._lock:  # one sender at a time: each chat's order is kept
            while True:
                entries = await self._delivery.due(BATCH)
                # Chats where a message now waits: every later one waits too, or only the
                # ones that are not urgent when the waiting one is not (see Outbox.due).
                waiting: dict[int, bool] = {}
                progressed = False
                for entry in entries:
                    urgent_waits = waiting.get(entry.chat_id)
                    if entry.chat_id != 0 and urgent_waits is not None:
                        if urgent_waits or not entry.urgent:
                            continue
                    if not await self._send(entry):
                        waiting[entry.chat_id] = waiting.get(entry.chat_id, False) or entry.urgent
                    progressed = True
                    tried += 1
                if not entries or not progressed:
                    break
        return tried

    async def _send(self, entry: OutboxEntry) -> bool:
        """Try once; True if the message is settled (sent, or settled otherwise)."""
        try:
            result = await self._bot.deliver(entry.method, entry.params)
        except RetryAfter as error:
            wait = flood_wait(error)
            await self._delivery.not_yet(entry, f"flood limit: retry after {wait}", wait)
            return False
        except Forbidden as error:
            await self._unreachable(entry, str(error))
            return True
        except BadRequest as error:
            text = str(error).lower()
            if "not modified" in text:
                await self._sent(entry, None)
            elif any(reason in text for reason in _GONE):
                await self._gone(entry, str(error))
            elif any(reason in text for reason in _UNREACHABLE) and entry.chat_id > 0:
                await self._unreachable(entry, str(error))
            else:
                log.error("Telegram refused outbox message %s (%s): %s",
                          entry.id, entry.method, error)  # fmt: skip
                await self._delivery.refused(entry, str(error))
            return True
        except ChatMigrated as error:  # the group became a supergroup: a setting to change
            log.error("chat %s moved to %s: set OPERATOR_CHAT_ID to it", entry.chat_id,
                      error.new_chat_id)  # fmt: skip
            await self._delivery.refused(entry, f"chat moved to {error.new_chat_id}")
            return True
        except (NetworkError, TelegramError) as error:  # 5xx, time-outs, no network
            self._troubled = True
            if not await self._delivery.not_yet(entry, f"{type(error).__name__}: {error}"):
                log.error("outbox message %s given up: %s", entry.id, error)
                return True
            return False
        except Exception as error:  # a message we cannot even send: never block the chat
            log.exception("outbox message %s cannot be sent", entry.id)
            await self._delivery.refused(entry, f"{type(error).__name__}: {error}")
            return True
        message_id = result.get("message_id") if isinstance(result, dict) else None
        await self._sent(entry, message_id if isinstance(message_id, int) else None)
        if self._troubled:  # Telegram is back: those waiting after a failure go now
            self._troubled = False
            await self._delivery.telegram_back()
        return True

    async def _sent(self, entry: OutboxEntry, message_id: int | None) -> None:
        self.last_success = self._clock.now()
        # Recorded on its own first: a step that fails must not send the message again.
        step = await self._delivery.sent(entry, message_id)
        await self._follow(step, message_id)

    async def _unreachable(self, entry: OutboxEntry, error: str) -> None:
        log.info("outbox message %s: chat %s unreachable (%s)", entry.id, entry.chat_id, error)
        await self._follow(await self._delivery.unreachable(entry, error), None)

    async def _gone(self, entry: OutboxEntry, error: str) -> None:
        """Too late for this one (a button answer after Telegram forgot the press): the
        notice's own fall-back, if it has one, says it another way."""
        await self._delivery.dropped(entry, error)
        await self._follow(entry.if_unreachable, None)

    async def _follow(self, step: Step | None, message_id: int | None) -> None:
        """Run a notice's step with the messages it writes, in one transaction; a step that
        fails is logged and rolled back, and the message stays settled."""
        if step is None:
            return
        try:
            async with recording(self._uow, self._delivery):
                await self._run(step, message_id)
        except Exception:
            log.exception("the step %r after a message failed", step.name)

    async def _run(self, step: Step, message_id: int | None) -> None:
        await self._steps.run(step, message_id)

    # In the background, for the deployed bot (tests call flush themselves).

    def start(self) -> None:
        if self._task is None:
            self._task = asyncio.create_task(self._run_forever(), name="deliverer")

    async def stop(self) -> None:
        if self._task is not None:
            self._task.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await self._task
            self._task = None

    async def _run_forever(self) -> None:
        while True:
            try:
                await self.flush()
                wait = await self._until_next()
            except Exception:  # the database, say: never let the deliverer die
                log.exception("the deliverer failed; trying again in 5 s")
                wait = 5.0
            self._wake.clear()
            with contextlib.suppress(TimeoutError):
                await asyncio.wait_for(self._wake.wait(), timeout=wait)

    async def _until_next(self) -> float:
        next_attempt = await self._delivery.next_attempt()
        if next_attempt is None:
            return 60.0
        return max(0.05, min(60.0, (next_attempt - self._clock.now()).total_seconds()))


def flood_wait(error: RetryAfter) -> timedelta:
    """How long Telegram asks to wait (an int of seconds in PTB 22, a timedelta later)."""
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", PTBDeprecationWarning)
        wait = error.retry_after
    return wait if isinstance(wait, timedelta) else timedelta(seconds=wait)
