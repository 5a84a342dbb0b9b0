"""A Transport d'Utilité Sociale's register of members and their trips."""

from __future__ import annotations

from datetime import date, datetime
from typing import Any

from bot.domain import Missing
from bot.places.model import Place
from bot.services.tus import Member, TusTrip
from bot.territories import DEFAULT_TERRITORY
from storage.db import Database


class SqlTusRegister:
    def __init__(self, database: Database) -> None:
        self._db = database

    async def add_member(
        self,
        name: str,
        phone: str | None,
        commune: Place,
        eligible_by: str,
        benefit: str | None,
        now: datetime,
        operator_id: int,
        territory: str = DEFAULT_TERRITORY,
    ) -> Member:
        written = await self._db.write(
            "INSERT INTO tus_members (name, phone, commune_code, commune_name, eligible_by,"
            " benefit, joined_at, registered_by, territory) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)",
            (
                name,
                phone,
                commune.id.removeprefix("insee:"),
                commune.name,
                eligible_by,
                benefit,
                now.isoformat(),
                operator_id,
                territory,
            ),
        )
        member = await self._member("SELECT * FROM tus_members WHERE id = ?", written.new_id)
        if member is None:
            raise Missing(f"TUS member {written.new_id} is gone")
        return member

    async def members(self) -> list[Member]:
        return [_member(row) for row in await self._rows("SELECT * FROM tus_members ORDER BY id")]

    async def add_trip(
        self,
        member: Member,
        day: date,
        origin: str,
        destination: str,
        km: float,
        cents: int,
        now: datetime,
        operator_id: int,
    ) -> TusTrip:
        written = await self._db.write(
            "INSERT INTO tus_trips (member_id, day, origin, destination, km,"
            " participation_cents, recorded_at, recorded_by) VALUES (?, ?, ?, ?, ?, ?, ?, ?)",
            (
                member.id,
                day.isoformat(),
                origin,
                destination,
                km,
                cents,
                now.isoformat(),
                operator_id,
            ),
        )
        return TusTrip(written.new_id, member.id, day, origin, destination, km, cents)

    async def trips_in(self, year: int) -> list[TusTrip]:
        rows = await self._rows(
            "SELECT * FROM tus_trips WHERE day >= ? AND day < ? ORDER BY day, id",
            f"{year:04d}-01-01",
            f"{year + 1:04d}-01-01",
        )
        return [
            TusTrip(
                row["id"],
                row["member_id"],
                date.fromisoformat(row["day"]),
                row["origin"],
                row["destination"],
                row["km"],
                row["participation_cents"],
            )
            for row in rows
        ]

    async def link(self, member_id: int, person_id: int | None) -> None:
        await self._db.write(
            "UPDATE tus_members SET person_id = ? WHERE id = ?", (person_id, member_id)
        )

    async def fee_paid(self, member_id: int, day: date) -> None:
        await self._db.write(
            "UPDATE tus_members SET fee_paid_on = ? WHERE id = ?", (day.isoformat(), member_id)
        )

    async def _member(self, sql: str, *parameters: Any) -> Member | None:
        rows = await self._rows(sql, *parameters)
        return _member(rows[0]) if rows else None

    async def _rows(self, sql: str, *parameters: Any) -> list[dict[str, Any]]:
        async with self._db.connection.execute(sql, parameters) as cursor:
            return [dict(row) for row in await cursor.fetchall()]


def _member(row: dict[str, Any]) -> Member:
    return Member(
        row["id"],
        row["name"],
        row["phone"],
        row["commune_code"],
        row["commune_name"],
        row["eligible_by"],
        row["benefit"],
        datetime.fromisoformat(row["joined_at"]),
        row["person_id"],
        date.fromisoformat(row["fee_paid_on"]) if row["fee_paid_on"] else None,
        row["territory"],
    )
