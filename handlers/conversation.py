"""What the step-by-step conversations share (/proposer, /chercher).

A conversation keeps its draft in `user_data[<name>]` (persisted in SQLite with the
conversation state), so a restart resumes at the same question with every answer kept. Its
buttons carry a nonce: a button from an earlier, finished conversation is recognised as stale.
Each step accepts what a person may send: the expected answer moves on; anything else gets a
clear message and the same question again. Places and weekdays are asked the same way in
every conversation, so their steps live here.
"""

from __future__ import annotations

import secrets
from collections.abc import Callable, Coroutine
from typing import Any, ClassVar, Generic, TypeVar, cast

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
from telegram.ext.filters import MessageFilter

from bot.domain import (
    WORKING_DAYS,
    InvalidInput,
    NeedDraft,
    Person,
    PlaceRef,
    TripDraft,
    Weekday,
)
from bot.places.model import PlaceMatch, Resolution
from bot.services.places import MAX_PLACE_TEXT, PlaceReading, to_ref
from bot.understand import (
    may_say_another,
    read_another,
    read_choice,
    read_summary,
    read_weekdays,
    read_yes_no,
)
from handlers import keyboards as kb
from handlers import render
from handlers.deps import Deps
from handlers.notify import Notifier
from handlers.replies import answer_button, drop_keyboard, not_text_reason, send
from i18n import Html

Context = ContextTypes.DEFAULT_TYPE
# What a step returns: the name of the next step, None to stay at this one, or
# ConversationHandler.END (an int) to finish.
State = str | int | None
# PTB wants coroutine functions (its HandlerCallback), not any callable returning an awaitable.
Callback = Callable[[Update, Context], Coroutine[Any, Any, State]]
# ConversationHandler takes handlers of any return type (BaseHandler is invariant in it).
Handler = BaseHandler[Update, Context, object]
Handlers = list[Handler]
D = TypeVar("D", TripDraft, NeedDraft)

ORIGIN, DESTINATION, DAYS = "origin", "destination", "days"
NONCE = "[0-9a-f]+"
CONVERSATION_NAMES = frozenset({"offer", "find", "behalf_need", "behalf_driver", "aids"})
CONVERSATION_COMMANDS = [
    "proposer", "offer", "chercher", "find", "demande", "request", "conducteur", "driver",
    "aides", "aids", "aidepour", "applyfor",
]  # fmt: skip
PRIVATE = filters.ChatType.PRIVATE
TEXT = PRIVATE & filters.TEXT & ~filters.COMMAND


class Session(BaseModel, Generic[D]):
    nonce: str
    draft: D
    choices: list[PlaceRef] = []
    editing: bool = False
    # Who the conversation is about, when an operator speaks for someone who phoned.
    caller: dict[str, Any] = {}
    # A place taken without asking, per step: its namesakes, for "another one".
    others: dict[str, list[PlaceRef]] = {}
    # The question to come back to once "another one" is chosen.
    back_to: str | None = None
    # The question waiting for an answer, asked again after /aide or /mestrajets.
    pending: str | None = None


async def open_elsewhere(deps: Deps, context: Context, person: Person, me: str) -> str | None:
    """The conversation other than `me` that the person has open, if any: one written here
    (its draft in the chat data) or one of the engine's (bot/conversations)."""
    for other in CONVERSATION_NAMES - {me}:
        if context.user_data and other in context.user_data:
            return other
    current = await deps.conversations.current(person)
    return current.flow if current is not None and current.flow != me else None


def text_of(update: Update) -> str:
    return (update.message.text if update.message else None) or ""


def yes_no_words(action: str) -> Callable[[str], str | None]:
    """ "oui" / "non" typed for a yes-no question's buttons."""

    def read(typed: str) -> str | None:
        answer = read_yes_no(typed)
        return None if answer is None else f"{action}:{'yes' if answer else 'no'}"

    return read


