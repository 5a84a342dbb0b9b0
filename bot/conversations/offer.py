"""/proposer (/offer): a driver registers a trip, made every week or once, one question at a
time; and the same conversation when the team registers a driver who phoned (/conducteur):
the caller's name, phone and agreement first, then the same questions about the trip."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date, time, timedelta

from bot.conversations.caller import NAME, PHONE_NUMBER, CallerSteps, caller_steps
from bot.conversations.engine import (
    DAYS,
    DESTINATION,
    ORIGIN,
    SUMMARY,
    On,
    Turn,
    echo,
)
from bot.conversations.model import (
    ContactOf,
    Expect,
    Option,
    Phone,
    Press,
    Question,
    SharedContact,
    Text,
    TripDraftView,
    Unusable,
    Words,
    date_set,
)
from bot.domain import MAX_NOTE_LENGTH, MAX_SEATS, InvalidInput, TripDraft
from bot.services.consents import TRIP, ConsentService
from bot.services.operators import OperatorService
from bot.services.people import PeopleService
from bot.services.places import PlaceService
from bot.services.trips import TripService
from bot.tripwhen import TripWhen, understand_trip_date, understand_trip_when
from bot.understand import fold, read_number, read_phone, read_time_wish, read_yes_no

CONSENT, TIME, RETURN, SEATS, NOTE = "consent", "time", "return", "seats", "note"
CONTACT, PHONE, PHONE_VISIBLE = "contact", "phone", "phone_visible"
# "Every week, or once?", then the days (DAYS) or the date (ON_DATE).
HOW_OFTEN, ON_DATE = "how_often", "on_date"
# The caller's steps, when the team speaks for someone who phoned.
CALLER_STEPS = caller_steps(ORIGIN)

SUMMARY_FIELDS = ("origin", "destination", "days", "time", "return", "seats", "note", "contact")
# Summary buttons name what they correct; most are the step's own name. A date that has
# passed meanwhile (a draft kept overnight) is a problem of the whole draft: its date.
STEP_OF_FIELD = {
    "days": HOW_OFTEN, "weekdays": HOW_OFTEN, "one_off": HOW_OFTEN, "date": ON_DATE,
    "draft": ON_DATE, "departure": TIME, "return_time": RETURN,
}  # fmt: skip
NEXT_STEP = {
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

Offer = Turn[TripDraft]


class OfferFlow(CallerSteps[TripDraft]):
    """`for_caller`: the team registers someone who phoned (the subject is the caller, the
    person answering is the operator); their phone is how passengers reach them."""

    draft_type = TripDraft
    button_steps = frozenset({CONSENT, CONTACT, PHONE_VISIBLE, SUMMARY})

    def __init__(
        self,
        places: PlaceService,
        territory_departments: Sequence[str],
        consents: ConsentService,
        people: PeopleService,
        trips: TripService,
        operators: OperatorService,
        *,
        for_caller: bool = False,
    ) -> None:
        super().__init__(places, territory_departments)
        self.consents, self.people, self.trips, self.operators = consents, people, trips, operators
        self.for_caller = for_caller
        if for_caller:
            self.name = "behalf_driver"
            self.voice = "behalf_driver"
            self.next_step = {**CALLER_STEPS, **NEXT_STEP, NOTE: SUMMARY}
            self.chained_steps = frozenset({NAME, PHONE_NUMBER, PHONE, HOW_OFTEN})
            self.summary_fields = (*(f for f in SUMMARY_FIELDS if f != "contact"), "caller")
            self.step_of_field = {**STEP_OF_FIELD, "caller": NAME}
        else:
            self.name = "offer"
            self.next_step = NEXT_STEP
            # Correcting the days asks "every week, or once?" and then the days or the date.
            self.chained_steps = frozenset({PHONE, HOW_OFTEN})
            self.summary_fields = SUMMARY_FIELDS
            self.step_of_field = STEP_OF_FIELD
        yes_no = self.read_yes_no_as
        self.steps.update(
            {
                CONSENT: On(
                    press={"consent": self.on_consent}, words=yes_no("consent", self.on_consent)
                ),
                HOW_OFTEN: On(press={"often": self.on_how_often}, words=self.on_how_often_words),
                ON_DATE: On(press={"date": self.on_date}, words=self.on_date_words),
                TIME: On(words=self.on_time_words),
                RETURN: On(press={"noreturn": self.on_no_return}, words=self.on_return_words),
                SEATS: On(press={"seats": self.on_seats}, words=self.on_seats_words),
                NOTE: On(press={"skipnote": self.on_skip_note}, words=self.on_note_words),
                CONTACT: On(press={"contact": self.on_contact_choice}, words=self.on_contact_words),
                PHONE: On(words=self.on_phone_words, contact=self.on_phone_contact),
                PHONE_VISIBLE: On(
                    press={"show": self.on_phone_visible},
                    words=yes_no("show", self.on_phone_visible),
                ),
                **self.caller_handlers(),
            }
        )

    async def begin(self, turn: Offer) -> None:
        person = turn.person
        if self.for_caller:
            turn.say(f"{self.name}.intro")
            turn.ask(NAME)
        elif person.privacy_accepted_at is None or await self.consents.to_ask(person, TRIP):
            turn.ask(CONSENT)
        else:
            turn.say("offer.intro")
            turn.ask(ORIGIN)

    def question(self, turn: Offer, step: str) -> Question:
        draft, person = turn.draft, turn.person
        if step == CONSENT:
            return Question(
                Text("offer.consent"),
                (
                    (Option("consent:yes", Text("button.accept_privacy")),),
                    (Option("consent:no", Text("button.refuse_privacy")),),
                ),
            )
        if step in (ORIGIN, DESTINATION):
            return self.place_question(step)
        if step == HOW_OFTEN:
            return Question(Text("rides.ask_how_often"), how_often_rows())
        if step == DAYS:
            return self.days_question(turn, "offer.ask_days")
        if step == ON_DATE:
            return Question(Text("rides.ask_date"), date_rows())
        if step == TIME:
            return Question(Text("offer.ask_time"))
        if step == RETURN:
            destination = draft.destination.name if draft.destination else "…"
            return Question(
                Text("offer.ask_return", {"destination": destination}),
                ((Option("noreturn", Text("button.no_return")),),),
            )
        if step == SEATS:
            return Question(Text("offer.ask_seats", {"max": MAX_SEATS}), seats_rows())
        if step == NOTE:
            return Question(
                Text("offer.ask_note", {"max": MAX_NOTE_LENGTH}),
                ((Option("skipnote", Text("button.skip_note")),),),
            )
        if step == CONTACT:
            key = (
                "offer.ask_contact" if person.telegram_username else "offer.ask_contact_no_username"
            )
            return Question(
                Text(key, {"telegram": ContactOf(person)}),
                (
                    (Option("contact:tg", Text("button.telegram_only")),),
                    (Option("contact:phone", Text("button.also_phone")),),
                ),
            )
        if step == PHONE:
            return Question(Text("offer.ask_phone"), expect=Expect.PHONE)
        if step == PHONE_VISIBLE:
            return Question(
                Text("offer.ask_phone_visible", {"phone": Phone(person.phone or "")}),
                self.yes_no("show"),
            )
        if step == SUMMARY:
            caller = self.caller_of(turn) if self.for_caller else None
            view = TripDraftView(draft, person, caller)
            return Question(
                Text("offer.summary", {"view": view}), self.summary_rows(self.summary_fields)
            )
        return self.caller_question(turn, step)

    def unexpected_reason(self, step: str, answer: Unusable) -> str:
        return (
            "offer.phone_use_button" if step == PHONE else super().unexpected_reason(step, answer)
        )

    # Consent.

    async def on_consent(self, turn: Offer, answer: Press) -> None:
        turn.drop()
        if answer.argument != "yes":
            turn.say("offer.consent_refused")
            turn.end()
            return
        turn.person = await self.consents.give(turn.person, TRIP)
        turn.say("offer.intro")
        turn.ask(ORIGIN)

    # Every week, or once.

    async def on_how_often(self, turn: Offer, answer: Press) -> None:
        if answer.argument not in ("weekly", "once"):
            self.other_step(turn)
            return
        turn.drop()
        once = answer.argument == "once"
        await self._how_often(turn, TripWhen(once=once, weekly=not once))

    async def on_how_often_words(self, turn: Offer, answer: Words) -> None:
        understood = understand_trip_when(answer.text, turn.today())
        if understood is None:
            text = Text("rides.how_often_not_understood", {"text": echo(answer.text)})
            turn.show(Question(text, how_often_rows()))
            return
        await self._how_often(turn, understood)

    async def _how_often(self, turn: Offer, when: TripWhen) -> None:
        if when.date is not None:
            self._set_date(turn, when.date, when.at)
        elif when.weekdays:
            turn.change(one_off=False, date=None, weekdays=when.weekdays)
            await self.days_chosen(turn)
        elif when.once:
            turn.change(one_off=True, weekdays=frozenset())
            turn.ask(ON_DATE)
        else:
            turn.change(one_off=False, date=None)
            turn.ask(DAYS)

    async def days_chosen(self, turn: Offer) -> None:
        # Days chosen make a regular trip (also for a draft begun before trips made once).
        turn.change(one_off=False, date=None)
        await super().days_chosen(turn)

    async def on_date(self, turn: Offer, answer: Press) -> None:
        if answer.argument not in ("today", "tomorrow"):
            self.other_step(turn)
            return
        turn.drop()
        today = turn.today()
        self._set_date(
            turn, today + timedelta(days=1) if answer.argument == "tomorrow" else today, None
        )

    async def on_date_words(self, turn: Offer, answer: Words) -> None:
        understood = understand_trip_date(answer.text, turn.today())
        if understood is None or understood.date is None:
            turn.show(
                Question(
                    Text("rides.date_not_understood", {"text": echo(answer.text)}), date_rows()
                )
            )
            return
        self._set_date(turn, understood.date, understood.at)

    def _set_date(self, turn: Offer, day: date, at: time | None) -> None:
        try:
            turn.change(one_off=True, weekdays=frozenset(), date=day, today=turn.today(), now=None)
        except InvalidInput:
            turn.show(Question(Text("rides.date_in_past", {"date": day}), date_rows()))
            return
        turn.say(date_set("rides.date_set", day, turn.today()), date=day)
        if at is not None and not turn.state.editing:
            try:
                turn.change(departure=at, now=turn.now_time())
            except InvalidInput as problem:
                if problem.reason == "departure_passed":
                    self._departure_passed(turn, at)
                self.advance(turn, ON_DATE)
                return
            turn.say("offer.time_set", time=at)
            self.advance(turn, TIME)
            return
        self.advance(turn, ON_DATE)

    # Times.

    async def on_time_words(self, turn: Offer, answer: Words) -> None:
        wish = read_time_wish(answer.text)
        departure = wish.at if wish is not None else None
        if departure is None:
            turn.say("steps.time_not_understood", text=echo(answer.text))
            return
        try:
            turn.change(departure=departure, today=turn.today(), now=turn.now_time())
        except InvalidInput as problem:
            if problem.reason == "departure_passed":
                self._departure_passed(turn, departure)
            elif turn.draft.return_time is not None:
                turn.say("offer.departure_after_return", back=turn.draft.return_time)
            return
        turn.say("offer.time_set", time=departure)
        self.advance(turn, TIME)

    def _departure_passed(self, turn: Offer, departure: time) -> None:
        """A trip made today, leaving at a time already gone: said plainly, asked again."""
        turn.say("rides.departure_passed", time=departure, now=turn.now_time())

    def gone_by(self, turn: Offer, problem: InvalidInput) -> InvalidInput:
        """At the summary, a date or a departure gone by meanwhile (a draft kept overnight):
        said plainly; the question to ask again."""
        draft = turn.draft
        if problem.reason == "departure_passed" and draft.departure is not None:
            self._departure_passed(turn, draft.departure)
            return InvalidInput("departure", problem.reason)
        if problem.reason == "date_in_past" and draft.date is not None:
            turn.say("rides.date_gone", date=draft.date)
            return InvalidInput("date", problem.reason)
        return problem

    async def on_return_words(self, turn: Offer, answer: Words) -> None:
        typed = answer.text
        wish = read_time_wish(typed)
        back = wish.at if wish is not None else None
        if back is None and (read_yes_no(typed) is False or _says_no_return(typed)):
            await self.on_no_return(turn, Press("noreturn"))
            return
        if back is None:
            turn.say("steps.time_not_understood", text=echo(typed))
            return
        try:
            turn.change(return_time=back)
        except InvalidInput:
            if turn.draft.departure is not None:
                turn.say("offer.return_before_departure", departure=turn.draft.departure)
            return
        turn.say("offer.return_set", time=back)
        self.advance(turn, RETURN)

    async def on_no_return(self, turn: Offer, answer: Press) -> None:
        turn.drop()
        turn.change(return_time=None)
        turn.say("offer.no_return_set")
        self.advance(turn, RETURN)

    # Seats and note.

    async def on_seats(self, turn: Offer, answer: Press) -> None:
        turn.drop()
        self._set_seats(turn, answer.argument)

    async def on_seats_words(self, turn: Offer, answer: Words) -> None:
        self._set_seats(turn, answer.text)

    def _set_seats(self, turn: Offer, typed: str) -> None:
        seats = read_number(typed)  # "3", "3 places", "trois"
        try:
            if seats is None:
                raise ValueError(typed)
            turn.change(seats=seats)
        except (ValueError, InvalidInput):
            turn.show(Question(Text("offer.seats_invalid", {"max": MAX_SEATS}), seats_rows()))
            return
        turn.say("offer.seats_set", seats=turn.draft.seats or 0)
        self.advance(turn, SEATS)

    async def on_note_words(self, turn: Offer, answer: Words) -> None:
        typed = answer.text
        if read_yes_no(typed, strict=True) is False:  # "non", "rien": no message
            turn.change(note=None)
            self.advance(turn, NOTE)
            return
        if len(typed.strip()) > MAX_NOTE_LENGTH:
            turn.say("offer.note_too_long", max=MAX_NOTE_LENGTH, length=len(typed))
            return
        turn.change(note=typed)
        self.advance(turn, NOTE)

    def advance(self, turn: Offer, step: str) -> None:
        if step == NOTE and not self.for_caller and turn.person.by_sms:
            # Texting from their phone: that number is how passengers reach them (they
            # agreed to it when they first texted), there is nothing to choose.
            step = CONTACT
        super().advance(turn, step)

    async def on_skip_note(self, turn: Offer, answer: Press) -> None:
        turn.drop()
        turn.change(note=None)
        self.advance(turn, NOTE)

    # How passengers reach the driver.

    async def on_contact_choice(self, turn: Offer, answer: Press) -> None:
        turn.drop()
        if answer.argument == "phone":
            turn.ask(PHONE_VISIBLE if turn.person.phone else PHONE)
            return
        turn.person = await self.people.set_phone(turn.person, None, visible=False)
        self.advance(turn, CONTACT)

    async def on_contact_words(self, turn: Offer, answer: Words) -> None:
        """ "Telegram seulement", "non" → Telegram only; "oui", "mon téléphone", or the number
        itself → the phone too."""
        phone = read_phone(answer.text)
        if phone is not None:
            await self._phone_typed(turn, phone)
            return
        choice = _contact_choice(answer.text)
        if choice is None:
            self.not_understood(turn, answer.text)
            return
        await self.on_contact_choice(turn, Press(f"contact:{choice}"))

    async def _phone_typed(self, turn: Offer, phone: str) -> None:
        turn.person = await self.people.set_phone(turn.person, phone, visible=False)
        turn.say("offer.phone_received", clear=True)
        turn.ask(PHONE_VISIBLE)

    async def on_phone_contact(self, turn: Offer, answer: SharedContact) -> None:
        if not answer.own:
            turn.say("offer.phone_not_yours")
            return
        turn.person = await self.people.set_phone(turn.person, answer.phone, visible=False)
        turn.say("offer.phone_received", clear=True)
        self.advance(turn, PHONE)

    async def on_phone_words(self, turn: Offer, answer: Words) -> None:
        phone = read_phone(answer.text)
        if phone is not None:  # typed "06 12 34 56 78" rather than shared
            await self._phone_typed(turn, phone)
            return
        if "telegram" in fold(answer.text) or read_yes_no(answer.text) is False:
            turn.say("offer.telegram_only_set", clear=True)
            self.advance(turn, PHONE_VISIBLE)
            return
        turn.show(Question(Text("offer.phone_use_button"), expect=Expect.PHONE))

    async def on_phone_visible(self, turn: Offer, answer: Press) -> None:
        turn.drop()
        person = turn.person
        if answer.argument == "yes" and person.phone:
            turn.person = await self.people.set_phone(person, person.phone, visible=True)
        else:
            # Not shown means not kept: the number was only asked for passengers.
            turn.person = await self.people.set_phone(person, None, visible=False)
        self.advance(turn, PHONE_VISIBLE)

    # Summary.

    async def confirm(self, turn: Offer, answer: Press) -> None:
        try:
            turn.change(today=turn.today(), now=turn.now_time())
            new_trip = turn.draft.complete()
        except InvalidInput as problem:
            self.ask_missing(turn, self.gone_by(turn, problem))
            return
        turn.drop()
        turn.end()
        if self.for_caller:
            driver, registered = await self.operators.register_driver(
                turn.person, self.caller_of(turn), new_trip
            )
            turn.say(
                "behalf_driver.saved", clear=True, name=driver.display_name, trip=registered.trip
            )
        else:
            registered = await self.trips.register(turn.person, new_trip)
            turn.say("offer.saved", clear=True, trip=registered.trip)
        turn.notify(registered.notices)


def how_often_rows() -> tuple[tuple[Option, ...], ...]:
    return (
        (Option("often:weekly", Text("rides.button_weekly")),),
        (Option("often:once", Text("rides.button_once")),),
    )


def date_rows() -> tuple[tuple[Option, ...], ...]:
    return (
        (
            Option("date:today", Text("button.today")),
            Option("date:tomorrow", Text("button.tomorrow")),
        ),
    )


def seats_rows() -> tuple[tuple[Option, ...], ...]:
    return (tuple(Option(f"seats:{n}", str(n)) for n in range(1, 5)),)


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
