"""The trips' search index (storage/trip_search.py), kept in step with a real database file."""

from __future__ import annotations

import math
import random
from collections.abc import AsyncIterator
from datetime import UTC, datetime, time
from pathlib import Path

import pytest

from bot.domain import NewTrip, PlaceRef, TelegramIdentity, TripStatus, Weekday
from bot.matching import (
    MatchingParams,
    NeedQuery,
    Point,
    TimeMode,
    find_matches,
    in_search_ellipse,
    search_box,
)
from storage.db import Database
from storage.people import SqlPeopleRepository
from storage.trip_search import IndexedTripSearch
from storage.trips import SqlTripRepository

NOW = datetime(2025, 3, 4, 8, 0, tzinfo=UTC)
WORKDAYS = frozenset(Weekday(day) for day in range(5))
DEFAULT = MatchingParams()

CAHORS = PlaceRef(id="insee:46042", name="Cahors", department="46", lat=44.4475, lon=1.4419)
FIGEAC = PlaceRef(id="insee:46102", name="Figeac", department="46", lat=44.6086, lon=2.0317)
CAJARC = PlaceRef(id="insee:46045", name="Cajarc", department="46", lat=44.4856, lon=1.8424)
GRAMAT = PlaceRef(id="insee:46128", name="Gramat", department="46", lat=44.7797, lon=1.7193)
SAINT_CERE = PlaceRef(id="insee:46267", name="Saint-Céré", department="46", lat=44.8606, lon=1.8908)
TOULOUSE = PlaceRef(id="insee:31555", name="Toulouse", department="31", lat=43.6045, lon=1.4440)
MONTAUBAN = PlaceRef(id="insee:82121", name="Montauban", department="82", lat=44.0176, lon=1.355)


def point(place: PlaceRef) -> Point:
    return Point(place.lat, place.lon)


@pytest.fixture
async def database(tmp_path: Path) -> AsyncIterator[Database]:
    database = await Database.open(tmp_path / "mobilot.sqlite3")
    yield database
    await database.close()


class World:
    def __init__(self, database: Database) -> None:
        self.database = database
        self.people = SqlPeopleRepository(database)
        self.trips = SqlTripRepository(database)
        self.search = IndexedTripSearch(database, DEFAULT)
        self._drivers = 0

    async def driver(self) -> int:
        self._drivers += 1
        identity = TelegramIdentity(user_id=1000 + self._drivers, first_name=f"D{self._drivers}")
        return (await self.people.add_from_telegram(identity, "fr", NOW)).id

    async def trip(
        self,
        origin: PlaceRef,
        destination: PlaceRef,
        driver_id: int | None = None,
        departure: time = time(7, 30),
        return_time: time | None = time(17, 30),
        weekdays: frozenset[Weekday] = WORKDAYS,
        index: bool = True,
    ) -> int:
        new = NewTrip(
            origin=origin,
            destination=destination,
            weekdays=weekdays,
            departure=departure,
            return_time=return_time,
            seats=3,
        )
        trip = await self.trips.add(driver_id or await self.driver(), new, NOW)
        if index:
            await self.search.index(trip.id)
        return trip.id

    async def near(self, origin: PlaceRef, destination: PlaceRef) -> list[int]:
        routes = await self.search.routes_near(point(origin), point(destination))
        return [route.trip_id for route in routes]


@pytest.fixture
def world(database: Database) -> World:
    return World(database)


