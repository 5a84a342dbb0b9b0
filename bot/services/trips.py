"""Drivers' regular trips: register, list, pause, resume, delete."""

from __future__ import annotations

import enum
from dataclasses import dataclass

from bot.clock import Clock
from bot.domain import NewTrip, Person, Trip, TripStatus
from bot.ports import TripRepository, TripSearch


class TripChange(enum.StrEnum):
    DONE = "done"
    UNCHANGED = "unchanged"  # already in that state: a double press, an old button
    NOT_FOUND = "not_found"  # no such trip, deleted, or someone else's: the same answer


@dataclass(frozen=True)
class TripChangeResult:
    outcome: TripChange
    trip: Trip | None = None


_TARGET = {"pause": TripStatus.PAUSED, "resume": TripStatus.ACTIVE, "delete": TripStatus.DELETED}


class TripService:
    def __init__(self, trips: TripRepository, search: TripSearch, clock: Clock) -> None:
        self._trips = trips
        self._search = search
        self._clock = clock

    async def register(self, driver: Person, trip: NewTrip) -> Trip:
        registered = await self._trips.add(driver.id, trip, self._clock.now())
        await self._search.index(registered.id)
        return registered

    async def trips_of(self, driver: Person) -> list[Trip]:
        return await self._trips.for_driver(driver.id)

    async def trip_of(self, driver: Person, trip_id: int) -> Trip | None:
        """The trip, if it is this driver's and not deleted; else None (never someone else's)."""
        trip = await self._trips.get(trip_id)
        if trip is None or trip.driver_id != driver.id or trip.status is TripStatus.DELETED:
            return None
        return trip

    async def change(self, driver: Person, trip_id: int, action: str) -> TripChangeResult:
        """Apply "pause", "resume" or "delete" to one of the driver's trips."""
        target = _TARGET[action]
        trip = await self.trip_of(driver, trip_id)
        if trip is None:
            return TripChangeResult(TripChange.NOT_FOUND)
        if trip.status is target:
            return TripChangeResult(TripChange.UNCHANGED, trip)
        updated = await self._trips.set_status(trip.id, target, self._clock.now())
        await self._search.index(trip.id)
        return TripChangeResult(TripChange.DONE, updated)
