"""Updates in: recorded in the inbox before Telegram is told they arrived, then handled, each
in one transaction with everything it causes.

Handling an update means running python-telegram-bot's handlers on it inside a transaction,
with the bot capturing every message into the outbox (handlers/outbox_bot.py), then writing
the conversations' states and drafts, then marking the update handled, and committing. If a
handler raised, all of it is rolled back and the person gets an apology instead. After a
crash, updates recorded but not handled are handled again at start.

No network call runs inside that transaction: a handler that needs an answer from outside
(is the sender one of the team, the bytes of their file, the partners' journeys) asks for it
(bot/outside.py); the first time, the transaction is rolled back, the answer fetched outside
any transaction, and the update handled again with it. If it cannot be had, the person is
told what to do (send the file again, try again in a minute), not apologised to. What
python-telegram-bot keeps in memory for the person (drafts, conversation states) is put back
when a transaction rolls back.

Each chat's updates are handled in order, one at a time; different chats' at the same time
(their transactions still take turns), so that a slow answer from outside holds back only
its own chat. The agenda lets people's updates go first (`people_first`).

Updates arrive by long polling (the default: the offset that acknowledges them is sent only
once they are recorded) or by the webhook (handlers/http, which answers 200 only once the
update is recorded).

With several workers (bot/workers.py), each takes from the inbox only the updates it claims:
the oldest of the chats no other live worker holds, its share at a time (`SHARE`), so that
one chat's updates are handled in order by one worker at a time. Only the worker holding the
lease `POLLER` polls Telegram; with a webhook, every worker records what it is posted. An
update a worker handles once another has already handled it (the first stalled past its
lease) is rolled back: it takes effect once.
"""

from __future__ import annotations

import asyncio
import collections
import contextlib
import contextvars
import copy
import logging
from collections.abc import Awaitable, Callable
from dataclasses import dataclass, field
from typing import Any

from telegram import Update
from telegram.error import TelegramError
from telegram.ext import Application

from bot.delivery import JSON, InboxEntry
from bot.outside import Answers, NotYetKnown, Unavailable, answering
from bot.ports import UnitOfWork
from bot.services.delivery import DeliveryService, InboxService
from bot.workers import POLLER, Leases
from handlers.deliverer import Deliverer, wait_for_event
from handlers.outbox_bot import recording

log = logging.getLogger(__name__)

ALLOWED_UPDATES = ["message", "edited_message", "callback_query"]
POLL_TIMEOUT = 30
BATCH = 50
# With several workers, seconds between two looks at the inbox when nothing woke this one
# (an update another worker recorded). PostgreSQL's LISTEN/NOTIFY could wake it instead.
IDLE_LOOK = 0.1
# With several workers, how many updates one claims at most at a time (its share): the
# others take the rest, chat by chat.
SHARE = 16

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


class _HandledElsewhere(Exception):
    """Another worker handled this update meanwhile (this one stalled past its lease): this
    handling is rolled back, so that the update takes effect once."""


# An update asks the network at most this many times before it is given up (a loop of ours).
MAX_QUESTIONS = 5

Unavailability = Callable[[Update, Unavailable], Awaitable[None]]


@dataclass(eq=False)
class _Job:
    """An update taken from the inbox, waiting in its chat's lane or being handled."""

    entry: InboxEntry
    lane: int
    finished: asyncio.Event = field(default_factory=asyncio.Event)
    error: BaseException | None = None
    outside: bool = False  # asking the network (no transaction open, none waited for)


def lane_of(payload: JSON) -> int:
    """The chat whose updates are handled in order, one at a time (0: none to be found)."""
    with contextlib.suppress(Exception):
        for kind in ("message", "edited_message"):
            message = payload.get(kind)
            if isinstance(message, dict):
                return int(message["chat"]["id"])
        query = payload.get("callback_query")
        if isinstance(query, dict):
            message = query.get("message")
            if isinstance(message, dict):
                return int(message["chat"]["id"])
            return int(query["from"]["id"])
    return 0


