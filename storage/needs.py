"""Passengers' needs, their history, and which trips were already announced for them."""

from __future__ import annotations

from datetime import date, datetime
from typing import Any

import aiosqlite

from bot.domain import (
    CloseReason,
    Missing,
    Need,
    NeedStatus,
    NewNeed,
    Purpose,
    SpecialNeed,
    TimeMode,
    WayBack,
)
from storage.db import Database
from storage.rows import (
    mask_to_weekdays,
    place_columns,
    place_from_row,
    time_from,
    time_text,
    weekdays_to_mask,
)
from storage.territories import territory_of_row


class SqlNeedRepository:
    def __init__(self, database: Database) -> None:
        self._db = database

    async def add(self, person_id: int, need: NewNeed, status: NeedStatus, now: datetime) -> Need:
        async with self._db.transaction() as db:
            written = await self._db.write(
                "INSERT INTO needs (person_id, origin_id, origin_name, origin_department,"
                " origin_lat, origin_lon, destination_id, destination_name,"
                " destination_department, destination_lat, destination_lon, travel_date,"
                " weekdays, time_mode, at_time, purpose, special_needs, status, created_at,"
                " updated_at, way_back, back_at, purpose_asked, prescribed)"
                " VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
                (
                    person_id,
                    *place_columns(need.origin),
                    *place_columns(need.destination),
                    need.travel_date.isoformat() if need.travel_date else None,
                    weekdays_to_mask(need.weekdays),
                    need.time_mode.value,
                    time_text(need.at),
                    need.purpose.value,
                    ",".join(sorted(special.value for special in need.special_needs)),
                    status.value,
                    now.isoformat(),
                    now.isoformat(),
                    need.way_back.value,
                    time_text(need.back_at) if need.back_at else None,
                    int(need.purpose_asked),
                    int(need.prescribed),
                ),
            )
            need_id = written.new_id
            await _event(db, need_id, now, person_id, "created", "")
        created = await self.get(need_id)
        if created is None:
            raise Missing(f"need {need_id} is gone")
        return created

    async def get(self, need_id: int) -> Need | None:
        async with self._db.connection.execute(
            "SELECT * FROM needs WHERE id = ?", (need_id,)
        ) as cursor:
            row = await cursor.fetchone()
        return _need(row) if row else None

    async def for_person(self, person_id: int, limit: int = 10) -> list[Need]:
        """The person's needs, open ones first, then the most recent."""
        async with self._db.connection.execute(
            "SELECT * FROM needs WHERE person_id = ? ORDER BY"
            " status IN ('searching', 'asking', 'with_operators') DESC, id DESC LIMIT ?",
            (person_id, limit),
        ) as cursor:
            return [_need(row) for row in await cursor.fetchall()]

    async def waiting(self) -> list[Need]:
        """Needs still waiting for a driver (not while one is being asked)."""
        async with self._db.connection.execute(
            "SELECT * FROM needs WHERE status IN ('searching', 'with_operators') ORDER BY id"
        ) as cursor:
            return [_need(row) for row in await cursor.fetchall()]

    async def waiting_near(
        self, box: tuple[float, float, float, float], weekdays: frozenset[int]
    ) -> list[Need]:
        """Needs still waiting whose origin and destination both lie in ``box`` (min_lat,
        max_lat, min_lon, max_lon) and which fall on one of ``weekdays``: the reverse search
        of a new trip, from the R-tree."""
        mask = sum(1 << day for day in weekdays)
        dialect = self._db.dialect
        found_in, within, corners = dialect.waiting_needs_in_box(box)
        async with self._db.connection.execute(
            f"SELECT n.* FROM {found_in} WHERE {within}"
            " AND n.status IN ('searching', 'with_operators')"
            # a dated need's weekday as a bit, Monday = 0
            " AND ((CASE WHEN n.travel_date IS NULL THEN n.weekdays"
            f" ELSE 1 << {dialect.weekday('n.travel_date')} END) & ?) != 0"
            " ORDER BY n.id",
            (*corners, mask),
        ) as cursor:
            return [_need(row) for row in await cursor.fetchall()]

    async def set_status(
        self,
        need_id: int,
        status: NeedStatus,
        now: datetime,
        *,
        actor_id: int | None = None,
        event: str | None = None,
        detail: str = "",
    ) -> Need:
        async with self._db.transaction() as db:
            await db.execute(
                "UPDATE needs SET status = ?, updated_at = ? WHERE id = ?",
                (status.value, now.isoformat(), need_id),
            )
            await _event(db, need_id, now, actor_id, event or status.value, detail)
        need = await self.get(need_id)
        if need is None:
            raise LookupError(f"no need {need_id}")
        return need

    async def open_needs(self) -> list[Need]:
        async with self._db.connection.execute(
            "SELECT * FROM needs WHERE status IN ('searching', 'asking', 'with_operators')"
            " ORDER BY id"
        ) as cursor:
            return [_need(row) for row in await cursor.fetchall()]

    async def set_operators_post(self, need_id: int, post_id: int) -> None:
        await self._db.write(
            "UPDATE needs SET operator_message_id = ? WHERE id = ?", (post_id, need_id)
        )

    async def claim(self, need_id: int, operator_id: int, now: datetime) -> bool:
        """Claim an unclaimed need for an operator; False if someone already holds it."""
        async with self._db.transaction() as db:
            written = await self._db.write(
                "UPDATE needs SET claimed_by = ?, updated_at = ?"
                " WHERE id = ? AND claimed_by IS NULL",
                (operator_id, now.isoformat(), need_id),
            )
            claimed = written.rowcount == 1
            if claimed:
                await _event(db, need_id, now, operator_id, "claimed", "")
        return claimed

    async def close(
        self, need_id: int, reason: CloseReason, operator_id: int, now: datetime
    ) -> Need:
        async with self._db.transaction() as db:
            await db.execute(
                "UPDATE needs SET status = 'closed', closed_reason = ?, updated_at = ?"
                " WHERE id = ?",
                (reason.value, now.isoformat(), need_id),
            )
            await _event(db, need_id, now, operator_id, "closed", reason.value)
        need = await self.get(need_id)
        if need is None:
            raise Missing(f"need {need_id} is gone")
        return need

    async def record_event(
        self, need_id: int, now: datetime, kind: str, actor_id: int | None = None, detail: str = ""
    ) -> None:
        async with self._db.transaction() as db:
            await _event(db, need_id, now, actor_id, kind, detail)

    async def events(self, need_id: int) -> list[dict[str, Any]]:
        async with self._db.connection.execute(
            "SELECT at, actor_id, kind, detail FROM need_events WHERE need_id = ? ORDER BY id",
            (need_id,),
        ) as cursor:
            return [dict(row) for row in await cursor.fetchall()]

    async def created_since(self, since: datetime) -> list[Need]:
        async with self._db.connection.execute(
            "SELECT * FROM needs WHERE created_at > ? ORDER BY id", (since.isoformat(),)
        ) as cursor:
            return [_need(row) for row in await cursor.fetchall()]

    async def last_event_at(self, need_id: int) -> datetime | None:
        async with self._db.connection.execute(
            "SELECT at FROM need_events WHERE need_id = ? ORDER BY id DESC LIMIT 1", (need_id,)
        ) as cursor:
            row = await cursor.fetchone()
        return datetime.fromisoformat(row[0]) if row else None

    async def mark_announced(self, need_id: int, trip_id: int, now: datetime) -> bool:
        """Remember that this trip was announced for this need; False if it already was."""
        written = await self._db.write(
            "INSERT INTO need_notifications (need_id, trip_id, at) VALUES (?, ?, ?)"
            " ON CONFLICT DO NOTHING",
            (need_id, trip_id, now.isoformat()),
        )
        inserted = written.rowcount == 1
        return inserted

    async def seen_drivers(self, need_id: int) -> set[int]:
        async with self._db.connection.execute(
            "SELECT DISTINCT t.driver_id FROM need_notifications n"
            " JOIN trips t ON t.id = n.trip_id WHERE n.need_id = ?",
            (need_id,),
        ) as cursor:
            return {row[0] for row in await cursor.fetchall()}


