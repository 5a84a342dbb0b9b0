"""Passengers' needs: recording them, finding drivers, cancelling, expiring.

The service decides and records; it returns plain results saying what happened and the
notices it causes (bot/notices/), which the adapters word and send. Introductions to a
driver are in bot/services/introductions.py, new drivers for waiting needs in
bot/services/announcements.py.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field, replace
from datetime import datetime, time, timedelta
from typing import Protocol

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
    WayBack,
)
from bot.matching import (
    Match,
    MatchingParams,
    NeedQuery,
    Point,
    SeatsTaken,
    TimeMode,
    TripRoute,
    find_matches,
)
from bot.notices import Notice
from bot.ports import (
    Agenda,
    IntroductionRepository,
    NeedRepository,
    PeopleRepository,
    TripRepository,
    TripSearch,
    UnitOfWork,
)
from bot.services import telling
from bot.services.candidates import Candidate, RideRules
from bot.services.territories import Belonging
from bot.services.transit import NONE, Alternatives, TransitService
from bot.services.trust import MatchGuard
from bot.services.views import team_view

MAX_CANDIDATES = 5


class Announcer(Protocol):
    async def announce_trip(self, trip: Trip) -> list[Notice]: ...


class VolunteerMatcher(Protocol):
    """The volunteer drivers free for a need (bot/services/volunteers.py)."""

    async def candidates(self, need: Need, excluded: frozenset[int]) -> Sequence[Candidate]: ...


# Drivers whose introduction ended this way are not proposed again for the same need.
REFUSALS = (IntroductionStatus.DECLINED, IntroductionStatus.EXPIRED, IntroductionStatus.CANCELLED)


@dataclass(frozen=True)
class Search:
    need: Need
    candidates: list[Candidate]
    notices: list[Notice] = field(default_factory=list)


@dataclass(frozen=True)
class Cancellation:
    need: Need | None
    # A driver who had accepted, or was being asked, and should hear of it.
    driver: Person | None = None
    driver_had_accepted: bool = False
    operators_following: bool = False
    introduction: Introduction | None = None  # the one accepted, if any
    notices: list[Notice] = field(default_factory=list)


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
        guard: MatchGuard | None = None,
        alternatives: TransitService | None = None,
        rules: RideRules | None = None,
        announcer: Announcer | None = None,
        volunteers: VolunteerMatcher | None = None,
        belonging: Belonging | None = None,
    ) -> None:
        """`announcer` tells waiting passengers of a seat freed by a cancelled ride;
        `volunteers` are matched against their availabilities as well as trips (issue 24)."""
        self.rules = rules or RideRules(introductions, clock, timing.calendar, guard)
        self._guard = self.rules.guard
        self._alternatives = alternatives
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
        self._announcer = announcer
        self._volunteers = volunteers
        self._belonging = belonging

    # A need and its drivers.

    async def submit(self, person: Person, new_need: NewNeed) -> Search:
        """Record the need and look for drivers; with none, it goes to the operators."""
        async with self._uow.transaction():
            need = await self.record(person.id, new_need, NeedStatus.SEARCHING)
            candidates = await self.candidates(need)
            if not candidates:
                need = await self.to_operators(need, "no_match")
            await self.shown(need, candidates)
            view = await team_view(self._needs, self._people, need.id)
        # Beside the drivers: the coaches, trains and local services of the territory.
        alternatives = await self.alternatives(need)
        notices = telling.search_result(person, view, candidates, alternatives)
        return Search(need, candidates, notices)

    async def alternatives(self, need: Need) -> Alternatives:
        return await self._alternatives.for_need(need) if self._alternatives else NONE

    async def record(self, person_id: int, new_need: NewNeed, status: NeedStatus) -> Need:
        """Store a need; a one-off need expires once its day is over."""
        now = self._clock.now()
        async with self._uow.transaction():
            need = await self._needs.add(person_id, new_need, status, now)
            if self._belonging is not None:  # whose team follows it (issue 22)
                need = await self._belonging.need_recorded(need)
            if need.travel_date is not None:
                day_after = need.travel_date + timedelta(days=1)
                expiry = Due(Kind.NEED_EXPIRY, need.id, self._calendar.at(day_after, 0))
                await self._agenda.schedule([expiry], now)
        return need

    async def candidates(
        self,
        need: Need,
        params: MatchingParams | None = None,
        limit: int = MAX_CANDIDATES,
        *,
        include_full: bool = False,
    ) -> list[Candidate]:
        """The best drivers for the need, never its own person nor a driver who said no,
        nor one its person reported or who reported them (`MatchGuard`), nor a ride that has
        already left, nor a trip without a seat left that day (the team's wider search asks
        for those too, `include_full`, and sees them as full)."""
        introductions = await self._introductions.for_need(need.id)
        refused = {i.driver_id for i in introductions if i.status in REFUSALS}
        if self._guard is not None:
            never = await self._guard.excluded_drivers(need.person_id)
            if never is None:  # the passenger is suspended
                return []
            refused |= never
        now = self._clock.now()
        query = need_query(need, frozenset(refused | {need.person_id}), self.not_before(need, now))
        params = params or self._params
        # The best trips by road, date and time (the index), then the seats taken, read for
        # those trips only. Seats only drop or demote a trip, never reorder the others: once
        # `limit` trips with a seat are among the best ones read, they are the answer; else
        # read more (rarely: a full trip is the exception).
        wanted = 2 * limit + 3
        while True:
            fitting = await self._search.matches(query, params, limit=wanted)
            routes = [
                trip_route(trip)
                for trip in [await self._trips.get(m.trip_id) for m in fitting]
                if trip is not None and trip.status is TripStatus.ACTIVE
            ]
            ids = [route.trip_id for route in routes]
            taken = await self._introductions.seats_taken(ids, self._calendar.today(now))
            matches = find_matches(
                query, routes, params, limit=limit, seats_taken=taken, include_full=include_full
            )
            with_seats = sum(1 for m in matches if not m.full)
            if len(fitting) < wanted or with_seats >= limit:
                break
            wanted *= 4
        ahead = [m for m in matches if self.ride_moment(need, m.pickup, now) > now]
        found = [c for c in [await self._candidate(m) for m in ahead] if c is not None]
        if self._volunteers is not None and len(found) < limit:
            # After the trips: the volunteers free that half-day (bot/services/volunteers.py).
            volunteers = await self._volunteers.candidates(need, query.excluded_drivers)
            ahead_too = [c for c in volunteers if self.ride_moment(need, c.match.pickup, now) > now]
            found += ahead_too[: limit - len(found)]
        if self._guard is not None:
            found = [c for c in found if await self._guard.driver_allowed(c.driver)]
        if need.way_back is WayBack.AT and found:
            found = await self._with_way_back(need, found, params, include_full=include_full)
        return found

    async def way_back(
        self, need: Need, params: MatchingParams | None = None, *, include_full: bool = False
    ) -> list[Candidate]:
        """The drivers who can bring the passenger back: the second leg, from the need's
        destination to its origin, the same day, leaving around the return time; matched
        against the trips like the first leg (none without a return time)."""
        back = back_leg(need)
        if back is None:
            return []
        return await self.candidates(
            back, params, limit=2 * MAX_CANDIDATES + 3, include_full=include_full
        )

    async def _with_way_back(
        self,
        need: Need,
        found: list[Candidate],
        params: MatchingParams | None,
        *,
        include_full: bool,
    ) -> list[Candidate]:
        """Each driver with the ride back they can give too, if any; those who can take both
        legs first (one driver for the day is what a passenger hopes for)."""
        back = await self.way_back(need, params, include_full=include_full)
        by_driver: dict[int, Candidate] = {}
        for candidate in back:
            by_driver.setdefault(candidate.driver.id, candidate)
        paired = [replace(c, back=by_driver.get(c.driver.id)) for c in found]
        return sorted(paired, key=lambda c: c.back is None)

    async def may_propose(self, passenger_id: int, driver: Person) -> bool:
        return await self.rules.may_propose(passenger_id, driver)

    async def seats_taken(self, trip: Trip) -> SeatsTaken:
        return await self.rules.seats_taken(trip)

    async def shown(self, need: Need, candidates: list[Candidate]) -> None:
        """The person saw these drivers: a trip of theirs is not news later."""
        now = self._clock.now()
        for candidate in candidates:
            await self._needs.mark_announced(need.id, candidate.trip.id, now)

    def not_before(self, need: Need, now: datetime) -> time | None:
        return self.rules.not_before(need, now)

    def ride_moment(self, need: Need, pickup: time, now: datetime) -> datetime:
        return self.rules.ride_moment(need, pickup, now)

    async def needs_of(self, person: Person) -> list[Need]:
        return await self._needs.for_person(person.id)

    async def listing(self, person: Person) -> list[tuple[Need, bool]]:
        """The person's needs, newest first, each with whether it can still be cancelled."""
        return [(need, await self.cancellable(need)) for need in await self.needs_of(person)]

    async def cancellable_need(self, person: Person, need_id: int) -> Need | None:
        """The person's need, if it can still be cancelled."""
        need = await self.need_of(person, need_id)
        return need if need is not None and await self.cancellable(need) else None

    async def need_of(self, person: Person, need_id: int) -> Need | None:
        need = await self._needs.get(need_id)
        return need if need is not None and need.person_id == person.id else None

    async def ask_operators(self, person: Person, need_id: int) -> Search | None:
        """The person prefers the local team to the drivers shown."""
        need = await self.need_of(person, need_id)
        if need is None or need.status is not NeedStatus.SEARCHING:
            return None
        async with self._uow.transaction():
            need = await self.to_operators(need, "asked_operators", actor_id=person.id)
            view = await team_view(self._needs, self._people, need.id)
        return Search(need, [], telling.need_to_team(view, "asked_operators"))

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
        return any(self.ride_moment(need, i.pickup, now) > now for i in accepted)

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
            notices = telling.need_cancelled(person, need, driver, accepted, following)
            notices += await self._seat_freed(accepted)
        return Cancellation(need, driver, accepted is not None, following, accepted, notices)

    async def _seat_freed(self, accepted: Introduction | None) -> list[Notice]:
        """A ride called off frees its seat: the passengers waiting for that trip's day who
        have not seen its driver hear of it."""
        if accepted is None or self._announcer is None:
            return []
        trip = await self._trips.get(accepted.trip_id)
        return await self._announcer.announce_trip(trip) if trip is not None else []

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

    async def expired(self, need_id: int) -> list[Notice] | None:
        """What to say of a need whose day has passed (None: it did not expire after all)."""
        need = await self._needs.get(need_id)
        if need is None or need.status is not NeedStatus.EXPIRED:
            return None
        person = await self._people.get(need.person_id)
        return telling.need_expired(need, person) if person else None

    async def to_operators(self, need: Need, event: str, actor_id: int | None = None) -> Need:
        return await self._needs.set_status(
            need.id, NeedStatus.WITH_OPERATORS, self._clock.now(), actor_id=actor_id, event=event
        )

    async def _candidate(self, match: Match) -> Candidate | None:
        trip = await self._trips.get(match.trip_id)
        driver = await self._people.get(match.driver_id)
        if trip is None or driver is None:
            return None
        return Candidate(match, trip, driver)


