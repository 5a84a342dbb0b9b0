"""The matching rules (design notes, "Matching"), on real places of the Lot.

Default parameters: road factor 1.3, 60 km/h (so one road kilometre is one minute), detour at
most 15 minutes and 1.8× the trip, time tolerance 30 minutes, longest wait 180 minutes.
Great-circle distances used below (km): Cahors–Figeac 50.07 (road 65.09 km, 65 minutes),
Cahors–Cajarc 32.06, Cajarc–Figeac 20.30, Cahors–Gramat 42.97, Gramat–Figeac 31.17,
Cahors–Lacapelle-Marival 49.47, Lacapelle-Marival–Figeac 15.70, Cahors–Saint-Céré 58.06,
Saint-Céré–Figeac 30.15.
"""

from __future__ import annotations

import math
import random
from dataclasses import replace
from datetime import time
from typing import Any

import pytest

from bot.matching import (
    Leg,
    Match,
    MatchingParams,
    NeedQuery,
    Point,
    TimeMode,
    TripRoute,
    distance_km,
    find_matches,
    in_search_ellipse,
    match_route,
    minutes,
    road_km,
    search_box,
)
from bot.settings import Settings

CAHORS = Point(44.4475, 1.4419)
FIGEAC = Point(44.6086, 2.0317)
GRAMAT = Point(44.7797, 1.7193)
LACAPELLE_MARIVAL = Point(44.7283, 1.9264)
CAJARC = Point(44.4856, 1.8424)
SAINT_CERE = Point(44.8606, 1.8908)
TOULOUSE = Point(43.6045, 1.4440)
ARCAMBAL = Point(44.4564, 1.5134)
FLAUJAC_POUJOLS = Point(44.4058, 1.4989)

WEEKDAYS = frozenset(range(5))
MONDAY, TUESDAY, SATURDAY = 0, 1, 5
DEFAULT = MatchingParams()
DRIVER = 10


def trip(
    trip_id: int = 1,
    origin: Point = CAHORS,
    destination: Point = FIGEAC,
    departure: time = time(7, 30),
    return_time: time | None = time(17, 30),
    weekdays: frozenset[int] = WEEKDAYS,
    driver_id: int = DRIVER,
) -> TripRoute:
    return TripRoute(
        trip_id=trip_id,
        driver_id=driver_id,
        origin=origin,
        destination=destination,
        weekdays=weekdays,
        departure=departure,
        return_time=return_time,
    )


def need(
    origin: Point = CAHORS,
    destination: Point = FIGEAC,
    mode: TimeMode = TimeMode.ARRIVE_BEFORE,
    at: time = time(9, 0),
    weekdays: frozenset[int] = frozenset({TUESDAY}),
    **exclusions: Any,
) -> NeedQuery:
    return NeedQuery(
        origin=origin, destination=destination, weekdays=weekdays, mode=mode, at=at, **exclusions
    )


# ---------------------------------------------------------------------------- distances


def test_distances_are_great_circle_times_the_road_factor() -> None:
    assert distance_km(CAHORS, FIGEAC) == pytest.approx(50.07, abs=0.01)
    assert distance_km(FIGEAC, CAHORS) == pytest.approx(distance_km(CAHORS, FIGEAC))
    assert distance_km(CAHORS, CAHORS) == 0.0
    assert road_km(CAHORS, FIGEAC, DEFAULT) == pytest.approx(65.09, abs=0.01)
    assert minutes(65.0, DEFAULT) == pytest.approx(65.0)
    assert minutes(65.0, MatchingParams(average_speed_kmh=30)) == pytest.approx(130.0)


def test_params_from_settings_and_relaxed() -> None:
    settings = Settings(_env_file=None, max_detour_minutes=20, road_factor=1.4)  # type: ignore[call-arg]
    params = MatchingParams.from_settings(settings)
    assert params.max_detour_minutes == 20 and params.road_factor == 1.4
    assert params.max_detour_ratio == 1.8 and params.max_wait_minutes == 180
    relaxed = DEFAULT.relaxed()
    assert relaxed.max_detour_minutes == 30
    assert relaxed.max_detour_ratio == pytest.approx(2.6)  # the part above 1 is doubled
    assert relaxed.time_tolerance_minutes == 60
    assert (relaxed.road_factor, relaxed.average_speed_kmh) == (1.3, 60.0)
    assert DEFAULT.relaxed(1.0) == DEFAULT


