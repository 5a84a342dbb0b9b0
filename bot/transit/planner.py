"""Public transport for a need: the coaches and trains from a stop near the origin to a stop
near the destination on the need's day, at its time; one change when nothing is direct.

The timetable (imported GTFS feeds) is a port; this module only decides which rides answer
the need. Times are seconds after midnight of the need's day: a trip of the day before that
runs past midnight (GTFS times beyond 24:00) is brought to that day.
"""

from __future__ import annotations

from collections.abc import Collection
from dataclasses import dataclass
from datetime import date, timedelta
from typing import Protocol

from bot.geo import km_between
from bot.matching import TimeMode

DAY = 86_400
# Rural stops are in the village centre, the commune's point at the town hall: a walk of up
# to 2 km is still an answer for many (it is shown, so each person judges).
WALK_RADIUS_M = 2_000
WALK_M_PER_MIN = 70  # an unhurried pace, with a bag
MIN_CHANGE_S = 5 * 60
# With one change, the other end of the journey may lie this much further off.
CHANGE_SPAN_S = 3 * 3600
MAX_OPTIONS = 3


@dataclass(frozen=True)
class NearStop:
    stop_id: str
    name: str
    walk_m: int


@dataclass(frozen=True)
class Leg:
    trip_id: str
    line: str  # the route's short name ("875"), else its long name
    line_name: str  # the route's long name ("Cahors - Montcuq - Lauzerte")
    agency: str
    headsign: str
    board_stop: str
    board_name: str
    departure: int  # seconds after midnight of the day asked
    alight_stop: str
    alight_name: str
    arrival: int

    def shifted(self, by: int) -> Leg:
        return Leg(
            self.trip_id,
            self.line,
            self.line_name,
            self.agency,
            self.headsign,
            self.board_stop,
            self.board_name,
            self.departure + by,
            self.alight_stop,
            self.alight_name,
            self.arrival + by,
        )


@dataclass(frozen=True)
class TransitOption:
    day: date
    legs: tuple[Leg, ...]
    walk_to_m: int  # from the origin to the first stop
    walk_from_m: int  # from the last stop to the destination

    @property
    def departure(self) -> int:
        return self.legs[0].departure

    @property
    def arrival(self) -> int:
        return self.legs[-1].arrival

    @property
    def changes(self) -> int:
        return len(self.legs) - 1


@dataclass(frozen=True)
class TransitQuery:
    origin: tuple[float, float]
    destination: tuple[float, float]
    day: date
    mode: TimeMode
    at: int  # seconds after midnight
    max_wait_s: int


class Timetable(Protocol):
    async def has_stops(self) -> bool: ...

    async def stops_near(self, lat: float, lon: float, radius_m: float) -> list[NearStop]:
        """Stops within `radius_m` (straight line), with their walking distance."""
        ...

    async def services_on(self, day: date) -> frozenset[str]: ...

    async def legs(
        self,
        *,
        boarding: Collection[str] | None,
        alighting: Collection[str] | None,
        services: Collection[str],
        leave_between: tuple[int, int] | None = None,
        arrive_between: tuple[int, int] | None = None,
        day: date | None = None,
    ) -> list[Leg]:
        """Rides on one trip from a boarding stop to a later alighting stop (None: any), of
        the services given, leaving or arriving within the bounds (service-day seconds, on
        the territory's clock; `day`, the service day, lets a feed in another time zone be
        brought to it)."""
        ...


def walk_m(lat1: float, lon1: float, lat2: float, lon2: float, factor: float) -> int:
    """Straight-line distance × a detour factor, in metres rounded to 50."""
    metres = km_between(lat1, lon1, lat2, lon2) * 1000.0 * factor
    return int(round(metres / 50.0) * 50)


