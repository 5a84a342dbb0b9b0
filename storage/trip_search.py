"""The spatial prefilter of matching, in SQLite: an R*Tree of the trips' search boxes.

For every active trip, ``trip_boxes`` holds the latitude/longitude box of its search ellipse
(``bot.matching.search_box``: foci A and B, the detour of ``margin_minutes`` as extra). A need
O→D can only match trips whose ellipse holds both O and D (see ``bot.matching``), so only
trips whose box contains both points are read: one R-tree query. The margin defaults to twice
the detour limit so that an operator's relaxed search (``MatchingParams.relaxed()``) is still
answered from the index; ``covers()`` says whether a set of parameters is.

The boxes must follow the trips: call ``index(trip_id)`` after a trip is added, paused,
resumed or deleted (a paused or deleted trip is never returned anyway: the query joins
``trips`` on its status), and ``ensure_index()`` at start-up, which rebuilds everything when
the margin, the road factor or the speed changed and otherwise adds what is missing.
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
    find_matches,
    search_box,
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


class SqliteTripSearch:
    def __init__(
        self, database: Database, params: MatchingParams, margin_minutes: float | None = None
    ) -> None:
        if margin_minutes is None:
            margin_minutes = 2 * params.max_detour_minutes
        if margin_minutes < 0:
            raise ValueError("margin_minutes must not be negative")
        self._db = database
        self._params = params
        self.margin_minutes = float(margin_minutes)
        # the extra road distance the boxes allow
        self._extra_km = self.margin_minutes * params.average_speed_kmh / 60.0

    def covers(self, params: MatchingParams) -> bool:
        """Whether ``routes_near`` finds every trip a search with ``params`` can match."""
        return (
            params.max_detour_minutes <= self.margin_minutes
            and params.road_factor == self._params.road_factor
            and params.average_speed_kmh == self._params.average_speed_kmh
        )

    # ------------------------------------------------------------------------ the boxes

    async def index(self, trip_id: int) -> None:
        """(Re)compute the box of this trip; remove it if the trip is not active (or gone)."""
        connection = self._db.connection
        async with connection.execute(
            f"SELECT {_BOX_COLUMNS} FROM trips WHERE id = ? AND status = 'active'", (trip_id,)
        ) as cursor:
            row = await cursor.fetchone()
        if row is None:
            await self._db.write("DELETE FROM trip_boxes WHERE trip_id = ?", (trip_id,))
            return
        await self._db.write(
            "INSERT OR REPLACE INTO trip_boxes (trip_id, min_lat, max_lat, min_lon, max_lon)"
            " VALUES (?, ?, ?, ?, ?)",
            self._box_row(row),
        )

    async def reindex_all(self) -> int:
        """Rebuild every box, in one transaction; returns how many active trips have one."""
        async with self._db.transaction() as connection:
            await connection.execute("DELETE FROM trip_boxes")
            async with connection.execute(
                f"SELECT {_BOX_COLUMNS} FROM trips WHERE status = 'active'"
            ) as cursor:
                rows = list(await cursor.fetchall())
            await connection.executemany(
                "INSERT INTO trip_boxes (trip_id, min_lat, max_lat, min_lon, max_lon)"
                " VALUES (?, ?, ?, ?, ?)",
                [self._box_row(row) for row in rows],
            )
            await connection.executemany(
                "INSERT INTO search_meta (key, value) VALUES (?, ?)"
                " ON CONFLICT (key) DO UPDATE SET value = excluded.value",
                sorted(self._meta().items()),
            )
        return len(rows)

    async def ensure_index(self) -> None:
        """At start-up: rebuild every box if they were computed with other settings (or
        never, while active trips exist); else only add the missing boxes of active trips
        and drop those of trips no longer active (a change whose ``index()`` was lost)."""
        connection = self._db.connection
        async with connection.execute("SELECT key, value FROM search_meta") as cursor:
            stored = {row[0]: row[1] for row in await cursor.fetchall()}
        if stored != self._meta():
            await self.reindex_all()
            return
        async with connection.execute(
            "SELECT EXISTS (SELECT 1 FROM trip_boxes),"
            " EXISTS (SELECT 1 FROM trips WHERE status = 'active')"
        ) as cursor:
            row = await cursor.fetchone()
        assert row is not None
        has_boxes, has_active = bool(row[0]), bool(row[1])
        if has_active and not has_boxes:
            await self.reindex_all()
            return
        async with connection.execute(
            f"SELECT {_BOX_COLUMNS} FROM trips t WHERE t.status = 'active'"
            " AND NOT EXISTS (SELECT 1 FROM trip_boxes b WHERE b.trip_id = t.id)"
        ) as cursor:
            missing = await cursor.fetchall()
        async with self._db.transaction() as connection:
            await connection.execute(
                "DELETE FROM trip_boxes WHERE trip_id NOT IN"
                " (SELECT id FROM trips WHERE status = 'active')"
            )
            await connection.executemany(
                "INSERT OR REPLACE INTO trip_boxes (trip_id, min_lat, max_lat, min_lon, max_lon)"
                " VALUES (?, ?, ?, ?, ?)",
                [self._box_row(row) for row in missing],
            )

    # ------------------------------------------------------------------------ searching

    async def routes_near(
        self, origin: Point, destination: Point, day: date | None = None
    ) -> list[TripRoute]:
        """Active trips whose box contains both points, by trip id: the candidates of a need
        from ``origin`` to ``destination`` (a superset of those whose ellipse does). With a
        ``day``, only the regular trips and the one-off trips of that day; without, every
        one (matching keeps one-off trips for needs of their date)."""
        # CROSS JOIN keeps the R-tree as the outer loop (SQLite does not reorder it).
        box = (
            min(origin.lat, destination.lat),
            max(origin.lat, destination.lat),
            min(origin.lon, destination.lon),
            max(origin.lon, destination.lon),
        )
        when, parameters = (_ON_DAY, (*box, day.isoformat())) if day is not None else ("", box)
        return await self._routes(
            f"SELECT {_ROUTE_COLUMNS} FROM trip_boxes b CROSS JOIN trips t ON t.id = b.trip_id"
            " WHERE b.min_lat <= ? AND b.max_lat >= ? AND b.min_lon <= ? AND b.max_lon >= ?"
            f" AND t.status = 'active'{when} ORDER BY t.id",
            parameters,
        )

    async def matches(
        self, need: NeedQuery, params: MatchingParams, limit: int | None = None
    ) -> list[Match]:
        routes = await self.routes_near(need.origin, need.destination)
        return find_matches(need, routes, params, limit)

    async def all_active_routes(self) -> list[TripRoute]:
        """Every active trip, by trip id (a plain scan: for checks and benchmarks)."""
        return await self._routes(
            f"SELECT {_ROUTE_COLUMNS} FROM trips t WHERE t.status = 'active' ORDER BY t.id", ()
        )

    # ------------------------------------------------------------------------ helpers

    async def _routes(self, sql: str, parameters: Sequence[Any]) -> list[TripRoute]:
        async with self._db.connection.execute(sql, parameters) as cursor:
            rows = await cursor.fetchall()
        return _to_routes(rows)

    def _box_row(self, row: Sequence[Any]) -> tuple[int, float, float, float, float]:
        box = search_box(
            Point(row[1], row[2]), Point(row[3], row[4]), self._extra_km, self._params.road_factor
        )
        return (row[0], *box)

    def _meta(self) -> dict[str, str]:
        return {
            "box_version": BOX_VERSION,
            "margin_minutes": repr(self.margin_minutes),
            "road_factor": repr(float(self._params.road_factor)),
            "average_speed_kmh": repr(float(self._params.average_speed_kmh)),
        }


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
            " coalesce(CAST(julianday(trip_date) - 1721424.5 AS INTEGER), 0), seats"
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
