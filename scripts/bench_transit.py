"""How long a regional GTFS feed takes to import, and a passenger's transit search to answer.

A synthetic feed the size of a region's coaches (2,000 stops, 400 lines, 8,000 trips, about
120,000 stop times, over a 150 × 150 km square around Cahors) is written, imported into a
fresh database, imported again unchanged (skipped by its hash), then 200 searches between
random villages are timed (direct options, and one change when nothing is direct).

    uv run python scripts/bench_transit.py
"""

from __future__ import annotations

import asyncio
import random
import statistics
import sys
import tempfile
import time
import zipfile
from datetime import date
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from bot.matching import TimeMode  # noqa: E402
from bot.transit.planner import TransitPlanner, TransitQuery  # noqa: E402
from storage.db import Database  # noqa: E402
from storage.transit import SqlTimetable  # noqa: E402

STOPS, LINES, TRIPS_PER_LINE, CALLS = 2_000, 400, 20, 15
CENTRE = (44.45, 1.44)


def write_feed(path: Path, rng: random.Random) -> None:
    stops = [
        (
            f"S{i}",
            f"Arrêt {i}",
            CENTRE[0] + rng.uniform(-0.7, 0.7),
            CENTRE[1] + rng.uniform(-0.95, 0.95),
        )
        for i in range(STOPS)
    ]
    routes, trips, times = [], [], []
    for line in range(LINES):
        calls = rng.sample(range(STOPS), CALLS)
        routes.append(f"L{line},A,{line},Ligne {line},3")
        for run in range(TRIPS_PER_LINE):
            trip = f"T{line}-{run}"
            service = "SEM" if run % 4 else "SAM"
            trips.append(f"L{line},{service},{trip},Terminus")
            start = 5 * 3600 + run * 45 * 60
            ordered = calls if run % 2 else list(reversed(calls))
            for seq, stop in enumerate(ordered, start=1):
                at = start + seq * 6 * 60
                clock = f"{at // 3600:02d}:{at % 3600 // 60:02d}:00"
                times.append(f"{trip},{clock},{clock},S{stop},{seq}")
    files = {
        "agency.txt": "agency_id,agency_name,agency_url,agency_timezone\nA,liO,https://x,Europe/Paris\n",
        "stops.txt": "stop_id,stop_name,stop_lat,stop_lon\n"
        + "".join(f"{s},{n},{lat:.5f},{lon:.5f}\n" for s, n, lat, lon in stops),
        "routes.txt": "route_id,agency_id,route_short_name,route_long_name,route_type\n"
        + "\n".join(routes)
        + "\n",
        "trips.txt": "route_id,service_id,trip_id,trip_headsign\n" + "\n".join(trips) + "\n",
        "calendar.txt": "service_id,monday,tuesday,wednesday,thursday,friday,saturday,sunday,"
        "start_date,end_date\nSEM,1,1,1,1,1,0,0,20260901,20270705\n"
        "SAM,0,0,0,0,0,1,0,20260901,20270705\n",
        "calendar_dates.txt": "service_id,date,exception_type\nSEM,20261225,2\n",
        "stop_times.txt": "trip_id,arrival_time,departure_time,stop_id,stop_sequence\n"
        + "\n".join(times)
        + "\n",
    }
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as archive:
        for name, text in files.items():
            archive.writestr(name, text)


async def main() -> None:
    rng = random.Random(46)
    with tempfile.TemporaryDirectory() as folder:
        tmp = Path(folder)
        feed = tmp / "region.zip"
        write_feed(feed, rng)
        database = await Database.open(tmp / "bench.sqlite3")
        table = SqlTimetable(database)
        started = time.perf_counter()
        [imported] = await table.import_feeds([feed])
        first = time.perf_counter() - started
        started = time.perf_counter()
        await table.import_feeds([feed])
        again = time.perf_counter() - started
        size = (tmp / "bench.sqlite3").stat().st_size + (tmp / "bench.sqlite3-wal").stat().st_size
        zipped = feed.stat().st_size / 1e6
        print(
            f"feed: {imported.stops} stops, {imported.trips} trips, "
            f"{imported.stop_times} stop times ({zipped:.1f} MB zipped)"
        )
        print(
            f"import: {first:.2f} s; unchanged at the next start: {again * 1000:.0f} ms;"
            f" database + WAL {size / 1e6:.0f} MB"
        )
        planner = TransitPlanner(table)
        durations, answered, changes = [], 0, 0
        for _ in range(200):
            origin = (CENTRE[0] + rng.uniform(-0.6, 0.6), CENTRE[1] + rng.uniform(-0.8, 0.8))
            destination = (
                CENTRE[0] + rng.uniform(-0.6, 0.6),
                CENTRE[1] + rng.uniform(-0.8, 0.8),
            )
            query = TransitQuery(
                origin, destination, date(2026, 11, 24), TimeMode.LEAVE_AFTER, 7 * 3600, 3 * 3600
            )
            started = time.perf_counter()
            options = await planner.options(query)
            durations.append(time.perf_counter() - started)
            answered += bool(options)
            changes += any(o.changes for o in options)
        durations.sort()
        print(
            f"200 searches: median {statistics.median(durations) * 1000:.1f} ms, "
            f"95th {durations[189] * 1000:.1f} ms, max {durations[-1] * 1000:.1f} ms; "
            f"{answered} with an option ({changes} with one change)"
        )
        await database.close()


if __name__ == "__main__":
    asyncio.run(main())
