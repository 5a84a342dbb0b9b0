"""/proposer (/offer): a driver registers a regular trip, one question at a time.

The draft lives in `user_data["offer"]` (persisted in SQLite with the conversation state),
so a restart resumes at the same question with every answer kept. Each step accepts what a
person may send: the expected answer moves on; anything else gets a clear message and the
same question again.
"""

from __future__ import annotations

import secrets
from collections.abc import Awaitable, Callable
from typing import Any

from pydantic import BaseModel, ValidationError
from telegram import Message, ReplyKeyboardRemove, Update
from telegram.ext import (
    BaseHandler,
    CallbackQueryHandler,
    CommandHandler,
    ContextTypes,
    ConversationHandler,
    MessageHandler,
    filters,
)

from bot.dateparse import parse_weekdays
from bot.domain import (
    MAX_NOTE_LENGTH,
    MAX_SEATS,
    WORKING_DAYS,
    InvalidInput,
    Person,
    PlaceRef,
    TripDraft,
    Weekday,
)
from bot.services.places import MAX_PLACE_TEXT, to_ref
from bot.timeparse import parse_time
from handlers import keyboards as kb
from handlers import render
from handlers.deps import Deps
from handlers.replies import answer_button, not_text_reason, send
from i18n import Html

Context = ContextTypes.DEFAULT_TYPE
State = str | None

CONSENT, ORIGIN, DESTINATION, DAYS, TIME, RETURN, SEATS, NOTE = (
    "consent", "origin", "destination", "days", "time", "return", "seats", "note",
)  # fmt: skip
CONTACT, PHONE, PHONE_VISIBLE, SUMMARY = "contact", "phone", "phone_visible", "summary"
# The order of the questions; after a correction from the summary, back to the summary.
NEXT = {
    ORIGIN: DESTINATION,
    DESTINATION: DAYS,
    DAYS: TIME,
    TIME: RETURN,
    RETURN: SEATS,
    SEATS: NOTE,
    NOTE: CONTACT,
    CONTACT: SUMMARY,
    PHONE: PHONE_VISIBLE,
    PHONE_VISIBLE: SUMMARY,
}
# Steps answered with buttons only (text there gets "please use the buttons").
BUTTON_STEPS = {CONSENT, CONTACT, PHONE_VISIBLE, SUMMARY}
NONCE = "[0-9a-f]+"
SESSION_KEY = "offer"


class OfferSession(BaseModel):
    nonce: str
    draft: TripDraft = TripDraft()
    choices: list[PlaceRef] = []
    editing: bool = False


def load_session(context: Context) -> OfferSession | None:
    data = (context.user_data or {}).get(SESSION_KEY)
    if not data:
        return None
    try:
        return OfferSession.model_validate(data)
    except ValidationError:
        return None


def save_session(context: Context, session: OfferSession) -> None:
    assert context.user_data is not None
    context.user_data[SESSION_KEY] = session.model_dump(mode="json")


def clear_session(context: Context) -> None:
    if context.user_data is not None:
        context.user_data.pop(SESSION_KEY, None)


Callback = Callable[[Update, Context], Awaitable[State]]


