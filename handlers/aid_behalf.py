"""/aidepour (/applyfor): an operator applies for an aid for someone who phoned, attaching
photos of their papers. The caller's name and phone, then the questions of /aides, then the
aids that can be applied for here; the rest is the usual application, filled by the operator.
The caller has no Telegram account: every answer reaches them through the team, by phone."""

from __future__ import annotations

import secrets

from pydantic import ValidationError
from telegram import Update
from telegram.ext import CommandHandler, ConversationHandler, MessageHandler

from bot.aids.model import Profile, Situation
from bot.aids.words import parse_age, situation_in
from bot.domain import Caller, Person, PlaceRef
from bot.services.applications import Result
from bot.services.places import MAX_PLACE_TEXT, to_ref
from handlers import aid_keyboards as aid_kb
from handlers.applications import AnyHandler, ApplyConversation, ApplySession
from handlers.conversation import PRIVATE, TEXT, Context, State, text_of
from handlers.deps import Deps
from handlers.notify import Notifier
from handlers.operators import OperatorDirectory
from handlers.replies import answer_button, drop_keyboard, send

NAME, PHONE, AGE, SITUATION, COMMUNE, AID = (
    "caller_name", "caller_phone", "caller_age", "caller_situation", "caller_commune",
    "caller_aid",
)  # fmt: skip


