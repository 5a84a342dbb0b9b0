"""Matching a passenger's need with drivers' trips (design notes, "Matching").

Pure and synchronous: plain values in, plain values out. Knows nothing of Telegram nor of
storage. Over every active trip, the search runs in memory (``bot.matching_index.TripIndex``,
kept in step with the database by ``storage.trip_search.IndexedTripSearch``): it applies the
prefilter below to all trips at once, then this module's ``match_route`` to what is left.

Geometry. Distances are great-circle × ``road_factor``, times at ``average_speed_kmh``. For a
trip A→B and a need O→D, the driver's extra distance is d(A,O) + d(O,D) + d(D,B) − d(A,B). A
leg qualifies when that extra costs at most ``max_detour_minutes`` and the detoured length is at
most ``max_detour_ratio`` × the original one. The return leg is B→A at ``return_time``.

Schedule. A regular trip must run on one of the need's weekdays; a one-off trip (``date``)
answers only a need dated that same day. The pickup is the leg's start time plus the time
from the leg's start to O, the drop-off the pickup plus the time from O to D. "Leave after
T" is answered when T − tolerance ≤ pickup ≤ T + max_wait; "arrive before T" when
T − max_wait ≤ drop-off ≤ T + tolerance. Times never wrap past midnight. A need for today
gives ``not_before`` (the time now): a pickup already gone by answers nothing.

Honest about time. The tolerance lets a ride a little outside the passenger's window be
shown, never as fitting: ``Match.minutes_outside`` says by how much the pickup comes before
"leave after" (or the drop-off after "arrive before"), and such matches rank after every
ride inside the window.

Seats. A trip's seats are taken, per ride date, by accepted introductions (``SeatsTaken``:
one-off rides on their date, regular passengers on their weekday every week). A trip with
no seat left on the need's date (or, for a regular need, on some date to come of every day
they share: its passenger rides each week) is not
offered; the team's wider search asks for ``include_full`` and gets it marked ``full``,
after the others.

Prefilter. By the triangle inequality, d(A,O) + d(O,B) ≤ d(A,O) + d(O,D) + d(D,B), so a leg can
only qualify when O — and likewise D — lies in the ellipse with foci A and B whose distance sum
is d(A,B) + the largest straight-line extra allowed. The ellipse is the same for both legs.
``search_box`` gives a latitude/longitude box that contains that ellipse, for a spatial index.
"""

from __future__ import annotations

import datetime as dt
import enum
import heapq
import math
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from datetime import time
from typing import TYPE_CHECKING

from bot.geo import EARTH_RADIUS_KM

if TYPE_CHECKING:
    from bot.settings import Settings

MINUTES_PER_DAY = 24 * 60
_EPSILON = 1e-9  # absorbs rounding when a value lands exactly on a limit
_SLACK_KM = 1e-6  # the prefilter errs on the side of keeping (a millimetre)
_DEGENERATE_KM = 1e-6  # a trip shorter than a millimetre goes nowhere: no ratio test


@dataclass(frozen=True, slots=True)
class Point:
    """A position in degrees. The radians and the cosine of the latitude are kept (not
    compared) because every distance needs them and matching computes millions."""

    lat: float
    lon: float
    _phi: float = field(init=False, repr=False, compare=False)
    _lam: float = field(init=False, repr=False, compare=False)
    _cos: float = field(init=False, repr=False, compare=False)

    def __post_init__(self) -> None:
        phi = math.radians(self.lat)
        object.__setattr__(self, "_phi", phi)
        object.__setattr__(self, "_lam", math.radians(self.lon))
        object.__setattr__(self, "_cos", math.cos(phi))