# ---------------------------------------------------------------------------- geometry


def test_the_same_journey_matches_with_no_detour() -> None:
    # Leaving Cahors at 7:30, in Figeac 65 minutes later (8:35), 25 minutes before 9:00.
    match = match_route(trip(), need(), DEFAULT)
    assert match == Match(
        trip_id=1,
        driver_id=DRIVER,
        leg=Leg.OUTBOUND,
        weekdays=frozenset({TUESDAY}),
        pickup=time(7, 30),
        dropoff=time(8, 35),
        extra_minutes=0.0,
        time_gap_minutes=pytest.approx(24.91, abs=0.01),  # type: ignore[arg-type]
    )
    assert match.band == "0-5"


def test_which_villages_of_the_lot_are_on_the_way_from_cahors_to_figeac() -> None:
    # Extra for the driver = (d(Cahors,O) + d(O,Figeac) − d(Cahors,Figeac)) × 1.3 minutes:
    #   Cajarc             (32.06 + 20.30 − 50.07) × 1.3 =  2.98 min  → on the way
    #   Lacapelle-Marival  (49.47 + 15.70 − 50.07) × 1.3 = 19.63 min  → over 15
    #   Gramat             (42.97 + 31.17 − 50.07) × 1.3 = 31.30 min  → over 15 (and 30)
    #   Saint-Céré         (58.06 + 30.15 − 50.07) × 1.3 = 49.58 min  → far over
    expected = {CAJARC: 2.98, LACAPELLE_MARIVAL: 19.63, GRAMAT: 31.30, SAINT_CERE: 49.58}
    on_the_way = set()
    for village, extra in expected.items():
        relaxed = match_route(trip(), need(origin=village), MatchingParams(max_detour_minutes=60))
        assert relaxed is not None and relaxed.extra_minutes == pytest.approx(extra, abs=0.01)
        if match_route(trip(), need(origin=village), DEFAULT) is not None:
            on_the_way.add(village)
    assert on_the_way == {CAJARC}

    # Cajarc: picked up at 7:30 + 32.06 × 1.3 = 8:11.7, dropped at + 20.30 × 1.3 = 8:38.
    cajarc = match_route(trip(), need(origin=CAJARC), DEFAULT)
    assert cajarc is not None
    assert (cajarc.pickup, cajarc.dropoff) == (time(8, 12), time(8, 38))
    assert cajarc.band == "0-5"

    # An operator's relaxed search (30 minutes) reaches Lacapelle-Marival, not Gramat.
    assert match_route(trip(), need(origin=LACAPELLE_MARIVAL), DEFAULT.relaxed()) is not None
    assert match_route(trip(), need(origin=GRAMAT), DEFAULT.relaxed()) is None


def test_a_far_off_place_does_not_match() -> None:
    assert match_route(trip(), need(origin=TOULOUSE), DEFAULT) is None
    assert match_route(trip(), need(destination=TOULOUSE), DEFAULT) is None
    assert not in_search_ellipse(TOULOUSE, trip(), DEFAULT)
    assert in_search_ellipse(CAJARC, trip(), DEFAULT)


def test_the_return_leg_takes_the_passenger_back_in_the_evening() -> None:
    # Figeac 17:30 → Cahors 18:35.
    evening = need(FIGEAC, CAHORS, TimeMode.LEAVE_AFTER, time(17, 15))
    match = match_route(trip(), evening, DEFAULT)
    assert match is not None
    assert (match.leg, match.pickup, match.dropoff) == (Leg.RETURN, time(17, 30), time(18, 35))
    assert match.time_gap_minutes == pytest.approx(15.0)
    arrive = match_route(trip(), need(FIGEAC, CAHORS, at=time(19, 0)), DEFAULT)
    assert arrive is not None and arrive.leg == Leg.RETURN
    # Cajarc on the way back: 17:30 + 20.30 × 1.3 = 17:56.
    back_to_cajarc = match_route(trip(), need(FIGEAC, CAJARC, at=time(18, 30)), DEFAULT)
    assert back_to_cajarc is not None and back_to_cajarc.leg == Leg.RETURN
    assert back_to_cajarc.dropoff == time(17, 56)
    # without a return leg, nothing
    assert match_route(trip(return_time=None), evening, DEFAULT) is None


