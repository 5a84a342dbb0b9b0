"""The deliverer: sends what the outbox holds, in order for each chat, until each message is
sent or settled (bot/delivery.py).

Several chats at once (at most `CONCURRENCY` sends on their way), one message at a time in
each chat: the next one to a chat leaves once the previous one is settled. Telegram's limits
(about 30 messages a second, 20 a minute in a group) are kept by a budget that never waits
inside a send (`SendBudget`): a group that has used its minute is skipped, its messages stay
due for its next slot, and every other chat goes on. Sends are recorded in batches (one
transaction for those that came back together), always after Telegram accepted them: after a
crash, a message is at worst sent again.

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
from bot.delivery import JSON, SMS, OutboxEntry, SendBudget, Step, Steps
from bot.ports import UnitOfWork
from bot.services.delivery import DeliveryService
from handlers.outbox_bot import OutboxBot, recording, through
from handlers.sms.gateway import GatewayDown, GatewayRefused
from handlers.sms.sending import TextSender

log = logging.getLogger(__name__)

BATCH = 50
# Sends on their way at once, each to a different chat (chat 0, the answers to button presses,
# keeps no order). At 50 ms a round trip, a dozen is several times Telegram's 30 a second.
CONCURRENCY = 12
# Seconds stop() lets the sends on their way finish.
STOP_WAIT = 10.0
# Seconds before recording sent messages again after the database refused it.
RECORD_RETRY = 2.0
# flush() tries at most this many, so that it returns even while messages keep coming.
FLUSH_MOST = 2000

_GONE = (
    "message to edit not found",
    "message can't be edited",
    "message to delete not found",
    "message can't be deleted",
    "query is too old",
    "query id is invalid",
)
_UNREACHABLE = ("chat not found", "user not found", "have no rights to send")


class Deliverer:
    def __init__(
        self,
        bot: OutboxBot,
        delivery: DeliveryService,
        unit_of_work: UnitOfWork,
        clock: Clock,
        *,
        budget: SendBudget | None = None,
        concurrency: int = CONCURRENCY,
        texts: TextSender | None = None,
        idle: float = 60.0,
    ) -> None:
        self._bot = bot
        # Seconds between two looks at the outbox when nothing woke it: short with several
        # workers, since what another one wrote wakes no one here (bot/workers.py).
        self._idle = idle
        # Texts (SMS) go through the gateway; None: none is sent (they wait).
        self._texts = texts
        self._delivery = delivery
        self._uow = unit_of_work
        self._clock = clock
        self._budget = budget
        # Territories' own bots, each with its own budget (Telegram's limits are per token):
        # a row naming one goes through it (bot/services/bots.py).
        self._others: dict[str, tuple[OutboxBot, SendBudget | None]] = {}
        self._concurrency = concurrency
        # The steps run after a message was sent (with its Telegram message id) or could
        # not be: one runner for each kind (bot/delivery.py), given at assembly.
        self._steps = Steps()
        self._dispatching = asyncio.Lock()
        # Sends on their way, by outbox id, and the chats they go to (chat 0 not included).
        self._flying: dict[int, asyncio.Task[None]] = {}
        self._busy: set[int] = set()
        # Sends settled since the current look at the outbox began: that look may have read
        # them still pending (on PostgreSQL it reads on another connection than the one that
        # records them; SQLite's one connection keeps them in order).
        self._landed: set[int] = set()
        # Groups that used their budget, until their next slot.
        self._held: dict[int, datetime] = {}
        # Set when something may be sent: a new message (wake), a send settled.
        self._wake = asyncio.Event()
        self._settled = asyncio.Event()
        # Sends accepted by Telegram, waiting to be recorded together.
        self._to_record: list[tuple[OutboxEntry, int | None, asyncio.Future[None]]] = []
        self._recorder: asyncio.Task[None] | None = None
        self._task: asyncio.Task[None] | None = None
        self._stopping = False
        # What stopped the deliverer for good (SystemExit…): raised by flush and the loop.
        self._crash: BaseException | None = None
        self.last_success: datetime | None = None
        # A server or network failure since the last success: Telegram may be down.
        self._troubled = False
        self._texts_troubled = False

    def add_bot(self, territory: str, bot: OutboxBot, budget: SendBudget | None) -> None:
        """`territory`'s own bot: the messages whose row names it go through it."""
        self._others[territory] = (bot, budget)

    def _through(self, entry: OutboxEntry) -> tuple[OutboxBot, SendBudget | None]:
        # A bot no longer declared: BOT_TOKEN's sends it.
        return self._others.get(through(entry.params), (self._bot, self._budget))

    def _full_until(self, now: datetime) -> datetime | None:
        """Until when nothing may go out: every bot's budget is spent (None: some may)."""
        if self._budget is None:
            return None
        full = self._budget.full_until(now)
        for _, budget in self._others.values():
            if full is None or budget is None:
                return None
            other = budget.full_until(now)
            full = None if other is None else min(full, other)
        return full

    def use(self, steps: Steps) -> None:
        """The runners of the steps notices carry; refused unless every kind has one."""
        self._steps = steps.check()

    def wake(self) -> None:
        """New messages in the outbox: the background deliverer looks at once."""
        self._wake.set()

    async def flush(self) -> int:
        """Send what is due now (and what those sends cause), then return; returns how many
        were tried. Not what falls due later (a retry, a group's next slot), and at most
        `FLUSH_MOST`, so that it returns even while new messages keep coming."""
        tried = 0
        while tried < FLUSH_MOST:
            settled = self._settled
            started = await self._dispatch()
            tried += started
            if not started and not settled.is_set():  # (one that settled meanwhile may
                if not self._flying:  # have freed the next message of its chat)
                    break
                await settled.wait()
        if self._crash is not None and not self._flying:
            raise self._crash
        return tried

    async def _dispatch(self) -> int:
        """Start the sends that may go now (a free slot, a chat with nothing on its way, the
        budget); returns how many started."""
        async with self._dispatching:
            room = self._concurrency - len(self._flying)
            now = self._clock.now()
            if self._crash is not None or room <= 0 or self._full_until(now) is not None:
                return 0
            self._held = {chat: until for chat, until in self._held.items() if until > now}
            self._landed = set()
            entries = await self._delivery.due(
                BATCH + len(self._flying), self._busy | self._held.keys()
            )
            chosen: set[int] = set()
            started = 0
            left: list[OutboxEntry] = []
            for entry in entries:
                if started >= room:
                    left.append(entry)
                    continue
                chat = entry.chat_id
                if entry.id in self._flying or entry.id in self._landed:
                    continue
                if chat in chosen or chat in self._busy:
                    left.append(entry)
                    continue
                if chat != 0:
                    chosen.add(chat)  # the first due of a chat only: its order is kept
                _, budget = self._through(entry)
                if budget is not None and chat != 0 and entry.method != SMS:
                    now = self._clock.now()
                    if budget.full_until(now):
                        if not self._others:
                            room = started  # nothing more goes out in this round
                        left.append(entry)  # (another bot's may)
                        continue
                    until = budget.group_full_until(chat, now)
                    if until is not None:
                        self._held[chat] = until  # skipped until its next slot
                        left.append(entry)
                        continue
                    budget.spend(chat)
                self._start(entry)
                started += 1
            # Claimed but not sent now: another worker may send them (bot/workers.py). Those
            # of a chat this worker has a message on its way to stay behind it anyway.
            await self._delivery.release([e for e in left if e.chat_id not in self._busy])
            return started

    def _start(self, entry: OutboxEntry) -> None:
        if entry.chat_id != 0:
            self._busy.add(entry.chat_id)
        self._flying[entry.id] = asyncio.create_task(
            self._deliver(entry), name=f"deliver-{entry.id}"
        )

    async def _deliver(self, entry: OutboxEntry) -> None:
        try:
            await self._send(entry)
        except asyncio.CancelledError:
            raise
        except Exception:  # the database, say: the message stays pending, tried again
            log.exception("outbox message %s: sending or recording failed", entry.id)
        except BaseException as error:  # the process is going down: nothing more goes out
            self._crash = error
        finally:
            del self._flying[entry.id]
            self._landed.add(entry.id)
            self._busy.discard(entry.chat_id)
            settled, self._settled = self._settled, asyncio.Event()
            settled.set()
            self._wake.set()

    async def _send(self, entry: OutboxEntry) -> bool:
        """Try once; True if the message is settled (sent, or settled otherwise)."""
        if entry.method == SMS:
            return await self._send_text(entry)
        try:
            result = await self._call(entry)
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
                log.error(
                    "Telegram refused outbox message %s (%s): %s", entry.id, entry.method, error
                )
                await self._delivery.refused(entry, str(error))
            return True
        except ChatMigrated as error:  # the group became a supergroup: a setting to change
            log.error(
                "chat %s moved to %s: set OPERATOR_CHAT_ID to it", entry.chat_id, error.new_chat_id
            )
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

    async def _send_text(self, entry: OutboxEntry) -> bool:
        """A text through the SMS gateway: retried while the gateway is down (its reports
        say later whether it reached the phone)."""
        if self._texts is None:  # SMS_GATEWAY_URL was unset since: whoever must know is told
            await self._delivery.refused(entry, "no SMS gateway (SMS_GATEWAY_URL)")
            await self._follow(entry.if_unreachable, None)
            return True
        try:
            await self._texts.send(entry)
        except GatewayDown as error:
            self._texts_troubled = True
            if not await self._delivery.not_yet(entry, f"SMS gateway: {error}"):
                log.error("text %s given up: %s", entry.id, error)
                return True
            return False
        except GatewayRefused as error:
            log.error("the SMS gateway refused text %s: %s", entry.id, error)
            await self._delivery.refused(entry, f"SMS gateway refused: {error}")
            await self._follow(entry.if_unreachable, None)
            return True
        await self._sent(entry, None)
        if self._texts_troubled:  # the gateway is back: those waiting go now
            self._texts_troubled = False
            await self._delivery.telegram_back()
        return True

    async def follow(self, step: Step | None) -> None:
        """A step that a later report asks for (a text the gateway could not deliver)."""
        await self._follow(step, None)
        self.wake()

    async def _call(self, entry: OutboxEntry) -> bool | JSON | list[JSON]:
        bot, budget = self._through(entry)
        try:
            return await bot.deliver(entry.method, entry.params)
        finally:  # its slot in the budget counts from Telegram's answer
            if budget is not None:
                budget.settled(entry.chat_id, self._clock.now())

    async def _sent(self, entry: OutboxEntry, message_id: int | None) -> None:
        self.last_success = self._clock.now()
        # Recorded first (with the others sent meanwhile): a step that fails must not send
        # the message again.
        await self._record(entry, message_id)
        await self._follow(entry.after_sent, message_id)

    async def _record(self, entry: OutboxEntry, message_id: int | None) -> None:
        done: asyncio.Future[None] = asyncio.get_running_loop().create_future()
        self._to_record.append((entry, message_id, done))
        if self._recorder is None:
            self._recorder = asyncio.create_task(self._record_batches(), name="record-sent")
        await done

    async def _record_batches(self) -> None:
        """One transaction for every send that came back while the previous one was written."""
        try:
            while self._to_record:
                batch, self._to_record = self._to_record, []
                try:
                    await self._delivery.sent_many([(e, m) for e, m, _ in batch])
                except Exception:
                    # Sent, but not recorded: never sent again by this process (their chats
                    # wait); recorded once the database answers again.
                    log.exception(
                        "recording %d sent messages failed; again in %g s", len(batch), RECORD_RETRY
                    )
                    self._to_record[:0] = batch
                    await asyncio.sleep(RECORD_RETRY)
                    continue
                except BaseException as error:  # cancelled, or the process going down
                    for *_, done in batch:
                        if not done.done():
                            done.set_exception(error)
                    return
                # A send cancelled meanwhile (stop() after STOP_WAIT) cancelled its future:
                # never let it keep the others' from being resolved.
                for *_, done in batch:
                    if not done.done():
                        done.set_result(None)
        finally:
            self._recorder = None

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
            self._stopping = False
            self._task = asyncio.create_task(self._run_forever(), name="deliverer")

    async def stop(self) -> None:
        if self._task is not None:
            # The flag too: a cancellation that is lost (see `wait_for_event`) still stops it.
            self._stopping = True
            self._wake.set()
            self._task.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await self._task
            self._task = None
        # Those on their way finish (and are recorded), or are sent again after the restart.
        flying = list(self._flying.values())
        if flying:
            _, late = await asyncio.wait(flying, timeout=STOP_WAIT)
            for task in late:
                task.cancel()
            if late:
                await asyncio.wait(late)

    async def _run_forever(self) -> None:
        while not self._stopping:
            if self._crash is not None:
                raise self._crash
            self._wake.clear()
            try:
                await self._dispatch()
                wait = await self._until_next()
            except Exception:  # the database, say: never let the deliverer die
                log.exception("the deliverer failed; trying again in 5 s")
                wait = 5.0
            await wait_for_event(self._wake, wait)

    async def _until_next(self) -> float:
        """Seconds until something may be sent (a send settling or a new message wakes the
        deliverer sooner)."""
        if len(self._flying) >= self._concurrency:
            return self._idle
        now = self._clock.now()
        moments = list(self._held.values())
        next_attempt = await self._delivery.next_attempt(self._busy | self._held.keys())
        if next_attempt is not None:
            full = self._full_until(now)
            moments.append(max(next_attempt, full) if full is not None else next_attempt)
        if not moments:
            return self._idle
        return max(0.05, min(self._idle, (min(moments) - now).total_seconds()))


async def wait_for_event(event: asyncio.Event, timeout: float) -> None:
    """Wait until `event` is set, or `timeout` seconds.

    Not `asyncio.wait_for(event.wait(), timeout)`: on Python 3.11 (the deployed image) it
    swallows a cancellation that arrives just as the event is set (its inner task done, the
    caller not yet resumed; CPython gh-86296, fixed in 3.12), so a background loop cancelled
    by `stop()` right after a wake went on for ever and `stop()` never returned. The
    `asyncio.timeout` context manager keeps the cancellation."""
    with contextlib.suppress(TimeoutError):
        async with asyncio.timeout(timeout):
            await event.wait()


def flood_wait(error: RetryAfter) -> timedelta:
    """How long Telegram asks to wait (an int of seconds in PTB 22, a timedelta later)."""
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", PTBDeprecationWarning)
        wait = error.retry_after
    return wait if isinstance(wait, timedelta) else timedelta(seconds=wait)