@dataclass(frozen=True)
class MatchingParams:
    road_factor: float = 1.3
    average_speed_kmh: float = 60.0
    max_detour_minutes: float = 15.0
    max_detour_ratio: float = 1.8
    time_tolerance_minutes: float = 30.0
    # A pickup more than this after "leave after" (or a drop-off this long before "arrive
    # before") is not a fit.
    max_wait_minutes: float = 180.0

    def __post_init__(self) -> None:
        if self.road_factor < 1.0:
            raise ValueError("road_factor must be at least 1")
        if self.average_speed_kmh <= 0:
            raise ValueError("average_speed_kmh must be positive")
        if self.max_detour_ratio < 1.0:
            raise ValueError("max_detour_ratio must be at least 1")
        for name in ("max_detour_minutes", "time_tolerance_minutes", "max_wait_minutes"):
            if getattr(self, name) < 0:
                raise ValueError(f"{name} must not be negative")

    @classmethod
    def from_settings(cls, settings: Settings) -> MatchingParams:
        return cls(
            road_factor=settings.road_factor,
            average_speed_kmh=settings.average_speed_kmh,
            max_detour_minutes=settings.max_detour_minutes,
            max_detour_ratio=settings.max_detour_ratio,
            time_tolerance_minutes=settings.time_tolerance_minutes,
            max_wait_minutes=settings.max_wait_minutes,
        )

    def relaxed(self, factor: float = 2.0) -> MatchingParams:
        """Wider limits, for operators looking for anyone at all: the detour minutes, the
        part of the ratio above 1 (1.8 → 2.6 with 2) and the time tolerance are multiplied
        by ``factor``; distances, speed and the longest wait are kept."""
        if factor < 1.0:
            raise ValueError("a relaxed search is not narrower")
        return MatchingParams(
            road_factor=self.road_factor,
            average_speed_kmh=self.average_speed_kmh,
            max_detour_minutes=self.max_detour_minutes * factor,
            max_detour_ratio=1.0 + (self.max_detour_ratio - 1.0) * factor,
            time_tolerance_minutes=self.time_tolerance_minutes * factor,
            max_wait_minutes=self.max_wait_minutes,
        )

    @property
    def max_extra_road_km(self) -> float:
        """The longest extra road distance the detour limit allows."""
        return self.max_detour_minutes * self.average_speed_kmh / 60.0


class TimeMode(enum.StrEnum):
    LEAVE_AFTER = "leave_after"
    ARRIVE_BEFORE = "arrive_before"


class Leg(enum.StrEnum):
    OUTBOUND = "outbound"
    RETURN = "return"


@dataclass(frozen=True, slots=True)
class TripRoute:
    """What matching needs of a trip. Weekdays: 0 = Monday; a one-off trip has its `date`
    (and the weekday of that date)."""

    trip_id: int
    driver_id: int
    origin: Point
    destination: Point
    weekdays: frozenset[int]
    departure: time
    return_time: time | None
    date: dt.date | None = None
    seats: int = 1
    _length_km: float = field(init=False, repr=False, compare=False)  # great circle A→B

    def __post_init__(self) -> None:
        object.__setattr__(self, "_length_km", distance_km(self.origin, self.destination))


@dataclass(frozen=True)
class NeedQuery:
    origin: Point
    destination: Point
    # A dated need passes {date.weekday()}; a recurring need its days.
    weekdays: frozenset[int]
    mode: TimeMode
    at: time
    # The person themselves, drivers who declined.
    excluded_drivers: frozenset[int] = frozenset()
    excluded_trips: frozenset[int] = frozenset()
    date: dt.date | None = None  # a dated need's day (None: a regular need)
    # For a need today: the time now, before which no pickup can happen any more.
    not_before: time | None = None


@dataclass(frozen=True)
class SeatsTaken:
    """A trip's seats promised by accepted introductions: to one-off passengers on their
    date, and to regular passengers on their weekday, every week."""

    on_dates: Mapping[dt.date, int] = field(default_factory=dict)
    every_week: Mapping[int, int] = field(default_factory=dict)

    def on(self, day: dt.date) -> int:
        """Seats taken on that date."""
        return self.on_dates.get(day, 0) + self.every_week.get(day.weekday(), 0)

    def weekly(self, weekday: int) -> int:
        """Seats taken every week on that weekday."""
        return self.every_week.get(weekday, 0)

    def most_on(self, weekday: int) -> int:
        """The most seats taken on any date to come of that weekday: every week's, and the
        fullest of its dates (a one-off passenger, a partner's booking)."""
        dated = (count for day, count in self.on_dates.items() if day.weekday() == weekday)
        return self.weekly(weekday) + max(dated, default=0)


NO_SEATS_TAKEN = SeatsTaken()


BANDS: tuple[tuple[float, str], ...] = ((5.0, "0-5"), (20.0, "5-20"), (45.0, "20-45"))


