"""Texts received from simple phones (bot/services/texts.py)."""

from __future__ import annotations

from datetime import datetime

from bot.agenda import utc_text
from bot.services.texts import ReceivedText
from bot.workers import Worker
from storage.claims import FREE, HELD_BY_ANOTHER, Engine, lock_for_claim
from storage.db import Database

# The longest text kept: a phone sends at most a few concatenated segments; anything longer
# is not a person typing.
MAX_TEXT = 2000


# The oldest pending texts of the senders no other live worker holds, claimed (each
# sender's texts in order, by one worker at a time). Parameters: worker, until | worker,
# now, worker, now | limit. PostgreSQL: the same, after storage/claims.py's CLAIM_LOCK.
_CLAIM = (
    "UPDATE sms_inbox SET claimed_by = ?, claimed_until = ? WHERE id IN ("
    " SELECT s.id FROM sms_inbox AS s WHERE s.status = 'pending'"
    f" AND {FREE.format('s')}"
    f" AND NOT {HELD_BY_ANOTHER.format(table='sms_inbox', chat='sender', row='s')}"
    " ORDER BY s.id LIMIT ?)"
    " RETURNING id, sender, receiver, text, received_at"
)


class SqlTextInbox:
    def __init__(
        self, database: Database, worker: Worker | None = None, engine: Engine = "sqlite"
    ) -> None:
        self._db = database
        self._worker = worker or Worker()
        self._engine = engine

    async def record(
        self, gateway_id: str | None, sender: str, receiver: str, text: str, now: datetime
    ) -> bool:
        written = await self._db.write(
            "INSERT INTO sms_inbox (gateway_id, sender, receiver, text, received_at)"
            " VALUES (?, ?, ?, ?, ?) ON CONFLICT (gateway_id) DO NOTHING",
            (gateway_id or None, sender, receiver, text[:MAX_TEXT], utc_text(now)),
        )
        return written.rowcount > 0

    async def pending(self, limit: int, now: datetime | None = None) -> list[ReceivedText]:
        if now is None:
            async with self._db.connection.execute(
                "SELECT id, sender, receiver, text, received_at FROM sms_inbox"
                " WHERE status = 'pending' ORDER BY id LIMIT ?",
                (limit,),
            ) as cursor:
                rows = list(await cursor.fetchall())
        else:
            async with self._db.connection.execute(
                "SELECT 1 FROM sms_inbox WHERE status = 'pending' LIMIT 1"
            ) as cursor:
                if await cursor.fetchone() is None:  # nothing to claim: no write
                    return []
            me, at = self._worker.name, utc_text(now)
            async with self._db.transaction() as db:
                await lock_for_claim(db, self._engine)
                cursor = await db.execute(
                    _CLAIM, (me, utc_text(self._worker.until(now)), me, at, me, at, limit)
                )
                rows = sorted(await cursor.fetchall(), key=lambda row: int(row[0]))
                await cursor.close()
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
