"""The engine: runs a person's conversation one answer at a time, in the update's transaction.

A `Flow` declares a conversation as steps: what each asks (`question`), and what each does
with a choice, words, a place or a phone (`On`). The steps every conversation shares (places,
days of the week, the summary with its corrections, "another one", anything unexpected) are
written once here. `Conversations` loads the person's state from Mobilot's own table, lets
the flow take the answer, and stores the state again: any process continues any
conversation, and a restart resumes at the same step with the same draft.
"""

from __future__ import annotations

import secrets
from collections.abc import Awaitable, Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import date, time
from typing import Any, Generic, Protocol, TypeVar, cast

from pydantic import BaseModel, ValidationError

from bot.clock import Clock
from bot.conversations.model import (
    Answer,
    ConversationState,
    Days,
    Expect,
    Location,
    Option,
    Press,
    Question,
    Redraw,
    Reply,
    Say,
    SentFile,
    SharedContact,
    Show,
    Text,
    Unusable,
    Value,
    Words,
)
from bot.domain import WORKING_DAYS, InvalidInput, Person, PlaceRef, Weekday
from bot.notices import Notice
from bot.places.model import PlaceMatch, Resolution
from bot.services.places import MAX_PLACE_TEXT, PlaceReading, PlaceService, to_ref
from bot.understand import (
    may_say_another,
    read_another,
    read_choice,
    read_summary,
    read_weekdays,
    read_yes_no,
)

ORIGIN, DESTINATION, DAYS, SUMMARY = "origin", "destination", "days", "summary"
PLACE_STEPS = (ORIGIN, DESTINATION)

# Why a message cannot be used where something else was expected, as a catalog key.
UNUSABLE_REASON = {
    Unusable.STICKER: "common.sticker",
    Unusable.PHOTO: "common.photo",
    Unusable.VOICE: "common.voice",
    Unusable.LOCATION: "common.location_not_here",
    Unusable.CONTACT: "common.contact_not_here",
    Unusable.DOCUMENT: "common.document",
    Unusable.OTHER: "common.text_expected",
}


class ConversationStore(Protocol):
    async def get(self, person_id: int) -> ConversationState | None: ...

    async def put(self, person_id: int, state: ConversationState) -> None: ...

    async def drop(self, person_id: int) -> None: ...


# What a person typed, said back to them: enough to recognise it, never a wall of text.
ECHO_LENGTH = 60


def echo(typed: str) -> str:
    """ "Je n'ai pas compris « … »": the words on one line, cut with "…" past a few dozen
    characters (5,000 characters said back would not even fit in one message)."""
    words = " ".join(typed.split())
    return words if len(words) <= ECHO_LENGTH else words[: ECHO_LENGTH - 1].rstrip() + "…"


def place_label(ref: PlaceRef) -> str:
    """How a place reads among choices: "Gourdon (46)"."""
    return f"{ref.name} ({ref.department})" if ref.department else ref.name


D = TypeVar("D", bound=BaseModel)