@dataclass(frozen=True)
class Match:
    trip_id: int
    driver_id: int
    leg: Leg
    weekdays: frozenset[int]  # the need's days this trip runs on (never empty)
    pickup: time  # estimated, to the minute
    dropoff: time
    extra_minutes: float  # the driver's extra time
    time_gap_minutes: float  # closeness to the passenger's constraint (0 = perfect)
    # How far outside the passenger's window (a pickup before "leave after", a drop-off after
    # "arrive before"), within the tolerance; 0 inside it.
    minutes_outside: float = 0.0
    full: bool = False  # no seat left that day (only with include_full)

    @property
    def fits_window(self) -> bool:
        return self.minutes_outside <= _EPSILON

    @property
    def band(self) -> str:
        """ "0-5", "5-20", "20-45" or "45+": the band of the extra minutes (upper bounds
        inclusive: exactly 5 minutes is "0-5")."""
        for upper, name in BANDS:
            if self.extra_minutes <= upper:
                return name
        return "45+"


# ----------------------------------------------------------------------------- distances


def distance_km(a: Point, b: Point) -> float:
    """Great-circle distance (haversine)."""
    dphi = b._phi - a._phi
    dlam = b._lam - a._lam
    h = math.sin(dphi * 0.5) ** 2 + a._cos * b._cos * math.sin(dlam * 0.5) ** 2
    return 2.0 * EARTH_RADIUS_KM * math.asin(math.sqrt(h) if h < 1.0 else 1.0)


def road_km(a: Point, b: Point, params: MatchingParams) -> float:
    return distance_km(a, b) * params.road_factor


def minutes(km: float, params: MatchingParams) -> float:
    """Minutes to drive ``km`` of road at the average speed."""
    return km * 60.0 / params.average_speed_kmh


# ----------------------------------------------------------------------------- matching


SeatsByTrip = Mapping[int, SeatsTaken]


def match_route(
    route: TripRoute,
    need: NeedQuery,
    params: MatchingParams,
    seats_taken: SeatsTaken = NO_SEATS_TAKEN,
    *,
    include_full: bool = False,
) -> Match | None:
    """The best of the trip's outbound and return legs for this need, or None."""
    d_od = distance_km(need.origin, need.destination)
    return _match(route, need, params, d_od, seats_taken, include_full)


def find_matches(
    need: NeedQuery,
    routes: Iterable[TripRoute],
    params: MatchingParams,
    limit: int | None = None,
    *,
    prefilter: bool = True,
    seats_taken: SeatsByTrip | None = None,
    include_full: bool = False,
) -> list[Match]:
    """Every trip that answers, best first: inside the passenger's window before outside
    it, seats left before full, then fewest extra minutes, closest in time, trip id.
    ``prefilter=False`` skips the ellipse test (same result, slower: for checks)."""
    o, d = need.origin, need.destination
    d_od = distance_km(o, d)
    taken = seats_taken or {}
    found: list[Match] = []
    if prefilter:
        extra_km = params.max_extra_road_km / params.road_factor
        ratio_slack = params.max_detour_ratio - 1.0
        for route in routes:
            # the ellipse test, inlined (see in_search_ellipse)
            length = route._length_km
            allowed = length + _straight_extra(length, extra_km, ratio_slack) + _SLACK_KM
            a, b = route.origin, route.destination
            if distance_km(a, o) + distance_km(o, b) > allowed:
                continue
            if distance_km(a, d) + distance_km(d, b) > allowed:
                continue
            seats = taken.get(route.trip_id, NO_SEATS_TAKEN)
            match = _match(route, need, params, d_od, seats, include_full)
            if match is not None:
                found.append(match)
    else:
        for route in routes:
            seats = taken.get(route.trip_id, NO_SEATS_TAKEN)
            match = _match(route, need, params, d_od, seats, include_full)
            if match is not None:
                found.append(match)
    if limit is not None:
        return heapq.nsmallest(limit, found, key=_rank)
    found.sort(key=_rank)
    return found


def in_search_ellipse(point: Point, route: TripRoute, params: MatchingParams) -> bool:
    """Whether ``point`` may be an end of a need this trip can take (either leg): inside the
    ellipse of foci A and B whose distance sum is d(A,B) plus the largest straight-line extra
    the limits allow (the detour minutes, and the ratio when it is tighter)."""
    length = route._length_km
    extra_km = params.max_extra_road_km / params.road_factor
    allowed = length + _straight_extra(length, extra_km, params.max_detour_ratio - 1.0)
    total = distance_km(route.origin, point) + distance_km(point, route.destination)
    return total <= allowed + _SLACK_KM


def _straight_extra(length_km: float, time_extra_km: float, ratio_slack: float) -> float:
    """The largest straight-line extra: the time limit's, or the ratio's when tighter.
    (Detoured ≤ ratio × original ⇔ extra ≤ (ratio − 1) × original, road factor on both.)"""
    if length_km <= _DEGENERATE_KM:
        return time_extra_km
    return min(time_extra_km, ratio_slack * length_km)


