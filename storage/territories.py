"""Which territory a person, a need or a trip belongs to (issue 22, item 1)."""

from __future__ import annotations

from typing import Any

from bot.territories import DEFAULT_TERRITORY, Scope
from storage.db import Database


def territory_of_row(row: Any) -> str:
    """A need's or trip's territory; the default one for a row read without that column."""
    return person_territory_of_row(row) or DEFAULT_TERRITORY


def person_territory_of_row(row: Any) -> str | None:
    """A person's territory; None when not known yet (or read without that column)."""
    try:
        value = row["territory"]
    except (IndexError, KeyError):
        return None
    return str(value) if value is not None else None


def scope_clause(column: str, scope: Scope | None) -> tuple[str, tuple[str, ...]]:
    """A condition keeping the rows of one team's territory (all rows for None)."""
    if scope is None or (scope.first and not scope.others):
        return "1 = 1", ()
    if scope.first:
        marks = ", ".join("?" for _ in scope.others)
        return f"{column} NOT IN ({marks})", scope.others
    return f"{column} = ?", (scope.territory,)


class SqlTerritories:
    """Where people, needs and trips belong, as stored."""

    def __init__(self, database: Database) -> None:
        self._db = database

    async def settle_person(self, person_id: int, territory: str) -> str:
        """The person's territory: theirs if already known, else `territory` from now on."""
        await self._db.write(
            "UPDATE people SET territory = ? WHERE id = ? AND territory IS NULL",
            (territory, person_id),
        )
        async with self._db.connection.execute(
            "SELECT territory FROM people WHERE id = ?", (person_id,)
        ) as cursor:
            row = await cursor.fetchone()
        return str(row["territory"]) if row and row["territory"] else territory

    async def person(self, person_id: int) -> str | None:
        async with self._db.connection.execute(
            "SELECT territory FROM people WHERE id = ?", (person_id,)
        ) as cursor:
            row = await cursor.fetchone()
        return str(row["territory"]) if row and row["territory"] else None

    async def need(self, need_id: int) -> str | None:
        async with self._db.connection.execute(
            "SELECT territory FROM needs WHERE id = ?", (need_id,)
        ) as cursor:
            row = await cursor.fetchone()
        return str(row["territory"]) if row else None

    async def trip(self, trip_id: int) -> str | None:
        async with self._db.connection.execute(
            "SELECT territory FROM trips WHERE id = ?", (trip_id,)
        ) as cursor:
            row = await cursor.fetchone()
        return str(row["territory"]) if row else None

    async def introduction(self, introduction_id: int) -> str | None:
        """An introduction belongs where its need does."""
        async with self._db.connection.execute(
            "SELECT n.territory FROM introductions i JOIN needs n ON n.id = i.need_id"
            " WHERE i.id = ?",
            (introduction_id,),
        ) as cursor:
            row = await cursor.fetchone()
        return str(row["territory"]) if row else None

    async def set_need(self, need_id: int, territory: str) -> None:
        await self._db.write("UPDATE needs SET territory = ? WHERE id = ?", (territory, need_id))

    async def set_trip(self, trip_id: int, territory: str) -> None:
        await self._db.write("UPDATE trips SET territory = ? WHERE id = ?", (territory, trip_id))
