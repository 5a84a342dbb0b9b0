"""/demande (/request): an operator registers, for someone who phoned the team, a need. The
questions are those of /chercher, after the caller's name and phone; the caller has no
Telegram account and is reached by phone, through the team. (/conducteur is the engine's:
bot/conversations/offer.py.)
"""

from __future__ import annotations

from pydantic import ValidationError
from telegram import Update
from telegram.ext import ConversationHandler, MessageHandler

from bot.domain import Caller, InvalidInput, NeedDraft, Person
from bot.phones import show_phone
from handlers import keyboards as kb
from handlers.conversation import (
    ORIGIN,
    TEXT,
    Context,
    D,
    DraftConversation,
    Handlers,
    Session,
    State,
    text_of,
    yes_no_words,
)
from handlers.deps import Deps
from handlers.find import FindConversation, FindSession
from handlers.notify import Notifier
from handlers.operators import OperatorDirectory
from handlers.privacy import AGREED, ask_caller_agreed
from handlers.replies import drop_keyboard, send
from i18n import Voiced

NAME, PHONE_NUMBER, SHOWS_PHONE = "caller_name", "caller_phone", "caller_shows_phone"
# The questions that speak of "la personne" rather than "vous" (i18n.Voiced), by conversation.
SPOKEN_FOR_THE_CALLER = {
    "behalf_need": (
        "behalf_need.date_in_past", "behalf_need.ask_mode", "behalf_need.ask_time_leave_after",
        "behalf_need.ask_time_arrive_before", "behalf_need.ask_special", "behalf_need.summary",
        "behalf_need.same_place", "behalf_need.before_or_after",
    ),
    "behalf_driver": (
        "behalf_driver.ask_days", "behalf_driver.ask_time", "behalf_driver.departure_after_return",
        "behalf_driver.ask_return", "behalf_driver.return_before_departure",
        "behalf_driver.ask_seats", "behalf_driver.summary", "behalf_driver.same_place",
        "behalf_driver.ask_how_often", "behalf_driver.date_in_past",
        "behalf_driver.departure_passed",
    ),
}  # fmt: skip
CALLER_STEPS = {
    NAME: PHONE_NUMBER, PHONE_NUMBER: SHOWS_PHONE, SHOWS_PHONE: AGREED, AGREED: ORIGIN,
}  # fmt: skip


