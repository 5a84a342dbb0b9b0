"""Benchmark of the partners' search (not a test): `driver_journeys` and
`driver_regular_trips` answered by the core (bot/interop/served.py) on a synthetic region.

    uv run python scripts/bench_interop.py [--trips 100000] [--queries 200] [--seed 46]

Trips as in scripts/bench_matching.py (real communes of the Lot and its neighbours), their
drivers on Telegram. Queries between real communes (mostly along existing roads), on a
weekday at a random time, with the standard's defaults (1 km, 900 s), as a partner would ask.
Prints the time per query (median, 95th percentile, worst) and how many results they had.
"""

from __future__ import annotations

import argparse
import asyncio
import random
import statistics
import sys
import tempfile
import time as clock
from datetime import UTC, datetime, time, timedelta
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from bot.agenda import Calendar  # noqa: E402
from bot.clock import Clock  # noqa: E402
from bot.interop import journeys as j  # noqa: E402
from bot.interop.served import PartnerApi  # noqa: E402
from bot.matching import MatchingParams  # noqa: E402
from bot.places.gazetteer import Gazetteer  # noqa: E402
from scripts.bench_matching import REGION, Territory, Workload  # noqa: E402
from storage.db import Database  # noqa: E402
from storage.interop import SqlBookings, SqlSharedNeeds  # noqa: E402
from storage.needs import SqlNeedRepository  # noqa: E402
from storage.people import SqlPeopleRepository  # noqa: E402
from storage.trip_search import IndexedTripSearch  # noqa: E402
from storage.trips import SqlTripRepository  # noqa: E402

NOW = datetime(2025, 3, 3, 6, 0, tzinfo=UTC)  # a Monday


class Fixed(Clock):
    def now(self) -> datetime:
        return NOW


def ms(values: list[float]) -> str:
    values = sorted(values)
    p95 = values[min(len(values) - 1, int(len(values) * 0.95))]
    return f"median {statistics.median(values):.1f} ms, p95 {p95:.1f} ms, max {values[-1]:.1f} ms"


async def bench(args: argparse.Namespace) -> None:
    params = MatchingParams()
    territory = Territory.load(Gazetteer.load(()), REGION.split(","))
    workload = Workload("region", territory, params, hard=False)
    rng = random.Random(args.seed)
    with tempfile.TemporaryDirectory() as folder:
        database = await Database.open(Path(folder) / "bench.sqlite3")
        stamp = NOW.isoformat()
        rows = [workload.trip_row(workload.trip(rng, n), stamp) for n in range(1, args.trips + 1)]
        drivers = range(1, 2 + args.trips // 3)
        async with database.transaction() as connection:
            await connection.executemany(
                "INSERT INTO people (id, display_name, telegram_user_id, created_at, updated_at)"
                " VALUES (?, ?, ?, ?, ?)",
                [(n, f"Driver {n} X", 10_000 + n, stamp, stamp) for n in drivers],
            )
            await connection.executemany(
                "INSERT INTO trips (id, driver_id, origin_id, origin_name, origin_department,"
                " origin_lat, origin_lon, destination_id, destination_name,"
                " destination_department, destination_lat, destination_lon, weekdays,"
                " departure, return_time, seats, status, created_at, updated_at) VALUES"
                " (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, 'active', ?, ?)",
                rows,
            )
        search = IndexedTripSearch(database, params)
        await search.ensure_index()
        api = PartnerApi(
            operator="bench.example.org",
            partners=[],
            trips=SqlTripRepository(database),
            people=SqlPeopleRepository(database),
            needs=SqlNeedRepository(database),
            search=search,
            bookings=SqlBookings(database),
            shared=SqlSharedNeeds(database),
            params=params,
            clock=Fixed(),
            calendar=Calendar(__import__("zoneinfo").ZoneInfo("Europe/Paris")),
            unit_of_work=database,
            answer_delay=timedelta(hours=12),
        )
        print(f"{args.trips:,} active trips in {len(territory.communes):,} communes")
        for name in ("driver_journeys", "driver_regular_trips"):
            times, found = [], []
            for _ in range(args.queries):
                a, b = territory.pair(rng)
                area = j.Area(territory.points[a], territory.points[b])
                at = time(rng.randrange(6, 20), rng.randrange(0, 60, 5))
                began = clock.perf_counter()
                if name == "driver_journeys":
                    day = NOW.date() + timedelta(days=1 + rng.randrange(5))
                    moment = datetime.combine(day, at, tzinfo=api._zone).astimezone(UTC)
                    results: list[object] = list(
                        await api.driver_journeys(j.DatedQuery(area, moment))
                    )
                else:
                    results = list(await api.driver_regular_trips(j.RegularQuery(area, at)))
                times.append((clock.perf_counter() - began) * 1000)
                found.append(len(results))
            print(
                f"{name}: {args.queries} queries, {ms(times)}; results per query: "
                f"median {statistics.median(found):g}, max {max(found)}, "
                f"{sum(1 for f in found if f)} with some"
            )
        await database.close()


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--trips", type=int, default=100_000)
    parser.add_argument("--queries", type=int, default=200)
    parser.add_argument("--seed", type=int, default=46)
    asyncio.run(bench(parser.parse_args()))


if __name__ == "__main__":
    main()
