"""The agenda's bookkeeping: what is due now, and what became of each attempt."""

from __future__ import annotations

from datetime import datetime, timedelta

from bot.agenda import AgendaEntry, Outcome, retry_delay
from bot.clock import Clock
from bot.ports import Agenda


class AgendaService:
    def __init__(self, agenda: Agenda, clock: Clock) -> None:
        self._agenda = agenda
        self._clock = clock

    async def due(self, limit: int) -> list[AgendaEntry]:
        return await self._agenda.due(self._clock.now(), limit)

    async def next_due(self) -> datetime | None:
        return await self._agenda.next_due()

    async def hold(self, entry: AgendaEntry) -> bool:
        """Whether this worker may still run the entry (in the caller's transaction)."""
        return await self._agenda.hold(entry.id, self._clock.now())

    async def finish(self, entry: AgendaEntry, outcome: Outcome) -> None:
        """Done (a no-op if the entry's own use case already finished it)."""
        await self._agenda.finish(entry.id, outcome, self._clock.now())

    async def attempt_failed(
        self, entry: AgendaEntry, error: str, at_least: timedelta = timedelta(0)
    ) -> bool:
        """Try again later, waiting longer each time; False once it has failed for good."""
        now = self._clock.now()
        delay = retry_delay(entry.attempts + 1)
        if delay is None:
            await self._agenda.fail(entry.id, error, now)
            return False
        await self._agenda.retry(entry.id, now + max(delay, at_least), error)
        return True
