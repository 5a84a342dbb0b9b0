"""The durable outbox of notices (bot/delivery.py)."""

from __future__ import annotations

import json
from collections.abc import Collection, Sequence
from datetime import datetime

import aiosqlite

from bot.agenda import utc_text
from bot.delivery import (
    SMS,
    Backlog,
    DeliveryStatus,
    OutboxEntry,
    Outgoing,
    Report,
    Step,
    UndeliveredNotice,
)
from bot.domain import Missing
from bot.workers import Worker
from storage.claims import BUDGET_LOCK, FREE, Engine, lock_for_claim
from storage.db import Database

# An earlier pending message that `o` must wait for: to the same chat (chat 0, the callback
# answers, keeps no order), urgent, or `o` itself is not.
_HELD_BACK = (
    "SELECT 1 FROM outbox AS e WHERE e.status = 'pending' AND o.chat_id != 0"
    " AND e.chat_id = o.chat_id AND e.id < o.id AND (e.urgent = 1 OR o.urgent = 0)"
)

# A message that named someone forgotten meanwhile (storage/traces.py): once settled, nothing
# of what it said is kept, only that it was sent, when, to which chat.
_ERASE_ONCE_SENT = (
    "UPDATE outbox SET params = '{}', if_unreachable = NULL, after_sent = NULL,"
    " erase_once_sent = 0 WHERE id = ? AND erase_once_sent = 1"
)


# The messages due now, oldest first, that this worker may send (not held back by an earlier
# one of their chat, nor in a chat another live worker holds; chat 0 keeps no order, so only
# the row itself counts), claimed. Parameters: worker, until | now, now, *skip, worker, now,
# worker, now | limit. PostgreSQL: the same, after storage/claims.py's CLAIM_LOCK.
_CLAIM = (
    "UPDATE outbox SET claimed_by = ?, claimed_until = ? WHERE id IN ("
    " SELECT o.id FROM outbox AS o WHERE o.status = 'pending' AND o.next_attempt_at <= ?"
    f" AND NOT EXISTS ({_HELD_BACK} AND e.next_attempt_at > ?){{skipped}}"
    f" AND {FREE.format('o')}"
    " AND NOT EXISTS (SELECT 1 FROM outbox AS h WHERE h.status = 'pending'"
    "  AND h.chat_id = o.chat_id AND (o.chat_id != 0 OR h.id = o.id)"
    "  AND h.claimed_by <> ? AND h.claimed_until > ?)"
    " ORDER BY o.id LIMIT ?)"
    " RETURNING *"
)


