"""Texts received from simple phones (SMS), and what texting costs.

Each text the gateway passes on is recorded first (`receive`), before the gateway hears it
arrived; it is handled once, in one transaction with everything it causes, like Telegram's
updates (bot/delivery.py). The same text passed on twice (the gateway's id) takes effect once.

Texts cost the association money, each segment of each message: a number that sends too
many in a short while is answered once that it must wait, then not at all until it slows
down (what it sent is kept); and the month's budget of segments, when set, is never
overspent: what would overspend it reaches the person through the team instead.
"""

from __future__ import annotations

import enum
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from typing import Protocol

from bot.clock import Clock
from bot.domain import Person
from bot.notices import Notice, SmsStoppedTeam, to_team
from bot.services.people import PeopleService

# More texts than this from one number within the window: it is slowed down (a whole
# conversation by text takes about a dozen).
FLOOD_TEXTS = 30
FLOOD_WINDOW = timedelta(minutes=10)
# Handled texts are kept this long (what the person sent, for a fault to be looked into).
KEEP_HANDLED_TEXTS = timedelta(days=30)


@dataclass(frozen=True)
class ReceivedText:
    id: int
    sender: str
    receiver: str
    text: str
    received_at: datetime


class TextInbox(Protocol):
    async def record(
        self, gateway_id: str | None, sender: str, receiver: str, text: str, now: datetime
    ) -> bool:
        """False when the gateway already passed this one on (same id)."""

    async def pending(self, limit: int) -> list[ReceivedText]: ...

    async def settle(self, text_id: int, status: str, now: datetime, error: str | None) -> None: ...

    async def count_from(self, sender: str, since: datetime, up_to: int) -> int:
        """Texts from `sender` received since then, up to the text `up_to` included."""

    async def prune(self, before: datetime) -> None: ...


class TextUsage(Protocol):
    async def segments_since(self, since: datetime) -> int:
        """Segments of the texts written to the outbox since then (sent or waiting)."""


class Flood(enum.Enum):
    NO = "no"
    # Just over the limit: told once to wait.
    TOLD = "told"
    # Still over it: nothing sent back.
    SILENT = "silent"


@dataclass(frozen=True)
class Stopped:
    person: Person
    notices: list[Notice] = field(default_factory=list)


class TextService:
    def __init__(
        self,
        inbox: TextInbox,
        usage: TextUsage,
        people: PeopleService,
        clock: Clock,
        zone: object,
        monthly_segments: int | None,
    ) -> None:
        self._inbox = inbox
        self._usage = usage
        self._people = people
        self._clock = clock
        self._zone = zone
        self.monthly_segments = monthly_segments

    async def receive(self, gateway_id: str | None, sender: str, receiver: str, text: str) -> bool:
        return await self._inbox.record(gateway_id, sender, receiver, text, self._clock.now())

    async def pending(self, limit: int) -> list[ReceivedText]:
        return await self._inbox.pending(limit)

    async def handled(self, text: ReceivedText) -> None:
        await self._inbox.settle(text.id, "handled", self._clock.now(), None)

    async def ignored(self, text: ReceivedText, why: str) -> None:
        await self._inbox.settle(text.id, "ignored", self._clock.now(), why)

    async def failed(self, text: ReceivedText, error: str) -> None:
        await self._inbox.settle(text.id, "failed", self._clock.now(), error)

    async def flood(self, text: ReceivedText) -> Flood:
        """Whether this number sends too much (the text itself counted)."""
        count = await self._inbox.count_from(text.sender, text.received_at - FLOOD_WINDOW, text.id)
        if count <= FLOOD_TEXTS:
            return Flood.NO
        return Flood.TOLD if count == FLOOD_TEXTS + 1 else Flood.SILENT

    async def stop(self, person: Person) -> Stopped:
        """STOP: no more texts to them; the team hears it, to phone them if need be."""
        if person.sms_stopped_at is not None:
            return Stopped(person)
        person = await self._people.stop_sms(person)
        notices = [to_team(SmsStoppedTeam(person))] if person.sms_since is not None else []
        return Stopped(person, notices)

    async def start(self, person: Person) -> Person:
        """START: texts again (and agreed anew, if they had agreed before)."""
        person = await self._people.start_sms(person)
        if person.sms_since is None and person.privacy_accepted_at is not None:
            person = await self._people.reach_by_sms(person)
        return person

    async def affordable(self, segments: int) -> bool:
        """Whether `segments` more fit in this month's budget (no budget: always)."""
        if self.monthly_segments is None:
            return True
        return await self.used_this_month() + segments <= self.monthly_segments

    async def used_this_month(self) -> int:
        return await self._usage.segments_since(self._month_start())

    def _month_start(self) -> datetime:
        local = self._clock.now().astimezone(self._zone)  # type: ignore[arg-type]
        return local.replace(day=1, hour=0, minute=0, second=0, microsecond=0)

    async def prune(self) -> None:
        await self._inbox.prune(self._clock.now() - KEEP_HANDLED_TEXTS)