def test_the_wrong_direction_does_not_match() -> None:
    one_way = trip(return_time=None)
    # Figeac → Cahors in the morning: the driver would go to Figeac, back to Cahors and to
    # Figeac again, 2 × 65.09 = 130 minutes more.
    morning = need(FIGEAC, CAHORS, TimeMode.LEAVE_AFTER, time(7, 0))
    assert match_route(one_way, morning, DEFAULT) is None
    # Part of the way, backwards: Cajarc → Cahors is 2 × 32.06 × 1.3 = 83 minutes more, and
    # Figeac → Cajarc 2 × 20.30 × 1.3 = 53 minutes more.
    assert (
        match_route(one_way, need(CAJARC, CAHORS, TimeMode.LEAVE_AFTER, time(7, 0)), DEFAULT)
        is None
    )
    assert (
        match_route(one_way, need(FIGEAC, CAJARC, TimeMode.LEAVE_AFTER, time(7, 0)), DEFAULT)
        is None
    )
    wide = MatchingParams(max_detour_minutes=200, max_detour_ratio=5)
    backwards = match_route(one_way, need(CAJARC, CAHORS, TimeMode.LEAVE_AFTER, time(7, 0)), wide)
    assert backwards is not None and backwards.extra_minutes == pytest.approx(83.36, abs=0.01)
    # With a return leg, the evening need rides the return leg, never the outbound one; the
    # morning need still finds nothing (the return leg is at 17:30, too late to wait for).
    assert match_route(trip(), morning, DEFAULT) is None
    evening = match_route(trip(), need(CAJARC, CAHORS, TimeMode.LEAVE_AFTER, time(17, 30)), DEFAULT)
    assert evening is not None and evening.leg == Leg.RETURN and evening.extra_minutes < 3


def test_the_ratio_limits_short_trips() -> None:
    # Cahors → Arcambal is 5.76 km (7.49 road km). Via Flaujac-Poujols: 6.48 + 5.74 = 12.22 km,
    # an extra (12.22 − 5.76) × 1.3 = 8.40 minutes (under 15) but 2.12 × the trip (over 1.8).
    short = trip(destination=ARCAMBAL, return_time=None)
    to_flaujac = need(CAHORS, FLAUJAC_POUJOLS, TimeMode.LEAVE_AFTER, time(7, 30))
    assert match_route(short, to_flaujac, DEFAULT) is None
    allowed = match_route(short, to_flaujac, MatchingParams(max_detour_ratio=2.2))
    assert allowed is not None and allowed.extra_minutes == pytest.approx(8.40, abs=0.01)
    assert match_route(short, to_flaujac, MatchingParams(max_detour_ratio=2.1)) is None
    # The ratio is against the original trip, not the passenger's ride.
    assert match_route(short, need(CAHORS, ARCAMBAL, TimeMode.LEAVE_AFTER, time(7, 30)), DEFAULT)


def test_a_trip_going_nowhere_uses_the_detour_limit_only() -> None:
    loop = trip(destination=CAHORS, return_time=None)
    near = Point(44.4475, 1.4919)  # 3.969 km east: 2 × 3.969 × 1.3 = 10.32 minutes, there and back
    match = match_route(loop, need(CAHORS, near, TimeMode.LEAVE_AFTER, time(7, 30)), DEFAULT)
    assert match is not None and match.extra_minutes == pytest.approx(10.32, abs=0.01)
    assert search_box(CAHORS, CAHORS, 10.0, 1.3)[0] < CAHORS.lat


# ---------------------------------------------------------------------------- schedule


