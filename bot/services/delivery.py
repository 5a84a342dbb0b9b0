"""The inbox of updates and the outbox of notices: what arrived, what must go out, and what
became of each message (bot/delivery.py)."""

from __future__ import annotations

from collections.abc import Callable, Collection, Sequence
from datetime import datetime, timedelta

from bot.agenda import Calendar
from bot.clock import Clock
from bot.delivery import (
    GIVE_UP_AFTER,
    JSON,
    QUIET_FROM,
    QUIET_UNTIL,
    SAID_FOR_TOMORROW,
    Backlog,
    DeliveryStatus,
    InboxEntry,
    OutboxEntry,
    Outgoing,
    Report,
    Step,
    UndeliveredNotice,
    retry_after_failure,
)
from bot.ports import Inbox, Outbox, PeopleRepository

# Handled updates are kept this long, so that one Telegram delivers twice is dropped.
KEEP_HANDLED_UPDATES = timedelta(days=2)
# Settled messages are kept this long: what the digest reports, and a trace for the team.
KEEP_SETTLED_MESSAGES = timedelta(days=7)


class InboxService:
    def __init__(self, inbox: Inbox, clock: Clock) -> None:
        self._inbox = inbox
        self._clock = clock

    async def record(
        self, updates: list[tuple[int, JSON]], chat_of: Callable[[JSON], int] | None = None
    ) -> int:
        """Store updates not seen before, each with its chat (`chat_of`: whose updates are
        handled in order, one at a time; 0 without it)."""
        return await self._inbox.record(
            [(i, payload, chat_of(payload) if chat_of else 0) for i, payload in updates],
            self._clock.now(),
        )

    async def pending(self, limit: int, after: int | None = None) -> list[InboxEntry]:
        """The first `limit` updates not yet handled (after the update `after`), in order,
        claimed by this worker: those of a chat another worker holds are left to it."""
        return await self._inbox.pending(limit, after, self._clock.now())

    async def handled(self, update_id: int) -> bool:
        """False when another worker handled it meanwhile (roll this handling back)."""
        return await self._inbox.finish(update_id, self._clock.now())

    async def failed(self, update_id: int, error: str) -> None:
        await self._inbox.finish(update_id, self._clock.now(), error[:500] or "error")

    async def prune(self) -> None:
        await self._inbox.prune(self._clock.now() - KEEP_HANDLED_UPDATES)