class Turn(Generic[D]):
    """One answer being taken: the person, their conversation's state and draft, and what
    the reply says so far."""

    def __init__(
        self,
        flow: Flow[D],
        person: Person,
        state: ConversationState,
        draft: D,
        clock: Clock,
        zone: Any,
    ) -> None:
        self.flow = flow
        self.person = person
        self.state = state
        self.draft = draft
        self.reply = Reply(flow=flow.name, voice=flow.voice)
        # How the conversation was opened, when it can be opened several ways ("again").
        self.opening = ""
        # What the flow learnt for this answer and does not keep (a consent looked up).
        self.facts: dict[str, Any] = {}
        # What the channel handed in with the opening, kept as it is (a group's post to edit).
        self.given: dict[str, Any] = {}
        self._clock = clock
        self._zone = zone

    # The territory's day and time.

    def today(self) -> date:
        return self._clock.now().astimezone(self._zone).date()

    def now_time(self) -> time:
        now = self._clock.now().astimezone(self._zone)
        return now.time().replace(second=0, microsecond=0)

    # What to say.

    def say(
        self,
        key: str,
        *,
        count: int | None = None,
        clear: bool = False,
        replace: bool = False,
        **values: Value,
    ) -> None:
        text = Text(key, values, count)
        self.reply.outputs.append(Say(text, clear_keyboard=clear, replace=replace))

    def show(self, question: Question) -> None:
        """A question with choices that is not a step (a namesake's button, a retry)."""
        self.reply.outputs.append(question)

    def present(self, view: Any) -> None:
        """A result the channel shows its own way (`Show`)."""
        self.reply.outputs.append(Show(view))

    def redraw(self, question: Question) -> None:
        self.reply.outputs.append(Redraw(question))

    def ask(self, step: str) -> None:
        self.state.step = step
        self.reply.outputs.append(self.flow.question(self, step))

    def alert(self, key: str) -> None:
        self.reply.alert = Text(key)

    def drop(self) -> None:
        """The choices just answered are taken away, so they cannot be pressed twice."""
        self.reply.drop_choices = True

    def notify(self, notices: Iterable[Notice]) -> None:
        self.reply.notices.extend(notices)

    def end(self) -> None:
        self.reply.ended = True

    def erased(self) -> None:
        """The person's data is gone: this conversation ends, the one set aside with it."""
        self.reply.ended = self.reply.erased = True
        self.state.paused = None

    # The draft.

    def change(self, **changes: Any) -> None:
        """Raises InvalidInput (with its reason) when the change does not fit."""
        self.draft = cast(D, self.draft.with_(**changes))  # type: ignore[attr-defined]


Handler = Callable[["Turn[Any]", Any], Awaitable[None]]


@dataclass
class On:
    """What a step takes: choices by their action ("often" for "often:weekly"), words, a
    shared place, a shared phone."""

    press: Mapping[str, Handler] = field(default_factory=dict)
    words: Handler | None = None
    location: Handler | None = None
    contact: Handler | None = None
    # A photo or a document sent (`SentFile`); without it, said unusable like a sticker.
    file: Handler | None = None


