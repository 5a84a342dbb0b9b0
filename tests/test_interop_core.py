"""The interop core on its own (in-memory ports, a fake clock): which trips and needs answer
a partner's search, a booking's status order, who is told what, the partners' search with
its cache and pause, and the partners file."""

from __future__ import annotations

import asyncio
from datetime import UTC, date, datetime, time, timedelta
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

import pytest

from bot.agenda import Calendar
from bot.domain import NeedStatus, NewNeed, NewTrip, Purpose, TelegramIdentity, TimeMode, Weekday
from bot.interop import journeys as j
from bot.interop.bookings import Booking, BookingStatus, Dialect, Move, partner_move, read_status
from bot.interop.partners import Partner, PartnersFileError, load_partners
from bot.interop.ports import PartnerUnavailable
from bot.interop.served import BookingRequest, DriverAnswer, Outcome, PartnerApi
from bot.interop.theirs import PartnerSearch
from bot.matching import MatchingParams, Point
from bot.notices import Offer
from tests.conftest import START, FakeClock
from tests.memory import (
    MemoryNeeds,
    MemoryPeople,
    MemoryStore,
    MemoryTrips,
    MemoryTripSearch,
    MemoryUnitOfWork,
)
from tests.test_services import CAHORS, FIGEAC, TUESDAY, paris

ZONE = ZoneInfo("Europe/Paris")
KAROS = Partner("karos.example.com", "Karos", "karos-key-0123456789", "http://karos.test/v1")
# A village on the road from Cahors to Figeac, and one far off it.
ON_THE_WAY = Point(44.53, 1.72)  # near Labastide-Murat / Livernon
FAR_OFF = Point(44.2, 0.6)


class MemoryBookings:
    def __init__(self) -> None:
        self.rows: dict[int, Booking] = {}
        self.told_status: dict[int, BookingStatus] = {}

    async def add(self, **values: Any) -> Booking:
        now = values.pop("now")
        booking = Booking(number=len(self.rows) + 1, created_at=now, updated_at=now, **values)
        self.rows[booking.number] = booking
        self.told_status[booking.number] = booking.status
        return booking

    async def get(self, booking_id: str) -> Booking | None:
        return next((b for b in self.rows.values() if b.id == booking_id), None)

    async def by_number(self, number: int) -> Booking | None:
        return self.rows.get(number)

    async def set_status(
        self, number: int, expected: BookingStatus, status: BookingStatus, now: datetime
    ) -> bool:
        booking = self.rows.get(number)
        if booking is None or booking.status is not expected:
            return False
        from dataclasses import replace

        self.rows[number] = replace(booking, status=status, updated_at=now)
        return True

    async def untold(self, limit: int = 100) -> list[Booking]:
        return [b for b in self.rows.values() if b.status is not self.told_status[b.number]]

    async def told(self, number: int, status: BookingStatus) -> None:
        self.told_status[number] = status

    async def waiting_until(self, now: datetime) -> list[Booking]:
        return [b for b in self.rows.values() if b.waiting and b.expires_at <= now]

    async def confirmed_on(self, trip_id: int, leg: str, ride_date: date) -> int:
        held = (BookingStatus.CONFIRMED, BookingStatus.COMPLETED_PENDING_VALIDATION)
        return sum(
            1
            for b in self.rows.values()
            if (b.trip_id, b.leg, b.ride_date) == (trip_id, leg, ride_date) and b.status in held
        )


class MemoryShared:
    def __init__(self, needs: MemoryNeeds) -> None:
        self.ids: set[int] = set()
        self._needs = needs

    async def share(self, need_id: int, now: datetime) -> bool:
        if need_id in self.ids:
            return False
        self.ids.add(need_id)
        return True

    async def unshare(self, need_id: int) -> bool:
        if need_id not in self.ids:
            return False
        self.ids.discard(need_id)
        return True

    async def is_shared(self, need_id: int) -> bool:
        return need_id in self.ids

    async def open_shared(self) -> list[Any]:
        return [n for n in [await self._needs.get(i) for i in sorted(self.ids)] if n and n.is_open]


