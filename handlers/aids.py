"""/aides (/aids): a few questions (age, situation, commune), then the aids the person may
be entitled to, most local first, each with how to apply. The answers are kept for next
time only if the person says so; applying in the bot is handlers/applications.py."""

from __future__ import annotations

import re
import secrets
from typing import Any

from telegram import Update
from telegram.ext import (
    BaseHandler,
    CallbackQueryHandler,
    CommandHandler,
    ConversationHandler,
    MessageHandler,
    filters,
)

from bot.aids.model import MAX_AGE, Profile, Situation
from bot.aids.words import benefits_in, situation_in
from bot.domain import Person, PlaceRef
from bot.services.aids import Found
from bot.services.places import MAX_PLACE_TEXT, to_ref
from handlers import aid_keyboards as aid_kb
from handlers import keyboards as kb
from handlers.aid_words import aid_block
from handlers.conversation import PRIVATE, TEXT, Context, State, open_elsewhere, text_of
from handlers.deps import Deps
from handlers.replies import answer_button, drop_keyboard, not_text_reason, send
from handlers.sessions import NoncedSession, SessionSteps

AGE, SITUATION, BENEFITS, COMMUNE = "age", "situation", "benefits", "commune"
# The answer to "RSA or AAH? RQTH?": (rsa_or_aah, rqth), None where not said.
BENEFIT_ANSWERS: dict[str, tuple[bool | None, bool | None]] = {
    "rsa": (True, False), "rqth": (False, True), "both": (True, True), "none": (False, False),
    "unsaid": (None, None),
}  # fmt: skip
NAME = "aids"
# What the person answered, while they may still apply (a conversation's working memory,
# not the answers kept for next time: those need their consent).
PROFILE = "aids_profile"
_NUMBER = re.compile(r"\d{1,3}")


class AidsSession(NoncedSession):
    age: int | None = None
    situation: Situation | None = None
    benefits: str | None = None
    known: PlaceRef | None = None
    choices: list[PlaceRef] = []


def profile_in(context: Context) -> Profile | None:
    data = (context.user_data or {}).get(PROFILE)
    if not data:
        return None
    try:
        return Profile(
            age=int(data["age"]),
            situation=Situation(data["situation"]),
            commune_code=data.get("commune_code"),
            commune_name=data.get("commune_name"),
            department=data.get("department"),
            rsa_or_aah=data.get("rsa_or_aah"),
            rqth=data.get("rqth"),
        )
    except (KeyError, ValueError, TypeError):
        return None


def remember(context: Context, profile: Profile) -> None:
    assert context.user_data is not None
    context.user_data[PROFILE] = {
        "age": profile.age,
        "situation": profile.situation.value,
        "commune_code": profile.commune_code,
        "commune_name": profile.commune_name,
        "department": profile.department,
        "rsa_or_aah": profile.rsa_or_aah,
        "rqth": profile.rqth,
    }


def parse_age(text: str) -> int | None:
    match = _NUMBER.search(text)
    if match is None or len(text) > 40:
        return None
    age = int(match[0])
    return age if 1 <= age <= MAX_AGE else None


