"""In Telegram, on-demand transport: "remind me before the deadline to book" (one button
under the services shown for a need; bot/services/transit.py schedules the reminder).

Like every button, it may be pressed late, twice, or after the need is gone."""

from __future__ import annotations

from telegram import Update
from telegram.ext import BaseHandler, CallbackQueryHandler, ContextTypes

from bot.services.transit import Reminder
from handlers import keyboards as kb
from handlers.deps import Deps
from handlers.replies import answer_button, drop_keyboard, send
from handlers.transit_words import TransitWords

Context = ContextTypes.DEFAULT_TYPE


class OnDemandHandlers:
    def __init__(self, deps: Deps) -> None:
        self.deps = deps
        self.t = deps.t
        self.words = TransitWords(deps.t, deps.settings.zone)

    def handlers(self) -> list[BaseHandler[Update, Context, None]]:
        return [CallbackQueryHandler(self.on_remind, pattern=kb.pattern(kb.REMIND))]

    async def on_remind(self, update: Update, context: Context) -> None:
        person = await self.deps.person(update)
        lang = person.language
        pressed = kb.REMIND.read(update.callback_query.data if update.callback_query else None)
        transit = self.deps.transit
        if transit is None or pressed is None or pressed.action != "remind":
            await answer_button(update, self.t(lang, "common.old_button"))
            return
        done = await transit.ask_reminder(person.id, pressed.subject)
        if done.result is Reminder.NOT_YOURS:
            await answer_button(update, self.t(lang, "common.old_button"))
            await drop_keyboard(update)
            return
        await answer_button(update)
        await drop_keyboard(update)
        if done.result is Reminder.SET and done.at is not None:
            when = self.words.moment(lang, done.at)
            await send(update, context, self.t(lang, "flex.reminder_set", when=when))
        else:
            await send(update, context, self.t(lang, "flex.reminder_too_late"))
