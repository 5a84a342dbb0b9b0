"""On-demand transport (TAD) as data: who may be carried where, when, and until when it can
be booked (GTFS-Flex booking rules, `reference/gtfs-flex.md`).

A service comes from a GTFS feed with Flex files (bot/transit/flex.py) or from an on-demand
row of the SERVICES_FILE (bot/transit/catalog.py); both take this one shape. Pure: the
deadline for a date, the next date still possible, whether a need's two ends and time fit.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, time, timedelta
from zoneinfo import ZoneInfo

from bot.geo import km_between

# booking_type
REAL_TIME, SAME_DAY, PRIOR_DAYS = 0, 1, 2
# A place within this distance of a stop served on demand is served (as for coaches).
NEAR_STOP_M = 2_000
# How far ahead the next possible date is looked for.
LOOK_AHEAD_DAYS = 21


@dataclass(frozen=True)
class ServiceDays:
    """The days a service runs (or counts for its notice): weekdays between two dates, with
    days added and removed (a GTFS calendar; a SERVICES_FILE row has only the weekdays)."""

    weekdays: str = "1111111"  # Monday first
    start: date | None = None
    end: date | None = None
    added: frozenset[date] = frozenset()
    removed: frozenset[date] = frozenset()

    def runs(self, day: date) -> bool:
        if day in self.added:
            return True
        if day in self.removed:
            return False
        if self.start is not None and day < self.start:
            return False
        if self.end is not None and day > self.end:
            return False
        return self.weekdays[day.weekday()] == "1"


EVERY_DAY = ServiceDays()


@dataclass(frozen=True)
class BookingRule:
    booking_type: int
    prior_notice_duration_min: int = 0  # type 1
    prior_notice_last_day: int = 0  # type 2
    prior_notice_last_time: int = 0  # type 2, seconds after midnight
    # type 2: count only the days of this service (None: calendar days)
    notice_days: ServiceDays | None = None
    phone: str = ""
    booking_url: str = ""
    info_url: str = ""
    message: str = ""


@dataclass(frozen=True)
class OnDemandService:
    name: str
    rule: BookingRule
    zone: ZoneInfo  # in which its days, hours and deadlines are counted
    days: ServiceDays = EVERY_DAY
    window: tuple[int, int] = (0, 86_400)  # seconds after midnight, when it carries people
    communes: frozenset[str] = frozenset()  # INSEE codes of the zone (SERVICES_FILE)
    departments: frozenset[str] = frozenset()
    stop_communes: frozenset[str] = frozenset()  # communes of stops served (SERVICES_FILE)
    areas: tuple[Area, ...] = ()  # zones (locations.geojson)
    stops: tuple[tuple[float, float], ...] = ()  # stops served (GTFS stops, location groups)

    # Where.

    def place_in_zone(self, lat: float, lon: float, codes: frozenset[str], department: str) -> bool:
        if self.communes & codes or department in self.departments:
            return True
        return any(area.contains(lat, lon) for area in self.areas)

    def place_at_stop(self, lat: float, lon: float, codes: frozenset[str]) -> bool:
        if self.stop_communes & codes:
            return True
        return any(
            km_between(lat, lon, s_lat, s_lon) * 1000 <= NEAR_STOP_M for s_lat, s_lon in self.stops
        )

    # When.

    def fits(self, at: int, leave_after: bool, wait_s: int) -> bool:
        """Whether a person leaving after (else arriving before) `at` can ride in its hours."""
        start, end = self.window
        if leave_after:
            return at <= end and at + wait_s >= start
        return at >= start and at - wait_s <= end

    def ride_time(self, at: int, leave_after: bool) -> int:
        """The time of the ride asked, within the service's hours."""
        start, end = self.window
        return min(max(at, start), end) if leave_after else max(min(at, end), start)

    def deadline(self, day: date, at: int) -> datetime:
        """The last moment to book a ride on `day` at `at` (seconds), as a UTC moment."""
        rule = self.rule
        ride = _moment(day, at, self.zone)
        if rule.booking_type == REAL_TIME:
            return ride
        if rule.booking_type == SAME_DAY:
            return ride - timedelta(minutes=rule.prior_notice_duration_min)
        counted = rule.notice_days
        last = day
        for _ in range(rule.prior_notice_last_day):
            last -= timedelta(days=1)
            if counted is not None:
                for _ in range(366):
                    if counted.runs(last):
                        break
                    last -= timedelta(days=1)
        return _moment(last, rule.prior_notice_last_time, self.zone)

    def possible(self, day: date, at: int, now: datetime) -> tuple[date, datetime] | None:
        """The first date from `day` on that it runs and can still be booked, and the
        deadline for it (None: nothing within three weeks)."""
        for ahead in range(LOOK_AHEAD_DAYS + 1):
            candidate = day + timedelta(days=ahead)
            if not self.days.runs(candidate):
                continue
            deadline = self.deadline(candidate, at)
            if deadline > now:
                return candidate, deadline
        return None


