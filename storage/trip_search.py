"""The active trips' search index, beside the database: loaded at start-up, and kept in step
with it as trips change (``bot.matching_index.TripIndex`` answers the searches in memory).

An R*Tree of search boxes (``trip_boxes``) once did this in SQLite; only a benchmark still
read it, so migration 0027 dropped it (``scripts/bench_matching.py`` compares the index with
a plain scan).
"""

from __future__ import annotations

import asyncio
from collections.abc import Iterable, Sequence
from datetime import UTC, date, datetime, time, timedelta
from typing import Any

import numpy as np

from bot.agenda import utc_text
from bot.matching import (
    Match,
    MatchingParams,
    NeedQuery,
    Point,
    TripRoute,
)
from bot.matching_index import NO_RETURN, TripColumns, TripIndex
from bot.workers import Worker
from storage.claims import LOG_LOCK, Engine
from storage.db import Database

# How long the trips' change log is kept (trip_changes).
KEEP_CHANGES = timedelta(days=1)
# Bump when search_box() changes, so that ensure_index() rebuilds the boxes.
BOX_VERSION = "1"

_ROUTE_COLUMNS = (
    "t.id, t.driver_id, t.origin_lat, t.origin_lon, t.destination_lat, t.destination_lon,"
    " t.weekdays, t.departure, t.return_time, t.trip_date, t.seats"
)
# On a day: the regular trips, and the one-off trips of that day.
_ON_DAY = " AND (t.trip_date IS NULL OR t.trip_date = ?)"
_LOAD_CHUNK = 20_000
# "07:30" or "07:30:15" as seconds after midnight, in SQL
_SECONDS = (
    "(CAST(substr({0}, 1, 2) AS INTEGER) * 3600 + CAST(substr({0}, 4, 2) AS INTEGER) * 60"
    " + CAST(coalesce(nullif(substr({0}, 7, 2), ''), '0') AS INTEGER))"
)
_BOX_COLUMNS = "id, origin_lat, origin_lon, destination_lat, destination_lon"

_WEEKDAYS: tuple[frozenset[int], ...] = tuple(
    frozenset(day for day in range(7) if mask & (1 << day)) for mask in range(128)
)
_TIMES: dict[str, time] = {}


def _to_routes(rows: Iterable[Sequence[Any]]) -> list[TripRoute]:
    points: dict[tuple[float, float], Point] = {}  # trips share their towns: build each once

    def point(lat: float, lon: float) -> Point:
        found = points.get((lat, lon))
        if found is None:
            found = points[lat, lon] = Point(lat, lon)
        return found

    return [
        TripRoute(
            trip_id=row[0],
            driver_id=row[1],
            origin=point(row[2], row[3]),
            destination=point(row[4], row[5]),
            weekdays=_WEEKDAYS[row[6] & 127],
            departure=_time(row[7]),
            return_time=_time(row[8]) if row[8] else None,
            date=date.fromisoformat(row[9]) if row[9] else None,
            seats=row[10],
        )
        for row in rows
    ]


def _time(text: str) -> time:
    """ "07:30" as a time; there are only so many, so they are shared."""
    value = _TIMES.get(text)
    if value is None:
        value = _TIMES[text] = time.fromisoformat(text)
    return value


