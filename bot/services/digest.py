"""The operators' daily digest: new needs, needs still open, today's rides, what failed."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import timedelta

from bot.agenda import NO_SUBJECT, AgendaEntry, Due, Kind, Outcome, Timing
from bot.clock import Clock
from bot.domain import Person
from bot.ports import (
    Agenda,
    IntroductionRepository,
    NeedRepository,
    Outbox,
    PeopleRepository,
    TripRepository,
    UnitOfWork,
)
from bot.services.operators import FollowUp, OperatorService
from bot.services.rides import Ride, RideService
from bot.territories import Territories

_PASSENGER_KINDS = {
    Kind.INTRODUCTION_EXPIRED_PASSENGER,
    Kind.RIDE_REMINDER_PASSENGER,
    Kind.RIDE_OUTCOME_QUESTION,
}
_DRIVER_KINDS = {Kind.INTRODUCTION_EXPIRED_DRIVER, Kind.RIDE_REMINDER_DRIVER}
_TRIP_KINDS = {Kind.TRIP_CHECK, Kind.TRIP_PAUSED_NOTICE}


@dataclass(frozen=True)
class Undelivered:
    """A message that could not be delivered, and to whom (None: the operators' group)."""

    kind: str  # an agenda kind, or what else the message was ("message")
    person: Person | None
    reason: str


@dataclass(frozen=True)
class Digest:
    new_needs: list[FollowUp]
    still_open: list[FollowUp]  # open needs older than a day
    rides_today: list[Ride]
    undelivered: list[Undelivered]


def for_territory(digest: Digest, territories: Territories, territory: str) -> Digest:
    """What one team's digest shows: its own territory's needs, rides and people (a row of
    an unknown territory counts as the first's, `Territories.get`)."""

    def mine(found: str | None) -> bool:
        return territories.get(found).id == territory

    return Digest(
        new_needs=[v for v in digest.new_needs if v.need is None or mine(v.need.territory)],
        still_open=[v for v in digest.still_open if v.need is None or mine(v.need.territory)],
        rides_today=[r for r in digest.rides_today if mine(r.need.territory)],
        undelivered=[
            u for u in digest.undelivered if mine(u.person.territory if u.person else None)
        ],
    )


class DigestService:
    def __init__(
        self,
        *,
        operators: OperatorService,
        rides: RideService,
        needs: NeedRepository,
        introductions: IntroductionRepository,
        people: PeopleRepository,
        trips: TripRepository,
        agenda: Agenda,
        outbox: Outbox,
        unit_of_work: UnitOfWork,
        clock: Clock,
        timing: Timing,
    ) -> None:
        self._outbox = outbox
        self._operators = operators
        self._rides = rides
        self._needs = needs
        self._introductions = introductions
        self._people = people
        self._trips = trips
        self._agenda = agenda
        self._uow = unit_of_work
        self._clock = clock
        self._timing = timing

    async def ensure_scheduled(self) -> None:
        """At start-up: the next digest is on the agenda (once)."""
        now = self._clock.now()
        at = self._timing.calendar.next_at(now, self._timing.digest_hour)
        await self._agenda.schedule_once(Due(Kind.DIGEST, NO_SUBJECT, at), now)

    async def digest(self) -> Digest:
        now = self._clock.now()
        since = now - timedelta(days=1)
        open_needs = await self._operators.open_needs()
        new_ids = {need.id for need in await self._needs.created_since(since)}
        today = self._timing.calendar.today(now)
        undelivered = [
            Undelivered(
                entry.kind.value, await self._recipient(entry.kind, entry.subject_id), entry.outcome
            )
            for entry in await self._agenda.failed_since(since)
        ]
        for notice in await self._outbox.undelivered_since(since):
            person = await self._people.get(notice.person_id) if notice.person_id else None
            undelivered.append(Undelivered(notice.topic, person, notice.status.value))
        return Digest(
            new_needs=[view for view in open_needs if view.need and view.need.id in new_ids],
            still_open=[view for view in open_needs if view.need and view.need.id not in new_ids],
            rides_today=await self._rides.planned_on(today),
            undelivered=undelivered,
        )

    async def sent(self, entry: AgendaEntry, outcome: Outcome) -> None:
        """Done for today; the next one tomorrow at the same local hour."""
        now = self._clock.now()
        async with self._uow.transaction():
            await self._agenda.finish(entry.id, outcome, now)
            at = self._timing.calendar.next_at(now, self._timing.digest_hour)
            await self._agenda.schedule([Due(Kind.DIGEST, NO_SUBJECT, at)], now)

    async def _recipient(self, kind: Kind, subject_id: int) -> Person | None:
        if kind in _PASSENGER_KINDS or kind in _DRIVER_KINDS:
            introduction = await self._introductions.get(subject_id)
            if introduction is None:
                return None
            passenger = kind in _PASSENGER_KINDS
            return await self._people.get(
                introduction.passenger_id if passenger else introduction.driver_id
            )
        if kind in _TRIP_KINDS:
            trip = await self._trips.get(subject_id)
            return await self._people.get(trip.driver_id) if trip else None
        if kind is Kind.NEED_EXPIRED_NOTICE:
            need = await self._needs.get(subject_id)
            return await self._people.get(need.person_id) if need else None
        return None
