"""The durable inbox of updates (bot/delivery.py)."""

from __future__ import annotations

import json
from collections.abc import Iterable
from datetime import datetime

from bot.agenda import utc_text
from bot.delivery import JSON, InboxEntry, InboxStatus
from storage.db import Database


class SqliteInbox:
    def __init__(self, database: Database) -> None:
        self._db = database

    async def record(self, updates: Iterable[tuple[int, JSON]], now: datetime) -> int:
        new = 0
        async with self._db.transaction() as db:
            for update_id, payload in updates:
                cursor = await db.execute(
                    "INSERT INTO inbox (update_id, payload, received_at) VALUES (?, ?, ?)"
                    " ON CONFLICT (update_id) DO NOTHING",
                    (update_id, json.dumps(payload, ensure_ascii=False), utc_text(now)),
                )
                new += cursor.rowcount
                await cursor.close()
        return new

    async def pending(self, limit: int, after: int | None = None) -> list[InboxEntry]:
        async with self._db.connection.execute(
            "SELECT update_id, payload, received_at FROM inbox WHERE status = 'pending'"
            " AND update_id > ? ORDER BY update_id LIMIT ?",
            (-(2**62) if after is None else after, limit),
        ) as cursor:
            rows = await cursor.fetchall()
        return [
            InboxEntry(row[0], json.loads(row[1]), datetime.fromisoformat(row[2])) for row in rows
        ]

    async def finish(self, update_id: int, now: datetime, error: str | None = None) -> None:
        status = InboxStatus.FAILED if error else InboxStatus.HANDLED
        await self._db.write(
            "UPDATE inbox SET status = ?, handled_at = ?, error = ? WHERE update_id = ?",
            (status.value, utc_text(now), error, update_id),
        )

    async def prune(self, before: datetime) -> None:
        """Forget handled updates received before `before` (kept a while to drop repeats)."""
        await self._db.write(
            "DELETE FROM inbox WHERE status != 'pending' AND received_at < ?", (utc_text(before),)
        )
