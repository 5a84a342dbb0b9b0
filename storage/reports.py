"""Figures and exports for the operators: read-only queries over the whole database."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from storage.db import Database


class SqliteReports:
    def __init__(self, database: Database) -> None:
        self._db = database

    async def counts(self, since: datetime | None) -> dict[str, Any]:
        """Drivers, active trips, needs by status and purpose, accepted introductions, and
        rides that happened (as their passengers said)."""
        after = since.isoformat() if since else ""
        figures: dict[str, Any] = {
            "drivers": await self._scalar(
                "SELECT COUNT(DISTINCT driver_id) FROM trips"
                " WHERE status != 'deleted' AND created_at >= ?",
                after,
            ),
            "active_trips": await self._scalar(
                "SELECT COUNT(*) FROM trips WHERE status = 'active' AND created_at >= ?", after
            ),
            # Made once, still to come or over (not those their driver deleted).
            "one_off_trips": await self._scalar(
                "SELECT COUNT(*) FROM trips WHERE trip_date IS NOT NULL"
                " AND (status != 'deleted' OR expired_at IS NOT NULL) AND created_at >= ?",
                after,
            ),
            "needs": await self._scalar("SELECT COUNT(*) FROM needs WHERE created_at >= ?", after),
            "accepted": await self._scalar(
                "SELECT COUNT(*) FROM introductions WHERE status = 'accepted' AND created_at >= ?",
                after,
            ),
            "happened": await self._scalar(
                "SELECT COUNT(*) FROM introductions"
                " WHERE ride_outcome = 'happened' AND created_at >= ?",
                after,
            ),
        }
        figures["by_status"] = await self._grouped("status", after)
        figures["by_purpose"] = await self._grouped("purpose", after)
        return figures

    async def trips(self) -> list[dict[str, Any]]:
        return await self._rows(
            "SELECT t.id, p.display_name AS driver,"
            " CASE WHEN p.phone_visible = 1 THEN p.phone END AS phone,"
            " t.origin_name, t.destination_name, t.weekdays, t.trip_date, t.departure,"
            " t.return_time, t.seats, t.note,"
            " CASE WHEN t.expired_at IS NOT NULL THEN 'expired' ELSE t.status END AS status,"
            " t.created_at"
            " FROM trips t JOIN people p ON p.id = t.driver_id ORDER BY t.id"
        )

    async def needs(self) -> list[dict[str, Any]]:
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
            " LEFT JOIN people o ON o.id = n.claimed_by ORDER BY n.id"
        )

    async def introductions(self) -> list[dict[str, Any]]:
        return await self._rows(
            "SELECT i.id, i.need_id, i.trip_id, d.display_name AS driver,"
            " s.display_name AS passenger, i.leg, i.travel_day, i.pickup, i.dropoff,"
            " i.extra_minutes, i.status, i.created_at, i.answered_at, i.ride_date,"
            " i.ride_outcome"
            " FROM introductions i JOIN people d ON d.id = i.driver_id"
            " JOIN people s ON s.id = i.passenger_id ORDER BY i.id"
        )

    async def _scalar(self, sql: str, *parameters: Any) -> int:
        async with self._db.connection.execute(sql, parameters) as cursor:
            row = await cursor.fetchone()
        return int(row[0]) if row else 0

    async def _grouped(self, column: str, after: str) -> dict[str, int]:
        async with self._db.connection.execute(
            f"SELECT {column}, COUNT(*) FROM needs WHERE created_at >= ? GROUP BY {column}",
            (after,),
        ) as cursor:
            return {row[0]: row[1] for row in await cursor.fetchall()}

    async def _rows(self, sql: str) -> list[dict[str, Any]]:
        async with self._db.connection.execute(sql) as cursor:
            return [dict(row) for row in await cursor.fetchall()]