class Flow(Generic[D]):
    """A conversation declared as steps. Subclasses declare the steps and their questions;
    what every conversation shares lives here."""

    name: str  # also the catalog prefix of its intro, busy, cancelled and lost messages
    draft_type: type[D]
    next_step: Mapping[str, str] = {}
    summary_step = SUMMARY
    # Steps answered with choices: typed words that do not fit get "use the buttons".
    button_steps: frozenset[str] = frozenset()
    # Steps after which a correction does not yet return to the summary.
    chained_steps: frozenset[str] = frozenset()
    summary_fields: tuple[str, ...] = ()
    step_of_field: Mapping[str, str] = {}
    # Speaks for someone else: the catalogs' voice (i18n.Voiced), None for "vous".
    voice: str | None = None
    # Opens over another conversation in progress (a question asked in passing, /oublier):
    # that one is set aside, and goes on where it was once this one ends.
    aside: bool = False

    def __init__(self, places: PlaceService, territory_departments: Sequence[str]) -> None:
        self.places = places
        self.territory = frozenset(territory_departments)
        self.steps: dict[str, On] = {}
        for step in PLACE_STEPS:
            self.steps[step] = On(
                press={"pick": self._place_pick, "retype": self._place_retype},
                words=self._place_words,
                location=self._place_location,
            )
        self.steps[DAYS] = On(
            press={"day": self._on_day, "days": self._on_days}, words=self._days_words
        )
        self.steps[SUMMARY] = On(
            press={
                "confirm": self.confirm,
                "edit": self._on_edit,
                "cancel": self._on_cancel_button,
            },
            words=self._summary_words,
        )

    # To be written by each flow.

    async def begin(self, turn: Turn[D]) -> None:
        raise NotImplementedError

    async def begin_with(self, turn: Turn[D], opening: Words) -> None:
        """Begun by what the person said first ("cahors demain 9h") rather than a command."""
        await self.begin(turn)

    def question(self, turn: Turn[D], step: str) -> Question:
        raise NotImplementedError

    async def place_with_more(self, turn: Turn[D], typed: str) -> tuple[str, PlaceReading] | None:
        """Words no place is named by, that may be a place followed by more ("cahors demain
        9h"): a flow that can use the rest takes it and returns the place's words and reading
        (taken, or with places to choose from)."""
        return None

    async def confirm(self, turn: Turn[D], answer: Press) -> None:
        raise NotImplementedError

    def unexpected_reason(self, step: str, answer: Unusable) -> str:
        return UNUSABLE_REASON[answer]

    def new_draft(self) -> D:
        return self.draft_type()

    # Taking an answer.

    async def take(self, turn: Turn[D], answer: Answer) -> None:
        step = turn.state.step
        on = self.steps.get(step, On())
        if isinstance(answer, Press):
            if answer.action == "other":
                await self._another_place(turn, answer)
            elif answer.action in on.press:
                await on.press[answer.action](turn, answer)
            else:
                self.other_step(turn)
            return
        if isinstance(answer, Words):
            if may_say_another(answer.text) and self._says_another(turn, answer.text):
                return
            if on.words is not None:
                await on.words(turn, answer)
            else:
                self.unexpected(turn, "common.use_buttons")
            return
        if isinstance(answer, Location) and on.location is not None:
            await on.location(turn, answer)
            return
        if isinstance(answer, SharedContact) and on.contact is not None:
            await on.contact(turn, answer)
            return
        if isinstance(answer, SentFile):
            if on.file is not None:
                await on.file(turn, answer)
                return
            answer = Unusable.PHOTO if answer.kind == "photo" else Unusable.DOCUMENT
        unusable = (
            answer
            if isinstance(answer, Unusable)
            else Unusable.LOCATION
            if isinstance(answer, Location)
            else Unusable.CONTACT
        )
        if step in PLACE_STEPS:
            self.unexpected(turn, "steps.place_text_or_location")
        else:
            self.unexpected(turn, self.unexpected_reason(step, unusable))

    def unexpected(self, turn: Turn[D], reason: str) -> None:
        turn.say(reason)
        turn.ask(turn.state.step)

    def other_step(self, turn: Turn[D]) -> None:
        """A choice of this conversation that does not answer the current question."""
        turn.say("common.button_other_step")
        turn.ask(turn.state.step)

    def not_understood(self, turn: Turn[D], typed: str) -> None:
        turn.say("words.not_understood", text=echo(typed))
        turn.ask(turn.state.step)

    def advance(self, turn: Turn[D], step: str) -> None:
        """Ask the question after `step`, or go back to the summary after a correction."""
        following = self.next_step[step]
        state = turn.state
        if state.editing and step not in self.chained_steps:
            following = self.summary_step
        if state.back_to is not None:
            # "Another one" was chosen for a place answered before: back to where we were.
            following, state.back_to = state.back_to, None
        turn.ask(following)

    def cancel(self, turn: Turn[D]) -> None:
        turn.say(f"{self.name}.cancelled", clear=True)
        turn.end()

    def set_aside(self, turn: Turn[D]) -> None:
        """Another conversation's command while this one is open (a flow that gives way)."""
        self.cancel(turn)

    async def give_up(self, turn: Turn[D]) -> None:
        """/annuler: `cancel`, for a flow that has something of the core to undo first
        (the stored draft is `turn.state.draft`)."""
        self.cancel(turn)

    def yes_no(self, action: str) -> tuple[tuple[Option, ...], ...]:
        return (
            (
                Option(f"{action}:yes", Text("button.yes")),
                Option(f"{action}:no", Text("button.no")),
            ),
        )

    # Places.

    def place_question(self, step: str) -> Question:
        return Question(Text(f"{self.name}.ask_{step}"), expect=Expect.PLACE)

    def place_choices(self, key: str, typed: str | None, labels: Sequence[str]) -> Question:
        rows = [(Option(f"pick:{i}", label),) for i, label in enumerate(labels)]
        rows.append((Option("retype", Text("button.none_of_these")),))
        values: dict[str, Value] = {} if typed is None else {"text": echo(typed)}
        return Question(Text(key, values), tuple(rows))

    async def _place_words(self, turn: Turn[D], answer: Words) -> None:
        typed, state, step = answer.text, turn.state, turn.state.step
        if len(typed) > MAX_PLACE_TEXT:
            turn.say("steps.place_too_long")
            return
        if state.choices:
            # Choices are shown: "le premier", "Gourdon (71)", "46" pick one of them.
            index = read_choice(typed, [place_label(choice) for choice in state.choices])
            if index is not None:
                self.set_place(turn, step, state.choices[index])
                return
        reading = await self.places.understand(typed)
        if reading.taken is None and read_yes_no(typed) is not None:
            # "oui", "non", "ok": an answer to another question, not a village to look for
            # (never "Ouistreham" to someone who meant yes).
            state.choices = []
            turn.show(Question(Text("steps.place_name_wanted"), expect=Expect.PLACE))
            return
        if reading.taken is None and not reading.resolution.exact:
            typed, reading = await self.place_with_more(turn, typed) or (typed, reading)
        if reading.taken is not None:
            state.others = {**state.others, step: [to_ref(place) for place in reading.others]}
            self.set_place(turn, step, to_ref(reading.taken, reading.name))
            return
        if not self.offer_places(turn, step, typed, reading.resolution):
            state.choices = []  # a number typed next is not a pick among an older list
            unknown = Text("steps.place_unknown", {"text": echo(typed)})
            turn.show(Question(unknown, expect=Expect.PLACE))

    def offer_places(self, turn: Turn[D], step: str, typed: str, resolution: Resolution) -> bool:
        """The places a typed name may be, to choose from at `step` ("Plusieurs lieux
        s'appellent « lacapelle ». Lequel ?"); False when there are none."""
        candidates = self.closest_first(resolution)
        if not candidates:
            return False
        turn.state.step = step
        turn.state.choices = [to_ref(match.place) for match in candidates]
        homonyms = len(candidates) > 1 and all(match.exact for match in candidates)
        key = "steps.place_homonyms" if homonyms else "steps.place_suggestions"
        turn.show(self.place_choices(key, typed, [match.place.label for match in candidates]))
        return True

    def closest_first(self, resolution: Resolution) -> list[PlaceMatch]:
        """Exact names and near ones together, the territory's own places and departments
        first: "lacapelle" in the Lot means Lacapelle-Marival before La Capelle (02)."""
        seen: set[str] = {match.place.id for match in resolution.exact}
        matches = [
            *resolution.exact,
            *(m for m in resolution.suggestions if m.place.id not in seen),
        ]
        matches.sort(
            key=lambda m: (
                m.place.kind != "local",
                m.place.department not in self.territory,
                not m.exact,
            )
        )
        return matches[:6]

    async def _place_location(self, turn: Turn[D], answer: Location) -> None:
        ref = self.places.from_location(answer.lat, answer.lon)
        if ref is None:
            turn.say("steps.location_far")
            return
        self.set_place(turn, turn.state.step, ref)

    async def _place_pick(self, turn: Turn[D], answer: Press) -> None:
        index, choices = answer.argument, turn.state.choices
        if not index.isascii() or not index.isdigit() or int(index) >= len(choices):
            self.other_step(turn)
            return
        turn.drop()
        self.set_place(turn, turn.state.step, choices[int(index)])

    async def _place_retype(self, turn: Turn[D], answer: Press) -> None:
        turn.drop()
        turn.ask(turn.state.step)

    def set_place(self, turn: Turn[D], step: str, place: PlaceRef) -> None:
        try:
            turn.change(**{step: place})
        except InvalidInput:
            # The only way a valid place is refused: the same place at both ends.
            turn.say("steps.same_place")
            return
        turn.state.choices = []
        turn.say(f"steps.{step}_set", clear=True, place=place)
        others = turn.state.others.get(step) or []
        if others and all(other.id != place.id for other in others):
            # Taken without asking: a button for its namesakes elsewhere.
            text = Text("words.namesakes", {"count": len(others), "name": place.name}, len(others))
            turn.show(Question(text, ((Option(f"other:{step}", Text("words.another_place")),),)))
        self.advance(turn, step)

    def _says_another(self, turn: Turn[D], typed: str) -> bool:
        """ "Un autre", "pas ce Gourdon": said rather than pressed, about the place last
        taken without asking."""
        state = turn.state
        for place_step in reversed(list(state.others)):
            place = getattr(turn.draft, place_step, None)
            if state.others[place_step] and place is not None:
                if read_another(typed, place.name):
                    self._show_others(turn, place_step)
                    return True
                break
        return False

    async def _another_place(self, turn: Turn[D], answer: Press) -> None:
        """ "Another Gourdon": the namesakes of a place taken without asking."""
        place_step = answer.argument
        if not turn.state.others.get(place_step):
            self.other_step(turn)
            return
        turn.drop()
        self._show_others(turn, place_step)

    def _show_others(self, turn: Turn[D], place_step: str) -> None:
        state = turn.state
        others = state.others[place_step]
        state.choices = others
        state.others = {**state.others, place_step: []}
        state.back_to = None if state.step == place_step else state.step
        state.step = place_step
        turn.show(self.place_choices("words.which_place", None, [place_label(o) for o in others]))

    # Days of the week.

    def days_question(self, turn: Turn[D], key: str, text: Text | None = None) -> Question:
        selected: frozenset[int] = frozenset(getattr(turn.draft, "weekdays", frozenset()))

        def day(d: int) -> Option:
            return Option(f"day:{d}", "", checked=d in selected, weekday=d)

        rows = (
            tuple(day(d) for d in range(4)),
            tuple(day(d) for d in range(4, 7)),
            (
                Option("days:work", Text("button.working_days")),
                Option("days:all", Text("button.every_day")),
            ),
            (Option("days:ok", Text("button.days_done")),),
        )
        return Question(text or Text(key), rows)

    async def _on_day(self, turn: Turn[D], answer: Press) -> None:
        day = answer.argument
        if not day.isascii() or not day.isdigit() or int(day) > 6:
            self.other_step(turn)
            return
        days = frozenset(getattr(turn.draft, "weekdays", frozenset()))
        turn.change(weekdays=days ^ {Weekday(int(day))})
        turn.redraw(self.question(turn, DAYS))

    async def _on_days(self, turn: Turn[D], answer: Press) -> None:
        choice = answer.argument
        if choice in ("work", "all"):
            turn.change(weekdays=WORKING_DAYS if choice == "work" else frozenset(Weekday))
            turn.redraw(self.question(turn, DAYS))
            return
        if choice != "ok":
            self.other_step(turn)
            return
        if not getattr(turn.draft, "weekdays", None):
            turn.alert("steps.days_empty")
            return
        turn.drop()
        await self.days_chosen(turn)

    async def _days_words(self, turn: Turn[D], answer: Words) -> None:
        days = read_weekdays(answer.text)
        if days is None:
            text = Text("steps.days_not_understood", {"text": echo(answer.text)})
            turn.show(self.days_question(turn, "", text))
            return
        turn.change(weekdays=days)
        await self.days_chosen(turn)

    async def days_chosen(self, turn: Turn[D]) -> None:
        turn.say("steps.days_set", days=Days(frozenset(getattr(turn.draft, "weekdays", ()))))
        self.advance(turn, DAYS)

    # The summary: confirm, correct a field, or give up.

    def summary_rows(
        self, fields: Sequence[str], confirm: str = "button.confirm"
    ) -> tuple[tuple[Option, ...], ...]:
        edits = [Option(f"edit:{f}", Text(f"button.edit_{f}")) for f in fields]
        return (
            (Option("confirm", Text(confirm)),),
            *(tuple(edits[i : i + 2]) for i in range(0, len(edits), 2)),
            (Option("cancel", Text("button.cancel_registration")),),
        )

    async def _summary_words(self, turn: Turn[D], answer: Words) -> None:
        """ "oui" confirms, "annuler" gives up, "l'heure" corrects it; "non" asks what to
        correct."""
        said = read_summary(answer.text, self.summary_fields)
        if said is None:
            self.not_understood(turn, answer.text)
        elif said == "no":
            turn.say("words.what_to_change")
            turn.ask(self.summary_step)
        elif said == "confirm":
            await self.confirm(turn, Press("confirm"))
        elif said == "cancel":
            self.cancel(turn)
        else:
            await self._on_edit(turn, Press(said))

    async def _on_edit(self, turn: Turn[D], answer: Press) -> None:
        fieldname = answer.argument
        if fieldname not in self.summary_fields:
            self.other_step(turn)
            return
        turn.drop()
        turn.state.editing = True
        turn.ask(self.step_of_field.get(fieldname, fieldname))

    async def _on_cancel_button(self, turn: Turn[D], answer: Press) -> None:
        turn.drop()
        self.cancel(turn)

    def ask_missing(self, turn: Turn[D], problem: InvalidInput) -> None:
        """A summary confirmed with something missing or out of date: ask it again."""
        turn.state.editing = True
        turn.ask(self.step_of_field.get(problem.field, problem.field))


