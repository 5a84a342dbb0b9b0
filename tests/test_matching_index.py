"""The columnar index of matching (bot/matching_index.py): always the plain scan's answer."""

from __future__ import annotations

import random
from collections.abc import AsyncIterator
from datetime import time
from pathlib import Path
from typing import Any

import pytest

from bot.domain import PlaceRef, TripStatus, Weekday
from bot.matching import MatchingParams, NeedQuery, Point, TimeMode, TripRoute, find_matches
from bot.matching_index import TripIndex
from storage.db import Database
from storage.trip_search import IndexedTripSearch
from tests.test_trip_search import CAHORS, FIGEAC, GRAMAT, NOW, World, point

DEFAULT = MatchingParams()
LOT = Point(44.62, 1.67)


def random_point(rng: random.Random, spread: float = 0.6) -> Point:
    return Point(LOT.lat + rng.uniform(-spread, spread), LOT.lon + rng.uniform(-spread, spread))


def random_route(rng: random.Random, trip_id: int) -> TripRoute:
    departure = time(rng.randrange(5, 20), rng.randrange(0, 60, 5))
    back = time(min(23, departure.hour + rng.randrange(1, 8)), rng.randrange(60))
    return TripRoute(
        trip_id=trip_id,
        driver_id=rng.randrange(1, 40),
        origin=random_point(rng),
        destination=random_point(rng),
        weekdays=frozenset(rng.sample(range(7), rng.randrange(1, 8))),
        departure=departure,
        return_time=back if rng.random() < 0.6 else None,
    )


def random_need(rng: random.Random, routes: list[TripRoute]) -> NeedQuery:
    if rng.random() < 0.7:  # on a trip's way: something usually fits
        route = rng.choice(routes)
        t = rng.random()
        near = Point(
            route.origin.lat + t * (route.destination.lat - route.origin.lat),
            route.origin.lon + t * (route.destination.lon - route.origin.lon),
        )
        origin, destination = near, route.destination
    else:
        origin, destination = random_point(rng), random_point(rng)
    return NeedQuery(
        origin=origin,
        destination=destination,
        weekdays=frozenset(rng.sample(range(7), rng.randrange(1, 4))),
        mode=rng.choice(list(TimeMode)),
        at=time(rng.randrange(5, 23), rng.randrange(60)),
        excluded_drivers=frozenset(rng.sample(range(1, 40), rng.randrange(0, 3))),
        excluded_trips=frozenset(rng.sample(range(1, 400), rng.randrange(0, 3))),
    )


def test_the_same_matches_as_a_plain_scan_with_every_limit_and_the_relaxed_search() -> None:
    rng = random.Random(15)
    routes = [random_route(rng, n) for n in range(1, 401)]
    index = TripIndex(DEFAULT)
    index.put_all(routes)
    wide_open = MatchingParams(max_detour_minutes=45, time_tolerance_minutes=240)
    found_any = 0
    for _ in range(300):
        need = random_need(rng, routes)
        for params in (DEFAULT, DEFAULT.relaxed(), DEFAULT.relaxed(3), wide_open):
            for limit in (None, 1, 5, 20):
                plain = find_matches(need, routes, params, limit, prefilter=False)
                assert index.matches(need, params, limit) == plain, (need, params, limit)
                found_any += bool(plain)
    assert found_any > 500  # the test is about matches, not empty lists


def test_ties_on_extra_minutes_are_ranked_as_the_plain_scan_ranks_them() -> None:
    # Ten identical trips but for the time: same extra minutes, different time gaps.
    origin, destination = point(CAHORS), point(FIGEAC)
    routes = [
        TripRoute(n, n, origin, destination, frozenset({1}), time(7, 5 * n), None)
        for n in range(1, 11)
    ]
    index = TripIndex(DEFAULT)
    index.put_all(reversed(routes))
    need = NeedQuery(origin, destination, frozenset({1}), TimeMode.LEAVE_AFTER, time(7, 32))
    for limit in (1, 3, None):
        assert index.matches(need, DEFAULT, limit) == find_matches(need, routes, DEFAULT, limit)
    # 7:35, 7:40, 7:45 leave after 7:32; 7:30 and earlier come before it: outside the window,
    # they rank after every fitting ride (bot/matching.py).
    assert [m.trip_id for m in index.matches(need, DEFAULT, 3)] == [7, 8, 9]


