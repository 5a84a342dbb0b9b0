"""/chercher (/find): a person without a car describes a need, then sees the drivers."""

from __future__ import annotations

from collections.abc import Callable
from datetime import date, time, timedelta
from typing import ClassVar

from telegram import Message, Update
from telegram.ext import (
    ConversationHandler,
    MessageHandler,
)
from telegram.ext.filters import MessageFilter

from bot.domain import InvalidInput, NeedDraft, Person, Purpose, SpecialNeed, TimeMode
from bot.services.places import PlaceReading, to_ref
from bot.understand import (
    TimeWish,
    read_day_and_time,
    read_purpose,
    read_request,
    read_special_needs,
    read_time_wish,
    read_weekdays,
    says_regular,
)
from handlers import keyboards as kb
from handlers import render
from handlers.conversation import (
    DAYS,
    DESTINATION,
    ORIGIN,
    TEXT,
    Context,
    DraftConversation,
    Handlers,
    Session,
    State,
    text_of,
)
from handlers.replies import drop_keyboard, send
from i18n import Html

WHEN, MODE, TIME, PURPOSE, SPECIAL, SUMMARY = (
    "when",
    "mode",
    "time",
    "purpose",
    "special",
    "summary",
)
FindSession = Session[NeedDraft]


class FindConversation(DraftConversation[NeedDraft]):
    name = "find"
    commands = ["chercher", "find"]
    kind = kb.FIND
    draft_type = NeedDraft
    next_step = {
        ORIGIN: DESTINATION,
        DESTINATION: WHEN,
        WHEN: MODE,
        DAYS: MODE,
        MODE: TIME,
        TIME: PURPOSE,
        PURPOSE: SPECIAL,
        SPECIAL: SUMMARY,
    }
    button_steps = frozenset({MODE, PURPOSE, SPECIAL, SUMMARY})
    # Correcting the time asks "leave after / arrive before" and then the time itself.
    chained_steps = frozenset({MODE})
    summary_fields = kb.FIND_SUMMARY_FIELDS
    step_of_field = {"travel_date": WHEN, "draft": WHEN, "time_mode": MODE, "at": MODE}

    def handler(self) -> ConversationHandler[Context]:
        button = self.button
        return self.conversation(
            {
                ORIGIN: self.place_handlers(ORIGIN),
                DESTINATION: self.place_handlers(DESTINATION),
                WHEN: [button("when", self.on_when), MessageHandler(TEXT, self.on_when_text)],
                DAYS: self.days_handlers(),
                MODE: [button("mode", self.on_mode), MessageHandler(TEXT, self.on_mode_text)],
                TIME: [MessageHandler(TEXT, self.on_time_text)],
                PURPOSE: [
                    button("purpose", self.on_purpose),
                    self.words(PURPOSE, _purpose, self.on_purpose),
                ],
                SPECIAL: [
                    button("special", self.on_special),
                    MessageHandler(TEXT, self.on_special_text),
                ],
                SUMMARY: self.summary_handlers(),
            },
        )

    async def begin(
        self, update: Update, context: Context, person: Person, session: FindSession
    ) -> State:
        await send(update, context, self.t(person.language, "find.intro"))
        return await self.ask(update, context, person, session, ORIGIN)

    # A trip asked in one message, before any command: "cahors demain 9h".

    words_start: ClassVar[bool] = True

    def more_entry_points(self) -> Handlers:
        if not self.words_start:
            return []
        return [MessageHandler(TEXT & _Request(self.deps.today), self.start_from_words)]

    async def start_from_words(self, update: Update, context: Context) -> State:
        answered, state = await self.answer_pending(update, context)
        if answered:
            return state  # open already: the words answer its question
        person = await self.deps.person(update)
        request = read_request(text_of(update), self.deps.today())
        if request is None or await self.other_open(update, context, person):
            return ConversationHandler.END
        lang, t = person.language, self.t
        session = self.new_session()
        await send(update, context, t(lang, "words.request_understood"))
        if request.day is not None:
            try:
                self.change(
                    session, travel_date=request.day, regular=False, today=self.deps.today()
                )
                await send(
                    update, context, t(lang, "find.date_set", date=t.date(lang, request.day))
                )
            except InvalidInput:
                pass  # a day gone by: asked at its own step
        self.take_wish(session, request.wish)
        if session.draft.time_mode is not None and session.draft.at is not None:
            await self._time_said(update, context, person, session)
        for step, typed in ((DESTINATION, request.destination), (ORIGIN, request.origin)):
            reading = await self.deps.places.understand(typed) if typed else None
            if reading is None or reading.taken is None:
                continue
            place = to_ref(reading.taken, reading.name)
            try:
                self.change(session, **{step: place})
            except InvalidInput:
                continue  # the same place twice: asked again
            shown = Html(render.place(t, lang, place))
            await send(update, context, t(lang, f"steps.{step}_set", place=shown))
            session.others = {**session.others, step: [to_ref(p) for p in reading.others]}
            await self.offer_others(update, context, person, session, step, place)
        self.save(context, session)
        if session.draft.origin is None:
            return await self.ask(update, context, person, session, ORIGIN)
        return await self.advance(update, context, person, session, ORIGIN)

    async def ask(
        self, update: Update, context: Context, person: Person, session: FindSession, step: str
    ) -> State:
        lang, t, nonce, draft = person.language, self.t, session.nonce, session.draft
        if step in (ORIGIN, DESTINATION):
            await self.ask_place(update, context, person, step)
        elif step == WHEN:
            await send(update, context, t(lang, "find.ask_when"), kb.when_choice(t, lang, nonce))
        elif step == DAYS:
            await self.ask_days(update, context, person, session, "find.ask_days")
        elif step == MODE:
            await send(update, context, t(lang, "find.ask_mode"), kb.mode_choice(t, lang, nonce))
        elif step == TIME:
            mode = (draft.time_mode or TimeMode.LEAVE_AFTER).value
            await send(update, context, t(lang, f"find.ask_time_{mode}"))
        elif step == PURPOSE:
            markup = kb.purposes(t, lang, nonce, [p.value for p in Purpose])
            await send(update, context, t(lang, "find.ask_purpose"), markup)
        elif step == SPECIAL:
            selected = frozenset(s.value for s in draft.special_needs)
            markup = kb.special_needs(t, lang, nonce, [s.value for s in SpecialNeed], selected)
            await send(update, context, t(lang, "find.ask_special"), markup)
        elif step == SUMMARY:
            self._ask_partners_early(draft)
            markup = kb.summary(
                t, lang, nonce, kind=kb.FIND, fields=kb.FIND_SUMMARY_FIELDS,
                confirm="button.confirm_need",
            )  # fmt: skip
            await send(update, context, render.need_summary(t, lang, draft), markup)
        return step

    def _ask_partners_early(self, draft: NeedDraft) -> None:
        """Other platforms are asked while the person reads the summary (their answers
        come after our drivers', once confirmed): a slow partner then delays nothing."""
        try:
            need = draft.complete()
        except InvalidInput:
            return
        self.deps.finding.prefetch(need)

    async def place_with_more(
        self, update: Update, context: Context, person: Person, session: FindSession, typed: str
    ) -> PlaceReading | None:
        """ "cahors demain 9h": the place, and the day and time said with it."""
        words = typed.split()
        for cut in range(len(words) - 1, 0, -1):
            rest = " ".join(words[cut:])
            parsed = read_day_and_time(rest, self.deps.today())
            if parsed is None:
                continue
            reading = await self.deps.places.understand(" ".join(words[:cut]))
            if reading.taken is None:
                return None
            day, wish = parsed
            try:
                self.change(session, travel_date=day, regular=False, today=self.deps.today())
            except InvalidInput:
                return None  # a past day: asked again at its own step
            self.take_wish(session, wish)
            lang = person.language
            await send(update, context, self.t(lang, "find.date_set", date=self.t.date(lang, day)))
            return reading
        return None

    def take_wish(self, session: FindSession, wish: TimeWish | None) -> None:
        if wish is not None and wish.at is not None:
            self.change(session, at=wish.at)
        if wish is not None and wish.mode is not None:
            self.change(session, time_mode=wish.mode)

    async def advance(
        self, update: Update, context: Context, person: Person, session: FindSession, step: str
    ) -> State:
        if not session.editing and session.back_to is None:
            # What came with other words ("cahors demain 9h") is not asked again.
            while step in self.next_step and self._answered(session, self.next_step[step]):
                step = self.next_step[step]
        return await super().advance(update, context, person, session, step)

    @staticmethod
    def _answered(session: FindSession, step: str) -> bool:
        draft = session.draft
        if step == ORIGIN:
            return draft.origin is not None
        if step == DESTINATION:
            return draft.destination is not None
        if step == WHEN:
            return draft.travel_date is not None
        if step == MODE:
            return draft.time_mode is not None
        if step == TIME:
            return draft.time_mode is not None and draft.at is not None
        return False

    # When.

    async def on_when(self, update: Update, context: Context) -> State:
        pressed = await self.pressed(update, context)
        if pressed is None:
            return None
        person, session, data = pressed
        choice = data.part(2)
        await drop_keyboard(update)
        if choice == "regular":
            self.change(session, regular=True, travel_date=None)
            self.save(context, session)
            return await self.ask(update, context, person, session, DAYS)
        today = self.deps.today()
        day = today + timedelta(days=1) if choice == "tomorrow" else today
        return await self._set_date(update, context, person, session, day)

    async def on_when_text(self, update: Update, context: Context) -> State:
        loaded = await self.session(update, context)
        if loaded is None:
            return ConversationHandler.END
        person, session = loaded
        typed = text_of(update)
        parsed = read_day_and_time(typed, self.deps.today())
        days = read_weekdays(typed) if parsed is None or says_regular(typed) else None
        if days is not None or says_regular(typed):
            # "chaque semaine", "en semaine", "ben comme d'habitude, le lundi".
            self.change(session, regular=True, travel_date=None, weekdays=days or frozenset())
            if days is None:
                self.save(context, session)
                return await self.ask(update, context, person, session, DAYS)
            return await self.days_chosen(update, context, person, session)
        if parsed is None:
            text = self.t(person.language, "find.when_not_understood", text=typed)
            await send(
                update, context, text, kb.when_choice(self.t, person.language, session.nonce)
            )
            return None
        day, wish = parsed
        self.take_wish(session, wish)
        return await self._set_date(update, context, person, session, day)

    async def _set_date(
        self, update: Update, context: Context, person: Person, session: FindSession, day: date
    ) -> State:
        lang = person.language
        try:
            self.change(
                session,
                travel_date=day,
                regular=False,
                weekdays=frozenset(),
                today=self.deps.today(),
            )
        except InvalidInput:
            text = self.t(lang, "find.date_in_past", date=self.t.date(lang, day))
            await send(update, context, text, kb.when_choice(self.t, lang, session.nonce))
            return None
        assert session.draft.travel_date is not None
        await send(
            update,
            context,
            self.t(lang, "find.date_set", date=self.t.date(lang, session.draft.travel_date)),
        )
        return await self.advance(update, context, person, session, WHEN)

    # Time.

    async def on_mode(self, update: Update, context: Context) -> State:
        pressed = await self.pressed(update, context)
        if pressed is None:
            return None
        person, session, data = pressed
        choice = data.part(2)
        if choice not in (TimeMode.LEAVE_AFTER.value, TimeMode.ARRIVE_BEFORE.value):
            return await self.other_step(update, context, person, session, MODE)
        await drop_keyboard(update)
        self.change(session, time_mode=TimeMode(choice))
        if session.draft.at is not None and not session.editing:
            # The time came with the day ("demain 9h"): say it back and go on.
            await self._time_said(update, context, person, session)
            return await self.advance(update, context, person, session, TIME)
        return await self.advance(update, context, person, session, MODE)

    async def on_mode_text(self, update: Update, context: Context) -> State:
        """ "avant 9h" answers "leave after or arrive before?" and the time at once."""
        loaded = await self.session(update, context)
        if loaded is None:
            return ConversationHandler.END
        person, session = loaded
        wish = read_time_wish(text_of(update))
        if wish is None:
            return await self.not_understood(update, context, person, session, MODE)
        if wish.at is not None:
            self.change(session, at=wish.at)
        if wish.mode is None and wish.at is not None:
            # A time without "before" or "after": asked again, the time kept.
            self.save(context, session)
            lang = person.language
            text = self.t(lang, "words.before_or_after", time=self.t.time(lang, wish.at))
            await send(update, context, text, kb.mode_choice(self.t, lang, session.nonce))
            return None
        if wish.mode is None:
            return await self.not_understood(update, context, person, session, MODE)
        self.change(session, time_mode=wish.mode)
        if wish.at is not None or (session.draft.at is not None and not session.editing):
            await self._time_said(update, context, person, session)
            return await self.advance(update, context, person, session, TIME)
        return await self.advance(update, context, person, session, MODE)

    async def on_time_text(self, update: Update, context: Context) -> State:
        loaded = await self.session(update, context)
        if loaded is None:
            return ConversationHandler.END
        person, session = loaded
        wish = read_time_wish(text_of(update))
        if wish is None or wish.at is None:
            text = self.t(person.language, "steps.time_not_understood", text=text_of(update))
            await send(update, context, text)
            return None
        try:
            self.take_wish(session, wish)
            self.change(session, today=self.deps.today(), now=self.deps.now_time())
        except InvalidInput:
            await self._time_passed(update, context, person, wish.at)
            return None
        await self._time_said(update, context, person, session)
        return await self.advance(update, context, person, session, TIME)

    async def _time_passed(
        self, update: Update, context: Context, person: Person, at: time
    ) -> None:
        """Arriving before a time already gone by today: said plainly, the time asked again."""
        lang = person.language
        text = self.t(
            lang, "rides.time_passed", time=self.t.time(lang, at),
            now=self.t.time(lang, self.deps.now_time()),
        )  # fmt: skip
        await send(update, context, text)

    async def _time_said(
        self, update: Update, context: Context, person: Person, session: FindSession
    ) -> None:
        draft, lang = session.draft, person.language
        assert draft.time_mode and draft.at
        text = self.t(
            lang, f"find.time_set_{draft.time_mode.value}", time=self.t.time(lang, draft.at)
        )
        await send(update, context, text)

    # Purpose and special needs.

    async def on_purpose(self, update: Update, context: Context) -> State:
        pressed = await self.pressed(update, context)
        if pressed is None:
            return None
        person, session, data = pressed
        choice = data.part(2)
        if choice not in {p.value for p in Purpose}:
            return await self.other_step(update, context, person, session, PURPOSE)
        await drop_keyboard(update)
        self.change(session, purpose=Purpose(choice))
        return await self.advance(update, context, person, session, PURPOSE)

    async def on_special(self, update: Update, context: Context) -> State:
        pressed = await self.pressed(update, context)
        if pressed is None:
            return None
        person, session, data = pressed
        choice = data.part(2)
        if choice in ("ok", "none"):
            if choice == "none":
                self.change(session, special_needs=frozenset())
            await drop_keyboard(update)
            return await self.advance(update, context, person, session, SPECIAL)
        if choice not in {s.value for s in SpecialNeed}:
            return await self.other_step(update, context, person, session, SPECIAL)
        self.change(session, special_needs=session.draft.special_needs ^ {SpecialNeed(choice)})
        self.save(context, session)
        query = update.callback_query
        assert query is not None
        selected = frozenset(s.value for s in session.draft.special_needs)
        markup = kb.special_needs(
            self.t, person.language, session.nonce, [s.value for s in SpecialNeed], selected
        )
        await query.edit_message_reply_markup(markup)
        return None

    async def on_special_text(self, update: Update, context: Context) -> State:
        """ "non", "rien" → none; "un fauteuil roulant" → that one; then the summary."""
        loaded = await self.session(update, context)
        if loaded is None:
            return ConversationHandler.END
        person, session = loaded
        needs = read_special_needs(text_of(update))
        if needs is None:
            return await self.not_understood(update, context, person, session, SPECIAL)
        self.change(session, special_needs=needs)
        return await self.advance(update, context, person, session, SPECIAL)

    # Summary.

    async def on_confirm(self, update: Update, context: Context) -> State:
        pressed = await self.pressed(update, context)
        if pressed is None:
            return None
        person, session, _ = pressed
        try:
            self.change(session, today=self.deps.today(), now=self.deps.now_time())
            new_need = session.draft.complete()
        except InvalidInput as problem:
            if problem.reason == "time_passed" and session.draft.at is not None:
                await self._time_passed(update, context, person, session.draft.at)
                problem = InvalidInput("at", "time_passed")
            return await self.ask_missing(update, context, person, session, problem)
        await drop_keyboard(update)
        self.clear(context)
        search = await self.deps.finding.submit(person, new_need)
        await self.notifier.write(context, search.notices)
        return ConversationHandler.END


def _purpose(typed: str) -> str | None:
    purpose = read_purpose(typed)
    return f"purpose:{purpose.value}" if purpose else None


class _Request(MessageFilter):
    """A message that asks for a trip in one go (it names a day): "cahors demain 9h"."""

    def __init__(self, today: Callable[[], date]) -> None:
        super().__init__(name="trip request")
        self._today = today

    def filter(self, message: Message) -> bool:
        return read_request(message.text or "", self._today()) is not None
