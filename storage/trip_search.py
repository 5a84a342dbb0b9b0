"""The active trips' search index, beside the database: loaded at start-up, and kept in step
with it as trips change (``bot.matching_index.TripIndex`` answers the searches in memory).

An R*Tree of search boxes (``trip_boxes``) once did this in SQLite; only a benchmark still
read it, so migration 0027 dropped it (``scripts/bench_matching.py`` compares the index with
a plain scan).
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from datetime import date, time
from typing import Any

import numpy as np

from bot.matching import (
    Match,
    MatchingParams,
    NeedQuery,
    Point,
    TripRoute,
)
from bot.matching_index import NO_RETURN, TripColumns, TripIndex
from storage.db import Database

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
        self, database: Database, params: MatchingParams, margin_minutes: float | None = None
    ) -> None:
        self._db = database
        self._index = TripIndex(params, margin_minutes)

    def covers(self, params: MatchingParams) -> bool:
        return self._index.covers(params)

    async def ensure_index(self) -> None:
        """Load every active trip (at start-up), as columns: a few hundred milliseconds for
        100,000 trips, where building each trip's route would take seconds."""
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
        """Read the trip as the caller's transaction leaves it; apply at its commit."""
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
        return self._index.matches(need, params, limit)

    async def routes_near(
        self, origin: Point, destination: Point, day: date | None = None
    ) -> list[TripRoute]:
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
