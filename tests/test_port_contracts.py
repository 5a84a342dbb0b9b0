"""Each in-memory port (tests/memory.py, and the few kept beside their tests) behaves like
its SQLite one on the same cases: the services' own tests run on memory, so a memory port
that answers differently would let a test pass that the real bot fails.

Covered: people, trips, needs and their follow-up by the team, introductions, the agenda,
the outbox and the inbox, the unit of work, the trip search, consents, reports about a
person, the conversations' state, the answers to /aides, and the partner platforms'
bookings and the needs shown to them."""

from __future__ import annotations

from collections.abc import AsyncIterator
from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta
from pathlib import Path
from typing import Any

import pytest

from bot.agenda import Due, Kind
from bot.aids.model import Profile, Situation
from bot.aids.ports import AidAnswers
from bot.conversations.engine import ConversationStore
from bot.conversations.model import ConversationState
from bot.delivery import Outgoing
from bot.domain import (
    CloseReason,
    IntroductionStatus,
    NeedStatus,
    NewNeed,
    NewTrip,
    PlaceRef,
    Purpose,
    RideOutcome,
    TelegramIdentity,
    TimeMode,
    TripStatus,
    Weekday,
)
from bot.interop.bookings import BookingStatus, Dialect
from bot.interop.ports import BookingRepository, SharedNeeds
from bot.matching import MatchingParams, NeedQuery, Point, SeatsTaken
from bot.ports import (
    Agenda,
    Inbox,
    IntroductionRepository,
    NeedFollowUp,
    NeedRepository,
    Outbox,
    PeopleRepository,
    TripRepository,
    TripSearch,
    UnitOfWork,
)
from bot.services.consents import ConsentRepository
from bot.services.trust import PersonReports
from storage.agenda import SqlAgenda
from storage.aids import SqlAidAnswers
from storage.consents import SqlConsents
from storage.conversations import SqlConversations
from storage.db import Database
from storage.inbox import SqlInbox
from storage.interop import SqlBookings, SqlSharedNeeds
from storage.introductions import SqlIntroductionRepository
from storage.needs import SqlNeedRepository
from storage.outbox import SqlOutbox
from storage.people import SqlPeopleRepository
from storage.trip_search import IndexedTripSearch
from storage.trips import SqlTripRepository
from storage.trust import SqlPersonReports
from tests.conftest import FakeClock
from tests.memory import (
    MemoryAgenda,
    MemoryConsents,
    MemoryInbox,
    MemoryIntroductions,
    MemoryNeeds,
    MemoryOutbox,
    MemoryPeople,
    MemoryPersonReports,
    MemoryStore,
    MemoryTrips,
    MemoryTripSearch,
    MemoryUnitOfWork,
)
from tests.test_aids_flow import MemoryAidAnswers
from tests.test_conversation_engine import MemoryConversations
from tests.test_interop_core import MemoryBookings, MemoryShared

NOW = datetime(2026, 11, 23, 9, 0, tzinfo=UTC)
CAHORS = PlaceRef(id="insee:46042", name="Cahors", department="46", lat=44.4475, lon=1.4419)
FIGEAC = PlaceRef(id="insee:46102", name="Figeac", department="46", lat=44.6086, lon=2.0317)
JEANNE = TelegramIdentity(user_id=42, first_name="Jeanne", last_name="Martin", username="jm")
MARIE = TelegramIdentity(user_id=43, first_name="Marie", last_name="Delpech", username="md")
OLGA = TelegramIdentity(user_id=44, first_name="Olga", last_name="Bru", username="ob")
GOURDON = PlaceRef(id="insee:46127", name="Gourdon", department="46", lat=44.7372, lon=1.3831)
PARAMS = MatchingParams()


