"""The team's side of members' rides with volunteers (issue 24, items 6 and 4), in the
operators' group or in private:

    /carte 12 (/card 12)                person n° 12's card to print (PDF): the association's
                                        number to call or text, its hours, their next rides

    /reassigner 5 12 (/reassign 5 12)   request n° 5 given to volunteer n° 12: the one who had
                                        it is told, the passenger too, the new one is asked

Deciding who is told is the core's (bot/services/introductions.py `reassign`); only members
of the team may use it (handlers/roles.py)."""

from __future__ import annotations

from telegram import InputFile, Update
from telegram.ext import BaseHandler, CommandHandler

from bot.services.coordinator import CoordinatorService
from bot.services.introductions import ReassignResult
from handlers.deps import Deps
from handlers.notify import Notifier
from handlers.operators import Context, OperatorHandlers
from handlers.replies import send
from handlers.ride_pdf import member_card_pdf
from handlers.roles import OperatorDirectory

REASSIGNED = {
    ReassignResult.NOT_FOUND: "members.reassign_not_found",
    ReassignResult.NOT_VOLUNTEER: "members.reassign_not_volunteer",
    ReassignResult.UNAVAILABLE: "members.reassign_unavailable",
    ReassignResult.ASKED: "members.reassign_asked",
}


class MemberHandlers(OperatorHandlers):
    def __init__(
        self,
        deps: Deps,
        notifier: Notifier,
        directory: OperatorDirectory,
        coordinator: CoordinatorService | None,
    ) -> None:
        super().__init__(deps, notifier, directory)
        self.coordinator = coordinator

    def handlers(self) -> list[BaseHandler[Update, Context, None]]:
        return [
            CommandHandler(["reassigner", "reassign"], self.reassign),
            CommandHandler(["carte", "card"], self.card),
        ]

    async def card(self, update: Update, context: Context) -> None:
        operator = await self._operator(update)
        if operator is None:
            return
        lang = self._language(update, operator)
        words = [word.lstrip("#") for word in (context.args or [])]
        if len(words) != 1 or not words[0].isdigit():
            await send(update, context, self.t(lang, "members.card_usage"))
            return
        person = await self.deps.people.get(int(words[0]))
        if person is None or person.forgotten_at is not None:
            await send(update, context, self.t(lang, "members.card_unknown", id=words[0]))
            return
        if not await self.teams.may_see_person(update, person.id, lang):
            return  # another territory's member: its team's alone
        rides = await self.coordinator.next_rides(person.id) if self.coordinator else []
        card_lang = person.language  # printed in the member's own language
        content = member_card_pdf(
            self.t, card_lang, self.deps.settings, person.display_name, rides, self.deps.today()
        )
        chat = update.effective_chat
        if chat is None:
            return
        await context.bot.send_document(
            chat.id,
            InputFile(content, filename=f"carte-{person.id}.pdf"),
            caption=self.t(lang, "members.card_caption", name=person.display_name),
        )

    async def reassign(self, update: Update, context: Context) -> None:
        operator = await self._operator(update)
        if operator is None:
            return
        lang = self._language(update, operator)
        numbers = [word.lstrip("#") for word in (context.args or [])]
        if len(numbers) != 2 or not all(number.isdigit() for number in numbers):
            await send(update, context, self.t(lang, "members.reassign_usage"))
            return
        need_id, volunteer_id = int(numbers[0]), int(numbers[1])
        if not await self.teams.may_see_need(update, need_id, lang):
            return  # another territory's need: its team's alone
        done = await self.deps.introductions.reassign(operator, need_id, volunteer_id)
        name = done.volunteer.display_name if done.volunteer else ""
        said = self.t(lang, REASSIGNED[done.result], need=need_id, id=volunteer_id, name=name)
        await send(update, context, said)
        await self.notifier.write(context, done.notices)