def test_the_weekday_must_be_one_of_the_trip() -> None:
    assert match_route(trip(), need(weekdays=frozenset({SATURDAY})), DEFAULT) is None
    both = match_route(trip(), need(weekdays=frozenset({SATURDAY, TUESDAY, MONDAY})), DEFAULT)
    assert both is not None and both.weekdays == frozenset({MONDAY, TUESDAY})
    weekend = trip(weekdays=frozenset({SATURDAY}))
    assert match_route(weekend, need(weekdays=frozenset({SATURDAY})), DEFAULT) is not None


def test_leave_after_tolerance_and_longest_wait_edges() -> None:
    # The passenger is at the driver's start: picked up at 7:30 exactly.
    def at(moment: time) -> Match | None:
        return match_route(trip(), need(mode=TimeMode.LEAVE_AFTER, at=moment), DEFAULT)

    edge = at(time(8, 0))  # 30 minutes earlier than asked: the tolerance
    assert edge is not None and edge.time_gap_minutes == pytest.approx(30.0)
    assert at(time(8, 1)) is None
    edge = at(time(4, 30))  # 180 minutes to wait: the longest wait
    assert edge is not None and edge.time_gap_minutes == pytest.approx(180.0)
    assert at(time(4, 29)) is None
    perfect = at(time(7, 30))
    assert perfect is not None and perfect.time_gap_minutes == 0.0


def test_arrive_before_tolerance_and_longest_wait_edges() -> None:
    # At the speed of 65.09 km/h Cahors → Figeac takes exactly 60 minutes: in at 8:30.
    params = MatchingParams(average_speed_kmh=road_km(CAHORS, FIGEAC, DEFAULT))

    def at(moment: time) -> Match | None:
        return match_route(trip(), need(mode=TimeMode.ARRIVE_BEFORE, at=moment), params)

    on_time = at(time(8, 30))
    assert on_time is not None and on_time.dropoff == time(8, 30)
    assert on_time.time_gap_minutes == pytest.approx(0.0, abs=1e-9)
    late = at(time(8, 0))  # 30 minutes late: the tolerance
    assert late is not None and late.time_gap_minutes == pytest.approx(30.0)
    assert at(time(7, 59)) is None
    early = at(time(11, 30))  # 180 minutes early: the longest wait
    assert early is not None and early.time_gap_minutes == pytest.approx(180.0)
    assert at(time(11, 31)) is None


def test_times_do_not_wrap_past_midnight() -> None:
    late = trip(departure=time(23, 0), return_time=None)
    # 23:00 + 65 minutes is past midnight: no fit, whatever the passenger asks.
    assert match_route(late, need(mode=TimeMode.LEAVE_AFTER, at=time(23, 0)), DEFAULT) is None
    assert match_route(late, need(mode=TimeMode.ARRIVE_BEFORE, at=time(23, 59)), DEFAULT) is None
    # Cahors → Cajarc only (pickup 23:00, drop-off 23:41.7) still fits.
    short = match_route(late, need(CAHORS, CAJARC, TimeMode.LEAVE_AFTER, time(23, 0)), DEFAULT)
    assert short is not None and short.dropoff == time(23, 42)


# ---------------------------------------------------------------------------- exclusions


def test_an_excluded_driver_or_trip_is_never_proposed() -> None:
    routes = [trip(1, driver_id=10), trip(2, driver_id=11)]
    assert [m.trip_id for m in find_matches(need(), routes, DEFAULT)] == [1, 2]
    declined = need(excluded_drivers=frozenset({10}))
    assert [m.trip_id for m in find_matches(declined, routes, DEFAULT)] == [2]
    assert match_route(routes[0], declined, DEFAULT) is None
    assert [
        m.trip_id for m in find_matches(need(excluded_trips=frozenset({2})), routes, DEFAULT)
    ] == [1]


def test_the_person_is_never_matched_with_themselves() -> None:
    # Person 10 drives Cahors → Figeac and asks for the same ride: the caller puts the
    # person's own id among the excluded drivers.
    mine, theirs = trip(1, driver_id=10), trip(2, driver_id=11)
    asked_by_10 = need(excluded_drivers=frozenset({10}))
    assert [m.driver_id for m in find_matches(asked_by_10, [mine, theirs], DEFAULT)] == [11]
    assert find_matches(asked_by_10, [mine], DEFAULT) == []