@dataclass
class Ports:
    people: PeopleRepository
    trips: TripRepository
    needs: NeedRepository
    agenda: Agenda
    outbox: Outbox
    follow_up: NeedFollowUp
    introductions: IntroductionRepository
    inbox: Inbox
    uow: UnitOfWork
    trip_search: TripSearch
    consents: ConsentRepository
    reports: PersonReports
    conversations: ConversationStore
    aid_answers: AidAnswers
    bookings: BookingRepository
    shared: SharedNeeds


@pytest.fixture(params=["memory", "sqlite"])
async def ports(request: pytest.FixtureRequest, tmp_path: Path) -> AsyncIterator[Ports]:
    if request.param == "memory":
        store = MemoryStore()
        needs = MemoryNeeds(store)
        yield Ports(
            MemoryPeople(store),
            MemoryTrips(store),
            needs,
            MemoryAgenda(store),
            MemoryOutbox(store),
            needs,
            MemoryIntroductions(store),
            MemoryInbox(store),
            MemoryUnitOfWork(store),
            MemoryTripSearch(store),
            MemoryConsents(store),
            MemoryPersonReports(store),
            MemoryConversations(),
            MemoryAidAnswers(),
            MemoryBookings(),
            MemoryShared(needs),
        )
        return
    database = await Database.open(tmp_path / "contract.sqlite3")
    search = IndexedTripSearch(database, PARAMS)
    await search.ensure_index()
    try:
        sqlite_needs = SqlNeedRepository(database)
        yield Ports(
            SqlPeopleRepository(database),
            SqlTripRepository(database),
            sqlite_needs,
            SqlAgenda(database),
            SqlOutbox(database),
            sqlite_needs,
            SqlIntroductionRepository(database),
            SqlInbox(database),
            database,
            search,
            SqlConsents(database),
            SqlPersonReports(database),
            SqlConversations(database, FakeClock(NOW)),
            SqlAidAnswers(database),
            SqlBookings(database),
            SqlSharedNeeds(database),
        )
    finally:
        await database.close()


async def test_people_one_per_account_and_per_number(ports: Ports) -> None:
    people = ports.people
    jeanne = await people.add_from_telegram(JEANNE, "fr", NOW)
    assert await people.add_from_telegram(JEANNE, "en", NOW) == jeanne  # one row per account
    assert await people.by_telegram_id(42) == jeanne
    assert await people.by_telegram_id(43) is None
    jeanne = await people.set_language(jeanne.id, "en", NOW)
    assert jeanne.language == "en"
    jeanne = await people.set_phone(jeanne.id, "+33612345678", True, NOW)
    assert (jeanne.phone, jeanne.phone_visible, jeanne.phone_consent_at) == (
        "+33612345678",
        True,
        NOW,
    )
    assert await people.with_phone("+33612345678") == jeanne
    caller = await people.add_offline("Yvette Roux", "+33698765432", False, "fr", jeanne.id, NOW)
    assert caller.registered_by == jeanne.id and caller.telegram_user_id is None
    assert [p.id for p in await people.offline_with_phone("+33698765432")] == [caller.id]
    assert await people.offline_with_phone("+33600000000") == []


async def test_people_who_text(ports: Ports) -> None:
    people = ports.people
    texter = await people.add_from_sms("+33611223344", "fr", NOW)
    assert texter.phone == "+33611223344" and texter.telegram_user_id is None
    assert await people.texting_from("+33611223344") == texter
    assert await people.texting_from("+33699999999") is None
    texter = await people.set_name(texter.id, "Marie Dupont", NOW)
    assert texter.display_name == "Marie Dupont"
    texter = await people.set_sms(texter.id, NOW, None, NOW)
    assert texter.sms_since == NOW and texter.by_sms
    texter = await people.set_sms_stopped(texter.id, NOW, NOW)
    assert texter.sms_stopped_at == NOW


