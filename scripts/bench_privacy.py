"""How /mesdonnees, /oublier and the daily retention pass behave in a big territory (prints
figures, asserts nothing).

    uv run python scripts/bench_privacy.py [PEOPLE]

PEOPLE people (a third of them drivers with a trip), two needs each with four events, an
introduction per need; then one person's export and erasure, a shared contact looked up among
the people registered by phone, and the retention pass over everything (a third of the needs
past RETENTION_MONTHS).
"""

from __future__ import annotations

import asyncio
import sys
import tempfile
import time
from datetime import UTC, datetime, timedelta
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from bot.agenda import NO_SUBJECT, AgendaEntry, Kind  # noqa: E402
from bot.assembly import build_core  # noqa: E402
from bot.places.gazetteer import Gazetteer  # noqa: E402
from bot.settings import Settings  # noqa: E402

NOW = datetime(2026, 11, 23, 9, tzinfo=UTC)


class Clock:
    def now(self) -> datetime:
        return NOW


async def fill(core: object, people: int) -> None:
    db = core.database.connection  # type: ignore[attr-defined]
    old = (NOW - timedelta(days=800)).isoformat()
    recent = (NOW - timedelta(days=10)).isoformat()
    long_ago = (NOW - timedelta(days=1200)).isoformat()  # past INACTIVE_MONTHS
    await db.execute("BEGIN")
    await db.executemany(
        "INSERT INTO people (id, display_name, telegram_user_id, phone, created_at, updated_at,"
        " last_seen_at) VALUES (?, ?, ?, ?, ?, ?, ?)",
        [
            (
                i,
                f"Person {i}",
                i if i % 5 else None,
                f"+3361{i:07d}",
                old,
                old,
                recent if i % 7 else long_ago,
            )
            for i in range(1, people + 1)
        ],
    )
    drivers = range(1, people + 1, 3)
    await db.executemany(
        "INSERT INTO trips (id, driver_id, origin_id, origin_name, origin_lat, origin_lon,"
        " destination_id, destination_name, destination_lat, destination_lon, weekdays,"
        " departure, seats, status, created_at, updated_at) VALUES"
        " (?, ?, 'insee:46042', 'Cahors', 44.45, 1.44, 'insee:46102', 'Figeac', 44.61, 2.03,"
        " 31, '07:30', 3, 'active', ?, ?)",
        [(d, d, old, old) for d in drivers],
    )
    needs = []
    for i in range(1, people + 1):
        for k in range(2):
            need_id = 2 * i + k
            when = old if need_id % 3 == 0 else recent
            needs.append((need_id, i, when, when))
    await db.executemany(
        "INSERT INTO needs (id, person_id, origin_id, origin_name, origin_lat, origin_lon,"
        " destination_id, destination_name, destination_lat, destination_lon, travel_date,"
        " time_mode, at_time, purpose, special_needs, status, created_at, updated_at) VALUES"
        " (?, ?, 'point:44.45000,1.44000', '', 44.45, 1.44, 'insee:46102', 'Figeac', 44.61,"
        " 2.03, '2026-11-24', 'arrive_before', '09:00', 'health', 'wheelchair', 'closed', ?, ?)",
        needs,
    )
    await db.executemany(
        "INSERT INTO need_events (need_id, at, actor_id, kind, detail) VALUES (?, ?, ?, ?, ?)",
        [
            (n[0], n[2], n[1], kind, "introduction 1")
            for n in needs
            for kind in ("created", "asked_driver", "accepted", "closed")
        ],
    )
    await db.executemany(
        "INSERT INTO introductions (need_id, trip_id, driver_id, passenger_id, leg, travel_day,"
        " pickup, dropoff, extra_minutes, status, created_at, expires_at, answered_at)"
        " VALUES (?, ?, ?, ?, 'outbound', 1, '07:30', '08:30', 3.0, 'accepted', ?, ?, ?)",
        [
            (
                n[0],
                1 + 3 * (n[1] % (people // 3)),
                1 + 3 * (n[1] % (people // 3)),
                n[1],
                n[2],
                n[2],
                n[2],
            )
            for n in needs
        ],
    )
    await db.execute("COMMIT")


async def timed(label: str, work: object) -> None:
    started = time.perf_counter()
    result = await work  # type: ignore[misc]
    elapsed = (time.perf_counter() - started) * 1000
    print(f"{label:<48} {elapsed:9.1f} ms  {result if isinstance(result, str) else ''}")


async def main(people: int) -> None:
    gazetteer = Gazetteer.load(("46",), None)
    with tempfile.TemporaryDirectory() as folder:
        settings = Settings(
            _env_file=None,  # type: ignore[call-arg]
            database_path=Path(folder) / "bench.sqlite3",
        )
        core = await build_core(settings, clock=Clock(), gazetteer=gazetteer)  # type: ignore[arg-type]
        started = time.perf_counter()
        await fill(core, people)
        print(
            f"{people:,} people, {2 * people:,} needs, {8 * people:,} events, "
            f"{2 * people:,} introductions, {people // 3 + 1:,} trips "
            f"(filled in {time.perf_counter() - started:.1f} s)"
        )
        person = await core.people.get(people // 2)
        if person is None:
            raise SystemExit(f"no person {people // 2}")

        async def export() -> str:
            data = await core.privacy.export(person)
            return f"{len(data.as_json()):,} bytes, {data.counts()}"

        async def forget() -> str:
            forgotten = await core.privacy.forget(person)
            return f"{len(forgotten.notices)} notices"

        async def shared_contact() -> str:
            found = await core.privacy.registered_by_phone(f"+3361{(people // 5) * 5:07d}")
            return "found" if found.person else "not found"

        async def retention() -> str:
            entry = AgendaEntry(0, Kind.RETENTION, NO_SUBJECT, NOW, 0)
            async with core.database.transaction():
                await core.database.connection.execute(
                    "INSERT INTO agenda (id, kind, subject_id, due_at, created_at)"
                    " VALUES (0, 'retention', 0, ?, ?)",
                    (NOW.isoformat(), NOW.isoformat()),
                )
            outcome, notices = await core.privacy.retention(entry)
            return f"{outcome}, {len(notices)} questions to inactive people"

        await timed("/mesdonnees of one person", export())
        await timed("/oublier of one person", forget())
        await timed("a phoned-in person found by phone", shared_contact())
        await timed("a retention pass (2,000 needs at most)", retention())
        await core.close()


if __name__ == "__main__":
    asyncio.run(main(int(sys.argv[1]) if len(sys.argv) > 1 else 30_000))
