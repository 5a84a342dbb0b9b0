"""Benchmark of matching (not a test): the columnar index against a plain scan.

    uv run python scripts/bench_matching.py [--sizes 1000,10000,100000,1000000] [--needs 200]
        [--big-needs 20] [--sql-max 100000] [--workloads region,hard] [--seed 46] [--quick]

Two workloads, each on a synthetic territory of real communes (fixed seed):

* region — the Lot and its neighbours (46,12,82,81,31,19,15,24,47): trips from a commune to a
  town (by population) 5 to 80 km away, mostly on weekdays, with random times and return legs;
  needs mostly between such places, a quarter anywhere to anywhere. Default settings.
* hard — five departments (46,12,19,24,82, 1,572 communes): trips and needs drawn uniformly
  between communes (so many of 100 to 300 km), a 45-minute detour limit and schedules wide
  open (every day, an hour and a half of tolerance, twelve hours of wait): the prefilter's
  worst case.

For each size and each search (the passenger's: default limits, 5 drivers; the team's: the
relaxed limits, 20 drivers), every need is searched two ways:

* index — ``TripIndex.matches`` (bot/matching_index.py), what the bot uses;
* scan — ``find_matches`` over every trip held in memory, timed alone.

Every need's index answer must equal the scan's; the script exits with status 1 otherwise.
(The SQLite R*Tree the bot used before is gone since migration 0027; to compare with it, run
this script from an older checkout.) Also timed: loading the index from SQLite at start-up,
putting a changed trip into the index, and ``IndexedTripSearch.index`` (reading the trip back
from SQLite) on the largest database written (up to ``--sql-max`` trips). Above 100,000 trips
the searches run on ``--big-needs`` needs: a scan of a million trips takes seconds.
"""

from __future__ import annotations

import argparse
import asyncio
import bisect
import itertools
import json
import random
import statistics
import sys
import tempfile
import time as clock
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from bot.matching import (
    MatchingParams,
    NeedQuery,
    Point,
    TimeMode,
    TripRoute,
    distance_km,
    find_matches,
)
from bot.matching_index import TripIndex
from bot.places.gazetteer import Gazetteer
from bot.places.model import COMMUNE, Place
from storage.db import Database
from storage.trip_search import IndexedTripSearch

REGION = "46,12,82,81,31,19,15,24,47"  # the Lot and its neighbours
HARD = "46,12,19,24,82"
EVERY_DAY = frozenset(range(7))
CHANGE_TIMES: list[float] = []  # median ms of a changed trip, per workload
PASSENGER_LIMIT, TEAM_LIMIT = 5, 20
ONE_OFF_SHARE = 0.1  # of the region's trips, made once on a date of the next four weeks
FIRST_DAY = date(2026, 12, 7)  # as bot/services (MAX_CANDIDATES, the operators' 20)


@dataclass
class Territory:
    communes: list[Place]
    points: list[Point]
    cumulative_population: list[float]

    @classmethod
    def load(cls, gazetteer: Gazetteer, departments: Sequence[str]) -> Territory:
        wanted = set(departments)
        communes = [
            p
            for p in gazetteer
            if p.kind == COMMUNE and p.commune is None and p.department in wanted
        ]
        weights = itertools.accumulate(max(p.population, 1) for p in communes)
        return cls(communes, [Point(p.lat, p.lon) for p in communes], [float(w) for w in weights])

    def uniform(self, rng: random.Random) -> int:
        return rng.randrange(len(self.communes))

    def by_population(self, rng: random.Random) -> int:
        total = self.cumulative_population[-1]
        return bisect.bisect_right(self.cumulative_population, rng.random() * total)

    def pair(
        self, rng: random.Random, low_km: float = 5.0, high_km: float = 80.0
    ) -> tuple[int, int]:
        """A commune, and a town (by population) 5 to 80 km away; sometimes reversed."""
        while True:
            a = self.uniform(rng)
            for _ in range(50):
                b = self.by_population(rng)
                if low_km <= distance_km(self.points[a], self.points[b]) <= high_km:
                    return (a, b) if rng.random() < 0.7 else (b, a)

    def two(self, rng: random.Random) -> tuple[int, int]:
        a = self.uniform(rng)
        b = self.uniform(rng)
        while b == a:
            b = self.uniform(rng)
        return a, b


