"""Drivers' trips, regular or one-off.

An expired one-off trip is stored as 'deleted' with `expired_at` set (see migration 0007):
every query about active trips leaves it out, and it reads back as TripStatus.EXPIRED.
"""

from __future__ import annotations

from datetime import date, datetime, time

import aiosqlite

from bot.domain import Missing, NewTrip, Trip, TripStatus
from storage.db import Database
from storage.rows import (
    mask_to_weekdays,
    place_columns,
    place_from_row,
    weekdays_to_mask,
)
from storage.territories import territory_of_row


class SqlTripRepository:
    def __init__(self, database: Database) -> None:
        self._db = database

    async def add(self, driver_id: int, trip: NewTrip, now: datetime) -> Trip:
        written = await self._db.write(
            "INSERT INTO trips (driver_id, origin_id, origin_name, origin_department, origin_lat,"
            " origin_lon, destination_id, destination_name, destination_department,"
            " destination_lat, destination_lon, weekdays, trip_date, departure, return_time,"
            " seats, note, status, created_at, updated_at)"
            " VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, 'active', ?, ?)",
            (
                driver_id,
                *place_columns(trip.origin),
                *place_columns(trip.destination),
                weekdays_to_mask(trip.weekdays),
                trip.date.isoformat() if trip.date else None,
                trip.departure.strftime("%H:%M"),
                trip.return_time.strftime("%H:%M") if trip.return_time else None,
                trip.seats,
                trip.note,
                now.isoformat(),
                now.isoformat(),
            ),
        )
        created = await self.get(written.new_id)
        if created is None:
            raise Missing(f"trip {written.new_id} is gone")
        return created

    async def get(self, trip_id: int) -> Trip | None:
        async with self._db.connection.execute(
            "SELECT * FROM trips WHERE id = ?", (trip_id,)
        ) as cursor:
            row = await cursor.fetchone()
        return _trip(row) if row else None

    async def for_driver(self, driver_id: int) -> list[Trip]:
        async with self._db.connection.execute(
            "SELECT * FROM trips WHERE driver_id = ? AND status != 'deleted' ORDER BY id",
            (driver_id,),
        ) as cursor:
            return [_trip(row) for row in await cursor.fetchall()]

    async def set_status(self, trip_id: int, status: TripStatus, now: datetime) -> Trip:
        stored = TripStatus.DELETED if status is TripStatus.EXPIRED else status
        expired = now.isoformat() if status is TripStatus.EXPIRED else None
        await self._db.write(
            "UPDATE trips SET status = ?, expired_at = ?, updated_at = ? WHERE id = ?",
            (stored.value, expired, now.isoformat(), trip_id),
        )
        trip = await self.get(trip_id)
        if trip is None:
            raise LookupError(f"no trip {trip_id}")
        return trip

    async def set_seats(self, trip_id: int, seats: int, now: datetime) -> Trip:
        await self._db.write(
            "UPDATE trips SET seats = ?, updated_at = ? WHERE id = ?",
            (seats, now.isoformat(), trip_id),
        )
        trip = await self.get(trip_id)
        if trip is None:
            raise LookupError(f"no trip {trip_id}")
        return trip

    async def check_asked(self, trip_id: int, now: datetime) -> None:
        await self._db.write(
            "UPDATE trips SET check_asked_at = ? WHERE id = ?", (now.isoformat(), trip_id)
        )

    async def confirmed(self, trip_id: int, now: datetime) -> None:
        await self._db.write(
            "UPDATE trips SET confirmed_at = ? WHERE id = ?", (now.isoformat(), trip_id)
        )

    async def freshness(self, trip_id: int) -> tuple[datetime | None, datetime | None]:
        async with self._db.connection.execute(
            "SELECT check_asked_at, confirmed_at FROM trips WHERE id = ?", (trip_id,)
        ) as cursor:
            row = await cursor.fetchone()
        if row is None:
            return None, None
        return _moment(row["check_asked_at"]), _moment(row["confirmed_at"])


def _moment(text: str | None) -> datetime | None:
    return datetime.fromisoformat(text) if text else None


def _trip(row: aiosqlite.Row) -> Trip:
    status = TripStatus(row["status"])
    if status is TripStatus.DELETED and row["expired_at"]:
        status = TripStatus.EXPIRED
    return Trip(
        id=row["id"],
        driver_id=row["driver_id"],
        origin=place_from_row(row, "origin"),
        destination=place_from_row(row, "destination"),
        weekdays=mask_to_weekdays(row["weekdays"]),
        date=date.fromisoformat(row["trip_date"]) if row["trip_date"] else None,
        departure=time.fromisoformat(row["departure"]),
        return_time=time.fromisoformat(row["return_time"]) if row["return_time"] else None,
        seats=row["seats"],
        note=row["note"],
        status=status,
        created_at=row["created_at"],
        updated_at=row["updated_at"],
        territory=territory_of_row(row),
    )