async def test_trips_listed_until_deleted(ports: Ports) -> None:
    driver = await ports.people.add_from_telegram(JEANNE, "fr", NOW)
    new = NewTrip(
        origin=CAHORS,
        destination=FIGEAC,
        weekdays=frozenset({Weekday.MONDAY, Weekday.FRIDAY}),
        departure=time(7, 30),
        return_time=time(17, 45),
        seats=3,
    )
    trip = await ports.trips.add(driver.id, new, NOW)
    assert await ports.trips.get(trip.id) == trip
    assert trip.status is TripStatus.ACTIVE and trip.seats == 3
    assert [t.id for t in await ports.trips.for_driver(driver.id)] == [trip.id]
    assert (await ports.trips.set_seats(trip.id, 2, NOW)).seats == 2
    paused = await ports.trips.set_status(trip.id, TripStatus.PAUSED, NOW)
    assert [t.status for t in await ports.trips.for_driver(driver.id)] == [paused.status]
    await ports.trips.set_status(trip.id, TripStatus.DELETED, NOW)
    assert await ports.trips.for_driver(driver.id) == []
    assert await ports.trips.get(999) is None


async def test_needs_newest_first(ports: Ports) -> None:
    person = await ports.people.add_from_telegram(JEANNE, "fr", NOW)
    first = NewNeed(
        origin=CAHORS,
        destination=FIGEAC,
        travel_date=date(2026, 11, 24),
        time_mode=TimeMode.ARRIVE_BEFORE,
        at=time(9),
        purpose=Purpose.HEALTH,
    )
    one = await ports.needs.add(person.id, first, NeedStatus.SEARCHING, NOW)
    two = await ports.needs.add(person.id, first, NeedStatus.SEARCHING, NOW + timedelta(minutes=1))
    assert await ports.needs.get(one.id) == one
    assert [n.id for n in await ports.needs.for_person(person.id)] == [two.id, one.id]
    assert one.travel_date == date(2026, 11, 24) and one.at == time(9)


async def test_agenda_runs_what_is_due_once(ports: Ports) -> None:
    later = NOW + timedelta(hours=2)
    await ports.agenda.schedule([Due(Kind.TRIP_CHECK, 7, later)], NOW)
    assert await ports.agenda.schedule_once(Due(Kind.TRIP_CHECK, 7, later), NOW) is False
    assert await ports.agenda.next_due() == later
    assert await ports.agenda.due(NOW, 10) == []
    [entry] = await ports.agenda.due(later, 10)
    assert (entry.kind, entry.subject_id) == (Kind.TRIP_CHECK, 7)
    assert await ports.agenda.finish(entry.id, "done", later) is True
    assert await ports.agenda.finish(entry.id, "done", later) is False  # once
    assert await ports.agenda.due(later, 10) == []


async def test_outbox_in_order_per_chat(ports: Ports) -> None:
    first = await ports.outbox.add(Outgoing(chat_id=5, method="sendMessage", params={"a": 1}), NOW)
    second = await ports.outbox.add(Outgoing(chat_id=5, method="sendMessage", params={"a": 2}), NOW)
    other = await ports.outbox.add(Outgoing(chat_id=6, method="sendMessage", params={"a": 3}), NOW)
    assert [e.id for e in await ports.outbox.due(NOW, 10)] == [first, second, other]
    await ports.outbox.sent(first, 101, NOW)
    assert [e.id for e in await ports.outbox.due(NOW, 10)] == [second, other]
    assert [e.id for e in await ports.outbox.due(NOW, 10, skip={6})] == [second]
    await ports.outbox.retry(second, NOW + timedelta(minutes=1), "429")
    assert [e.id for e in await ports.outbox.due(NOW, 10)] == [other]
    assert await ports.outbox.next_attempt(skip={6}) == NOW + timedelta(minutes=1)


# -- The ports added for issue 26 (item 6): each the same cases on memory and on SQLite. ----


def weekly(days: set[Weekday], departure: time, seats: int = 3) -> NewTrip:
    return NewTrip(
        origin=CAHORS,
        destination=FIGEAC,
        weekdays=frozenset(days),
        departure=departure,
        seats=seats,
    )