class OnBehalf(DraftConversation[D]):
    """The caller's steps and the operator check, mixed into a conversation (placed before
    it among the bases: `class NeedOnBehalf(OnBehalf[NeedDraft], FindConversation)`)."""

    directory: OperatorDirectory

    def speak_for_the_caller(self) -> None:
        """Every question of the conversation speaks of the caller, never "vous"."""
        self.t = Voiced(self.deps.t, self.name)

    async def start(self, update: Update, context: Context) -> State:
        user = update.effective_user
        assert user is not None
        if not await self.directory.is_operator(update.get_bot(), user.id):
            person = await self.deps.people.find_by_telegram_id(user.id)
            lang = person.language if person else self.deps.settings.default_language
            await send(update, context, self.deps.t(lang, "operators.only"))
            return ConversationHandler.END
        return await super().start(update, context)

    async def begin(
        self, update: Update, context: Context, person: Person, session: Session[D]
    ) -> State:
        await send(update, context, self.deps.t(person.language, f"{self.name}.intro"))
        return await self.ask(update, context, person, session, NAME)

    def more_states(self) -> dict[str, Handlers]:
        return {
            NAME: [MessageHandler(TEXT, self.on_name)],
            PHONE_NUMBER: [MessageHandler(TEXT, self.on_phone_number)],
            SHOWS_PHONE: [
                self.button("shows", self.on_shows_phone),
                self.words(SHOWS_PHONE, yes_no_words("shows"), self.on_shows_phone),
            ],
            AGREED: [
                self.button("agreed", self.on_agreed),
                self.words(AGREED, yes_no_words("agreed"), self.on_agreed),
            ],
        }

    async def ask_caller(
        self, update: Update, context: Context, person: Person, session: Session[D], step: str
    ) -> None:
        t, lang = self.deps.t, person.language
        if step == NAME:
            await send(update, context, t(lang, "behalf.ask_name"))
        elif step == AGREED:
            await ask_caller_agreed(update, context, t, lang, self.kind, session)
        elif step == PHONE_NUMBER:
            await send(update, context, t(lang, "behalf.ask_phone", name=session.caller["name"]))
        else:
            question = t(
                lang, "behalf.ask_phone_visible", phone=show_phone(session.caller["phone"])
            )
            markup = kb.yes_no(t, lang, self.kind, session.nonce, "shows")
            await send(update, context, question, markup)

    async def on_name(self, update: Update, context: Context) -> State:
        loaded = await self.session(update, context)
        if loaded is None:
            return ConversationHandler.END
        person, session = loaded
        name = " ".join(text_of(update).split())
        if not 2 <= len(name) <= 80:
            await send(update, context, self.deps.t(person.language, "behalf.name_invalid"))
            return None
        session.caller = {**session.caller, "name": name}
        return await self.advance(update, context, person, session, NAME)

    async def on_phone_number(self, update: Update, context: Context) -> State:
        loaded = await self.session(update, context)
        if loaded is None:
            return ConversationHandler.END
        person, session = loaded
        try:
            caller = Caller(name=session.caller.get("name", "??"), phone=text_of(update))
        except ValidationError:
            text = self.deps.t(person.language, "behalf.phone_invalid", text=text_of(update))
            await send(update, context, text)
            return None
        session.caller = {**session.caller, "phone": caller.phone}
        return await self.advance(update, context, person, session, PHONE_NUMBER)

    async def on_shows_phone(self, update: Update, context: Context) -> State:
        pressed = await self.pressed(update, context)
        if pressed is None:
            return None
        person, session, data = pressed
        await drop_keyboard(update)
        session.caller = {**session.caller, "phone_visible": data.part(2) == "yes"}
        return await self.advance(update, context, person, session, SHOWS_PHONE)

    async def on_agreed(self, update: Update, context: Context) -> State:
        pressed = await self.pressed(update, context)
        if pressed is None:
            return None
        person, session, data = pressed
        await drop_keyboard(update)
        if data.part(2) != "yes":
            self.clear(context)
            await send(update, context, self.deps.t(person.language, "privacy.caller_refused"))
            return ConversationHandler.END
        session.caller = {**session.caller, "agreed": True}
        return await self.advance(update, context, person, session, AGREED)

    def caller_of(self, session: Session[D]) -> Caller:
        return Caller(**session.caller)

    def caller_line(self, lang: str, session: Session[D]) -> str:
        caller = self.caller_of(session)
        key = "behalf.caller_shown" if caller.phone_visible else "behalf.caller_hidden"
        return self.deps.t(lang, key, name=caller.name, phone=show_phone(caller.phone))


class NeedOnBehalf(OnBehalf[NeedDraft], FindConversation):
    name = "behalf_need"
    commands = ["demande", "request"]
    words_start = False  # an operator's words are about someone else: no search for them
    next_step = {**CALLER_STEPS, **FindConversation.next_step}
    chained_steps = frozenset({NAME, PHONE_NUMBER, *FindConversation.chained_steps})

    def __init__(self, deps: Deps, notifier: Notifier, directory: OperatorDirectory) -> None:
        super().__init__(deps, notifier)
        self.directory = directory
        self.speak_for_the_caller()

    async def ask(
        self, update: Update, context: Context, person: Person, session: FindSession, step: str
    ) -> State:
        if step in CALLER_STEPS:
            await self.ask_caller(update, context, person, session, step)
            return step
        if step == "summary":
            await send(update, context, self.caller_line(person.language, session))
        return await super().ask(update, context, person, session, step)

    async def on_confirm(self, update: Update, context: Context) -> State:
        pressed = await self.pressed(update, context)
        if pressed is None:
            return None
        operator, session, _ = pressed
        try:
            self.change(session, today=self.deps.today())
            new_need = session.draft.complete()
        except InvalidInput as problem:
            return await self.ask_missing(update, context, operator, session, problem)
        await drop_keyboard(update)
        self.clear(context)
        followed = await self.deps.operators.register_need(
            operator, self.caller_of(session), new_need
        )
        assert followed.need is not None and followed.passenger is not None
        await self.notifier.write(context, followed.notices)
        await self.notifier.operator_candidates(
            context, update.effective_chat.id if update.effective_chat else 0,
            followed.need, followed.candidates, operator.language,
        )  # fmt: skip
        return ConversationHandler.END
