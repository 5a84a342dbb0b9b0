"""What Mobilot keeps about a person's SMS channel, for /mesdonnees: their number, since when
they are texted, who of the team recorded their consent (nobody: they agreed by text), and
when they texted STOP. It lives in the person's own row (storage/migrations/0021_sms.sql),
emptied with it when they are forgotten; this holder only hands it over."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from storage.db import Database


class SmsChannelHeld:
    section = "sms_channel"

    def __init__(self, database: Database) -> None:
        self._db = database

    async def export(self, person_id: int) -> list[dict[str, Any]]:
        async with self._db.connection.execute(
            "SELECT p.phone AS number, p.sms_since AS since, p.sms_stopped_at AS stopped_at,"
            " p.sms_consent_by IS NOT NULL AS consent_given_to_the_team,"
            " t.display_name AS consent_given_to FROM people AS p"
            " LEFT JOIN people AS t ON t.id = p.sms_consent_by"
            " WHERE p.id = ? AND (p.sms_since IS NOT NULL OR p.sms_stopped_at IS NOT NULL)",
            (person_id,),
        ) as cursor:
            return [dict(row) for row in await cursor.fetchall()]

    async def forget(self, person_id: int, now: datetime) -> None:
        """Nothing of its own: the person's row is emptied last (storage/people.py)."""
