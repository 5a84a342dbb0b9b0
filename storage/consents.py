"""Consents, each with the version of the text agreed to."""

from __future__ import annotations

from datetime import datetime

import aiosqlite

from bot.domain import Consent
from storage.db import Database


class SqlConsents:
    def __init__(self, database: Database) -> None:
        self._db = database

    async def add(
        self, person_id: int, topic: str, version: str, now: datetime, confirmed_by: int | None
    ) -> Consent:
        written = await self._db.write(
            "INSERT INTO consents (person_id, topic, version, given_at, confirmed_by)"
            " VALUES (?, ?, ?, ?, ?)",
            (person_id, topic, version, now.isoformat(), confirmed_by),
        )
        return Consent(
            id=written.new_id,
            person_id=person_id,
            topic=topic,
            version=version,
            given_at=now,
            confirmed_by=confirmed_by,
        )

    async def latest(self, person_id: int, topic: str) -> Consent | None:
        async with self._db.connection.execute(
            "SELECT * FROM consents WHERE person_id = ? AND topic = ? ORDER BY id DESC LIMIT 1",
            (person_id, topic),
        ) as cursor:
            row = await cursor.fetchone()
        return _consent(row) if row else None

    async def for_person(self, person_id: int) -> list[Consent]:
        async with self._db.connection.execute(
            "SELECT * FROM consents WHERE person_id = ? ORDER BY id", (person_id,)
        ) as cursor:
            return [_consent(row) for row in await cursor.fetchall()]


def _consent(row: aiosqlite.Row) -> Consent:
    return Consent(
        id=row["id"],
        person_id=row["person_id"],
        topic=row["topic"],
        version=row["version"],
        given_at=row["given_at"],
        confirmed_by=row["confirmed_by"],
    )
