"""The team's dashboard: the raw facts per need, ride and trip, read-only."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from bot.services.dashboard import NeedFact, TripFact
from bot.territories import Scope
from storage.db import Database
from storage.territories import scope_clause


class SqlDashboard:
    def __init__(self, database: Database) -> None:
        self._db = database

    async def needs_since(self, since: datetime, scope: Scope | None = None) -> list[NeedFact]:
        kept, values = scope_clause("territory", scope)
        rows = await self._rows(
            "SELECT created_at, status, closed_reason, origin_name, destination_name"
            f" FROM needs WHERE created_at >= ? AND {kept} ORDER BY created_at",
            since.isoformat(),
            *values,
        )
        return [
            NeedFact(
                datetime.fromisoformat(row["created_at"]),
                row["status"],
                row["closed_reason"],
                row["origin_name"],
                row["destination_name"],
            )
            for row in rows
        ]

    async def rides_happened_since(self, since: datetime, scope: Scope | None = None) -> list[str]:
        """The dates (ISO) of the rides that happened, as their passengers said."""
        kept, values = scope_clause("territory", scope)
        rows = await self._rows(
            "SELECT day FROM (SELECT COALESCE(ride_date, substr(ride_outcome_at, 1, 10)) AS day"
            " FROM introductions WHERE ride_outcome = 'happened'"
            f" AND need_id IN (SELECT id FROM needs WHERE {kept})) AS rides WHERE day >= ?",
            *values,
            since.date().isoformat(),
        )
        return [str(row["day"]) for row in rows]

    async def trips(self, scope: Scope | None = None) -> list[TripFact]:
        kept, values = scope_clause("territory", scope)
        rows = await self._rows(
            f"SELECT driver_id, created_at, status FROM trips WHERE {kept}", *values
        )
        return [
            TripFact(row["driver_id"], datetime.fromisoformat(row["created_at"]), row["status"])
            for row in rows
        ]

    async def _rows(self, sql: str, *parameters: Any) -> list[dict[str, Any]]:
        async with self._db.connection.execute(sql, parameters) as cursor:
            return [dict(row) for row in await cursor.fetchall()]
