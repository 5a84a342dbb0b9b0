"""Public transport timetables in the bot's own database: GTFS feeds imported at start when
their file changed (by its SHA-256), and the few queries the planner needs."""

from __future__ import annotations

import asyncio
import logging
import math
import zipfile
from collections.abc import Collection, Sequence
from dataclasses import dataclass
from datetime import UTC, date, datetime, time
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

from bot.domain import Missing
from bot.transit.gtfs import Feed, FeedError, feed_zone, file_hash, read_feed
from bot.transit.planner import Leg, NearStop, walk_m
from storage.db import Database

log = logging.getLogger(__name__)

WALK_FACTOR = 1.3  # paths and roads are not straight lines
_BATCH = 5_000


@dataclass(frozen=True)
class FeedImport:
    path: str
    imported: bool  # False: unchanged since the last start
    stops: int = 0
    trips: int = 0
    stop_times: int = 0


class SqlTimetable:
    def __init__(self, database: Database, zone: ZoneInfo | None = None) -> None:
        self._db = database
        # The territory's time zone; a feed whose agency_timezone differs has its times
        # brought to the territory's clock (feed number → its zone).
        self._zone = zone
        self._zones: dict[int, ZoneInfo] = {}

    # Importing.

    async def import_feeds(self, paths: Sequence[Path]) -> list[FeedImport]:
        """Bring the tables in line with the feeds named: a changed file is imported again,
        an unchanged one left alone, one no longer named dropped."""
        done: list[FeedImport] = []
        known = {row["path"]: row for row in await self._rows("SELECT * FROM gtfs_feeds")}
        named = {str(Path(p)) for p in paths}
        for path in paths:
            key = str(Path(path))
            digest = await asyncio.to_thread(file_hash, Path(path))
            row = known.get(key)
            if row is not None and row["sha256"] == digest:
                done.append(FeedImport(key, imported=False))
                continue
            feed = await asyncio.to_thread(read_feed, Path(path))
            done.append(await self._replace(key, digest, feed, row["id"] if row else None))
        # Each feed's time zone, read again at each start (agency.txt is a few lines).
        self._zones = {}
        rows = await self._rows("SELECT id, path FROM gtfs_feeds")
        for row in rows:
            if row["path"] in named:
                name = await asyncio.to_thread(agency_zone, Path(row["path"]))
                if name and self._zone is not None and ZoneInfo(name) != self._zone:
                    self._zones[row["id"]] = ZoneInfo(name)
        for path, row in known.items():
            if path not in named:
                async with self._db.transaction() as db:
                    await self._delete_feed(db, row["id"])
                    await db.execute("DELETE FROM gtfs_feeds WHERE id = ?", (row["id"],))
        return done

    async def _replace(self, path: str, digest: str, feed: Feed, old_id: int | None) -> FeedImport:
        now = datetime.now(UTC).isoformat()
        async with self._db.transaction() as db:
            if old_id is not None:
                await self._delete_feed(db, old_id)
                await db.execute(
                    "UPDATE gtfs_feeds SET sha256 = ?, imported_at = ? WHERE id = ?",
                    (digest, now, old_id),
                )
                feed_id = old_id
            else:
                cursor = await db.execute(
                    "INSERT INTO gtfs_feeds (path, sha256, imported_at) VALUES (?, ?, ?)",
                    (path, digest, now),
                )
                if cursor.lastrowid is None:
                    raise Missing("the feed's row was not inserted")
                feed_id = cursor.lastrowid
            p = f"{feed_id}:"
            await self._many(
                db,
                _replacing(
                    "gtfs_stops", ("stop_id", "feed_id", "name", "lat", "lon"), ("stop_id",)
                ),
                [(p + s.stop_id, feed_id, s.name, s.lat, s.lon) for s in feed.stops],
            )
            await self._many(
                db,
                _replacing(
                    "gtfs_routes",
                    ("route_id", "feed_id", "short_name", "long_name", "agency"),
                    ("route_id",),
                ),
                [
                    (p + r.route_id, feed_id, r.short_name, r.long_name, r.agency)
                    for r in feed.routes
                ],
            )
            await self._many(
                db,
                _replacing(
                    "gtfs_trips",
                    ("trip_id", "feed_id", "route_id", "service_id", "headsign"),
                    ("trip_id",),
                ),
                [
                    (p + t.trip_id, feed_id, p + t.route_id, p + t.service_id, t.headsign)
                    for t in feed.trips
                ],
            )
            await self._many(
                db,
                _replacing(
                    "gtfs_calendar",
                    ("service_id", "feed_id", "weekdays", "start_date", "end_date"),
                    ("service_id",),
                ),
                [
                    (p + c.service_id, feed_id, c.weekdays, c.start.isoformat(), c.end.isoformat())
                    for c in feed.calendars
                ],
            )
            await self._many(
                db,
                _replacing(
                    "gtfs_calendar_dates",
                    ("service_id", "feed_id", "day", "added"),
                    ("service_id", "day"),
                ),
                [
                    (p + c.service_id, feed_id, c.day.isoformat(), int(c.added))
                    for c in feed.calendar_dates
                ],
            )
            await self._many(
                db,
                _replacing(
                    "gtfs_stop_times",
                    ("trip_id", "feed_id", "seq", "stop_id", "arrival", "departure"),
                    ("trip_id", "seq"),
                ),
                [
                    (p + s.trip_id, feed_id, s.seq, p + s.stop_id, s.arrival, s.departure)
                    for s in feed.stop_times
                ],
            )
        log.info(
            "GTFS %s imported: %d stops, %d trips, %d stop times",
            path,
            len(feed.stops),
            len(feed.trips),
            len(feed.stop_times),
        )
        return FeedImport(path, True, len(feed.stops), len(feed.trips), len(feed.stop_times))

    async def _delete_feed(self, db: Any, feed_id: int) -> None:
        for table in (
            "gtfs_stop_times",
            "gtfs_calendar_dates",
            "gtfs_calendar",
            "gtfs_trips",
            "gtfs_routes",
            "gtfs_stops",
        ):
            await db.execute(f"DELETE FROM {table} WHERE feed_id = ?", (feed_id,))

    async def _many(self, db: Any, sql: str, rows: list[tuple[Any, ...]]) -> None:
        for start in range(0, len(rows), _BATCH):
            await db.executemany(sql, rows[start : start + _BATCH])

    # The planner's queries (bot/transit/planner.py, Timetable).

    async def has_stops(self) -> bool:
        rows = await self._rows("SELECT 1 FROM gtfs_stops LIMIT 1")
        return bool(rows)

    async def stops_near(self, lat: float, lon: float, radius_m: float) -> list[NearStop]:
        dlat = radius_m / 111_000.0
        dlon = radius_m / (111_000.0 * max(0.1, math.cos(math.radians(lat))))
        rows = await self._rows(
            "SELECT stop_id, name, lat, lon FROM gtfs_stops"
            " WHERE lat BETWEEN ? AND ? AND lon BETWEEN ? AND ?",
            lat - dlat,
            lat + dlat,
            lon - dlon,
            lon + dlon,
        )
        near = []
        for row in rows:
            straight = walk_m(lat, lon, row["lat"], row["lon"], 1.0)
            if straight <= radius_m:
                walked = walk_m(lat, lon, row["lat"], row["lon"], WALK_FACTOR)
                near.append(NearStop(row["stop_id"], row["name"], walked))
        return sorted(near, key=lambda s: s.walk_m)

    async def services_on(self, day: date) -> frozenset[str]:
        iso = day.isoformat()
        weekday = day.weekday() + 1  # substr() counts from 1
        rows = await self._rows(
            "SELECT service_id FROM gtfs_calendar"
            " WHERE start_date <= ? AND end_date >= ? AND substr(weekdays, ?, 1) = '1'",
            iso,
            iso,
            weekday,
        )
        services = {row["service_id"] for row in rows}
        for row in await self._rows(
            "SELECT service_id, added FROM gtfs_calendar_dates WHERE day = ?", iso
        ):
            if row["added"]:
                services.add(row["service_id"])
            else:
                services.discard(row["service_id"])
        return frozenset(services)

    async def legs(
        self,
        *,
        boarding: Collection[str] | None,
        alighting: Collection[str] | None,
        services: Collection[str],
        leave_between: tuple[int, int] | None = None,
        arrive_between: tuple[int, int] | None = None,
        day: date | None = None,
    ) -> list[Leg]:
        """The rides, in the territory's clock: a feed counted in another zone (its
        agency_timezone) is asked with bounds shifted to its clock, its times shifted back."""
        if day is None or not self._zones or self._zone is None:
            return await self._legs(boarding, alighting, services, leave_between, arrive_between)
        by_shift: dict[int, list[str]] = {}
        for service in services:
            feed = int(service.split(":", 1)[0]) if service.split(":", 1)[0].isdigit() else 0
            zone = self._zones.get(feed)
            by_shift.setdefault(_shift_s(day, zone, self._zone) if zone else 0, []).append(service)
        found: list[Leg] = []
        for shift, chosen in by_shift.items():
            legs = await self._legs(
                boarding,
                alighting,
                chosen,
                _minus(leave_between, shift),
                _minus(arrive_between, shift),
            )
            found += [leg.shifted(shift) if shift else leg for leg in legs]
        return found

    async def _legs(
        self,
        boarding: Collection[str] | None,
        alighting: Collection[str] | None,
        services: Collection[str],
        leave_between: tuple[int, int] | None,
        arrive_between: tuple[int, int] | None,
    ) -> list[Leg]:
        if boarding is None and alighting is None:
            raise ValueError("a ride needs a boarding or an alighting stop")
        where: list[str] = []
        params: list[Any] = []
        if boarding is not None:
            where.append(f"o.stop_id IN ({_marks(boarding)})")
            params += list(boarding)
        if alighting is not None:
            where.append(f"d.stop_id IN ({_marks(alighting)})")
            params += list(alighting)
        if leave_between is not None:
            where.append("o.departure BETWEEN ? AND ?")
            params += list(leave_between)
        if arrive_between is not None:
            where.append("d.arrival BETWEEN ? AND ?")
            params += list(arrive_between)
        where.append(f"t.service_id IN ({_marks(services)})")
        params += list(services)
        rows = await self._rows(
            "SELECT o.trip_id, r.short_name, r.long_name, r.agency, t.headsign,"
            " o.stop_id AS board_stop, so.name AS board_name, o.departure,"
            " d.stop_id AS alight_stop, sd.name AS alight_name, d.arrival"
            " FROM gtfs_stop_times o"
            " JOIN gtfs_stop_times d ON d.trip_id = o.trip_id AND d.seq > o.seq"
            " JOIN gtfs_trips t ON t.trip_id = o.trip_id"
            " JOIN gtfs_routes r ON r.route_id = t.route_id"
            " JOIN gtfs_stops so ON so.stop_id = o.stop_id"
            " JOIN gtfs_stops sd ON sd.stop_id = d.stop_id"
            " WHERE " + " AND ".join(where),
            *params,
        )
        return [
            Leg(
                row["trip_id"],
                row["short_name"] or row["long_name"],
                row["long_name"],
                row["agency"],
                row["headsign"],
                row["board_stop"],
                row["board_name"],
                row["departure"],
                row["alight_stop"],
                row["alight_name"],
                row["arrival"],
            )
            for row in rows
        ]

    async def _rows(self, sql: str, *parameters: Any) -> list[dict[str, Any]]:
        async with self._db.connection.execute(sql, parameters) as cursor:
            return [dict(row) for row in await cursor.fetchall()]


