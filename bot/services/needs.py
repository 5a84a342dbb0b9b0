"""Passengers' needs: finding drivers, introducing them, and what happens after.

The service decides and records; it returns plain results saying what happened and whom to
tell, and the handlers turn those into messages.
"""

from __future__ import annotations

import enum
from dataclasses import dataclass, field
from datetime import datetime, time, timedelta

from bot.agenda import AgendaEntry, Due, Kind, Outcome, Timing
from bot.clock import Clock
from bot.domain import (
    Introduction,
    IntroductionStatus,
    Need,
    NeedStatus,
    NewNeed,
    Person,
    Trip,
    TripStatus,
)
from bot.matching import (
    Match,
    MatchingParams,
    NeedQuery,
    Point,
    TripRoute,
    find_matches,
    match_route,
)
from bot.ports import (
    Agenda,
    IntroductionRepository,
    NeedRepository,
    PeopleRepository,
    TripRepository,
    TripSearch,
    UnitOfWork,
)

MAX_CANDIDATES = 5
# A driver asked for a one-off ride must answer this long before it at the latest…
ANSWER_BEFORE_RIDE = timedelta(hours=2)
# …but is always given at least this long.
SHORTEST_ANSWER_DELAY = timedelta(minutes=30)
# Drivers whose introduction ended this way are not proposed again for the same need.
_REFUSALS = (IntroductionStatus.DECLINED, IntroductionStatus.EXPIRED, IntroductionStatus.CANCELLED)


@dataclass(frozen=True)
class Candidate:
    """A driver who can take the passenger, and how (day, times, detour)."""

    match: Match
    trip: Trip
    driver: Person


@dataclass(frozen=True)
class Search:
    need: Need
    candidates: list[Candidate]


class AskResult(enum.StrEnum):
    ASKED = "asked"
    NOT_FOUND = "not_found"  # not this person's need, or no such need
    CLOSED = "closed"  # the need is matched, cancelled or expired
    BUSY = "busy"  # a driver is already being asked for this need
    UNAVAILABLE = "unavailable"  # the trip no longer fits (paused, deleted, changed)


@dataclass(frozen=True)
class Ask:
    result: AskResult
    need: Need | None = None
    introduction: Introduction | None = None
    candidate: Candidate | None = None
    # For UNAVAILABLE: the drivers who can still take the passenger.
    candidates: list[Candidate] = field(default_factory=list)


class AnswerResult(enum.StrEnum):
    ACCEPTED = "accepted"
    DECLINED = "declined"
    ALREADY = "already"  # answered before (a double press), expired or cancelled
    NOT_YOURS = "not_yours"
    NOT_FOUND = "not_found"


@dataclass(frozen=True)
class Answer:
    """A driver's answer (or its absence), with what the passenger should hear next."""

    result: AnswerResult
    introduction: Introduction | None = None
    need: Need | None = None
    passenger: Person | None = None
    driver: Person | None = None
    trip: Trip | None = None
    # After a decline or an expiry: the next drivers; empty means the team was told.
    candidates: list[Candidate] = field(default_factory=list)


@dataclass(frozen=True)
class Cancellation:
    need: Need | None
    # A driver who had accepted, or was being asked, and should hear of it.
    driver: Person | None = None
    driver_had_accepted: bool = False
    operators_following: bool = False
    introduction: Introduction | None = None  # the one accepted, if any


@dataclass(frozen=True)
class Announcement:
    """A new or resumed trip fits a need still waiting for a driver."""

    need: Need
    passenger: Person
    candidate: Candidate


