"""Which Telegram bot a person came through (bot/services/bots.py)."""

from __future__ import annotations

from storage.db import Database


class SqlBots:
    def __init__(self, database: Database) -> None:
        self._db = database

    async def telegram_bot(self, telegram_user_id: int) -> str | None:
        async with self._db.connection.execute(
            "SELECT telegram_bot FROM people WHERE telegram_user_id = ?", (telegram_user_id,)
        ) as cursor:
            row = await cursor.fetchone()
        return None if row is None or row[0] is None else str(row[0])

    async def came_through(self, person_id: int, bot: str) -> None:
        await self._db.write("UPDATE people SET telegram_bot = ? WHERE id = ?", (bot, person_id))