@dataclass
class Workload:
    name: str
    territory: Territory
    params: MatchingParams
    hard: bool

    def trip(self, rng: random.Random, trip_id: int) -> TripRoute:
        if self.hard:
            a, b = self.territory.two(rng)
            days = EVERY_DAY
        else:
            a, b = self.territory.pair(rng)
            mostly_weekdays = rng.random() < 0.7
            days = frozenset(range(5)) if mostly_weekdays else _days(rng.randrange(1, 128))
        departure = rng.randrange(6 * 60, 19 * 60, 5)
        back: time | None = None
        if rng.random() < 0.6:
            later = departure + rng.randrange(60, 10 * 60, 5)
            if later < 23 * 60 + 30:
                back = _clock(later)
        day: date | None = None
        if not self.hard and rng.random() < ONE_OFF_SHARE:  # made once: its date, its weekday
            day = FIRST_DAY + timedelta(days=rng.randrange(28))
            days = frozenset({day.weekday()})
        return TripRoute(
            trip_id=trip_id,
            driver_id=1 + trip_id // 3,
            origin=self.territory.points[a],
            destination=self.territory.points[b],
            weekdays=days,
            departure=_clock(departure),
            return_time=back,
            date=day,
            seats=rng.randrange(1, 5),
        )

    def need(self, rng: random.Random) -> NeedQuery:
        day: date | None = None
        if self.hard:
            a, b = self.territory.two(rng)
            days = EVERY_DAY
        else:
            if rng.random() < 0.75:
                a, b = self.territory.pair(rng)
            else:  # anywhere to anywhere in the region, often nothing fits
                a, b = self.territory.two(rng)
            if rng.random() < 0.6:  # a dated need: its date and weekday
                day = FIRST_DAY + timedelta(days=rng.randrange(28))
                days = frozenset({day.weekday()})
            else:
                days = frozenset(rng.sample(range(5), rng.randrange(1, 6)))
        return NeedQuery(
            origin=self.territory.points[a],
            destination=self.territory.points[b],
            weekdays=days,
            mode=rng.choice((TimeMode.LEAVE_AFTER, TimeMode.ARRIVE_BEFORE)),
            at=time(rng.randrange(6, 21), rng.randrange(0, 60, 5)),
            excluded_drivers=frozenset({rng.randrange(1, 1000)}),
            date=day,
        )

    def trip_row(self, route: TripRoute, now: str) -> tuple[object, ...]:
        mask = sum(1 << day for day in route.weekdays)
        back = route.return_time.strftime("%H:%M") if route.return_time else None
        return (
            route.trip_id,
            route.driver_id,
            f"p{route.origin.lat}",
            "A",
            "46",
            route.origin.lat,
            route.origin.lon,
            f"p{route.destination.lat}",
            "B",
            "46",
            route.destination.lat,
            route.destination.lon,
            mask,
            route.departure.strftime("%H:%M"),
            back,
            route.seats,
            route.date.isoformat() if route.date else None,
            now,
            now,
        )


def _days(mask: int) -> frozenset[int]:
    return frozenset(day for day in range(7) if mask & (1 << day))