TUESDAY = date(2026, 11, 24)
TO_FIGEAC = NewNeed(
    origin=CAHORS,
    destination=FIGEAC,
    travel_date=TUESDAY,
    time_mode=TimeMode.ARRIVE_BEFORE,
    at=time(9),
    purpose=Purpose.HEALTH,
)


async def introduce(ports: Ports, need_id: int, trip_id: int, driver_id: int, passenger_id: int,
                    leg: str = "outbound") -> Any:  # fmt: skip
    return await ports.introductions.add(
        need_id=need_id,
        trip_id=trip_id,
        driver_id=driver_id,
        passenger_id=passenger_id,
        leg=leg,
        travel_day=TUESDAY.weekday(),
        pickup=time(7, 41, 30),
        dropoff=time(8, 20),
        extra_minutes=4.26,
        now=NOW,
        expires_at=NOW + timedelta(hours=12),
    )


async def test_introductions_answered_once_and_their_seats(ports: Ports) -> None:
    jeanne = await ports.people.add_from_telegram(JEANNE, "fr", NOW)
    marie = await ports.people.add_from_telegram(MARIE, "fr", NOW)
    trip = await ports.trips.add(jeanne.id, weekly({Weekday.TUESDAY}, time(7, 30)), NOW)
    need = await ports.needs.add(marie.id, TO_FIGEAC, NeedStatus.ASKING, NOW)
    asked = await introduce(ports, need.id, trip.id, jeanne.id, marie.id)
    assert (asked.status, asked.pickup, asked.extra_minutes) == (
        IntroductionStatus.PENDING,
        time(7, 41),  # to the minute
        4.3,
    )
    assert await ports.introductions.get(asked.id) == asked
    assert await ports.introductions.get(999) is None
    assert [i.id for i in await ports.introductions.for_need(need.id)] == [asked.id]
    assert [i.id for i in await ports.introductions.for_driver(jeanne.id)] == [asked.id]
    assert [i.id for i in await ports.introductions.waiting_for_driver(jeanne.id)] == [asked.id]
    assert await ports.introductions.withdraw(asked.id, NOW) is False  # not accepted yet
    assert await ports.introductions.answer(asked.id, IntroductionStatus.ACCEPTED, NOW) is True
    assert await ports.introductions.answer(asked.id, IntroductionStatus.DECLINED, NOW) is False
    assert await ports.introductions.waiting_for_driver(jeanne.id) == []
    # Seats count once the need is matched, from the day asked about on.
    assert await ports.introductions.seats_taken([trip.id], TUESDAY) == {}
    await ports.needs.set_status(need.id, NeedStatus.MATCHED, NOW)
    taken = {trip.id: SeatsTaken({TUESDAY: 1}, {})}
    assert await ports.introductions.seats_taken([trip.id], TUESDAY) == taken
    assert await ports.introductions.seats_taken([trip.id], TUESDAY + timedelta(days=1)) == {}
    left_out = await ports.introductions.seats_taken([trip.id], TUESDAY, leaving_out=asked.id)
    assert left_out == {}
    # A ride planned once its date is set; its outcome said once.
    assert await ports.introductions.accepted_rides() == []
    await ports.introductions.set_ride_date(asked.id, TUESDAY)
    [ride] = await ports.introductions.accepted_rides()
    assert (ride.id, ride.ride_date) == (asked.id, TUESDAY)
    happened = RideOutcome.HAPPENED
    assert await ports.introductions.record_outcome(asked.id, happened, NOW) is True
    assert await ports.introductions.record_outcome(asked.id, RideOutcome.NO_SHOW, NOW) is False
    assert (await ports.introductions.get(asked.id)).ride_outcome is happened  # type: ignore[union-attr]
    assert await ports.introductions.withdraw(asked.id, NOW) is True
    assert (await ports.introductions.get(asked.id)).status is IntroductionStatus.CANCELLED  # type: ignore[union-attr]
    assert await ports.introductions.withdraw(asked.id, NOW) is False


