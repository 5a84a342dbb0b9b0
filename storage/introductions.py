"""Introductions: a passenger's request to one driver, and the driver's answer."""

from __future__ import annotations

from collections.abc import Iterable
from datetime import date, datetime, time

import aiosqlite

from bot.domain import Introduction, IntroductionStatus, Missing, RideOutcome
from bot.matching import SeatsTaken
from storage.db import Database


class SqlIntroductionRepository:
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
        back: tuple[int, time, time] | None = None,
    ) -> Introduction:
        back_trip, back_pickup, back_dropoff = back or (None, None, None)
        written = await self._db.write(
            "INSERT INTO introductions (need_id, trip_id, driver_id, passenger_id, leg,"
            " travel_day, pickup, dropoff, extra_minutes, status, created_at, expires_at,"
            " back_trip_id, back_pickup, back_dropoff)"
            " VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, 'pending', ?, ?, ?, ?, ?)",
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
                back_trip,
                back_pickup.strftime("%H:%M") if back_pickup else None,
                back_dropoff.strftime("%H:%M") if back_dropoff else None,
            ),
        )
        created = await self.get(written.new_id)
        if created is None:
            raise Missing(f"introduction {written.new_id} is gone")
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

    async def for_driver(self, driver_id: int) -> list[Introduction]:
        async with self._db.connection.execute(
            "SELECT * FROM introductions WHERE driver_id = ? ORDER BY id", (driver_id,)
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

    async def seats_taken(
        self, trip_ids: Iterable[int], since: date, *, leaving_out: int | None = None
    ) -> dict[int, SeatsTaken]:
        """The seats each trip has promised from `since` on: accepted introductions of needs
        still matched, a dated need on its date, a regular one on its weekdays every week
        (those the trip runs on); and partners' confirmed bookings on their date.
        `leaving_out` is an introduction not to count."""
        ids = sorted(set(trip_ids))
        if not ids:
            return {}
        dated: dict[int, dict[date, int]] = {}
        weekly: dict[int, dict[int, int]] = {}
        for chunk in range(0, len(ids), 500):  # SQLite's limit on parameters
            part = ids[chunk : chunk + 500]
            marks = ", ".join("?" * len(part))
            async with self._db.connection.execute(
                "SELECT i.trip_id, n.travel_date, n.weekdays & t.weekdays AS days"
                " FROM introductions i JOIN needs n ON n.id = i.need_id"
                " JOIN trips t ON t.id = i.trip_id"
                f" WHERE i.trip_id IN ({marks}) AND i.status = 'accepted'"
                " AND n.status = 'matched' AND i.id != ?"
                " AND (n.travel_date IS NULL OR n.travel_date >= ?)",
                (*part, leaving_out or 0, since.isoformat()),
            ) as cursor:
                rows = await cursor.fetchall()
            # Passengers of partner platforms (standard covoiturage) booked on a date too.
            async with self._db.connection.execute(
                "SELECT trip_id, ride_date, 0 FROM interop_bookings"
                f" WHERE trip_id IN ({marks}) AND ride_date >= ? AND status IN"
                " ('CONFIRMED', 'COMPLETED_PENDING_VALIDATION', 'VALIDATED')",
                (*part, since.isoformat()),
            ) as cursor:
                rows = [*rows, *await cursor.fetchall()]
            for trip_id, travel_date, days in rows:
                if travel_date is not None:
                    on = dated.setdefault(trip_id, {})
                    day = date.fromisoformat(travel_date)
                    on[day] = on.get(day, 0) + 1
                else:
                    every = weekly.setdefault(trip_id, {})
                    for weekday in range(7):
                        if days & (1 << weekday):
                            every[weekday] = every.get(weekday, 0) + 1
        return {
            trip_id: SeatsTaken(dated.get(trip_id, {}), weekly.get(trip_id, {}))
            for trip_id in set(dated) | set(weekly)
        }

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
        back_trip_id=row["back_trip_id"],
        back_pickup=time.fromisoformat(row["back_pickup"]) if row["back_pickup"] else None,
        back_dropoff=time.fromisoformat(row["back_dropoff"]) if row["back_dropoff"] else None,
    )
