"""The question a conversation was waiting on, asked again after a command taken in between
(/start, /aide, /mestrajets, /mesdemandes, /confidentialite) or a language chosen with /langue, so
that nobody is left wondering where they were."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from telegram import Update
from telegram.ext import BaseHandler, CallbackQueryHandler, CommandHandler, ContextTypes, filters

from handlers import keyboards as kb
from handlers.conversation import DraftConversation
from handlers.talk import TelegramConversations

Context = ContextTypes.DEFAULT_TYPE
ASIDES = ["start", "aide", "help", "mestrajets", "mytrips", "mesdemandes", "myrequests",
          "confidentialite", "privacy"]  # fmt: skip


class PendingQuestions:
    def __init__(
        self, talk: TelegramConversations, conversations: Sequence[DraftConversation[Any]]
    ) -> None:
        self.talk = talk
        self.conversations = conversations

    def handlers(self) -> list[BaseHandler[Update, Context, None]]:
        """In a group after the main one: they run once the aside has been answered."""
        return [
            CommandHandler(ASIDES, self.ask_again, filters=filters.ChatType.PRIVATE),
            CallbackQueryHandler(self.ask_again, pattern=kb.pattern(kb.LANGUAGE)),
        ]

    async def ask_again(self, update: Update, context: Context) -> None:
        if await self.talk.ask_again(update, context):
            return
        for conversation in self.conversations:
            if await conversation.ask_again(update, context):
                return
