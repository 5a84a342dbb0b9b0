"""Texts received from simple phones (bot/services/texts.py)."""

from __future__ import annotations

from datetime import datetime

from bot.agenda import utc_text
from bot.services.texts import ReceivedText
from storage.db import Database

# The longest text kept: a phone sends at most a few concatenated segments; anything longer
# is not a person typing.
MAX_TEXT = 2000


class SqliteTextInbox:
    def __init__(self, database: Database) -> None:
        self._db = database

    async def record(
        self, gateway_id: str | None, sender: str, receiver: str, text: str, now: datetime
    ) -> bool:
        written = await self._db.write(
            "INSERT INTO sms_inbox (gateway_id, sender, receiver, text, received_at)"
            " VALUES (?, ?, ?, ?, ?) ON CONFLICT (gateway_id) DO NOTHING",
            (gateway_id or None, sender, receiver, text[:MAX_TEXT], utc_text(now)),
        )
        return written.rowcount > 0

    async def pending(self, limit: int) -> list[ReceivedText]:
        async with self._db.connection.execute(
            "SELECT id, sender, receiver, text, received_at FROM sms_inbox"
            " WHERE status = 'pending' ORDER BY id LIMIT ?",
            (limit,),
        ) as cursor:
            rows = await cursor.fetchall()
        return [
            ReceivedText(row[0], row[1], row[2], row[3], datetime.fromisoformat(row[4]))
            for row in rows
        ]

    async def settle(self, text_id: int, status: str, now: datetime, error: str | None) -> None:
        await self._db.write(
            "UPDATE sms_inbox SET status = ?, handled_at = ?, error = ? WHERE id = ?",
            (status, utc_text(now), (error or None) and error[:500], text_id),
        )

    async def count_from(self, sender: str, since: datetime, up_to: int) -> int:
        async with self._db.connection.execute(
            "SELECT COUNT(*) FROM sms_inbox WHERE sender = ? AND received_at >= ? AND id <= ?",
            (sender, utc_text(since), up_to),
        ) as cursor:
            row = await cursor.fetchone()
        return int(row[0]) if row else 0

    async def prune(self, before: datetime) -> None:
        await self._db.write(
            "DELETE FROM sms_inbox WHERE status != 'pending' AND received_at < ?",
            (utc_text(before),),
        )
