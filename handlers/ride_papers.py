"""Rides with volunteer drivers, on paper (issue 24, item 4): what people do with the papers.

    /recu (/receipt)            a passenger's receipt of their last ride with a volunteer (PDF)
    /dons 2026 (/donations)     the team: the year's donations of expenses, the data for each
                                tax receipt (CSV, into the group)
    🎁 Je le donne à l'association   under a volunteer's monthly statement: the month's
                                allowance given up (asked to confirm: it is for good)

The statements themselves come through the agenda on the first of each month; their notices
are written here (`write_paper`) as files. Deciding is the core's
(bot/services/volunteer_rides.py); composing the files is handlers/ride_pdf.py's."""

from __future__ import annotations

from telegram import InputFile, Update
from telegram.ext import BaseHandler, CallbackQueryHandler, CommandHandler

from bot.domain import Person
from bot.services.volunteer_rides import (
    GiveResult,
    VolunteerRideService,
    month_key,
)
from handlers import keyboards as kb
from handlers.deps import Deps
from handlers.notify import Notifier
from handlers.operators import ALL_WORDS, Context, OperatorHandlers
from handlers.replies import IncompleteUpdate, answer_button, drop_keyboard, send, swap_keyboard
from handlers.ride_paper_notices import GIVE, give_button
from handlers.ride_pdf import euros, month_name, receipt_pdf
from handlers.roles import OperatorDirectory


class RidePaperHandlers(OperatorHandlers):
    def __init__(
        self,
        deps: Deps,
        notifier: Notifier,
        directory: OperatorDirectory,
        papers: VolunteerRideService,
    ) -> None:
        super().__init__(deps, notifier, directory)
        self.papers = papers

    def handlers(self) -> list[BaseHandler[Update, Context, None]]:
        return [
            CommandHandler(["recu", "receipt"], self.receipt),
            CommandHandler(["dons", "donations"], self.donations),
            CallbackQueryHandler(self.on_give, pattern=kb.pattern(GIVE)),
        ]

    async def receipt(self, update: Update, context: Context) -> None:
        """The passenger's receipt of their last ride with a volunteer."""
        person = await self.deps.person(update)
        lang = person.language
        ride = await self.papers.receipt(person)
        if ride is None:
            await send(update, context, self.t(lang, "paper.no_receipt"))
            return
        chat = update.effective_chat
        if chat is None:
            raise IncompleteUpdate("/recu without its chat")
        content = receipt_pdf(self.t, lang, self.deps.settings, ride)
        await context.bot.send_document(
            chat.id,
            InputFile(content, filename=f"recu-{ride.introduction_id}.pdf"),
            caption=self.t(
                lang,
                "paper.receipt_caption",
                date=self.t.date(lang, ride.ride_date),
                amount=euros(lang, ride.participation_cents),
            ),
        )

    async def donations(self, update: Update, context: Context) -> None:
        """The team: the year's donations of expenses (last year unless a year is given)."""
        operator = await self._operator(update)
        if operator is None:
            return
        lang = self._language(update, operator)
        text = update.effective_message.text if update.effective_message else ""
        _, _, typed = (text or "").partition(" ")
        words = typed.split()
        # `/dons 2026 tout`: every territory's volunteers, for whoever runs the deployment
        # (as `/stats tout`); otherwise the team's own, into its own group (issue 22).
        everything = bool(words) and words[-1].lower() in ALL_WORDS
        typed = " ".join(words[:-1] if everything else words)
        today = self.deps.today()
        if typed and not (typed.isascii() and typed.isdigit() and len(typed) == 4):
            await send(update, context, self.t(lang, "paper.donations_usage", text=typed))
            return
        if everything and self.teams.several and not self.teams.is_admin(update):
            await send(update, context, self.t(lang, "territories.all_refused"))
            return
        year = int(typed) if typed else today.year - 1
        team = await self.teams.team(update)
        scope = None if everything else await self.teams.scope(update)
        territory = team.id if team else None
        await self.notifier.write(context, await self.papers.donations_told(year, scope, territory))
        chat = update.effective_chat
        if chat is not None and chat.id != self.deps.team_chat(territory):
            await send(update, context, self.t(lang, "tus.file_sent"))

    async def on_give(self, update: Update, context: Context) -> None:
        """The volunteer gives the month up under their statement; or the team, under the
        copy it printed, for a volunteer without Telegram who said so."""
        pressed = GIVE.read(update.callback_query.data if update.callback_query else None)
        by_team = pressed is not None and pressed.detail is not None
        if by_team:
            operator = await self._operator(update)  # anyone else is refused, politely
            if operator is None:
                return
            lang = self._language(update, operator)
        else:
            lang = (await self.deps.person(update)).language
        if pressed is None or pressed.action not in ("ask", "yes", "no"):
            await answer_button(update, self.t(lang, "common.old_button"))
            return
        detail = pressed.detail
        if detail is not None:
            found = await self.deps.people.get(int(detail)) if kb.is_number(detail) else None
        else:
            found = await self.deps.person(update)
        year, month = divmod(pressed.subject, 100)
        if found is None or not 1 <= month <= 12:
            await answer_button(update, self.t(lang, "common.old_button"))
            return
        if by_team and not await self.teams.may_see_person(update, found.id, lang):
            return  # another territory's volunteer: its team's alone
        giver: Person = found
        statement = await self.papers.statement(giver, year, month)
        if not statement.rides:
            await answer_button(update, self.t(lang, "common.old_button"))
            return
        if statement.given_at is not None:
            await answer_button(update, self.t(lang, "paper.already_given"))
            await drop_keyboard(update)
            return
        for_volunteer = giver.id if by_team else None
        if pressed.action == "no":
            await answer_button(update, self.t(lang, "paper.kept"))
            markup = give_button(self.deps, lang, statement, for_volunteer=for_volunteer)
            if markup is not None:
                await swap_keyboard(update, markup)
            return
        words = {
            "month": month_name(self.t, lang, year, month),
            "amount": euros(lang, statement.allowance_cents),
            "name": giver.display_name,
        }
        if pressed.action == "ask":
            key = "paper.give_confirm_team" if by_team else "paper.give_confirm"
            await answer_button(update, self.t(lang, key, **words))
            rest = [detail] if detail is not None else []
            await swap_keyboard(
                update,
                kb.inline(
                    [
                        (
                            self.t(lang, "paper.button_give_yes"),
                            kb.encode(GIVE, pressed.subject, "yes", *rest),
                        )
                    ],
                    [
                        (
                            self.t(lang, "paper.button_give_no"),
                            kb.encode(GIVE, pressed.subject, "no", *rest),
                        )
                    ],
                ),
            )
            return
        given = await self.papers.give(giver, month_key(year, month))
        if given.result is GiveResult.ALREADY:
            await answer_button(update, self.t(lang, "paper.already_given"))
            await drop_keyboard(update)
            return
        if given.result is not GiveResult.GIVEN:
            await answer_button(update, self.t(lang, "common.old_button"))
            return
        await answer_button(update)
        await drop_keyboard(update)
        if not by_team:
            await send(update, context, self.t(lang, "paper.given", **words))
        await self.notifier.write(context, given.notices)