class ApplyForCaller(ApplyConversation):
    name = "apply_for"
    button_steps = frozenset({SITUATION, AID})

    def __init__(self, deps: Deps, notifier: Notifier, directory: OperatorDirectory) -> None:
        super().__init__(deps, notifier)
        self.directory = directory

    def entry_points(self) -> list[AnyHandler]:
        return [CommandHandler(["aidepour", "applyfor"], self.start_for, filters=PRIVATE)]

    def more_states(self) -> dict[object, list[AnyHandler]]:
        return {
            NAME: [MessageHandler(TEXT, self.on_name)],
            PHONE: [MessageHandler(TEXT, self.on_phone)],
            AGE: [MessageHandler(TEXT, self.on_age)],
            SITUATION: [
                self.button("situation", self.on_situation),
                MessageHandler(TEXT, self.on_situation_text),
            ],
            COMMUNE: [MessageHandler(TEXT, self.on_commune), self.button("pick", self.on_pick)],
            AID: [self.button("aid", self.on_aid)],
        }

    async def start_for(self, update: Update, context: Context) -> State:
        user = update.effective_user
        assert user is not None
        operator = await self.deps.person(update)
        lang = operator.language
        if not await self.directory.is_operator(update.get_bot(), user.id):
            await send(update, context, self.t(lang, "operators.only"))
            return ConversationHandler.END
        if await self.busy(update, context, lang):
            return ConversationHandler.END
        session = ApplySession(nonce=secrets.token_hex(3))
        self._save(context, session)
        await send(update, context, self.t(lang, "aids.behalf_intro"))
        await send(update, context, self.t(lang, "behalf.ask_name"))
        return NAME

    async def on_name(self, update: Update, context: Context) -> State:
        loaded = await self._session(update, context)
        if loaded is None:
            return ConversationHandler.END
        operator, session = loaded
        name = " ".join(text_of(update).split())
        if not 2 <= len(name) <= 80:
            await send(update, context, self.t(operator.language, "behalf.name_invalid"))
            return None
        session.caller = {"name": name}
        self._save(context, session)
        await send(update, context, self.t(operator.language, "behalf.ask_phone", name=name))
        return PHONE

    async def on_phone(self, update: Update, context: Context) -> State:
        loaded = await self._session(update, context)
        if loaded is None:
            return ConversationHandler.END
        operator, session = loaded
        lang = operator.language
        try:
            caller = Caller(name=session.caller.get("name", "??"), phone=text_of(update))
        except ValidationError:
            await send(update, context, self.t(lang, "behalf.phone_invalid", text=text_of(update)))
            return None
        session.caller = {**session.caller, "phone": caller.phone}
        self._save(context, session)
        await send(update, context, self.t(lang, "aids.behalf_ask_age", name=caller.name))
        return AGE

    async def on_age(self, update: Update, context: Context) -> State:
        loaded = await self._session(update, context)
        if loaded is None:
            return ConversationHandler.END
        operator, session = loaded
        lang = operator.language
        age = parse_age(text_of(update))
        if age is None:
            await send(update, context, self.t(lang, "aids.age_not_understood"))
            return None
        session.age = age
        self._save(context, session)
        markup = aid_kb.situations(self.t, lang, session.nonce, kind=aid_kb.APPLY)
        await send(update, context, self.t(lang, "aids.ask_situation"), markup)
        return SITUATION

    async def on_situation(self, update: Update, context: Context) -> State:
        pressed = await self._pressed(update, context)
        if pressed is None:
            return None
        operator, session, data = pressed
        if data.part(2) not in {s.value for s in Situation}:
            return None
        await drop_keyboard(update)
        session.situation = data.part(2)
        self._save(context, session)
        await send(update, context, self.t(operator.language, "aids.behalf_ask_commune"))
        return COMMUNE

    async def on_situation_text(self, update: Update, context: Context) -> State:
        loaded = await self._session(update, context)
        if loaded is None:
            return ConversationHandler.END
        operator, session = loaded
        situation = situation_in(text_of(update))
        if situation is None:
            await send(update, context, self.t(operator.language, "common.use_buttons"))
            return None
        session.situation = situation.value
        self._save(context, session)
        label = self.t(operator.language, f"aids.situation.{situation.value}")
        await send(
            update, context, self.t(operator.language, "aids.situation_set", situation=label)
        )
        await send(update, context, self.t(operator.language, "aids.behalf_ask_commune"))
        return COMMUNE

    async def on_commune(self, update: Update, context: Context) -> State:
        loaded = await self._session(update, context)
        if loaded is None:
            return ConversationHandler.END
        operator, session = loaded
        t, lang, typed = self.t, operator.language, text_of(update)
        if len(typed) > MAX_PLACE_TEXT:
            await send(update, context, t(lang, "steps.place_too_long"))
            return None
        resolution = await self.deps.places.resolve(typed)
        if resolution.unique is not None:
            return await self._aids(update, context, operator, session, to_ref(resolution.unique))
        matches = [*resolution.exact, *resolution.suggestions][:6]
        if not matches:
            await send(update, context, t(lang, "steps.place_unknown", text=typed))
            return None
        session.choices = [to_ref(m.place).model_dump() for m in matches]
        self._save(context, session)
        labels = [m.place.label for m in matches]
        markup = aid_kb.commune_choices(t, lang, session.nonce, labels, kind=aid_kb.APPLY)
        await send(update, context, t(lang, "steps.place_suggestions", text=typed), markup)
        return None

    async def on_pick(self, update: Update, context: Context) -> State:
        pressed = await self._pressed(update, context)
        if pressed is None:
            return None
        operator, session, data = pressed
        index = data.number(2)
        if index is None or index >= len(session.choices):
            return None
        await drop_keyboard(update)
        place = PlaceRef.model_validate(session.choices[index])
        return await self._aids(update, context, operator, session, place)

    def _profile(self, session: ApplySession, place: PlaceRef) -> Profile:
        code = place.id.removeprefix("insee:") if place.id.startswith("insee:") else None
        return Profile(
            age=session.age or 0, situation=Situation(session.situation or "other"),
            commune_code=code, commune_name=place.name, department=place.department or None,
        )  # fmt: skip

    async def _aids(
        self, update: Update, context: Context, operator: Person, session: ApplySession,
        place: PlaceRef,
    ) -> State:  # fmt: skip
        """The aids the caller may apply for here (the others: as /aides shows them)."""
        profile = self._profile(session, place)
        found = await self.deps.aids.find(operator, profile)
        here = [(aid.id, aid.title) for aid in found.aids if aid.apply_here]
        t, lang = self.t, operator.language
        elsewhere = [aid.title for aid in found.aids if not aid.apply_here]
        if elsewhere:
            listing = "\n".join(f"• {title}" for title in elsewhere)
            await send(update, context, t(lang, "aids.behalf_elsewhere", aids=listing))
        if not here:
            self._clear(context)
            await send(update, context, t(lang, "aids.behalf_none_here"))
            return ConversationHandler.END
        session.choices = [{"place": place.model_dump()}]
        self._save(context, session)
        await send(
            update, context, t(lang, "aids.behalf_choose", name=session.caller["name"]),
            aid_kb.aids_for_caller(session.nonce, here),
        )  # fmt: skip
        return AID

    async def on_aid(self, update: Update, context: Context) -> State:
        pressed = await self._pressed(update, context)
        if pressed is None:
            return None
        operator, session, data = pressed
        place = PlaceRef.model_validate(session.choices[0]["place"]) if session.choices else None
        if place is None:
            return None
        try:
            caller = Caller(**session.caller)
        except (ValidationError, TypeError):
            self._clear(context)
            return ConversationHandler.END
        filed = await self.deps.applications.file_for(
            operator, caller, data.part(2) or "", self._profile(session, place)
        )
        if filed.result is not Result.DONE or filed.application is None or filed.aid is None:
            await answer_button(update, self.t(operator.language, "aids.apply_unavailable"))
            return None
        await drop_keyboard(update)
        session.application_id, session.aid_id = filed.application.id, filed.aid.id
        session.choices = []
        self._save(context, session)
        text = self.t(operator.language, "aids.apply_intro", title=filed.aid.title)
        await send(update, context, text)
        return await self._next(update, context, operator, session, filed.application, filed.aid, 0)
