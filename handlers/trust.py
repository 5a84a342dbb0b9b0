"""/signaler (/report): after an introduction or a ride, either person can report the other
to the team (a reason, optional words); the team suspends someone from the report's post,
and lifts it from the next one (bot/services/trust.py decides)."""

from __future__ import annotations

from telegram import Update
from telegram.ext import (
    BaseHandler,
    CallbackQueryHandler,
    CommandHandler,
    ContextTypes,
    ConversationHandler,
    MessageHandler,
    filters,
)

from bot.services.trust import REASONS, TrustAnswer, TrustResult
from handlers import keyboards as kb
from handlers.deps import Deps
from handlers.notify import Notifier
from handlers.operators import OperatorDirectory
from handlers.replies import answer_button, drop_keyboard, mark_answered, send

Context = ContextTypes.DEFAULT_TYPE
TRUST = kb.TRUST
PICK, REASON, WORDS = "report_pick", "report_reason", "report_words"
PRIVATE = filters.ChatType.PRIVATE
TEXT = PRIVATE & filters.TEXT & ~filters.COMMAND
# How many of the latest introductions are offered to report.
SHOWN = 8


class ReportConversation:
    name = "report"

    def __init__(self, deps: Deps, notifier: Notifier) -> None:
        self.deps = deps
        self.t = deps.t
        self.notifier = notifier

    def handler(self) -> ConversationHandler[Context]:
        return ConversationHandler(
            entry_points=[CommandHandler(["signaler", "report"], self.start, filters=PRIVATE)],
            states={
                PICK: [CallbackQueryHandler(self.on_pick, pattern=kb.pattern(TRUST, "rp"))],
                REASON: [CallbackQueryHandler(self.on_reason, pattern=kb.pattern(TRUST, "rr"))],
                WORDS: [
                    MessageHandler(TEXT, self.on_words),
                    CallbackQueryHandler(self.on_skip, pattern=kb.pattern(TRUST, "rw")),
                ],
            },
            fallbacks=[
                CommandHandler(["annuler", "cancel"], self.cancel),
                MessageHandler(PRIVATE & ~filters.COMMAND, self.use_buttons),
            ],
            name=self.name,
            persistent=True,
            allow_reentry=True,
        )

    async def start(self, update: Update, context: Context) -> object:
        person = await self.deps.person(update)
        lang = person.language
        reportable = (await self.deps.trust.reportable(person))[:SHOWN]
        if not reportable:
            await send(update, context, self.t(lang, "privacy.report_nobody"))
            return ConversationHandler.END
        rows = [
            [(self.t(lang, "privacy.button_report_person", name=r.other.short_name,
                     id=r.introduction.need_id),
              kb.encode(TRUST, "rp", r.introduction.id))]
            for r in reportable
        ]  # fmt: skip
        await send(update, context, self.t(lang, "privacy.report_pick"), kb.inline(*rows))
        return PICK

    async def on_pick(self, update: Update, context: Context) -> object:
        person = await self.deps.person(update)
        data = kb.decode(update.callback_query.data if update.callback_query else None)
        introduction_id = data.number(1) if data else None
        if introduction_id is None:
            await answer_button(update, self.t(person.language, "common.old_button"))
            return None
        await answer_button(update)
        await drop_keyboard(update)
        assert context.user_data is not None
        context.user_data[self.name] = {"introduction_id": introduction_id}
        lang = person.language
        rows = [
            [(self.t(lang, f"privacy.reason.{reason}"), kb.encode(TRUST, "rr", reason))]
            for reason in REASONS
        ]
        await send(update, context, self.t(lang, "privacy.report_reason"), kb.inline(*rows))
        return REASON

    async def on_reason(self, update: Update, context: Context) -> object:
        person = await self.deps.person(update)
        data = kb.decode(update.callback_query.data if update.callback_query else None)
        reason = data.part(1) if data else None
        draft = (context.user_data or {}).get(self.name)
        if reason not in REASONS or not draft:
            await answer_button(update, self.t(person.language, "common.old_button"))
            return None
        await answer_button(update)
        await drop_keyboard(update)
        assert context.user_data is not None
        context.user_data[self.name] = {**draft, "reason": reason}
        skip = kb.inline([(self.t(person.language, "privacy.button_no_words"),
                           kb.encode(TRUST, "rw", "skip"))])  # fmt: skip
        await send(update, context, self.t(person.language, "privacy.report_words_ask"), skip)
        return WORDS

    async def on_words(self, update: Update, context: Context) -> object:
        text = update.message.text if update.message else ""
        return await self._submit(update, context, text or "")

    async def on_skip(self, update: Update, context: Context) -> object:
        await answer_button(update)
        await drop_keyboard(update)
        return await self._submit(update, context, "")

    async def _submit(self, update: Update, context: Context, words: str) -> object:
        person = await self.deps.person(update)
        draft = (context.user_data or {}).pop(self.name, None)
        if not draft or "reason" not in draft:
            await send(update, context, self.t(person.language, "privacy.report_lost"))
            return ConversationHandler.END
        reported = await self.deps.trust.report(
            person, int(draft["introduction_id"]), str(draft["reason"]), words
        )
        key = (
            "privacy.report_sent" if reported.result is TrustResult.DONE
            else "privacy.report_lost"
        )  # fmt: skip
        await send(update, context, self.t(person.language, key))
        await self.notifier.write(context, reported.notices)
        return ConversationHandler.END

    async def cancel(self, update: Update, context: Context) -> object:
        person = await self.deps.person(update)
        (context.user_data or {}).pop(self.name, None)
        await send(update, context, self.t(person.language, "privacy.report_cancelled"))
        return ConversationHandler.END

    async def use_buttons(self, update: Update, context: Context) -> object:
        person = await self.deps.person(update)
        await send(update, context, self.t(person.language, "privacy.report_use_buttons"))
        return None


class SuspensionButtons:
    """The team's buttons under a report: suspend the person, or lift it."""

    def __init__(self, deps: Deps, notifier: Notifier, directory: OperatorDirectory) -> None:
        self.deps = deps
        self.t = deps.t
        self.notifier = notifier
        self.directory = directory
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
