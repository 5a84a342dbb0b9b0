"""The team's side of members' rides with volunteers (issue 24, items 6 and 4), in the
operators' group or in private:

    /reassigner 5 12 (/reassign 5 12)   request n° 5 given to volunteer n° 12: the one who had
                                        it is told, the passenger too, the new one is asked

Deciding who is told is the core's (bot/services/introductions.py `reassign`); only members
of the team may use it (handlers/roles.py)."""

from __future__ import annotations

from telegram import Update
from telegram.ext import BaseHandler, CommandHandler

from bot.services.introductions import ReassignResult
from handlers.operators import Context, OperatorHandlers
from handlers.replies import send

REASSIGNED = {
    ReassignResult.NOT_FOUND: "members.reassign_not_found",
    ReassignResult.NOT_VOLUNTEER: "members.reassign_not_volunteer",
    ReassignResult.UNAVAILABLE: "members.reassign_unavailable",
    ReassignResult.ASKED: "members.reassign_asked",
}


class MemberHandlers(OperatorHandlers):
    def handlers(self) -> list[BaseHandler[Update, Context, None]]:
        return [CommandHandler(["reassigner", "reassign"], self.reassign)]

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
        done = await self.deps.introductions.reassign(operator, need_id, volunteer_id)
        name = done.volunteer.display_name if done.volunteer else ""
        said = self.t(lang, REASSIGNED[done.result], need=need_id, id=volunteer_id, name=name)
        await send(update, context, said)
        await self.notifier.write(context, done.notices)
