"""Each in-memory port (tests/memory.py) behaves like its SQLite one on the same cases: the
services' own tests run on memory, so a memory port that answers differently would let a
test pass that the real bot fails."""

from __future__ import annotations

from collections.abc import AsyncIterator
from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta
from pathlib import Path

import pytest

from bot.agenda import Due, Kind
from bot.delivery import Outgoing
from bot.domain import (
    NeedStatus,
    NewNeed,
    NewTrip,
    PlaceRef,
    Purpose,
    TelegramIdentity,
    TimeMode,
    TripStatus,
    Weekday,
)
from bot.ports import Agenda, NeedRepository, Outbox, PeopleRepository, TripRepository
from storage.agenda import SqliteAgenda
from storage.db import Database
from storage.needs import SqliteNeedRepository
from storage.outbox import SqliteOutbox
from storage.people import SqlitePeopleRepository
from storage.trips import SqliteTripRepository
from tests.memory import (
    MemoryAgenda,
    MemoryNeeds,
    MemoryOutbox,
    MemoryPeople,
    MemoryStore,
    MemoryTrips,
)

NOW = datetime(2026, 11, 23, 9, 0, tzinfo=UTC)
CAHORS = PlaceRef(id="insee:46042", name="Cahors", department="46", lat=44.4475, lon=1.4419)
FIGEAC = PlaceRef(id="insee:46102", name="Figeac", department="46", lat=44.6086, lon=2.0317)
JEANNE = TelegramIdentity(user_id=42, first_name="Jeanne", last_name="Martin", username="jm")


@dataclass
class Ports:
    people: PeopleRepository
    trips: TripRepository
    needs: NeedRepository
    agenda: Agenda
    outbox: Outbox


@pytest.fixture(params=["memory", "sqlite"])
async def ports(request: pytest.FixtureRequest, tmp_path: Path) -> AsyncIterator[Ports]:
    if request.param == "memory":
        store = MemoryStore()
        yield Ports(
            MemoryPeople(store),
            MemoryTrips(store),
            MemoryNeeds(store),
            MemoryAgenda(store),
            MemoryOutbox(store),
        )
        return
    database = await Database.open(tmp_path / "contract.sqlite3")
    try:
        yield Ports(
            SqlitePeopleRepository(database),
            SqliteTripRepository(database),
            SqliteNeedRepository(database),
            SqliteAgenda(database),
            SqliteOutbox(database),
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
