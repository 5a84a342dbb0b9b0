"""/proposer (/offer): a driver registers a trip, made every week or once, one question at
a time."""

from __future__ import annotations

from datetime import date, time, timedelta
from typing import ClassVar

from telegram import ReplyKeyboardRemove, Update
from telegram.ext import (
    ConversationHandler,
    MessageHandler,
    filters,
)

from bot.domain import MAX_NOTE_LENGTH, MAX_SEATS, InvalidInput, Person, TripDraft
from bot.tripwhen import TripWhen, understand_trip_date, understand_trip_when
from bot.understand import fold, read_number, read_phone, read_time_wish, read_yes_no
from handlers import keyboards as kb
from handlers import render
from handlers.conversation import (
    DAYS,
    DESTINATION,
    ORIGIN,
    PRIVATE,
    TEXT,
    Context,
    DraftConversation,
    Session,
    State,
    text_of,
    yes_no_words,
)
from handlers.replies import drop_keyboard, not_text_reason, send
from i18n import Html

CONSENT, TIME, RETURN, SEATS, NOTE = "consent", "time", "return", "seats", "note"
CONTACT, PHONE, PHONE_VISIBLE, SUMMARY = "contact", "phone", "phone_visible", "summary"
# "Every week, or once?", then the days (DAYS) or the date (ON_DATE).
HOW_OFTEN, ON_DATE = "how_often", "on_date"
# Summary buttons name what they correct; most are the step's own name. A date that has
# passed meanwhile (a draft kept overnight) is a problem of the whole draft: its date.
STEP_OF_FIELD = {
    "days": HOW_OFTEN, "weekdays": HOW_OFTEN, "one_off": HOW_OFTEN, "date": ON_DATE,
    "draft": ON_DATE, "departure": TIME, "return_time": RETURN,
}  # fmt: skip

OfferSession = Session[TripDraft]


