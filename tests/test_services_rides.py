"""The services on in-memory ports: one-off trips, seats per ride date, the time rules and
double presses (bot/services/trips.py, needs.py, introductions.py)."""

from __future__ import annotations

from datetime import date, time, timedelta

from bot.agenda import AgendaEntry, Kind, Outcome
from bot.domain import NewNeed, NewTrip, Purpose, TimeMode, TripStatus, Weekday
from bot.matching import MatchingParams
from bot.services.introductions import AnswerResult, AskResult
from bot.services.trips import TripChange
from tests.test_services import CAHORS, FIGEAC, MONDAY, TUESDAY, World, paris, told, world

__all__ = ["world"]  # the fixture, used by name


def once(day: date, seats: int = 1) -> NewTrip:
    return NewTrip(origin=CAHORS, destination=FIGEAC, date=day, departure=time(7, 30), seats=seats)


def weekly(seats: int = 1, days: frozenset[Weekday] = frozenset({Weekday.TUESDAY})) -> NewTrip:
    return NewTrip(
        origin=CAHORS, destination=FIGEAC, weekdays=days, departure=time(7, 30), seats=seats
    )


def need_on(day: date, mode: TimeMode = TimeMode.ARRIVE_BEFORE, at: time = time(9)) -> NewNeed:
    return NewNeed(
        origin=CAHORS,
        destination=FIGEAC,
        travel_date=day,
        time_mode=mode,
        at=at,
        purpose=Purpose.HEALTH,
    )


async def entry(world: World, kind: Kind, subject_id: int) -> AgendaEntry:
    found = await world.agenda.pending(kind, subject_id)
    assert found is not None
    return found


async def test_a_one_off_trip_keeps_its_date_and_ends_after_it(world: World) -> None:
    jean = await world.on_telegram(301, "Jean Martin")
    trip = (await world.trips.register(jean, once(TUESDAY))).trip
    assert trip.date == TUESDAY and trip.weekdays == {Weekday.TUESDAY} and trip.one_off
    due = world.scheduled(trip.id)
    assert due == {Kind.TRIP_EXPIRY: paris(TUESDAY + timedelta(days=1), 0)}  # no freshness check
    await world.trips.change(jean, trip.id, "pause")
    await world.trips.change(jean, trip.id, "resume")  # resumed: still no freshness check
    assert set(world.scheduled(trip.id)) == {Kind.TRIP_EXPIRY}
    expiry = await entry(world, Kind.TRIP_EXPIRY, trip.id)
    world.clock.current = paris(TUESDAY, 23, 59)
    assert await world.trips.expire(expiry) is Outcome.SKIPPED  # its day is not over
    world.clock.current = paris(TUESDAY + timedelta(days=1), 0)
    assert await world.trips.expire(expiry) is Outcome.DONE
    ended = world.trip_rows.rows[trip.id]
    assert ended.status is TripStatus.EXPIRED and await world.trips.trips_of(jean) == []
    assert (await world.trips.change(jean, trip.id, "resume")).outcome is TripChange.ENDED


async def test_seats_are_counted_per_ride_date(world: World) -> None:
    jean = await world.on_telegram(301, "Jean Martin")
    trip = (await world.trips.register(jean, weekly(seats=1))).trip
    marie, lina = await world.on_telegram(302, "Marie D"), await world.on_telegram(303, "Lina V")
    rose = await world.on_telegram(304, "Rose B")
    first = await world.needs.submit(marie, need_on(TUESDAY))
    asked = await world.introductions.ask_driver(marie, first.need.id, trip.id)
    assert asked.introduction is not None
    assert (await world.introductions.answer(jean, asked.introduction.id, True)).result is (
        AnswerResult.ACCEPTED
    )
    same_day = await world.needs.submit(lina, need_on(TUESDAY))
    assert same_day.candidates == []
    wider = await world.needs.candidates(
        same_day.need, MatchingParams().relaxed(2.0), include_full=True
    )
    assert [(c.trip.id, c.match.full) for c in wider] == [(trip.id, True)]
    next_week = await world.needs.submit(rose, need_on(TUESDAY + timedelta(days=7)))
    assert [c.trip.id for c in next_week.candidates] == [trip.id]
    # Asked anyway (an old button): unavailable, and nobody else.
    stale = await world.introductions.ask_driver(lina, same_day.need.id, trip.id)
    assert stale.result is AskResult.UNAVAILABLE
    # A second seat: Lina is told, once.
    more = await world.trips.set_seats(jean, trip.id, 2)
    assert more.outcome is TripChange.DONE and told(more.notices) == [
        ("candidates.new_driver", "Lina V")
    ]
    assert (await world.trips.set_seats(jean, trip.id, 2)).outcome is TripChange.UNCHANGED


