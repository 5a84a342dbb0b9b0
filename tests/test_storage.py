from datetime import UTC, datetime, time
from pathlib import Path

import pytest

from bot.domain import NewTrip, PlaceRef, TelegramIdentity, TripStatus, Weekday
from storage.db import Database, migrations
from storage.people import SqlPeopleRepository
from storage.trips import SqlTripRepository

NOW = datetime(2026, 11, 22, 9, 0, tzinfo=UTC)
CAHORS = PlaceRef(id="insee:46042", name="Cahors", department="46", lat=44.4475, lon=1.4419)
FIGEAC = PlaceRef(id="insee:46102", name="Figeac", department="46", lat=44.6086, lon=2.0317)


async def test_migrations_are_applied_once_and_safe_to_rerun(tmp_path: Path) -> None:
    path = tmp_path / "db.sqlite3"
    database = await Database.open(path)
    assert await database.schema_version() == migrations()[-1][0]
    assert await database.migrate() == []  # nothing left to apply
    await database.close()
    again = await Database.open(path)  # a restart applies nothing twice
    async with again.connection.execute("SELECT COUNT(*) FROM schema_migrations") as cursor:
        row = await cursor.fetchone()
        assert row is not None
        assert row[0] == len(migrations())
    if again.dialect.name != "sqlite":
        await again.close()
        return
    async with again.connection.execute("PRAGMA journal_mode") as cursor:
        row = await cursor.fetchone()
        assert row is not None
        assert row[0] == "wal"
    async with again.connection.execute("PRAGMA foreign_keys") as cursor:
        row = await cursor.fetchone()
        assert row is not None
        assert row[0] == 1
    await again.close()


async def test_foreign_keys_are_enforced(tmp_path: Path) -> None:
    database = await Database.open(tmp_path / "db.sqlite3")
    trips = SqlTripRepository(database)
    new = NewTrip(
        origin=CAHORS,
        destination=FIGEAC,
        weekdays=frozenset({Weekday.MONDAY}),
        departure=time(7, 30),
        seats=3,
    )
    with pytest.raises(Exception, match="(?i)FOREIGN KEY"):
        await trips.add(999, new, NOW)
    await database.close()


async def test_people_and_trips_round_trip(tmp_path: Path) -> None:
    database = await Database.open(tmp_path / "db.sqlite3")
    people, trips = SqlPeopleRepository(database), SqlTripRepository(database)
    identity = TelegramIdentity(user_id=42, first_name="Jeanne", last_name="Martin", username="jm")
    person = await people.add_from_telegram(identity, "fr", NOW)
    assert (person.display_name, person.short_name, person.language) == (
        "Jeanne Martin",
        "Jeanne M.",
        "fr",
    )
    assert await people.add_from_telegram(identity, "en", NOW) == person  # same account, one row
    person = await people.set_phone(person.id, "+33612345678", True, NOW)
    assert person.phone_visible and person.phone_consent_at == NOW
    new = NewTrip(
        origin=CAHORS,
        destination=FIGEAC,
        weekdays=frozenset({Weekday.MONDAY, Weekday.FRIDAY}),
        departure=time(7, 30),
        return_time=time(17, 45),
        seats=3,
        note="par Gramat",
    )
    trip = await trips.add(person.id, new, NOW)
    assert trip.model_dump(include=set(NewTrip.model_fields)) == new.model_dump()
    assert trip.status is TripStatus.ACTIVE
    await trips.set_status(trip.id, TripStatus.DELETED, NOW)
    assert await trips.for_driver(person.id) == []
    await database.close()


async def test_concurrent_transactions_take_turns(tmp_path: Path) -> None:
    import asyncio

    database = await Database.open(tmp_path / "db.sqlite3")
    people = SqlPeopleRepository(database)

    async def write(n: int) -> None:
        async with database.transaction() as db:
            await db.execute("CREATE TABLE IF NOT EXISTS t (n INTEGER)")
            await asyncio.sleep(0)
            await db.execute("INSERT INTO t VALUES (?)", (n,))

    await asyncio.gather(*(write(n) for n in range(10)))
    async with database.connection.execute("SELECT COUNT(*) FROM t") as cursor:
        row = await cursor.fetchone()
        assert row is not None
        assert row[0] == 10
    assert people is not None
    await database.close()
