"""The matching rules about days, seats and time (bot/matching.py): a one-off trip answers its
date only; seats are counted per ride date; a ride outside the passenger's window is never
shown as fitting; a ride already gone by answers nothing.

Cahors → Figeac takes 65 minutes with the default parameters (see tests/test_matching.py):
a driver leaving Cahors at 7:30 picks up in Cahors at 7:30 and drops off in Figeac at 8:35.
"""

from __future__ import annotations

import random
from datetime import date, time, timedelta

from bot.matching import (
    NO_SEATS_TAKEN,
    MatchingParams,
    NeedQuery,
    SeatsTaken,
    TimeMode,
    TripRoute,
    find_matches,
    match_route,
)
from tests.test_matching import CAHORS, CAJARC, FIGEAC, FLAUJAC_POUJOLS, GRAMAT, need, trip

DEFAULT = MatchingParams()
TUESDAY_8 = date(2026, 12, 8)  # a Tuesday
TUESDAY_15 = date(2026, 12, 15)
MONDAY, TUESDAY = 0, 1


def once(day: date, trip_id: int = 1, seats: int = 1, departure: time = time(7, 30)) -> TripRoute:
    route = trip(trip_id=trip_id, weekdays=frozenset({day.weekday()}), departure=departure)
    return TripRoute(
        trip_id=route.trip_id,
        driver_id=route.driver_id,
        origin=route.origin,
        destination=route.destination,
        weekdays=route.weekdays,
        departure=route.departure,
        return_time=None,
        date=day,
        seats=seats,
    )


def weekly(trip_id: int = 1, seats: int = 1, **changes: object) -> TripRoute:
    route = trip(trip_id=trip_id, **changes)  # type: ignore[arg-type]
    return TripRoute(
        trip_id=route.trip_id,
        driver_id=route.driver_id,
        origin=route.origin,
        destination=route.destination,
        weekdays=route.weekdays,
        departure=route.departure,
        return_time=route.return_time,
        seats=seats,
    )


def on(day: date, **changes: object) -> NeedQuery:
    """A need dated `day` (arrive in Figeac before 9:00 by default)."""
    query = need(weekdays=frozenset({day.weekday()}), **changes)  # type: ignore[arg-type]
    return NeedQuery(
        origin=query.origin,
        destination=query.destination,
        weekdays=query.weekdays,
        mode=query.mode,
        at=query.at,
        excluded_drivers=query.excluded_drivers,
        date=day,
        not_before=query.not_before,
    )


# ---------------------------------------------------------------------------- one-off trips


def test_a_one_off_trip_answers_a_need_of_its_date_only() -> None:
    assert match_route(once(TUESDAY_8), on(TUESDAY_8), DEFAULT) is not None
    # The same weekday a week later, or a regular need on Tuesdays: not this trip.
    assert match_route(once(TUESDAY_8), on(TUESDAY_15), DEFAULT) is None
    assert match_route(once(TUESDAY_8), need(weekdays=frozenset({TUESDAY})), DEFAULT) is None
    # A regular trip on Tuesdays answers both dated needs.
    assert match_route(weekly(), on(TUESDAY_8), DEFAULT) is not None
    assert match_route(weekly(), on(TUESDAY_15), DEFAULT) is not None


# ---------------------------------------------------------------------------- seats


def test_a_trip_full_on_a_date_is_not_offered_that_date_but_other_dates_still_are() -> None:
    taken = SeatsTaken(on_dates={TUESDAY_8: 1})
    assert match_route(weekly(seats=1), on(TUESDAY_8), DEFAULT, taken) is None
    assert match_route(weekly(seats=1), on(TUESDAY_15), DEFAULT, taken) is not None
    assert match_route(weekly(seats=2), on(TUESDAY_8), DEFAULT, taken) is not None
    assert match_route(once(TUESDAY_8, seats=1), on(TUESDAY_8), DEFAULT, taken) is None


def test_a_regular_passenger_takes_a_seat_every_week_on_their_days() -> None:
    every_monday = SeatsTaken(every_week={MONDAY: 1})
    # A dated need on a Monday: full; on a Tuesday: free.
    monday_7 = TUESDAY_8 - timedelta(days=1)
    assert match_route(weekly(seats=1), on(monday_7), DEFAULT, every_monday) is None
    assert match_route(weekly(seats=1), on(TUESDAY_8), DEFAULT, every_monday) is not None
    # A regular need on Mondays and Tuesdays: offered for the Tuesdays only.
    both = need(weekdays=frozenset({MONDAY, TUESDAY}))
    match = match_route(weekly(seats=1), both, DEFAULT, every_monday)
    assert match is not None and match.weekdays == {TUESDAY}
    assert (
        match_route(weekly(seats=1), need(weekdays=frozenset({MONDAY})), DEFAULT, every_monday)
        is None
    )


def test_the_teams_wider_search_shows_a_full_trip_as_full_and_last() -> None:
    full, free = weekly(trip_id=1, seats=1), weekly(trip_id=2, seats=1, departure=time(7, 0))
    taken = {1: SeatsTaken(on_dates={TUESDAY_8: 1})}
    assert [
        m.trip_id for m in find_matches(on(TUESDAY_8), [full, free], DEFAULT, seats_taken=taken)
    ] == [2]
    shown = find_matches(on(TUESDAY_8), [full, free], DEFAULT, seats_taken=taken, include_full=True)
    assert [(m.trip_id, m.full) for m in shown] == [(2, False), (1, True)]


