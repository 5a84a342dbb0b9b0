"""What the conversations still written on python-telegram-bot share (/aides, /aidepour,
/signaler, a funder's review): the filters they answer, and how they and Mobilot's own
conversations (bot/conversations, handlers/talk.py) know that another one is open."""

from __future__ import annotations

from telegram import Update
from telegram.ext import ContextTypes, filters

from bot.domain import Person
from handlers.deps import Deps

Context = ContextTypes.DEFAULT_TYPE
# What a step returns: the name of the next step, None to stay at this one, or
# ConversationHandler.END (an int) to finish.
State = str | int | None

# The conversations whose draft is in the user's data (python-telegram-bot's persistence).
CONVERSATION_NAMES = frozenset({"aids", "apply"})
CONVERSATION_COMMANDS = [
    "proposer", "offer", "chercher", "find", "demande", "request", "conducteur", "driver",
    "aides", "aids", "aidepour", "applyfor",
]  # fmt: skip
PRIVATE = filters.ChatType.PRIVATE
TEXT = PRIVATE & filters.TEXT & ~filters.COMMAND


async def open_elsewhere(deps: Deps, context: Context, person: Person, me: str) -> str | None:
    """The conversation other than `me` that the person has open, if any: one written on
    python-telegram-bot (its draft in the chat data) or one of the engine's
    (bot/conversations)."""
    for other in CONVERSATION_NAMES - {me}:
        if context.user_data and other in context.user_data:
            return other
    current = await deps.conversations.current(person)
    return current.flow if current is not None and current.flow != me else None


def text_of(update: Update) -> str:
    return (update.message.text if update.message else None) or ""