async def test_one_pending_introduction_per_need(ports: Ports) -> None:
    jeanne = await ports.people.add_from_telegram(JEANNE, "fr", NOW)
    marie = await ports.people.add_from_telegram(MARIE, "fr", NOW)
    trip = await ports.trips.add(jeanne.id, weekly({Weekday.TUESDAY}, time(7, 30)), NOW)
    need = await ports.needs.add(marie.id, TO_FIGEAC, NeedStatus.ASKING, NOW)
    with pytest.raises(Exception, match="(?i)check constraint"):  # a leg is out or back
        await introduce(ports, need.id, trip.id, jeanne.id, marie.id, leg="there")
    first = await introduce(ports, need.id, trip.id, jeanne.id, marie.id)
    with pytest.raises(Exception, match="(?i)unique"):
        await introduce(ports, need.id, trip.id, jeanne.id, marie.id)
    await ports.introductions.answer(first.id, IntroductionStatus.DECLINED, NOW)
    second = await introduce(ports, need.id, trip.id, jeanne.id, marie.id)
    assert second.id > first.id  # a new one (PostgreSQL spends ids on refused inserts)


async def test_the_teams_follow_up_claimed_once_then_closed(ports: Ports) -> None:
    marie = await ports.people.add_from_telegram(MARIE, "fr", NOW)
    olga = await ports.people.add_from_telegram(OLGA, "fr", NOW)
    waiting = await ports.needs.add(marie.id, TO_FIGEAC, NeedStatus.WITH_OPERATORS, NOW)
    searching = await ports.needs.add(marie.id, TO_FIGEAC, NeedStatus.SEARCHING, NOW)
    done = await ports.needs.add(marie.id, TO_FIGEAC, NeedStatus.CANCELLED, NOW)
    opened = [n.id for n in await ports.follow_up.open_needs()]
    assert waiting.id in opened and searching.id in opened and done.id not in opened
    assert opened == sorted(opened)
    await ports.follow_up.set_operators_post(waiting.id, 555)
    assert (await ports.needs.get(waiting.id)).operators_post_id == 555  # type: ignore[union-attr]
    later = NOW + timedelta(minutes=5)
    assert await ports.follow_up.claim(waiting.id, olga.id, later) is True
    assert await ports.follow_up.claim(waiting.id, olga.id, later) is False  # once
    assert (await ports.needs.get(waiting.id)).claimed_by == olga.id  # type: ignore[union-attr]
    closed = await ports.follow_up.close(waiting.id, CloseReason.NO_DRIVER, olga.id, later)
    assert (closed.status, closed.closed_reason) == (NeedStatus.CLOSED, CloseReason.NO_DRIVER)
    assert waiting.id not in [n.id for n in await ports.follow_up.open_needs()]
    events = await ports.follow_up.events(waiting.id)
    assert [(e["actor_id"], e["kind"], e["detail"]) for e in events][-2:] == [
        (olga.id, "claimed", ""),
        (olga.id, "closed", "no_driver"),
    ]
    assert events[-1]["at"] == later.isoformat()


async def test_inbox_keeps_each_update_once_until_handled(ports: Ports) -> None:
    assert await ports.inbox.record([(7, {"a": 1}, 1), (5, {"b": [1, 2]}, 1)], NOW) == 2
    assert await ports.inbox.record([(7, {"a": "again"}, 1), (9, {"c": None}, 2)], NOW) == 1
    pending = await ports.inbox.pending(10)
    assert [(e.update_id, e.payload) for e in pending] == [
        (5, {"b": [1, 2]}),
        (7, {"a": 1}),
        (9, {"c": None}),
    ]
    assert [e.update_id for e in await ports.inbox.pending(1)] == [5]
    assert [e.update_id for e in await ports.inbox.pending(10, after=5)] == [7, 9]
    await ports.inbox.finish(5, NOW)
    await ports.inbox.finish(7, NOW, error="boom")
    assert [e.update_id for e in await ports.inbox.pending(10)] == [9]
    # Handled ones are kept a while (a repeat is still recognised), then pruned.
    assert await ports.inbox.record([(5, {"b": 0}, 1)], NOW) == 0
    await ports.inbox.prune(NOW + timedelta(days=1))
    assert await ports.inbox.record([(5, {"b": 0}, 1)], NOW) == 1
    assert [e.update_id for e in await ports.inbox.pending(10)] == [5, 9]  # pending: kept