# ---------------------------------------------------------------------------- time


def test_a_pickup_before_leave_after_is_never_shown_as_fitting() -> None:
    leave_after_ten = need(mode=TimeMode.LEAVE_AFTER, at=time(10, 0))
    # Picking up at 9:15 when the passenger can only leave from 10:00: beyond the tolerance.
    assert (
        match_route(weekly(departure=time(9, 15), return_time=None), leave_after_ten, DEFAULT)
        is None
    )
    # At 9:35, within it: shown, with how early, and not as fitting.
    early = match_route(weekly(departure=time(9, 35), return_time=None), leave_after_ten, DEFAULT)
    assert early is not None and early.pickup == time(9, 35)
    assert not early.fits_window and round(early.minutes_outside) == 25
    on_time = match_route(weekly(departure=time(10, 0), return_time=None), leave_after_ten, DEFAULT)
    assert on_time is not None and on_time.fits_window


def test_outside_the_window_ranks_after_every_fitting_ride_even_with_less_detour() -> None:
    leave_after_ten = need(mode=TimeMode.LEAVE_AFTER, at=time(10, 0))
    early = weekly(trip_id=1, departure=time(9, 40), return_time=None)  # 20 min early, no detour
    # From Flaujac-Poujols through Cahors: 11 minutes of detour, in Cahors at 10:03.
    detour = weekly(trip_id=2, origin=FLAUJAC_POUJOLS, departure=time(9, 55), return_time=None)
    matches = find_matches(leave_after_ten, [early, detour], DEFAULT)
    assert [(m.trip_id, m.fits_window) for m in matches] == [(2, True), (1, False)]
    assert matches[0].extra_minutes > matches[1].extra_minutes
    assert round(matches[1].minutes_outside) == 20


def test_arriving_after_arrive_before_is_counted_as_late() -> None:
    # In Figeac at 8:35; "arrive before 8:20" is missed by 15 minutes (within the tolerance).
    late = match_route(weekly(return_time=None), need(at=time(8, 20)), DEFAULT)
    assert late is not None and late.dropoff == time(8, 35)
    assert not late.fits_window and round(late.minutes_outside) == 15
    inside = match_route(weekly(return_time=None), need(at=time(9, 0)), DEFAULT)
    assert inside is not None and inside.fits_window and inside.minutes_outside == 0


def test_a_need_today_gets_no_ride_that_has_gone_by() -> None:
    today = on(TUESDAY_8, mode=TimeMode.LEAVE_AFTER, at=time(7, 0))
    assert match_route(weekly(return_time=None), today, DEFAULT) is not None
    gone = NeedQuery(**{**today.__dict__, "not_before": time(7, 31)})
    assert match_route(weekly(return_time=None), gone, DEFAULT) is None
    still = NeedQuery(**{**today.__dict__, "not_before": time(7, 30)})
    assert match_route(weekly(return_time=None), still, DEFAULT) is not None


# ---------------------------------------------------------------------------- a plain scan


def test_with_dates_and_seats_the_prefilter_still_equals_a_plain_scan() -> None:
    rng = random.Random(10)
    places = [CAHORS, FIGEAC, GRAMAT, CAJARC]
    routes, taken = [], {}
    for trip_id in range(1, 200):
        a, b = rng.sample(places, 2)
        departure = time(rng.randrange(6, 11), rng.choice((0, 15, 30, 45)))
        if rng.random() < 0.3:
            day = TUESDAY_8 + timedelta(days=7 * rng.randrange(2))
            base = once(day, trip_id=trip_id, seats=rng.randrange(1, 3), departure=departure)
            routes.append(
                TripRoute(
                    **{
                        **{
                            f: getattr(base, f)
                            for f in (
                                "trip_id",
                                "driver_id",
                                "weekdays",
                                "departure",
                                "return_time",
                                "date",
                                "seats",
                            )
                        },
                        "origin": a,
                        "destination": b,
                    }
                )
            )
        else:
            routes.append(
                weekly(
                    trip_id=trip_id,
                    seats=rng.randrange(1, 3),
                    origin=a,
                    destination=b,
                    departure=departure,
                )
            )
        if rng.random() < 0.4:
            taken[trip_id] = SeatsTaken({TUESDAY_8: rng.randrange(3)}, {TUESDAY: rng.randrange(2)})
    for query in (
        on(TUESDAY_8, origin=CAHORS, destination=FIGEAC, mode=TimeMode.LEAVE_AFTER, at=time(7)),
        on(TUESDAY_15, origin=GRAMAT, destination=FIGEAC),
        need(weekdays=frozenset({MONDAY, TUESDAY}), mode=TimeMode.LEAVE_AFTER, at=time(8)),
    ):
        for include_full in (False, True):
            fast = find_matches(
                query, routes, DEFAULT, seats_taken=taken, include_full=include_full
            )
            plain = find_matches(
                query,
                routes,
                DEFAULT,
                prefilter=False,
                seats_taken=taken,
                include_full=include_full,
            )
            assert fast == plain
            assert [m for m in fast if not m.full] == find_matches(
                query, routes, DEFAULT, seats_taken=taken
            )
    assert NO_SEATS_TAKEN.on(TUESDAY_8) == 0