class IndexedTripSearch:
    """The active trips held in memory as columns (``bot.matching_index.TripIndex``), loaded
    at start-up and kept in step with the database: a trip's change reaches the index when the
    transaction that made it commits, and never if it rolls back."""

    def __init__(
        self,
        database: Database,
        params: MatchingParams,
        margin_minutes: float | None = None,
        worker: Worker | None = None,
        engine: Engine = "sqlite",
    ) -> None:
        self._db = database
        self._index = TripIndex(params, margin_minutes)
        # With several workers (bot/workers.py), every change of a trip is also logged
        # (trip_changes), and each worker applies the others' before it searches: its index
        # follows their commits. Alone, the log is not written.
        self._worker = worker or Worker()
        self._engine = engine
        self._seen = 0  # the last change of the log applied here
        self._catching_up = asyncio.Lock()

    def covers(self, params: MatchingParams) -> bool:
        return self._index.covers(params)

    async def ensure_index(self) -> None:
        """Load every active trip (at start-up), as columns: a few hundred milliseconds for
        100,000 trips, where building each trip's route would take seconds."""
        if self._worker.several:
            # Before the load: a change committed meanwhile is applied again (harmless).
            await self._forget_old_changes()
            async with self._db.connection.execute(
                "SELECT COALESCE(MAX(id), 0) FROM trip_changes"
            ) as cursor:
                row = await cursor.fetchone()
            self._seen = int(row[0]) if row else 0
        async with self._db.connection.execute(
            "SELECT id, driver_id, origin_lat, origin_lon, destination_lat, destination_lon,"
            f" weekdays, {_SECONDS.format('departure')},"
            f" CASE WHEN return_time IS NULL OR return_time = '' THEN {NO_RETURN}"
            f" ELSE {_SECONDS.format('return_time')} END,"
            # a one-off trip's date as Python's proleptic ordinal (0001-01-01 is 1), else 0
            f" coalesce({self._db.dialect.day_number('trip_date')}, 0), seats"
            " FROM trips WHERE status = 'active' ORDER BY id"
        ) as cursor:
            cursor.row_factory = None  # type: ignore[assignment]  # plain tuples: 3× faster
            while rows := await cursor.fetchmany(_LOAD_CHUNK):
                # by chunks: the rows as Python objects never all exist at once
                columns = [np.array(values) for values in zip(*rows, strict=True)]
                self._index.load(
                    TripColumns(
                        trip=columns[0].astype(np.int64),
                        driver=columns[1].astype(np.int64),
                        lat_a=columns[2].astype(np.float64),
                        lon_a=columns[3].astype(np.float64),
                        lat_b=columns[4].astype(np.float64),
                        lon_b=columns[5].astype(np.float64),
                        weekdays=columns[6].astype(np.int64) & 127,
                        departure=columns[7].astype(np.int64),
                        back=columns[8].astype(np.int64),
                        date=columns[9].astype(np.int64),
                        seats=columns[10].astype(np.int64),
                    )
                )

    async def index(self, trip_id: int) -> None:
        """Read the trip as the caller's transaction leaves it; apply at its commit (and,
        with several workers, log the change for the others, in the same transaction)."""
        if self._worker.several:
            async with self._db.transaction() as db:
                lock = LOG_LOCK[self._engine]
                if lock is not None:
                    await db.execute(lock)
                await db.execute(
                    "INSERT INTO trip_changes (trip_id, worker, changed_at) VALUES (?, ?, ?)",
                    (trip_id, self._worker.name, utc_text(datetime.now(UTC))),
                )
        async with self._db.connection.execute(
            f"SELECT {_ROUTE_COLUMNS} FROM trips t WHERE t.id = ? AND t.status = 'active'",
            (trip_id,),
        ) as cursor:
            rows = await cursor.fetchall()
        routes = _to_routes(rows)
        if routes:
            route = routes[0]
            self._db.after_commit(lambda: self._index.put(route))
        else:
            self._db.after_commit(lambda: self._index.remove(trip_id))

    async def matches(
        self, need: NeedQuery, params: MatchingParams, limit: int | None = None
    ) -> list[Match]:
        await self.catch_up()
        return self._index.matches(need, params, limit)

    async def catch_up(self) -> int:
        """Apply the changes other workers made since the last look (none alone); returns
        how many. One indexed read when there are none.

        Read inside the caller's transaction, the trips are as the others committed them
        (and as this transaction changed them: its own changes reach the index at its
        commit, and a trip both changed here and by another is read again at that commit).
        """
        if not self._worker.several:
            return 0
        async with self._catching_up:
            async with self._db.connection.execute(
                "SELECT id, trip_id FROM trip_changes WHERE id > ? AND worker <> ? ORDER BY id",
                (self._seen, self._worker.name),
            ) as cursor:
                changes = list(await cursor.fetchall())
            if not changes:
                return 0
            trip_ids = sorted({int(row[1]) for row in changes})
            active: dict[int, TripRoute] = {}
            for start in range(0, len(trip_ids), 500):
                chunk = trip_ids[start : start + 500]
                marks = ", ".join("?" * len(chunk))
                async with self._db.connection.execute(
                    f"SELECT {_ROUTE_COLUMNS} FROM trips t WHERE t.status = 'active'"
                    f" AND t.id IN ({marks})",
                    tuple(chunk),
                ) as cursor:
                    for route in _to_routes(await cursor.fetchall()):
                        active[route.trip_id] = route
            for trip_id in trip_ids:
                found = active.get(trip_id)
                if found is not None:
                    self._index.put(found)
                else:
                    self._index.remove(trip_id)
            self._seen = max(self._seen, max(int(row[0]) for row in changes))
            return len(changes)

    async def _forget_old_changes(self) -> None:
        """The log keeps a day: every worker looks at it far more often than that."""
        before = utc_text(datetime.now(UTC) - KEEP_CHANGES)
        await self._db.write("DELETE FROM trip_changes WHERE changed_at < ?", (before,))

    async def routes_near(
        self, origin: Point, destination: Point, day: date | None = None
    ) -> list[TripRoute]:
        await self.catch_up()
        # The index keeps no dates: every trip near, one-off ones of other days included
        # (a superset; the caller reads each trip as stored).
        return self._index.routes_near(origin, destination)

    async def all_active_routes(self) -> list[TripRoute]:
        async with self._db.connection.execute(
            f"SELECT {_ROUTE_COLUMNS} FROM trips t WHERE t.status = 'active' ORDER BY t.id"
        ) as cursor:
            rows = await cursor.fetchall()
        return _to_routes(rows)

    def __len__(self) -> int:
        return len(self._index)