def _clock(minutes: int) -> time:
    return time(minutes // 60, minutes % 60)


async def add_trips(database: Database, rows: list[tuple[object, ...]], drivers: int) -> None:
    now = datetime(2025, 3, 4, tzinfo=UTC).isoformat()
    async with database.transaction() as connection:
        await connection.executemany(
            "INSERT INTO people (id, display_name, created_at, updated_at)"
            " VALUES (?, ?, ?, ?) ON CONFLICT DO NOTHING",
            [(n, f"Driver {n}", now, now) for n in range(1, drivers + 1)],
        )
        await connection.executemany(
            "INSERT INTO trips (id, driver_id, origin_id, origin_name, origin_department,"
            " origin_lat, origin_lon, destination_id, destination_name, destination_department,"
            " destination_lat, destination_lon, weekdays, departure, return_time, seats,"
            " trip_date, status, created_at, updated_at)"
            " VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, 'active', ?, ?)",
            rows,
        )


def percentile(values: Sequence[float], p: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, round(p * (len(ordered) - 1)))]


@dataclass
class Row:
    workload: str
    size: int
    search: str
    way: str
    times: list[float]
    matches: float

    def line(self) -> str:
        median = statistics.median(self.times) * 1000
        p99 = percentile(self.times, 0.99) * 1000
        return (
            f"{self.workload:<7} {self.size:>9,}  {self.search:<9} {self.way:<7} "
            f"{median:9.2f} {p99:9.2f} {len(self.times):>6} {self.matches:>7.2f}"
        )


HEADER = (
    f"{'load':<7} {'trips':>9}  {'search':<9} {'way':<7} {'median ms':>9} {'p99 ms':>9} "
    f"{'needs':>6} {'matches':>7}"
)


async def run(args: argparse.Namespace) -> tuple[list[Row], list[str], int]:
    """The rows of the table, other figures as lines, and how many answers differed."""
    sizes = sorted(int(s) for s in args.sizes.split(","))
    gazetteer = Gazetteer.load(())
    rows: list[Row] = []
    notes: list[str] = []
    failures = 0
    for name in args.workloads.split(","):
        hard = name == "hard"
        departments = (HARD if hard else REGION).split(",")
        params = MatchingParams(
            max_detour_minutes=45.0 if hard else 15.0,
            time_tolerance_minutes=90.0 if hard else 30.0,
            max_wait_minutes=720.0 if hard else 180.0,
        )
        workload = Workload(name, Territory.load(gazetteer, departments), params, hard)
        notes.append(
            f"{name}: {len(workload.territory.communes):,} communes of {','.join(departments)};"
            f" detour {params.max_detour_minutes:g} min, tolerance "
            f"{params.time_tolerance_minutes:g} min, wait {params.max_wait_minutes:g} min"
        )
        rng = random.Random(args.seed)
        needs = [workload.need(rng) for _ in range(args.needs)]
        searches = (
            ("passenger", params, PASSENGER_LIMIT),
            ("team", params.relaxed(), TEAM_LIMIT),
        )
        routes: list[TripRoute] = []
        index = TripIndex(params)
        with tempfile.TemporaryDirectory() as folder:
            database = await Database.open(Path(folder) / "bench.sqlite3")
            for size in sizes:
                fresh = [workload.trip(rng, n) for n in range(len(routes) + 1, size + 1)]
                routes.extend(fresh)
                t0 = clock.perf_counter()
                index.put_all(fresh)
                put_seconds = clock.perf_counter() - t0
                if size <= args.sql_max:
                    await add_trips(
                        database, [workload.trip_row(r, "2025") for r in fresh], 1 + size // 3
                    )
                notes.append(
                    f"{name} {size:,}: index filled in {put_seconds:.2f} s"
                    f" ({put_seconds / max(1, len(fresh)) * 1e6:.1f} µs a trip)"
                )
                asked = needs if size <= 100_000 else needs[: args.big_needs]
                for label, search_params, limit in searches:
                    times: dict[str, list[float]] = {"index": [], "scan": []}
                    found_total = 0
                    for need in asked:
                        s0 = clock.perf_counter()
                        fast = index.matches(need, search_params, limit)
                        s1 = clock.perf_counter()
                        plain = find_matches(need, routes, search_params, limit)
                        s2 = clock.perf_counter()
                        times["index"].append(s1 - s0)
                        times["scan"].append(s2 - s1)
                        found_total += len(plain)
                        if fast != plain:
                            failures += 1
                            print(f"MISMATCH index/scan ({name}, {label}, {size}): {need}")
                    mean = found_total / len(asked)
                    for way, spent in times.items():
                        if spent:
                            rows.append(Row(name, size, label, way, spent, mean))
            notes.extend(await changes(database, routes, workload, params))
            await database.close()
    return rows, notes, failures


