"""Matching at the scale of a region or a country: the active trips as columns in memory.

``TripIndex.matches(need, params, limit)`` returns exactly what
``find_matches(need, every_active_route, params, limit)`` returns (``bot.matching``), in a few
milliseconds at 100,000 trips, in three stages:

1. A box test on every trip at once (NumPy): the need's origin and destination must both lie
   in the box of the trip's search ellipse (``search_box``, computed with a margin wide enough
   for the team's relaxed search), and the trip must run on one of the need's weekdays.
2. On what is left, both legs computed for all candidates at once, with the same formulas as
   ``bot.matching._leg`` but every limit loosened by ``_LOOSE`` (far above the rounding
   differences between NumPy's and ``math``'s functions, far below anything a person would
   notice): a superset of the trips that fit, each with a lower bound of its extra minutes.
3. ``match_route`` — the matcher itself — on those candidates, cheapest first, until the
   ``limit`` best are known for certain: a candidate whose lower bound is above the last kept
   one's extra minutes can no longer enter. So the result is the plain scan's, not an
   approximation of it; ``scripts/bench_matching.py`` checks it on every query.

The index holds numbers, not objects: a ``TripRoute`` is rebuilt only for the few candidates of
stage 3 (memory stays near 120 bytes a trip). Changing a trip is a write into a free slot.
"""

from __future__ import annotations

import datetime as dt
import math
from collections.abc import Iterable
from datetime import time
from typing import Any

import numpy as np
import numpy.typing as npt

from bot.geo import EARTH_RADIUS_KM
from bot.matching import (
    _DEGENERATE_KM,
    _EPSILON,
    MINUTES_PER_DAY,
    Match,
    MatchingParams,
    NeedQuery,
    Point,
    TimeMode,
    TripRoute,
    distance_km,
    match_route,
    search_box,
)
from bot.matching import _rank as matching_rank

# Limits are loosened by this much in stage 2 (minutes, or km for the ratio): NumPy and math
# may round a sine differently in the last bit; a millionth of a minute is far above that.
_LOOSE = 1e-6
_FIRST_CAPACITY = 1024
NO_RETURN = -1  # in the seconds-of-day column of the return leg

FloatArray = npt.NDArray[np.float64]
IntArray = npt.NDArray[np.int64]


