"""Every day, through the agenda, the delivery's records that served their purpose go: the
updates Telegram passed on (kept two days, to drop one passed on twice), the messages sent or
settled (kept a week: the digest looks back one day, and the team may trace a message), the
texts received from simple phones (kept 30 days, for a fault to be looked into). What is
still to be handled or sent is never touched, however old.

A bot that runs for months keeps no more than these periods, and not every contact it ever
sent (docs/privacy.md, "What is kept, and for how long").
"""

from __future__ import annotations

from datetime import datetime

from bot.agenda import NO_SUBJECT, AgendaEntry, Calendar, Due, Kind, Outcome
from bot.clock import Clock
from bot.ports import Agenda
from bot.services.delivery import DeliveryService, InboxService
from bot.services.texts import TextService

# The local hour of the daily pass: the quietest.
PRUNE_HOUR = 4


class Pruning:
    def __init__(
        self,
        *,
        inbox: InboxService,
        delivery: DeliveryService,
        texts: TextService | None,
        agenda: Agenda,
        clock: Clock,
        calendar: Calendar,
        hour: int = PRUNE_HOUR,
    ) -> None:
        self._inbox = inbox
        self._delivery = delivery
        self._texts = texts
        self._agenda = agenda
        self._clock = clock
        self._calendar = calendar
        self._hour = hour

    async def ensure_scheduled(self) -> None:
        """At start-up: the next pass is on the agenda (once; each pass schedules the next)."""
        now = self._clock.now()
        await self._agenda.schedule_once(Due(Kind.PRUNE, NO_SUBJECT, self._next(now)), now)

    def _next(self, now: datetime) -> datetime:
        return self._calendar.next_at(now, self._hour)

    async def prune(self, entry: AgendaEntry) -> Outcome:
        """The day's pass, in the entry's transaction; the next one scheduled."""
        await self._inbox.prune()
        await self._delivery.prune()
        if self._texts is not None:
            await self._texts.prune()
        await self.pruned(entry)
        return Outcome.DONE

    async def pruned(self, entry: AgendaEntry) -> None:
        """Done (or given up): tomorrow's pass."""
        now = self._clock.now()
        await self._agenda.finish(entry.id, Outcome.DONE, now)
        await self._agenda.schedule([Due(Kind.PRUNE, NO_SUBJECT, self._next(now))], now)
