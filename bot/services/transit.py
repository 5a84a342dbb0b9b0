"""What else the territory offers for a need: public transport (GTFS) and the local mobility
services of the SERVICES_FILE (on-demand transport, TUS associations, call centres)."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date

from bot.agenda import Calendar
from bot.clock import Clock
from bot.domain import NewNeed
from bot.places.gazetteer import Gazetteer
from bot.transit.catalog import MobilityService, communes_of
from bot.transit.planner import TransitOption, TransitPlanner, TransitQuery


@dataclass(frozen=True)
class Alternatives:
    transit: list[TransitOption] = field(default_factory=list)
    services: list[MobilityService] = field(default_factory=list)

    def __bool__(self) -> bool:
        return bool(self.transit or self.services)


NONE = Alternatives()


class TransitService:
    def __init__(
        self,
        *,
        planner: TransitPlanner | None,
        services: list[MobilityService],
        gazetteer: Gazetteer,
        clock: Clock,
        calendar: Calendar,
        max_wait_minutes: float,
    ) -> None:
        self._planner = planner
        self._services = services
        self._gazetteer = gazetteer
        self._clock = clock
        self._calendar = calendar
        self._max_wait_s = int(max_wait_minutes * 60)

    async def for_need(self, need: NewNeed) -> Alternatives:
        return Alternatives(await self.transit(need), self.services_for(need))

    async def transit(self, need: NewNeed) -> list[TransitOption]:
        if self._planner is None:
            return []
        day = self.day_of(need)
        if day is None:
            return []
        query = TransitQuery(
            origin=(need.origin.lat, need.origin.lon),
            destination=(need.destination.lat, need.destination.lon),
            day=day,
            mode=need.time_mode,
            at=need.at.hour * 3600 + need.at.minute * 60,
            max_wait_s=self._max_wait_s,
        )
        return await self._planner.options(query)

    def day_of(self, need: NewNeed) -> date | None:
        """The need's date, or for a regular need the next of its days still ahead."""
        if need.travel_date is not None:
            return need.travel_date
        now = self._clock.now()
        days = [self._calendar.next_weekday(now, day, need.at) for day in need.days]
        return min(days, default=None)

    def services_for(self, need: NewNeed) -> list[MobilityService]:
        if not self._services:
            return []
        codes: frozenset[str] = frozenset()
        departments = frozenset({need.origin.department, need.destination.department})
        for place in (need.origin, need.destination):
            codes |= communes_of(self._gazetteer, place.id, place.lat, place.lon)
        return [s for s in self._services if s.serves(codes, departments)]