class NeedService:
    def __init__(
        self,
        *,
        needs: NeedRepository,
        introductions: IntroductionRepository,
        trips: TripRepository,
        people: PeopleRepository,
        search: TripSearch,
        params: MatchingParams,
        clock: Clock,
        agenda: Agenda,
        unit_of_work: UnitOfWork,
        timing: Timing,
    ) -> None:
        self._needs = needs
        self._introductions = introductions
        self._trips = trips
        self._people = people
        self._search = search
        self._params = params
        self._clock = clock
        self._agenda = agenda
        self._uow = unit_of_work
        self._timing = timing
        self._calendar = timing.calendar

    # A need and its drivers.

    async def submit(self, person: Person, new_need: NewNeed) -> Search:
        """Record the need and look for drivers; with none, it goes to the operators."""
        need = await self.record(person.id, new_need, NeedStatus.SEARCHING)
        candidates = await self.candidates(need)
        if not candidates:
            need = await self._to_operators(need, "no_match")
        return Search(need, candidates)

    async def record(self, person_id: int, new_need: NewNeed, status: NeedStatus) -> Need:
        """Store a need; a one-off need expires once its day is over."""
        now = self._clock.now()
        async with self._uow.transaction():
            need = await self._needs.add(person_id, new_need, status, now)
            if need.travel_date is not None:
                day_after = need.travel_date + timedelta(days=1)
                expiry = Due(Kind.NEED_EXPIRY, need.id, self._calendar.at(day_after, 0))
                await self._agenda.schedule([expiry], now)
        return need

    async def candidates(
        self, need: Need, params: MatchingParams | None = None, limit: int = MAX_CANDIDATES
    ) -> list[Candidate]:
        """The best drivers for the need, never its own person nor a driver who said no,
        nor a ride that has already left."""
        introductions = await self._introductions.for_need(need.id)
        refused = {i.driver_id for i in introductions if i.status in _REFUSALS}
        query = _query(need, frozenset(refused | {need.person_id}))
        routes = await self._search.routes_near(query.origin, query.destination)
        matches = find_matches(query, routes, params or self._params, limit=limit)
        now = self._clock.now()
        ahead = [m for m in matches if self._ride_moment(need, m.pickup, now) > now]
        return [c for c in [await self._candidate(m) for m in ahead] if c is not None]

    def _ride_moment(self, need: Need, pickup: time, now: datetime) -> datetime:
        """When the ride leaves: on the need's date, or for a regular need the next time."""
        if need.travel_date is not None:
            return self._calendar.moment(need.travel_date, pickup)
        days = sorted(need.days)
        return min(
            self._calendar.moment(self._calendar.next_weekday(now, day, pickup), pickup)
            for day in days
        )

    async def needs_of(self, person: Person) -> list[Need]:
        return await self._needs.for_person(person.id)

    async def need_of(self, person: Person, need_id: int) -> Need | None:
        need = await self._needs.get(need_id)
        return need if need is not None and need.person_id == person.id else None

    async def ask_operators(self, person: Person, need_id: int) -> Need | None:
        """The person prefers the local team to the drivers shown."""
        need = await self.need_of(person, need_id)
        if need is None or need.status is not NeedStatus.SEARCHING:
            return None
        return await self._to_operators(need, "asked_operators", actor_id=person.id)

    # Introductions.

    async def ask_driver(
        self, person: Person, need_id: int, trip_id: int, *, as_operator: bool = False
    ) -> Ask:
        """The passenger (or an operator on their behalf) asks the driver of `trip_id`."""
        need = (
            await self._needs.get(need_id) if as_operator else await self.need_of(person, need_id)
        )
        if need is None:
            return Ask(AskResult.NOT_FOUND)
        if need.status is NeedStatus.ASKING:
            return Ask(AskResult.BUSY, need)
        if not need.is_open:
            return Ask(AskResult.CLOSED, need)
        params = self._params.relaxed(2.0) if as_operator else None
        candidates = await self.candidates(
            need, params, limit=20 if as_operator else MAX_CANDIDATES
        )
        chosen = next((c for c in candidates if c.trip.id == trip_id), None)
        if chosen is None:
            return Ask(AskResult.UNAVAILABLE, need, candidates=candidates)
        now = self._clock.now()
        match = chosen.match
        deadline = now + self._timing.answer_delay
        if need.travel_date is not None:
            ride = self._ride_moment(need, match.pickup, now)
            deadline = max(min(deadline, ride - ANSWER_BEFORE_RIDE), now + SHORTEST_ANSWER_DELAY)
        async with self._uow.transaction():
            introduction = await self._introductions.add(
                need_id=need.id,
                trip_id=chosen.trip.id,
                driver_id=chosen.driver.id,
                passenger_id=need.person_id,
                leg=match.leg.value,
                travel_day=min(match.weekdays),
                pickup=match.pickup,
                dropoff=match.dropoff,
                extra_minutes=match.extra_minutes,
                now=now,
                expires_at=deadline,
            )
            need = await self._needs.set_status(
                need.id, NeedStatus.ASKING, now, actor_id=person.id, event="asked_driver",
                detail=f"introduction {introduction.id}, trip {chosen.trip.id}",
            )  # fmt: skip
            timeout = Due(Kind.INTRODUCTION_TIMEOUT, introduction.id, deadline)
            await self._agenda.schedule([timeout], now)
        return Ask(AskResult.ASKED, need, introduction, chosen)

    async def answer(
        self, driver: Person, introduction_id: int, accept: bool, *, by_operator: bool = False
    ) -> Answer:
        """The driver's answer; an operator answers for a driver who has no Telegram."""
        introduction = await self._introductions.get(introduction_id)
        if introduction is None:
            return Answer(AnswerResult.NOT_FOUND)
        if by_operator:
            offline = await self._people.get(introduction.driver_id)
            if offline is None or offline.telegram_user_id is not None:
                return Answer(AnswerResult.NOT_YOURS)
            driver = offline
        elif introduction.driver_id != driver.id:
            return Answer(AnswerResult.NOT_YOURS)
        status = IntroductionStatus.ACCEPTED if accept else IntroductionStatus.DECLINED
        async with self._uow.transaction():
            if not await self._introductions.answer(introduction.id, status, self._clock.now()):
                settled = await self._introductions.get(introduction.id)
                return Answer(AnswerResult.ALREADY, settled)
            if accept:
                return await self._accepted(introduction, driver)
            return await self._refused(introduction, "declined", actor_id=driver.id)

    async def time_out(self, entry: AgendaEntry) -> Outcome:
        """The agenda's action: a driver who has not answered in time counts as a decline;
        both hear of it right after (two messages, each retried on its own)."""
        now = self._clock.now()
        async with self._uow.transaction():
            introduction = await self._introductions.get(entry.subject_id)
            if introduction is None or not await self._introductions.answer(
                introduction.id, IntroductionStatus.EXPIRED, now
            ):
                await self._agenda.finish(entry.id, Outcome.SKIPPED, now)
                return Outcome.SKIPPED
            need = await self._needs.get(introduction.need_id)
            if need is not None and need.status is NeedStatus.ASKING:
                await self._needs.set_status(
                    need.id, NeedStatus.SEARCHING, now, event="expired",
                    detail=f"introduction {introduction.id}",
                )  # fmt: skip
            await self._agenda.schedule(
                [
                    Due(Kind.INTRODUCTION_EXPIRED_DRIVER, introduction.id, now),
                    Due(Kind.INTRODUCTION_EXPIRED_PASSENGER, introduction.id, now),
                ],
                now,
            )
            await self._agenda.finish(entry.id, Outcome.DONE, now)
        return Outcome.DONE

    async def timed_out(self, introduction_id: int) -> Answer | None:
        """After a time-out: the passenger's next drivers, or the team (None: nothing to say)."""
        introduction = await self._introductions.get(introduction_id)
        if introduction is None or introduction.status is not IntroductionStatus.EXPIRED:
            return None
        need = await self._needs.get(introduction.need_id)
        if need is None or need.status not in (NeedStatus.SEARCHING, NeedStatus.WITH_OPERATORS):
            return None  # cancelled, closed, or another driver asked meanwhile
        return await self._next_drivers(introduction, need)

    async def expiry_news(self, introduction_id: int) -> tuple[Person, Person] | None:
        """The driver who let a request expire, and its passenger."""
        introduction = await self._introductions.get(introduction_id)
        if introduction is None or introduction.status is not IntroductionStatus.EXPIRED:
            return None
        driver = await self._people.get(introduction.driver_id)
        passenger = await self._people.get(introduction.passenger_id)
        return (driver, passenger) if driver and passenger else None

    async def withdraw(self, driver: Person, introduction_id: int) -> Answer:
        """A driver who had accepted can no longer take the passenger: the search goes on."""
        introduction = await self._introductions.get(introduction_id)
        if introduction is None:
            return Answer(AnswerResult.NOT_FOUND)
        if introduction.driver_id != driver.id:
            return Answer(AnswerResult.NOT_YOURS)
        now = self._clock.now()
        async with self._uow.transaction():
            need = await self._needs.get(introduction.need_id)
            if (
                need is None
                or need.status is not NeedStatus.MATCHED
                or not await self._introductions.withdraw(introduction.id, now)
            ):
                return Answer(AnswerResult.ALREADY, introduction, need)
            need = await self._needs.set_status(
                need.id, NeedStatus.SEARCHING, now, actor_id=driver.id, event="driver_withdrew",
                detail=f"introduction {introduction.id}",
            )  # fmt: skip
            return await self._next_drivers(introduction, need)

    async def driver_unreachable(self, introduction_id: int) -> Answer | None:
        """The driver blocked the bot (or never started it): as if they had declined."""
        introduction = await self._introductions.get(introduction_id)
        async with self._uow.transaction():
            if introduction is None or not await self._introductions.answer(
                introduction.id, IntroductionStatus.EXPIRED, self._clock.now()
            ):
                return None
            return await self._refused(introduction, "driver_unreachable")

    async def cancellable(self, need: Need) -> bool:
        """Open, or matched with a ride still to come (not one that has already left)."""
        if need.is_open:
            return True
        if need.status is not NeedStatus.MATCHED:
            return False
        if need.travel_date is None:
            return True  # regular rides go on week after week
        now = self._clock.now()
        accepted = [
            i
            for i in await self._introductions.for_need(need.id)
            if i.status is IntroductionStatus.ACCEPTED
        ]
        return any(self._ride_moment(need, i.pickup, now) > now for i in accepted)

    async def cancel(self, person: Person, need_id: int) -> Cancellation:
        need = await self.need_of(person, need_id)
        if need is None or not await self.cancellable(need):
            return Cancellation(None)
        now = self._clock.now()
        driver, accepted = None, None
        async with self._uow.transaction():
            for introduction in await self._introductions.for_need(need.id):
                if introduction.status is IntroductionStatus.PENDING:
                    await self._introductions.answer(
                        introduction.id, IntroductionStatus.CANCELLED, now
                    )
                    driver = await self._people.get(introduction.driver_id)
                elif introduction.status is IntroductionStatus.ACCEPTED:
                    driver, accepted = await self._people.get(introduction.driver_id), introduction
            following = (
                need.status is NeedStatus.WITH_OPERATORS or need.operators_post_id is not None
            )
            need = await self._needs.set_status(
                need.id, NeedStatus.CANCELLED, now, actor_id=person.id
            )
        return Cancellation(need, driver, accepted is not None, following, accepted)

    # A one-off need whose day is over.

    async def expire(self, entry: AgendaEntry) -> Outcome:
        """The agenda's action: a need still open once its day is over expires; its person
        hears of it right after."""
        now = self._clock.now()
        async with self._uow.transaction():
            need = await self._needs.get(entry.subject_id)
            today = self._calendar.today(now)
            if (
                need is None
                or not need.is_open
                or need.travel_date is None
                or need.travel_date >= today
            ):
                await self._agenda.finish(entry.id, Outcome.SKIPPED, now)
                return Outcome.SKIPPED
            for introduction in await self._introductions.for_need(need.id):
                if introduction.status is IntroductionStatus.PENDING:
                    await self._introductions.answer(
                        introduction.id, IntroductionStatus.EXPIRED, now
                    )
            await self._needs.set_status(need.id, NeedStatus.EXPIRED, now, event="date_passed")
            # Expired at midnight, told in the morning: nobody's phone buzzes at night.
            morning = self._calendar.next_at(now, self._timing.follow_up_hour)
            await self._agenda.schedule([Due(Kind.NEED_EXPIRED_NOTICE, need.id, morning)], now)
            await self._agenda.finish(entry.id, Outcome.DONE, now)
        return Outcome.DONE

    async def expired(self, need_id: int) -> tuple[Need, Person] | None:
        need = await self._needs.get(need_id)
        if need is None or need.status is not NeedStatus.EXPIRED:
            return None
        person = await self._people.get(need.person_id)
        return (need, person) if person else None

    # New drivers for waiting needs.

    async def announce_trip(self, trip: Trip) -> list[Announcement]:
        """Needs still waiting that this (new or resumed) trip can serve, each told once."""
        if trip.status is not TripStatus.ACTIVE:
            return []
        route = _route(trip)
        now = self._clock.now()
        announcements = []
        for need in await self._needs.waiting():
            if need.person_id == trip.driver_id:
                continue
            refused = {
                i.driver_id
                for i in await self._introductions.for_need(need.id)
                if i.status in _REFUSALS
            }
            if trip.driver_id in refused:
                continue
            match = match_route(route, _query(need, frozenset({need.person_id})), self._params)
            if match is None or self._ride_moment(need, match.pickup, now) <= now:
                continue
            if not await self._needs.mark_announced(need.id, trip.id, self._clock.now()):
                continue
            passenger = await self._people.get(need.person_id)
            candidate = await self._candidate(match)
            if passenger is not None and candidate is not None:
                announcements.append(Announcement(need, passenger, candidate))
        return announcements

    # Inside.

    async def _accepted(self, introduction: Introduction, driver: Person) -> Answer:
        now = self._clock.now()
        need = await self._needs.set_status(
            introduction.need_id, NeedStatus.MATCHED, now, actor_id=driver.id,
            event="accepted", detail=f"introduction {introduction.id}",
        )  # fmt: skip
        await self._schedule_ride(introduction, need, now)
        passenger = await self._people.get(introduction.passenger_id)
        trip = await self._trips.get(introduction.trip_id)
        settled = await self._introductions.get(introduction.id)
        return Answer(AnswerResult.ACCEPTED, settled, need, passenger, driver, trip)

    async def _refused(
        self, introduction: Introduction, event: str, actor_id: int | None = None
    ) -> Answer:
        now = self._clock.now()
        need = await self._needs.get(introduction.need_id)
        assert need is not None
        if need.status is not NeedStatus.ASKING:  # cancelled meanwhile: nothing to go on with
            return Answer(AnswerResult.DECLINED, introduction, need)
        need = await self._needs.set_status(
            need.id, NeedStatus.SEARCHING, now, actor_id=actor_id, event=event,
            detail=f"introduction {introduction.id}",
        )  # fmt: skip
        return await self._next_drivers(introduction, need)

    async def _next_drivers(self, introduction: Introduction, need: Need) -> Answer:
        """After a driver drops out: the next ones for the passenger, or else the team (also
        for a passenger without Telegram, who cannot choose a driver alone)."""
        passenger = await self._people.get(introduction.passenger_id)
        choosing = need.status is NeedStatus.SEARCHING
        reachable = passenger is not None and passenger.telegram_user_id is not None
        candidates = await self.candidates(need) if choosing and reachable else []
        if choosing and not candidates:
            need = await self._to_operators(need, "no_more_drivers")
        driver = await self._people.get(introduction.driver_id)
        settled = await self._introductions.get(introduction.id)
        return Answer(
            AnswerResult.DECLINED, settled, need, passenger, driver, candidates=candidates
        )

    async def _schedule_ride(self, introduction: Introduction, need: Need, now: datetime) -> None:
        """An accepted ride: a reminder to both the evening before, a question the day after.

        A regular need is followed up for its first ride only: after that, the two people
        know each other.
        """
        if need.travel_date is not None:
            ride_date = need.travel_date
        else:
            ride_date = self._calendar.next_weekday(
                now, introduction.travel_day, introduction.pickup
            )
        await self._introductions.set_ride_date(introduction.id, ride_date)
        calendar, timing = self._calendar, self._timing
        reminder = calendar.at(ride_date - timedelta(days=1), timing.reminder_hour)
        dues = [
            Due(
                Kind.RIDE_OUTCOME_QUESTION,
                introduction.id,
                calendar.at(ride_date + timedelta(days=1), timing.follow_up_hour),
            )
        ]
        if reminder > now:  # accepted later than that: they have just been introduced
            dues += [
                Due(Kind.RIDE_REMINDER_PASSENGER, introduction.id, reminder),
                Due(Kind.RIDE_REMINDER_DRIVER, introduction.id, reminder),
            ]
        await self._agenda.schedule(dues, now)

    async def _to_operators(self, need: Need, event: str, actor_id: int | None = None) -> Need:
        return await self._needs.set_status(
            need.id, NeedStatus.WITH_OPERATORS, self._clock.now(), actor_id=actor_id, event=event
        )

    async def _candidate(self, match: Match) -> Candidate | None:
        trip = await self._trips.get(match.trip_id)
        driver = await self._people.get(match.driver_id)
        if trip is None or driver is None:
            return None
        return Candidate(match, trip, driver)


def _query(need: Need, excluded_drivers: frozenset[int]) -> NeedQuery:
    return NeedQuery(
        origin=Point(need.origin.lat, need.origin.lon),
        destination=Point(need.destination.lat, need.destination.lon),
        weekdays=need.days,
        mode=need.time_mode,
        at=need.at,
        excluded_drivers=excluded_drivers,
    )


def _route(trip: Trip) -> TripRoute:
    return TripRoute(
        trip_id=trip.id,
        driver_id=trip.driver_id,
        origin=Point(trip.origin.lat, trip.origin.lon),
        destination=Point(trip.destination.lat, trip.destination.lon),
        weekdays=frozenset(int(day) for day in trip.weekdays),
        departure=trip.departure,
        return_time=trip.return_time,
    )
