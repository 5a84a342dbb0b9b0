"""A territory's own Telegram bot (issue 22, item 1): a newcomer who first writes to a
territory's bot is placed in that territory; what a person is sent goes through the bot they
last wrote to, and a team's group is written to through its territory's bot. BOT_TOKEN's bot
('' here) serves everyone else, as a deployment with one bot always did.

Which bot a message goes through is decided when it is written, in the transaction that
writes it, and kept in its outbox row (`bot`), as a text's number is (bot/services/brand.py):
the deliverer sends what the row says.
"""

from __future__ import annotations

from typing import Protocol

from bot.services.territories import Belonging
from bot.territories import Territories

DEFAULT_BOT = ""  # BOT_TOKEN's


class BotStore(Protocol):
    async def telegram_bot(self, telegram_user_id: int) -> str | None: ...

    async def came_through(self, person_id: int, bot: str) -> None: ...


class Bots:
    def __init__(
        self,
        territories: Territories,
        store: BotStore,
        belonging: Belonging | None,
        default_token: str = "",
    ) -> None:
        self._store = store
        self._belonging = belonging
        # A territory naming BOT_TOKEN has no bot of its own.
        self.tokens = {
            t.id: t.bot_token
            for t in territories.items
            if t.bot_token and t.bot_token != default_token
        }
        self._team_bots = {
            t.team_chat_id: t.id
            for t in territories.items
            if t.team_chat_id is not None and t.id in self.tokens
        }

    @property
    def several(self) -> bool:
        """Some territory has its own bot (without, nothing here is ever asked or noted)."""
        return bool(self.tokens)

    async def wrote(self, person_id: int, telegram_user_id: int, bot: str) -> None:
        """The person wrote to `bot`: what they are sent goes through it from now on; a
        territory's bot places them in its territory unless they already belong somewhere."""
        if not self.several:
            return
        if await self._store.telegram_bot(telegram_user_id) == bot:
            return
        await self._store.came_through(person_id, bot)
        if bot != DEFAULT_BOT and self._belonging is not None:
            await self._belonging.settle(person_id, bot)

    async def for_chat(self, chat_id: int, receiving: str) -> str:
        """The bot a message to `chat_id` goes through: a team's group, its territory's; a
        person, the one they last wrote to; else `receiving`, the bot writing it."""
        if not self.several:
            return DEFAULT_BOT
        if chat_id < 0:
            return self._team_bots.get(chat_id, receiving)
        if chat_id == 0:
            return receiving
        known = await self._store.telegram_bot(chat_id)
        return receiving if known is None else known
