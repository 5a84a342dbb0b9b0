"""Benchmark of matching (not a test): the R-tree prefilter against a plain scan.

    uv run python scripts/bench_matching.py [--sizes 1000,10000,100000] [--needs 300]
        [--scan-needs 40] [--seed 46] [--departments 46,12,82,81,31,19,15,24,47] [--margin 30]

Builds a synthetic territory in a temporary SQLite database: active regular trips between real
communes of the departments (origins drawn uniformly among the communes, destinations weighted
by population, 5 to 80 km apart; weekdays, times and return legs at random, fixed seed),
inserted in bulk, then indexed with ``SqliteTripSearch.reindex_all()``. The sizes grow on the
same database (the first 1,000 trips are among the 10,000). Then random needs between real
communes (random modes, times, days) are searched:

* prefilter — ``routes_near`` (R-tree query + reading the candidate rows) + ``find_matches``;
* scan, SQL+match — ``all_active_routes`` (reading every active trip) + ``find_matches``
  without the prefilter, timed on the first ``--scan-needs`` needs only (it is slow);
* scan, match only — every active trip loaded once, ``find_matches`` without the prefilter
  timed alone, for every need.

Both must return the same matches for every need, with the default and the relaxed parameters
(an operator's search; skipped when ``--margin`` is too small for it); the script exits with
status 1 if they ever differ. Takes about 3.5 minutes on 2 cores with the defaults.
"""

from __future__ import annotations

import argparse
import asyncio
import bisect
import itertools
import random
import statistics
import sys
import tempfile
import time as clock
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import UTC, datetime, time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from bot.matching import (
    MatchingParams,
    NeedQuery,
    Point,
    TimeMode,
    distance_km,
    find_matches,
)
from bot.places.gazetteer import Gazetteer
from bot.places.model import COMMUNE, Place
from storage.db import Database
from storage.trip_search import SqliteTripSearch

REGION = "46,12,82,81,31,19,15,24,47"  # the Lot and its neighbours


@dataclass
class Territory:
    communes: list[Place]
    points: list[Point]
    cumulative_population: list[float]

    @classmethod
    def load(cls, departments: Sequence[str]) -> Territory:
        gazetteer = Gazetteer.load(tuple(departments))
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


def clock_time(minutes: int) -> str:
    return f"{minutes // 60:02d}:{minutes % 60:02d}"


def random_trip_row(
    rng: random.Random, territory: Territory, trip_id: int, driver_id: int, now: str
) -> tuple[object, ...]:
    a, b = territory.pair(rng)
    mask = 0b0011111 if rng.random() < 0.7 else rng.randrange(1, 128)  # mostly Monday-Friday
    departure = rng.randrange(6 * 60, 19 * 60, 5)
    back: str | None = None
    if rng.random() < 0.6:
        later = departure + rng.randrange(60, 10 * 60, 5)
        if later < 23 * 60 + 30:
            back = clock_time(later)
    pa, pb = territory.communes[a], territory.communes[b]
    return (
        trip_id,
        driver_id,
        pa.id,
        pa.name,
        pa.department,
        pa.lat,
        pa.lon,
        pb.id,
        pb.name,
        pb.department,
        pb.lat,
        pb.lon,
        mask,
        clock_time(departure),
        back,
        rng.randrange(1, 5),
        now,
        now,
    )


def random_need(rng: random.Random, territory: Territory) -> NeedQuery:
    if rng.random() < 0.75:
        a, b = territory.pair(rng)
    else:  # anywhere to anywhere in the region, often nothing fits
        a, b = territory.uniform(rng), territory.uniform(rng)
        while b == a:
            b = territory.uniform(rng)
    if rng.random() < 0.6:
        days = frozenset({rng.randrange(7)})  # a dated need: its weekday
    else:
        days = frozenset(rng.sample(range(5), rng.randrange(1, 6)))
    return NeedQuery(
        origin=territory.points[a],
        destination=territory.points[b],
        weekdays=days,
        mode=rng.choice((TimeMode.LEAVE_AFTER, TimeMode.ARRIVE_BEFORE)),
        at=time(rng.randrange(6, 21), rng.randrange(0, 60, 5)),
        excluded_drivers=frozenset({rng.randrange(1, 1000)}),
    )