# ---------------------------------------------------------------------------- ranking


def test_ranking_by_extra_minutes_then_time_gap_then_trip_id() -> None:
    from_cajarc = need(origin=CAJARC, at=time(9, 0))
    routes = [
        trip(7, departure=time(7, 30)),  # from Cahors: 2.98 extra, in Figeac 8:38, gap 21.9
        trip(3, origin=CAJARC, departure=time(8, 0)),  # from Cajarc: 0 extra, 8:26.4, gap 33.6
        trip(5, origin=CAJARC, departure=time(8, 20)),  # 0 extra, in Figeac 8:46.4, gap 13.6
        trip(4, origin=CAJARC, departure=time(8, 20)),  # the same: trip id decides
        trip(9, origin=GRAMAT, departure=time(8, 0)),  # Gramat → Cajarc → Figeac: too far
    ]
    matches = find_matches(from_cajarc, routes, DEFAULT)
    assert [m.trip_id for m in matches] == [4, 5, 3, 7]
    assert [m.band for m in matches] == ["0-5"] * 4
    assert matches[3].extra_minutes == pytest.approx(2.98, abs=0.01)
    assert matches[0].time_gap_minutes == pytest.approx(13.61, abs=0.01)
    assert [m.trip_id for m in find_matches(from_cajarc, routes, DEFAULT, limit=2)] == [4, 5]
    assert [m.trip_id for m in find_matches(from_cajarc, routes, DEFAULT, limit=0)] == []


def test_bands() -> None:
    base = Match(1, 1, Leg.OUTBOUND, frozenset({0}), time(8), time(9), 0.0, 0.0)
    bands = {x: replace(base, extra_minutes=x).band for x in (0, 4.9, 5, 5.1, 20, 30, 45, 46)}
    assert bands == {
        0: "0-5",
        4.9: "0-5",
        5: "0-5",
        5.1: "5-20",
        20: "5-20",
        30: "20-45",
        45: "20-45",
        46: "45+",
    }


# ---------------------------------------------------------------------------- the prefilter


def _random_point(rng: random.Random, center: Point, radius_km: float) -> Point:
    # uniform enough in a square around center
    dlat = radius_km / 111.2
    dlon = radius_km / (111.2 * math.cos(math.radians(center.lat)))
    return Point(center.lat + rng.uniform(-dlat, dlat), center.lon + rng.uniform(-dlon, dlon))


def _along(rng: random.Random, a: Point, b: Point, noise_km: float) -> Point:
    t = rng.uniform(-0.2, 1.2)
    on = Point(a.lat + t * (b.lat - a.lat), a.lon + t * (b.lon - a.lon))
    return _random_point(rng, on, noise_km)


def test_the_prefilter_never_drops_a_trip_the_rules_would_match() -> None:
    rng = random.Random(20240611)
    center = Point(44.62, 1.67)  # the middle of the Lot
    routes = []
    for n in range(300):
        a = _random_point(rng, center, 60)
        b = _random_point(rng, a, rng.choice((3, 10, 30, 80)))
        departure = time(rng.randrange(5, 20), rng.randrange(60))
        back = time(rng.randrange(departure.hour + 1, 24), rng.randrange(60))
        routes.append(
            TripRoute(
                trip_id=n,
                driver_id=n % 40,
                origin=a,
                destination=b,
                weekdays=frozenset(d for d in range(7) if rng.random() < 0.6) or frozenset({0}),
                departure=departure,
                return_time=back if rng.random() < 0.5 else None,
            )
        )
    matched = 0
    for _ in range(120):
        route = rng.choice(routes)  # needs near a trip, so that many match
        a, b = route.origin, route.destination
        if rng.random() < 0.5:
            a, b = b, a
        noise = rng.choice((0.5, 3, 8))
        query = NeedQuery(
            origin=_along(rng, a, b, noise),
            destination=_along(rng, a, b, noise),
            weekdays=frozenset({rng.randrange(7)}),
            mode=rng.choice(list(TimeMode)),
            at=time(rng.randrange(24), rng.randrange(60)),
            excluded_drivers=frozenset({rng.randrange(40)}),
        )
        for params in (DEFAULT, DEFAULT.relaxed(), MatchingParams(max_detour_ratio=1.2)):
            filtered = find_matches(query, routes, params)
            assert filtered == find_matches(query, routes, params, prefilter=False)
            for match in filtered:
                route = routes[match.trip_id]
                assert in_search_ellipse(query.origin, route, params)
                assert in_search_ellipse(query.destination, route, params)
            matched += len(filtered)
    assert matched > 100  # the check was not vacuous