class UpdateRunner:
    """Handles the inbox's updates: each chat's in order, one at a time; different chats at
    the same time.

    Their transactions still take turns on the one connection (storage/db.py), so at most one
    update's handlers run at a time; what runs beside them is what waits outside any
    transaction: a membership check, a download, a partner's search (bot/outside.py). A slow
    one holds back only the updates of its own chat, never another person's, the deliverer
    or the agenda.
    """

    def __init__(
        self,
        application: Application,  # type: ignore[type-arg]
        inbox: InboxService,
        delivery: DeliveryService,
        deliverer: Deliverer,
        unit_of_work: UnitOfWork,
        apologise: Apology,
        unavailable: Unavailability | None = None,
        leases: Leases | None = None,
        poller: str = POLLER,
    ) -> None:
        self._application = application
        # The lease of this bot's poller (a territory's own bot has its own: one per bot).
        self._poller_lease = poller
        # With several workers (bot/workers.py): one polls Telegram, the one holding the
        # lease POLLER; every one looks at the inbox often, since what another worker
        # recorded wakes no one here.
        self._leases = leases
        several = self._several = leases is not None and leases.worker.several
        self._idle = IDLE_LOOK if several else 60.0
        self._poll_timeout = (
            max(1, min(POLL_TIMEOUT, int(leases.worker.renew_every)))
            if leases is not None and several
            else POLL_TIMEOUT
        )
        # Whether this worker is the one polling Telegram now.
        self.poller = False
        self._inbox = inbox
        self._delivery = delivery
        self._deliverer = deliverer
        self._uow = unit_of_work
        self._apologise = apologise
        self._unavailable = unavailable
        self._wake = asyncio.Event()
        self._tasks: list[asyncio.Task[None]] = []
        # In flight: by update, and by chat in order; the workers, one per busy chat.
        self._jobs: dict[int, _Job] = {}
        self._lanes: dict[int, collections.deque[_Job]] = {}
        self._workers: set[asyncio.Task[None]] = set()
        # One look at the inbox at a time; the updates finished meanwhile, which it may
        # still have read as pending, are not taken again.
        self._scan = asyncio.Lock()
        self._finished_while_scanning: set[int] | None = None
        self._changed = asyncio.Event()
        self.handled = 0
        self.polling = False
        self._stopping = False

    async def receive(self, payloads: list[JSON]) -> int:
        """Record updates (committed when this returns); returns how many were new."""
        new = await self._inbox.record([(int(p["update_id"]), p) for p in payloads], lane_of)
        self._wake.set()
        return new

    async def receive_one(self, payload: JSON) -> int:
        return await self.receive([payload])

    async def handle_pending(self) -> int:
        """Handle every update recorded and not yet handled (each chat's in order); returns
        once those taken by this call are done. Those already being handled (taken by an
        earlier call, the background task) are not waited for."""
        jobs = await self._take_pending()
        for job in jobs:
            await job.finished.wait()
        errors = [job.error for job in jobs if job.error is not None]
        if errors:
            raise errors[0]
        return len(jobs)

    @property
    def in_flight(self) -> list[int]:
        """The updates taken from the inbox and not yet done."""
        return list(self._jobs)

    @property
    def asking_outside(self) -> list[int]:
        """The updates waiting for an answer from the network (no transaction open)."""
        return [job.entry.update_id for job in self._jobs.values() if job.outside]

    async def people_first(self) -> None:
        """Scheduled work calls this between its entries: the updates people sent by now are
        handled first. Not waited for: those asking the network, and those behind them in
        their chat (they hold no transaction and may take a while)."""
        await self._take_pending()
        waiting = list(self._jobs.values())
        while True:
            changed = self._changed
            if all(job.finished.is_set() or self._stalled(job) for job in waiting):
                return
            await changed.wait()

    def _stalled(self, job: _Job) -> bool:
        lane = self._lanes.get(job.lane)
        return bool(lane) and lane[0].outside  # type: ignore[index]

    def _notify(self) -> None:
        self._changed.set()
        self._changed = asyncio.Event()

    async def _take_pending(self) -> list[_Job]:
        """Put every pending update not yet in flight in its chat's lane."""
        taken: list[_Job] = []
        async with self._scan:
            self._finished_while_scanning = set()
            try:
                after: int | None = None
                # With several workers, this one's share only: the oldest updates claimed
                # (its own still in flight among them) up to SHARE, more as they are done.
                limit = SHARE if self._several else BATCH
                while entries := await self._inbox.pending(limit, after=after):
                    for entry in entries:
                        update_id = entry.update_id
                        if update_id in self._jobs or update_id in self._finished_while_scanning:
                            continue
                        taken.append(self._enqueue(entry))
                    if self._several:
                        break
                    after = entries[-1].update_id
            finally:
                self._finished_while_scanning = None
        return taken

    def _enqueue(self, entry: InboxEntry) -> _Job:
        job = _Job(entry, lane_of(entry.payload))
        self._jobs[entry.update_id] = job
        lane = self._lanes.get(job.lane)
        if lane is None:
            lane = self._lanes[job.lane] = collections.deque()
            worker = asyncio.create_task(self._work(lane, job.lane), name=f"chat-{job.lane}")
            self._workers.add(worker)
            worker.add_done_callback(self._workers.discard)
        lane.append(job)
        return job

    async def _work(self, lane: collections.deque[_Job], key: int) -> None:
        try:
            while lane:
                job = lane[0]
                try:
                    await self._handle(job)
                except asyncio.CancelledError as stopped:
                    job.error = stopped
                    raise
                except Exception as error:  # the database, say: left pending, taken again later
                    log.exception("update %s could not be handled", job.entry.update_id)
                    job.error = error
                finally:
                    lane.popleft()
                    del self._jobs[job.entry.update_id]
                    if self._finished_while_scanning is not None:
                        self._finished_while_scanning.add(job.entry.update_id)
                    job.finished.set()
                    self._notify()
                self._deliverer.wake()
                if self._several:
                    self._wake.set()  # room for more of this worker's share
        finally:
            for job in lane:  # stopped: what is left stays pending in the inbox
                self._jobs.pop(job.entry.update_id, None)
                job.error = job.error or asyncio.CancelledError()
                job.finished.set()
            lane.clear()
            del self._lanes[key]
            self._notify()

    async def _handle(self, job: _Job) -> None:
        entry = job.entry
        application = self._application
        try:
            update = Update.de_json(entry.payload, application.bot)
        except Exception as unreadable:  # not an update we can read: never block the ones after
            log.exception("update %s cannot be read", entry.update_id)
            await self._inbox.failed(entry.update_id, f"unreadable: {unreadable}")
            return
        answers = Answers()
        while True:
            error = await self._run(entry, update, answers)
            if error is None:
                self.handled += 1
                return
            if not isinstance(error, NotYetKnown) or error in answers:
                break
            if len(answers) >= MAX_QUESTIONS:
                error = RuntimeError(f"more than {MAX_QUESTIONS} questions: {error}")
                break
            # Outside any transaction: others' updates, the deliverer and the agenda go on.
            job.outside = True
            self._notify()
            try:
                await answers.fetch(error)
            finally:
                job.outside = False
                self._notify()
        async with recording(self._uow, self._delivery):
            await self._inbox.failed(entry.update_id, f"{type(error).__name__}: {error}")
            with contextlib.suppress(Exception):
                if isinstance(error, Unavailable) and self._unavailable is not None:
                    await self._unavailable(update, error)
                else:
                    await self._apologise(update)

    async def _run(
        self, entry: InboxEntry, update: Update, answers: Answers
    ) -> BaseException | None:
        """One run of the handlers in one transaction: None once committed, else what went
        wrong (all of it rolled back)."""
        handling = _Handling()
        token = _handling.set(handling)
        put_back = self._remember(update)
        try:
            with answering(answers):
                async with recording(self._uow, self._delivery):
                    await self._application.process_update(update)
                    if handling.errors:
                        raise _RolledBack
                    await self._application.update_persistence()
                    if not await self._inbox.handled(entry.update_id):
                        raise _HandledElsewhere
            return None
        except _HandledElsewhere:
            put_back()
            log.warning("update %s was handled by another worker", entry.update_id)
            return None
        except _RolledBack:
            put_back()
            return handling.errors[0]
        except (NotYetKnown, Unavailable) as question:
            put_back()
            return question
        except Exception as raised:  # outside any handler: the database, say
            log.exception("update %s could not be handled", entry.update_id)
            put_back()
            return raised
        finally:
            _handling.reset(token)

    def _remember(self, update: Update) -> Callable[[], None]:
        """What python-telegram-bot keeps in memory for this person and chat, to put back
        when the transaction is rolled back: the update is then handled again, or not at
        all, from where it was. (Conversations are Mobilot's: their state rolls back with the
        transaction.)"""
        application = self._application
        kept: list[tuple[Any, Any, dict[Any, Any]]] = []
        user, chat = update.effective_user, update.effective_chat
        for mapping, key in ((application.user_data, user), (application.chat_data, chat)):
            if key is not None:
                kept.append((mapping, key.id, copy.deepcopy(dict(mapping.get(key.id, {})))))

        def put_back() -> None:
            for mapping, key, before in kept:
                now = mapping.get(key)
                if now is not None:
                    now.clear()
                    now.update(copy.deepcopy(before))

        return put_back

    # In the background, for the deployed bot.

    def start(self, *, polling: bool) -> None:
        self._stopping = False
        self._tasks.append(asyncio.create_task(self._handle_forever(), name="updates"))
        if polling:
            self.polling = True
            self._tasks.append(asyncio.create_task(self._poll_forever(), name="polling"))

    async def stop(self) -> None:
        # The flag too: a cancellation that is lost (deliverer.wait_for_event) still stops it.
        self._stopping = True
        self._wake.set()
        for task in [*self._tasks, *self._workers]:
            task.cancel()
        for task in [*self._tasks, *self._workers]:
            with contextlib.suppress(asyncio.CancelledError):
                await task
        self._tasks.clear()
        if self.poller and self._leases is not None:
            # Another worker polls at once rather than when the lease runs out.
            self.poller = False
            with contextlib.suppress(Exception):
                await self._leases.let_go(self._poller_lease)

    async def _handle_forever(self) -> None:
        while not self._stopping:
            self._wake.clear()
            try:
                await self._take_pending()
            except Exception:
                log.exception("handling updates failed; trying again in 5 s")
                await asyncio.sleep(5)
                continue
            await wait_for_event(self._wake, self._idle)

    @property
    def polling_now(self) -> bool:
        """Whether this process polls Telegram (with several workers, only the poller: the
        health check expects to hear from Telegram only there)."""
        return self.polling and (not self._several or self.poller)

    async def _may_poll(self) -> bool:
        """Whether this worker polls now: always alone; with several, while it holds the
        lease POLLER (renewed before every long poll, which lasts a third of it at most)."""
        leases = self._leases
        if leases is None or not leases.worker.several:
            return True
        try:
            held = await leases.hold(self._poller_lease)
        except Exception:  # the database, say: not sure to hold it, so not polling
            log.exception("the poller's lease could not be renewed")
            held = False
        if held != self.poller:
            log.info("worker %s %s polling", leases.worker.name, "starts" if held else "stops")
        self.poller = held
        return held

    async def _poll_forever(self) -> None:
        """Long polling. No offset at first: Telegram sends again whatever was not
        acknowledged, and the inbox drops what it already holds."""
        offset: int | None = None
        failures = 0
        bot = self._application.bot
        while True:
            if not await self._may_poll():
                offset = None  # whatever was acknowledged meanwhile is gone anyway
                await asyncio.sleep(self._leases.worker.renew_every if self._leases else 1)
                continue
            try:
                updates: Any = await bot.get_updates(
                    offset=offset,
                    timeout=self._poll_timeout,
                    allowed_updates=ALLOWED_UPDATES,
                    read_timeout=self._poll_timeout + 10,
                )
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