class SqlOutbox:
    def __init__(
        self, database: Database, worker: Worker | None = None, engine: Engine = "sqlite"
    ) -> None:
        self._db = database
        self._worker = worker or Worker()
        self._engine = engine

    async def add(self, message: Outgoing, now: datetime) -> int:
        written = await self._db.write(
            "INSERT INTO outbox (chat_id, person_id, method, params, if_unreachable, after_sent,"
            " urgent, topic, segments, territory, next_attempt_at, created_at)"
            " VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
            (
                message.chat_id,
                message.person_id,
                message.method,
                json.dumps(message.params, ensure_ascii=False),
                _follow_up(message.if_unreachable),
                _follow_up(message.after_sent),
                int(message.urgent),
                message.topic,
                message.segments,
                message.territory,
                utc_text(now),
                utc_text(now),
            ),
        )
        return written.new_id

    async def get(self, entry_id: int) -> OutboxEntry | None:
        async with self._db.connection.execute(
            "SELECT * FROM outbox WHERE id = ?", (entry_id,)
        ) as cursor:
            row = await cursor.fetchone()
        return _entry(row) if row else None

    async def reported(self, entry_id: int, report: Report, now: datetime) -> bool:
        """The gateway's report on a text; False when it was already told (a report repeated,
        or one after the other: a failure after "delivered" changes nothing), or when the text
        was settled otherwise (refused when sent: whoever must know was told then)."""
        written = await self._db.write(
            "UPDATE outbox SET reported = ?, reported_at = ? WHERE id = ? AND method = ?"
            " AND status = 'sent' AND (reported IS NULL OR reported = ?)",
            (report.value, utc_text(now), entry_id, SMS, Report.ON_ITS_WAY.value),
        )
        return written.rowcount > 0

    async def segments_since(self, since: datetime) -> int:
        async with self._db.connection.execute(
            "SELECT COALESCE(SUM(segments), 0) FROM outbox WHERE method = ?"
            " AND status IN ('pending', 'sent') AND created_at >= ?",
            (SMS, utc_text(since)),
        ) as cursor:
            row = await cursor.fetchone()
        return int(row[0]) if row else 0

    async def texts_since(self, since: datetime) -> tuple[int, int]:
        async with self._db.connection.execute(
            "SELECT COUNT(*), COALESCE(SUM(segments), 0) FROM outbox WHERE method = ?"
            " AND status IN ('pending', 'sent') AND created_at >= ?",
            (SMS, utc_text(since)),
        ) as cursor:
            row = await cursor.fetchone()
        return (int(row[0]), int(row[1])) if row else (0, 0)

    async def texts_by_territory(self, since: datetime) -> dict[str | None, tuple[int, int]]:
        async with self._db.connection.execute(
            "SELECT territory, COUNT(*), COALESCE(SUM(segments), 0) FROM outbox WHERE method = ?"
            " AND status IN ('pending', 'sent') AND created_at >= ? GROUP BY territory",
            (SMS, utc_text(since)),
        ) as cursor:
            rows = await cursor.fetchall()
        return {row[0]: (int(row[1]), int(row[2])) for row in rows}

    async def lock_budget(self) -> None:
        """The budget's lock, to the end of the caller's transaction (storage/claims.py)."""
        statement = BUDGET_LOCK[self._engine]
        if statement is not None:
            async with self._db.transaction() as db:
                await db.execute(statement)

    async def team_posts_since(
        self, topic: str, since: datetime, chat_id: int | None = None
    ) -> int:
        group = "" if chat_id is None else " AND chat_id = ?"
        async with self._db.connection.execute(
            "SELECT COUNT(*) FROM outbox WHERE topic = ? AND person_id IS NULL"
            f" AND method = 'sendMessage' AND created_at >= ?{group}",
            (topic, utc_text(since), *(() if chat_id is None else (chat_id,))),
        ) as cursor:
            row = await cursor.fetchone()
        return int(row[0]) if row else 0

    async def due(self, now: datetime, limit: int, skip: Collection[int] = ()) -> list[OutboxEntry]:
        # A message waiting for its retry holds back the later ones to the same chat: each
        # reader gets their messages in the order they were written. A reminder waiting for
        # the morning does not hold back what is urgent (a driver's request, a reply). The
        # chats in `skip` (a message on its way, a group out of its budget) are left out, so
        # that a long queue to one chat never hides the others'.
        #
        # What is returned is claimed by this worker (bot/workers.py): no other sends it, nor
        # anything to the same chat, until it is settled or released (`release`), or until
        # this worker's lease runs out (killed: at worst what was on its way is sent again).
        skipped = _not_in(skip)
        at = utc_text(now)
        async with self._db.connection.execute(
            "SELECT 1 FROM outbox WHERE status = 'pending' AND next_attempt_at <= ? LIMIT 1",
            (at,),
        ) as cursor:
            if await cursor.fetchone() is None:  # nothing due: no write to claim nothing
                return []
        me = self._worker.name
        async with self._db.transaction() as db:
            await lock_for_claim(db, self._engine)
            cursor = await db.execute(
                _CLAIM.format(skipped=skipped),
                (me, utc_text(self._worker.until(now)), at, at, *skip, me, at, me, at, limit),
            )
            rows = list(await cursor.fetchall())
            await cursor.close()
        return sorted((_entry(row) for row in rows), key=lambda entry: entry.id)

    async def release(self, entry_ids: Collection[int]) -> None:
        """Claimed but not sent now (its chat busy, a group out of its budget): another
        worker may take them. Alone, there is no one to give them to."""
        if not entry_ids or not self._worker.several:
            return
        marks = ", ".join("?" * len(entry_ids))
        await self._db.write(
            "UPDATE outbox SET claimed_by = NULL, claimed_until = NULL"
            f" WHERE claimed_by = ? AND id IN ({marks})",
            (self._worker.name, *entry_ids),
        )

    async def next_attempt(self, skip: Collection[int] = ()) -> datetime | None:
        # The first pending message of each chat: the ones behind it wait for it, not a time.
        async with self._db.connection.execute(
            "SELECT MIN(o.next_attempt_at) FROM outbox AS o WHERE o.status = 'pending'"
            f" AND NOT EXISTS ({_HELD_BACK}){_not_in(skip)}",
            tuple(skip),
        ) as cursor:
            row = await cursor.fetchone()
        return datetime.fromisoformat(row[0]) if row and row[0] else None

    async def sent(self, entry_id: int, message_id: int | None, now: datetime) -> None:
        await self.sent_many([(entry_id, message_id)], now)

    async def sent_many(self, sent: Sequence[tuple[int, int | None]], now: datetime) -> None:
        """Several messages delivered (id, Telegram's message id): one transaction."""
        if not sent:
            return
        async with self._db.transaction() as db:
            await db.executemany(
                "UPDATE outbox SET status = 'sent', attempts = attempts + 1,"
                " telegram_message_id = ?, finished_at = ? WHERE id = ?",
                [(message_id, utc_text(now), entry_id) for entry_id, message_id in sent],
            )
            await db.executemany(_ERASE_ONCE_SENT, [(entry_id,) for entry_id, _ in sent])

    async def retry(self, entry_id: int, at: datetime, error: str) -> None:
        await self._db.write(
            "UPDATE outbox SET attempts = attempts + 1, next_attempt_at = ?, last_error = ?"
            " WHERE id = ?",
            (utc_text(at), error[:500], entry_id),
        )

    async def hurry(self, now: datetime) -> None:
        await self._db.write(
            "UPDATE outbox SET next_attempt_at = ? WHERE status = 'pending' AND urgent = 1"
            " AND attempts > 0 AND next_attempt_at > ? AND last_error NOT LIKE 'flood limit%'",
            (utc_text(now), utc_text(now)),
        )

    async def settle(
        self, entry_id: int, status: DeliveryStatus, error: str, now: datetime
    ) -> None:
        async with self._db.transaction() as db:
            await db.execute(
                "UPDATE outbox SET status = ?, attempts = attempts + 1, last_error = ?,"
                " finished_at = ? WHERE id = ?",
                (status.value, error[:500], utc_text(now), entry_id),
            )
            await db.execute(_ERASE_ONCE_SENT, (entry_id,))

    async def prune(self, before: datetime) -> None:
        """Forget messages settled before `before` (the digest looks back one day only)."""
        await self._db.write(
            "DELETE FROM outbox WHERE status != 'pending' AND finished_at < ?", (utc_text(before),)
        )

    async def backlog(self) -> Backlog:
        async with self._db.connection.execute(
            "SELECT COUNT(*), MIN(created_at) FROM outbox WHERE status = 'pending'"
        ) as cursor:
            pending = await cursor.fetchone()
        async with self._db.connection.execute(
            "SELECT MAX(finished_at) FROM outbox WHERE status = 'sent'"
        ) as cursor:
            sent = await cursor.fetchone()
        if pending is None or sent is None:
            raise Missing("an aggregate query returned no row")
        return Backlog(
            pending=int(pending[0]),
            oldest_pending_at=datetime.fromisoformat(pending[1]) if pending[1] else None,
            last_sent_at=datetime.fromisoformat(sent[0]) if sent[0] else None,
        )

    async def undelivered_since(self, since: datetime) -> list[UndeliveredNotice]:
        async with self._db.connection.execute(
            "SELECT chat_id, person_id, topic, status, last_error, finished_at FROM outbox"
            " WHERE status IN ('unreachable', 'failed') AND finished_at >= ?"
            " AND method NOT IN ('answerCallbackQuery', 'editMessageText',"
            "   'editMessageReplyMarkup', 'deleteMessage') ORDER BY id",
            (utc_text(since),),
        ) as cursor:
            rows = await cursor.fetchall()
        return [
            UndeliveredNotice(
                row[0],
                row[1],
                row[2],
                DeliveryStatus(row[3]),
                row[4] or "",
                datetime.fromisoformat(row[5]),
            )
            for row in rows
        ]


def _not_in(chats: Collection[int]) -> str:
    return f" AND o.chat_id NOT IN ({', '.join('?' * len(chats))})" if chats else ""


def _follow_up(follow_up: Step | None) -> str | None:
    return json.dumps(follow_up.to_json(), ensure_ascii=False) if follow_up else None


def _entry(row: aiosqlite.Row) -> OutboxEntry:
    return OutboxEntry(
        id=row["id"],
        chat_id=row["chat_id"],
        person_id=row["person_id"],
        method=row["method"],
        params=json.loads(row["params"]),
        if_unreachable=Step.from_json(json.loads(row["if_unreachable"] or "null")),
        after_sent=Step.from_json(json.loads(row["after_sent"] or "null")),
        attempts=row["attempts"],
        urgent=bool(row["urgent"]),
        next_attempt_at=datetime.fromisoformat(row["next_attempt_at"]),
        created_at=datetime.fromisoformat(row["created_at"]),
        topic=row["topic"],
    )
