"""Reports one person makes about another, for the team (bot/services/trust.py)."""

from __future__ import annotations

from datetime import datetime

from storage.db import Database


class SqlitePersonReports:
    def __init__(self, database: Database) -> None:
        self._db = database

    async def add(
        self,
        reporter_id: int,
        reported_id: int,
        introduction_id: int | None,
        reason: str,
        words: str,
        now: datetime,
    ) -> int:
        written = await self._db.write(
            "INSERT INTO person_reports (reporter_id, reported_id, introduction_id, reason,"
            " words, created_at) VALUES (?, ?, ?, ?, ?, ?)",
            (reporter_id, reported_id, introduction_id, reason, words, now.isoformat()),
        )
        assert written.lastrowid is not None
        return written.lastrowid

    async def reported_each_other(self, person_id: int) -> set[int]:
        """Everyone this person reported and who reported them too."""
        async with self._db.connection.execute(
            "SELECT DISTINCT a.reported_id FROM person_reports a JOIN person_reports b"
            " ON b.reporter_id = a.reported_id AND b.reported_id = a.reporter_id"
            " WHERE a.reporter_id = ?",
            (person_id,),
        ) as cursor:
            return {int(row[0]) for row in await cursor.fetchall()}
