"""The agenda of due actions and messages (see bot/agenda.py)."""

from __future__ import annotations

from collections.abc import Iterable
from datetime import datetime

import aiosqlite

from bot.agenda import AgendaEntry, Due, FailedEntry, Kind, Outcome, utc_text
from bot.workers import Worker
from storage.claims import FREE, SKIP_LOCKED, Engine
from storage.db import Database

# The entries due now that no other live worker holds, oldest first, claimed. Parameters:
# worker, until | now, worker, now | limit. PostgreSQL: FOR UPDATE SKIP LOCKED in the
# sub-select (storage/claims.py's SKIP_LOCKED), so that two workers claim side by side.
_CLAIM = (
    "UPDATE agenda SET claimed_by = ?, claimed_until = ? WHERE id IN ("
    " SELECT a.id FROM agenda AS a WHERE a.status = 'pending' AND a.due_at <= ?"
    f" AND {FREE.format('a')} ORDER BY a.due_at, a.id LIMIT ?{{skip_locked}})"
    " RETURNING *"
)


class SqlAgenda:
    def __init__(
        self, database: Database, worker: Worker | None = None, engine: Engine = "sqlite"
    ) -> None:
        self._db = database
        self._worker = worker or Worker()
        self._engine = engine

    async def schedule(self, dues: Iterable[Due], now: datetime) -> None:
        """Add entries; one already pending for the same kind and subject is moved instead."""
        async with self._db.transaction() as db:
            for due in dues:
                await db.execute(
                    "INSERT INTO agenda (kind, subject_id, due_at, created_at) VALUES (?, ?, ?, ?)"
                    " ON CONFLICT (kind, subject_id) WHERE status = 'pending'"
                    " DO UPDATE SET due_at = excluded.due_at",
                    (due.kind.value, due.subject_id, utc_text(due.at), utc_text(now)),
                )

    async def schedule_once(self, due: Due, now: datetime) -> bool:
        """Add an entry unless one of that kind and subject is pending; False if one was."""
        written = await self._db.write(
            "INSERT INTO agenda (kind, subject_id, due_at, created_at) VALUES (?, ?, ?, ?)"
            " ON CONFLICT (kind, subject_id) WHERE status = 'pending' DO NOTHING",
            (due.kind.value, due.subject_id, utc_text(due.at), utc_text(now)),
        )
        return written.rowcount == 1

    async def due(self, now: datetime, limit: int) -> list[AgendaEntry]:
        """The entries due now, claimed by this worker (bot/workers.py): no other runs them
        unless its lease runs out first."""
        at = utc_text(now)
        async with self._db.connection.execute(
            "SELECT 1 FROM agenda WHERE status = 'pending' AND due_at <= ? LIMIT 1", (at,)
        ) as cursor:
            if await cursor.fetchone() is None:  # nothing due: no write to claim nothing
                return []
        me = self._worker.name
        async with self._db.transaction() as db:
            cursor = await db.execute(
                _CLAIM.format(skip_locked=SKIP_LOCKED[self._engine]),
                (me, utc_text(self._worker.until(now)), at, me, at, limit),
            )
            rows = list(await cursor.fetchall())
            await cursor.close()
        entries = [_entry(row) for row in rows]
        return sorted(entries, key=lambda entry: (entry.due_at, entry.id))

    async def next_due(self) -> datetime | None:
        async with self._db.connection.execute(
            "SELECT MIN(due_at) FROM agenda WHERE status = 'pending'"
        ) as cursor:
            row = await cursor.fetchone()
        return datetime.fromisoformat(row[0]) if row and row[0] else None

    async def hold(self, entry_id: int, now: datetime) -> bool:
        # A write: on SQLite the transaction's write lock, on PostgreSQL the row's lock, keep
        # any other worker from taking the entry over until this transaction ends.
        written = await self._db.write(
            "UPDATE agenda SET claimed_by = ?, claimed_until = ? WHERE id = ?"
            " AND status = 'pending' AND (claimed_by IS NULL OR claimed_by = ?"
            " OR claimed_until <= ?)",
            (
                self._worker.name,
                utc_text(self._worker.until(now)),
                entry_id,
                self._worker.name,
                utc_text(now),
            ),
        )
        return written.rowcount > 0

    async def pending(self, kind: Kind, subject_id: int) -> AgendaEntry | None:
        async with self._db.connection.execute(
            "SELECT * FROM agenda WHERE status = 'pending' AND kind = ? AND subject_id = ?",
            (kind.value, subject_id),
        ) as cursor:
            row = await cursor.fetchone()
        return _entry(row) if row else None

    async def finish(self, entry_id: int, outcome: str, now: datetime) -> bool:
        """Mark a pending entry done (failed if its person was unreachable); False if it was
        not pending any more."""
        status = "failed" if outcome == Outcome.UNREACHABLE else "done"
        written = await self._db.write(
            "UPDATE agenda SET status = ?, outcome = ?, finished_at = ?,"
            " attempts = attempts + 1 WHERE id = ? AND status = 'pending'",
            (status, outcome, utc_text(now), entry_id),
        )
        return written.rowcount == 1

    async def retry(self, entry_id: int, at: datetime, error: str) -> None:
        # Let go: any worker tries it again when it is due.
        await self._db.write(
            "UPDATE agenda SET due_at = ?, attempts = attempts + 1, outcome = ?,"
            " claimed_by = NULL, claimed_until = NULL WHERE id = ? AND status = 'pending'",
            (utc_text(at), error[:500], entry_id),
        )

    async def fail(self, entry_id: int, reason: str, now: datetime) -> None:
        await self._db.write(
            "UPDATE agenda SET status = 'failed', outcome = ?, finished_at = ?,"
            " attempts = attempts + 1 WHERE id = ? AND status = 'pending'",
            (reason[:500], utc_text(now), entry_id),
        )

    async def failed_since(self, since: datetime) -> list[FailedEntry]:
        async with self._db.connection.execute(
            "SELECT kind, subject_id, outcome, finished_at FROM agenda"
            " WHERE status = 'failed' AND finished_at > ? ORDER BY finished_at, id",
            (utc_text(since),),
        ) as cursor:
            return [
                FailedEntry(
                    Kind(row["kind"]),
                    row["subject_id"],
                    row["outcome"] or "",
                    datetime.fromisoformat(row["finished_at"]),
                )
                for row in await cursor.fetchall()
            ]


def _entry(row: aiosqlite.Row) -> AgendaEntry:
    return AgendaEntry(
        id=row["id"],
        kind=Kind(row["kind"]),
        subject_id=row["subject_id"],
        due_at=datetime.fromisoformat(row["due_at"]),
        attempts=row["attempts"],
    )