def test_a_changed_or_removed_trip_is_matched_as_it_now_is_and_slots_are_reused() -> None:
    rng = random.Random(7)
    routes = {n: random_route(rng, n) for n in range(1, 201)}
    index = TripIndex(DEFAULT)
    index.put_all(routes.values())
    for n in rng.sample(sorted(routes), 80):
        del routes[n]
        index.remove(n)
    for n in rng.sample(sorted(routes), 40):
        routes[n] = random_route(rng, n)
        index.put(routes[n])
    for n in range(201, 241):
        routes[n] = random_route(rng, n)
        index.put(routes[n])
    assert len(index) == len(routes) == 160
    assert index._size == 200  # the 40 new trips took freed slots
    every = sorted(routes.values(), key=lambda r: r.trip_id)
    for _ in range(200):
        need = random_need(rng, every)
        assert index.matches(need, DEFAULT, 5) == find_matches(need, every, DEFAULT, 5)
    assert index.route(3) == routes.get(3)


@pytest.fixture
async def database(tmp_path: Path) -> AsyncIterator[Database]:
    database = await Database.open(tmp_path / "mobilot.sqlite3")
    yield database
    await database.close()


async def test_the_index_follows_what_commits_and_ignores_what_rolls_back(
    database: Database,
) -> None:
    world = World(database)
    search = IndexedTripSearch(database, DEFAULT)
    world.search = search  # type: ignore[assignment]
    kept = await world.trip(CAHORS, FIGEAC)
    need = NeedQuery(point(CAHORS), point(FIGEAC), frozenset({0}), TimeMode.LEAVE_AFTER, time(7))
    assert [m.trip_id for m in await search.matches(need, DEFAULT)] == [kept]

    class Failure(Exception):
        pass

    with pytest.raises(Failure):
        async with database.transaction():
            await world.trips.set_status(kept, TripStatus.PAUSED, NOW)
            await search.index(kept)
            await world.trip(CAHORS, FIGEAC, departure=time(7, 10))
            raise Failure
    assert [m.trip_id for m in await search.matches(need, DEFAULT)] == [kept]

    async with database.transaction():
        await world.trips.set_status(kept, TripStatus.PAUSED, NOW)
        await search.index(kept)
        later = await world.trip(CAHORS, FIGEAC, departure=time(7, 10))
        assert [m.trip_id for m in await search.matches(need, DEFAULT)] == [kept]  # not yet
    assert [m.trip_id for m in await search.matches(need, DEFAULT)] == [later]

    # At start-up, the index is loaded from what the database holds.
    other = await world.trip(CAHORS, GRAMAT, index=False)
    fresh = IndexedTripSearch(database, DEFAULT)
    await fresh.ensure_index()
    assert len(fresh) == 2 and other in {r.trip_id for r in await fresh.all_active_routes()}
    assert Weekday(0) in {Weekday(d) for d in need.weekdays}


def test_loading_columns_is_the_same_as_putting_each_trip() -> None:
    from bot.matching import search_box
    from bot.matching_index import NO_RETURN, TripColumns

    rng = random.Random(3)
    routes = [random_route(rng, n) for n in range(1, 301)]
    one_by_one = TripIndex(DEFAULT)
    one_by_one.put_all(routes[:150])
    at_once = TripIndex(DEFAULT)
    at_once.put(routes[0])  # already there: replaced, not doubled
    seconds = [r.departure.hour * 3600 + r.departure.minute * 60 for r in routes]
    backs = [
        NO_RETURN
        if r.return_time is None
        else r.return_time.hour * 3600 + r.return_time.minute * 60
        for r in routes
    ]
    import numpy as np

    at_once.load(
        TripColumns(
            trip=np.array([r.trip_id for r in routes]),
            driver=np.array([r.driver_id for r in routes]),
            lat_a=np.array([r.origin.lat for r in routes]),
            lon_a=np.array([r.origin.lon for r in routes]),
            lat_b=np.array([r.destination.lat for r in routes]),
            lon_b=np.array([r.destination.lon for r in routes]),
            weekdays=np.array([sum(1 << d for d in r.weekdays) for r in routes]),
            departure=np.array(seconds),
            back=np.array(backs),
        )
    )
    one_by_one.put_all(routes[150:])
    assert len(at_once) == len(one_by_one) == 300
    for route in routes:
        assert at_once.route(route.trip_id) == route
        slot = at_once._slots[route.trip_id]
        exact = search_box(route.origin, route.destination, at_once._margin_km, 1.3)
        assert at_once._min_lat[slot] <= exact[0] and at_once._max_lat[slot] >= exact[1]
        assert at_once._min_lon[slot] <= exact[2] and at_once._max_lon[slot] >= exact[3]
    for _ in range(200):
        need = random_need(rng, routes)
        for params in (DEFAULT, DEFAULT.relaxed()):
            assert at_once.matches(need, params, 5) == one_by_one.matches(need, params, 5)