async def test_a_unit_of_work_rolls_back_every_write_together(ports: Ports) -> None:
    with pytest.raises(RuntimeError):
        async with ports.uow.transaction():
            jeanne = await ports.people.add_from_telegram(JEANNE, "fr", NOW)
            async with ports.uow.transaction():  # joins the outer one
                await ports.trips.add(jeanne.id, weekly({Weekday.MONDAY}, time(8)), NOW)
            raise RuntimeError("the use case fails after its writes")
    assert await ports.people.by_telegram_id(JEANNE.user_id) is None
    async with ports.uow.transaction():
        jeanne = await ports.people.add_from_telegram(JEANNE, "fr", NOW)
        await ports.trips.add(jeanne.id, weekly({Weekday.MONDAY}, time(8)), NOW)
    assert len(await ports.trips.for_driver(jeanne.id)) == 1


async def test_trip_search_finds_the_active_trips_that_fit(ports: Ports) -> None:
    jeanne = await ports.people.add_from_telegram(JEANNE, "fr", NOW)
    fits = await ports.trips.add(jeanne.id, weekly({Weekday.TUESDAY}, time(7, 30)), NOW)
    too_late = await ports.trips.add(jeanne.id, weekly({Weekday.TUESDAY}, time(10)), NOW)
    other_day = await ports.trips.add(jeanne.id, weekly({Weekday.FRIDAY}, time(7, 30)), NOW)
    paused = await ports.trips.add(jeanne.id, weekly({Weekday.TUESDAY}, time(7, 40)), NOW)
    await ports.trips.set_status(paused.id, TripStatus.PAUSED, NOW)
    far = NewTrip(
        origin=GOURDON,
        destination=CAHORS,
        weekdays=frozenset({Weekday.TUESDAY}),
        departure=time(7),
        seats=2,
    )
    away = await ports.trips.add(jeanne.id, far, NOW)
    for trip in (fits, too_late, other_day, paused, away):
        await ports.trip_search.index(trip.id)
    need = NeedQuery(
        origin=Point(CAHORS.lat, CAHORS.lon),
        destination=Point(FIGEAC.lat, FIGEAC.lon),
        weekdays=frozenset({TUESDAY.weekday()}),
        mode=TimeMode.ARRIVE_BEFORE,
        at=time(9),
        date=TUESDAY,
    )
    found = await ports.trip_search.matches(need, PARAMS)
    assert [(m.trip_id, m.pickup) for m in found] == [(fits.id, time(7, 30))]
    assert found[0].dropoff <= time(9)
    assert (
        await ports.trip_search.matches(
            NeedQuery(**{**need.__dict__, "excluded_drivers": frozenset({jeanne.id})}), PARAMS
        )
        == []
    )
    near = {r.trip_id for r in await ports.trip_search.routes_near(need.origin, need.destination)}
    assert {fits.id, too_late.id, other_day.id} <= near and paused.id not in near
    # Paused since: no longer found; resumed: found again.
    await ports.trips.set_status(fits.id, TripStatus.PAUSED, NOW)
    await ports.trip_search.index(fits.id)
    assert await ports.trip_search.matches(need, PARAMS) == []
    await ports.trips.set_status(fits.id, TripStatus.ACTIVE, NOW)
    await ports.trip_search.index(fits.id)
    assert [m.trip_id for m in await ports.trip_search.matches(need, PARAMS)] == [fits.id]


