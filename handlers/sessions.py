"""A conversation's draft kept in the person's chat data, read back at each step, and a
button press checked against it: a stale or forged press gets "old button", never a step."""

from __future__ import annotations

from typing import Generic, TypeVar

from pydantic import BaseModel, ValidationError
from telegram import Update

from bot.domain import Person
from handlers import keyboards as kb
from handlers.conversation import Context
from handlers.deps import Deps
from handlers.replies import answer_button, send


class NoncedSession(BaseModel):
    """A draft whose buttons carry its nonce, so that an old keyboard cannot act on it."""

    nonce: str


S = TypeVar("S", bound=NoncedSession)


class SessionSteps(Generic[S]):
    """For a conversation class: `name` keys its draft in the chat data, `session_model`
    reads it, `lost_key` is what a person hears when the draft is gone."""

    deps: Deps
    name: str
    session_model: type[S]
    lost_key = "aids.lost"

    def _load(self, context: Context) -> S | None:
        data = (context.user_data or {}).get(self.name)
        if not data:
            return None
        try:
            return self.session_model.model_validate(data)
        except ValidationError:
            return None

    async def _session(self, update: Update, context: Context) -> tuple[Person, S] | None:
        person = await self.deps.person(update)
        session = self._load(context)
        if session is None:
            await send(update, context, self.deps.t(person.language, self.lost_key))
            return None
        return person, session

    async def _pressed(
        self, update: Update, context: Context
    ) -> tuple[Person, S, kb.Callback] | None:
        query = update.callback_query
        assert query is not None
        person = await self.deps.person(update)
        session = self._load(context)
        data = kb.decode(query.data)
        if session is None or data is None or data.part(0) != session.nonce:
            await answer_button(update, self.deps.t(person.language, "common.old_button"))
            return None
        await query.answer()
        return person, session, data