async def test_the_reverse_search_finds_waiting_needs_in_the_box_on_the_trips_days(
    database: Database,
) -> None:
    from datetime import date

    from bot.domain import NeedStatus, NewNeed, Purpose
    from bot.domain import TimeMode as NeedTimeMode
    from storage.needs import SqlNeedRepository

    world = World(database)
    needs = SqlNeedRepository(database)
    person = await world.driver()

    async def need(origin: PlaceRef, destination: PlaceRef, **when: Any) -> int:
        new = NewNeed(
            origin=origin,
            destination=destination,
            time_mode=NeedTimeMode.LEAVE_AFTER,
            at=time(8),
            purpose=Purpose.HEALTH,
            **when,
        )
        return (await needs.add(person, new, NeedStatus.SEARCHING, NOW)).id

    tuesday = date(2025, 3, 4)
    dated = await need(CAHORS, FIGEAC, travel_date=tuesday)
    regular = await need(CAHORS, FIGEAC, weekdays=frozenset({Weekday(0), Weekday(4)}))
    elsewhere = await need(CAHORS, GRAMAT, travel_date=tuesday)
    box = (44.4, 44.65, 1.4, 2.1)  # holds Cahors and Figeac, not Gramat (44.78)

    async def near(*days: int) -> list[int]:
        return [n.id for n in await needs.waiting_near(box, frozenset(days))]

    assert await near(1) == [dated]  # 4 March 2025 is a Tuesday
    assert await near(0) == [regular]
    assert await near(0, 1, 2, 3, 4, 5, 6) == [dated, regular]
    assert elsewhere not in await near(*range(7))
    await needs.set_status(dated, NeedStatus.ASKING, NOW)  # a driver is being asked
    assert await near(1) == []
    await needs.set_status(dated, NeedStatus.WITH_OPERATORS, NOW)  # waiting again
    assert await near(1) == [dated]


def test_one_off_trips_are_matched_for_their_date_only_as_a_plain_scan_does() -> None:
    import dataclasses
    from datetime import date, timedelta

    rng = random.Random(12)
    monday = date(2026, 12, 7)
    routes = []
    for n in range(1, 301):
        route = random_route(rng, n)
        if rng.random() < 0.4:  # a one-off trip: its date, and that date's weekday
            day = monday + timedelta(days=rng.randrange(14))
            route = dataclasses.replace(route, date=day, weekdays=frozenset({day.weekday()}))
        routes.append(dataclasses.replace(route, seats=rng.randrange(1, 5)))
    index = TripIndex(DEFAULT)
    index.put_all(routes)
    one_off_found = 0
    for _ in range(300):
        need = random_need(rng, routes)
        if rng.random() < 0.6:
            day = monday + timedelta(days=rng.randrange(14))
            need = dataclasses.replace(need, date=day, weekdays=frozenset({day.weekday()}))
        for params in (DEFAULT, DEFAULT.relaxed()):
            plain = find_matches(need, routes, params, 5, prefilter=False)
            assert index.matches(need, params, 5) == plain
            for m in plain:
                matched = index.route(m.trip_id)
                assert matched is not None
                one_off_found += 1 if matched.date else 0
    assert one_off_found > 20
    assert index.route(routes[0].trip_id) == routes[0]  # date and seats kept
    once = next(r for r in routes if r.date is not None)
    # other searches (partner platforms) get one-off trips whatever the date
    assert once in index.routes_near(once.origin, once.destination)