class DraftConversation(Generic[D]):
    name: ClassVar[str]  # also the user_data key, the catalog prefix and the /start button
    kind: ClassVar[str]  # the callback-data prefix of its buttons
    commands: ClassVar[list[str]]  # French and English
    draft_type: ClassVar[type]
    next_step: ClassVar[dict[str, str]]
    summary_step: ClassVar[str] = "summary"
    button_steps: ClassVar[frozenset[str]] = frozenset()
    # Steps after which a correction does not yet return to the summary.
    chained_steps: ClassVar[frozenset[str]] = frozenset()
    # The summary's "correct" buttons, and the step that asks a field again.
    summary_fields: ClassVar[tuple[str, ...]] = ()
    step_of_field: ClassVar[dict[str, str]] = {}

    def __init__(self, deps: Deps, notifier: Notifier) -> None:
        self.deps = deps
        self.t = deps.t
        self.notifier = notifier
        # Typed answers understood as a button of the question, while they are handled.
        self._typed: dict[int, kb.Callback] = {}

    # To be written by each conversation.

    async def ask(
        self, update: Update, context: Context, person: Person, session: Session[D], step: str
    ) -> State:
        raise NotImplementedError

    async def begin(
        self, update: Update, context: Context, person: Person, session: Session[D]
    ) -> State:
        raise NotImplementedError

    # Sessions.

    def new_session(self, **draft: Any) -> Session[D]:
        return Session[self.draft_type](  # type: ignore[name-defined]
            nonce=secrets.token_hex(3), draft=self.draft_type(**draft)
        )

    def load(self, context: Context) -> Session[D] | None:
        data = (context.user_data or {}).get(self.name)
        if not data:
            return None
        try:
            return Session[self.draft_type].model_validate(data)  # type: ignore[name-defined]
        except ValidationError:
            return None

    def save(self, context: Context, session: Session[D]) -> None:
        assert context.user_data is not None
        context.user_data[self.name] = session.model_dump(mode="json")

    def clear(self, context: Context) -> None:
        if context.user_data is not None:
            context.user_data.pop(self.name, None)

    # Assembly.

    def button(self, action: str, callback: Callback) -> Handler:
        return CallbackQueryHandler(callback, pattern=kb.pattern(self.kind, NONCE, action))

    def place_handlers(self, step: str) -> Handlers:
        return [
            MessageHandler(TEXT, self._place_text(step)),
            MessageHandler(PRIVATE & filters.LOCATION, self._place_location(step)),
            self.button("pick", self._place_pick(step)),
            self.button("retype", self._place_retype(step)),
        ]

    def summary_handlers(self) -> Handlers:
        """Confirm, correct a field, or give up: the last step of every conversation."""
        return [
            self.button("confirm", self.on_confirm),
            self.button("edit", self.on_edit),
            self.button("cancel", self.on_cancel_button),
            MessageHandler(TEXT, self.on_summary_text),
        ]

    def words(self, step: str, read: Callable[[str], str | None], callback: Callback) -> Handler:
        """Typed words where buttons are offered: `read` turns them into what a button of
        the question carries ("seats:3", "mode:arrive_before"), and `callback` takes them as
        if it had been pressed; words it cannot read get the question again."""

        async def handle(update: Update, context: Context) -> State:
            loaded = await self.session(update, context)
            if loaded is None:
                return ConversationHandler.END
            person, session = loaded
            part: str | None = read(text_of(update))
            if part is None:
                return await self.not_understood(update, context, person, session, step)
            self._typed[id(update)] = kb.Callback(self.kind, (session.nonce, *str(part).split(":")))
            try:
                return await callback(update, context)
            finally:
                self._typed.pop(id(update), None)

        return MessageHandler(TEXT, handle)

    async def not_understood(
        self, update: Update, context: Context, person: Person, session: Session[D], step: str
    ) -> State:
        text = self.t(person.language, "words.not_understood", text=text_of(update))
        await send(update, context, text)
        return await self.ask(update, context, person, session, step)

    async def on_summary_text(self, update: Update, context: Context) -> State:
        """ "oui" confirms, "annuler" gives up, "l'heure" corrects it; "non" asks what to
        correct."""
        loaded = await self.session(update, context)
        if loaded is None:
            return ConversationHandler.END
        person, session = loaded
        said: str | None = read_summary(text_of(update), self.summary_fields)
        if said is None:
            return await self.not_understood(update, context, person, session, self.summary_step)
        if said == "no":
            await send(update, context, self.t(person.language, "words.what_to_change"))
            return await self.ask(update, context, person, session, self.summary_step)
        self._typed[id(update)] = kb.Callback(self.kind, (session.nonce, *str(said).split(":")))
        try:
            if said == "confirm":
                return await self.on_confirm(update, context)
            if said == "cancel":
                return await self.on_cancel_button(update, context)
            return await self.on_edit(update, context)
        finally:
            self._typed.pop(id(update), None)

    async def on_confirm(self, update: Update, context: Context) -> State:
        raise NotImplementedError

    def days_handlers(self) -> Handlers:
        return [
            self.button("day", self.on_day),
            self.button("days", self.on_days),
            MessageHandler(TEXT, self.on_days_text),
        ]

    def conversation(self, states: dict[str, Handlers]) -> ConversationHandler[Context]:
        entry_points: Handlers = [
            CommandHandler(self.commands, self.start, filters=PRIVATE),
            CallbackQueryHandler(self.start, pattern=kb.pattern(kb.START, self.name)),
            *self.more_entry_points(),
        ]
        states = {**states, **self.more_states()}
        self._states = states
        for step, handlers in states.items():
            handlers.insert(0, MessageHandler(TEXT & _MaySayAnother(), self._another_typed(step)))
            handlers.append(self.button("other", self._another_place(step)))
            handlers.append(MessageHandler(PRIVATE & ~filters.COMMAND, self._unexpected(step)))
            handlers.append(
                CallbackQueryHandler(self._wrong_button(step), pattern=f"^{self.kind}:")
            )
        for handler in [*entry_points, *(h for hs in states.values() for h in hs)]:
            handler.callback = self._noting_pending(handler.callback)
        return ConversationHandler(
            entry_points=entry_points,
            # Its states are keyed by `object`, and a dict[str, ...] is not a dict[object, ...].
            states=dict(states.items()),
            fallbacks=[
                CommandHandler(["annuler", "cancel"], self.cancel),
                # Another conversation's door, while this one is open (its own door restarts it).
                CommandHandler(CONVERSATION_COMMANDS, self.busy, filters=PRIVATE),
                CallbackQueryHandler(self.busy, pattern=kb.pattern(kb.START)),
            ],
            name=self.name,
            persistent=True,
            allow_reentry=True,
        )

    def _noting_pending(self, callback: Any) -> Any:
        """Remember the question each answer leads to, to ask it again after a command
        taken in between (/aide, /mestrajets…)."""

        async def noted(update: Update, context: Context) -> State:
            state = await callback(update, context)
            data = (context.user_data or {}).get(self.name)
            if isinstance(state, str) and isinstance(data, dict):
                data["pending"] = state
            return state  # type: ignore[no-any-return]

        return noted

    async def ask_again(self, update: Update, context: Context) -> bool:
        """The pending question again, if this conversation is open (False if not)."""
        session = self.load(context)
        if session is None or session.pending is None:
            return False
        person = await self.deps.person(update)
        await send(update, context, self.t(person.language, "words.back_to_question"))
        await self.ask(update, context, person, session, session.pending)
        return True

    def more_entry_points(self) -> Handlers:
        """Other ways in than the command and the /start button."""
        return []

    async def answer_pending(self, update: Update, context: Context) -> tuple[bool, State]:
        """An update that an entry point took while this conversation is open: handled by
        the question it answers. (False, None) when no question is known to be pending."""
        session = self.load(context)
        if session is None or session.pending not in self._states:
            return False, None
        for handler in self._states[session.pending]:
            check = handler.check_update(update)
            if check is not None and check is not False:
                return True, cast(State, await handler.callback(update, context))
        return False, None

    def more_states(self) -> dict[str, Handlers]:
        """Steps a variant of the conversation adds before or after the usual ones."""
        return {}

    # Entry, exit.

    async def start(self, update: Update, context: Context) -> State:
        if update.callback_query:
            await update.callback_query.answer()
            await drop_keyboard(update)
        person = await self.deps.person(update)
        if await self.other_open(update, context, person):
            return ConversationHandler.END
        session = self.new_session()
        self.save(context, session)
        return await self.begin(update, context, person, session)

    async def other_open(self, update: Update, context: Context, person: Person) -> bool:
        """Another conversation is open: finish or cancel it first, lose nothing."""
        other = await open_elsewhere(self.deps, context, person, self.name)
        if other is not None:
            # The other conversation's own words (never this one's voice).
            await send(update, context, self.deps.t(person.language, f"{other}.busy"))
            return True
        return False

    async def cancel(self, update: Update, context: Context) -> State:
        person = await self.deps.person(update)
        self.clear(context)
        text = self.t(person.language, f"{self.name}.cancelled")
        await send(update, context, text, ReplyKeyboardRemove())
        return ConversationHandler.END

    async def busy(self, update: Update, context: Context) -> State:
        person = await self.deps.person(update)
        await answer_button(update)
        await send(update, context, self.t(person.language, f"{self.name}.busy"))
        return None

    async def on_cancel_button(self, update: Update, context: Context) -> State:
        if await self.pressed(update, context) is None:
            return None
        await drop_keyboard(update)
        return await self.cancel(update, context)

    async def advance(
        self, update: Update, context: Context, person: Person, session: Session[D], step: str
    ) -> State:
        """Ask the question after `step`, or go back to the summary after a correction."""
        following = self.next_step[step]
        if session.editing and step not in self.chained_steps:
            following = self.summary_step
        if session.back_to is not None:
            # "Another one" was chosen for a place answered before: back to where we were.
            following, session.back_to = session.back_to, None
        self.save(context, session)
        return await self.ask(update, context, person, session, following)

    def change(self, session: Session[D], **changes: Any) -> None:
        session.draft = session.draft.with_(**changes)

    # Places.

    async def ask_place(self, update: Update, context: Context, person: Person, step: str) -> None:
        lang = person.language
        await send(
            update,
            context,
            self.t(lang, f"{self.name}.ask_{step}"),
            kb.share_location(self.t, lang),
        )

    def _place_text(self, step: str) -> Callback:
        async def handle(update: Update, context: Context) -> State:
            loaded = await self.session(update, context)
            if loaded is None:
                return ConversationHandler.END
            person, session = loaded
            lang, t, typed = person.language, self.t, text_of(update)
            if len(typed) > MAX_PLACE_TEXT:
                await send(update, context, t(lang, "steps.place_too_long"))
                return None
            if session.choices:
                # Choices are shown: "le premier", "Gourdon (71)", "46" pick one of them.
                labels = [render.place_label(choice) for choice in session.choices]
                index = read_choice(typed, labels)
                if index is not None:
                    chosen = session.choices[index]
                    return await self.set_place(update, context, person, session, step, chosen)
            reading = await self.deps.places.understand(typed)
            if reading.taken is None and not reading.resolution.exact:
                more = await self.place_with_more(update, context, person, session, typed)
                reading = more or reading
            resolution = reading.resolution
            if reading.taken is not None:
                ref = to_ref(reading.taken, reading.name)
                session.others = {
                    **session.others,
                    step: [to_ref(place) for place in reading.others],
                }
                return await self.set_place(update, context, person, session, step, ref)
            candidates = self.closest_first(resolution)
            if not candidates:
                text = t(lang, "steps.place_unknown", text=typed)
                await send(update, context, text, kb.share_location(t, lang))
                return None
            session.choices = [to_ref(match.place) for match in candidates]
            self.save(context, session)
            homonyms = len(candidates) > 1 and all(match.exact for match in candidates)
            key = "steps.place_homonyms" if homonyms else "steps.place_suggestions"
            labels = [match.place.label for match in candidates]
            markup = kb.place_choices(t, lang, self.kind, session.nonce, labels)
            await send(update, context, t(lang, key, text=typed), markup)
            return None

        return handle

    def closest_first(self, resolution: Resolution) -> list[PlaceMatch]:
        """Exact names and near ones together, the territory's own places and departments
        first: "lacapelle" in the Lot means Lacapelle-Marival before La Capelle (02)."""
        territory = set(self.deps.settings.territory_departments)
        seen: set[str] = {match.place.id for match in resolution.exact}
        matches = [
            *resolution.exact,
            *(m for m in resolution.suggestions if m.place.id not in seen),
        ]
        matches.sort(
            key=lambda m: (
                m.place.kind != "local",
                m.place.department not in territory,
                not m.exact,
            )
        )
        return matches[:6]

    async def place_with_more(
        self, update: Update, context: Context, person: Person, session: Session[D], typed: str
    ) -> PlaceReading | None:
        """A place followed by more ("cahors demain 9h"): the conversations that can use the
        rest take it and return the place's resolution; by default, nothing is split."""
        return None

    def _place_location(self, step: str) -> Callback:
        async def handle(update: Update, context: Context) -> State:
            loaded = await self.session(update, context)
            if loaded is None:
                return ConversationHandler.END
            person, session = loaded
            assert update.message and update.message.location
            location = update.message.location
            ref = self.deps.places.from_location(location.latitude, location.longitude)
            if ref is None:
                await send(update, context, self.t(person.language, "steps.location_far"))
                return None
            return await self.set_place(update, context, person, session, step, ref)

        return handle

    def _place_pick(self, step: str) -> Callback:
        async def handle(update: Update, context: Context) -> State:
            pressed = await self.pressed(update, context)
            if pressed is None:
                return None
            person, session, data = pressed
            index = data.part(2)
            if index is None or not kb.is_number(index) or int(index) >= len(session.choices):
                return await self.other_step(update, context, person, session, step)
            await drop_keyboard(update)
            chosen = session.choices[int(index)]
            return await self.set_place(update, context, person, session, step, chosen)

        return handle

    def _place_retype(self, step: str) -> Callback:
        async def handle(update: Update, context: Context) -> State:
            pressed = await self.pressed(update, context)
            if pressed is None:
                return None
            person, session, _ = pressed
            await drop_keyboard(update)
            return await self.ask(update, context, person, session, step)

        return handle

    async def set_place(
        self,
        update: Update,
        context: Context,
        person: Person,
        session: Session[D],
        step: str,
        place: PlaceRef,
    ) -> State:
        lang = person.language
        try:
            self.change(session, **{step: place})
        except InvalidInput:
            # The only way a valid place is refused: the same place at both ends.
            await send(update, context, self.t(lang, "steps.same_place"))
            return None
        session.choices = []
        shown = Html(render.place(self.t, lang, place))
        text = self.t(lang, f"steps.{step}_set", place=shown)
        await send(update, context, text, ReplyKeyboardRemove())
        await self.offer_others(update, context, person, session, step, place)
        return await self.advance(update, context, person, session, step)

    async def offer_others(
        self,
        update: Update,
        context: Context,
        person: Person,
        session: Session[D],
        step: str,
        place: PlaceRef,
    ) -> None:
        """The place was taken without asking: a button for its namesakes elsewhere."""
        others = session.others.get(step) or []
        if not others or any(other.id == place.id for other in others):
            return
        lang = person.language
        label = self.t(lang, "words.another_place")
        data = kb.encode(self.kind, session.nonce, "other", step)
        count = len(others)
        text = self.t.plural(lang, "words.namesakes", count, count=count, name=place.name)
        await send(update, context, text, kb.one_button(label, data))

    def _another_typed(self, step: str) -> Callback:
        """ "Un autre", "pas ce Gourdon": said rather than pressed, about the place last
        taken without asking; any other words go to the question's own handlers."""

        async def handle(update: Update, context: Context) -> State:
            session = self.load(context)
            typed = text_of(update)
            for place_step in reversed(list(session.others) if session else []):
                place = getattr(session.draft, place_step, None) if session else None
                if session and session.others[place_step] and place is not None:
                    if read_another(typed, place.name):
                        data = kb.Callback(self.kind, (session.nonce, "other", place_step))
                        self._typed[id(update)] = data
                        try:
                            return await self._another_place(step)(update, context)
                        finally:
                            self._typed.pop(id(update), None)
                    break
            for handler in self._states[step][1:]:
                check = handler.check_update(update)
                if check is not None and check is not False:
                    return cast(State, await handler.callback(update, context))
            return None

        return handle

    def _another_place(self, step: str) -> Callback:
        """ "Another Gourdon": the namesakes of a place taken without asking."""

        async def handle(update: Update, context: Context) -> State:
            pressed = await self.pressed(update, context)
            if pressed is None:
                return None
            person, session, data = pressed
            place_step = data.part(2) or ""
            others = session.others.get(place_step) or []
            if not others:
                return await self.other_step(update, context, person, session, step)
            await drop_keyboard(update)
            session.choices = others
            session.others = {**session.others, place_step: []}
            session.back_to = None if step == place_step else step
            self.save(context, session)
            lang = person.language
            labels = [render.place_label(choice) for choice in others]
            markup = kb.place_choices(self.t, lang, self.kind, session.nonce, labels)
            await send(update, context, self.t(lang, "words.which_place"), markup)
            return place_step

        return handle

    # Weekdays.

    async def ask_days(
        self, update: Update, context: Context, person: Person, session: Session[D], key: str
    ) -> None:
        markup = kb.weekdays(
            self.t, person.language, self.kind, session.nonce, session.draft.weekdays
        )
        await send(update, context, self.t(person.language, key), markup)

    async def on_day(self, update: Update, context: Context) -> State:
        pressed = await self.pressed(update, context)
        if pressed is None:
            return None
        person, session, data = pressed
        day = data.part(2)
        if day is None or not kb.is_number(day) or int(day) > 6:
            return await self.other_step(update, context, person, session, DAYS)
        self.change(session, weekdays=session.draft.weekdays ^ {Weekday(int(day))})
        self.save(context, session)
        await self._refresh_days(update, person, session)
        return None

    async def on_days(self, update: Update, context: Context) -> State:
        pressed = await self.pressed(update, context, answer=False)
        if pressed is None:
            return None
        person, session, data = pressed
        query = update.callback_query
        assert query is not None
        choice = data.part(2)
        if choice in ("work", "all"):
            await query.answer()
            self.change(session, weekdays=WORKING_DAYS if choice == "work" else frozenset(Weekday))
            self.save(context, session)
            await self._refresh_days(update, person, session)
            return None
        if choice != "ok":
            await query.answer()
            return await self.other_step(update, context, person, session, DAYS)
        if not session.draft.weekdays:
            await query.answer(self.t(person.language, "steps.days_empty"), show_alert=True)
            return None
        await query.answer()
        await drop_keyboard(update)
        return await self.days_chosen(update, context, person, session)

    async def on_days_text(self, update: Update, context: Context) -> State:
        loaded = await self.session(update, context)
        if loaded is None:
            return ConversationHandler.END
        person, session = loaded
        days = read_weekdays(text_of(update))
        if days is None:
            lang = person.language
            text = self.t(lang, "steps.days_not_understood", text=text_of(update))
            markup = kb.weekdays(self.t, lang, self.kind, session.nonce, session.draft.weekdays)
            await send(update, context, text, markup)
            return None
        self.change(session, weekdays=days)
        return await self.days_chosen(update, context, person, session)

    async def days_chosen(
        self, update: Update, context: Context, person: Person, session: Session[D]
    ) -> State:
        lang = person.language
        days = self.t.weekdays(lang, session.draft.weekdays)
        await send(update, context, self.t(lang, "steps.days_set", days=days))
        return await self.advance(update, context, person, session, DAYS)

    async def _refresh_days(self, update: Update, person: Person, session: Session[D]) -> None:
        query = update.callback_query
        assert query is not None
        markup = kb.weekdays(
            self.t, person.language, self.kind, session.nonce, session.draft.weekdays
        )
        if isinstance(query.message, Message):
            await query.message.edit_reply_markup(markup)

    # Corrections from the summary.

    async def on_edit(self, update: Update, context: Context) -> State:
        pressed = await self.pressed(update, context)
        if pressed is None:
            return None
        person, session, data = pressed
        field = data.part(2)
        if field not in self.summary_fields:
            return await self.other_step(update, context, person, session, self.summary_step)
        await drop_keyboard(update)
        session.editing = True
        self.save(context, session)
        return await self.ask(
            update, context, person, session, self.step_of_field.get(field, field)
        )

    async def ask_missing(
        self,
        update: Update,
        context: Context,
        person: Person,
        session: Session[D],
        problem: InvalidInput,
    ) -> State:
        """A summary confirmed with something missing or out of date: ask it again."""
        session.editing = True
        self.save(context, session)
        step = self.step_of_field.get(problem.field, problem.field)
        return await self.ask(update, context, person, session, step)

    # Anything else.

    def _unexpected(self, step: str) -> Callback:
        """A message the step cannot use: say why, then ask the same question again."""

        async def handle(update: Update, context: Context) -> State:
            loaded = await self.session(update, context)
            if loaded is None:
                return ConversationHandler.END
            person, session = loaded
            if update.message and update.message.text and step in self.button_steps:
                reason = "common.use_buttons"
            elif step in (ORIGIN, DESTINATION):
                reason = "steps.place_text_or_location"
            else:
                reason = self.unexpected_reason(step, update)
            await send(update, context, self.t(person.language, reason))
            return await self.ask(update, context, person, session, step)

        return handle

    def unexpected_reason(self, step: str, update: Update) -> str:
        return not_text_reason(update)

    def _wrong_button(self, step: str) -> Callback:
        """A button of this conversation that does not answer the current question."""

        async def handle(update: Update, context: Context) -> State:
            pressed = await self.pressed(update, context)
            if pressed is None:
                return None
            person, session, _ = pressed
            return await self.other_step(update, context, person, session, step)

        return handle

    async def other_step(
        self, update: Update, context: Context, person: Person, session: Session[D], step: str
    ) -> State:
        await send(update, context, self.t(person.language, "common.button_other_step"))
        return await self.ask(update, context, person, session, step)

    # Plumbing.

    async def session(self, update: Update, context: Context) -> tuple[Person, Session[D]] | None:
        person = await self.deps.person(update)
        session = self.load(context)
        if session is None:
            # A state without its draft: should not happen, but never leave the person stuck.
            await send(update, context, self.t(person.language, f"{self.name}.lost"))
            return None
        return person, session

    async def pressed(
        self, update: Update, context: Context, *, answer: bool = True
    ) -> tuple[Person, Session[D], kb.Callback] | None:
        """The session a button belongs to; None (and a polite word) for a stale button.
        Typed words understood as one of the question's buttons come here too."""
        query = update.callback_query
        person = await self.deps.person(update)
        session = self.load(context)
        if query is None:
            typed = self._typed.get(id(update))
            if session is None or typed is None:
                return None
            return person, session, typed
        data = kb.decode(query.data)
        if session is None or data is None or data.part(0) != session.nonce:
            await answer_button(update, self.t(person.language, "common.old_button"))
            return None
        if answer:
            await query.answer()
        return person, session, data


class _MaySayAnother(MessageFilter):
    """Words that may ask for another place than the one taken ("un autre")."""

    def filter(self, message: Message) -> bool:
        return may_say_another(message.text or "")
