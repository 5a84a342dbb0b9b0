"""Showing the partners' journeys to our passengers, after our own drivers.

When a passenger's need is recorded, every partner with an API is asked at the same time
(`driver_journeys` for a dated need, `driver_regular_trips` for a regular one), each within
INTEROP_TIMEOUT_S, before our own search and outside its write transaction (bot/outside.py);
they were already asked while the person read the summary of their need (`prefetch`). What
they answer is kept a few minutes; a partner that fails is left alone for a while (and logged
once, not at every search), so a slow or broken partner never breaks a search and delays it
at most once per pause.
"""

from __future__ import annotations

import asyncio
import logging
from dataclasses import dataclass, replace
from datetime import UTC, datetime, time, timedelta
from typing import Any

from bot import outside
from bot.agenda import Calendar
from bot.clock import Clock
from bot.domain import NewNeed, Person
from bot.interop.journeys import WEEKDAY_CODES
from bot.interop.partners import Partner
from bot.interop.ports import PartnerClient
from bot.matching import MatchingParams, Point, TimeMode, minutes, road_km
from bot.notices import Button, InteropShareOffer, InteropTheirJourneys, Offer, to_person
from bot.services.needs import NeedService, Search

log = logging.getLogger(__name__)

CACHE_FOR = timedelta(minutes=5)
PAUSE_AFTER_FAILURE = timedelta(minutes=2)
# Around the passenger's own places: a partner's driver passing this close can take them.
SEARCH_RADIUS_KM = 5.0
MAX_SHOWN_PER_PARTNER = 3


Key = tuple[str, str, tuple[tuple[str, str], ...]]


@dataclass(frozen=True)
class TheirJourney:
    """A partner's journey as our passenger reads it."""

    platform: str
    driver: str  # the alias they gave
    pickup_at: datetime | None  # a dated journey, in the territory's time
    pickup_time: time | None  # a regular trip (local)
    days: frozenset[int]
    web_url: str | None
    seats: int | None