def agency_zone(path: Path) -> str:
    """The first agency's agency_timezone in a GTFS zip ("" when none)."""
    try:
        with zipfile.ZipFile(path) as archive:
            names = {Path(n).name: n for n in archive.namelist()}
            if "agency.txt" not in names:
                return ""
            text = archive.read(names["agency.txt"]).decode("utf-8-sig")
    except (OSError, zipfile.BadZipFile, UnicodeDecodeError):
        return ""
    import csv
    import io

    for row in csv.DictReader(io.StringIO(text, newline="")):
        row = {(k or "").strip(): (v or "").strip() for k, v in row.items()}
        try:
            return feed_zone(row.get("agency_timezone", ""))
        except ValueError as error:
            raise FeedError(f"{path}, agency.txt: {error}") from None
    return ""


def _shift_s(day: date, feed_zone: ZoneInfo, territory: ZoneInfo) -> int:
    """Seconds to add to a feed's time of that service day to read it on the territory's
    clock (GTFS counts from noon minus 12 h of the service day, in the agency's zone)."""
    feed_noon = datetime.combine(day, time(12), tzinfo=feed_zone)
    territory_noon = datetime.combine(day, time(12), tzinfo=territory)
    return int((feed_noon - territory_noon).total_seconds())


def _minus(bounds: tuple[int, int] | None, by: int) -> tuple[int, int] | None:
    return None if bounds is None else (bounds[0] - by, bounds[1] - by)


def _marks(items: Collection[str]) -> str:
    return ", ".join("?" for _ in items) or "NULL"


def _replacing(table: str, columns: tuple[str, ...], key: tuple[str, ...]) -> str:
    """An INSERT that replaces the row of the same key (SQLite's INSERT OR REPLACE, which
    PostgreSQL has not: ON CONFLICT … DO UPDATE is both engines')."""
    updated = ", ".join(f"{column} = excluded.{column}" for column in columns if column not in key)
    return (
        f"INSERT INTO {table} ({', '.join(columns)}) VALUES ({', '.join('?' * len(columns))})"
        f" ON CONFLICT ({', '.join(key)}) DO UPDATE SET {updated}"
    )
