"""People's conversations in progress (bot/conversations), one row a person."""

from __future__ import annotations

import logging

from pydantic import ValidationError

from bot.clock import Clock
from bot.conversations.model import ConversationState
from storage.db import Database

log = logging.getLogger(__name__)


class SqlConversations:
    def __init__(self, database: Database, clock: Clock) -> None:
        self._db = database
        self._clock = clock

    async def get(self, person_id: int) -> ConversationState | None:
        async with self._db.connection.execute(
            "SELECT state FROM conversations WHERE person_id = ?", (person_id,)
        ) as cursor:
            row = await cursor.fetchone()
        if row is None:
            return None
        try:
            return ConversationState.model_validate_json(row[0])
        except ValidationError:  # written by a version that no longer reads the same
            log.warning("the conversation of person %s cannot be read; dropped", person_id)
            return None

    async def put(self, person_id: int, state: ConversationState) -> None:
        await self._db.write(
            "INSERT INTO conversations (person_id, flow, step, state, updated_at)"
            " VALUES (?, ?, ?, ?, ?) ON CONFLICT (person_id) DO UPDATE SET flow = excluded.flow,"
            " step = excluded.step, state = excluded.state, updated_at = excluded.updated_at",
            (
                person_id,
                state.flow,
                state.step,
                state.model_dump_json(),
                self._clock.now().isoformat(),
            ),
        )

    async def drop(self, person_id: int) -> None:
        await self._db.write("DELETE FROM conversations WHERE person_id = ?", (person_id,))