class TripIndex:
    """Active trips' routes by slot; ``put`` and ``remove`` keep it in step with the trips."""

    def __init__(self, params: MatchingParams, margin_minutes: float | None = None) -> None:
        if margin_minutes is None:
            margin_minutes = 2 * params.max_detour_minutes
        self._params = params
        self.margin_minutes = float(margin_minutes)
        self._margin_km = self.margin_minutes * params.average_speed_kmh / 60.0
        self._slots: dict[int, int] = {}  # trip id → slot
        self._free: list[int] = []
        self._size = 0  # slots in use or freed (the arrays' filled length)
        self._allocate(_FIRST_CAPACITY)

    def covers(self, params: MatchingParams) -> bool:
        """Whether the boxes hold every trip a search with ``params`` can match."""
        return (
            params.max_detour_minutes <= self.margin_minutes
            and params.road_factor == self._params.road_factor
            and params.average_speed_kmh == self._params.average_speed_kmh
        )

    def __len__(self) -> int:
        return len(self._slots)

    def __contains__(self, trip_id: int) -> bool:
        return trip_id in self._slots

    # ------------------------------------------------------------------------ changes

    def put(self, route: TripRoute) -> None:
        """Add the trip, or replace what the index knew of it."""
        slot = self._slots.get(route.trip_id)
        if slot is None:
            slot = self._free.pop() if self._free else self._next_slot()
            self._slots[route.trip_id] = slot
        min_lat, max_lat, min_lon, max_lon = search_box(
            route.origin, route.destination, self._margin_km, self._params.road_factor
        )
        self._trip[slot] = route.trip_id
        self._driver[slot] = route.driver_id
        self._weekdays[slot] = sum(1 << day for day in route.weekdays)
        self._departure[slot] = _seconds(route.departure)
        self._date[slot] = _ordinal(route.date)
        self._seats[slot] = route.seats
        self._return[slot] = NO_RETURN if route.return_time is None else _seconds(route.return_time)
        self._lat_a[slot], self._lon_a[slot] = route.origin.lat, route.origin.lon
        self._lat_b[slot], self._lon_b[slot] = route.destination.lat, route.destination.lon
        self._xa[slot], self._ya[slot], self._za[slot] = _unit(route.origin)
        self._xb[slot], self._yb[slot], self._zb[slot] = _unit(route.destination)
        self._length[slot] = route._length_km
        self._min_lat[slot], self._max_lat[slot] = min_lat, max_lat
        self._min_lon[slot], self._max_lon[slot] = min_lon, max_lon

    def put_all(self, routes: Iterable[TripRoute]) -> None:
        for route in routes:
            self.put(route)

    def load(self, trips: TripColumns) -> None:
        """Add many trips at once (start-up): the same as ``put`` for each, computed on
        whole columns. Trips already in the index are replaced one by one."""
        known = np.fromiter((t in self._slots for t in trips.trip.tolist()), dtype=bool)
        if known.any():
            for position in np.flatnonzero(known).tolist():
                self.put(trips.route(position))
            trips = trips.select(~known)
        count = len(trips.trip)
        if count == 0:
            return
        while self._size + count > len(self._trip):
            self._allocate(2 * len(self._trip))
        start, stop = self._size, self._size + count
        self._size = stop
        self._slots.update(zip(trips.trip.tolist(), range(start, stop), strict=True))
        self._trip[start:stop] = trips.trip
        self._driver[start:stop] = trips.driver
        self._weekdays[start:stop] = trips.weekdays
        self._departure[start:stop] = trips.departure
        self._return[start:stop] = trips.back
        self._date[start:stop] = trips.date
        self._seats[start:stop] = trips.seats
        self._lat_a[start:stop], self._lon_a[start:stop] = trips.lat_a, trips.lon_a
        self._lat_b[start:stop], self._lon_b[start:stop] = trips.lat_b, trips.lon_b
        phi_a, lam_a = np.radians(trips.lat_a), np.radians(trips.lon_a)
        phi_b, lam_b = np.radians(trips.lat_b), np.radians(trips.lon_b)
        for (x, y, z), phi, lam in (
            ((self._xa, self._ya, self._za), phi_a, lam_a),
            ((self._xb, self._yb, self._zb), phi_b, lam_b),
        ):
            x[start:stop] = np.cos(phi) * np.cos(lam)
            y[start:stop] = np.cos(phi) * np.sin(lam)
            z[start:stop] = np.sin(phi)
        length = _haversine(phi_a, lam_a, phi_b, lam_b)
        self._length[start:stop] = length
        boxes = _search_boxes(
            phi_a, lam_a, phi_b, lam_b, length, self._margin_km, self._params.road_factor
        )
        self._min_lat[start:stop], self._max_lat[start:stop] = boxes[0], boxes[1]
        self._min_lon[start:stop], self._max_lon[start:stop] = boxes[2], boxes[3]

    def remove(self, trip_id: int) -> None:
        slot = self._slots.pop(trip_id, None)
        if slot is not None:
            self._weekdays[slot] = 0  # a free slot runs on no day: never a candidate
            self._free.append(slot)

    def route(self, trip_id: int) -> TripRoute | None:
        slot = self._slots.get(trip_id)
        return None if slot is None else self._route(slot)

    # ------------------------------------------------------------------------ searching

    def matches(
        self, need: NeedQuery, params: MatchingParams, limit: int | None = None
    ) -> list[Match]:
        """``find_matches(need, every trip of the index, params, limit)``, only faster."""
        slots = self._box_candidates(need, params)
        if slots.size == 0:
            return []
        slots, lower_bounds, outside = self._leg_candidates(need, params, slots)
        # bot.matching ranks rides inside the passenger's window first: the lower bound of a
        # candidate's rank is (surely outside?, its least extra minutes)
        order = np.lexsort((self._trip[slots], lower_bounds, outside))
        return self._exact(need, params, slots[order], lower_bounds[order], outside[order], limit)

    def routes_near(self, origin: Point, destination: Point) -> list[TripRoute]:
        """The trips whose search box (with the index's margin) holds both points, by trip
        id: for searches of their own (the partners' journeys)."""
        need = NeedQuery(origin, destination, frozenset(range(7)), TimeMode.LEAVE_AFTER, time())
        slots = self._box_candidates(need, self._params)
        return sorted((self._route(int(slot)) for slot in slots), key=lambda r: r.trip_id)

    def _box_candidates(self, need: NeedQuery, params: MatchingParams) -> IntArray:
        n = self._size
        o, d = need.origin, need.destination
        mask = sum(1 << day for day in need.weekdays)
        keep = (self._weekdays[:n] & mask) != 0
        if need.date is not None:
            # a one-off trip answers only a need of its date (bot.matching.ride_days; a
            # regular need leaves them to the matcher: routes_near wants them all)
            day = self._date[:n]
            keep &= (day == 0) | (day == need.date.toordinal())
        if self.covers(params):
            keep &= self._min_lat[:n] <= min(o.lat, d.lat)
            keep &= self._max_lat[:n] >= max(o.lat, d.lat)
            keep &= self._min_lon[:n] <= min(o.lon, d.lon)
            keep &= self._max_lon[:n] >= max(o.lon, d.lon)
        slots = np.flatnonzero(keep)
        if need.excluded_drivers and slots.size:
            excluded = np.fromiter(need.excluded_drivers, dtype=np.int64)
            slots = slots[~np.isin(self._driver[slots], excluded)]
        if need.excluded_trips and slots.size:
            excluded = np.fromiter(need.excluded_trips, dtype=np.int64)
            slots = slots[~np.isin(self._trip[slots], excluded)]
        return slots

    def _leg_candidates(
        self, need: NeedQuery, params: MatchingParams, slots: IntArray
    ) -> tuple[IntArray, FloatArray, npt.NDArray[np.bool_]]:
        """The slots one of whose legs may answer, with a lower bound of their extra minutes
        and whether every such leg is surely outside the passenger's window."""
        slots, a_to_o, b_to_o, d_to_a, d_to_b = self._ellipse_candidates(need, params, slots)
        ride = distance_km(need.origin, need.destination)
        length = self._length[slots]
        departure = self._departure[slots]
        back = self._return[slots]
        out_ok, out_extra, out_outside = _legs(
            a_to_o, ride, d_to_b, length, departure, need, params
        )
        back_ok, back_extra, back_outside = _legs(b_to_o, ride, d_to_a, length, back, need, params)
        back_ok &= back != NO_RETURN
        either = out_ok | back_ok
        inf = np.inf
        bound = np.minimum(np.where(out_ok, out_extra, inf), np.where(back_ok, back_extra, inf))
        inside = (out_ok & ~out_outside) | (back_ok & ~back_outside)
        return slots[either], bound[either], ~inside[either]

    def _ellipse_candidates(
        self, need: NeedQuery, params: MatchingParams, slots: IntArray
    ) -> tuple[IntArray, FloatArray, FloatArray, FloatArray, FloatArray]:
        """The slots whose search ellipse may hold both ends of the need
        (``in_search_ellipse``, loosened by ``_LOOSE``), with the four distances of their legs
        in km: A to O, B to O, D to A, D to B. Distances come from chords (one square root
        and one arcsine, not the haversine's three functions); the same value to 1e-12."""
        length = self._length[slots]
        straight_extra = params.max_extra_road_km / params.road_factor
        extra = np.minimum(straight_extra, (params.max_detour_ratio - 1.0) * length)
        extra = np.where(length <= _DEGENERATE_KM, straight_extra, extra)
        allowed = length + extra + _LOOSE
        xa, ya, za = self._xa[slots], self._ya[slots], self._za[slots]
        xb, yb, zb = self._xb[slots], self._yb[slots], self._zb[slots]
        o, d = _unit(need.origin), _unit(need.destination)
        # A chord is never longer than its arc: chords rule out for sure, and cheaply.
        a_to_o, b_to_o = _chord(xa, ya, za, o), _chord(xb, yb, zb, o)
        keep = np.flatnonzero((a_to_o + b_to_o) * EARTH_RADIUS_KM <= allowed)
        xa, ya, za, xb, yb, zb = xa[keep], ya[keep], za[keep], xb[keep], yb[keep], zb[keep]
        slots, a_to_o, b_to_o, allowed = slots[keep], a_to_o[keep], b_to_o[keep], allowed[keep]
        d_to_a, d_to_b = _chord(xa, ya, za, d), _chord(xb, yb, zb, d)
        keep = np.flatnonzero((d_to_a + d_to_b) * EARTH_RADIUS_KM <= allowed)
        slots = slots[keep]
        a_to_o, b_to_o, d_to_a, d_to_b = (
            _arc(chords[keep]) for chords in (a_to_o, b_to_o, d_to_a, d_to_b)
        )
        keep = np.flatnonzero(
            (a_to_o + b_to_o <= allowed[keep]) & (d_to_a + d_to_b <= allowed[keep])
        )
        return slots[keep], a_to_o[keep], b_to_o[keep], d_to_a[keep], d_to_b[keep]

    def _exact(
        self,
        need: NeedQuery,
        params: MatchingParams,
        slots: IntArray,
        lower_bounds: FloatArray,
        outside: npt.NDArray[np.bool_],
        limit: int | None,
    ) -> list[Match]:
        """The matcher on the candidates, in the order of the lower bounds of their ranks
        (surely outside the window?, least extra minutes): once ``limit`` are kept, a bound
        above the worst kept one's rank means nothing left can enter (ties on extra minutes
        still compete on time gap)."""
        found: list[Match] = []
        for position in range(slots.size):
            if limit is not None and len(found) >= limit:
                worst = max(found, key=_rank)
                worst_outside = not worst.fits_window
                if bool(outside[position]) > worst_outside or (
                    bool(outside[position]) == worst_outside
                    and lower_bounds[position] > worst.extra_minutes + _LOOSE
                ):
                    break
            match = match_route(self._route(int(slots[position])), need, params)
            if match is None:
                continue
            found.append(match)
            if limit is not None and len(found) > limit:
                found.remove(max(found, key=_rank))
        found.sort(key=_rank)
        return found

    # ------------------------------------------------------------------------ storage

    def _route(self, slot: int) -> TripRoute:
        back = int(self._return[slot])
        return TripRoute(
            trip_id=int(self._trip[slot]),
            driver_id=int(self._driver[slot]),
            origin=Point(float(self._lat_a[slot]), float(self._lon_a[slot])),
            destination=Point(float(self._lat_b[slot]), float(self._lon_b[slot])),
            weekdays=frozenset(d for d in range(7) if int(self._weekdays[slot]) & (1 << d)),
            departure=_time(int(self._departure[slot])),
            return_time=None if back == NO_RETURN else _time(back),
            date=_from_ordinal(int(self._date[slot])),
            seats=int(self._seats[slot]),
        )

    def _next_slot(self) -> int:
        if self._size == len(self._trip):
            self._allocate(2 * len(self._trip))
        self._size += 1
        return self._size - 1

    def _allocate(self, capacity: int) -> None:
        self._trip: IntArray = _grown(getattr(self, "_trip", None), capacity)
        self._driver: IntArray = _grown(getattr(self, "_driver", None), capacity)
        self._weekdays: IntArray = _grown(getattr(self, "_weekdays", None), capacity)
        self._departure: IntArray = _grown(getattr(self, "_departure", None), capacity)
        self._return: IntArray = _grown(getattr(self, "_return", None), capacity)
        # a one-off trip's date as a proleptic ordinal (0: a regular trip), its seats
        self._date: IntArray = _grown(getattr(self, "_date", None), capacity)
        self._seats: IntArray = _grown(getattr(self, "_seats", None), capacity)
        self._lat_a: FloatArray = _grown(getattr(self, "_lat_a", None), capacity, np.float64)
        self._lon_a: FloatArray = _grown(getattr(self, "_lon_a", None), capacity, np.float64)
        self._lat_b: FloatArray = _grown(getattr(self, "_lat_b", None), capacity, np.float64)
        self._lon_b: FloatArray = _grown(getattr(self, "_lon_b", None), capacity, np.float64)
        self._length: FloatArray = _grown(getattr(self, "_length", None), capacity, np.float64)
        # the ends as unit vectors (for distances) and the search box, one column each
        self._xa: FloatArray = _grown(getattr(self, "_xa", None), capacity, np.float64)
        self._ya: FloatArray = _grown(getattr(self, "_ya", None), capacity, np.float64)
        self._za: FloatArray = _grown(getattr(self, "_za", None), capacity, np.float64)
        self._xb: FloatArray = _grown(getattr(self, "_xb", None), capacity, np.float64)
        self._yb: FloatArray = _grown(getattr(self, "_yb", None), capacity, np.float64)
        self._zb: FloatArray = _grown(getattr(self, "_zb", None), capacity, np.float64)
        self._min_lat: FloatArray = _grown(getattr(self, "_min_lat", None), capacity, np.float64)
        self._max_lat: FloatArray = _grown(getattr(self, "_max_lat", None), capacity, np.float64)
        self._min_lon: FloatArray = _grown(getattr(self, "_min_lon", None), capacity, np.float64)
        self._max_lon: FloatArray = _grown(getattr(self, "_max_lon", None), capacity, np.float64)