class World:
    def __init__(self) -> None:
        self.clock = FakeClock(START)
        self.store = MemoryStore()
        self.people = MemoryPeople(self.store)
        self.trips = MemoryTrips(self.store)
        self.needs = MemoryNeeds(self.store)
        self.bookings = MemoryBookings()
        self.shared = MemoryShared(self.needs)
        self.api = PartnerApi(
            operator="mobilot.example.org",
            partners=[KAROS],
            trips=self.trips,
            people=self.people,
            needs=self.needs,
            search=MemoryTripSearch(self.store),
            bookings=self.bookings,
            shared=self.shared,
            params=MatchingParams(),
            clock=self.clock,
            calendar=Calendar(ZONE),
            unit_of_work=MemoryUnitOfWork(self.store),
            answer_delay=timedelta(hours=12),
        )

    async def person(self, user_id: int, first: str, last: str = "Martin") -> Any:
        identity = TelegramIdentity(
            user_id=user_id, first_name=first, last_name=last, username=f"{first.lower()}_tg"
        )
        return await self.people.add_from_telegram(identity, "fr", self.clock.now())

    async def trip(self, driver_id: int, at: time = time(7, 30), **more: Any) -> Any:
        trip = NewTrip(
            origin=CAHORS,
            destination=FIGEAC,
            weekdays=frozenset(Weekday(d) for d in range(5)),
            departure=at,
            seats=3,
            **more,
        )
        return await self.trips.add(driver_id, trip, self.clock.now())


def area(departure: Point | None = None, radius: float = 1.0) -> j.Area:
    return j.Area(
        departure or Point(CAHORS.lat, CAHORS.lon), Point(FIGEAC.lat, FIGEAC.lon), radius, radius
    )


def dated(moment: datetime, delta_s: int = 900, **more: Any) -> j.DatedQuery:
    return j.DatedQuery(more.pop("where", area()), moment, timedelta(seconds=delta_s), **more)


async def test_a_trip_answers_at_its_time_on_its_days_and_only_there() -> None:
    world = World()
    jean = await world.person(1, "Jean")
    await world.trip(jean.id, return_time=time(17, 0))
    [ride] = await world.api.driver_journeys(dated(paris(TUESDAY, 7, 40)))
    assert ride.id == "trip-1-out-20261124" and ride.pickup_at == paris(TUESDAY, 7, 30)
    assert ride.pickup == Point(CAHORS.lat, CAHORS.lon) and ride.seats == 3
    assert await world.api.driver_journeys(dated(paris(TUESDAY, 7, 46))) == []  # 16 min off
    assert await world.api.driver_journeys(dated(paris(date(2026, 11, 28), 7, 30))) == []  # Sat
    assert await world.api.driver_journeys(dated(paris(START.date(), 7, 30))) == []  # gone by
    # On the way, the driver comes to the door; off the road, not at all.
    [near] = await world.api.driver_journeys(
        dated(paris(TUESDAY, 7, 50), 1800, where=area(ON_THE_WAY))
    )
    assert near.pickup == ON_THE_WAY and near.course.extra_minutes > 0
    assert near.pickup_at > paris(TUESDAY, 7, 30)
    assert (
        await world.api.driver_journeys(dated(paris(TUESDAY, 7, 50), 3600, where=area(FAR_OFF)))
        == []
    )
    # The return leg from Figeac at 17:00, searched the other way round.
    back = j.Area(Point(FIGEAC.lat, FIGEAC.lon), Point(CAHORS.lat, CAHORS.lon))
    [ride] = await world.api.driver_journeys(dated(paris(TUESDAY, 17, 0), where=back))
    assert ride.id == "trip-1-back-20261124"


async def test_paused_trips_drivers_without_telegram_and_full_rides_are_not_offered() -> None:
    world = World()
    jean = await world.person(1, "Jean")
    trip = await world.trip(jean.id)
    offline = await world.people.add_offline(
        "Paul Roux", "0611223344", False, "fr", jean.id, world.clock.now()
    )
    await world.trip(offline.id)
    rides = await world.api.driver_journeys(dated(paris(TUESDAY, 7, 30)))
    assert [r.driver.id for r in rides] == [jean.id]
    for n in range(3):  # three seats taken by confirmed bookings
        await world.bookings.add(
            id=f"b{n}",
            partner="karos.example.com",
            driver_id=jean.id,
            trip_id=trip.id,
            leg="outbound",
            ride_date=TUESDAY,
            pickup_at=paris(TUESDAY, 7, 30),
            passenger_alias="X",
            status=BookingStatus.CONFIRMED,
            dialect=Dialect.ALPHA,
            body={},
            message=None,
            now=world.clock.now(),
            expires_at=world.clock.now(),
        )
    assert await world.api.driver_journeys(dated(paris(TUESDAY, 7, 30))) == []
    from bot.domain import TripStatus

    await world.trips.set_status(trip.id, TripStatus.PAUSED, world.clock.now())
    assert await world.api.driver_regular_trips(j.RegularQuery(area(), time(7, 30))) == []


