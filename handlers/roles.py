"""Who is in the team: membership of the operators' group (and of a funder's), asked to
Telegram and kept a few minutes so a busy group does not call it at every press. Every
adapter that lets only the team act asks here (its own module, so that the team's views and
the privacy commands can ask without importing the operators' handlers)."""

from __future__ import annotations

import asyncio
import logging
import time as clock

from telegram import Bot, Update
from telegram.constants import ChatMemberStatus
from telegram.error import BadRequest, NetworkError, RetryAfter, TelegramError

from bot import outside
from bot.territories import Territories, Territory
from handlers.deliverer import flood_wait

log = logging.getLogger(__name__)

# A membership check is tried this many times; a flood wait longer than this is not waited.
CHECK_ATTEMPTS = 3
LONGEST_CHECK_WAIT = 5.0

MEMBER_STATUSES = {
    ChatMemberStatus.OWNER,
    ChatMemberStatus.ADMINISTRATOR,
    ChatMemberStatus.MEMBER,
    ChatMemberStatus.RESTRICTED,
}


class OperatorDirectory:
    """Who belongs to the operators' group, asked to Telegram and cached for `ttl` seconds.

    Telegram is asked outside the update's transaction (bot/outside.py): the update is
    handled again once the answer is known. Only Telegram's answers are cached. A check that
    fails (a flood limit, a network error) is tried again a few times, then gives up for this
    update only: the person is told that we could not check who they are and to try again
    in a minute (not the apology); a real operator is never locked out for the cache's
    lifetime.

    Each worker keeps its own cache (bot/workers.py), and that is harmless: it only saves
    asking Telegram, whose answer is the truth; each worker is as late as one process would
    be (`ttl`) to see someone join or leave the group, and asks at most once per `ttl`.
    """

    def __init__(
        self,
        chat_id: int | None,
        ttl: float = 300.0,
        territories: Territories | None = None,
        asking: dict[int, Bot] | None = None,
    ) -> None:
        self.chat_id = chat_id
        self.ttl = ttl
        # The group of a territory with its own bot is asked through that bot (the one in it).
        self.asking = asking if asking is not None else {}
        self._cache: dict[tuple[int, int], tuple[bool, float]] = {}
        # Several territories (issue 22): each team its group; an operator is a member of one.
        self.territories = territories if territories is not None and territories.several else None
        chats = self.territories.team_chats if self.territories is not None else ()
        self.team_chats: tuple[int, ...] = chats or ((chat_id,) if chat_id is not None else ())

    async def is_operator(self, bot: Bot, user_id: int) -> bool:
        """A member of a team's group (of any territory's)."""
        for chat_id in self.team_chats:
            if await self.is_member(bot, chat_id, user_id):
                return True
        return False

    async def team_of(self, update: Update) -> Territory | None:
        """The territory the operator behind `update` acts for: in a team's group, that
        group's (if they belong to it); in private, the first team whose group they are in.
        None with a single territory, or for someone in no team."""
        user = update.effective_user
        if self.territories is None or user is None:
            return None
        chat = update.effective_chat
        here = self.territories.of_chat(chat.id if chat is not None else None)
        teams = [here] if here is not None else list(self.territories.items)
        for territory in teams:
            chat_id = territory.team_chat_id
            if chat_id is not None and await self.is_member(update.get_bot(), chat_id, user.id):
                return territory
        return None

    async def is_member(self, bot: Bot, chat_id: int, user_id: int) -> bool:
        """Whether the user belongs to that group (the operators', or a funder's)."""
        cached = self._cache.get((chat_id, user_id))
        if cached is not None and cached[1] > clock.monotonic():
            return cached[0]
        bot = self.asking.get(chat_id, bot)
        return await outside.ask(
            outside.MEMBERSHIP, (chat_id, user_id), lambda: self._check(bot, chat_id, user_id)
        )

    async def _check(self, bot: Bot, chat_id: int, user_id: int) -> bool:
        """Telegram's answer, with retries: outside any transaction, this may wait."""
        for attempt in range(CHECK_ATTEMPTS):
            try:
                member = await bot.get_chat_member(chat_id, user_id)
            except RetryAfter as error:
                wait = flood_wait(error).total_seconds()
                if wait > LONGEST_CHECK_WAIT or attempt == CHECK_ATTEMPTS - 1:
                    raise
                await asyncio.sleep(wait)
            except BadRequest as error:
                if "not found" not in str(error).lower():
                    raise
                answer = False  # Telegram knows no such member: not one of the team
                break
            except (NetworkError, TelegramError) as error:
                log.warning("cannot check whether %s is an operator: %s", user_id, error)
                if attempt == CHECK_ATTEMPTS - 1:
                    raise
                await asyncio.sleep(0.2 * (attempt + 1))
            else:
                answer = member.status in MEMBER_STATUSES
                break
        self._cache[(chat_id, user_id)] = (answer, clock.monotonic() + self.ttl)
        return answer

    def in_group(self, update: Update) -> bool:
        """Pressed or typed in the operators' group itself."""
        chat = update.effective_chat
        return chat is not None and chat.id in self.team_chats

    async def operator_in_group(self, update: Update) -> bool:
        """An operator acting in the group, e.g. for someone who has no Telegram (a member
        of that very group: of its territory's team)."""
        user = update.effective_user
        chat = update.effective_chat
        if user is None or chat is None or not self.in_group(update):
            return False
        if self.territories is not None:
            return await self.is_member(update.get_bot(), chat.id, user.id)
        return await self.is_operator(update.get_bot(), user.id)
