"""Benchmark of announcements (not a test): which waiting needs a new trip can serve.

    uv run python scripts/bench_announcements.py [--needs 10000] [--trips 300] [--json FILE]

Fills a database with ``--needs`` needs waiting for a driver (the region workload of
scripts/bench_matching.py), then, for ``--trips`` new trips, finds the needs each can take two
ways, side by side:

* reverse search — ``waiting_near`` (an R-tree of the waiting needs' two ends, kept by
  triggers) with the trip's search box, then ``match_route`` on what it returns: what the bot
  does;
* scan — every waiting need read (``waiting``), then ``match_route`` on each: what it did.

Both must find the same needs for every trip (exit status 1 otherwise).
"""

from __future__ import annotations

import argparse
import asyncio
import json
import random
import statistics
import sys
import tempfile
import time as clock
from collections.abc import Sequence
from datetime import UTC, datetime
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from bot.matching import MatchingParams, match_route, search_box  # noqa: E402
from bot.places.gazetteer import Gazetteer  # noqa: E402
from bot.services.needs import need_query  # noqa: E402
from scripts.bench_matching import REGION, Territory, Workload, percentile  # noqa: E402
from storage.db import Database  # noqa: E402
from storage.needs import SqlNeedRepository  # noqa: E402


async def run(args: argparse.Namespace) -> dict[str, float]:
    params = MatchingParams()
    workload = Workload(
        "region", Territory.load(Gazetteer.load(()), REGION.split(",")), params, False
    )
    rng = random.Random(args.seed)
    now = datetime(2025, 3, 4, tzinfo=UTC).isoformat()
    with tempfile.TemporaryDirectory() as folder:
        database = await Database.open(Path(folder) / "bench.sqlite3")
        rows = []
        for n in range(args.needs):
            query = workload.need(rng)
            rows.append(
                (
                    n + 1,
                    query.origin.lat,
                    query.origin.lon,
                    query.destination.lat,
                    query.destination.lon,
                    sum(1 << d for d in query.weekdays),
                    query.mode.value,
                    query.at.strftime("%H:%M"),
                    "searching" if rng.random() < 0.8 else "with_operators",
                    now,
                )
            )
        async with database.transaction() as connection:
            await connection.executemany(
                "INSERT INTO people (id, display_name, created_at, updated_at)"
                " VALUES (?, 'P', ?, ?)",
                [(n + 1, now, now) for n in range(args.needs)],
            )
            await connection.executemany(
                "INSERT INTO needs (person_id, origin_id, origin_name, origin_lat, origin_lon,"
                " destination_id, destination_name, destination_lat, destination_lon,"
                " weekdays, time_mode, at_time, purpose, status, created_at, updated_at)"
                " VALUES (?, 'o', 'O', ?, ?, 'd', 'D', ?, ?, ?, ?, ?, 'health', ?, ?, ?)",
                [(*row, row[-1]) for row in rows],
            )
        needs = SqlNeedRepository(database)
        reverse_times, scan_times, found, returned = [], [], [], []
        failures = 0
        for n in range(args.trips):
            route = workload.trip(rng, n + 1)
            box = search_box(
                route.origin, route.destination, params.max_extra_road_km, params.road_factor
            )
            s0 = clock.perf_counter()
            near = await needs.waiting_near(box, route.weekdays)
            fast = [
                need.id
                for need in near
                if match_route(route, need_query(need, frozenset()), params) is not None
            ]
            s1 = clock.perf_counter()
            every = await needs.waiting()
            plain = [
                need.id
                for need in every
                if match_route(route, need_query(need, frozenset()), params) is not None
            ]
            s2 = clock.perf_counter()
            reverse_times.append(s1 - s0)
            scan_times.append(s2 - s1)
            found.append(len(fast))
            returned.append(len(near))
            if fast != plain:
                failures += 1
                print(f"MISMATCH for trip {route}: {fast} vs {plain}")
        await database.close()
    figures = {
        "reverse_median_ms": statistics.median(reverse_times) * 1000,
        "reverse_p99_ms": percentile(reverse_times, 0.99) * 1000,
        "scan_median_ms": statistics.median(scan_times) * 1000,
        "scan_p99_ms": percentile(scan_times, 0.99) * 1000,
        "needs_found_mean": statistics.mean(found),
        "needs_returned_mean": statistics.mean(returned),
        "failures": failures,
    }
    return figures


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n", 1)[0])
    parser.add_argument("--needs", type=int, default=10_000)
    parser.add_argument("--trips", type=int, default=300)
    parser.add_argument("--seed", type=int, default=46)
    parser.add_argument("--json", type=Path, help="also write the figures there")
    args = parser.parse_args(argv)
    figures = asyncio.run(run(args))
    print(f"{args.needs:,} waiting needs, {args.trips} new trips:")
    print(
        f"  reverse search: median {figures['reverse_median_ms']:.2f} ms,"
        f" p99 {figures['reverse_p99_ms']:.2f} ms"
    )
    print(
        f"  scan of every need: median {figures['scan_median_ms']:.2f} ms,"
        f" p99 {figures['scan_p99_ms']:.2f} ms"
    )
    print(
        f"  needs a trip can serve: {figures['needs_found_mean']:.2f} on average, among"
        f" {figures['needs_returned_mean']:.1f} returned by the reverse search"
    )
    if args.json:
        args.json.write_text(json.dumps(figures))
    if figures["failures"]:
        print(f"FAILED: {figures['failures']} trips found other needs than the scan")
        return 1
    print("the reverse search found the same needs as the scan for every trip")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
