"""Volunteer drivers: their availability and their file (bot/services/volunteers.py)."""

from __future__ import annotations

from datetime import date, datetime
from typing import Any

from bot.domain import Missing, PlaceRef
from bot.services.volunteers import Availability, Volunteer, VolunteerFile
from storage.db import Database
from storage.personal_data import _Holder

# Every weekday: the standing row runs "every day", the volunteer's slots say when.
ALL_DAYS = 127


class SqlVolunteers:
    def __init__(self, database: Database) -> None:
        self._db = database

    async def get(self, person_id: int) -> Volunteer | None:
        rows = await self._rows("SELECT * FROM volunteers WHERE person_id = ?", person_id)
        return _volunteer(rows[0]) if rows else None

    async def all(self) -> list[Volunteer]:
        return [
            _volunteer(row)
            for row in await self._rows("SELECT * FROM volunteers ORDER BY person_id")
        ]

    async def save_availability(
        self, person_id: int, availability: Availability, now: datetime
    ) -> Volunteer:
        home = availability.home
        stamp = now.isoformat()
        before = await self.get(person_id)
        place = (home.id, home.name, home.department, home.lat, home.lon)
        if before is None:
            # The standing row introductions point to: never a trip anyone sees.
            written = await self._db.write(
                "INSERT INTO trips (driver_id, origin_id, origin_name, origin_department,"
                " origin_lat, origin_lon, destination_id, destination_name,"
                " destination_department, destination_lat, destination_lon, weekdays,"
                " departure, seats, note, status, created_at, updated_at)"
                " VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, '00:00', 1, NULL, 'deleted', ?, ?)",
                (person_id, *place, *place, ALL_DAYS, stamp, stamp),
            )
            await self._db.write(
                "INSERT INTO volunteers (person_id, home_id, home_name, home_department,"
                " home_lat, home_lon, radius_km, slots, not_in_august, trip_id, created_at,"
                " updated_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
                (
                    person_id,
                    *place,
                    availability.radius_km,
                    availability.slots,
                    int(availability.not_in_august),
                    written.new_id,
                    stamp,
                    stamp,
                ),
            )
        else:
            await self._db.write(
                "UPDATE volunteers SET home_id = ?, home_name = ?, home_department = ?,"
                " home_lat = ?, home_lon = ?, radius_km = ?, slots = ?, not_in_august = ?,"
                " updated_at = ? WHERE person_id = ?",
                (
                    *place,
                    availability.radius_km,
                    availability.slots,
                    int(availability.not_in_august),
                    stamp,
                    person_id,
                ),
            )
        saved = await self.get(person_id)
        if saved is None:
            raise Missing(f"the volunteer {person_id} is gone")
        return saved

    async def save_file(self, person_id: int, file: VolunteerFile, now: datetime) -> None:
        """A file written anew must be checked again."""
        await self._db.write(
            "UPDATE volunteers SET licence_seen = ?, insurance_until = ?, seats = ?,"
            " wheelchair = ?, walking_frame = ?, pets = ?, checked_on = NULL, checked_by = NULL,"
            " updated_at = ? WHERE person_id = ?",
            (
                int(file.licence_seen),
                file.insurance_until.isoformat(),
                file.seats,
                int(file.wheelchair),
                int(file.walking_frame),
                int(file.pets),
                now.isoformat(),
                person_id,
            ),
        )

    async def checked(self, person_id: int, on: date, by: str, now: datetime) -> None:
        await self._db.write(
            "UPDATE volunteers SET checked_on = ?, checked_by = ?, updated_at = ?"
            " WHERE person_id = ?",
            (on.isoformat(), by, now.isoformat(), person_id),
        )

    async def _rows(self, sql: str, *parameters: Any) -> list[dict[str, Any]]:
        async with self._db.connection.execute(sql, parameters) as cursor:
            return [dict(row) for row in await cursor.fetchall()]


def _volunteer(row: dict[str, Any]) -> Volunteer:
    home = PlaceRef(
        id=row["home_id"],
        name=row["home_name"],
        department=row["home_department"],
        lat=row["home_lat"],
        lon=row["home_lon"],
    )
    file = None
    if row["insurance_until"] is not None:
        file = VolunteerFile(
            licence_seen=bool(row["licence_seen"]),
            insurance_until=date.fromisoformat(row["insurance_until"]),
            seats=int(row["seats"] or 1),
            wheelchair=bool(row["wheelchair"]),
            walking_frame=bool(row["walking_frame"]),
            pets=bool(row["pets"]),
        )
    return Volunteer(
        person_id=row["person_id"],
        availability=Availability(home, row["radius_km"], row["slots"], bool(row["not_in_august"])),
        trip_id=row["trip_id"],
        file=file,
        checked_on=date.fromisoformat(row["checked_on"]) if row["checked_on"] else None,
        checked_by=row["checked_by"],
    )


class VolunteersHeld(_Holder):
    """/mesdonnees and /oublier: the volunteer's availability and file."""

    section = "volunteer"

    async def export(self, person_id: int) -> list[dict[str, Any]]:
        return await self._rows(
            "SELECT home_name, radius_km, slots, not_in_august, licence_seen, insurance_until,"
            " seats, wheelchair, walking_frame, pets, checked_on, checked_by, created_at,"
            " updated_at FROM volunteers WHERE person_id = ?",
            person_id,
        )

    async def forget(self, person_id: int, now: datetime) -> None:
        await self._db.write("DELETE FROM volunteers WHERE person_id = ?", (person_id,))
