"""Passengers' needs: finding drivers, introducing them, and what happens after.

The service decides and records; it returns plain results saying what happened and whom to
tell, and the handlers turn those into messages.
"""

from __future__ import annotations

import enum
from dataclasses import dataclass, field
from datetime import timedelta

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
    IntroductionRepository,
    NeedRepository,
    PeopleRepository,
    TripRepository,
    TripSearch,
)

MAX_CANDIDATES = 5


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
        answer_delay: timedelta,
    ) -> None:
        self._needs = needs
        self._introductions = introductions
        self._trips = trips
        self._people = people
        self._search = search
        self._params = params
        self._clock = clock
        self._answer_delay = answer_delay

    # A need and its drivers.

    async def submit(self, person: Person, new_need: NewNeed) -> Search:
        """Record the need and look for drivers; with none, it goes to the operators."""
        need = await self._needs.add(person.id, new_need, NeedStatus.SEARCHING, self._clock.now())
        candidates = await self.candidates(need)
        if not candidates:
            need = await self._to_operators(need, "no_match")
        return Search(need, candidates)

    async def candidates(
        self, need: Need, params: MatchingParams | None = None, limit: int = MAX_CANDIDATES
    ) -> list[Candidate]:
        """The best drivers for the need, never its own person nor a driver who said no."""
        introductions = await self._introductions.for_need(need.id)
        refused = {
            i.driver_id
            for i in introductions
            if i.status in (IntroductionStatus.DECLINED, IntroductionStatus.EXPIRED)
        }
        query = _query(need, frozenset(refused | {need.person_id}))
        routes = await self._search.routes_near(query.origin, query.destination)
        matches = find_matches(query, routes, params or self._params, limit=limit)
        return [c for c in [await self._candidate(m) for m in matches] if c is not None]

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
            expires_at=now + self._answer_delay,
        )
        need = await self._needs.set_status(
            need.id, NeedStatus.ASKING, now, actor_id=person.id, event="asked_driver",
            detail=f"introduction {introduction.id}, trip {chosen.trip.id}",
        )  # fmt: skip
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
        if not await self._introductions.answer(introduction.id, status, self._clock.now()):
            settled = await self._introductions.get(introduction.id)
            return Answer(AnswerResult.ALREADY, settled)
        if accept:
            return await self._accepted(introduction, driver)
        return await self._refused(introduction, "declined", actor_id=driver.id)

    async def expire_due(self) -> list[Answer]:
        """Introductions left unanswered past the delay count as a decline."""
        outcomes = []
        for introduction in await self._introductions.due(self._clock.now()):
            if await self._introductions.answer(
                introduction.id, IntroductionStatus.EXPIRED, self._clock.now()
            ):
                outcomes.append(await self._refused(introduction, "expired"))
        return outcomes

    async def driver_unreachable(self, introduction_id: int) -> Answer | None:
        """The driver blocked the bot (or never started it): as if they had declined."""
        introduction = await self._introductions.get(introduction_id)
        if introduction is None or not await self._introductions.answer(
            introduction.id, IntroductionStatus.EXPIRED, self._clock.now()
        ):
            return None
        return await self._refused(introduction, "driver_unreachable")

    async def cancel(self, person: Person, need_id: int) -> Cancellation:
        need = await self.need_of(person, need_id)
        if need is None or need.status in (
            NeedStatus.CANCELLED, NeedStatus.EXPIRED, NeedStatus.CLOSED,
        ):  # fmt: skip
            return Cancellation(None)
        now = self._clock.now()
        driver, had_accepted = None, False
        for introduction in await self._introductions.for_need(need.id):
            if introduction.status is IntroductionStatus.PENDING:
                await self._introductions.answer(introduction.id, IntroductionStatus.CANCELLED, now)
                driver = await self._people.get(introduction.driver_id)
            elif introduction.status is IntroductionStatus.ACCEPTED:
                driver, had_accepted = await self._people.get(introduction.driver_id), True
        following = need.status is NeedStatus.WITH_OPERATORS
        need = await self._needs.set_status(need.id, NeedStatus.CANCELLED, now, actor_id=person.id)
        return Cancellation(need, driver, had_accepted, following)

    # New drivers for waiting needs.

    async def announce_trip(self, trip: Trip) -> list[Announcement]:
        """Needs still waiting that this (new or resumed) trip can serve, each told once."""
        if trip.status is not TripStatus.ACTIVE:
            return []
        route = _route(trip)
        announcements = []
        for need in await self._needs.waiting():
            if need.person_id == trip.driver_id:
                continue
            refused = {
                i.driver_id
                for i in await self._introductions.for_need(need.id)
                if i.status in (IntroductionStatus.DECLINED, IntroductionStatus.EXPIRED)
            }
            if trip.driver_id in refused:
                continue
            match = match_route(route, _query(need, frozenset({need.person_id})), self._params)
            if match is None:
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
        need = await self._needs.set_status(
            introduction.need_id, NeedStatus.MATCHED, self._clock.now(), actor_id=driver.id,
            event="accepted", detail=f"introduction {introduction.id}",
        )  # fmt: skip
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
        candidates = await self.candidates(need)
        if not candidates:
            need = await self._to_operators(need, "no_more_drivers")
        passenger = await self._people.get(introduction.passenger_id)
        driver = await self._people.get(introduction.driver_id)
        settled = await self._introductions.get(introduction.id)
        return Answer(
            AnswerResult.DECLINED, settled, need, passenger, driver, candidates=candidates
        )

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