async def test_regular_trips_by_weekday_time_and_bounds() -> None:
    world = World()
    jean = await world.person(1, "Jean")
    await world.trip(jean.id)
    query = j.RegularQuery(area(), time(7, 40), frozenset({0, 5}))
    [offer] = await world.api.driver_regular_trips(query)
    assert offer.days == frozenset({0}) and offer.pickup_time == time(7, 30)
    assert [r.id for r in offer.rides][:2] == ["trip-1-out-20261130", "trip-1-out-20261207"]
    assert await world.api.driver_regular_trips(j.RegularQuery(area(), time(8, 0))) == []
    bounded = j.RegularQuery(
        area(),
        time(7, 30),
        frozenset({1}),
        min_departure=paris(TUESDAY, 0),
        max_departure=paris(TUESDAY, 23),
    )
    [offer] = await world.api.driver_regular_trips(bounded)
    assert [r.id for r in offer.rides] == ["trip-1-out-20261124"]
    saturday = j.RegularQuery(
        area(),
        time(7, 30),
        frozenset({1}),
        min_departure=paris(date(2026, 11, 28), 0),
        max_departure=paris(date(2026, 11, 29), 23),
    )
    assert await world.api.driver_regular_trips(saturday) == []
    assert (
        len(await world.api.driver_regular_trips(j.RegularQuery(area(), time(7, 30), count=0))) == 0
    )


async def test_only_needs_their_owners_agreed_to_show_are_found() -> None:
    world = World()
    marie = await world.person(2, "Marie", "Delpech")
    need = await world.needs.add(
        marie.id,
        NewNeed(
            origin=CAHORS,
            destination=FIGEAC,
            travel_date=TUESDAY,
            time_mode=TimeMode.LEAVE_AFTER,
            at=time(8, 0),
            purpose=Purpose.HEALTH,
        ),
        NeedStatus.SEARCHING,
        world.clock.now(),
    )
    query = dated(paris(TUESDAY, 8, 0))
    assert await world.api.passenger_journeys(query) == []
    stranger = await world.person(3, "Zoé")
    assert (await world.api.share_need(stranger, need.id)).value == "not_found"
    assert (await world.api.share_need(marie, need.id)).value == "shared"
    assert (await world.api.share_need(marie, need.id)).value == "already"
    [ride] = await world.api.passenger_journeys(query)
    assert ride.id == "need-1-20261124" and ride.passenger.short_name == "Marie D."
    assert (
        await world.api.passenger_journeys(
            dated(paris(TUESDAY, 8, 0), where=area(Point(CAHORS.lat + 0.02, CAHORS.lon)))
        )
        == []
    )  # 2 km away, 1 km radius
    await world.needs.set_status(need.id, NeedStatus.CANCELLED, world.clock.now())
    assert await world.api.passenger_journeys(query) == []


def test_a_booking_status_only_moves_forward_and_nobody_confirms_for_our_driver() -> None:
    waiting, confirmed = BookingStatus.WAITING_DRIVER_CONFIRMATION, BookingStatus.CONFIRMED
    assert read_status("WAITING_CONFIRMATION") is waiting
    assert read_status("COMPLETED") is BookingStatus.VALIDATED
    assert read_status("PENDING") is None
    assert partner_move(waiting, waiting) is Move.ALREADY
    assert partner_move(waiting, BookingStatus.WAITING_PASSENGER_CONFIRMATION) is Move.ALREADY
    assert partner_move(waiting, confirmed) is Move.DRIVER_ONLY
    assert partner_move(waiting, BookingStatus.VALIDATED) is Move.NOT_CONFIRMED
    assert partner_move(waiting, BookingStatus.CANCELLED) is Move.OK
    assert partner_move(confirmed, BookingStatus.COMPLETED_PENDING_VALIDATION) is Move.OK
    assert partner_move(confirmed, BookingStatus.INITIATED) is Move.BACKWARDS
    assert partner_move(BookingStatus.CANCELLED, confirmed) is Move.BACKWARDS
    assert partner_move(BookingStatus.CANCELLED, BookingStatus.CANCELLED) is Move.ALREADY