class Conversations:
    """Starts, continues and ends people's conversations, whatever the channel."""

    def __init__(
        self, store: ConversationStore, flows: Sequence[Flow[Any]], clock: Clock, zone: Any
    ) -> None:
        self._store = store
        self._flows = {flow.name: flow for flow in flows}
        self._clock = clock
        self._zone = zone

    @property
    def names(self) -> frozenset[str]:
        return frozenset(self._flows)

    async def current(self, person: Person) -> ConversationState | None:
        return await self._store.get(person.id)

    async def start(
        self,
        person: Person,
        flow_name: str,
        *,
        caller: Mapping[str, Any] | None = None,
        opening: str = "",
        words: Words | None = None,
        given: Mapping[str, Any] | None = None,
        source: str = "",
        anew: bool = True,
        team: str | None = None,
    ) -> Reply:
        """Begin `flow_name` (again, if it was open); another conversation open is finished
        or cancelled first, nothing lost. `opening` says how, for a flow opened several ways
        (`Turn.opening`); `words`, when a whole sentence rather than a command began it.
        `source` is what it was opened from (the channel's menu message). Unless `anew`, the
        same flow opened the same way from the same source, still at its first question with
        nothing answered, is left as it is and nothing is said (a button pressed twice).
        `team`: the territory of the operator's team, for a flow the team opens for a caller."""
        state = await self._store.get(person.id)
        flow = self._flows[flow_name]
        plain = words is None and not given and not caller
        begun_by = f"{opening}@{source}" if plain else None
        if not anew and begun_by is not None and state is not None and state.flow == flow_name:
            if state.begun_by == begun_by:
                return Reply(flow=flow.name, voice=flow.voice)
        paused: dict[str, Any] | None = None
        if state is not None and flow.aside:
            # Set aside, whatever it is (opened again: what it had set aside).
            paused = state.paused if state.flow == flow_name else state.model_dump(mode="json")
        elif state is not None and state.flow != flow_name and state.flow in self._flows:
            return self.busy(state.flow)
        state = ConversationState(
            flow=flow_name,
            step="",
            nonce=secrets.token_hex(3),
            caller=dict(caller or {}),
            team=team,
            paused=paused,
            begun_by=begun_by,
        )
        turn = Turn(flow, person, state, flow.new_draft(), self._clock, self._zone)
        turn.opening = opening
        turn.given = dict(given or {})
        if words is None:
            await flow.begin(turn)
        else:
            await flow.begin_with(turn, words)
        await self._keep(turn)
        return turn.reply

    def busy(self, flow_name: str) -> Reply:
        reply = Reply()
        reply.outputs.append(Say(Text(f"{flow_name}.busy")))
        return reply

    async def answer(self, person: Person, answer: Answer) -> Reply | None:
        """The person's answer to their conversation; None when none is open."""
        state = await self._store.get(person.id)
        if state is None or state.flow not in self._flows:
            return None
        flow = self._flows[state.flow]
        if isinstance(answer, Press) and answer.nonce != state.nonce:
            # A button of an earlier conversation, or forged: it cannot act on this one.
            return Reply(alert=Text("common.old_button"), stale=True, flow=flow.name)
        turn = self._turn(flow, person, state)
        if turn is None:
            return await self._lost(person, flow)
        state.begun_by = None  # answered: opening it again begins it anew
        await flow.take(turn, answer)
        await self._keep(turn)
        return turn.reply

    async def cancel(self, person: Person) -> Reply | None:
        state = await self._store.get(person.id)
        if state is None or state.flow not in self._flows:
            return None
        flow = self._flows[state.flow]
        turn = Turn(flow, person, state, flow.new_draft(), self._clock, self._zone)
        await flow.give_up(turn)
        await self._keep(turn)
        return turn.reply

    async def set_aside(self, person: Person) -> Reply | None:
        """Another conversation's command, for a flow that gives way (`Flow.set_aside`)."""
        state = await self._store.get(person.id)
        if state is None or state.flow not in self._flows:
            return None
        flow = self._flows[state.flow]
        turn = self._turn(flow, person, state)
        if turn is None:
            return await self._lost(person, flow)
        state.begun_by = None
        flow.set_aside(turn)
        await self._keep(turn)
        return turn.reply

    async def ask_again(self, person: Person) -> Reply | None:
        """The pending question again, after an aside (/aide, /mestrajets…)."""
        state = await self._store.get(person.id)
        if state is None or state.flow not in self._flows:
            return None
        flow = self._flows[state.flow]
        turn = self._turn(flow, person, state)
        if turn is None:
            return await self._lost(person, flow)
        turn.say("words.back_to_question")
        turn.ask(state.step)
        return turn.reply

    async def question_now(self, person: Person) -> tuple[ConversationState, Question] | None:
        """The question the person's conversation waits on, as it was asked (a channel
        without buttons reads "2" as its second choice)."""
        state = await self._store.get(person.id)
        if state is None or state.flow not in self._flows or not state.step:
            return None
        flow = self._flows[state.flow]
        turn = self._turn(flow, person, state)
        if turn is None:
            return None
        return state, flow.question(turn, state.step)

    def _turn(self, flow: Flow[Any], person: Person, state: ConversationState) -> Turn[Any] | None:
        try:
            draft = flow.draft_type.model_validate(state.draft)
        except ValidationError:
            return None
        return Turn(flow, person, state, draft, self._clock, self._zone)

    async def _lost(self, person: Person, flow: Flow[Any]) -> Reply:
        """A draft that cannot be read any more: said plainly, never a stuck person."""
        await self._store.drop(person.id)
        reply = Reply(flow=flow.name, voice=flow.voice, ended=True)
        reply.outputs.append(Say(Text(f"{flow.name}.lost")))
        return reply

    def _ask_again_after(self, turn: Turn[Any], restored: ConversationState) -> None:
        """The question of the conversation given back, after what set it aside: the reply
        speaks for that conversation from there on (its buttons, its voice)."""
        flow = self._flows.get(restored.flow)
        again = self._turn(flow, turn.person, restored) if flow is not None else None
        if flow is None or again is None or not restored.step:
            return
        again.say("words.back_to_question")
        again.ask(restored.step)
        turn.reply.outputs.extend(again.reply.outputs)
        turn.reply.flow, turn.reply.voice = flow.name, flow.voice

    async def _keep(self, turn: Turn[Any]) -> None:
        if turn.reply.ended:
            paused = turn.state.paused
            if paused is not None and not turn.reply.erased:
                # The conversation set aside goes on where it was, its question asked again.
                restored = ConversationState.model_validate(paused)
                await self._store.put(turn.person.id, restored)
                self._ask_again_after(turn, restored)
                return
            await self._store.drop(turn.person.id)
            return
        turn.state.draft = turn.draft.model_dump(mode="json")
        await self._store.put(turn.person.id, turn.state)
