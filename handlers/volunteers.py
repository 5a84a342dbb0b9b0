"""The team's side of volunteer drivers (issue 24, item 2), in the operators' group:

    /benevoles (/volunteers)        the volunteers, their availability and file
    /fiche 12 (/file 12)            one volunteer's file, with the button to check it
    /fiche 12 permis oui assurance 31/12/2027 places 3 fauteuil non deambulateur oui animaux non
                                    the file written (English: licence, insurance, seats,
                                    wheelchair, frame, pets); it must then be checked

"✅ Fiche vérifiée" records the file checked today by the member who pressed it. Only members of
the team may do any of this (handlers/roles.py OperatorDirectory), and only the team sees a
file. Reading the words and deciding is the core's (bot/services/volunteers.py)."""

from __future__ import annotations

from telegram import InlineKeyboardMarkup, Update
from telegram.ext import BaseHandler, CallbackQueryHandler, CommandHandler

from bot.services.volunteers import (
    FileAnswer,
    FileProblem,
    FileResult,
    Volunteer,
    VolunteerService,
    read_file_command,
)
from handlers import keyboards as kb
from handlers.deps import Deps
from handlers.notify import Notifier
from handlers.operators import Context, OperatorHandlers
from handlers.replies import answer_button, edit, send
from handlers.roles import OperatorDirectory
from handlers.volunteer_words import availability_line, file_text

FILE = kb.ButtonKind("vf", kb.SubjectAction, "the team checks a volunteer driver's file")
PROBLEMS = {
    FileProblem.NUMBER: "volunteers.file_usage",
    FileProblem.DATE: "volunteers.file_bad_date",
    FileProblem.MISSING: "volunteers.file_missing",
    FileProblem.WORD: "volunteers.file_bad_word",
    FileProblem.SEATS: "qa.file_bad_seats",
}


class VolunteerHandlers(OperatorHandlers):
    def __init__(
        self,
        deps: Deps,
        notifier: Notifier,
        directory: OperatorDirectory,
        volunteers: VolunteerService,
    ) -> None:
        super().__init__(deps, notifier, directory)
        self.volunteers = volunteers

    def handlers(self) -> list[BaseHandler[Update, Context, None]]:
        return [
            CommandHandler(["benevoles", "volunteers"], self.listing),
            CommandHandler(["fiche", "file"], self.file),
            CallbackQueryHandler(self.on_check, pattern=kb.pattern(FILE)),
        ]

    async def listing(self, update: Update, context: Context) -> None:
        operator = await self._operator(update)
        if operator is None:
            return
        lang = self._language(update, operator)
        scope = await self.teams.scope(update)  # the team's own volunteers
        listed = [
            item
            for item in await self.volunteers.listing()
            if scope is None or item.person.territory is None or scope.holds(item.person.territory)
        ]
        if not listed:
            await send(update, context, self.t(lang, "volunteers.none"))
            return
        today = self.deps.today()
        lines = [self.t.plural(lang, "volunteers.list_header", len(listed), count=len(listed))]
        for item in listed:
            volunteer = item.volunteer
            state = (
                "volunteers.state_ok"
                if volunteer.may_drive_on(today)
                else "volunteers.state_expired"
                if volunteer.file is not None and volunteer.file.insurance_until < today
                else "volunteers.state_unchecked"
            )
            lines.append(
                self.t(
                    lang,
                    "volunteers.list_item",
                    id=volunteer.person_id,
                    name=item.person.display_name,
                    state=self.t(lang, state),
                    availability=availability_line(self.t, lang, volunteer),
                )
            )
        await send(update, context, "\n\n".join(lines))

    async def file(self, update: Update, context: Context) -> None:
        operator = await self._operator(update)
        if operator is None:
            return
        lang = self._language(update, operator)
        text = update.effective_message.text if update.effective_message else ""
        _, _, typed = (text or "").partition(" ")
        command = read_file_command(typed)
        if command.problem is not None or command.person_id is None:
            problem = command.problem or FileProblem.NUMBER
            await send(update, context, self.t(lang, PROBLEMS[problem], word=command.word))
            return
        if not await self.teams.may_see_person(update, command.person_id, lang):
            return  # another territory's volunteer: its team's alone
        if command.file is not None:
            answer = await self.volunteers.write_file(command.person_id, command.file)
        else:
            volunteer = await self.volunteers.get(command.person_id)
            person = await self.deps.people.get(command.person_id) if volunteer else None
            answer = FileAnswer(
                FileResult.SAVED if volunteer and person else FileResult.UNKNOWN, volunteer, person
            )
        if answer.result is FileResult.INCOMPLETE:  # a first file: the licence and insurance
            await send(update, context, self.t(lang, PROBLEMS[FileProblem.MISSING]))
            return
        if answer.result is FileResult.UNKNOWN or answer.volunteer is None:
            await send(update, context, self.t(lang, "volunteers.unknown", id=command.person_id))
            return
        name = answer.person.display_name if answer.person else "?"
        said = self.t(lang, "volunteers.file_saved") + "\n\n" if command.file is not None else ""
        await send(
            update,
            context,
            said + file_text(self.t, lang, answer.volunteer, name),
            self._check_button(lang, answer.volunteer),
        )

    async def on_check(self, update: Update, context: Context) -> None:
        operator = await self._operator(update)  # anyone else is refused, politely
        if operator is None:
            return
        lang = self._language(update, operator)
        pressed = FILE.read(update.callback_query.data if update.callback_query else None)
        if pressed is None:
            await answer_button(update, self.t(lang, "common.old_button"))
            return
        if not await self.teams.may_see_person(update, pressed.subject, lang):
            return
        answer = await self.volunteers.check(pressed.subject, operator)
        if answer.result is FileResult.NO_FILE:
            await answer_button(update, self.t(lang, "volunteers.check_no_file"))
            return
        if answer.result is not FileResult.CHECKED or answer.volunteer is None:
            await answer_button(update, self.t(lang, "common.old_button"))
            return
        await answer_button(update, self.t(lang, _checked_key(answer.volunteer)))
        name = answer.person.display_name if answer.person else "?"
        await edit(update, file_text(self.t, lang, answer.volunteer, name))

    def _check_button(self, lang: str, volunteer: Volunteer) -> InlineKeyboardMarkup | None:
        if volunteer.file is None:
            return None
        return kb.inline(
            [
                (
                    self.t(lang, "volunteers.button_check"),
                    kb.encode(FILE, volunteer.person_id, "check"),
                )
            ]
        )


def _checked_key(volunteer: Volunteer) -> str:
    """What the team is told once a file is checked: whether the volunteer may now be offered
    (the licence seen, the insurance still running today, the day it was checked)."""
    file, today = volunteer.file, volunteer.checked_on
    if file is None or today is None or volunteer.may_drive_on(today):
        return "volunteers.checked"
    return "qa.checked_no_licence" if not file.licence_seen else "qa.checked_insurance_over"