class DeliveryService:
    def __init__(
        self, outbox: Outbox, people: PeopleRepository, clock: Clock, calendar: Calendar
    ) -> None:
        self._outbox = outbox
        self._people = people
        self._clock = clock
        self._calendar = calendar

    async def write(self, message: Outgoing) -> int:
        """Add a message to the outbox, in the caller's transaction if there is one."""
        if message.person_id is None and message.chat_id > 0:
            person = await self._people.by_chat(message.chat_id)
            if person is not None:
                message = Outgoing(
                    chat_id=message.chat_id,
                    method=message.method,
                    params=message.params,
                    person_id=person.id,
                    if_unreachable=message.if_unreachable,
                    after_sent=message.after_sent,
                    urgent=message.urgent,
                    topic=message.topic,
                )
        return await self._outbox.add(message, self._clock.now())

    async def release(self, entries: Collection[OutboxEntry]) -> None:
        """Taken by `due` but not sent now: left to whichever worker takes them next."""
        await self._outbox.release([entry.id for entry in entries])

    async def due(self, limit: int, skip: Collection[int] = ()) -> list[OutboxEntry]:
        """What can be sent now, oldest first, but to the chats in `skip`. A message no
        longer true (a reminder saying "demain" on the day itself, held up by an outage) is
        dropped, never sent."""
        now = self._clock.now()
        entries = await self._outbox.due(now, limit, skip)
        fresh = []
        for entry in entries:
            if self._stale(entry, now):
                await self._outbox.settle(
                    entry.id, DeliveryStatus.DROPPED, "stale: its day has passed", now
                )
            else:
                fresh.append(entry)
        return fresh

    def _stale(self, entry: OutboxEntry, now: datetime) -> bool:
        return entry.topic in SAID_FOR_TOMORROW and self._calendar.today(
            now
        ) > self._calendar.today(entry.created_at)

    async def next_attempt(self, skip: Collection[int] = ()) -> datetime | None:
        return await self._outbox.next_attempt(skip)

    async def sent(self, entry: OutboxEntry, message_id: int | None) -> Step | None:
        """Delivered; returns what to do next, if anything."""
        await self._outbox.sent(entry.id, message_id, self._clock.now())
        return entry.after_sent

    async def sent_many(self, sent: Sequence[tuple[OutboxEntry, int | None]]) -> None:
        """Several delivered (each with its message id), recorded in one transaction; the
        caller runs their `after_sent` steps once this returns."""
        await self._outbox.sent_many(
            [(entry.id, message_id) for entry, message_id in sent], self._clock.now()
        )

    async def not_yet(self, entry: OutboxEntry, error: str, wait: timedelta | None = None) -> bool:
        """Telegram could not take it now (flood limit, server error, network): try again
        after `wait` (as asked) or a growing delay; False once it has been given up."""
        now = self._clock.now()
        if now - entry.created_at >= GIVE_UP_AFTER:
            await self._outbox.settle(entry.id, DeliveryStatus.FAILED, error, now)
            return False
        delay = wait if wait is not None else retry_after_failure(entry.attempts + 1)
        at = now + delay
        if not entry.urgent:
            at = self._after_quiet_hours(at)
        await self._outbox.retry(entry.id, at, error)
        return True

    def _after_quiet_hours(self, moment: datetime) -> datetime:
        hour = self._calendar.local(moment).hour
        if QUIET_UNTIL <= hour < QUIET_FROM:
            return moment
        return self._calendar.next_at(moment, QUIET_UNTIL)

    async def telegram_back(self) -> None:
        """A message went through after failures: the others waiting after a server or
        network failure are tried now, not at the end of their growing delay."""
        await self._outbox.hurry(self._clock.now())

    async def unreachable(self, entry: OutboxEntry, error: str) -> Step | None:
        """The reader blocked the bot (or never started it): marked so, and whoever else must
        know is told (what the notice's author decided when writing it)."""
        now = self._clock.now()
        await self._outbox.settle(entry.id, DeliveryStatus.UNREACHABLE, error, now)
        if entry.person_id is not None:
            await self._people.set_unreachable(entry.person_id, now)
        return entry.if_unreachable

    async def report(self, entry_id: int, report: Report, detail: str) -> Step | None:
        """The SMS gateway's report on a text sent: kept; when it never reached the phone,
        the person is marked so and whoever else must know is told, as for someone who
        blocked the bot. A report repeated, or about no text of ours, changes nothing."""
        entry = await self._outbox.get(entry_id)
        if entry is None or not await self._outbox.reported(entry_id, report, self._clock.now()):
            return None
        if report is not Report.FAILED:
            return None
        return await self.unreachable(entry, f"not delivered: {detail}"[:500])

    async def refused(self, entry: OutboxEntry, error: str) -> None:
        """Telegram refused it for good (a bug of ours): recorded for the digest."""
        await self._outbox.settle(entry.id, DeliveryStatus.FAILED, error, self._clock.now())

    async def dropped(self, entry: OutboxEntry, why: str) -> None:
        """No longer needed: an edit of a message deleted meanwhile, an answer too late."""
        await self._outbox.settle(entry.id, DeliveryStatus.DROPPED, why, self._clock.now())

    async def backlog(self) -> Backlog:
        return await self._outbox.backlog()

    async def prune(self) -> None:
        await self._outbox.prune(self._clock.now() - KEEP_SETTLED_MESSAGES)

    async def undelivered_since(self, since: datetime) -> list[UndeliveredNotice]:
        return await self._outbox.undelivered_since(since)