async def _event(
    db: aiosqlite.Connection,
    need_id: int,
    now: datetime,
    actor_id: int | None,
    kind: str,
    detail: str,
) -> None:
    await db.execute(
        "INSERT INTO need_events (need_id, at, actor_id, kind, detail) VALUES (?, ?, ?, ?, ?)",
        (need_id, now.isoformat(), actor_id, kind, detail),
    )


def _need(row: aiosqlite.Row) -> Need:
    specials = row["special_needs"]
    at = time_from(row["at_time"])
    if at is None:
        raise Missing(f"need {row['id']} has no time")
    return Need(
        id=row["id"],
        person_id=row["person_id"],
        origin=place_from_row(row, "origin"),
        destination=place_from_row(row, "destination"),
        travel_date=date.fromisoformat(row["travel_date"]) if row["travel_date"] else None,
        weekdays=mask_to_weekdays(row["weekdays"]),
        time_mode=TimeMode(row["time_mode"]),
        at=at,
        purpose=Purpose(row["purpose"]),
        special_needs=frozenset(SpecialNeed(s) for s in specials.split(",") if s),
        status=NeedStatus(row["status"]),
        created_at=row["created_at"],
        updated_at=row["updated_at"],
        operators_post_id=row["operator_message_id"],
        claimed_by=row["claimed_by"],
        closed_reason=CloseReason(row["closed_reason"]) if row["closed_reason"] else None,
        way_back=WayBack(row["way_back"]),
        back_at=time_from(row["back_at"]),
        purpose_asked=bool(row["purpose_asked"]),
        prescribed=bool(row["prescribed"]),
        territory=territory_of_row(row),
    )
