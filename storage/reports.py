"""Figures and exports for the operators: read-only queries over the whole database."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from bot.territories import Scope
from storage.db import Database
from storage.territories import scope_clause


class SqlReports:
    def __init__(self, database: Database) -> None:
        self._db = database

    async def counts(self, since: datetime | None, scope: Scope | None = None) -> dict[str, Any]:
        """Drivers, active trips, needs by status and purpose, accepted introductions, and
        rides that happened (as their passengers said); one team's (`scope`) or all."""
        after = since.isoformat() if since else ""
        trips, trip_in = scope_clause("territory", scope)
        needs, need_in = scope_clause("territory", scope)
        # an introduction counts with its need's territory
        intros = f"need_id IN (SELECT id FROM needs WHERE {needs})"
        figures: dict[str, Any] = {
            "drivers": await self._scalar(
                "SELECT COUNT(DISTINCT driver_id) FROM trips"
                f" WHERE status != 'deleted' AND created_at >= ? AND {trips}",
                after,
                *trip_in,
            ),
            "active_trips": await self._scalar(
                "SELECT COUNT(*) FROM trips WHERE status = 'active' AND created_at >= ?"
                f" AND {trips}",
                after,
                *trip_in,
            ),
            # Made once, still to come or over (not those their driver deleted).
            "one_off_trips": await self._scalar(
                "SELECT COUNT(*) FROM trips WHERE trip_date IS NOT NULL"
                " AND (status != 'deleted' OR expired_at IS NOT NULL) AND created_at >= ?"
                f" AND {trips}",
                after,
                *trip_in,
            ),
            "needs": await self._scalar(
                f"SELECT COUNT(*) FROM needs WHERE created_at >= ? AND {needs}", after, *need_in
            ),
            "accepted": await self._scalar(
                "SELECT COUNT(*) FROM introductions WHERE status = 'accepted' AND created_at >= ?"
                f" AND {intros}",
                after,
                *need_in,
            ),
            "happened": await self._scalar(
                "SELECT COUNT(*) FROM introductions"
                f" WHERE ride_outcome = 'happened' AND created_at >= ? AND {intros}",
                after,
                *need_in,
            ),
        }
        figures["by_status"] = await self._grouped("status", after, scope)
        figures["by_purpose"] = await self._grouped("purpose", after, scope)
        return figures

    async def trips(self, scope: Scope | None = None) -> list[dict[str, Any]]:
        kept, values = scope_clause("t.territory", scope)
        return await self._rows(
            "SELECT t.id, p.display_name AS driver,"
            " CASE WHEN p.phone_visible = 1 THEN p.phone END AS phone,"
            " t.origin_name, t.destination_name, t.weekdays, t.trip_date, t.departure,"
            " t.return_time, t.seats, t.note,"
            " CASE WHEN t.expired_at IS NOT NULL THEN 'expired' ELSE t.status END AS status,"
            " t.created_at"
            f" FROM trips t JOIN people p ON p.id = t.driver_id WHERE {kept} ORDER BY t.id",
            *values,
        )

    async def needs(self, scope: Scope | None = None) -> list[dict[str, Any]]:
        kept, values = scope_clause("n.territory", scope)
        return await self._rows(
            "SELECT n.id, p.display_name AS person,"
            " CASE WHEN p.phone_visible = 1 THEN p.phone END AS phone,"
            " n.origin_name, n.destination_name, n.travel_date, n.weekdays, n.time_mode,"
            " n.at_time, n.purpose, n.special_needs, n.status, n.closed_reason,"
            " o.display_name AS followed_by, n.created_at,"
            " (SELECT "
            + self._db.dialect.json_list_of_objects(
                "'id'", "e.id", "'at'", "e.at", "'kind'", "e.kind", "'by'", "a.display_name"
            )
            + " FROM (SELECT * FROM need_events ORDER BY id) e"
            "  LEFT JOIN people a ON a.id = e.actor_id WHERE e.need_id = n.id) AS history"
            " FROM needs n JOIN people p ON p.id = n.person_id"
            f" LEFT JOIN people o ON o.id = n.claimed_by WHERE {kept} ORDER BY n.id",
            *values,
        )

    async def introductions(self, scope: Scope | None = None) -> list[dict[str, Any]]:
        kept, values = scope_clause("n.territory", scope)
        return await self._rows(
            "SELECT i.id, i.need_id, i.trip_id, d.display_name AS driver,"
            " s.display_name AS passenger, i.leg, i.travel_day, i.pickup, i.dropoff,"
            " i.extra_minutes, i.status, i.created_at, i.answered_at, i.ride_date,"
            " i.ride_outcome"
            " FROM introductions i JOIN people d ON d.id = i.driver_id"
            " JOIN people s ON s.id = i.passenger_id JOIN needs n ON n.id = i.need_id"
            f" WHERE {kept} ORDER BY i.id",
            *values,
        )

    async def _scalar(self, sql: str, *parameters: Any) -> int:
        async with self._db.connection.execute(sql, parameters) as cursor:
            row = await cursor.fetchone()
        return int(row[0]) if row else 0

    async def _grouped(self, column: str, after: str, scope: Scope | None) -> dict[str, int]:
        kept, values = scope_clause("territory", scope)
        async with self._db.connection.execute(
            f"SELECT {column}, COUNT(*) FROM needs WHERE created_at >= ? AND {kept}"
            f" GROUP BY {column}",
            (after, *values),
        ) as cursor:
            return {row[0]: row[1] for row in await cursor.fetchall()}

    async def _rows(self, sql: str, *parameters: Any) -> list[dict[str, Any]]:
        async with self._db.connection.execute(sql, parameters) as cursor:
            return [dict(row) for row in await cursor.fetchall()]