@dataclass(frozen=True)
class Area:
    """A zone of locations.geojson: polygons (outer ring, then holes), lon/lat."""

    polygons: tuple[tuple[tuple[tuple[float, float], ...], ...], ...] = field(default=())

    def contains(self, lat: float, lon: float) -> bool:
        for rings in self.polygons:
            if rings and _inside(rings[0], lon, lat):
                if not any(_inside(hole, lon, lat) for hole in rings[1:]):
                    return True
        return False


@dataclass(frozen=True)
class OnDemandAnswer:
    """A service for a need: the date asked, and whether it can still be booked for it."""

    service: OnDemandService
    asked: date
    day: date  # the date asked, or the next still possible
    deadline: datetime  # UTC
    at: int  # the ride's time, seconds after midnight

    @property
    def too_late(self) -> bool:
        return self.day != self.asked

    def missed(self) -> datetime:
        """The deadline that passed for the date asked."""
        return self.service.deadline(self.asked, self.at)


def answers(
    services: Sequence[OnDemandService],
    *,
    origin: tuple[float, float, frozenset[str], str],
    destination: tuple[float, float, frozenset[str], str],
    day: date,
    at: int,
    leave_after: bool,
    wait_s: int,
    now: datetime,
) -> list[OnDemandAnswer]:
    """The services whose zone holds both ends (or one end, and a stop served at the other),
    running that day or a later one, whose hours fit; with the deadline to book."""
    found: dict[tuple[str, str], OnDemandAnswer] = {}
    for service in services:
        zone_o = service.place_in_zone(*origin)
        zone_d = service.place_in_zone(*destination)
        stop_o = service.place_at_stop(*origin[:3])
        stop_d = service.place_at_stop(*destination[:3])
        if not ((zone_o or stop_o) and (zone_d or stop_d)):
            continue
        if not (zone_o or zone_d) and not (service.stops or service.stop_communes):
            continue
        if not service.fits(at, leave_after, wait_s):
            continue
        ride = service.ride_time(at, leave_after)
        possible = service.possible(day, ride, now)
        if possible is None:
            continue
        answer = OnDemandAnswer(service, day, possible[0], possible[1], ride)
        key = (service.name, service.rule.phone)
        kept = found.get(key)
        if kept is None or (answer.day, answer.deadline) < (kept.day, kept.deadline):
            found[key] = answer
    return sorted(found.values(), key=lambda a: (a.day, a.deadline, a.service.name))


def _moment(day: date, seconds: int, zone: ZoneInfo) -> datetime:
    """A time of a service day (it may pass 24:00) as a UTC moment."""
    extra, rest = divmod(seconds, 86_400)
    local = datetime.combine(day + timedelta(days=extra), time(rest // 3600, rest % 3600 // 60))
    return local.replace(tzinfo=zone).astimezone(UTC)


def _inside(ring: Sequence[tuple[float, float]], x: float, y: float) -> bool:
    inside = False
    count = len(ring)
    for i in range(count):
        x1, y1 = ring[i]
        x2, y2 = ring[(i + 1) % count]
        if (y1 > y) != (y2 > y) and x < (x2 - x1) * (y - y1) / (y2 - y1) + x1:
            inside = not inside
    return inside