async def test_consents_latest_per_topic(ports: Ports) -> None:
    marie = await ports.people.add_from_telegram(MARIE, "fr", NOW)
    olga = await ports.people.add_from_telegram(OLGA, "fr", NOW)
    assert await ports.consents.latest(marie.id, "privacy") is None
    first = await ports.consents.add(marie.id, "privacy", "1", NOW, None)
    later = NOW + timedelta(days=1)
    again = await ports.consents.add(marie.id, "privacy", "2", later, olga.id)
    other = await ports.consents.add(marie.id, "phone", "1", later, None)
    assert await ports.consents.latest(marie.id, "privacy") == again
    assert (again.version, again.given_at, again.confirmed_by) == ("2", later, olga.id)
    assert await ports.consents.for_person(marie.id) == [first, again, other]
    assert await ports.consents.for_person(olga.id) == []
    with pytest.raises(Exception, match="(?i)foreign key"):
        await ports.consents.add(999, "privacy", "1", NOW, None)


async def test_reports_keep_both_people_apart(ports: Ports) -> None:
    jeanne = await ports.people.add_from_telegram(JEANNE, "fr", NOW)
    marie = await ports.people.add_from_telegram(MARIE, "fr", NOW)
    olga = await ports.people.add_from_telegram(OLGA, "fr", NOW)
    assert await ports.reports.never_matched_with(marie.id) == set()
    first = await ports.reports.add(marie.id, jeanne.id, None, "behaviour", "", NOW)
    second = await ports.reports.add(olga.id, marie.id, None, "no_show", "Pas venue", NOW)
    assert second == first + 1
    assert await ports.reports.never_matched_with(marie.id) == {jeanne.id, olga.id}
    assert await ports.reports.never_matched_with(jeanne.id) == {marie.id}
    assert await ports.reports.never_matched_with(olga.id) == {marie.id}


async def test_a_conversations_state_is_kept_as_written(ports: Ports) -> None:
    marie = await ports.people.add_from_telegram(MARIE, "fr", NOW)
    assert await ports.conversations.get(marie.id) is None
    state = ConversationState(
        flow="find",
        step="when",
        nonce="a3f9c1",
        draft={"origin": CAHORS.model_dump(mode="json"), "days": [1, 3], "note": "Léa"},
        choices=[FIGEAC],
    )
    await ports.conversations.put(marie.id, state)
    assert await ports.conversations.get(marie.id) == state
    moved = state.model_copy(update={"step": "time", "draft": {**state.draft, "at": "09:00"}})
    await ports.conversations.put(marie.id, moved)
    assert await ports.conversations.get(marie.id) == moved
    await ports.conversations.drop(marie.id)
    assert await ports.conversations.get(marie.id) is None
    await ports.conversations.drop(marie.id)  # twice: nothing to drop, no error


async def test_the_answers_to_aides_kept_and_given_apart(ports: Ports) -> None:
    marie = await ports.people.add_from_telegram(MARIE, "fr", NOW)
    jeanne = await ports.people.add_from_telegram(JEANNE, "fr", NOW)
    said = Profile(24, Situation.JOB_SEEKER, "46042", "Cahors", "46", rsa_or_aah=False)
    assert await ports.aid_answers.get(marie.id) is None
    assert await ports.aid_answers.forget(marie.id) is False
    await ports.aid_answers.give(marie.id, said, NOW)
    assert await ports.aid_answers.given(marie.id) == said
    assert await ports.aid_answers.get(marie.id) is None  # given is not kept
    await ports.aid_answers.keep(marie.id, said, NOW)
    older = Profile(25, Situation.JOB_SEEKER, rqth=True)
    await ports.aid_answers.keep(marie.id, older, NOW)  # kept again: replaced
    assert await ports.aid_answers.get(marie.id) == older
    assert await ports.aid_answers.given(jeanne.id) is None
    assert await ports.aid_answers.forget(marie.id) is True
    assert (await ports.aid_answers.get(marie.id), await ports.aid_answers.given(marie.id)) == (
        None,
        None,
    )


