"""The agenda of due actions and messages (see bot/agenda.py)."""

from __future__ import annotations

from collections.abc import Iterable
from datetime import datetime

import aiosqlite

from bot.agenda import AgendaEntry, Due, FailedEntry, Kind, Outcome, utc_text
from storage.db import Database


class SqliteAgenda:
    def __init__(self, database: Database) -> None:
        self._db = database

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
        async with self._db.connection.execute(
            "SELECT * FROM agenda WHERE status = 'pending' AND due_at <= ?"
            " ORDER BY due_at, id LIMIT ?",
            (utc_text(now), limit),
        ) as cursor:
            return [_entry(row) for row in await cursor.fetchall()]

    async def next_due(self) -> datetime | None:
        async with self._db.connection.execute(
            "SELECT MIN(due_at) FROM agenda WHERE status = 'pending'"
        ) as cursor:
            row = await cursor.fetchone()
        return datetime.fromisoformat(row[0]) if row and row[0] else None

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
        await self._db.write(
            "UPDATE agenda SET due_at = ?, attempts = attempts + 1, outcome = ?"
            " WHERE id = ? AND status = 'pending'",
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