def _grown(old: npt.NDArray[Any] | None, capacity: int, dtype: type = np.int64) -> npt.NDArray[Any]:
    """A column of ``capacity`` rows starting with ``old``'s."""
    if old is not None:
        dtype = old.dtype.type
    fresh: npt.NDArray[Any] = np.zeros(capacity, dtype=dtype)
    if old is not None:
        fresh[: len(old)] = old
    return fresh


class TripColumns:
    """Trips as columns, as read in bulk from the database: ids, drivers, the ends in
    degrees, the weekdays as a bit mask (bit d for weekday d), the departure and the return
    in seconds after midnight (``NO_RETURN`` when there is none)."""

    def __init__(
        self,
        trip: IntArray,
        driver: IntArray,
        lat_a: FloatArray,
        lon_a: FloatArray,
        lat_b: FloatArray,
        lon_b: FloatArray,
        weekdays: IntArray,
        departure: IntArray,
        back: IntArray,
        date: IntArray | None = None,
        seats: IntArray | None = None,
    ) -> None:
        self.trip, self.driver, self.weekdays = trip, driver, weekdays
        self.lat_a, self.lon_a, self.lat_b, self.lon_b = lat_a, lon_a, lat_b, lon_b
        self.departure, self.back = departure, back
        self.date = np.zeros(len(trip), dtype=np.int64) if date is None else date
        self.seats = np.ones(len(trip), dtype=np.int64) if seats is None else seats

    def select(self, keep: npt.NDArray[np.bool_]) -> TripColumns:
        return TripColumns(
            self.trip[keep],
            self.driver[keep],
            self.lat_a[keep],
            self.lon_a[keep],
            self.lat_b[keep],
            self.lon_b[keep],
            self.weekdays[keep],
            self.departure[keep],
            self.back[keep],
            self.date[keep],
            self.seats[keep],
        )

    def route(self, position: int) -> TripRoute:
        back = int(self.back[position])
        return TripRoute(
            trip_id=int(self.trip[position]),
            driver_id=int(self.driver[position]),
            origin=Point(float(self.lat_a[position]), float(self.lon_a[position])),
            destination=Point(float(self.lat_b[position]), float(self.lon_b[position])),
            weekdays=frozenset(d for d in range(7) if int(self.weekdays[position]) & (1 << d)),
            departure=_time(int(self.departure[position])),
            return_time=None if back == NO_RETURN else _time(back),
            date=_from_ordinal(int(self.date[position])),
            seats=int(self.seats[position]),
        )


