"""The question a conversation was waiting on, asked again after a command taken in between
(/start, /aide, /mestrajets, /mesdemandes, /confidentialite) or a language chosen with /langue, so
that nobody is left wondering where they were."""

from __future__ import annotations

from telegram import Update
from telegram.ext import BaseHandler, CallbackQueryHandler, CommandHandler, ContextTypes, filters

from handlers import keyboards as kb
from handlers.talk import TelegramConversations

Context = ContextTypes.DEFAULT_TYPE
ASIDES = [
    "start",
    "aide",
    "help",
    "mestrajets",
    "mytrips",
    "mesdemandes",
    "myrequests",
    "confidentialite",
    "privacy",
]


class PendingQuestions:
    def __init__(self, talk: TelegramConversations) -> None:
        self.talk = talk

    def handlers(self) -> list[BaseHandler[Update, Context, None]]:
        """In a group after the main one: they run once the aside has been answered."""
        return [
            CommandHandler(ASIDES, self.ask_again, filters=filters.ChatType.PRIVATE),
            CallbackQueryHandler(self.ask_again, pattern=kb.pattern(kb.LANGUAGE)),
        ]

    async def ask_again(self, update: Update, context: Context) -> None:
        await self.talk.ask_again(update, context)