async def test_needs_shown_to_partners_while_open(ports: Ports) -> None:
    marie = await ports.people.add_from_telegram(MARIE, "fr", NOW)
    need = await ports.needs.add(marie.id, TO_FIGEAC, NeedStatus.SEARCHING, NOW)
    other = await ports.needs.add(marie.id, TO_FIGEAC, NeedStatus.WITH_OPERATORS, NOW)
    assert await ports.shared.is_shared(need.id) is False
    assert await ports.shared.share(need.id, NOW) is True
    assert await ports.shared.share(need.id, NOW) is False  # once
    assert await ports.shared.share(other.id, NOW) is True
    assert [n.id for n in await ports.shared.open_shared()] == [need.id, other.id]
    await ports.needs.set_status(other.id, NeedStatus.CANCELLED, NOW)
    assert [n.id for n in await ports.shared.open_shared()] == [need.id]  # open ones only
    assert await ports.shared.unshare(need.id) is True
    assert await ports.shared.unshare(need.id) is False
    assert await ports.shared.is_shared(need.id) is False


async def test_a_partners_booking_moves_once_and_holds_a_seat(ports: Ports) -> None:
    jeanne = await ports.people.add_from_telegram(JEANNE, "fr", NOW)
    trip = await ports.trips.add(jeanne.id, weekly({Weekday.TUESDAY}, time(7, 30)), NOW)
    pickup = datetime(2026, 11, 24, 6, 30, tzinfo=UTC)
    booked = await ports.bookings.add(
        id="6f1c8a2e-0000-4000-8000-000000000001",
        partner="karos.example",
        driver_id=jeanne.id,
        trip_id=trip.id,
        leg="outbound",
        ride_date=TUESDAY,
        pickup_at=pickup,
        passenger_alias="Léo",
        status=BookingStatus.WAITING_DRIVER_CONFIRMATION,
        dialect=Dialect.SPLIT,
        body={"id": "6f1c8a2e", "price": {"amount": 0}},
        message="Bonjour",
        now=NOW,
        expires_at=NOW + timedelta(hours=2),
    )
    assert booked.number == 1 and booked.status is BookingStatus.WAITING_DRIVER_CONFIRMATION
    assert await ports.bookings.get("6f1c8a2e-0000-4000-8000-000000000001") == booked
    assert await ports.bookings.get("unknown") is None
    assert await ports.bookings.by_number(booked.number) == booked
    assert await ports.bookings.untold() == []  # the partner made it: it knows
    assert await ports.bookings.waiting_until(NOW) == []
    assert [b.number for b in await ports.bookings.waiting_until(NOW + timedelta(hours=2))] == [1]
    assert await ports.bookings.confirmed_on(trip.id, "outbound", TUESDAY) == 0
    waiting, confirmed = BookingStatus.WAITING_DRIVER_CONFIRMATION, BookingStatus.CONFIRMED
    later = NOW + timedelta(minutes=3)
    assert await ports.bookings.set_status(1, waiting, confirmed, later) is True
    assert await ports.bookings.set_status(1, waiting, BookingStatus.CANCELLED, later) is False
    now_confirmed = await ports.bookings.by_number(1)
    assert now_confirmed is not None
    assert (now_confirmed.status, now_confirmed.updated_at) == (confirmed, later)
    assert await ports.bookings.confirmed_on(trip.id, "outbound", TUESDAY) == 1
    assert await ports.bookings.confirmed_on(trip.id, "return", TUESDAY) == 0
    assert [b.number for b in await ports.bookings.untold()] == [1]
    await ports.bookings.told(1, confirmed)
    assert await ports.bookings.untold() == []