async def test_a_booking_asks_the_driver_and_follows_the_answer() -> None:
    world = World()
    jean = await world.person(1, "Jean")
    await world.trip(jean.id)
    request = BookingRequest(
        id="6f1c5f40-0000-4000-8000-000000000001",
        driver_id=str(jean.id),
        driver_operator="mobilot.example.org",
        passenger_operator="karos.example.com",
        passenger_alias="Lucie B.",
        status="WAITING_CONFIRMATION",
        pickup_at=paris(TUESDAY, 7, 30),
        driver_journey_id="trip-1-out-20261124",
        message="Merci !",
        body={"id": "6f1c5f40-0000-4000-8000-000000000001"},
    )
    made = await world.api.book(KAROS, request)
    assert made.outcome is Outcome.DONE and made.booking is not None
    [notice] = made.notices
    assert notice.to == jean and notice.key == "interop.booking_request"
    assert notice.buttons[0].offer is Offer.ANSWER_BOOKING
    assert notice.values["passenger"] == "Lucie B." and notice.values["day"] == TUESDAY
    # Asked on Monday at 10:00: twelve hours to answer, as for an introduction (the ride is
    # later than two hours after that).
    assert made.booking.expires_at == START + timedelta(hours=12)
    stranger = await world.person(3, "Zoé")
    assert (await world.api.answer(stranger, made.booking.number, True)).result is (
        DriverAnswer.NOT_YOURS
    )
    answered = await world.api.answer(jean, made.booking.number, True)
    assert answered.result is DriverAnswer.ACCEPTED and answered.platform == "Karos"
    assert (await world.api.answer(jean, made.booking.number, False)).result is (
        DriverAnswer.TOO_LATE
    )
    cancelled = await world.api.set_status(KAROS, request.id, "CANCELLED", "Malade")
    [told] = cancelled.notices
    assert told.to == jean and told.key == "interop.booking_cancelled_driver"
    assert told.values["message"] == "Malade"
    other = Partner("other.example.net", "Autre", "other-key-0123456789")
    assert (await world.api.set_status(other, request.id, "CANCELLED", None)).outcome is (
        Outcome.MISSING_BOOKING
    )


class ScriptedClient:
    def __init__(self) -> None:
        self.calls: list[tuple[str, dict[str, str]]] = []
        self.answer: Any = []
        self.delay = 0.0
        self.updates: list[tuple[str, str]] = []

    async def search(self, partner: Partner, route: str, params: dict[str, str]) -> list[Any]:
        self.calls.append((route, params))
        if self.delay:
            await asyncio.sleep(self.delay)
        if isinstance(self.answer, Exception):
            raise self.answer
        return list(self.answer)

    async def update_booking(self, partner: Partner, booking_id: str, status: str) -> None:
        self.updates.append((booking_id, status))


async def test_partners_are_asked_once_per_search_cached_and_left_alone_after_a_failure() -> None:
    clock = FakeClock(START)
    client = ScriptedClient()
    search = PartnerSearch(
        [KAROS, Partner("no.api.org", "Sans", "noapi-key-0123456789")],
        client,
        clock,
        Calendar(ZONE),
        MatchingParams(),
        0.05,
    )
    need = NewNeed(
        origin=CAHORS,
        destination=FIGEAC,
        travel_date=TUESDAY,
        time_mode=TimeMode.LEAVE_AFTER,
        at=time(8, 0),
        purpose=Purpose.WORK,
    )
    pickup = int(paris(TUESDAY, 8, 30).timestamp())
    client.answer = [
        {"driver": {"alias": "Paul K."}, "passengerPickupDate": pickup, "webUrl": "https://k/1"},
        {"driver": {"alias": "Old"}, "passengerPickupDate": int(START.timestamp()) - 60},
        {"nonsense": True},
        "not even an object",
    ]
    [journey] = await search.journeys_for(need)
    assert journey.driver == "Paul K." and journey.platform == "Karos"
    assert journey.pickup_at == paris(TUESDAY, 8, 30).astimezone(ZONE)
    [(route, params)] = client.calls
    assert route == "driver_journeys"
    # Leave after 8:00, wait up to 180 minutes: the window 8:00-11:00, asked as 9:30 ± 90 min.
    assert int(params["departureDate"]) == int(paris(TUESDAY, 9, 30).timestamp())
    assert params["timeDelta"] == "5400"
    await search.journeys_for(need)
    assert len(client.calls) == 1  # cached
    clock.advance(minutes=6)
    client.answer = PartnerUnavailable("HTTP 503")
    assert await search.journeys_for(need) == []
    assert await search.journeys_for(need) == []
    assert len(client.calls) == 2  # paused after the failure
    clock.advance(minutes=3)
    client.answer, client.delay = [], 1.0  # too slow: given up at the timeout
    assert await search.journeys_for(need) == []
    assert len(client.calls) == 3