class OfferConversation(DraftConversation[TripDraft]):
    name = "offer"
    commands = ["proposer", "offer"]
    kind = kb.OFFER
    draft_type = TripDraft
    next_step = {
        ORIGIN: DESTINATION,
        DESTINATION: HOW_OFTEN,
        HOW_OFTEN: DAYS,  # or ON_DATE: the answer says which
        DAYS: TIME,
        ON_DATE: TIME,
        TIME: RETURN,
        RETURN: SEATS,
        SEATS: NOTE,
        NOTE: CONTACT,
        CONTACT: SUMMARY,
        PHONE: PHONE_VISIBLE,
        PHONE_VISIBLE: SUMMARY,
    }
    button_steps = frozenset({CONSENT, CONTACT, PHONE_VISIBLE, SUMMARY})
    # Correcting the days asks "every week, or once?" and then the days or the date.
    chained_steps = frozenset({PHONE, HOW_OFTEN})
    # Declared again so that a variant may correct other fields (the base's type, not the
    # exact tuple of kb.SUMMARY_FIELDS).
    summary_fields: ClassVar[tuple[str, ...]] = kb.SUMMARY_FIELDS
    step_of_field = STEP_OF_FIELD

    def handler(self) -> ConversationHandler[Context]:
        button = self.button
        return self.conversation(
            {
                CONSENT: [
                    button("consent", self.on_consent),
                    self.words(CONSENT, yes_no_words("consent"), self.on_consent),
                ],
                ORIGIN: self.place_handlers(ORIGIN),
                DESTINATION: self.place_handlers(DESTINATION),
                HOW_OFTEN: [
                    button("often", self.on_how_often),
                    MessageHandler(TEXT, self.on_how_often_text),
                ],
                DAYS: self.days_handlers(),
                ON_DATE: [button("date", self.on_date), MessageHandler(TEXT, self.on_date_text)],
                TIME: [MessageHandler(TEXT, self.on_time_text)],
                RETURN: [
                    MessageHandler(TEXT, self.on_return_text),
                    button("noreturn", self.on_no_return),
                ],
                SEATS: [button("seats", self.on_seats), MessageHandler(TEXT, self.on_seats_text)],
                NOTE: [
                    MessageHandler(TEXT, self.on_note_text),
                    button("skipnote", self.on_skip_note),
                ],
                CONTACT: [
                    button("contact", self.on_contact_choice),
                    MessageHandler(TEXT, self.on_contact_text),
                ],
                PHONE: [
                    MessageHandler(PRIVATE & filters.CONTACT, self.on_phone_contact),
                    MessageHandler(TEXT, self.on_phone_text),
                ],
                PHONE_VISIBLE: [
                    button("show", self.on_phone_visible),
                    self.words(PHONE_VISIBLE, yes_no_words("show"), self.on_phone_visible),
                ],
                SUMMARY: self.summary_handlers(),
            },
        )

    async def begin(
        self, update: Update, context: Context, person: Person, session: OfferSession
    ) -> State:
        if person.privacy_accepted_at is None:
            return await self.ask(update, context, person, session, CONSENT)
        await send(update, context, self.t(person.language, "offer.intro"))
        return await self.ask(update, context, person, session, ORIGIN)

    async def ask(
        self, update: Update, context: Context, person: Person, session: OfferSession, step: str
    ) -> State:
        lang, t, nonce, draft = person.language, self.t, session.nonce, session.draft
        if step == CONSENT:
            await send(update, context, t(lang, "offer.consent"), kb.consent(t, lang, nonce))
        elif step in (ORIGIN, DESTINATION):
            await self.ask_place(update, context, person, step)
        elif step == HOW_OFTEN:
            markup = kb.how_often(t, lang, nonce)
            await send(update, context, t(lang, "rides.ask_how_often"), markup)
        elif step == DAYS:
            await self.ask_days(update, context, person, session, "offer.ask_days")
        elif step == ON_DATE:
            await send(update, context, t(lang, "rides.ask_date"), kb.trip_date(t, lang, nonce))
        elif step == TIME:
            await send(update, context, t(lang, "offer.ask_time"))
        elif step == RETURN:
            assert draft.destination is not None
            question = t(lang, "offer.ask_return", destination=draft.destination.name)
            no_return = kb.encode(kb.OFFER, nonce, "noreturn")
            markup = kb.one_button(t(lang, "button.no_return"), no_return)
            await send(update, context, question, markup)
        elif step == SEATS:
            await send(update, context, t(lang, "offer.ask_seats", max=MAX_SEATS), kb.seats(nonce))
        elif step == NOTE:
            skip = kb.encode(kb.OFFER, nonce, "skipnote")
            markup = kb.one_button(t(lang, "button.skip_note"), skip)
            await send(update, context, t(lang, "offer.ask_note", max=MAX_NOTE_LENGTH), markup)
        elif step == CONTACT:
            telegram = Html(render.telegram_contact(t, lang, person))
            key = (
                "offer.ask_contact" if person.telegram_username else "offer.ask_contact_no_username"
            )
            markup = kb.contact_choice(t, lang, nonce)
            await send(update, context, t(lang, key, telegram=telegram), markup)
        elif step == PHONE:
            await send(update, context, t(lang, "offer.ask_phone"), kb.share_phone(t, lang))
        elif step == PHONE_VISIBLE:
            question = t(lang, "offer.ask_phone_visible", phone=person.phone or "")
            await send(update, context, question, kb.yes_no(t, lang, kb.OFFER, nonce, "show"))
        elif step == SUMMARY:
            text = render.draft_summary(t, lang, draft, person)
            await send(update, context, text, kb.summary(t, lang, nonce))
        return step

    def unexpected_reason(self, step: str, update: Update) -> str:
        return "offer.phone_use_button" if step == PHONE else not_text_reason(update)

    # Consent.

    async def on_consent(self, update: Update, context: Context) -> State:
        pressed = await self.pressed(update, context)
        if pressed is None:
            return None
        person, session, data = pressed
        await drop_keyboard(update)
        if data.part(2) != "yes":
            self.clear(context)
            await send(update, context, self.t(person.language, "offer.consent_refused"))
            return ConversationHandler.END
        person = await self.deps.people.accept_privacy(person)
        await send(update, context, self.t(person.language, "offer.intro"))
        return await self.ask(update, context, person, session, ORIGIN)

    # Every week, or once.

    async def on_how_often(self, update: Update, context: Context) -> State:
        pressed = await self.pressed(update, context)
        if pressed is None:
            return None
        person, session, data = pressed
        choice = data.part(2)
        if choice not in ("weekly", "once"):
            return await self.other_step(update, context, person, session, HOW_OFTEN)
        await drop_keyboard(update)
        when = TripWhen(once=choice == "once", weekly=choice == "weekly")
        return await self._how_often(update, context, person, session, when)

    async def on_how_often_text(self, update: Update, context: Context) -> State:
        loaded = await self.session(update, context)
        if loaded is None:
            return ConversationHandler.END
        person, session = loaded
        understood = understand_trip_when(text_of(update), self.deps.today())
        if understood is None:
            lang = person.language
            text = self.t(lang, "rides.how_often_not_understood", text=text_of(update))
            await send(update, context, text, kb.how_often(self.t, lang, session.nonce))
            return None
        return await self._how_often(update, context, person, session, understood)

    async def _how_often(
        self,
        update: Update,
        context: Context,
        person: Person,
        session: OfferSession,
        when: TripWhen,
    ) -> State:
        if when.date is not None:
            return await self._set_date(update, context, person, session, when.date, when.at)
        if when.weekdays:
            self.change(session, one_off=False, date=None, weekdays=when.weekdays)
            return await self.days_chosen(update, context, person, session)
        if when.once:
            self.change(session, one_off=True, weekdays=frozenset())
            self.save(context, session)
            return await self.ask(update, context, person, session, ON_DATE)
        self.change(session, one_off=False, date=None)
        self.save(context, session)
        return await self.ask(update, context, person, session, DAYS)

    async def days_chosen(
        self, update: Update, context: Context, person: Person, session: OfferSession
    ) -> State:
        # Days chosen make a regular trip (also for a draft begun before trips made once).
        self.change(session, one_off=False, date=None)
        return await super().days_chosen(update, context, person, session)

    async def on_date(self, update: Update, context: Context) -> State:
        pressed = await self.pressed(update, context)
        if pressed is None:
            return None
        person, session, data = pressed
        choice = data.part(2)
        if choice not in ("today", "tomorrow"):
            return await self.other_step(update, context, person, session, ON_DATE)
        await drop_keyboard(update)
        today = self.deps.today()
        day = today + timedelta(days=1) if choice == "tomorrow" else today
        return await self._set_date(update, context, person, session, day, None)

    async def on_date_text(self, update: Update, context: Context) -> State:
        loaded = await self.session(update, context)
        if loaded is None:
            return ConversationHandler.END
        person, session = loaded
        understood = understand_trip_date(text_of(update), self.deps.today())
        if understood is None or understood.date is None:
            lang = person.language
            text = self.t(lang, "rides.date_not_understood", text=text_of(update))
            await send(update, context, text, kb.trip_date(self.t, lang, session.nonce))
            return None
        return await self._set_date(
            update, context, person, session, understood.date, understood.at
        )

    async def _set_date(
        self,
        update: Update,
        context: Context,
        person: Person,
        session: OfferSession,
        day: date,
        at: time | None,
    ) -> State:
        lang = person.language
        try:
            self.change(
                session, one_off=True, weekdays=frozenset(), date=day, today=self.deps.today(),
                now=None,
            )  # fmt: skip
        except InvalidInput:
            text = self.t(lang, "rides.date_in_past", date=self.t.date(lang, day))
            await send(update, context, text, kb.trip_date(self.t, lang, session.nonce))
            return None
        await send(update, context, self.t(lang, "rides.date_set", date=self.t.date(lang, day)))
        if at is not None and not session.editing:
            try:
                self.change(session, departure=at, now=self.deps.now_time())
            except InvalidInput as problem:
                if problem.reason == "departure_passed":
                    await self._departure_passed(update, context, person, at)
                return await self.advance(update, context, person, session, ON_DATE)
            shown = self.t.time(lang, at)
            await send(update, context, self.t(lang, "offer.time_set", time=shown))
            return await self.advance(update, context, person, session, TIME)
        return await self.advance(update, context, person, session, ON_DATE)

    # Times.

    async def on_time_text(self, update: Update, context: Context) -> State:
        loaded = await self.session(update, context)
        if loaded is None:
            return ConversationHandler.END
        person, session = loaded
        lang = person.language
        wish = read_time_wish(text_of(update))
        departure = wish.at if wish is not None else None
        if departure is None:
            text = self.t(lang, "steps.time_not_understood", text=text_of(update))
            await send(update, context, text)
            return None
        try:
            self.change(
                session, departure=departure, today=self.deps.today(), now=self.deps.now_time()
            )
        except InvalidInput as problem:
            if problem.reason == "departure_passed":
                await self._departure_passed(update, context, person, departure)
                return None
            assert session.draft.return_time is not None
            back = self.t.time(lang, session.draft.return_time)
            await send(update, context, self.t(lang, "offer.departure_after_return", back=back))
            return None
        shown = self.t.time(lang, departure)
        await send(update, context, self.t(lang, "offer.time_set", time=shown))
        return await self.advance(update, context, person, session, TIME)

    async def gone_by(
        self,
        update: Update,
        context: Context,
        person: Person,
        session: OfferSession,
        problem: InvalidInput,
    ) -> InvalidInput:
        """At the summary, a date or a departure gone by meanwhile (a draft kept overnight):
        said plainly; the question to ask again."""
        draft = session.draft
        if problem.reason == "departure_passed" and draft.departure is not None:
            await self._departure_passed(update, context, person, draft.departure)
            return InvalidInput("departure", problem.reason)
        if problem.reason == "date_in_past" and draft.date is not None:
            lang = person.language
            await send(
                update, context, self.t(lang, "rides.date_gone", date=self.t.date(lang, draft.date))
            )
            return InvalidInput("date", problem.reason)
        return problem

    async def _departure_passed(
        self, update: Update, context: Context, person: Person, departure: time
    ) -> None:
        """A trip made today, leaving at a time already gone: said plainly, asked again."""
        lang = person.language
        text = self.t(
            lang, "rides.departure_passed", time=self.t.time(lang, departure),
            now=self.t.time(lang, self.deps.now_time()),
        )  # fmt: skip
        await send(update, context, text)

    async def on_return_text(self, update: Update, context: Context) -> State:
        loaded = await self.session(update, context)
        if loaded is None:
            return ConversationHandler.END
        person, session = loaded
        lang = person.language
        typed = text_of(update)
        wish = read_time_wish(typed)
        back = wish.at if wish is not None else None
        if back is None and (read_yes_no(typed) is False or _says_no_return(typed)):
            return await self.on_no_return(update, context)
        if back is None:
            text = self.t(lang, "steps.time_not_understood", text=text_of(update))
            await send(update, context, text)
            return None
        try:
            self.change(session, return_time=back)
        except InvalidInput:
            assert session.draft.departure is not None
            departure = self.t.time(lang, session.draft.departure)
            text = self.t(lang, "offer.return_before_departure", departure=departure)
            await send(update, context, text)
            return None
        await send(update, context, self.t(lang, "offer.return_set", time=self.t.time(lang, back)))
        return await self.advance(update, context, person, session, RETURN)

    async def on_no_return(self, update: Update, context: Context) -> State:
        pressed = await self.pressed(update, context) if update.callback_query else None
        loaded = pressed[:2] if pressed else await self.session(update, context)
        if loaded is None:
            return None
        person, session = loaded
        await drop_keyboard(update)
        self.change(session, return_time=None)
        await send(update, context, self.t(person.language, "offer.no_return_set"))
        return await self.advance(update, context, person, session, RETURN)

    # Seats and note.

    async def on_seats(self, update: Update, context: Context) -> State:
        pressed = await self.pressed(update, context)
        if pressed is None:
            return None
        person, session, data = pressed
        await drop_keyboard(update)
        return await self._set_seats(update, context, person, session, data.part(2) or "")

    async def on_seats_text(self, update: Update, context: Context) -> State:
        loaded = await self.session(update, context)
        if loaded is None:
            return ConversationHandler.END
        person, session = loaded
        return await self._set_seats(update, context, person, session, text_of(update))

    async def _set_seats(
        self, update: Update, context: Context, person: Person, session: OfferSession, typed: str
    ) -> State:
        lang = person.language
        seats = read_number(typed)  # "3", "3 places", "trois"
        try:
            if seats is None:
                raise ValueError(typed)
            self.change(session, seats=seats)
        except (ValueError, InvalidInput):
            text = self.t(lang, "offer.seats_invalid", max=MAX_SEATS)
            await send(update, context, text, kb.seats(session.nonce))
            return None
        await send(update, context, self.t(lang, "offer.seats_set", seats=session.draft.seats))
        return await self.advance(update, context, person, session, SEATS)

    async def on_note_text(self, update: Update, context: Context) -> State:
        loaded = await self.session(update, context)
        if loaded is None:
            return ConversationHandler.END
        person, session = loaded
        lang, typed = person.language, text_of(update)
        if read_yes_no(typed, strict=True) is False:  # "non", "rien": no message
            self.change(session, note=None)
            return await self.advance(update, context, person, session, NOTE)
        if len(typed.strip()) > MAX_NOTE_LENGTH:
            text = self.t(lang, "offer.note_too_long", max=MAX_NOTE_LENGTH, length=len(typed))
            await send(update, context, text)
            return None
        self.change(session, note=typed)
        return await self.advance(update, context, person, session, NOTE)

    async def on_skip_note(self, update: Update, context: Context) -> State:
        pressed = await self.pressed(update, context)
        if pressed is None:
            return None
        person, session, _ = pressed
        await drop_keyboard(update)
        self.change(session, note=None)
        return await self.advance(update, context, person, session, NOTE)

    # How passengers reach the driver.

    async def on_contact_choice(self, update: Update, context: Context) -> State:
        pressed = await self.pressed(update, context)
        if pressed is None:
            return None
        person, session, data = pressed
        await drop_keyboard(update)
        if data.part(2) == "phone":
            self.save(context, session)
            step = PHONE_VISIBLE if person.phone else PHONE
            return await self.ask(update, context, person, session, step)
        person = await self.deps.people.set_phone(person, None, visible=False)
        return await self.advance(update, context, person, session, CONTACT)

    async def on_contact_text(self, update: Update, context: Context) -> State:
        """ "Telegram seulement", "non" → Telegram only; "oui", "mon téléphone", or the number
        itself → the phone too."""
        loaded = await self.session(update, context)
        if loaded is None:
            return ConversationHandler.END
        person, session = loaded
        typed = text_of(update)
        phone = read_phone(typed)
        if phone is not None:
            return await self._phone_typed(update, context, person, session, phone)
        choice = _contact_choice(typed)
        if choice is None:
            return await self.not_understood(update, context, person, session, CONTACT)
        self._typed[id(update)] = kb.Callback(self.kind, (session.nonce, "contact", choice))
        try:
            return await self.on_contact_choice(update, context)
        finally:
            self._typed.pop(id(update), None)

    async def _phone_typed(
        self, update: Update, context: Context, person: Person, session: OfferSession, phone: str
    ) -> State:
        person = await self.deps.people.set_phone(person, phone, visible=False)
        text = self.t(person.language, "offer.phone_received")
        await send(update, context, text, ReplyKeyboardRemove())
        return await self.ask(update, context, person, session, PHONE_VISIBLE)

    async def on_phone_contact(self, update: Update, context: Context) -> State:
        loaded = await self.session(update, context)
        if loaded is None:
            return ConversationHandler.END
        person, session = loaded
        assert update.message and update.message.contact and update.effective_user
        shared = update.message.contact
        if shared.user_id != update.effective_user.id:
            await send(update, context, self.t(person.language, "offer.phone_not_yours"))
            return None
        person = await self.deps.people.set_phone(person, shared.phone_number, visible=False)
        text = self.t(person.language, "offer.phone_received")
        await send(update, context, text, ReplyKeyboardRemove())
        return await self.advance(update, context, person, session, PHONE)

    async def on_phone_text(self, update: Update, context: Context) -> State:
        loaded = await self.session(update, context)
        if loaded is None:
            return ConversationHandler.END
        person, session = loaded
        lang = person.language
        phone = read_phone(text_of(update))
        if phone is not None:  # typed "06 12 34 56 78" rather than shared
            return await self._phone_typed(update, context, person, session, phone)
        if text_of(update).strip() == self.t(lang, "button.telegram_only") or (
            read_yes_no(text_of(update)) is False
        ):
            text = self.t(lang, "offer.telegram_only_set")
            await send(update, context, text, ReplyKeyboardRemove())
            return await self.advance(update, context, person, session, PHONE_VISIBLE)
        text = self.t(lang, "offer.phone_use_button")
        await send(update, context, text, kb.share_phone(self.t, lang))
        return None

    async def on_phone_visible(self, update: Update, context: Context) -> State:
        pressed = await self.pressed(update, context)
        if pressed is None:
            return None
        person, session, data = pressed
        await drop_keyboard(update)
        if data.part(2) == "yes" and person.phone:
            person = await self.deps.people.set_phone(person, person.phone, visible=True)
        else:
            # Not shown means not kept: the number was only asked for passengers.
            person = await self.deps.people.set_phone(person, None, visible=False)
        return await self.advance(update, context, person, session, PHONE_VISIBLE)

    # Summary.

    async def on_confirm(self, update: Update, context: Context) -> State:
        pressed = await self.pressed(update, context)
        if pressed is None:
            return None
        person, session, _ = pressed
        try:
            self.change(session, today=self.deps.today(), now=self.deps.now_time())
            new_trip = session.draft.complete()
        except InvalidInput as problem:
            problem = await self.gone_by(update, context, person, session, problem)
            return await self.ask_missing(update, context, person, session, problem)
        await drop_keyboard(update)
        registered = await self.deps.trips.register(person, new_trip)
        trip = registered.trip
        self.clear(context)
        lang = person.language
        line = Html(render.trip_line(self.t, lang, trip))
        await send(update, context, self.t(lang, "offer.saved", trip=line), ReplyKeyboardRemove())
        await self.notifier.write(context, registered.notices)
        return ConversationHandler.END


def _says_no_return(typed: str) -> bool:
    folded = fold(typed)
    return folded in ("pas de retour", "sans retour", "aucun retour", "no return", "one way")


def _contact_choice(typed: str) -> str | None:
    folded = fold(typed)
    if "telegram" in folded or read_yes_no(typed) is False:
        return "tg"
    if read_yes_no(typed) is True or any(w in folded for w in ("telephone", "phone", "numero")):
        return "phone"
    return None