async def test_a_second_acceptance_for_the_last_seat_tells_that_passenger_the_car_is_full(
    world: World,
) -> None:
    jean = await world.on_telegram(301, "Jean Martin")
    trip = (await world.trips.register(jean, once(TUESDAY))).trip
    marie, lina = await world.on_telegram(302, "Marie D"), await world.on_telegram(303, "Lina V")
    ids = []
    for person in (marie, lina):
        search = await world.needs.submit(person, need_on(TUESDAY))
        asked = await world.introductions.ask_driver(person, search.need.id, trip.id)
        assert asked.introduction is not None
        ids.append(asked.introduction.id)
    assert (await world.introductions.answer(jean, ids[0], True)).result is AnswerResult.ACCEPTED
    full = await world.introductions.answer(jean, ids[1], True)
    assert full.result is AnswerResult.FULL
    assert world.introduction_rows.rows[ids[1]].status.value == "declined"
    told = [n for n in full.notices if n.key == "rides.full_passenger"]
    assert [n.to.id for n in told if n.to is not None] == [lina.id]
    again = await world.introductions.answer(jean, ids[1], True)
    assert again.result is AnswerResult.ALREADY


async def test_the_deadline_told_is_the_one_stored(world: World) -> None:
    jean = await world.on_telegram(301, "Jean Martin")
    trip = (await world.trips.register(jean, once(TUESDAY))).trip
    marie = await world.on_telegram(302, "Marie D")
    world.clock.current = paris(MONDAY, 20, 20)
    search = await world.needs.submit(marie, need_on(TUESDAY, TimeMode.LEAVE_AFTER, time(7)))
    asked = await world.introductions.ask_driver(marie, search.need.id, trip.id)
    assert asked.introduction is not None
    assert asked.introduction.expires_at == paris(TUESDAY, 5, 30)  # 2 h before 7:30
    request, word = asked.notices
    assert word.values["deadline"] == asked.introduction.expires_at
    assert request.values["introduction"].expires_at == asked.introduction.expires_at


async def test_a_need_for_today_is_offered_only_rides_still_to_come(world: World) -> None:
    jean = await world.on_telegram(301, "Jean Martin")
    await world.trips.register(jean, weekly(days=frozenset({Weekday.MONDAY})))
    marie = await world.on_telegram(302, "Marie D")
    world.clock.current = paris(MONDAY, 7, 29)
    early = await world.needs.submit(marie, need_on(MONDAY, TimeMode.LEAVE_AFTER, time(7)))
    assert len(early.candidates) == 1
    world.clock.current = paris(MONDAY, 7, 31)
    late = await world.needs.submit(marie, need_on(MONDAY, TimeMode.LEAVE_AFTER, time(7)))
    assert late.candidates == []


async def test_pausing_twice_says_it_is_paused_and_deleting_twice_that_it_is_gone(
    world: World,
) -> None:
    jean = await world.on_telegram(301, "Jean Martin")
    trip = (await world.trips.register(jean, weekly())).trip
    assert (await world.trips.change(jean, trip.id, "pause")).outcome is TripChange.DONE
    again = await world.trips.change(jean, trip.id, "pause")
    assert again.outcome is TripChange.UNCHANGED and again.trip is not None
    assert again.trip.status is TripStatus.PAUSED
    assert (await world.trips.change(jean, trip.id, "delete")).outcome is TripChange.DONE
    gone = await world.trips.change(jean, trip.id, "pause")
    assert gone.outcome is TripChange.ENDED and gone.trip is not None
    assert gone.trip.status is TripStatus.DELETED
    other = await world.on_telegram(305, "Other")
    assert (await world.trips.change(other, trip.id, "pause")).outcome is TripChange.NOT_FOUND


async def test_a_new_one_off_trip_is_told_to_the_needs_of_its_date_only(world: World) -> None:
    marie, lina = await world.on_telegram(302, "Marie D"), await world.on_telegram(303, "Lina V")
    rose = await world.on_telegram(304, "Rose B")
    await world.needs.submit(marie, need_on(TUESDAY))
    await world.needs.submit(lina, need_on(TUESDAY + timedelta(days=7)))  # another Tuesday
    await world.needs.submit(rose, need_on(TUESDAY + timedelta(days=1)))
    jean = await world.on_telegram(301, "Jean Martin")
    registered = await world.trips.register(jean, once(TUESDAY))
    assert told(registered.notices) == [("candidates.new_driver", "Marie D")]


async def test_a_ride_called_off_frees_its_seat_for_a_passenger_waiting_that_day(
    world: World,
) -> None:
    jean = await world.on_telegram(301, "Jean Martin")
    trip = (await world.trips.register(jean, once(TUESDAY))).trip
    marie, lina = await world.on_telegram(302, "Marie D"), await world.on_telegram(303, "Lina V")
    first = await world.needs.submit(marie, need_on(TUESDAY))
    asked = await world.introductions.ask_driver(marie, first.need.id, trip.id)
    assert asked.introduction is not None
    await world.introductions.answer(jean, asked.introduction.id, True)
    waiting = await world.needs.submit(lina, need_on(TUESDAY))
    assert waiting.candidates == []
    cancelled = await world.needs.cancel(marie, first.need.id)
    assert ("candidates.new_driver", "Lina V") in told(cancelled.notices)
    assert ("intro.trip_cancelled_driver", "Jean Martin") in told(cancelled.notices)
