"""In Telegram, the partner platforms' side: a driver answers a partner's passenger, and a
passenger agrees to show a need to other platforms (one button after the need is posted).

Like the introductions' buttons, these may be pressed late, twice, or by someone else.
"""

from __future__ import annotations

from telegram import Update
from telegram.ext import BaseHandler, CallbackQueryHandler, ContextTypes

from bot.interop.served import DriverAnswer, Shared
from handlers import keyboards as kb
from handlers.deps import Deps
from handlers.replies import answer_button, drop_keyboard, mark_answered, send

Context = ContextTypes.DEFAULT_TYPE


class InteropHandlers:
    def __init__(self, deps: Deps) -> None:
        self.deps = deps
        self.t = deps.t

    def handlers(self) -> list[BaseHandler[Update, Context, None]]:
        return [
            CallbackQueryHandler(self.on_booking, pattern=kb.pattern(kb.BOOKING)),
            CallbackQueryHandler(self.on_share, pattern=kb.pattern(kb.SHARE)),
        ]

    async def on_booking(self, update: Update, context: Context) -> None:
        driver = await self.deps.person(update)
        lang = driver.language
        data = kb.decode(update.callback_query.data if update.callback_query else None)
        number = data.number(0) if data else None
        choice = data.part(1) if data else None
        api = self.deps.partner_api
        if api is None or number is None or choice not in ("yes", "no"):
            await answer_button(update, self.t(lang, "common.old_button"))
            return
        answered = await api.answer(driver, number, accept=choice == "yes")
        if answered.result is DriverAnswer.NOT_YOURS:
            await answer_button(update, self.t(lang, "intro.not_yours"))
        elif answered.result is DriverAnswer.TOO_LATE:
            await answer_button(update, self.t(lang, "intro.no_longer"))
            await drop_keyboard(update)
        else:
            assert answered.booking is not None
            await answer_button(update)
            await mark_answered(update, self.t(lang, f"intro.state_{answered.result.value}"))
            accepted = answered.result is DriverAnswer.ACCEPTED
            key = (
                "interop.booking_accepted_driver" if accepted else "interop.booking_declined_driver"
            )
            text = self.t(
                lang, key, passenger=answered.booking.passenger_alias, platform=answered.platform
            )
            await send(update, context, text)

    async def on_share(self, update: Update, context: Context) -> None:
        person = await self.deps.person(update)
        lang = person.language
        data = kb.decode(update.callback_query.data if update.callback_query else None)
        need_id = data.number(0) if data else None
        api = self.deps.partner_api
        if api is None or need_id is None:
            await answer_button(update, self.t(lang, "common.old_button"))
            return
        shared = await api.share_need(person, need_id)
        await answer_button(update)
        await drop_keyboard(update)
        if shared is Shared.NOT_FOUND:
            await send(update, context, self.t(lang, "interop.share_closed"))
        else:
            await send(update, context, self.t(lang, "interop.shared"))