def _haversine(
    phi_a: FloatArray, lam_a: FloatArray, phi_b: FloatArray, lam_b: FloatArray
) -> FloatArray:
    h = (
        np.sin((phi_b - phi_a) * 0.5) ** 2
        + np.cos(phi_a) * np.cos(phi_b) * np.sin((lam_b - lam_a) * 0.5) ** 2
    )
    result: FloatArray = 2.0 * EARTH_RADIUS_KM * np.arcsin(np.sqrt(np.minimum(h, 1.0)))
    return result


def _search_boxes(
    phi_a: FloatArray,
    lam_a: FloatArray,
    phi_b: FloatArray,
    lam_b: FloatArray,
    length: FloatArray,
    extra_km: float,
    road_factor: float,
) -> tuple[FloatArray, FloatArray, FloatArray, FloatArray]:
    """``bot.matching.search_box`` on whole columns (same steps, same proof), with ten times
    its slack so that a last-bit rounding difference can never make a box smaller."""
    half = (length + extra_km / road_factor) / 2.0
    mid_phi = (phi_a + phi_b) / 2.0
    reach = half / EARTH_RADIUS_KM
    band_low, band_high = mid_phi - reach, mid_phi + reach
    widest = np.maximum(np.abs(band_low), np.abs(band_high))
    polar = widest >= math.pi / 2 - 1e-6
    c = np.cos(np.where(polar, 0.0, widest))
    dlam = lam_b - lam_a
    dlam = np.where(dlam > math.pi, dlam - 2 * math.pi, dlam)
    dlam = np.where(dlam < -math.pi, dlam + 2 * math.pi, dlam)
    ax, ay = EARTH_RADIUS_KM * c * lam_a, EARTH_RADIUS_KM * phi_a
    bx, by = ax + EARTH_RADIUS_KM * c * dlam, EARTH_RADIUS_KM * phi_b
    cx, cy = (ax + bx) / 2.0, (ay + by) / 2.0
    focal = np.hypot(bx - ax, by - ay) / 2.0
    minor_sq = np.maximum(0.0, half * half - focal * focal)
    safe = np.where(focal > 0, 2 * focal, 1.0)
    ux = np.where(focal > 0, (bx - ax) / safe, 1.0)
    uy = np.where(focal > 0, (by - ay) / safe, 0.0)
    half_x = np.sqrt(half * half * ux * ux + minor_sq * uy * uy)
    half_y = np.sqrt(half * half * uy * uy + minor_sq * ux * ux)
    min_phi = np.maximum((cy - half_y) / EARTH_RADIUS_KM, band_low)
    max_phi = np.minimum((cy + half_y) / EARTH_RADIUS_KM, band_high)
    min_lam = (cx - half_x) / (EARTH_RADIUS_KM * c)
    max_lam = (cx + half_x) / (EARTH_RADIUS_KM * c)
    slack = 1e-7
    return (
        np.where(
            polar, np.degrees(np.maximum(band_low, -math.pi / 2)), np.degrees(min_phi) - slack
        ),
        np.where(
            polar, np.degrees(np.minimum(band_high, math.pi / 2)), np.degrees(max_phi) + slack
        ),
        np.where(polar, -180.0, np.degrees(min_lam) - slack),
        np.where(polar, 180.0, np.degrees(max_lam) + slack),
    )


