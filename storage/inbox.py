"""The durable inbox of updates (bot/delivery.py), claimed by chat among several workers
(bot/workers.py, storage/claims.py)."""

from __future__ import annotations

import json
from collections.abc import Iterable
from datetime import datetime

from bot.agenda import utc_text
from bot.delivery import JSON, InboxEntry, InboxStatus
from bot.workers import Worker
from storage.claims import FREE, HELD_BY_ANOTHER, Engine, lock_for_claim
from storage.db import Database

# The oldest pending updates (after a given one) of the chats no other live worker holds;
# each chat's updates are taken oldest first, so a chat's later update is never taken
# without its earlier ones. Parameters: worker, until, bot | bot, after, worker, now, worker,
# now | limit. Each bot's updates are claimed apart (update ids are counted per bot).
# PostgreSQL: the same statement, after storage/claims.py's CLAIM_LOCK in its transaction.
CLAIM = (
    "UPDATE inbox SET claimed_by = ?, claimed_until = ? WHERE bot = ? AND update_id IN ("
    " SELECT i.update_id FROM inbox AS i WHERE i.status = 'pending' AND i.bot = ?"
    " AND i.update_id > ?"
    f" AND {FREE.format('i')}"
    f" AND NOT {HELD_BY_ANOTHER.format(table='inbox', chat='chat_id', row='i')}"
    " ORDER BY i.update_id LIMIT ?)"
    " RETURNING update_id, payload, received_at"
)


class SqlInbox:
    """The updates of one bot: `bot` is a territory's id for its own bot, '' for BOT_TOKEN's."""

    def __init__(
        self,
        database: Database,
        worker: Worker | None = None,
        engine: Engine = "sqlite",
        bot: str = "",
    ) -> None:
        self._db = database
        self._worker = worker or Worker()
        self._engine = engine
        self._bot = bot

    async def record(self, updates: Iterable[tuple[int, JSON, int]], now: datetime) -> int:
        new = 0
        async with self._db.transaction() as db:
            for update_id, payload, chat_id in updates:
                cursor = await db.execute(
                    "INSERT INTO inbox (bot, update_id, payload, received_at, chat_id)"
                    " VALUES (?, ?, ?, ?, ?) ON CONFLICT (bot, update_id) DO NOTHING",
                    (
                        self._bot,
                        update_id,
                        json.dumps(payload, ensure_ascii=False),
                        utc_text(now),
                        chat_id,
                    ),
                )
                new += cursor.rowcount
                await cursor.close()
        return new

    async def pending(
        self, limit: int, after: int | None = None, now: datetime | None = None
    ) -> list[InboxEntry]:
        """The first `limit` pending updates; with `now`, claimed by this worker (those of
        the chats another live worker holds are left to it)."""
        first = -(2**62) if after is None else after
        if now is None:
            async with self._db.connection.execute(
                "SELECT update_id, payload, received_at FROM inbox WHERE status = 'pending'"
                " AND bot = ? AND update_id > ? ORDER BY update_id LIMIT ?",
                (self._bot, first, limit),
            ) as cursor:
                rows = list(await cursor.fetchall())
        else:
            me = self._worker.name
            async with self._db.transaction() as db:
                await lock_for_claim(db, self._engine)
                cursor = await db.execute(
                    CLAIM,
                    (
                        me,
                        utc_text(self._worker.until(now)),
                        self._bot,
                        self._bot,
                        first,
                        me,
                        utc_text(now),
                        me,
                        utc_text(now),
                        limit,
                    ),  # fmt: skip
                )
                rows = list(await cursor.fetchall())
                await cursor.close()
            rows.sort(key=lambda row: int(row[0]))  # RETURNING keeps no order
        return [
            InboxEntry(row[0], json.loads(row[1]), datetime.fromisoformat(row[2])) for row in rows
        ]

    async def finish(self, update_id: int, now: datetime, error: str | None = None) -> bool:
        """Handled (or failed); False when it was not pending any more: another worker
        handled it meanwhile, and this one's effects must be rolled back."""
        status = InboxStatus.FAILED if error else InboxStatus.HANDLED
        written = await self._db.write(
            "UPDATE inbox SET status = ?, handled_at = ?, error = ?"
            " WHERE bot = ? AND update_id = ? AND status = 'pending'",
            (status.value, utc_text(now), error, self._bot, update_id),
        )
        return written.rowcount > 0

    async def prune(self, before: datetime) -> None:
        """Forget handled updates received before `before` (kept a while to drop repeats)."""
        await self._db.write(
            "DELETE FROM inbox WHERE status != 'pending' AND received_at < ?", (utc_text(before),)
        )