async def test_partners_asked_while_the_summary_is_read_answer_at_once_on_confirming() -> None:
    clock = FakeClock(START)
    client = ScriptedClient()
    search = PartnerSearch([KAROS], client, clock, Calendar(ZONE), MatchingParams(), 0.5)
    need = NewNeed(
        origin=CAHORS,
        destination=FIGEAC,
        travel_date=TUESDAY,
        time_mode=TimeMode.LEAVE_AFTER,
        at=time(8, 0),
        purpose=Purpose.WORK,
    )
    pickup = int(paris(TUESDAY, 8, 30).timestamp())
    client.answer = [{"driver": {"alias": "Paul K."}, "passengerPickupDate": pickup}]
    client.delay = 0.2
    search.prefetch(need)
    search.prefetch(need)  # the summary shown again: still one call
    await asyncio.sleep(0.3)  # the person reads
    loop = asyncio.get_running_loop()
    began = loop.time()
    [journey] = await search.journeys_for(need)
    assert loop.time() - began < 0.1  # answered from what the prefetch brought
    assert journey.driver == "Paul K." and len(client.calls) == 1


def test_the_partners_file_is_read_or_refused_with_its_line(tmp_path: Path) -> None:
    path = tmp_path / "p.csv"
    path.write_text(
        "operator,name,key,api_url,api_key\n"
        "Karos.Example.com,Karos,karos-key-0123456789,https://k.example.com/v1/,abc\n"
        "\n"
        "other.org,Autre,other-key-0123456789,,\n"
    )
    karos, other = load_partners(path)
    assert karos.operator == "karos.example.com" and karos.api_url == "https://k.example.com/v1"
    assert other.api_url is None and not other.searchable
    for line, problem in (
        ("x.org,X,short,,", "line 2: the key must have 16 characters"),
        ("x.org,X,karos-key-0123456789,,", "line 2: this key is already"),
        ("x.org,X,another-key-012345678,ftp://x,", "line 2: api_url must start"),
        ("x.org,X,another-key-012345678,,k", "line 2: api_key without api_url"),
        ("x.org,X", "line 2: 2 fields instead of 5"),
    ):
        path.write_text(
            "operator,name,key,api_url,api_key\n"
            + line
            + "\n"
            + "karos.example.com,Karos,karos-key-0123456789,,\n"
        )
        if "already" in problem:
            path.write_text(
                "operator,name,key,api_url,api_key\n"
                "karos.example.com,Karos,karos-key-0123456789,,\n" + line + "\n"
            )
            problem = "line 3: this key is already"
        with pytest.raises(PartnersFileError, match=problem):
            load_partners(path)


def test_ids_are_read_back() -> None:
    assert j.parse_ride_id(j.ride_id(12, j.Leg.RETURN, TUESDAY)) == (12, j.Leg.RETURN, TUESDAY)
    assert j.parse_ride_id("trip-12-out-20261332") is None
    assert j.parse_ride_id("trip-x-out-20261124") is None
    assert datetime(2026, 11, 24, tzinfo=UTC).date() == TUESDAY


async def test_a_one_off_trip_runs_on_its_date_only() -> None:
    """The seam for one-off trips (a `date` on the trip): one punctual journey, no regular
    trip."""
    world = World()
    jean = await world.person(1, "Jean")
    regular = await world.trip(jean.id)
    once = regular.model_copy(update={"date": TUESDAY})
    assert j.runs_on(once, TUESDAY) and not j.runs_on(once, TUESDAY + timedelta(days=7))
    assert j.runs_on(regular, TUESDAY + timedelta(days=7))
    query = j.RegularQuery(area(), time(7, 30))
    params = MatchingParams()
    assert j.regular_offer(once, jean, query, params, ZONE, START) is None
    assert j.regular_offer(regular, jean, query, params, ZONE, START) is not None
    wide = dated(paris(TUESDAY, 7, 30), 7 * 86400)
    assert [r.id for r in j.dated_rides(once, jean, wide, params, ZONE, START)] == [
        "trip-1-out-20261124"
    ]
