"""Which of our trips and needs answer a partner's search, by the standard's rules.

A query names a departure and an arrival point with a radius around each (1 km by
default), and a time with a margin (`timeDelta`, 900 s by default): a punctual date, or a
time of day on some weekdays for regular trips. Every result must match it: the passenger's
pickup within the departure radius, the drop-off within the arrival radius, the pickup time
within the margin. Our drivers come to the passenger's door when the detour fits Mobilot's
own limits (bot/matching.py), so the pickup is the requested point itself; a need matches
when its own ends lie within the radii.

Pure: plain values in and out; the service (served.py) fetches trips, needs and people.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta
from zoneinfo import ZoneInfo

from bot.domain import Need, Person, Trip
from bot.matching import (
    Leg,
    MatchingParams,
    Point,
    TimeMode,
    TripRoute,
    distance_km,
    minutes,
    road_km,
)

DEFAULT_RADIUS_KM = 1.0
DEFAULT_TIME_DELTA = timedelta(seconds=900)
# How far ahead regular trips list their dated journeys, when the partner gives no bound.
HORIZON = timedelta(days=28)
# A punctual search looks at most this far on either side of its date.
LONGEST_TIME_DELTA = timedelta(days=7)
WEEKDAY_CODES = ("MON", "TUE", "WED", "THU", "FRI", "SAT", "SUN")
ALL_WEEKDAYS = frozenset(range(7))


@dataclass(frozen=True)
class Area:
    departure: Point
    arrival: Point
    departure_radius_km: float = DEFAULT_RADIUS_KM
    arrival_radius_km: float = DEFAULT_RADIUS_KM


@dataclass(frozen=True)
class DatedQuery:
    area: Area
    departure: datetime  # aware, UTC
    time_delta: timedelta = DEFAULT_TIME_DELTA
    count: int | None = None


@dataclass(frozen=True)
class RegularQuery:
    area: Area
    time_of_day: time  # local wall-clock time in the territory
    weekdays: frozenset[int] = ALL_WEEKDAYS
    time_delta: timedelta = DEFAULT_TIME_DELTA
    min_departure: datetime | None = None
    max_departure: datetime | None = None
    count: int | None = None


@dataclass(frozen=True)
class Course:
    """How a driver's leg carries a passenger from P to Q: minutes after the leg's start to
    the pickup, minutes of the ride itself, road kilometres of the ride."""

    leg: Leg
    start: time
    to_pickup_minutes: float
    ride_minutes: float
    ride_km: float
    extra_minutes: float


@dataclass(frozen=True)
class DriverRide:
    """One of our trips on one date, as a partner's passenger would take it."""

    id: str
    trip: Trip
    driver: Person
    course: Course
    pickup: Point
    drop: Point
    pickup_at: datetime  # UTC
    departs_at: datetime  # the driver's own departure, UTC
    seats: int
    weekday: int  # of the pickup, in the territory


@dataclass(frozen=True)
class DriverRegular:
    trip: Trip
    driver: Person
    course: Course
    pickup: Point
    drop: Point
    pickup_time: time  # local
    days: frozenset[int]
    rides: list[DriverRide]


@dataclass(frozen=True)
class PassengerRide:
    id: str
    need: Need
    passenger: Person
    pickup_at: datetime  # UTC
    departs_at: datetime  # the driver's, unknown to us: the pickup itself
    ride_km: float
    ride_minutes: float
    weekday: int


@dataclass(frozen=True)
class PassengerRegular:
    need: Need
    passenger: Person
    pickup_time: time
    days: frozenset[int]
    ride_km: float
    ride_minutes: float
    rides: list[PassengerRide]


# Ids: unique per operator and stable (the same trip on the same date keeps its id).


def ride_id(trip_id: int, leg: Leg, day: date) -> str:
    return f"trip-{trip_id}-{'out' if leg is Leg.OUTBOUND else 'back'}-{day:%Y%m%d}"


def parse_ride_id(value: str) -> tuple[int, Leg, date] | None:
    parts = value.split("-")
    if len(parts) != 4 or parts[0] != "trip" or parts[2] not in ("out", "back"):
        return None
    if not (parts[1].isascii() and parts[1].isdigit() and len(parts[1]) <= 12):
        return None
    try:
        day = datetime.strptime(parts[3], "%Y%m%d").date()
    except ValueError:
        return None
    return int(parts[1]), Leg.OUTBOUND if parts[2] == "out" else Leg.RETURN, day


def need_ride_id(need_id: int, day: date) -> str:
    return f"need-{need_id}-{day:%Y%m%d}"


# Our trips.