async def test_routes_near_returns_the_active_trips_whose_area_holds_both_ends(
    world: World,
) -> None:
    cahors_figeac = await world.trip(CAHORS, FIGEAC)
    figeac_cahors = await world.trip(FIGEAC, CAHORS, return_time=None)
    gramat_saint_cere = await world.trip(GRAMAT, SAINT_CERE)
    toulouse_montauban = await world.trip(TOULOUSE, MONTAUBAN)
    cahors_toulouse = await world.trip(CAHORS, TOULOUSE)

    # Cajarc → Figeac lies along Cahors–Figeac, in either direction (the return leg may fit).
    assert await world.near(CAJARC, FIGEAC) == [cahors_figeac, figeac_cahors]
    assert await world.near(FIGEAC, CAJARC) == [cahors_figeac, figeac_cahors]
    assert await world.near(GRAMAT, SAINT_CERE) == [gramat_saint_cere]
    assert await world.near(MONTAUBAN, TOULOUSE) == [toulouse_montauban, cahors_toulouse]
    assert await world.near(TOULOUSE, FIGEAC) == []

    # The routes carry what matching needs.
    (route,) = await world.search.routes_near(point(GRAMAT), point(SAINT_CERE))
    assert route.origin == point(GRAMAT) and route.destination == point(SAINT_CERE)
    assert route.weekdays == frozenset(range(5))
    assert (route.departure, route.return_time) == (time(7, 30), time(17, 30))
    everything = await world.search.all_active_routes()
    assert [r.trip_id for r in everything] == sorted(
        [cahors_figeac, figeac_cahors, gramat_saint_cere, toulouse_montauban, cahors_toulouse]
    )
    assert next(r for r in everything if r.trip_id == figeac_cahors).return_time is None


async def test_paused_and_deleted_trips_are_not_returned(world: World) -> None:
    paused = await world.trip(CAHORS, FIGEAC)
    deleted = await world.trip(CAHORS, FIGEAC)
    kept = await world.trip(CAHORS, FIGEAC)
    await world.trips.set_status(paused, TripStatus.PAUSED, NOW)
    await world.trips.set_status(deleted, TripStatus.DELETED, NOW)
    await world.search.index(paused)
    await world.search.index(deleted)
    assert await world.near(CAJARC, FIGEAC) == [kept]
    assert [r.trip_id for r in await world.search.all_active_routes()] == [kept]
    # Resumed: back in the index.
    await world.trips.set_status(paused, TripStatus.ACTIVE, NOW)
    await world.search.index(paused)
    assert await world.near(CAJARC, FIGEAC) == [paused, kept]
    await world.search.index(999)  # no such trip: nothing happens
    assert len(world.search) == 2


async def test_the_index_agrees_with_the_boxes_and_with_a_plain_scan(world: World) -> None:
    rng = random.Random(46)
    lot = Point(44.62, 1.67)
    places = [_place(rng, lot, 55, n) for n in range(60)]
    drivers = [await world.driver() for _ in range(8)]
    ids = []
    for _ in range(150):
        a, b = rng.sample(places, 2)
        departure = time(rng.randrange(5, 19), rng.choice((0, 15, 30, 45)))
        ids.append(
            await world.trip(
                a,
                b,
                driver_id=rng.choice(drivers),
                departure=departure,
                return_time=time(departure.hour + rng.randrange(1, 5), 0),
                weekdays=frozenset(Weekday(d) for d in rng.sample(range(7), rng.randrange(1, 7))),
            )
        )
    for trip_id in rng.sample(ids, 30):
        await world.trips.set_status(trip_id, TripStatus.PAUSED, NOW)
        await world.search.index(trip_id)
    everything = await world.search.all_active_routes()
    assert len(everything) == 120
    margin_km = 2 * DEFAULT.max_detour_minutes * DEFAULT.average_speed_kmh / 60
    relaxed = DEFAULT.relaxed()
    assert world.search.covers(DEFAULT) and world.search.covers(relaxed)
    assert not world.search.covers(DEFAULT.relaxed(3))
    total_candidates = total_matches = 0
    for _ in range(40):
        route = rng.choice(everything)
        o = _near(rng, route.origin, route.destination)
        d = _near(rng, route.origin, route.destination)
        near = await world.search.routes_near(o, d)
        in_box = {
            r.trip_id
            for r in everything
            if all(
                _inside(p, search_box(r.origin, r.destination, margin_km, DEFAULT.road_factor))
                for p in (o, d)
            )
        }
        assert {r.trip_id for r in near} == in_box  # exactly the trips whose box holds both
        in_ellipse = {
            r.trip_id
            for r in everything
            if in_search_ellipse(o, r, relaxed) and in_search_ellipse(d, r, relaxed)
        }
        assert in_ellipse <= in_box
        for params in (DEFAULT, relaxed):
            need = NeedQuery(
                origin=o,
                destination=d,
                weekdays=frozenset({rng.randrange(7)}),
                mode=rng.choice(list(TimeMode)),
                at=time(rng.randrange(6, 22), rng.randrange(60)),
            )
            found = find_matches(need, near, params)
            assert found == find_matches(need, everything, params, prefilter=False)
            total_matches += len(found)
        total_candidates += len(near)
    assert total_matches > 10 and total_candidates < 40 * 120 / 2


