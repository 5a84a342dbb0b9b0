"""The team's buttons under a report (/signaler is a conversation of bot/conversations/report.py):
the team suspends someone from the report's post, and lifts it from the next one
(bot/services/trust.py decides)."""

from __future__ import annotations

from telegram import Update
from telegram.ext import BaseHandler, CallbackQueryHandler, ContextTypes

from bot.services.trust import TrustAnswer, TrustResult
from handlers import keyboards as kb
from handlers.deps import Deps
from handlers.notify import Notifier
from handlers.replies import answer_button, mark_answered
from handlers.roles import OperatorDirectory
from handlers.teams import Teams

Context = ContextTypes.DEFAULT_TYPE
# The kind of the team's buttons under a report. Buttons of /signaler made before it moved
# to bot/conversations ("ts:rp:…", "ts:rr:…", "ts:rw:…") match nothing here: they get the
# "old button" answer of the last handlers (handlers/common.py).
TRUST = kb.TRUST


class SuspensionButtons:
    """The team's buttons under a report: suspend the person, or lift it."""

    def __init__(self, deps: Deps, notifier: Notifier, directory: OperatorDirectory) -> None:
        self.deps = deps
        self.t = deps.t
        self.notifier = notifier
        self.directory = directory
        self.teams = Teams(deps, directory)
        self.lang = deps.settings.default_language

    def handlers(self) -> list[BaseHandler[Update, Context, None]]:
        return [CallbackQueryHandler(self.on_button, pattern=kb.pattern(TRUST, "(suspend|lift)"))]

    async def on_button(self, update: Update, context: Context) -> None:
        user = update.effective_user
        data = kb.decode(update.callback_query.data if update.callback_query else None)
        person_id = data.number(1) if data else None
        if user is None or data is None or person_id is None:
            await answer_button(update, self.t(self.lang, "common.old_button"))
            return
        if not await self.directory.is_operator(update.get_bot(), user.id):
            await answer_button(update, self.t(self.lang, "operators.only"))
            return
        if not await self.teams.may_see_person(update, person_id, self.lang):
            return  # another territory's person: its team's alone
        if data.part(0) == "suspend":
            await self._suspend(update, context, person_id)
        else:
            await self._lift(update, context, person_id)

    async def _suspend(self, update: Update, context: Context, person_id: int) -> None:
        operator = await self.deps.person(update)
        await self._answered(update, context, await self.deps.trust.suspend(operator, person_id))

    async def _lift(self, update: Update, context: Context, person_id: int) -> None:
        operator = await self.deps.person(update)
        await self._answered(update, context, await self.deps.trust.lift(operator, person_id))

    async def _answered(self, update: Update, context: Context, answer: TrustAnswer) -> None:
        if answer.result is not TrustResult.DONE:
            await answer_button(update, self.t(self.lang, f"privacy.trust_{answer.result.value}"))
            return
        await answer_button(update)
        await mark_answered(update, self.t(self.lang, "privacy.trust_done"))
        await self.notifier.write(context, answer.notices)