async def changes(
    database: Database, routes: list[TripRoute], workload: Workload, params: MatchingParams
) -> list[str]:
    """What changing a trip costs, on the largest database of the workload."""
    async with database.connection.execute("SELECT COUNT(*) FROM trips") as cursor:
        row = await cursor.fetchone()
    in_database = int(row[0]) if row else 0
    if in_database == 0:
        return []
    search = IndexedTripSearch(database, params)
    t0 = clock.perf_counter()
    await search.ensure_index()
    loaded = clock.perf_counter() - t0
    rng = random.Random(5)
    put_times, index_times = [], []
    for _ in range(200):
        trip_id = rng.randrange(1, in_database + 1)
        changed = workload.trip(rng, trip_id)
        async with database.transaction() as connection:
            await connection.execute(
                "UPDATE trips SET departure = ? WHERE id = ?",
                (changed.departure.strftime("%H:%M"), trip_id),
            )
            s0 = clock.perf_counter()
            await search.index(trip_id)
            index_times.append(clock.perf_counter() - s0)
        s1 = clock.perf_counter()
        search._index.put(changed)
        put_times.append(clock.perf_counter() - s1)
    CHANGE_TIMES.append(statistics.median(index_times) * 1000)
    return [
        f"{workload.name} {in_database:,} trips in SQLite: loaded into the index at start-up in"
        f" {loaded:.2f} s",
        f"{workload.name}: a changed trip costs {statistics.median(index_times) * 1000:.2f} ms"
        f" median, {max(index_times) * 1000:.2f} ms max (IndexedTripSearch.index: read back"
        f" from SQLite), of which TripIndex.put {statistics.median(put_times) * 1000:.3f} ms",
    ]


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n", 1)[0])
    parser.add_argument("--sizes", default="1000,10000,100000,1000000")
    parser.add_argument("--needs", type=int, default=200)
    parser.add_argument("--big-needs", type=int, default=20, help="needs above 100,000 trips")
    parser.add_argument("--sql-max", type=int, default=100_000, help="largest SQLite database")
    parser.add_argument("--workloads", default="region,hard")
    parser.add_argument("--seed", type=int, default=46)
    parser.add_argument(
        "--quick", action="store_true", help="small sizes: checks the answers, not the times"
    )
    parser.add_argument("--json", type=Path, help="also write the figures there")
    args = parser.parse_args(argv)
    if args.quick:
        args.sizes, args.needs = "300,3000", 60
    started = clock.perf_counter()
    rows, notes, failures = asyncio.run(run(args))
    print(HEADER)
    print("-" * len(HEADER))
    for row in rows:
        print(row.line())
    print()
    for note in notes:
        print(note)
    print(f"total time {clock.perf_counter() - started:.0f} s")
    if args.json:
        args.json.write_text(
            json.dumps(
                {
                    "rows": [
                        {
                            "workload": r.workload,
                            "size": r.size,
                            "search": r.search,
                            "way": r.way,
                            "median_ms": statistics.median(r.times) * 1000,
                            "p99_ms": percentile(r.times, 0.99) * 1000,
                        }
                        for r in rows
                    ],
                    "change_ms": max(CHANGE_TIMES) if CHANGE_TIMES else None,
                    "failures": failures,
                }
            )
        )
    if failures:
        print(f"FAILED: {failures} answers differ from the plain scan")
        return 1
    print("every answer of the index equals the plain scan's")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