async def test_a_restart_loads_the_active_trips_again(tmp_path: Path, database: Database) -> None:
    first = await World(database).trip(CAHORS, FIGEAC)
    paused = await World(database).trip(CAHORS, FIGEAC)
    await SqlTripRepository(database).set_status(paused, TripStatus.PAUSED, NOW)
    reopened = await Database.open(tmp_path / "mobilot.sqlite3")
    try:
        search = IndexedTripSearch(reopened, DEFAULT)
        await search.ensure_index()
        found = await search.routes_near(point(CAJARC), point(FIGEAC))
        assert [r.trip_id for r in found] == [first] and len(search) == 1
    finally:
        await reopened.close()


async def test_an_empty_database_needs_no_index(database: Database) -> None:
    search = IndexedTripSearch(database, DEFAULT)
    await search.ensure_index()
    assert await search.routes_near(point(CAHORS), point(FIGEAC)) == []
    assert await search.all_active_routes() == []


@pytest.mark.sqlite_only(reason="the R*Tree of trips (0002) was SQLite's; PostgreSQL never had it")
async def test_the_old_boxes_are_gone_from_the_database(database: Database) -> None:
    """The R*Tree of search boxes only a benchmark still read: dropped by a migration."""
    async with database.connection.execute(
        "SELECT name FROM sqlite_master WHERE name IN ('trip_boxes', 'search_meta')"
    ) as cursor:
        assert await cursor.fetchall() == []


def _place(rng: random.Random, center: Point, radius_km: float, n: int) -> PlaceRef:
    dlat = radius_km / 111.2
    dlon = radius_km / (111.2 * math.cos(math.radians(center.lat)))
    return PlaceRef(
        id=f"point:{n}",
        name=f"P{n}",
        lat=round(center.lat + rng.uniform(-dlat, dlat), 5),
        lon=round(center.lon + rng.uniform(-dlon, dlon), 5),
    )


def _near(rng: random.Random, a: Point, b: Point) -> Point:
    t = rng.uniform(-0.1, 1.1)
    return Point(
        a.lat + t * (b.lat - a.lat) + rng.gauss(0, 0.03),
        a.lon + t * (b.lon - a.lon) + rng.gauss(0, 0.04),
    )


def _inside(p: Point, box: tuple[float, float, float, float]) -> bool:
    return box[0] <= p.lat <= box[1] and box[2] <= p.lon <= box[3]


async def test_one_off_trips_come_on_their_day_and_without_a_day(world: World) -> None:
    from datetime import date

    regular = await world.trip(CAHORS, FIGEAC)
    tuesday = date(2026, 12, 8)
    new = NewTrip(origin=CAHORS, destination=FIGEAC, date=tuesday, departure=time(8), seats=1)
    once = (await world.trips.add(await world.driver(), new, NOW)).id
    await world.search.index(once)
    assert await world.near(CAJARC, FIGEAC) == [regular, once]  # every trip (the partners')
    routes = await world.search.routes_near(point(CAJARC), point(FIGEAC), tuesday)
    # The one-off trip carries its date: the matcher keeps it for that day only.
    assert [(r.trip_id, r.date, r.seats) for r in routes] == [
        (regular, None, 3),
        (once, tuesday, 1),
    ]