class AidsConversation(SessionSteps[AidsSession]):
    name = NAME
    session_model = AidsSession

    def __init__(self, deps: Deps) -> None:
        self.deps = deps
        self.t = deps.t

    def handler(self) -> ConversationHandler[Context]:
        def button(action: str, callback: Any) -> BaseHandler[Any, Any, Any]:
            return CallbackQueryHandler(
                callback, pattern=kb.pattern(aid_kb.AIDS, "[0-9a-f]+", action)
            )

        states: dict[object, list[BaseHandler[Any, Any, Any]]] = {
            AGE: [MessageHandler(TEXT, self.on_age)],
            SITUATION: [
                button("situation", self.on_situation),
                MessageHandler(TEXT, self.on_situation_text),
            ],
            BENEFITS: [
                button("benefits", self.on_benefits),
                MessageHandler(TEXT, self.on_benefits_text),
            ],
            COMMUNE: [
                MessageHandler(TEXT, self.on_commune_text),
                MessageHandler(PRIVATE & filters.LOCATION, self.on_commune_location),
                button("pick", self.on_pick),
                button("known", self.on_known),
            ],
        }
        for step, handlers in states.items():
            handlers.append(MessageHandler(PRIVATE & ~filters.COMMAND, self._unexpected(str(step))))
            handlers.append(CallbackQueryHandler(self._stale, pattern=f"^{aid_kb.AIDS}:"))
        return ConversationHandler(
            entry_points=[
                CommandHandler(["aides", "aids"], self.start, filters=PRIVATE),
                CallbackQueryHandler(self.start, pattern=kb.pattern(kb.START, "aids")),
                CallbackQueryHandler(self.start_again, pattern=kb.pattern(kb.START, "aids_again")),
            ],
            states=states,
            fallbacks=[CommandHandler(["annuler", "cancel"], self.cancel)],
            name=NAME,
            persistent=True,
            allow_reentry=True,
        )

    def handlers(self) -> list[BaseHandler[Update, Context, None]]:
        return [CallbackQueryHandler(self.on_keep, pattern=kb.pattern(aid_kb.KEEP))]

    # Entry.

    async def start(self, update: Update, context: Context) -> State:
        return await self._start(update, context, ask_again=False)

    async def start_again(self, update: Update, context: Context) -> State:
        return await self._start(update, context, ask_again=True)

    async def _start(self, update: Update, context: Context, *, ask_again: bool) -> State:
        if update.callback_query:
            await answer_button(update)
        person = await self.deps.person(update)
        lang = person.language
        other = await open_elsewhere(self.deps, context, person, NAME)
        if other is not None:
            await send(update, context, self.t(lang, f"{other}.busy"))
            return ConversationHandler.END
        known = await self.deps.aids.start(person, ask_again=ask_again)
        if known.found is not None:
            await self.show(update, context, person, known.found, kept=True)
            return ConversationHandler.END
        session = AidsSession(nonce=secrets.token_hex(3), known=known.place)
        self._save(context, session)
        await send(update, context, self.t(lang, "aids.intro"))
        return await self._ask(update, context, person, session, AGE)

    async def cancel(self, update: Update, context: Context) -> State:
        person = await self.deps.person(update)
        self._clear(context)
        await send(update, context, self.t(person.language, "aids.cancelled"))
        return ConversationHandler.END

    # The questions.

    async def _ask(
        self, update: Update, context: Context, person: Person, session: AidsSession, step: str
    ) -> State:
        t, lang = self.t, person.language
        if step == AGE:
            await send(update, context, t(lang, "aids.ask_age"))
        elif step == SITUATION:
            await send(
                update, context, t(lang, "aids.ask_situation"),
                aid_kb.situations(t, lang, session.nonce),
            )  # fmt: skip
        elif step == BENEFITS:
            await send(
                update, context, t(lang, "aids.ask_benefits"),
                aid_kb.benefits(t, lang, session.nonce),
            )  # fmt: skip
        else:
            markup = (
                aid_kb.known_commune(t, lang, session.nonce, session.known.name)
                if session.known else kb.share_location(t, lang)
            )  # fmt: skip
            await send(update, context, t(lang, "aids.ask_commune"), markup)
        return step

    async def on_age(self, update: Update, context: Context) -> State:
        loaded = await self._session(update, context)
        if loaded is None:
            return ConversationHandler.END
        person, session = loaded
        age = parse_age(text_of(update))
        if age is None:
            await send(update, context, self.t(person.language, "aids.age_not_understood"))
            return None
        session.age = age
        self._save(context, session)
        return await self._ask(update, context, person, session, SITUATION)

    async def on_situation(self, update: Update, context: Context) -> State:
        pressed = await self._pressed(update, context)
        if pressed is None:
            return None
        person, session, data = pressed
        try:
            situation = Situation(data.part(2) or "")
        except ValueError:
            return await self._ask(update, context, person, session, SITUATION)
        await drop_keyboard(update)
        return await self._situation(update, context, person, session, situation)

    async def on_situation_text(self, update: Update, context: Context) -> State:
        """ "je cherche du travail", "retraitée": the words for a button."""
        loaded = await self._session(update, context)
        if loaded is None:
            return ConversationHandler.END
        person, session = loaded
        situation = situation_in(text_of(update))
        if situation is None:
            await send(update, context, self.t(person.language, "common.use_buttons"))
            return await self._ask(update, context, person, session, SITUATION)
        return await self._situation(update, context, person, session, situation)

    async def _situation(
        self, update: Update, context: Context, person: Person, session: AidsSession,
        situation: Situation,
    ) -> State:  # fmt: skip
        session.situation = situation
        label = self.t(person.language, f"aids.situation.{situation.value}")
        await send(update, context, self.t(person.language, "aids.situation_set", situation=label))
        self._save(context, session)
        return await self._ask(update, context, person, session, BENEFITS)

    async def on_benefits(self, update: Update, context: Context) -> State:
        pressed = await self._pressed(update, context)
        if pressed is None:
            return None
        person, session, data = pressed
        if data.part(2) not in BENEFIT_ANSWERS:
            return await self._ask(update, context, person, session, BENEFITS)
        await drop_keyboard(update)
        session.benefits = data.part(2)
        self._save(context, session)
        return await self._ask(update, context, person, session, COMMUNE)

    async def on_benefits_text(self, update: Update, context: Context) -> State:
        loaded = await self._session(update, context)
        if loaded is None:
            return ConversationHandler.END
        person, session = loaded
        answer = benefits_in(text_of(update))
        if answer is None:
            await send(update, context, self.t(person.language, "common.use_buttons"))
            return await self._ask(update, context, person, session, BENEFITS)
        session.benefits = answer
        self._save(context, session)
        label = self.t(person.language, f"aids.benefit.{answer}")
        await send(update, context, self.t(person.language, "aids.benefits_set", answer=label))
        return await self._ask(update, context, person, session, COMMUNE)

    async def on_commune_text(self, update: Update, context: Context) -> State:
        loaded = await self._session(update, context)
        if loaded is None:
            return ConversationHandler.END
        person, session = loaded
        t, lang, typed = self.t, person.language, text_of(update)
        if len(typed) > MAX_PLACE_TEXT:
            await send(update, context, t(lang, "steps.place_too_long"))
            return None
        resolution = await self.deps.places.resolve(typed)
        if resolution.unique is not None:
            return await self._finish(update, context, person, session, to_ref(resolution.unique))
        territory = set(self.deps.settings.territory_departments)
        matches = sorted(
            [*resolution.exact, *resolution.suggestions],
            key=lambda m: (m.place.department not in territory, not m.exact),
        )[:6]
        if not matches:
            await send(update, context, t(lang, "steps.place_unknown", text=typed))
            return None
        session.choices = [to_ref(m.place) for m in matches]
        self._save(context, session)
        labels = [m.place.label for m in matches]
        await send(
            update, context, t(lang, "steps.place_suggestions", text=typed),
            aid_kb.commune_choices(t, lang, session.nonce, labels),
        )  # fmt: skip
        return None

    async def on_commune_location(self, update: Update, context: Context) -> State:
        loaded = await self._session(update, context)
        if loaded is None:
            return ConversationHandler.END
        person, session = loaded
        assert update.message and update.message.location
        location = update.message.location
        place = self.deps.places.from_location(location.latitude, location.longitude)
        if place is None:
            await send(update, context, self.t(person.language, "steps.location_far"))
            return None
        return await self._finish(update, context, person, session, place)

    async def on_pick(self, update: Update, context: Context) -> State:
        pressed = await self._pressed(update, context)
        if pressed is None:
            return None
        person, session, data = pressed
        index = data.number(2)
        if index is None or index >= len(session.choices):
            return await self._ask(update, context, person, session, COMMUNE)
        await drop_keyboard(update)
        return await self._finish(update, context, person, session, session.choices[index])

    async def on_known(self, update: Update, context: Context) -> State:
        pressed = await self._pressed(update, context)
        if pressed is None:
            return None
        person, session, _ = pressed
        if session.known is None:
            return await self._ask(update, context, person, session, COMMUNE)
        await drop_keyboard(update)
        return await self._finish(update, context, person, session, session.known)

    async def _finish(
        self, update: Update, context: Context, person: Person, session: AidsSession,
        place: PlaceRef,
    ) -> State:  # fmt: skip
        if session.age is None or session.situation is None:
            return await self._ask(update, context, person, session, AGE)
        code = place.id.removeprefix("insee:") if place.id.startswith("insee:") else None
        rsa_or_aah, rqth = BENEFIT_ANSWERS.get(session.benefits or "unsaid", (None, None))
        profile = Profile(
            age=session.age, situation=session.situation, commune_code=code,
            commune_name=place.name, department=place.department or None,
            rsa_or_aah=rsa_or_aah, rqth=rqth,
        )  # fmt: skip
        self._clear(context)
        found = await self.deps.aids.find(person, profile)
        await self.show(update, context, person, found, kept=False)
        return ConversationHandler.END

    # The results.

    async def show(
        self, update: Update, context: Context, person: Person, found: Found, *, kept: bool
    ) -> None:
        t, lang = self.t, person.language
        remember(context, found.profile)
        place = found.profile.commune_name or t(lang, "aids.not_said")
        if not found.aids:
            await send(update, context, t(lang, "aids.none", commune=place))
        else:
            header = t(lang, "aids.found", count=len(found.aids), commune=place)
            await send(update, context, header)
            for aid in found.aids:
                markup = aid_kb.apply_here(t, lang, aid.id) if aid.apply_here else None
                await send(update, context, aid_block(t, lang, aid), markup)
        if kept:
            await send(update, context, t(lang, "aids.from_kept"), aid_kb.change_answers(t, lang))
        else:
            await send(update, context, t(lang, "aids.ask_keep"), aid_kb.keep_answers(t, lang))

    async def on_keep(self, update: Update, context: Context) -> None:
        person = await self.deps.person(update)
        lang = person.language
        data = kb.decode(update.callback_query.data if update.callback_query else None)
        profile = profile_in(context)
        choice = data.part(0) if data else None
        if profile is None or choice not in ("yes", "no"):
            await answer_button(update, self.t(lang, "common.old_button"))
            return
        await answer_button(update)
        await drop_keyboard(update)
        if choice == "yes":
            await self.deps.aids.keep(person, profile)
            await send(update, context, self.t(lang, "aids.kept"))
        else:
            await send(update, context, self.t(lang, "aids.not_kept"))

    # Anything else.

    def _unexpected(self, step: str) -> Any:
        async def handle(update: Update, context: Context) -> State:
            loaded = await self._session(update, context)
            if loaded is None:
                return ConversationHandler.END
            person, session = loaded
            message = update.effective_message
            if message is not None and message.text and step in (SITUATION, BENEFITS):
                reason = "common.use_buttons"
            elif step == COMMUNE:
                reason = "steps.place_text_or_location"
            else:
                reason = not_text_reason(update)
            await send(update, context, self.t(person.language, reason))
            return await self._ask(update, context, person, session, step)

        return handle

    async def _stale(self, update: Update, context: Context) -> State:
        person = await self.deps.person(update)
        await answer_button(update, self.t(person.language, "common.old_button"))
        return None

    # Plumbing.

    def _save(self, context: Context, session: AidsSession) -> None:
        assert context.user_data is not None
        context.user_data[NAME] = session.model_dump(mode="json")

    def _clear(self, context: Context) -> None:
        if context.user_data is not None:
            context.user_data.pop(NAME, None)
