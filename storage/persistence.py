"""python-telegram-bot's persistence in the bot's own SQLite database.

Conversation states and what a person has typed so far (user_data) survive a restart, so a
driver interrupted mid-registration finds their answers where they left them. Values are
stored as JSON: the handlers only keep plain JSON-friendly values in user_data.

They are written only inside the transaction of the update that changed them (the update
runner asks for it before committing), so the conversation on disk always matches the effects
on disk. python-telegram-bot's own writes outside any update (every minute, at shutdown) are
ignored: they could hold the state of an update that was rolled back or cut short.
"""

from __future__ import annotations

import json
from typing import Any

from telegram.ext import BasePersistence, PersistenceInput

from storage.db import Database

UserData = dict[str, Any]
ConversationKey = tuple[int | str, ...]
ConversationDict = dict[ConversationKey, object]
CDCData = tuple[list[tuple[str, float, dict[str, Any]]], dict[str, str]]


class SqlPersistence(BasePersistence[UserData, dict[str, Any], dict[str, Any]]):
    # python-telegram-bot's periodic write is not wanted (see above): it would also take the
    # changes the update runner is about to write in its transaction, and lose them.
    def __init__(
        self, database: Database, update_interval: float = 10**8, *, refresh: bool = False
    ) -> None:
        super().__init__(
            store_data=PersistenceInput(
                bot_data=False, chat_data=False, user_data=True, callback_data=False
            ),
            update_interval=update_interval,
        )
        self._db = database
        # Several workers (bot/workers.py): a person's data is read again before each of
        # their updates, since another worker may have handled the one before.
        self._refresh = refresh

    # Reading, once at start-up.

    async def get_user_data(self) -> dict[int, UserData]:
        async with self._db.connection.execute(
            "SELECT key, data FROM persisted_data WHERE scope = 'user'"
        ) as cursor:
            return {int(row[0]): json.loads(row[1]) for row in await cursor.fetchall()}

    async def get_chat_data(self) -> dict[int, dict[str, Any]]:
        return {}

    async def get_bot_data(self) -> dict[str, Any]:
        return {}

    async def get_callback_data(self) -> CDCData | None:
        return None

    async def get_conversations(self, name: str) -> ConversationDict:
        async with self._db.connection.execute(
            "SELECT chat_key, state FROM conversation_states WHERE conversation = ?", (name,)
        ) as cursor:
            rows = await cursor.fetchall()
        return {tuple(json.loads(row[0])): json.loads(row[1]) for row in rows}

    # Writing, after each update and at shutdown.

    async def update_conversation(
        self, name: str, key: ConversationKey, new_state: object | None
    ) -> None:
        if not self._db.in_transaction:
            return
        if new_state is None:
            await self._db.write(
                "DELETE FROM conversation_states WHERE conversation = ? AND chat_key = ?",
                (name, json.dumps(list(key))),
            )
            return
        await self._db.write(
            "INSERT INTO conversation_states (conversation, chat_key, state) VALUES (?, ?, ?)"
            " ON CONFLICT (conversation, chat_key) DO UPDATE SET state = excluded.state",
            (name, json.dumps(list(key)), json.dumps(new_state)),
        )

    async def update_user_data(self, user_id: int, data: UserData) -> None:
        if not self._db.in_transaction:
            return
        if not data:
            await self.drop_user_data(user_id)
            return
        await self._db.write(
            "INSERT INTO persisted_data (scope, key, data) VALUES ('user', ?, ?)"
            " ON CONFLICT (scope, key) DO UPDATE SET data = excluded.data",
            (str(user_id), json.dumps(data)),
        )

    async def drop_user_data(self, user_id: int) -> None:
        if not self._db.in_transaction:
            return
        await self._db.write(
            "DELETE FROM persisted_data WHERE scope = 'user' AND key = ?", (str(user_id),)
        )

    async def update_chat_data(self, chat_id: int, data: dict[str, Any]) -> None:
        return None

    async def drop_chat_data(self, chat_id: int) -> None:
        return None

    async def update_bot_data(self, data: dict[str, Any]) -> None:
        return None

    async def update_callback_data(self, data: CDCData) -> None:
        return None

    async def refresh_user_data(self, user_id: int, user_data: UserData) -> None:
        if not self._refresh:
            return None
        async with self._db.connection.execute(
            "SELECT data FROM persisted_data WHERE scope = 'user' AND key = ?", (str(user_id),)
        ) as cursor:
            row = await cursor.fetchone()
        user_data.clear()
        if row is not None:
            user_data.update(json.loads(row[0]))
        return None

    async def refresh_chat_data(self, chat_id: int, chat_data: dict[str, Any]) -> None:
        return None

    async def refresh_bot_data(self, bot_data: dict[str, Any]) -> None:
        return None

    async def flush(self) -> None:
        return None