class TransitPlanner:
    def __init__(self, timetable: Timetable) -> None:
        self._timetable = timetable

    async def options(self, query: TransitQuery) -> list[TransitOption]:
        """The direct rides that fit the need; else the journeys with one change."""
        if not await self._timetable.has_stops():
            return []
        near_origin = {
            s.stop_id: s for s in await self._timetable.stops_near(*query.origin, WALK_RADIUS_M)
        }
        near_destination = {
            s.stop_id: s
            for s in await self._timetable.stops_near(*query.destination, WALK_RADIUS_M)
            if s.stop_id not in near_origin  # a stop near both ends is no journey
        }
        if not near_origin or not near_destination:
            return []
        direct = await self._direct(query, near_origin, near_destination)
        if direct:
            return direct
        return await self._one_change(query, near_origin, near_destination)

    def _window(self, query: TransitQuery) -> tuple[int, int]:
        if query.mode is TimeMode.LEAVE_AFTER:
            return query.at, query.at + query.max_wait_s
        return query.at - query.max_wait_s, query.at

    async def _legs(
        self,
        query: TransitQuery,
        *,
        boarding: Collection[str] | None,
        alighting: Collection[str] | None,
        leave_between: tuple[int, int] | None = None,
        arrive_between: tuple[int, int] | None = None,
    ) -> list[Leg]:
        """Rides of the day asked, and of the day before past midnight, in that day's time."""
        found: list[Leg] = []
        for day, offset in ((query.day, 0), (query.day - timedelta(days=1), DAY)):
            services = await self._timetable.services_on(day)
            if not services:
                continue
            legs = await self._timetable.legs(
                boarding=boarding,
                alighting=alighting,
                services=services,
                leave_between=_shift(leave_between, offset),
                arrive_between=_shift(arrive_between, offset),
                day=day,
            )
            found += [leg.shifted(-offset) if offset else leg for leg in legs]
        return found

    async def _direct(
        self,
        query: TransitQuery,
        near_origin: dict[str, NearStop],
        near_destination: dict[str, NearStop],
    ) -> list[TransitOption]:
        start, end = self._window(query)
        leaving = query.mode is TimeMode.LEAVE_AFTER
        legs = await self._legs(
            query,
            boarding=near_origin,
            alighting=near_destination,
            leave_between=(start, end) if leaving else None,
            arrive_between=None if leaving else (start, end),
        )
        best: dict[str, TransitOption] = {}  # one option per trip: the shortest walks
        for leg in legs:
            walk_to = near_origin[leg.board_stop].walk_m
            walk_from = near_destination[leg.alight_stop].walk_m
            if leaving and leg.departure - walk_to // WALK_M_PER_MIN * 60 < query.at:
                continue  # the stop cannot be reached on foot in time
            if not leaving and leg.arrival + walk_from // WALK_M_PER_MIN * 60 > query.at:
                continue
            option = TransitOption(query.day, (leg,), walk_to, walk_from)
            kept = best.get(leg.trip_id)
            if kept is None or walk_to + walk_from < kept.walk_to_m + kept.walk_from_m:
                best[leg.trip_id] = option
        return _closest(query, list(best.values()))

    async def _one_change(
        self,
        query: TransitQuery,
        near_origin: dict[str, NearStop],
        near_destination: dict[str, NearStop],
    ) -> list[TransitOption]:
        start, end = self._window(query)
        if query.mode is TimeMode.LEAVE_AFTER:
            first_window, last_window = (start, end), (start, end + CHANGE_SPAN_S)
        else:
            first_window, last_window = (start - CHANGE_SPAN_S, end), (start, end)
        firsts = await self._legs(
            query, boarding=near_origin, alighting=None, leave_between=first_window
        )
        lasts = await self._legs(
            query, boarding=None, alighting=near_destination, arrive_between=last_window
        )
        onward: dict[str, list[Leg]] = {}
        for leg in lasts:
            onward.setdefault(leg.board_stop, []).append(leg)
        journeys: dict[tuple[str, str], TransitOption] = {}
        for first in firsts:
            for last in onward.get(first.alight_stop, []):
                if last.trip_id == first.trip_id or last.line == first.line:
                    continue  # staying on the same line is not a change
                if last.departure < first.arrival + MIN_CHANGE_S:
                    continue
                option = TransitOption(
                    query.day,
                    (first, last),
                    near_origin[first.board_stop].walk_m,
                    near_destination[last.alight_stop].walk_m,
                )
                key = (first.trip_id, last.trip_id)
                kept = journeys.get(key)
                if kept is None or _walks(option) < _walks(kept):
                    journeys[key] = option
        # Of the journeys on the same first coach, the one arriving first; on the same last
        # coach, the one leaving last: nobody waits hours at a change.
        by_first: dict[str, TransitOption] = {}
        for option in journeys.values():
            kept = by_first.get(option.legs[0].trip_id)
            if kept is None or option.arrival < kept.arrival:
                by_first[option.legs[0].trip_id] = option
        by_last: dict[str, TransitOption] = {}
        for option in by_first.values():
            kept = by_last.get(option.legs[1].trip_id)
            if kept is None or option.departure > kept.departure:
                by_last[option.legs[1].trip_id] = option
        return _closest(query, list(by_last.values()))


def _walks(option: TransitOption) -> int:
    return option.walk_to_m + option.walk_from_m


def _closest(query: TransitQuery, options: list[TransitOption]) -> list[TransitOption]:
    """The options nearest the person's time, shown in the order they leave."""
    if query.mode is TimeMode.LEAVE_AFTER:
        chosen = sorted(options, key=lambda o: (o.departure, o.arrival))[:MAX_OPTIONS]
    else:
        chosen = sorted(options, key=lambda o: (-o.arrival, -o.departure))[:MAX_OPTIONS]
    return sorted(chosen, key=lambda o: (o.departure, o.arrival))


def _shift(bounds: tuple[int, int] | None, by: int) -> tuple[int, int] | None:
    return None if bounds is None else (bounds[0] + by, bounds[1] + by)
