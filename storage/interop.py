"""Standard covoiturage in SQLite: partners' bookings, and needs shown to partners."""

from __future__ import annotations

import json
from datetime import date, datetime
from typing import Any

import aiosqlite

from bot.domain import Missing, Need
from bot.interop.bookings import Booking, BookingStatus, Dialect
from storage.db import Database
from storage.needs import _need


class SqlBookings:
    def __init__(self, database: Database) -> None:
        self._db = database

    async def add(
        self,
        *,
        id: str,
        partner: str,
        driver_id: int,
        trip_id: int,
        leg: str,
        ride_date: date,
        pickup_at: datetime,
        passenger_alias: str,
        status: BookingStatus,
        dialect: Dialect,
        body: dict[str, Any],
        message: str | None,
        now: datetime,
        expires_at: datetime,
    ) -> Booking:
        written = await self._db.write(
            "INSERT INTO interop_bookings (id, partner, driver_id, trip_id, leg, ride_date,"
            " pickup_at, passenger_alias, status, told_status, dialect, body, message,"
            " created_at, updated_at, expires_at)"
            " VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
            (
                id,
                partner,
                driver_id,
                trip_id,
                leg,
                ride_date.isoformat(),
                pickup_at.isoformat(),
                passenger_alias,
                status.value,
                status.value,
                dialect.value,
                json.dumps(body, ensure_ascii=False),
                message,
                now.isoformat(),
                now.isoformat(),
                expires_at.isoformat(),
            ),
        )
        booking = await self.by_number(written.new_id)
        if booking is None:
            raise Missing(f"booking {written.new_id} is gone")
        return booking

    async def get(self, booking_id: str) -> Booking | None:
        return await self._one("SELECT * FROM interop_bookings WHERE id = ?", booking_id)

    async def by_number(self, number: int) -> Booking | None:
        return await self._one("SELECT * FROM interop_bookings WHERE number = ?", number)

    async def set_status(
        self, number: int, expected: BookingStatus, status: BookingStatus, now: datetime
    ) -> bool:
        written = await self._db.write(
            "UPDATE interop_bookings SET status = ?, updated_at = ? WHERE number = ?"
            " AND status = ?",
            (status.value, now.isoformat(), number, expected.value),
        )
        return written.rowcount == 1

    async def untold(self, limit: int = 100) -> list[Booking]:
        async with self._db.connection.execute(
            "SELECT * FROM interop_bookings WHERE status != told_status ORDER BY updated_at"
            " LIMIT ?",
            (limit,),
        ) as cursor:
            return [_booking(row) for row in await cursor.fetchall()]

    async def told(self, number: int, status: BookingStatus) -> None:
        await self._db.write(
            "UPDATE interop_bookings SET told_status = ? WHERE number = ?", (status.value, number)
        )

    async def waiting_until(self, now: datetime) -> list[Booking]:
        async with self._db.connection.execute(
            "SELECT * FROM interop_bookings WHERE status IN ('INITIATED',"
            " 'WAITING_DRIVER_CONFIRMATION', 'WAITING_PASSENGER_CONFIRMATION')"
            " AND expires_at <= ?",
            (now.isoformat(),),
        ) as cursor:
            return [_booking(row) for row in await cursor.fetchall()]

    async def confirmed_on(self, trip_id: int, leg: str, ride_date: date) -> int:
        """Confirmed bookings on that ride, and our own passengers the driver accepted that
        day (a dated need of that date, or a regular one on that weekday): their seats are
        taken whichever leg they ride (seats are counted per ride date)."""
        async with self._db.connection.execute(
            "SELECT (SELECT COUNT(*) FROM interop_bookings WHERE trip_id = ? AND leg = ?"
            " AND ride_date = ? AND status IN"
            " ('CONFIRMED', 'COMPLETED_PENDING_VALIDATION', 'VALIDATED'))"
            " + (SELECT COUNT(*) FROM introductions i JOIN needs n ON n.id = i.need_id"
            " JOIN trips t ON t.id = i.trip_id WHERE i.trip_id = ? AND i.status = 'accepted'"
            " AND n.status = 'matched' AND (n.travel_date = ?"
            " OR (n.travel_date IS NULL AND (n.weekdays & t.weekdays & ?) != 0)))",
            (
                trip_id,
                leg,
                ride_date.isoformat(),
                trip_id,
                ride_date.isoformat(),
                1 << ride_date.weekday(),
            ),
        ) as cursor:
            row = await cursor.fetchone()
        return int(row[0]) if row else 0

    async def confirmed_from(self, trip_id: int, since: date) -> list[Booking]:
        """The trip's confirmed bookings from `since` on, by date: partners' passengers who
        hold a seat (for a driver who lowers his seats)."""
        async with self._db.connection.execute(
            "SELECT * FROM interop_bookings WHERE trip_id = ? AND ride_date >= ? AND status IN"
            " ('CONFIRMED', 'COMPLETED_PENDING_VALIDATION', 'VALIDATED')"
            " ORDER BY ride_date, number",
            (trip_id, since.isoformat()),
        ) as cursor:
            return [_booking(row) for row in await cursor.fetchall()]

    async def _one(self, sql: str, value: object) -> Booking | None:
        async with self._db.connection.execute(sql, (value,)) as cursor:
            row = await cursor.fetchone()
        return _booking(row) if row else None


def _booking(row: aiosqlite.Row) -> Booking:
    return Booking(
        number=row["number"],
        id=row["id"],
        partner=row["partner"],
        driver_id=row["driver_id"],
        trip_id=row["trip_id"],
        leg=row["leg"],
        ride_date=date.fromisoformat(row["ride_date"]),
        pickup_at=datetime.fromisoformat(row["pickup_at"]),
        passenger_alias=row["passenger_alias"],
        status=BookingStatus(row["status"]),
        dialect=Dialect(row["dialect"]),
        body=json.loads(row["body"]),
        message=row["message"],
        created_at=datetime.fromisoformat(row["created_at"]),
        updated_at=datetime.fromisoformat(row["updated_at"]),
        expires_at=datetime.fromisoformat(row["expires_at"]),
    )


class SqlSharedNeeds:
    def __init__(self, database: Database) -> None:
        self._db = database

    async def share(self, need_id: int, now: datetime) -> bool:
        written = await self._db.write(
            "INSERT INTO interop_shared_needs (need_id, shared_at) VALUES (?, ?)"
            " ON CONFLICT DO NOTHING",
            (need_id, now.isoformat()),
        )
        return written.rowcount == 1

    async def unshare(self, need_id: int) -> bool:
        written = await self._db.write(
            "DELETE FROM interop_shared_needs WHERE need_id = ?", (need_id,)
        )
        return written.rowcount == 1

    async def is_shared(self, need_id: int) -> bool:
        async with self._db.connection.execute(
            "SELECT 1 FROM interop_shared_needs WHERE need_id = ?", (need_id,)
        ) as cursor:
            return await cursor.fetchone() is not None

    async def open_shared(self) -> list[Need]:
        async with self._db.connection.execute(
            "SELECT n.* FROM needs n JOIN interop_shared_needs s ON s.need_id = n.id"
            " WHERE n.status IN ('searching', 'asking', 'with_operators') ORDER BY n.id"
        ) as cursor:
            return [_need(row) for row in await cursor.fetchall()]
