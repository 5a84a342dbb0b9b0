"""Rides with volunteer drivers, on paper, and the months whose allowance they gave up
(bot/services/volunteer_rides.py)."""

from __future__ import annotations

from datetime import date, datetime
from typing import Any

from bot.services.volunteer_rides import VolunteerRide
from storage.db import Database
from storage.personal_data import _Holder

_COLUMNS = (
    "introduction_id",
    "volunteer_id",
    "passenger_id",
    "volunteer_name",
    "passenger_name",
    "ride_date",
    "home_name",
    "origin_name",
    "destination_name",
    "driven_km",
    "passenger_km",
    "participation_rate",
    "participation_cents",
    "allowance_rate",
    "allowance_cents",
    "recorded_at",
)


class SqlVolunteerRides:
    def __init__(self, database: Database) -> None:
        self._db = database

    async def add(self, ride: VolunteerRide) -> None:
        values = (
            ride.introduction_id,
            ride.volunteer_id,
            ride.passenger_id,
            ride.volunteer_name,
            ride.passenger_name,
            ride.ride_date.isoformat(),
            ride.home,
            ride.origin,
            ride.destination,
            ride.driven_km,
            ride.passenger_km,
            ride.participation_rate,
            ride.participation_cents,
            ride.allowance_rate,
            ride.allowance_cents,
            ride.recorded_at.isoformat(),
        )
        marks = ", ".join("?" for _ in _COLUMNS)
        await self._db.write(
            f"INSERT INTO volunteer_rides ({', '.join(_COLUMNS)}) VALUES ({marks})"
            " ON CONFLICT DO NOTHING",
            values,
        )

    async def get(self, introduction_id: int) -> VolunteerRide | None:
        rows = await self._rows(
            "SELECT * FROM volunteer_rides WHERE introduction_id = ?", introduction_id
        )
        return _ride(rows[0]) if rows else None

    async def of_passenger(self, passenger_id: int) -> list[VolunteerRide]:
        rows = await self._rows(
            "SELECT * FROM volunteer_rides WHERE passenger_id = ?"
            " ORDER BY ride_date, introduction_id",
            passenger_id,
        )
        return [_ride(row) for row in rows]

    async def between(self, start: date, end: date) -> list[VolunteerRide]:
        rows = await self._rows(
            "SELECT * FROM volunteer_rides WHERE ride_date >= ? AND ride_date < ?"
            " ORDER BY ride_date, introduction_id",
            start.isoformat(),
            end.isoformat(),
        )
        return [_ride(row) for row in rows]

    async def give(self, volunteer_id: int, month: str, now: datetime) -> bool:
        written = await self._db.write(
            "INSERT INTO volunteer_gifts (volunteer_id, month, given_at)"
            " VALUES (?, ?, ?) ON CONFLICT DO NOTHING",
            (volunteer_id, month, now.isoformat()),
        )
        return written.rowcount == 1

    async def gifts(self, volunteer_id: int | None = None) -> dict[tuple[int, str], datetime]:
        if volunteer_id is None:
            rows = await self._rows("SELECT * FROM volunteer_gifts")
        else:
            rows = await self._rows(
                "SELECT * FROM volunteer_gifts WHERE volunteer_id = ?", volunteer_id
            )
        return {
            (row["volunteer_id"], row["month"]): datetime.fromisoformat(row["given_at"])
            for row in rows
        }

    async def _rows(self, sql: str, *parameters: Any) -> list[dict[str, Any]]:
        async with self._db.connection.execute(sql, parameters) as cursor:
            return [dict(row) for row in await cursor.fetchall()]


def _ride(row: dict[str, Any]) -> VolunteerRide:
    return VolunteerRide(
        introduction_id=row["introduction_id"],
        volunteer_id=row["volunteer_id"],
        passenger_id=row["passenger_id"],
        volunteer_name=row["volunteer_name"],
        passenger_name=row["passenger_name"],
        ride_date=date.fromisoformat(row["ride_date"]),
        home=row["home_name"],
        origin=row["origin_name"],
        destination=row["destination_name"],
        driven_km=int(row["driven_km"]),
        passenger_km=float(row["passenger_km"]),
        participation_rate=float(row["participation_rate"]),
        participation_cents=int(row["participation_cents"]),
        allowance_rate=float(row["allowance_rate"]),
        allowance_cents=int(row["allowance_cents"]),
        recorded_at=datetime.fromisoformat(row["recorded_at"]),
    )


class VolunteerRidesHeld(_Holder):
    """/mesdonnees and /oublier: the rides a person drove as a volunteer or was driven on,
    and the months they gave up. Forgotten, a ride keeps its date, places, km and sums (the
    association's accounts and the préfet's report) but loses the names."""

    section = "volunteer_rides"

    async def export(self, person_id: int) -> list[dict[str, Any]]:
        rides = await self._rows(
            "SELECT CASE WHEN volunteer_id = ? THEN 'volunteer' ELSE 'passenger' END AS role,"
            " ride_date, origin_name, destination_name, driven_km, passenger_km,"
            " participation_cents, allowance_cents, recorded_at FROM volunteer_rides"
            " WHERE volunteer_id = ? OR passenger_id = ? ORDER BY ride_date",
            person_id,
            person_id,
            person_id,
        )
        gifts = await self._rows(
            "SELECT 'gift' AS role, month, given_at FROM volunteer_gifts WHERE volunteer_id = ?"
            " ORDER BY month",
            person_id,
        )
        return rides + gifts

    async def forget(self, person_id: int, now: datetime) -> None:
        await self._db.write(
            "UPDATE volunteer_rides SET passenger_name = '—' WHERE passenger_id = ?", (person_id,)
        )
        await self._db.write(
            "UPDATE volunteer_rides SET volunteer_name = '—' WHERE volunteer_id = ?", (person_id,)
        )
