"""/chercher (/find): a person without a car describes a need, then sees the drivers."""

from __future__ import annotations

from datetime import date, timedelta

from telegram import Update
from telegram.ext import (
    ConversationHandler,
    MessageHandler,
)

from bot.dateparse import parse_day_and_time
from bot.domain import InvalidInput, NeedDraft, Person, Purpose, SpecialNeed, TimeMode
from bot.places.model import Resolution
from bot.timeparse import parse_time
from handlers import keyboards as kb
from handlers import render
from handlers.conversation import (
    DAYS,
    DESTINATION,
    ORIGIN,
    TEXT,
    Context,
    DraftConversation,
    Session,
    State,
    text_of,
)
from handlers.replies import drop_keyboard, send

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
                MODE: [button("mode", self.on_mode)],
                TIME: [MessageHandler(TEXT, self.on_time_text)],
                PURPOSE: [button("purpose", self.on_purpose)],
                SPECIAL: [button("special", self.on_special)],
                SUMMARY: self.summary_handlers(),
            },
        )

    async def begin(
        self, update: Update, context: Context, person: Person, session: FindSession
    ) -> State:
        await send(update, context, self.t(person.language, "find.intro"))
        return await self.ask(update, context, person, session, ORIGIN)

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
    ) -> Resolution | None:
        """ "cahors demain 9h": the place, and the day and time said with it."""
        words = typed.split()
        for cut in range(len(words) - 1, 0, -1):
            rest = " ".join(words[cut:])
            parsed = parse_day_and_time(rest, self.deps.today())
            if parsed is None:
                continue
            resolution = await self.deps.places.resolve(" ".join(words[:cut]))
            if resolution.unique is None:
                return None
            day, at = parsed
            try:
                self.change(session, travel_date=day, regular=False, today=self.deps.today())
            except InvalidInput:
                return None  # a past day: asked again at its own step
            if at is not None:
                self.change(session, at=at)
            lang = person.language
            await send(update, context, self.t(lang, "find.date_set", date=self.t.date(lang, day)))
            return resolution
        return None

    async def advance(
        self, update: Update, context: Context, person: Person, session: FindSession, step: str
    ) -> State:
        if step == DESTINATION and session.draft.travel_date and not session.editing:
            # The day came with a place ("cahors demain 9h"): no need to ask it.
            return await super().advance(update, context, person, session, WHEN)
        return await super().advance(update, context, person, session, step)

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
        parsed = parse_day_and_time(text_of(update), self.deps.today())
        if parsed is None:
            text = self.t(person.language, "find.when_not_understood", text=text_of(update))
            await send(
                update, context, text, kb.when_choice(self.t, person.language, session.nonce)
            )
            return None
        day, at = parsed
        if at is not None:
            session.draft = session.draft.with_(at=at)
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

    async def on_time_text(self, update: Update, context: Context) -> State:
        loaded = await self.session(update, context)
        if loaded is None:
            return ConversationHandler.END
        person, session = loaded
        at = parse_time(text_of(update))
        if at is None:
            text = self.t(person.language, "steps.time_not_understood", text=text_of(update))
            await send(update, context, text)
            return None
        self.change(session, at=at)
        await self._time_said(update, context, person, session)
        return await self.advance(update, context, person, session, TIME)

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

    # Summary.

    async def on_confirm(self, update: Update, context: Context) -> State:
        pressed = await self.pressed(update, context)
        if pressed is None:
            return None
        person, session, _ = pressed
        try:
            self.change(session, today=self.deps.today())
            new_need = session.draft.complete()
        except InvalidInput as problem:
            return await self.ask_missing(update, context, person, session, problem)
        await drop_keyboard(update)
        self.clear(context)
        search = await self.deps.finding.submit(person, new_need)
        await self.notifier.write(context, search.notices)
        return ConversationHandler.END
