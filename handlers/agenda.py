"""The agenda's job: every few seconds, carry out what is due (bot/agenda.py).

Each entry is carried out in one transaction with the messages it causes, which go to the
outbox and are sent by the deliverer (one way out for every message, retried there). An entry
whose step fails is rolled back and tried again later, waiting longer each time, and recorded
as failed after the last attempt. An entry done is marked so in the same transaction as its
messages, so a restart never repeats it nor loses them.
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Awaitable, Callable

from telegram.ext import ContextTypes

from bot.agenda import AgendaEntry, Kind, Outcome
from bot.ports import UnitOfWork
from bot.services.delivery import DeliveryService
from handlers.deliverer import Deliverer
from handlers.deps import Deps
from handlers.followups import FollowUpMessages
from handlers.notify import Notifier
from handlers.outbox_bot import about, recording
from handlers.privacy import RetentionStep

Context = ContextTypes.DEFAULT_TYPE
log = logging.getLogger(__name__)

BATCH = 100
# Actions schedule messages due at once: they go out in the same tick, a few rounds at most.
MAX_ROUNDS = 20

Step = Callable[[Context, AgendaEntry], Awaitable[Outcome]]


class AgendaRunner:
    def __init__(
        self,
        deps: Deps,
        notifier: Notifier,
        unit_of_work: UnitOfWork,
        delivery: DeliveryService,
        deliverer: Deliverer,
        people_first: Callable[[], Awaitable[None]] | None = None,
    ) -> None:
        self.deps = deps
        # People's updates go before scheduled work: a long catch-up waits for them between
        # its entries (handlers/updates.py, UpdateRunner.people_first).
        self._people_first = people_first
        self._uow = unit_of_work
        self._delivery = delivery
        self._deliverer = deliverer
        messages = FollowUpMessages(deps, notifier)
        self._steps: dict[Kind, Step] = {
            Kind.INTRODUCTION_TIMEOUT: self._action(deps.introductions.time_out),
            Kind.NEED_EXPIRY: messages.need_expiry,
            Kind.TRIP_CHECK_TIMEOUT: self._action(deps.trips.pause_unconfirmed),
            Kind.TRIP_EXPIRY: self._action(deps.trips.expire),
            Kind.INTRODUCTION_EXPIRED_DRIVER: messages.introduction_expired_driver,
            Kind.INTRODUCTION_EXPIRED_PASSENGER: messages.introduction_expired_passenger,
            Kind.RIDE_REMINDER_PASSENGER: messages.ride_reminder_passenger,
            Kind.RIDE_REMINDER_DRIVER: messages.ride_reminder_driver,
            Kind.RIDE_OUTCOME_QUESTION: messages.ride_outcome_question,
            Kind.TRIP_CHECK: messages.trip_check,
            Kind.TRIP_PAUSED_NOTICE: messages.trip_paused,
            Kind.NEED_EXPIRED_NOTICE: messages.need_expired,
            Kind.NEED_REPOST: messages.need_repost,
            Kind.CLAIMED_REMINDER: messages.claimed_reminder,
            Kind.DIGEST: messages.digest,
            Kind.RETENTION: RetentionStep(deps, notifier),
            Kind.AID_PROOF_EXPIRY: self._action(deps.applications.expire_proofs),
            Kind.AID_APPLICATION_ANONYMISE: self._action(deps.applications.anonymise),
            Kind.AID_REVIEW_REMINDER: messages.aid_review_reminder,
            Kind.MONTHLY_REPORT: messages.monthly_report,
        }
        # Recurring entries schedule their next occurrence when done; one given up on must
        # still do so, or the chain (a daily digest, a trip's checks) would stop for good.
        self._after_giving_up: dict[Kind, Callable[[AgendaEntry], Awaitable[None]]] = {
            Kind.DIGEST: lambda entry: deps.digest.sent(entry, Outcome.UNREACHABLE),
            Kind.MONTHLY_REPORT: lambda entry: deps.dashboard.reported(entry, Outcome.UNREACHABLE),
            Kind.TRIP_CHECK: deps.trips.check_undelivered,
            Kind.NEED_REPOST: lambda entry: deps.operators.reposted(entry, None),
            Kind.CLAIMED_REMINDER: lambda entry: deps.operators.claimer_reminded(
                entry, Outcome.UNREACHABLE
            ),
        }
        self._lock = asyncio.Lock()

    @staticmethod
    def _action(use_case: Callable[[AgendaEntry], Awaitable[Outcome]]) -> Step:
        async def step(context: Context, entry: AgendaEntry) -> Outcome:
            return await use_case(entry)

        return step

    async def tick(self, context: Context) -> int:
        """Carry out everything due now; returns how many entries were tried."""
        tried = 0
        async with self._lock:  # a slow tick and the next one never overlap
            for _ in range(MAX_ROUNDS):
                entries = await self.deps.agenda.due(BATCH)
                if not entries:
                    break
                for entry in entries:
                    if self._people_first is not None:
                        await self._people_first()
                    await self._run(context, entry)
                tried += len(entries)
        await self._deliverer.flush()
        return tried

    async def _run(self, context: Context, entry: AgendaEntry) -> None:
        step = self._steps.get(entry.kind)
        try:
            if step is None:
                raise LookupError(f"no step for {entry.kind}")
            async with recording(self._uow, self._delivery):
                # Planned at a decent hour: held up by an outage, it waits for the morning.
                with about(topic=entry.kind.value, urgent=False):
                    outcome = await step(context, entry)
                await self.deps.agenda.finish(entry, outcome)
        except Exception as error:  # its messages only go to the outbox: a fault of ours
            log.exception("agenda entry %s (%s) raised", entry.id, entry.kind)
            await self._failed(entry, f"{type(error).__name__}: {error}")

    async def _failed(self, entry: AgendaEntry, error: str) -> None:
        if await self.deps.agenda.attempt_failed(entry, error):
            return
        log.error("agenda entry %s (%s) given up: %s", entry.id, entry.kind, error)
        carry_on = self._after_giving_up.get(entry.kind)
        if carry_on is not None:
            await carry_on(entry)