def runs_on(trip: Trip | TripRoute, day: date) -> bool:
    """Whether the trip runs that date (a regular trip: on its weekdays). The one seam for
    one-off trips, which run on their own `date` only (their weekdays are that date's)."""
    once = getattr(trip, "date", None)
    if isinstance(once, date):
        return day == once
    return day.weekday() in {int(d) for d in trip.weekdays}


def courses(trip: Trip | TripRoute, area: Area, params: MatchingParams) -> list[Course]:
    """The trip's legs that can carry a passenger from the departure to the arrival point
    within Mobilot's detour limits (from the trip, or from its route alone: the same)."""
    a = Point(trip.origin.lat, trip.origin.lon)
    b = Point(trip.destination.lat, trip.destination.lon)
    p, q = area.departure, area.arrival
    legs = [(Leg.OUTBOUND, trip.departure, a, b)]
    if trip.return_time is not None:
        legs.append((Leg.RETURN, trip.return_time, b, a))
    found = []
    for leg, start, first, last in legs:
        original = road_km(first, last, params)
        detoured = road_km(first, p, params) + road_km(p, q, params) + road_km(q, last, params)
        extra = minutes(max(0.0, detoured - original), params)
        if extra > params.max_detour_minutes + 1e-9:
            continue
        if original > 1e-6 and detoured > params.max_detour_ratio * original + 1e-9:
            continue
        to_pickup = minutes(road_km(first, p, params), params)
        ride_km = road_km(p, q, params)
        found.append(Course(leg, start, to_pickup, minutes(ride_km, params), ride_km, extra))
    return found


def pickup_moment(day: date, course: Course, zone: ZoneInfo) -> datetime:
    start = datetime.combine(day, course.start, tzinfo=zone)
    return (start + timedelta(minutes=course.to_pickup_minutes)).astimezone(UTC)


def dated_moments(
    trip: Trip | TripRoute,
    query: DatedQuery,
    params: MatchingParams,
    zone: ZoneInfo,
    now: datetime,
) -> list[tuple[Course, date]]:
    """The legs and dates whose pickup falls within ±timeDelta of the requested moment
    (still to come). Computed from the route alone: trips are read only when it fits."""
    delta = min(query.time_delta, LONGEST_TIME_DELTA)
    first = (query.departure - delta).astimezone(zone).date() - timedelta(days=1)
    last = (query.departure + delta).astimezone(zone).date()
    found = []
    for course in courses(trip, query.area, params):
        day = first
        while day <= last:
            if runs_on(trip, day):
                pickup_at = pickup_moment(day, course, zone)
                if abs(pickup_at - query.departure) <= delta and pickup_at > now:
                    found.append((course, day))
            day += timedelta(days=1)
    return found


def dated_rides(
    trip: Trip,
    driver: Person,
    query: DatedQuery,
    params: MatchingParams,
    zone: ZoneInfo,
    now: datetime,
) -> list[DriverRide]:
    """The trip's rides whose pickup falls within ±timeDelta of the requested moment."""
    return [
        _ride(trip, driver, course, query.area, day, zone)
        for course, day in dated_moments(trip, query, params, zone, now)
    ]


def regular_fits(trip: Trip | TripRoute, query: RegularQuery, params: MatchingParams) -> bool:
    """Whether a leg of the trip may answer the regular query (before reading the trip)."""
    if not frozenset(int(d) for d in trip.weekdays) & query.weekdays:
        return False
    for course in courses(trip, query.area, params):
        pickup = _wall(course.start, course.to_pickup_minutes)
        if pickup is not None and _within(pickup, query.time_of_day, query.time_delta):
            return True
    return False


def regular_offer(
    trip: Trip,
    driver: Person,
    query: RegularQuery,
    params: MatchingParams,
    zone: ZoneInfo,
    now: datetime,
) -> DriverRegular | None:
    """The trip as a regular offer for the query: its best fitting leg, or None."""
    best: DriverRegular | None = None
    for course in courses(trip, query.area, params):
        pickup = _wall(course.start, course.to_pickup_minutes)
        if pickup is None or not _within(pickup, query.time_of_day, query.time_delta):
            continue
        days = frozenset(int(d) for d in trip.weekdays) & query.weekdays
        if not days or isinstance(getattr(trip, "date", None), date):
            continue  # a one-off trip is a punctual journey, not a regular trip
        low, high = _bounds(query, now)
        rides = [
            _ride(trip, driver, course, query.area, day, zone)
            for day in _days_between(low, high, zone)
            if day.weekday() in days and runs_on(trip, day)
        ]
        rides = [r for r in rides if low <= r.pickup_at <= high]
        if (query.min_departure or query.max_departure) and not rides:
            continue
        offer = DriverRegular(
            trip, driver, course, query.area.departure, query.area.arrival, pickup, days, rides
        )
        if best is None or course.extra_minutes < best.course.extra_minutes:
            best = offer
    return best


