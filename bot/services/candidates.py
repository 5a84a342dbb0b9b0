"""A driver who can take a passenger, and the rules every search for one follows (the
passenger's own search and the announcement of a new trip to waiting needs alike)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, time

from bot.agenda import Calendar
from bot.clock import Clock
from bot.domain import Need, Person, Trip
from bot.matching import NO_SEATS_TAKEN, Match, SeatsTaken
from bot.ports import IntroductionRepository
from bot.services.trust import MatchGuard


@dataclass(frozen=True)
class Candidate:
    """A driver who can take the passenger, and how (day, times, detour)."""

    match: Match
    trip: Trip
    driver: Person
    # For a need with a way back at a time: the same driver bringing the passenger back
    # (one of their trips from the destination to the origin, that day, around that time).
    back: Candidate | None = None


class RideRules:
    """What any search for a driver asks, whoever searches: who may be proposed to whom
    (suspensions, reports), the seats a trip has promised, and when a ride leaves."""

    def __init__(
        self,
        introductions: IntroductionRepository,
        clock: Clock,
        calendar: Calendar,
        guard: MatchGuard | None = None,
    ) -> None:
        self._introductions = introductions
        self._clock = clock
        self._calendar = calendar
        self.guard = guard

    async def may_propose(self, passenger_id: int, driver: Person) -> bool:
        """Neither suspended, and neither has reported the other."""
        if self.guard is None:
            return True
        never = await self.guard.excluded_drivers(passenger_id)
        return (
            never is not None
            and driver.id not in never
            and (await self.guard.driver_allowed(driver))
        )

    async def seats_taken(self, trip: Trip) -> SeatsTaken:
        """The seats the trip has promised from today on."""
        today = self._calendar.today(self._clock.now())
        return (await self._introductions.seats_taken([trip.id], today)).get(
            trip.id, NO_SEATS_TAKEN
        )

    def not_before(self, need: Need, now: datetime) -> time | None:
        """For a need today, the time now: a pickup before it has gone by."""
        if need.travel_date is not None and need.travel_date == self._calendar.today(now):
            return self._calendar.local(now).time().replace(second=0, microsecond=0)
        return None

    def ride_moment(self, need: Need, pickup: time, now: datetime) -> datetime:
        """When the ride leaves: on the need's date, or for a regular need the next time."""
        if need.travel_date is not None:
            return self._calendar.moment(need.travel_date, pickup)
        return min(
            self._calendar.moment(self._calendar.next_weekday(now, day, pickup), pickup)
            for day in sorted(need.days)
        )
