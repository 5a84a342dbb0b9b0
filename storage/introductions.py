"""Introductions: a passenger's request to one driver, and the driver's answer."""

from __future__ import annotations

from datetime import date, datetime, time

import aiosqlite

from bot.domain import Introduction, IntroductionStatus, RideOutcome
from storage.db import Database


class SqliteIntroductionRepository:
    def __init__(self, database: Database) -> None:
        self._db = database

    async def add(
        self,
        *,
        need_id: int,
        trip_id: int,
        driver_id: int,
        passenger_id: int,
        leg: str,
        travel_day: int,
        pickup: time,
        dropoff: time,
        extra_minutes: float,
        now: datetime,
        expires_at: datetime,
    ) -> Introduction:
        written = await self._db.write(
            "INSERT INTO introductions (need_id, trip_id, driver_id, passenger_id, leg,"
            " travel_day, pickup, dropoff, extra_minutes, status, created_at, expires_at)"
            " VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, 'pending', ?, ?)",
            (
                need_id,
                trip_id,
                driver_id,
                passenger_id,
                leg,
                travel_day,
                pickup.strftime("%H:%M"),
                dropoff.strftime("%H:%M"),
                round(extra_minutes, 1),
                now.isoformat(),
                expires_at.isoformat(),
            ),
        )
        introduction_id = written.lastrowid
        assert introduction_id is not None
        created = await self.get(introduction_id)
        assert created is not None
        return created

    async def get(self, introduction_id: int) -> Introduction | None:
        async with self._db.connection.execute(
            "SELECT * FROM introductions WHERE id = ?", (introduction_id,)
        ) as cursor:
            row = await cursor.fetchone()
        return _introduction(row) if row else None

    async def for_need(self, need_id: int) -> list[Introduction]:
        async with self._db.connection.execute(
            "SELECT * FROM introductions WHERE need_id = ? ORDER BY id", (need_id,)
        ) as cursor:
            return [_introduction(row) for row in await cursor.fetchall()]

    async def waiting_for_driver(self, driver_id: int) -> list[Introduction]:
        async with self._db.connection.execute(
            "SELECT * FROM introductions WHERE driver_id = ? AND status = 'pending' ORDER BY id",
            (driver_id,),
        ) as cursor:
            return [_introduction(row) for row in await cursor.fetchall()]

    async def answer(self, introduction_id: int, status: IntroductionStatus, now: datetime) -> bool:
        """Settle a pending introduction; False if it was already settled (a double press)."""
        written = await self._db.write(
            "UPDATE introductions SET status = ?, answered_at = ?"
            " WHERE id = ? AND status = 'pending'",
            (status.value, now.isoformat(), introduction_id),
        )
        changed = written.rowcount == 1
        return changed

    async def set_ride_date(self, introduction_id: int, ride_date: date) -> None:
        await self._db.write(
            "UPDATE introductions SET ride_date = ? WHERE id = ?",
            (ride_date.isoformat(), introduction_id),
        )

    async def withdraw(self, introduction_id: int, now: datetime) -> bool:
        written = await self._db.write(
            "UPDATE introductions SET status = 'cancelled', answered_at = ?"
            " WHERE id = ? AND status = 'accepted'",
            (now.isoformat(), introduction_id),
        )
        return written.rowcount == 1

    async def record_outcome(
        self, introduction_id: int, outcome: RideOutcome, now: datetime
    ) -> bool:
        written = await self._db.write(
            "UPDATE introductions SET ride_outcome = ?, ride_outcome_at = ?"
            " WHERE id = ? AND ride_outcome IS NULL",
            (outcome.value, now.isoformat(), introduction_id),
        )
        return written.rowcount == 1

    async def accepted_rides(self) -> list[Introduction]:
        async with self._db.connection.execute(
            "SELECT i.* FROM introductions i JOIN needs n ON n.id = i.need_id"
            " WHERE i.status = 'accepted' AND n.status = 'matched' AND i.ride_date IS NOT NULL"
            " ORDER BY i.pickup, i.id"
        ) as cursor:
            return [_introduction(row) for row in await cursor.fetchall()]


def _introduction(row: aiosqlite.Row) -> Introduction:
    return Introduction(
        id=row["id"],
        need_id=row["need_id"],
        trip_id=row["trip_id"],
        driver_id=row["driver_id"],
        passenger_id=row["passenger_id"],
        leg=row["leg"],
        travel_day=row["travel_day"],
        pickup=time.fromisoformat(row["pickup"]),
        dropoff=time.fromisoformat(row["dropoff"]),
        extra_minutes=row["extra_minutes"],
        status=IntroductionStatus(row["status"]),
        created_at=row["created_at"],
        expires_at=row["expires_at"],
        answered_at=row["answered_at"],
        ride_date=date.fromisoformat(row["ride_date"]) if row["ride_date"] else None,
        ride_outcome=RideOutcome(row["ride_outcome"]) if row["ride_outcome"] else None,
    )