class PartnerSearch:
    def __init__(
        self,
        partners: list[Partner],
        client: PartnerClient,
        clock: Clock,
        calendar: Calendar,
        params: MatchingParams,
        timeout_s: float,
    ) -> None:
        self._partners = [p for p in partners if p.searchable]
        self._client = client
        self._clock = clock
        self._calendar = calendar
        self._params = params
        self._timeout = timeout_s
        # Per process, and harmless with several workers (bot/workers.py): a partner's
        # answers are kept a few minutes to spare it repeated searches, each worker asks it
        # at most as often as one process would, and a partner paused here may still be
        # asked by another worker until its own failures pause it there too.
        self._cache: dict[Key, tuple[datetime, Any]] = {}
        self._asking: dict[Key, asyncio.Task[Any]] = {}
        self._paused_until: dict[str, datetime] = {}

    @property
    def active(self) -> bool:
        return bool(self._partners)

    def prefetch(self, need: NewNeed) -> None:
        """Start asking the partners now (the person is reading the summary), so that the
        answers are there when the need is confirmed; what they answer is cached."""
        if not self._partners:
            return
        route, params = self._query(need)
        for partner in self._partners:
            self._start(partner, route, params)

    async def journeys_for(self, need: NewNeed) -> list[TheirJourney]:
        """Every partner's journeys for the need, at the same time; never raises."""
        if not self._partners:
            return []
        route, params = self._query(need)
        answers = await asyncio.gather(
            *(self._ask(partner, route, params) for partner in self._partners)
        )
        found: list[TheirJourney] = []
        for partner, answer in zip(self._partners, answers, strict=True):
            found += self._read(partner, route, answer)[:MAX_SHOWN_PER_PARTNER]
        return found

    def _query(self, need: NewNeed) -> tuple[str, dict[str, str]]:
        origin = Point(need.origin.lat, need.origin.lon)
        destination = Point(need.destination.lat, need.destination.lon)
        ride = minutes(road_km(origin, destination, self._params), self._params)
        # The passenger's window: leave after T (up to the longest wait), or arrive before T.
        wait = self._params.max_wait_minutes
        at = need.at.hour * 60 + need.at.minute
        first = at if need.time_mode is TimeMode.LEAVE_AFTER else at - wait - ride
        last = at + wait if need.time_mode is TimeMode.LEAVE_AFTER else at - ride
        middle, half = (first + last) / 2, max(15.0, (last - first) / 2)
        params = {
            "departureLat": f"{need.origin.lat:.6f}",
            "departureLng": f"{need.origin.lon:.6f}",
            "arrivalLat": f"{need.destination.lat:.6f}",
            "arrivalLng": f"{need.destination.lon:.6f}",
            "departureRadius": str(SEARCH_RADIUS_KM),
            "arrivalRadius": str(SEARCH_RADIUS_KM),
            "timeDelta": str(round(half * 60)),
            "count": str(MAX_SHOWN_PER_PARTNER * 3),
        }
        if need.travel_date is not None:
            moment = self._calendar.moment(need.travel_date, time(0)) + timedelta(minutes=middle)
            params["departureDate"] = str(round(moment.timestamp()))
            return "driver_journeys", params
        clamped = min(max(middle, 0.0), 24 * 60 - 1)
        params["departureTimeOfDay"] = f"{int(clamped) // 60:02d}:{int(clamped) % 60:02d}:00"
        params["departureWeekdays"] = ",".join(WEEKDAY_CODES[d] for d in sorted(need.days))
        return "driver_regular_trips", params

    async def _ask(self, partner: Partner, route: str, params: dict[str, str]) -> Any:
        """The partner's answer: cached, or being asked already (a prefetch), or asked now;
        None when it fails or is paused. Never waits longer than the timeout."""
        task = self._start(partner, route, params)
        if not isinstance(task, asyncio.Task):
            return task
        try:
            return await asyncio.wait_for(asyncio.shield(task), self._timeout)
        except TimeoutError:
            return None

    def _start(self, partner: Partner, route: str, params: dict[str, str]) -> Any:
        """The task asking the partner (started if not yet), or what is known without
        asking: a cached answer, or None while the partner is paused."""
        now = self._clock.now()
        if self._paused_until.get(partner.operator, now) > now:
            return None
        key = (partner.operator, route, tuple(sorted(params.items())))
        cached = self._cache.get(key)
        if cached is not None and cached[0] > now:
            return cached[1]
        task = self._asking.get(key)
        if task is None:
            task = asyncio.ensure_future(self._fetch(partner, route, params, key))
            self._asking[key] = task
            task.add_done_callback(lambda _: self._asking.pop(key, None))
        return task

    async def _fetch(self, partner: Partner, route: str, params: dict[str, str], key: Key) -> Any:
        now = self._clock.now()
        try:
            answer = await asyncio.wait_for(
                self._client.search(partner, route, params), self._timeout
            )
        except Exception as error:  # timeout, refusal, or anything odd: never the search's
            if partner.operator not in self._paused_until:
                log.warning(
                    "partner %s does not answer (%s)", partner.operator, str(error) or "timeout"
                )
            self._paused_until[partner.operator] = now + PAUSE_AFTER_FAILURE
            return None
        if self._paused_until.pop(partner.operator, None) is not None:
            log.info("partner %s answers again", partner.operator)
        self._forget_old(now)
        self._cache[key] = (now + CACHE_FOR, answer)
        return answer

    def _forget_old(self, now: datetime) -> None:
        for key in [k for k, (until, _) in self._cache.items() if until <= now]:
            del self._cache[key]

    def _read(self, partner: Partner, route: str, answer: Any) -> list[TheirJourney]:
        """What we can show of their answer; anything malformed is skipped."""
        if not isinstance(answer, list):
            return []
        now = self._clock.now()
        found = []
        for item in answer:
            if not isinstance(item, dict):
                continue
            journey = (
                _dated(partner, item, now, self._calendar)
                if route == "driver_journeys"
                else _regular(partner, item, self._calendar)
            )
            if journey is not None:
                found.append(journey)
        return found