def _legs(
    to_origin: FloatArray,
    ride: float,
    from_destination: FloatArray,
    length: FloatArray,
    start_seconds: IntArray,
    need: NeedQuery,
    params: MatchingParams,
) -> tuple[npt.NDArray[np.bool_], FloatArray, npt.NDArray[np.bool_]]:
    """``bot.matching._leg`` for many legs at once, every limit loosened by ``_LOOSE``:
    (may answer, a lower bound of the extra minutes, surely outside the passenger's window)."""
    factor = params.road_factor
    per_km = 60.0 / params.average_speed_kmh
    detoured = (to_origin + ride + from_destination) * factor
    original = length * factor
    extra = np.maximum(0.0, detoured - original) * per_km
    ok = extra <= params.max_detour_minutes + _EPSILON + _LOOSE
    ok &= (length <= _DEGENERATE_KM) | (
        detoured <= params.max_detour_ratio * original + _EPSILON + _LOOSE
    )
    pickup = start_seconds / 60.0 + to_origin * factor * per_km
    dropoff = pickup + ride * factor * per_km
    ok &= dropoff < MINUTES_PER_DAY + _LOOSE
    at = need.at.hour * 60 + need.at.minute + need.at.second / 60
    slack = _EPSILON + _LOOSE
    if need.mode is TimeMode.LEAVE_AFTER:
        ok &= pickup >= at - params.time_tolerance_minutes - slack
        ok &= pickup <= at + params.max_wait_minutes + slack
        outside = at - pickup
    else:
        ok &= dropoff >= at - params.max_wait_minutes - slack
        ok &= dropoff <= at + params.time_tolerance_minutes + slack
        outside = dropoff - at
    return ok, extra - _LOOSE, outside > slack