class OfferConversation:
    name = "offer"

    def __init__(self, deps: Deps) -> None:
        self.deps = deps
        self.t = deps.t

    # Assembly.

    def handler(self) -> ConversationHandler[Context]:
        private = filters.ChatType.PRIVATE
        text = private & filters.TEXT & ~filters.COMMAND

        def button(action: str, callback: Callback) -> BaseHandler[Update, Context, State]:
            return CallbackQueryHandler(callback, pattern=kb.pattern(kb.OFFER, NONCE, action))

        place_handlers: Callable[[str], list[BaseHandler[Update, Context, State]]] = (
            lambda step: [
                MessageHandler(text, self._place_text(step)),
                MessageHandler(private & filters.LOCATION, self._place_location(step)),
                button("pick", self._place_pick(step)),
                button("retype", self._place_retype(step)),
            ]
        )
        states: dict[str, list[BaseHandler[Update, Context, State]]] = {
            CONSENT: [button("consent", self.on_consent)],
            ORIGIN: place_handlers(ORIGIN),
            DESTINATION: place_handlers(DESTINATION),
            DAYS: [
                button("day", self.on_day),
                button("days", self.on_days),
                MessageHandler(text, self.on_days_text),
            ],
            TIME: [MessageHandler(text, self.on_time_text)],
            RETURN: [
                MessageHandler(text, self.on_return_text),
                button("noreturn", self.on_no_return),
            ],
            SEATS: [button("seats", self.on_seats), MessageHandler(text, self.on_seats_text)],
            NOTE: [MessageHandler(text, self.on_note_text), button("skipnote", self.on_skip_note)],
            CONTACT: [button("contact", self.on_contact_choice)],
            PHONE: [
                MessageHandler(private & filters.CONTACT, self.on_phone_contact),
                MessageHandler(text, self.on_phone_text),
            ],
            PHONE_VISIBLE: [button("show", self.on_phone_visible)],
            SUMMARY: [
                button("confirm", self.on_confirm),
                button("edit", self.on_edit),
                button("cancel", self.on_cancel_button),
            ],
        }
        for step, handlers in states.items():
            handlers.append(MessageHandler(private & ~filters.COMMAND, self._unexpected(step)))
            handlers.append(CallbackQueryHandler(self._wrong_button(step), pattern="^of:"))
        return ConversationHandler(
            entry_points=[
                CommandHandler(["proposer", "offer"], self.start, filters=private),
                CallbackQueryHandler(self.start, pattern=kb.pattern(kb.START, "offer")),
            ],
            states=states,  # type: ignore[arg-type]
            fallbacks=[CommandHandler(["annuler", "cancel"], self.cancel)],
            name=self.name,
            persistent=True,
            allow_reentry=True,
        )

    # Entry, exit.

    async def start(self, update: Update, context: Context) -> State:
        if update.callback_query:
            await update.callback_query.answer()
            await _drop_keyboard(update)
        person = await self.deps.person(update)
        session = OfferSession(nonce=secrets.token_hex(3))
        save_session(context, session)
        if person.privacy_accepted_at is None:
            return await self.ask(update, context, person, session, CONSENT)
        await send(update, context, self.t(person.language, "offer.intro"))
        return await self.ask(update, context, person, session, ORIGIN)

    async def cancel(self, update: Update, context: Context) -> State:
        person = await self.deps.person(update)
        clear_session(context)
        await send(
            update, context, self.t(person.language, "offer.cancelled"), ReplyKeyboardRemove()
        )
        return ConversationHandler.END

    async def on_cancel_button(self, update: Update, context: Context) -> State:
        pressed = await self._pressed(update, context)
        if pressed is None:
            return None
        await _drop_keyboard(update)
        return await self.cancel(update, context)

    # Questions.

    async def ask(
        self,
        update: Update,
        context: Context,
        person: Person,
        session: OfferSession,
        step: str,
    ) -> State:
        lang, t, nonce, draft = person.language, self.t, session.nonce, session.draft
        if step == CONSENT:
            await send(update, context, t(lang, "offer.consent"), kb.consent(t, lang, nonce))
        elif step in (ORIGIN, DESTINATION):
            key = "offer.ask_origin" if step == ORIGIN else "offer.ask_destination"
            await send(update, context, t(lang, key), kb.share_location(t, lang))
        elif step == DAYS:
            markup = kb.weekdays(t, lang, nonce, draft.weekdays)
            await send(update, context, t(lang, "offer.ask_days"), markup)
        elif step == TIME:
            await send(update, context, t(lang, "offer.ask_time"))
        elif step == RETURN:
            assert draft.destination is not None
            question = t(lang, "offer.ask_return", destination=draft.destination.name)
            no_return = kb.encode(kb.OFFER, nonce, "noreturn")
            await send(
                update, context, question, kb.one_button(t(lang, "button.no_return"), no_return)
            )
        elif step == SEATS:
            await send(update, context, t(lang, "offer.ask_seats", max=MAX_SEATS), kb.seats(nonce))
        elif step == NOTE:
            skip = kb.encode(kb.OFFER, nonce, "skipnote")
            await send(
                update,
                context,
                t(lang, "offer.ask_note", max=MAX_NOTE_LENGTH),
                kb.one_button(t(lang, "button.skip_note"), skip),
            )
        elif step == CONTACT:
            telegram = Html(render.telegram_contact(t, lang, person))
            key = "offer.ask_contact" if person.telegram_username else "offer.ask_contact_no_username"
            await send(
                update, context, t(lang, key, telegram=telegram), kb.contact_choice(t, lang, nonce)
            )
        elif step == PHONE:
            await send(update, context, t(lang, "offer.ask_phone"), kb.share_phone(t, lang))
        elif step == PHONE_VISIBLE:
            question = t(lang, "offer.ask_phone_visible", phone=person.phone or "")
            await send(update, context, question, kb.yes_no(t, lang, nonce, "show"))
        elif step == SUMMARY:
            text = render.draft_summary(t, lang, draft, person)
            await send(update, context, text, kb.summary(t, lang, nonce))
        return step

    async def advance(
        self, update: Update, context: Context, person: Person, session: OfferSession, step: str
    ) -> State:
        """Ask the question after `step`, or go back to the summary after a correction."""
        following = NEXT[step]
        if session.editing and following not in (PHONE, PHONE_VISIBLE):
            following = SUMMARY
        save_session(context, session)
        return await self.ask(update, context, person, session, following)

    # Consent.

    async def on_consent(self, update: Update, context: Context) -> State:
        pressed = await self._pressed(update, context)
        if pressed is None:
            return None
        person, session, data = pressed
        await _drop_keyboard(update)
        if data.part(2) != "yes":
            clear_session(context)
            await send(update, context, self.t(person.language, "offer.consent_refused"))
            return ConversationHandler.END
        person = await self.deps.people.accept_privacy(person)
        await send(update, context, self.t(person.language, "offer.intro"))
        return await self.ask(update, context, person, session, ORIGIN)

    # Places.

    def _place_text(self, step: str) -> Callback:
        async def handle(update: Update, context: Context) -> State:
            loaded = await self._session(update, context)
            if loaded is None:
                return ConversationHandler.END
            person, session = loaded
            lang, t = person.language, self.t
            typed = _text(update)
            if len(typed) > MAX_PLACE_TEXT:
                await send(update, context, t(lang, "offer.place_too_long"))
                return None
            resolution = await self.deps.places.resolve(typed)
            if resolution.unique is not None:
                return await self._set_place(
                    update, context, person, session, step, to_ref(resolution.unique)
                )
            candidates = (resolution.exact or resolution.suggestions)[:6]
            if not candidates:
                await send(
                    update,
                    context,
                    t(lang, "offer.place_unknown", text=typed),
                    kb.share_location(t, lang),
                )
                return None
            session.choices = [to_ref(match.place) for match in candidates]
            save_session(context, session)
            key = "offer.place_homonyms" if resolution.exact else "offer.place_suggestions"
            labels = [match.place.label for match in candidates]
            await send(
                update,
                context,
                t(lang, key, text=typed),
                kb.place_choices(t, lang, session.nonce, labels),
            )
            return None

        return handle

    def _place_location(self, step: str) -> Callback:
        async def handle(update: Update, context: Context) -> State:
            loaded = await self._session(update, context)
            if loaded is None:
                return ConversationHandler.END
            person, session = loaded
            assert update.message and update.message.location
            location = update.message.location
            ref = self.deps.places.from_location(location.latitude, location.longitude)
            if ref is None:
                await send(update, context, self.t(person.language, "offer.location_far"))
                return None
            return await self._set_place(update, context, person, session, step, ref)

        return handle

    def _place_pick(self, step: str) -> Callback:
        async def handle(update: Update, context: Context) -> State:
            pressed = await self._pressed(update, context)
            if pressed is None:
                return None
            person, session, data = pressed
            index = data.part(2)
            if index is None or not index.isdigit() or int(index) >= len(session.choices):
                return await self._other_step(update, context, person, session, step)
            chosen = session.choices[int(index)]
            await _drop_keyboard(update)
            return await self._set_place(update, context, person, session, step, chosen)

        return handle

    def _place_retype(self, step: str) -> Callback:
        async def handle(update: Update, context: Context) -> State:
            pressed = await self._pressed(update, context)
            if pressed is None:
                return None
            person, session, _ = pressed
            await _drop_keyboard(update)
            return await self.ask(update, context, person, session, step)

        return handle

    async def _set_place(
        self,
        update: Update,
        context: Context,
        person: Person,
        session: OfferSession,
        step: str,
        place: PlaceRef,
    ) -> State:
        lang = person.language
        try:
            session.draft = session.draft.with_(**{step: place})
        except InvalidInput:
            # The only way a valid place is refused: the same place at both ends.
            await send(update, context, self.t(lang, "offer.same_place"))
            return None
        session.choices = []
        shown = Html(render.place(self.t, lang, place))
        await send(
            update, context, self.t(lang, f"offer.{step}_set", place=shown), ReplyKeyboardRemove()
        )
        return await self.advance(update, context, person, session, step)

    # Days.

    async def on_day(self, update: Update, context: Context) -> State:
        pressed = await self._pressed(update, context)
        if pressed is None:
            return None
        person, session, data = pressed
        day = data.part(2)
        if day is None or not day.isdigit() or int(day) > 6:
            return await self._other_step(update, context, person, session, DAYS)
        session.draft = session.draft.with_(
            weekdays=session.draft.weekdays ^ {Weekday(int(day))}
        )
        save_session(context, session)
        await self._refresh_days(update, person, session)
        return None

    async def on_days(self, update: Update, context: Context) -> State:
        pressed = await self._pressed(update, context, answer=False)
        if pressed is None:
            return None
        person, session, data = pressed
        lang, query = person.language, update.callback_query
        assert query is not None
        choice = data.part(2)
        if choice in ("work", "all"):
            await query.answer()
            days = WORKING_DAYS if choice == "work" else frozenset(Weekday)
            session.draft = session.draft.with_(weekdays=days)
            save_session(context, session)
            await self._refresh_days(update, person, session)
            return None
        if choice != "ok":
            await query.answer()
            return await self._other_step(update, context, person, session, DAYS)
        if not session.draft.weekdays:
            await query.answer(self.t(lang, "offer.days_empty"), show_alert=True)
            return None
        await query.answer()
        await _drop_keyboard(update)
        return await self._days_chosen(update, context, person, session)

    async def on_days_text(self, update: Update, context: Context) -> State:
        loaded = await self._session(update, context)
        if loaded is None:
            return ConversationHandler.END
        person, session = loaded
        days = parse_weekdays(_text(update))
        if days is None:
            lang = person.language
            await send(
                update,
                context,
                self.t(lang, "offer.days_not_understood", text=_text(update)),
                kb.weekdays(self.t, lang, session.nonce, session.draft.weekdays),
            )
            return None
        session.draft = session.draft.with_(weekdays=days)
        return await self._days_chosen(update, context, person, session)

    async def _days_chosen(
        self, update: Update, context: Context, person: Person, session: OfferSession
    ) -> State:
        lang = person.language
        days = self.t.weekdays(lang, session.draft.weekdays)
        await send(update, context, self.t(lang, "offer.days_set", days=days))
        return await self.advance(update, context, person, session, DAYS)

    async def _refresh_days(self, update: Update, person: Person, session: OfferSession) -> None:
        query = update.callback_query
        assert query is not None
        markup = kb.weekdays(self.t, person.language, session.nonce, session.draft.weekdays)
        if isinstance(query.message, Message):
            await query.message.edit_reply_markup(markup)

    # Times.

    async def on_time_text(self, update: Update, context: Context) -> State:
        loaded = await self._session(update, context)
        if loaded is None:
            return ConversationHandler.END
        person, session = loaded
        lang = person.language
        departure = parse_time(_text(update))
        if departure is None:
            await send(update, context, self.t(lang, "offer.time_not_understood", text=_text(update)))
            return None
        try:
            session.draft = session.draft.with_(departure=departure)
        except InvalidInput:
            assert session.draft.return_time is not None
            back = self.t.time(lang, session.draft.return_time)
            await send(update, context, self.t(lang, "offer.departure_after_return", back=back))
            return None
        shown = self.t.time(lang, departure)
        await send(update, context, self.t(lang, "offer.time_set", time=shown))
        return await self.advance(update, context, person, session, TIME)

    async def on_return_text(self, update: Update, context: Context) -> State:
        loaded = await self._session(update, context)
        if loaded is None:
            return ConversationHandler.END
        person, session = loaded
        lang = person.language
        back = parse_time(_text(update))
        if back is None:
            await send(update, context, self.t(lang, "offer.time_not_understood", text=_text(update)))
            return None
        try:
            session.draft = session.draft.with_(return_time=back)
        except InvalidInput:
            assert session.draft.departure is not None
            departure = self.t.time(lang, session.draft.departure)
            text = self.t(lang, "offer.return_before_departure", departure=departure)
            await send(update, context, text)
            return None
        await send(update, context, self.t(lang, "offer.return_set", time=self.t.time(lang, back)))
        return await self.advance(update, context, person, session, RETURN)

    async def on_no_return(self, update: Update, context: Context) -> State:
        pressed = await self._pressed(update, context)
        if pressed is None:
            return None
        person, session, _ = pressed
        await _drop_keyboard(update)
        session.draft = session.draft.with_(return_time=None)
        await send(update, context, self.t(person.language, "offer.no_return_set"))
        return await self.advance(update, context, person, session, RETURN)

    # Seats and note.

    async def on_seats(self, update: Update, context: Context) -> State:
        pressed = await self._pressed(update, context)
        if pressed is None:
            return None
        person, session, data = pressed
        await _drop_keyboard(update)
        return await self._set_seats(update, context, person, session, data.part(2) or "")

    async def on_seats_text(self, update: Update, context: Context) -> State:
        loaded = await self._session(update, context)
        if loaded is None:
            return ConversationHandler.END
        person, session = loaded
        return await self._set_seats(update, context, person, session, _text(update))

    async def _set_seats(
        self, update: Update, context: Context, person: Person, session: OfferSession, typed: str
    ) -> State:
        lang = person.language
        try:
            session.draft = session.draft.with_(seats=int(typed.strip()))
        except (ValueError, InvalidInput):
            await send(
                update, context, self.t(lang, "offer.seats_invalid", max=MAX_SEATS), kb.seats(session.nonce)
            )
            return None
        await send(update, context, self.t(lang, "offer.seats_set", seats=session.draft.seats))
        return await self.advance(update, context, person, session, SEATS)

    async def on_note_text(self, update: Update, context: Context) -> State:
        loaded = await self._session(update, context)
        if loaded is None:
            return ConversationHandler.END
        person, session = loaded
        lang, typed = person.language, _text(update)
        if len(typed.strip()) > MAX_NOTE_LENGTH:
            text = self.t(lang, "offer.note_too_long", max=MAX_NOTE_LENGTH, length=len(typed))
            await send(update, context, text)
            return None
        session.draft = session.draft.with_(note=typed)
        return await self.advance(update, context, person, session, NOTE)

    async def on_skip_note(self, update: Update, context: Context) -> State:
        pressed = await self._pressed(update, context)
        if pressed is None:
            return None
        person, session, _ = pressed
        await _drop_keyboard(update)
        session.draft = session.draft.with_(note=None)
        return await self.advance(update, context, person, session, NOTE)

    # How passengers reach the driver.

    async def on_contact_choice(self, update: Update, context: Context) -> State:
        pressed = await self._pressed(update, context)
        if pressed is None:
            return None
        person, session, data = pressed
        await _drop_keyboard(update)
        if data.part(2) == "phone":
            save_session(context, session)
            step = PHONE_VISIBLE if person.phone else PHONE
            return await self.ask(update, context, person, session, step)
        person = await self.deps.people.set_phone(person, None, visible=False)
        return await self.advance(update, context, person, session, CONTACT)

    async def on_phone_contact(self, update: Update, context: Context) -> State:
        loaded = await self._session(update, context)
        if loaded is None:
            return ConversationHandler.END
        person, session = loaded
        assert update.message and update.message.contact and update.effective_user
        shared = update.message.contact
        if shared.user_id != update.effective_user.id:
            await send(update, context, self.t(person.language, "offer.phone_not_yours"))
            return None
        person = await self.deps.people.set_phone(person, shared.phone_number, visible=False)
        await send(
            update, context, self.t(person.language, "offer.phone_received"), ReplyKeyboardRemove()
        )
        return await self.advance(update, context, person, session, PHONE)

    async def on_phone_text(self, update: Update, context: Context) -> State:
        loaded = await self._session(update, context)
        if loaded is None:
            return ConversationHandler.END
        person, session = loaded
        lang = person.language
        if _text(update).strip() == self.t(lang, "button.telegram_only"):
            await send(update, context, self.t(lang, "offer.telegram_only_set"), ReplyKeyboardRemove())
            return await self.advance(update, context, person, session, PHONE_VISIBLE)
        await send(update, context, self.t(lang, "offer.phone_use_button"), kb.share_phone(self.t, lang))
        return None

    async def on_phone_visible(self, update: Update, context: Context) -> State:
        pressed = await self._pressed(update, context)
        if pressed is None:
            return None
        person, session, data = pressed
        await _drop_keyboard(update)
        if data.part(2) == "yes" and person.phone:
            person = await self.deps.people.set_phone(person, person.phone, visible=True)
        else:
            # Not shown means not kept: the number was only asked for passengers.
            person = await self.deps.people.set_phone(person, None, visible=False)
        return await self.advance(update, context, person, session, PHONE_VISIBLE)

    # Summary.

    async def on_confirm(self, update: Update, context: Context) -> State:
        pressed = await self._pressed(update, context)
        if pressed is None:
            return None
        person, session, _ = pressed
        try:
            new_trip = session.draft.complete()
        except InvalidInput as missing:
            session.editing = True
            save_session(context, session)
            return await self.ask(update, context, person, session, _step_of(missing.field))
        await _drop_keyboard(update)
        trip = await self.deps.trips.register(person, new_trip)
        clear_session(context)
        lang = person.language
        line = Html(render.trip_line(self.t, lang, trip))
        await send(update, context, self.t(lang, "offer.saved", trip=line), ReplyKeyboardRemove())
        return ConversationHandler.END

    async def on_edit(self, update: Update, context: Context) -> State:
        pressed = await self._pressed(update, context)
        if pressed is None:
            return None
        person, session, data = pressed
        field = data.part(2)
        if field not in kb.SUMMARY_FIELDS:
            return await self._other_step(update, context, person, session, SUMMARY)
        await _drop_keyboard(update)
        session.editing = True
        save_session(context, session)
        return await self.ask(update, context, person, session, _step_of(field))

    # Anything else.

    def _unexpected(self, step: str) -> Callback:
        """A message the step cannot use: say why, then ask the same question again."""

        async def handle(update: Update, context: Context) -> State:
            loaded = await self._session(update, context)
            if loaded is None:
                return ConversationHandler.END
            person, session = loaded
            lang = person.language
            if update.message and update.message.text and step in BUTTON_STEPS:
                reason = "common.use_buttons"
            elif step in (ORIGIN, DESTINATION):
                reason = "offer.place_text_or_location"
            elif step == PHONE:
                reason = "offer.phone_use_button"
            else:
                reason = not_text_reason(update)
            await send(update, context, self.t(lang, reason))
            return await self.ask(update, context, person, session, step)

        return handle

    def _wrong_button(self, step: str) -> Callback:
        """A button of this registration that does not answer the current question."""

        async def handle(update: Update, context: Context) -> State:
            pressed = await self._pressed(update, context)
            if pressed is None:
                return None
            person, session, _ = pressed
            return await self._other_step(update, context, person, session, step)

        return handle

    async def _other_step(
        self, update: Update, context: Context, person: Person, session: OfferSession, step: str
    ) -> State:
        await send(update, context, self.t(person.language, "common.button_other_step"))
        return await self.ask(update, context, person, session, step)

    # Plumbing.

    async def _session(
        self, update: Update, context: Context
    ) -> tuple[Person, OfferSession] | None:
        person = await self.deps.person(update)
        session = load_session(context)
        if session is None:
            # State without a draft: should not happen, but never leave the person stuck.
            await send(update, context, self.t(person.language, "offer.lost"))
            return None
        return person, session

    async def _pressed(
        self, update: Update, context: Context, *, answer: bool = True
    ) -> tuple[Person, OfferSession, kb.Callback] | None:
        """The session a button belongs to; None (and a polite word) for a stale button."""
        query = update.callback_query
        assert query is not None
        person = await self.deps.person(update)
        session = load_session(context)
        data = kb.decode(query.data)
        if session is None or data is None or data.part(0) != session.nonce:
            await answer_button(update, self.t(person.language, "common.old_button"))
            return None
        if answer:
            await query.answer()
        return person, session, data


def _text(update: Update) -> str:
    return (update.message.text if update.message else None) or ""


def _step_of(field: str) -> str:
    return {"weekdays": DAYS, "departure": TIME, "return_time": RETURN}.get(field, field)


async def _drop_keyboard(update: Update) -> None:
    """Remove the buttons of the message just answered, so they cannot be pressed twice."""
    query = update.callback_query
    if query and isinstance(query.message, Message) and query.message.reply_markup:
        await query.message.edit_reply_markup(None)


__all__ = ["OfferConversation", "SESSION_KEY", "load_session"]