def _ride(
    trip: Trip, driver: Person, course: Course, area: Area, day: date, zone: ZoneInfo
) -> DriverRide:
    pickup_at = pickup_moment(day, course, zone)
    departs_at = datetime.combine(day, course.start, tzinfo=zone).astimezone(UTC)
    return DriverRide(
        ride_id(trip.id, course.leg, day),
        trip,
        driver,
        course,
        area.departure,
        area.arrival,
        pickup_at,
        departs_at,
        trip.seats,
        day.weekday(),
    )


# Our passengers' needs (those their owners agreed to show).


def need_fits_area(need: Need, area: Area) -> bool:
    origin = Point(need.origin.lat, need.origin.lon)
    destination = Point(need.destination.lat, need.destination.lon)
    return (
        distance_km(origin, area.departure) <= area.departure_radius_km
        and distance_km(destination, area.arrival) <= area.arrival_radius_km
    )


def need_course(need: Need, params: MatchingParams) -> tuple[time | None, float, float]:
    """The need's pickup time (local), the ride's road km and minutes."""
    origin = Point(need.origin.lat, need.origin.lon)
    destination = Point(need.destination.lat, need.destination.lon)
    ride_km = road_km(origin, destination, params)
    ride_minutes = minutes(ride_km, params)
    if need.time_mode is TimeMode.LEAVE_AFTER:
        return need.at, ride_km, ride_minutes
    return _wall(need.at, -ride_minutes), ride_km, ride_minutes


def need_ride(
    need: Need, passenger: Person, day: date, params: MatchingParams, zone: ZoneInfo
) -> PassengerRide | None:
    pickup, ride_km, ride_minutes = need_course(need, params)
    if pickup is None:
        return None
    pickup_at = datetime.combine(day, pickup, tzinfo=zone).astimezone(UTC)
    return PassengerRide(
        need_ride_id(need.id, day),
        need,
        passenger,
        pickup_at,
        pickup_at,
        ride_km,
        ride_minutes,
        day.weekday(),
    )


def dated_need(
    need: Need,
    passenger: Person,
    query: DatedQuery,
    params: MatchingParams,
    zone: ZoneInfo,
    now: datetime,
) -> PassengerRide | None:
    if need.travel_date is None or not need_fits_area(need, query.area):
        return None
    ride = need_ride(need, passenger, need.travel_date, params, zone)
    if ride is None or ride.pickup_at <= now:
        return None
    if abs(ride.pickup_at - query.departure) > min(query.time_delta, LONGEST_TIME_DELTA):
        return None
    return ride


def regular_need(
    need: Need,
    passenger: Person,
    query: RegularQuery,
    params: MatchingParams,
    zone: ZoneInfo,
    now: datetime,
) -> PassengerRegular | None:
    if need.travel_date is not None or not need_fits_area(need, query.area):
        return None
    pickup, ride_km, ride_minutes = need_course(need, params)
    if pickup is None or not _within(pickup, query.time_of_day, query.time_delta):
        return None
    days = frozenset(int(d) for d in need.weekdays) & query.weekdays
    if not days:
        return None
    low, high = _bounds(query, now)
    rides = [
        ride
        for day in _days_between(low, high, zone)
        if day.weekday() in days
        and (ride := need_ride(need, passenger, day, params, zone)) is not None
        and low <= ride.pickup_at <= high
    ]
    if (query.min_departure or query.max_departure) and not rides:
        return None
    return PassengerRegular(need, passenger, pickup, days, ride_km, ride_minutes, rides)


# Time helpers.


def _wall(start: time, plus_minutes: float) -> time | None:
    """The wall-clock time `plus_minutes` after `start`, to the second; None past midnight."""
    total = start.hour * 3600 + start.minute * 60 + start.second + round(plus_minutes * 60)
    if not 0 <= total < 24 * 3600:
        return None
    return time(total // 3600, total % 3600 // 60, total % 60)


def _within(moment: time, wanted: time, delta: timedelta) -> bool:
    seconds = abs(
        (moment.hour * 3600 + moment.minute * 60 + moment.second)
        - (wanted.hour * 3600 + wanted.minute * 60 + wanted.second)
    )
    return seconds <= delta.total_seconds()


def _bounds(query: RegularQuery, now: datetime) -> tuple[datetime, datetime]:
    low = max(now, query.min_departure) if query.min_departure else now
    return low, query.max_departure or now + HORIZON


def _days_between(low: datetime, high: datetime, zone: ZoneInfo) -> list[date]:
    first, last = low.astimezone(zone).date(), high.astimezone(zone).date()
    if last < first:
        return []
    last = min(last, first + HORIZON)  # the journeys listed stop at the horizon
    return [first + timedelta(days=n) for n in range((last - first).days + 1)]
