"""The agenda's job: every few seconds, carry out what is due (bot/agenda.py).

What each entry does is the core's (bot/services/scheduled.py): one call per entry returns
the notices it causes, in the entry's transaction; here they are worded into the outbox in
that same transaction, and sent by the deliverer (one way out for every message, retried
there). An entry whose work fails is rolled back and tried again later, waiting longer each
time, and given up after the last attempt (the core says what still follows). An entry done
is marked so in the same transaction as its messages, so a restart never repeats it nor
loses them.
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Awaitable, Callable

from telegram.ext import ContextTypes

from bot.agenda import AgendaEntry
from bot.ports import UnitOfWork
from bot.services.delivery import DeliveryService
from bot.services.scheduled import ScheduledWork
from handlers.deliverer import Deliverer
from handlers.notify import Notifier
from handlers.outbox_bot import about, recording

Context = ContextTypes.DEFAULT_TYPE
log = logging.getLogger(__name__)

BATCH = 100
# Actions schedule messages due at once: they go out in the same tick, a few rounds at most.
MAX_ROUNDS = 20


class AgendaRunner:
    def __init__(
        self,
        work: ScheduledWork,
        notifier: Notifier,
        unit_of_work: UnitOfWork,
        delivery: DeliveryService,
        deliverer: Deliverer,
        people_first: Callable[[], Awaitable[None]] | None = None,
    ) -> None:
        self._work = work
        self._notifier = notifier
        # People's updates go before scheduled work: a long catch-up waits for them between
        # its entries (handlers/updates.py, UpdateRunner.people_first).
        self._people_first = people_first
        self._uow = unit_of_work
        self._delivery = delivery
        self._deliverer = deliverer
        self._lock = asyncio.Lock()

    async def tick(self, context: Context) -> int:
        """Carry out everything due now; returns how many entries were tried."""
        tried = 0
        async with self._lock:  # a slow tick and the next one never overlap
            for _ in range(MAX_ROUNDS):
                entries = await self._work.due(BATCH)
                if not entries:
                    break
                for entry in entries:
                    if self._people_first is not None:
                        await self._people_first()
                    await self._run(context, entry)
                tried += len(entries)
        # Their messages are in the outbox: the deliverer sends them as it can. Never wait
        # for it here: the next tick must not depend on how busy Telegram's limits keep it.
        self._deliverer.wake()
        return tried

    async def _run(self, context: Context, entry: AgendaEntry) -> None:
        try:
            async with recording(self._uow, self._delivery):
                carried = await self._work.carry_out(entry)
                # Planned at a decent hour: held up by an outage, it waits for the morning.
                with about(topic=entry.kind.value, urgent=False):
                    await self._notifier.write(context, carried.notices)
        except Exception as error:  # its messages only go to the outbox: a fault of ours
            log.exception("agenda entry %s (%s) raised", entry.id, entry.kind)
            if not await self._work.failed(entry, f"{type(error).__name__}: {error}"):
                log.error("agenda entry %s (%s) given up", entry.id, entry.kind)
