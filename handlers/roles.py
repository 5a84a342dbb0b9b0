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

    def __init__(self, chat_id: int | None, ttl: float = 300.0) -> None:
        self.chat_id = chat_id
        self.ttl = ttl
        self._cache: dict[tuple[int, int], tuple[bool, float]] = {}

    async def is_operator(self, bot: Bot, user_id: int) -> bool:
        if self.chat_id is None:
            return False
        return await self.is_member(bot, self.chat_id, user_id)

    async def is_member(self, bot: Bot, chat_id: int, user_id: int) -> bool:
        """Whether the user belongs to that group (the operators', or a funder's)."""
        cached = self._cache.get((chat_id, user_id))
        if cached is not None and cached[1] > clock.monotonic():
            return cached[0]
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
        return chat is not None and self.chat_id is not None and chat.id == self.chat_id

    async def operator_in_group(self, update: Update) -> bool:
        """An operator acting in the group, e.g. for someone who has no Telegram."""
        user = update.effective_user
        if user is None or not self.in_group(update):
            return False
        return await self.is_operator(update.get_bot(), user.id)
