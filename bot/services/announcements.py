"""New drivers for waiting needs: a trip registered or resumed is announced to the
passengers still waiting whom it can take, each once."""

from __future__ import annotations

from bot.clock import Clock
from bot.domain import Trip, TripStatus
from bot.matching import Match, MatchingParams, match_route, search_box
from bot.notices import Notice
from bot.ports import IntroductionRepository, NeedRepository, PeopleRepository, TripRepository
from bot.services import telling
from bot.services.candidates import Candidate, RideRules
from bot.services.needs import REFUSALS, need_query, trip_route


class AnnouncementService:
    def __init__(
        self,
        *,
        rules: RideRules,
        need_repository: NeedRepository,
        introductions: IntroductionRepository,
        trips: TripRepository,
        people: PeopleRepository,
        params: MatchingParams,
        clock: Clock,
    ) -> None:
        self._rules = rules
        self._needs = need_repository
        self._introductions = introductions
        self._trips = trips
        self._people = people
        self._params = params
        self._clock = clock

    async def announce_trip(self, trip: Trip) -> list[Notice]:
        """Needs still waiting that this (new or resumed) trip can serve, each told once."""
        if trip.status is not TripStatus.ACTIVE:
            return []
        route = trip_route(trip)
        box = search_box(
            route.origin,
            route.destination,
            self._params.max_extra_road_km,
            self._params.road_factor,
        )
        now = self._clock.now()
        taken = await self._rules.seats_taken(trip)
        announcements = []
        # Only the needs whose two ends lie in the trip's search box: both must lie in its
        # ellipse for any leg to fit (bot/matching.py), and the box holds the ellipse.
        for need in await self._needs.waiting_near(box, route.weekdays):
            if need.person_id == trip.driver_id:
                continue
            refused = {
                i.driver_id
                for i in await self._introductions.for_need(need.id)
                if i.status in REFUSALS
            }
            if trip.driver_id in refused:
                continue
            # A driver the person already saw (this trip or another of theirs) is no news.
            if trip.driver_id in await self._needs.seen_drivers(need.id):
                continue
            query = need_query(need, frozenset({need.person_id}), self._rules.not_before(need, now))
            match = match_route(route, query, self._params, taken)
            if match is None or self._rules.ride_moment(need, match.pickup, now) <= now:
                continue
            if not await self._needs.mark_announced(need.id, trip.id, self._clock.now()):
                continue
            passenger = await self._people.get(need.person_id)
            candidate = await self._candidate(match)
            if candidate is not None and not await self._rules.may_propose(
                need.person_id, candidate.driver
            ):
                continue
            if passenger is not None and candidate is not None:
                announcements.append(telling.new_driver(passenger, need, candidate))
        return announcements

    async def _candidate(self, match: Match) -> Candidate | None:
        trip = await self._trips.get(match.trip_id)
        driver = await self._people.get(match.driver_id)
        if trip is None or driver is None:
            return None
        return Candidate(match, trip, driver)