async def add_trips(
    database: Database, rows: list[tuple[object, ...]], drivers: range, now: str
) -> None:
    async with database.transaction() as connection:
        await connection.executemany(
            "INSERT OR IGNORE INTO people (id, display_name, created_at, updated_at)"
            " VALUES (?, ?, ?, ?)",
            [(n, f"Driver {n}", now, now) for n in drivers],
        )
        await connection.executemany(
            "INSERT INTO trips (id, driver_id, origin_id, origin_name, origin_department,"
            " origin_lat, origin_lon, destination_id, destination_name, destination_department,"
            " destination_lat, destination_lon, weekdays, departure, return_time, seats,"
            " status, created_at, updated_at)"
            " VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, 'active', ?, ?)",
            rows,
        )


def percentile(values: Sequence[float], p: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, round(p * (len(ordered) - 1)))]


def ms(values: Sequence[float]) -> str:
    return f"{statistics.median(values) * 1000:9.2f} {percentile(values, 0.99) * 1000:9.2f}"


@dataclass
class Row:
    size: int
    label: str
    times: list[float]
    candidates: float
    matches: float


async def bench(args: argparse.Namespace) -> int:
    departments = [d.strip() for d in args.departments.split(",") if d.strip()]
    sizes = sorted(int(s) for s in args.sizes.split(","))
    started = clock.perf_counter()
    territory = Territory.load(departments)
    print(
        f"territory: {len(territory.communes):,} communes of departments {', '.join(departments)}"
    )
    params = MatchingParams()
    relaxed = params.relaxed()
    rng = random.Random(args.seed)
    needs = [random_need(rng, territory) for _ in range(args.needs)]
    now = datetime(2025, 3, 4, tzinfo=UTC).isoformat()
    failures = 0
    rows: list[Row] = []
    with tempfile.TemporaryDirectory() as folder:
        database = await Database.open(Path(folder) / "bench.sqlite3")
        search = SqliteTripSearch(database, params, args.margin)
        searches = [("default", params)]
        if search.covers(relaxed):
            searches.append(("relaxed", relaxed))
        print(
            f"index margin: {search.margin_minutes:g} minutes of detour (covers the relaxed "
            f"search: {search.covers(relaxed)}); {len(needs)} needs, seed {args.seed}"
        )
        async with database.connection.execute(
            "EXPLAIN QUERY PLAN SELECT t.id FROM trip_boxes b CROSS JOIN trips t"
            " ON t.id = b.trip_id WHERE b.min_lat <= 1 AND b.max_lat >= 1 AND b.min_lon <= 1"
            " AND b.max_lon >= 1 AND t.status = 'active'"
        ) as cursor:
            plan = "; ".join(str(row[3]) for row in await cursor.fetchall())
        print(f"query plan of routes_near: {plan}")
        total = 0
        for size in sizes:
            t0 = clock.perf_counter()
            new_rows = [
                random_trip_row(rng, territory, n, 1 + n // 3, now)
                for n in range(total + 1, size + 1)
            ]
            await add_trips(database, new_rows, range(1, 2 + size // 3), now)
            t1 = clock.perf_counter()
            indexed = await search.reindex_all()
            t2 = clock.perf_counter()
            total = size
            print(
                f"\n{size:,} active trips: generated and inserted in {t1 - t0:.1f} s, "
                f"indexed (reindex_all) in {t2 - t1:.1f} s ({indexed:,} boxes)"
            )
            await search.routes_near(needs[0].origin, needs[0].destination)  # warm-up
            every = await search.all_active_routes()
            assert len(every) == size

            for label, p in searches:
                pre_times: list[float] = []
                pre_candidates: list[int] = []
                pre_matches: list[int] = []
                scan_times: list[float] = []
                for need in needs:
                    s0 = clock.perf_counter()
                    routes = await search.routes_near(need.origin, need.destination)
                    found = find_matches(need, routes, p)
                    s1 = clock.perf_counter()
                    pre_times.append(s1 - s0)
                    pre_candidates.append(len(routes))
                    pre_matches.append(len(found))
                    s2 = clock.perf_counter()
                    plain = find_matches(need, every, p, prefilter=False)
                    s3 = clock.perf_counter()
                    scan_times.append(s3 - s2)
                    if found != plain:
                        failures += 1
                        print(f"  MISMATCH ({label}) for {need}: {len(found)} vs {len(plain)}")
                rows.append(
                    Row(
                        size,
                        f"{label}: R-tree, SQL+match",
                        pre_times,
                        statistics.mean(pre_candidates),
                        statistics.mean(pre_matches),
                    )
                )
                rows.append(
                    Row(
                        size,
                        f"{label}: scan, match only",
                        scan_times,
                        float(size),
                        statistics.mean(pre_matches),
                    )
                )
                if label == "default":
                    sql_times: list[float] = []
                    for need in needs[: args.scan_needs]:
                        s0 = clock.perf_counter()
                        routes = await search.all_active_routes()
                        found = find_matches(need, routes, p, prefilter=False)
                        sql_times.append(clock.perf_counter() - s0)
                    rows.append(
                        Row(
                            size,
                            f"{label}: scan, SQL+match ({len(sql_times)} needs)",
                            sql_times,
                            float(size),
                            statistics.mean(pre_matches[: args.scan_needs]),
                        )
                    )
                with_match = sum(1 for n in pre_matches if n)
                widest = max(range(len(needs)), key=lambda n: pre_candidates[n])
                span = distance_km(needs[widest].origin, needs[widest].destination)
                print(
                    f"  {label}: {with_match}/{len(needs)} needs have a match; R-tree candidates "
                    f"mean {statistics.mean(pre_candidates):.1f}, max {max(pre_candidates)} "
                    f"(a need of {span:.1f} km)"
                )
        await database.close()

    print()
    header = (
        f"{'trips':>8}  {'search':<40} {'median ms':>9} {'p99 ms':>9} "
        f"{'candidates':>10} {'matches':>7}"
    )
    print(header)
    print("-" * len(header))
    for row in rows:
        print(
            f"{row.size:>8,}  {row.label:<40} {ms(row.times)} "
            f"{row.candidates:>10.1f} {row.matches:>7.2f}"
        )
    print(
        "\nR-tree = routes_near() (R-tree query + reading candidate rows) then find_matches();"
        "\nscan, match only = every active trip loaded once, find_matches(prefilter=False) timed"
        " alone;\nscan, SQL+match = all_active_routes() then find_matches(prefilter=False), on"
        " the first needs only."
    )
    print(f"\ntotal time {clock.perf_counter() - started:.0f} s")
    if failures:
        print(f"FAILED: the prefilter and the plain scan differ for {failures} searches")
        return 1
    print("the prefilter and the plain scan returned the same matches for every need")
    return 0


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n", 1)[0])
    parser.add_argument("--sizes", default="1000,10000,100000")
    parser.add_argument("--needs", type=int, default=300)
    parser.add_argument("--scan-needs", type=int, default=40, help="needs timed with SQL+scan")
    parser.add_argument("--seed", type=int, default=46)
    parser.add_argument("--departments", default=REGION)
    parser.add_argument(
        "--margin", type=float, default=None, help="index margin in minutes (default 2 × detour)"
    )
    args = parser.parse_args(argv)
    return asyncio.run(bench(args))


if __name__ == "__main__":
    raise SystemExit(main())
