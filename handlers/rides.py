"""Accepted rides: a driver who can no longer go, and whether the ride happened.

The buttons come with the evening-before reminder and the day-after question, so they are
pressed late, twice, or by someone else; each case gets an answer.
"""

from __future__ import annotations

from telegram import Update
from telegram.ext import BaseHandler, CallbackQueryHandler, ContextTypes

from bot.domain import IntroductionStatus, Missing, NeedStatus, RideOutcome
from bot.services.introductions import AnswerResult
from bot.services.rides import OutcomeResult
from handlers import keyboards as kb
from handlers import render
from handlers.deps import Deps
from handlers.notify import Notifier
from handlers.replies import answer_button, drop_keyboard, mark_answered, send, swap_keyboard
from handlers.roles import OperatorDirectory
from handlers.teams import Teams
from i18n import Html

Context = ContextTypes.DEFAULT_TYPE


class RideHandlers:
    def __init__(self, deps: Deps, notifier: Notifier, directory: OperatorDirectory) -> None:
        self.deps = deps
        self.t = deps.t
        self.notifier = notifier
        self.directory = directory
        self.teams = Teams(deps, directory)

    def handlers(self) -> list[BaseHandler[Update, Context, None]]:
        # Before the introductions' own handler, which takes every other "in:" button.
        return [
            CallbackQueryHandler(self.on_withdraw, pattern=r"^in:\d+:(withdraw|stay)(:|$)"),
            CallbackQueryHandler(self.on_outcome, pattern=kb.pattern(kb.RIDE)),
        ]

    # The driver can no longer take the passenger.

    async def on_withdraw(self, update: Update, context: Context) -> None:
        pressed = kb.INTRO.read(update.callback_query.data if update.callback_query else None)
        introduction_id = pressed.subject if pressed else None
        action, confirm = (pressed.action, pressed.detail) if pressed else (None, None)
        if introduction_id is not None and action != "stay" and confirm == "yes":
            await self._withdraw(update, context, introduction_id)
        else:
            await self._withdraw_buttons(update, introduction_id, action)

    async def _withdraw_buttons(
        self, update: Update, introduction_id: int | None, action: str | None
    ) -> None:
        """ "I can no longer" asks to confirm; "I still can" puts the reminder's button back."""
        driver = await self.deps.person(update)
        lang = driver.language
        if introduction_id is None:
            await answer_button(update, self.t(lang, "common.old_button"))
            return
        state, ride = await self.deps.rides.withdrawable(driver, introduction_id)
        if state == "not_found" or ride is None:
            await answer_button(update, self.t(lang, "common.old_button"))
        elif state == "not_yours":
            await answer_button(update, self.t(lang, "intro.not_yours"))
        elif state == "no_longer":
            await answer_button(update, self.t(lang, "intro.no_longer"))
            await drop_keyboard(update)
        elif action == "stay":
            name = ride.passenger.display_name
            await answer_button(update, self.t(lang, "rides.kept", name=name))
            await swap_keyboard(update, kb.ride_reminder_driver(self.t, lang, introduction_id))
        else:
            name = ride.passenger.display_name
            await answer_button(update)
            await swap_keyboard(update, kb.confirm_withdraw(self.t, lang, introduction_id, name))

    async def _withdraw(self, update: Update, context: Context, introduction_id: int) -> None:
        driver = await self.deps.person(update)
        lang = driver.language
        answer = await self.deps.introductions.withdraw(driver, introduction_id)
        if answer.result is AnswerResult.NOT_FOUND:
            await answer_button(update, self.t(lang, "common.old_button"))
            return
        if answer.result is AnswerResult.NOT_YOURS:
            await answer_button(update, self.t(lang, "intro.not_yours"))
            return
        if answer.result is not AnswerResult.DECLINED or answer.passenger is None:
            # Pressed twice: the driver already called it off (the passenger did not).
            withdrawn = (
                answer.introduction is not None
                and answer.introduction.status is IntroductionStatus.CANCELLED
                and answer.need is not None
                and answer.need.status is not NeedStatus.CANCELLED
            )
            key = "rides.already_withdrawn" if withdrawn else "intro.no_longer"
            await answer_button(update, self.t(lang, key))
            await drop_keyboard(update)
            return
        await answer_button(update)
        name = answer.passenger.display_name
        await mark_answered(update, self.t(lang, "rides.withdrawn_driver", name=name))
        await self.notifier.write(context, answer.notices)

    # The day after: did the ride happen?

    async def on_outcome(self, update: Update, context: Context) -> None:
        person = await self.deps.person(update)
        pressed = kb.RIDE.read(update.callback_query.data if update.callback_query else None)
        introduction_id, choice = (pressed.subject, pressed.action) if pressed else (None, None)
        in_group = self.directory.in_group(update)
        lang = self.deps.settings.default_language if in_group else person.language
        if introduction_id is None or choice not in kb.RIDE_OUTCOMES:
            await answer_button(update, self.t(lang, "common.old_button"))
            return
        outcome = RideOutcome(choice)
        as_operator = await self.directory.operator_in_group(update)
        if in_group and not as_operator:
            await answer_button(update, self.t(lang, "operators.only"))
            return
        if as_operator and not await self.teams.may_see_introduction(update, introduction_id, lang):
            return  # another territory's ride: its team's alone
        recorded = await self.deps.rides.record_outcome(
            person, introduction_id, outcome, as_operator=as_operator
        )
        if recorded.result is OutcomeResult.NOT_FOUND:
            await answer_button(update, self.t(lang, "common.old_button"))
            return
        if recorded.result is OutcomeResult.NOT_YOURS:
            await answer_button(update, self.t(lang, "outcome.not_yours"))
            return
        if recorded.result is OutcomeResult.ALREADY:
            await answer_button(update, self.t(lang, "outcome.already"))
            return
        ride = recorded.ride
        if ride is None:
            raise Missing("a recorded outcome without its ride")
        await answer_button(update)
        await mark_answered(update, self.t(lang, f"outcome.answer_{choice}"))
        if not as_operator:
            await send(update, context, self.t(lang, f"outcome.thanks_{choice}"))
            if recorded.paper is not None:  # a ride with a volunteer: its receipt
                await send(update, context, self.t(lang, "paper.receipt_hint"))
        if outcome is RideOutcome.NO_SHOW:
            team = self.deps.settings.default_language
            await self.notifier.to_operators(
                context,
                self.t(
                    team,
                    "operators.no_show",
                    id=ride.need.id,
                    passenger=ride.passenger.display_name,
                    driver=ride.driver.display_name,
                    date=self.t.date(team, ride.ride_date),
                    contact=Html(render.reach(self.t, team, ride.driver) or "—"),
                ),
                territory=ride.need.territory,  # the passenger's team
            )