@pytest.mark.parametrize(
    ("a", "b", "extra_km"),
    [
        (CAHORS, FIGEAC, 39.0),  # the index margin: 30 minutes
        (CAHORS, FIGEAC, 0.0),
        (CAHORS, TOULOUSE, 19.5),  # north–south
        (Point(44.5, 1.0), Point(44.5, 2.2), 19.5),  # east–west
        (CAHORS, CAHORS, 19.5),  # a trip going nowhere: a circle
        (Point(51.0, 2.3), Point(42.5, 9.4), 60.0),  # Dunkirk–Corsica, 1,000 km
        (ARCAMBAL, CAHORS, 2.0),
    ],
)
def test_the_search_box_contains_the_ellipse(a: Point, b: Point, extra_km: float) -> None:
    rng = random.Random(7)
    min_lat, max_lat, min_lon, max_lon = search_box(a, b, extra_km, 1.3)
    total = distance_km(a, b) + extra_km / 1.3
    middle = Point((a.lat + b.lat) / 2, (a.lon + b.lon) / 2)
    inside = 0
    reach = [math.inf, -math.inf, math.inf, -math.inf]
    for _ in range(4000):
        p = _random_point(rng, middle, total * 0.6 + 0.5)
        if distance_km(a, p) + distance_km(p, b) > total:
            continue
        inside += 1
        assert min_lat <= p.lat <= max_lat and min_lon <= p.lon <= max_lon, p
        reach = [
            min(reach[0], p.lat),
            max(reach[1], p.lat),
            min(reach[2], p.lon),
            max(reach[3], p.lon),
        ]
    if extra_km > 0:
        assert inside > 200
        # and not much larger than needed (sampling reaches within 8% of every side)
        height, width = max_lat - min_lat, max_lon - min_lon
        assert reach[0] - min_lat < 0.08 * height and max_lat - reach[1] < 0.08 * height
        assert reach[2] - min_lon < 0.08 * width and max_lon - reach[3] < 0.08 * width
    # the foci are always inside
    for focus in (a, b):
        assert min_lat <= focus.lat <= max_lat and min_lon <= focus.lon <= max_lon


def test_the_search_box_holds_the_boundary_of_the_ellipse() -> None:
    # Points found on the boundary itself, along rays from A (the ellipse is star-shaped).
    a, b, extra_km = CAHORS, SAINT_CERE, 30.0
    min_lat, max_lat, min_lon, max_lon = search_box(a, b, extra_km, 1.3)
    total = distance_km(a, b) + extra_km / 1.3
    for step in range(720):
        bearing = math.radians(step / 2)
        low, high = 0.0, total
        for _ in range(50):
            r = (low + high) / 2
            p = _destination(a, bearing, r)
            if distance_km(a, p) + distance_km(p, b) <= total:
                low = r
            else:
                high = r
        p = _destination(a, bearing, low)
        assert min_lat <= p.lat <= max_lat and min_lon <= p.lon <= max_lon


def _destination(start: Point, bearing: float, km: float) -> Point:
    phi, lam, delta = math.radians(start.lat), math.radians(start.lon), km / 6371.0
    lat = math.asin(
        math.sin(phi) * math.cos(delta) + math.cos(phi) * math.sin(delta) * math.cos(bearing)
    )
    lon = lam + math.atan2(
        math.sin(bearing) * math.sin(delta) * math.cos(phi),
        math.cos(delta) - math.sin(phi) * math.sin(lat),
    )
    return Point(math.degrees(lat), math.degrees(lon))