def _alias(item: dict[str, Any]) -> str | None:
    driver = item.get("driver")
    if not isinstance(driver, dict):
        return None
    alias = driver.get("alias") or driver.get("firstName")
    return str(alias)[:60] if alias else None


def _url(value: Any) -> str | None:
    if isinstance(value, str) and value.startswith(("https://", "http://")) and len(value) < 500:
        return value
    return None


def _seats(value: Any) -> int | None:
    return value if isinstance(value, int) and not isinstance(value, bool) else None


def _dated(
    partner: Partner, item: dict[str, Any], now: datetime, calendar: Calendar
) -> TheirJourney | None:
    alias, pickup = _alias(item), item.get("passengerPickupDate")
    if alias is None or not isinstance(pickup, int | float) or isinstance(pickup, bool):
        return None
    try:
        at = datetime.fromtimestamp(pickup, UTC)
    except (OverflowError, OSError, ValueError):
        return None
    if at <= now:
        return None
    return TheirJourney(
        partner.name,
        alias,
        calendar.local(at),
        None,
        frozenset(),
        _url(item.get("webUrl")),
        _seats(item.get("availableSeats")),
    )


def _regular(partner: Partner, item: dict[str, Any], calendar: Calendar) -> TheirJourney | None:
    alias, schedules = _alias(item), item.get("schedules")
    if alias is None or not isinstance(schedules, list):
        return None
    days, pickup, url = set(), None, _url(item.get("webUrl"))
    for schedule in schedules:
        if not isinstance(schedule, dict):
            continue
        day = schedule.get("passengerPickupDay")
        if day in WEEKDAY_CODES:
            days.add(WEEKDAY_CODES.index(day))
        try:
            pickup = pickup or time.fromisoformat(str(schedule.get("passengerPickupTimeOfDay")))
        except ValueError:
            continue
        for dated in schedule.get("journeySchedules") or []:
            if isinstance(dated, dict):
                url = url or _url(dated.get("webUrl"))
    if not days or pickup is None:
        return None
    return TheirJourney(
        partner.name, alias, None, pickup.replace(tzinfo=None), frozenset(days), url, None
    )


class SearchWithPartners:
    """A need recorded (NeedService.submit), with the partners' journeys shown after our own
    drivers, and the offer to show the need to other platforms."""

    def __init__(self, needs: NeedService, partners: PartnerSearch | None, serving: bool):
        self._needs = needs
        self._partners = partners
        self._serving = serving

    def prefetch(self, need: NewNeed) -> None:
        """The person reads the summary of their need: the partners are asked already."""
        if self._partners is not None:
            self._partners.prefetch(need)

    async def submit(self, person: Person, new_need: NewNeed) -> Search:
        """Their journeys are asked first, outside the update's write transaction
        (bot/outside.py): the update is handled again with them once they are in. A partner
        slow or down is skipped (after INTEROP_TIMEOUT_S at most); our own drivers are shown
        all the same."""
        journeys: list[TheirJourney] = []
        partners = self._partners
        if partners is not None and partners.active:
            journeys = await outside.ask(
                outside.PARTNERS,
                new_need.model_dump_json(),
                lambda: partners.journeys_for(new_need),
            )
        search = await self._needs.submit(person, new_need)
        notices = list(search.notices)
        if journeys:
            notices.append(to_person(person, InteropTheirJourneys(tuple(journeys), search.need)))
        if self._serving and search.need.is_open:
            notices.append(
                to_person(person, InteropShareOffer(), (Button(Offer.SHARE_NEED, search.need.id),))
            )
        return replace(search, notices=notices)