def _rank(match: Match) -> tuple[bool, bool, float, float, int]:
    return (
        not match.fits_window,
        match.full,
        match.extra_minutes,
        match.time_gap_minutes,
        match.trip_id,
    )


def ride_days(route: TripRoute, need: NeedQuery) -> frozenset[int]:
    """The need's weekdays this trip runs on: a one-off trip only for a need of its date."""
    if route.date is not None:
        return frozenset({route.date.weekday()}) if need.date == route.date else frozenset()
    return need.weekdays & route.weekdays


def days_with_seats(
    route: TripRoute, need: NeedQuery, days: frozenset[int], taken: SeatsTaken
) -> frozenset[int]:
    """Of `days`, those with a seat left: on the need's date, or, for a regular need, on
    every date to come of that weekday (a seat promised to a one-off passenger next Tuesday
    leaves no seat for someone who rides every Tuesday)."""
    if need.date is not None:
        return days if taken.on(need.date) < route.seats else frozenset()
    return frozenset(day for day in days if taken.most_on(day) < route.seats)


def _match(
    route: TripRoute,
    need: NeedQuery,
    params: MatchingParams,
    d_od: float,
    taken: SeatsTaken = NO_SEATS_TAKEN,
    include_full: bool = False,
) -> Match | None:
    if route.driver_id in need.excluded_drivers or route.trip_id in need.excluded_trips:
        return None
    days = ride_days(route, need)
    if not days:
        return None
    with_seats = days_with_seats(route, need, days, taken)
    full = not with_seats
    if full and not include_full:
        return None
    days = with_seats or days
    a, b, o, d = route.origin, route.destination, need.origin, need.destination
    length = route._length_km
    outbound = _leg(
        Leg.OUTBOUND,
        route.departure,
        distance_km(a, o),
        d_od,
        distance_km(d, b),
        length,
        need,
        params,
    )
    back = None
    if route.return_time is not None:
        back = _leg(
            Leg.RETURN,
            route.return_time,
            distance_km(b, o),
            d_od,
            distance_km(d, a),
            length,
            need,
            params,
        )
    best = outbound if back is None or (outbound is not None and outbound <= back) else back
    if best is None:
        return None
    _, extra, gap, leg, pickup, dropoff, outside = best
    return Match(
        trip_id=route.trip_id,
        driver_id=route.driver_id,
        leg=leg,
        weekdays=frozenset(int(day) for day in days),
        pickup=_clock(pickup),
        dropoff=_clock(dropoff),
        extra_minutes=extra,
        time_gap_minutes=gap,
        minutes_outside=outside,
        full=full,
    )


def _leg(
    leg: Leg,
    start: time,
    to_origin_km: float,
    ride_km: float,
    from_destination_km: float,
    length_km: float,
    need: NeedQuery,
    params: MatchingParams,
) -> tuple[bool, float, float, Leg, float, float, float] | None:
    """(outside the window?, extra minutes, time gap, leg, pickup, drop-off in minutes after
    midnight, minutes outside the window) if the leg answers the need. Distances are
    great-circle; the road factor and the speed apply here."""
    factor = params.road_factor
    detoured = (to_origin_km + ride_km + from_destination_km) * factor
    original = length_km * factor
    extra_km = max(0.0, detoured - original)
    extra = minutes(extra_km, params)
    if extra > params.max_detour_minutes + _EPSILON:
        return None
    if length_km > _DEGENERATE_KM and detoured > params.max_detour_ratio * original + _EPSILON:
        return None
    pickup = _minutes_of(start) + minutes(to_origin_km * factor, params)
    dropoff = pickup + minutes(ride_km * factor, params)
    if dropoff >= MINUTES_PER_DAY:  # no wrapping past midnight (pickup ≤ drop-off)
        return None
    if need.not_before is not None and _clock(pickup) < need.not_before:
        return None  # today, and already gone by
    at = _minutes_of(need.at)
    if need.mode is TimeMode.LEAVE_AFTER:
        if not at - params.time_tolerance_minutes - _EPSILON <= pickup:
            return None
        if not pickup <= at + params.max_wait_minutes + _EPSILON:
            return None
        gap = abs(pickup - at)
        outside = max(0.0, at - pickup)
    else:
        if not at - params.max_wait_minutes - _EPSILON <= dropoff:
            return None
        if not dropoff <= at + params.time_tolerance_minutes + _EPSILON:
            return None
        gap = abs(at - dropoff)
        outside = max(0.0, dropoff - at)
    if outside <= _EPSILON:
        outside = 0.0
    return (outside > 0.0, extra, gap, leg, pickup, dropoff, outside)