def _chord(
    x: FloatArray, y: FloatArray, z: FloatArray, unit: tuple[float, float, float]
) -> FloatArray:
    """Straight-line distances on the unit sphere from the unit vectors (x, y, z) to ``unit``."""
    dx, dy, dz = x - unit[0], y - unit[1], z - unit[2]
    result: FloatArray = np.sqrt(dx * dx + dy * dy + dz * dz)
    return result


def _arc(chords: FloatArray) -> FloatArray:
    """Great-circle distances in km from chords of the unit sphere: 2R·asin(c/2), the same
    as the haversine's to about 1e-12 km."""
    result: FloatArray = 2.0 * EARTH_RADIUS_KM * np.arcsin(np.minimum(chords * 0.5, 1.0))
    return result


def _unit(point: Point) -> tuple[float, float, float]:
    phi, lam = math.radians(point.lat), math.radians(point.lon)
    cos = math.cos(phi)
    return (cos * math.cos(lam), cos * math.sin(lam), math.sin(phi))


def _rank(match: Match) -> tuple[bool, bool, float, float, int]:
    """The order of bot.matching.find_matches (window, seats, detour, time, id)."""
    return matching_rank(match)


def _ordinal(day: dt.date | None) -> int:
    return 0 if day is None else day.toordinal()


def _from_ordinal(ordinal: int) -> dt.date | None:
    return None if ordinal == 0 else dt.date.fromordinal(ordinal)


def _seconds(moment: time) -> int:
    return moment.hour * 3600 + moment.minute * 60 + moment.second


_TIMES: dict[int, time] = {}


def _time(seconds: int) -> time:
    found = _TIMES.get(seconds)
    if found is None:
        found = _TIMES[seconds] = time(seconds // 3600, seconds // 60 % 60, seconds % 60)
    return found
