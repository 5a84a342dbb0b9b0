"""In Telegram, the partner platforms' side: a driver answers a partner's passenger (and may
call it off later), and a passenger agrees to show a need to other platforms (one button
after the need is posted).

Like the introductions' buttons, these may be pressed late, twice, or by someone else.
"""

from __future__ import annotations

from telegram import Update
from telegram.ext import BaseHandler, CallbackQueryHandler, ContextTypes

from bot.domain import Missing, Person
from bot.interop.served import DriverAnswer, PartnerApi, Shared
from handlers import keyboards as kb
from handlers.deps import Deps
from handlers.replies import (
    IncompleteUpdate,
    answer_button,
    drop_keyboard,
    mark_answered,
    send,
    swap_keyboard,
)

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
        pressed = kb.BOOKING.read(update.callback_query.data if update.callback_query else None)
        number = pressed.subject if pressed else None
        choice = pressed.action if pressed else None
        api = self.deps.partner_api
        if api is None or number is None:
            choice = None
        if choice in ("yes", "no"):
            await self._answer(update, context, driver, api, number, choice == "yes")
        elif choice in ("off", "keep"):
            await self._withdraw_buttons(update, driver, api, number, choice)
        elif choice == "off_yes":
            await self._withdraw(update, context, driver, api, number)
        else:
            await answer_button(update, self.t(driver.language, "common.old_button"))

    async def _answer(
        self,
        update: Update,
        context: Context,
        driver: Person,
        api: PartnerApi | None,
        number: int | None,
        accept: bool,
    ) -> None:
        if api is None or number is None:
            raise IncompleteUpdate("a partner's button without its partner or booking")
        lang = driver.language
        answered = await api.answer(driver, number, accept=accept)
        if answered.result is DriverAnswer.NOT_YOURS:
            await answer_button(update, self.t(lang, "intro.not_yours"))
            return
        if answered.result is DriverAnswer.TOO_LATE:
            await answer_button(update, self.t(lang, "intro.no_longer"))
            await drop_keyboard(update)
            return
        if answered.booking is None:
            raise Missing(f"booking {number} is gone")
        await answer_button(update)
        name, platform = answered.booking.passenger_alias, answered.platform
        if answered.result is DriverAnswer.FULL:
            await mark_answered(update, self.t(lang, "seats.booking_full_state"))
            text = self.t(lang, "seats.booking_full_driver", passenger=name, platform=platform)
            await send(update, context, text)
            return
        await mark_answered(update, self.t(lang, f"intro.state_{answered.result.value}"))
        if answered.result is DriverAnswer.ACCEPTED:
            text = self.t(
                lang, "interop.booking_accepted_driver", passenger=name, platform=platform
            )
            await send(update, context, text, kb.booking_withdraw(self.t, lang, number))
        else:
            text = self.t(
                lang, "interop.booking_declined_driver", passenger=name, platform=platform
            )
            await send(update, context, text)

    async def _withdraw_buttons(
        self,
        update: Update,
        driver: Person,
        api: PartnerApi | None,
        number: int | None,
        choice: str,
    ) -> None:
        """ "I can no longer" asks to confirm; "I do take them" goes back."""
        if api is None or number is None:
            raise IncompleteUpdate("a partner's button without its partner or booking")
        lang = driver.language
        booking = await api.booking_of(driver, number)
        if booking is None:
            await answer_button(update, self.t(lang, "intro.no_longer"))
            await drop_keyboard(update)
            return
        await answer_button(update)
        markup = (
            kb.booking_confirm_withdraw(self.t, lang, number, booking.passenger_alias)
            if choice == "off"
            else kb.booking_withdraw(self.t, lang, number)
        )
        await swap_keyboard(update, markup)

    async def _withdraw(
        self,
        update: Update,
        context: Context,
        driver: Person,
        api: PartnerApi | None,
        number: int | None,
    ) -> None:
        if api is None or number is None:
            raise IncompleteUpdate("a partner's button without its partner or booking")
        lang = driver.language
        withdrawn = await api.withdraw(driver, number)
        if withdrawn.result is DriverAnswer.NOT_YOURS:
            await answer_button(update, self.t(lang, "intro.not_yours"))
            return
        await answer_button(update)
        await drop_keyboard(update)
        if withdrawn.result is DriverAnswer.TOO_LATE or withdrawn.booking is None:
            await send(update, context, self.t(lang, "intro.no_longer"))
            return
        text = self.t(
            lang,
            "interop.booking_withdrawn_driver",
            passenger=withdrawn.booking.passenger_alias,
            platform=withdrawn.platform,
        )
        await send(update, context, text)

    async def on_share(self, update: Update, context: Context) -> None:
        person = await self.deps.person(update)
        lang = person.language
        pressed = kb.SHARE.read(update.callback_query.data if update.callback_query else None)
        need_id = pressed.need if pressed else None
        api = self.deps.partner_api
        if api is None or need_id is None:
            await answer_button(update, self.t(lang, "common.old_button"))
        elif pressed is not None and pressed.off == "off":
            await self._unshare(update, context, person, api, need_id)
        else:
            await self._share(update, context, person, api, need_id)

    async def _share(
        self, update: Update, context: Context, person: Person, api: PartnerApi, need_id: int
    ) -> None:
        lang = person.language
        shared = await api.share_need(person, need_id)
        await answer_button(update)
        await drop_keyboard(update)
        if shared is Shared.NOT_FOUND:
            await send(update, context, self.t(lang, "interop.share_closed"))
        else:
            markup = kb.unshare_need(self.t, lang, need_id)
            await send(update, context, self.t(lang, "interop.shared"), markup)

    async def _unshare(
        self, update: Update, context: Context, person: Person, api: PartnerApi, need_id: int
    ) -> None:
        lang = person.language
        hidden = await api.unshare_need(person, need_id)
        await answer_button(update)
        await drop_keyboard(update)
        if hidden is Shared.NOT_FOUND:
            await send(update, context, self.t(lang, "common.old_button"))
        else:
            await send(update, context, self.t(lang, "interop.unshared"))