def back_leg(need: Need) -> Need | None:
    """The way back as a need of its own, to be matched like the first leg: from the
    destination to the origin, the same day (or days), leaving after the return time."""
    if need.way_back is not WayBack.AT or need.back_at is None:
        return None
    return need.model_copy(
        update={
            "origin": need.destination,
            "destination": need.origin,
            "time_mode": TimeMode.LEAVE_AFTER,
            "at": need.back_at,
            "way_back": WayBack.NONE,
            "back_at": None,
        }
    )


def need_query(
    need: Need, excluded_drivers: frozenset[int], not_before: time | None = None
) -> NeedQuery:
    return NeedQuery(
        origin=Point(need.origin.lat, need.origin.lon),
        destination=Point(need.destination.lat, need.destination.lon),
        weekdays=need.days,
        mode=need.time_mode,
        at=need.at,
        excluded_drivers=excluded_drivers,
        date=need.travel_date,
        not_before=not_before,
    )


def trip_route(trip: Trip) -> TripRoute:
    return TripRoute(
        trip_id=trip.id,
        driver_id=trip.driver_id,
        origin=Point(trip.origin.lat, trip.origin.lon),
        destination=Point(trip.destination.lat, trip.destination.lon),
        weekdays=frozenset(int(day) for day in trip.weekdays),
        departure=trip.departure,
        return_time=trip.return_time,
        date=trip.date,
        seats=trip.seats,
    )