def _minutes_of(moment: time) -> float:
    return moment.hour * 60 + moment.minute + moment.second / 60


def _clock(minutes_after_midnight: float) -> time:
    """To the nearest minute, never past 23:59."""
    total = min(round(minutes_after_midnight), MINUTES_PER_DAY - 1)
    return time(total // 60, total % 60)


# ----------------------------------------------------------------------------- the box


def search_box(
    route_origin: Point, route_destination: Point, extra_km: float, road_factor: float
) -> tuple[float, float, float, float]:
    """(min_lat, max_lat, min_lon, max_lon) in degrees of a box containing every point P with
    d(A,P) + d(P,B) ≤ d(A,B) + extra_km / road_factor (great circle; ``extra_km`` is road).

    Never too small, and tight up to about 1% in longitude. The proof:

    1. The ellipse is geodesically star-shaped from its foci: if Q is on the shortest path from
       A to P, d(A,Q) + d(Q,B) ≤ d(A,Q) + d(Q,P) + d(P,B) = d(A,P) + d(P,B). So the shortest
       paths from A and B to any point of the ellipse stay in the ellipse.
    2. A latitude difference is at most the distance: R·|φP − φA| ≤ d(A,P), and the same from
       B; summed, every point of the ellipse has |φP − (φA + φB)/2| ≤ S / 2R, S the sum.
    3. On the band of latitudes where cos φ ≥ c (2. gives it), the map
       π(φ, λ) = (R·c·λ, R·φ) shortens every path (its metric R²(c²dλ² + dφ²) is below the
       sphere's R²(cos²φ dλ² + dφ²)), so |π(P) − π(A)| ≤ d(A,P) by 1. and the same for B:
       π(P) lies in the plane ellipse with foci π(A), π(B) and sum S, whose box is exact.
    """
    if extra_km < 0:
        raise ValueError("extra_km must not be negative")
    a, b = route_origin, route_destination
    total = distance_km(a, b) + extra_km / road_factor  # S
    half = total / 2.0
    # 2. the latitude band
    mid_phi = (a._phi + b._phi) / 2.0
    reach = half / EARTH_RADIUS_KM
    band_low, band_high = mid_phi - reach, mid_phi + reach
    widest = max(abs(band_low), abs(band_high))
    if widest >= math.pi / 2 - 1e-6:  # reaches a pole: every longitude
        return (
            math.degrees(max(band_low, -math.pi / 2)),
            math.degrees(min(band_high, math.pi / 2)),
            -180.0,
            180.0,
        )
    c = math.cos(widest)
    # 3. the plane ellipse (x east, y north, km), longitudes unwrapped around A's
    dlam = b._lam - a._lam
    if dlam > math.pi:
        dlam -= 2 * math.pi
    elif dlam < -math.pi:
        dlam += 2 * math.pi
    ax, ay = EARTH_RADIUS_KM * c * a._lam, EARTH_RADIUS_KM * a._phi
    bx, by = ax + EARTH_RADIUS_KM * c * dlam, EARTH_RADIUS_KM * b._phi
    cx, cy = (ax + bx) / 2.0, (ay + by) / 2.0
    focal = math.hypot(bx - ax, by - ay) / 2.0  # ≤ half, π shortens A–B too
    minor_sq = max(0.0, half * half - focal * focal)
    if focal > 0:
        ux, uy = (bx - ax) / (2 * focal), (by - ay) / (2 * focal)
    else:
        ux, uy = 1.0, 0.0
    half_x = math.sqrt(half * half * ux * ux + minor_sq * uy * uy)
    half_y = math.sqrt(half * half * uy * uy + minor_sq * ux * ux)
    min_phi = max((cy - half_y) / EARTH_RADIUS_KM, band_low)
    max_phi = min((cy + half_y) / EARTH_RADIUS_KM, band_high)
    min_lam = (cx - half_x) / (EARTH_RADIUS_KM * c)
    max_lam = (cx + half_x) / (EARTH_RADIUS_KM * c)
    # a hair of slack for floating point (about a millimetre)
    slack = 1e-8
    return (
        math.degrees(min_phi) - slack,
        math.degrees(max_phi) + slack,
        math.degrees(min_lam) - slack,
        math.degrees(max_lam) + slack,
    )
