"""Reports one person makes about another, for the team (bot/services/trust.py)."""

from __future__ import annotations

from datetime import datetime

from storage.db import Database


class SqlPersonReports:
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
        return written.new_id

    async def never_matched_with(self, person_id: int) -> set[int]:
        """Everyone this person reported and everyone who reported them: one report is
        enough, whatever the team decides about a suspension."""
        async with self._db.connection.execute(
            "SELECT reported_id FROM person_reports WHERE reporter_id = ?"
            " UNION SELECT reporter_id FROM person_reports WHERE reported_id = ?",
            (person_id, person_id),
        ) as cursor:
            return {int(row[0]) for row in await cursor.fetchall()}
