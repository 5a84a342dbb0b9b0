"""/chercher (/find): a person without a car describes a need, then sees the drivers; and the
same conversation when the team registers a need for someone who phoned (/demande): the
caller's name, phone and agreement first, then the same questions about "la personne", and
the drivers the team may call.

A need may begin with a whole sentence rather than the command ("cahors demain 9h"): what it
says is kept, and only what it leaves out is asked."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date, time, timedelta

from bot.conversations.caller import NAME, PHONE_NUMBER, CallerSteps, caller_steps
from bot.conversations.engine import DAYS, DESTINATION, ORIGIN, SUMMARY, On, Turn, echo
from bot.conversations.model import (
    Answer,
    NeedDraftView,
    Option,
    Press,
    Question,
    Say,
    TeamCandidates,
    Text,
    Words,
)
from bot.domain import InvalidInput, NeedDraft, PlaceRef, Purpose, SpecialNeed, TimeMode
from bot.interop.theirs import SearchWithPartners
from bot.services import consents as topics
from bot.services.consents import ConsentService
from bot.services.operators import OperatorService
from bot.services.places import PlaceReading, PlaceService, to_ref
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

CONSENT = "need_consent"
WHEN, MODE, TIME, PURPOSE, SPECIAL = "when", "mode", "time", "purpose", "special"
NEXT_STEP = {
    ORIGIN: DESTINATION,
    DESTINATION: WHEN,
    WHEN: MODE,
    DAYS: MODE,
    MODE: TIME,
    TIME: PURPOSE,
    PURPOSE: SPECIAL,
    SPECIAL: SUMMARY,
}
SUMMARY_FIELDS = ("origin", "destination", "when", "mode", "purpose", "special")
STEP_OF_FIELD = {"travel_date": WHEN, "draft": WHEN, "time_mode": MODE, "at": MODE}
# Whether the purpose and special needs may be asked (a fact of the turn, looked up).
SENSITIVE = "sensitive"

Find = Turn[NeedDraft]


class FindFlow(CallerSteps[NeedDraft]):
    """`for_caller`: the team registers a need for someone who phoned (the subject is the
    caller, the person answering is the operator)."""

    draft_type = NeedDraft
    button_steps = frozenset({CONSENT, MODE, PURPOSE, SPECIAL, SUMMARY})
    summary_fields = SUMMARY_FIELDS
    step_of_field = STEP_OF_FIELD

    def __init__(
        self,
        places: PlaceService,
        territory_departments: Sequence[str],
        consents: ConsentService,
        finding: SearchWithPartners,
        operators: OperatorService,
        retention_months: int,
        *,
        for_caller: bool = False,
    ) -> None:
        super().__init__(places, territory_departments)
        self.consents, self.finding, self.operators = consents, finding, operators
        self.retention_months = retention_months
        self.for_caller = for_caller
        if for_caller:
            self.name = "behalf_need"
            self.voice = "behalf_need"
            self.next_step = {**caller_steps(ORIGIN), **NEXT_STEP}
            # Correcting the time asks "leave after / arrive before" and then the time.
            self.chained_steps = frozenset({NAME, PHONE_NUMBER, MODE})
        else:
            self.name = "find"
            self.next_step = NEXT_STEP
            self.chained_steps = frozenset({MODE})
        self.steps.update(
            {
                CONSENT: On(
                    press={"consent": self.on_consent},
                    words=self.read_yes_no_as("consent", self.on_consent),
                ),
                WHEN: On(press={"when": self.on_when}, words=self.on_when_words),
                MODE: On(press={"mode": self.on_mode}, words=self.on_mode_words),
                TIME: On(words=self.on_time_words),
                PURPOSE: On(press={"purpose": self.on_purpose}, words=self.on_purpose_words),
                SPECIAL: On(press={"special": self.on_special}, words=self.on_special_words),
                **self.caller_handlers(),
            }
        )

    # Beginning.

    async def needs_consent(self, turn: Find) -> bool:
        return not self.for_caller and await self.consents.to_ask(turn.person)

    async def sensitive_allowed(self, turn: Find) -> bool:
        # On someone's behalf, the operator confirmed the caller agreed to all of it.
        allowed = self.for_caller or await self.consents.allows(turn.person, topics.SENSITIVE)
        turn.facts[SENSITIVE] = allowed
        return allowed

    async def take(self, turn: Find, answer: Answer) -> None:
        await self.sensitive_allowed(turn)
        await super().take(turn, answer)

    async def begin(self, turn: Find) -> None:
        if self.for_caller:
            turn.say(f"{self.name}.intro")
            turn.ask(NAME)
            return
        if await self.needs_consent(turn):
            turn.ask(CONSENT)
            return
        await self.sensitive_allowed(turn)
        turn.say("find.intro")
        turn.ask(ORIGIN)

    async def begin_with(self, turn: Find, opening: Words) -> None:
        """A trip asked in one message, before any command: "cahors demain 9h"."""
        request = read_request(opening.text, turn.today())
        if request is None or self.for_caller:
            await self.begin(turn)
            return
        turn.say("words.request_understood")
        if request.day is not None:
            try:
                turn.change(travel_date=request.day, regular=False, today=turn.today())
                turn.say("find.date_set", date=request.day)
            except InvalidInput:
                pass  # a day gone by: asked at its own step
        self.take_wish(turn, request.wish)
        if turn.draft.time_mode is not None and turn.draft.at is not None:
            self.time_said(turn)
        state = turn.state
        for step, typed in ((DESTINATION, request.destination), (ORIGIN, request.origin)):
            reading = await self.places.understand(typed) if typed else None
            if reading is None or reading.taken is None:
                continue
            place = to_ref(reading.taken, reading.name)
            try:
                turn.change(**{step: place})
            except InvalidInput:
                continue  # the same place twice: asked again
            turn.say(f"steps.{step}_set", place=place)
            state.others = {**state.others, step: [to_ref(p) for p in reading.others]}
            self.offer_others(turn, step, place)
        if await self.needs_consent(turn):  # nothing is kept but this draft until then
            turn.ask(CONSENT)
            return
        await self.sensitive_allowed(turn)
        if turn.draft.origin is None:
            turn.ask(ORIGIN)
            return
        self.advance(turn, ORIGIN)

    def offer_others(self, turn: Find, step: str, place: PlaceRef) -> None:
        """The place was taken without asking: a button for its namesakes elsewhere."""
        others = turn.state.others.get(step) or []
        if others and all(other.id != place.id for other in others):
            text = Text("words.namesakes", {"count": len(others), "name": place.name}, len(others))
            turn.show(Question(text, ((Option(f"other:{step}", Text("words.another_place")),),)))

    async def on_consent(self, turn: Find, answer: Press) -> None:
        turn.drop()
        choice = answer.argument
        if choice not in ("yes", "basic"):
            turn.say("privacy.consent_refused")
            turn.end()
            return
        given = (topics.NEED, topics.SENSITIVE) if choice == "yes" else (topics.NEED,)
        turn.person = await self.consents.give(turn.person, *given)
        turn.facts[SENSITIVE] = choice == "yes"
        turn.say("find.intro")
        if turn.draft.origin is None:
            turn.ask(ORIGIN)
            return
        # Begun with a whole sentence ("cahors demain 9h"): what it said is kept.
        self.advance(turn, ORIGIN)

    # The questions.

    def question(self, turn: Find, step: str) -> Question:
        draft = turn.draft
        if step in (PURPOSE, SPECIAL) and turn.facts.get(SENSITIVE) is False:
            return self.without_sensitive(turn)
        if step == CONSENT:
            return Question(
                Text("privacy.consent_need", {"months": self.retention_months}),
                (
                    (Option("consent:yes", Text("privacy.button_agree")),),
                    (Option("consent:basic", Text("privacy.button_agree_basic")),),
                    (Option("consent:no", Text("privacy.button_disagree")),),
                ),
            )
        if step in (ORIGIN, DESTINATION):
            return self.place_question(step)
        if step == WHEN:
            return Question(Text("find.ask_when"), when_rows())
        if step == DAYS:
            return self.days_question(turn, "find.ask_days")
        if step == MODE:
            return Question(Text("find.ask_mode"), mode_rows())
        if step == TIME:
            mode = (draft.time_mode or TimeMode.LEAVE_AFTER).value
            return Question(Text(f"find.ask_time_{mode}"))
        if step == PURPOSE:
            options = [Option(f"purpose:{p.value}", Text(f"purpose.{p.value}")) for p in Purpose]
            return Question(
                Text("find.ask_purpose"),
                tuple(tuple(options[i : i + 2]) for i in range(0, len(options), 2)),
            )
        if step == SPECIAL:
            return Question(Text("find.ask_special"), special_rows(draft.special_needs))
        if step == SUMMARY:
            if self.for_caller:
                turn.reply.outputs.append(Say(self.caller_line(turn)))
            self.ask_partners_early(draft)
            return Question(
                Text("find.summary", {"view": NeedDraftView(draft)}),
                self.summary_rows(self.summary_fields, "button.confirm_need"),
            )
        return self.caller_question(turn, step)

    def without_sensitive(self, turn: Find) -> Question:
        """The purpose and special needs are asked only of who agreed to give them."""
        turn.change(purpose=Purpose.OTHER, special_needs=frozenset())
        turn.say("privacy.sensitive_skipped")
        turn.state.step = SUMMARY
        return self.question(turn, SUMMARY)

    def ask_partners_early(self, draft: NeedDraft) -> None:
        """Other platforms are asked while the person reads the summary (their answers
        come after our drivers', once confirmed): a slow partner then delays nothing."""
        try:
            need = draft.complete()
        except InvalidInput:
            return
        self.finding.prefetch(need)

    # What came with other words is not asked again.

    def advance(self, turn: Find, step: str) -> None:
        state = turn.state
        if not state.editing and state.back_to is None:
            while step in self.next_step and self._answered(turn.draft, self.next_step[step]):
                step = self.next_step[step]
        super().advance(turn, step)

    @staticmethod
    def _answered(draft: NeedDraft, step: str) -> bool:
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

    async def place_with_more(self, turn: Find, typed: str) -> PlaceReading | None:
        """ "cahors demain 9h": the place, and the day and time said with it."""
        words = typed.split()
        for cut in range(len(words) - 1, 0, -1):
            parsed = read_day_and_time(" ".join(words[cut:]), turn.today())
            if parsed is None:
                continue
            reading = await self.places.understand(" ".join(words[:cut]))
            if reading.taken is None:
                return None
            day, wish = parsed
            try:
                turn.change(travel_date=day, regular=False, today=turn.today())
            except InvalidInput:
                return None  # a past day: asked again at its own step
            self.take_wish(turn, wish)
            turn.say("find.date_set", date=day)
            return reading
        return None

    def take_wish(self, turn: Find, wish: TimeWish | None) -> None:
        if wish is not None and wish.at is not None:
            turn.change(at=wish.at)
        if wish is not None and wish.mode is not None:
            turn.change(time_mode=wish.mode)

    # When.

    async def on_when(self, turn: Find, answer: Press) -> None:
        choice = answer.argument
        turn.drop()
        if choice == "regular":
            turn.change(regular=True, travel_date=None)
            turn.ask(DAYS)
            return
        today = turn.today()
        self._set_date(turn, today + timedelta(days=1) if choice == "tomorrow" else today)

    async def on_when_words(self, turn: Find, answer: Words) -> None:
        typed = answer.text
        parsed = read_day_and_time(typed, turn.today())
        days = read_weekdays(typed) if parsed is None or says_regular(typed) else None
        if days is not None or says_regular(typed):
            # "chaque semaine", "en semaine", "ben comme d'habitude, le lundi".
            turn.change(regular=True, travel_date=None, weekdays=days or frozenset())
            if days is None:
                turn.ask(DAYS)
                return
            await self.days_chosen(turn)
            return
        if parsed is None:
            turn.show(
                Question(Text("find.when_not_understood", {"text": echo(typed)}), when_rows())
            )
            return
        day, wish = parsed
        self.take_wish(turn, wish)
        self._set_date(turn, day)

    def _set_date(self, turn: Find, day: date) -> None:
        try:
            turn.change(travel_date=day, regular=False, weekdays=frozenset(), today=turn.today())
        except InvalidInput:
            turn.show(Question(Text("find.date_in_past", {"date": day}), when_rows()))
            return
        turn.say("find.date_set", date=day)
        self.advance(turn, WHEN)

    # Time.

    async def on_mode(self, turn: Find, answer: Press) -> None:
        choice = answer.argument
        if choice not in (TimeMode.LEAVE_AFTER.value, TimeMode.ARRIVE_BEFORE.value):
            self.other_step(turn)
            return
        turn.drop()
        turn.change(time_mode=TimeMode(choice))
        if turn.draft.at is not None and not turn.state.editing:
            # The time came with the day ("demain 9h"): say it back and go on.
            self.time_said(turn)
            self.advance(turn, TIME)
            return
        self.advance(turn, MODE)

    async def on_mode_words(self, turn: Find, answer: Words) -> None:
        """ "avant 9h" answers "leave after or arrive before?" and the time at once."""
        wish = read_time_wish(answer.text)
        if wish is None:
            self.not_understood(turn, answer.text)
            return
        if wish.at is not None:
            turn.change(at=wish.at)
        if wish.mode is None and wish.at is not None:
            # A time without "before" or "after": asked again, the time kept.
            turn.show(Question(Text("words.before_or_after", {"time": wish.at}), mode_rows()))
            return
        if wish.mode is None:
            self.not_understood(turn, answer.text)
            return
        turn.change(time_mode=wish.mode)
        if wish.at is not None or (turn.draft.at is not None and not turn.state.editing):
            self.time_said(turn)
            self.advance(turn, TIME)
            return
        self.advance(turn, MODE)

    async def on_time_words(self, turn: Find, answer: Words) -> None:
        wish = read_time_wish(answer.text)
        if wish is None or wish.at is None:
            turn.say("steps.time_not_understood", text=echo(answer.text))
            return
        try:
            self.take_wish(turn, wish)
            turn.change(today=turn.today(), now=turn.now_time())
        except InvalidInput:
            self.time_passed(turn, wish.at)
            return
        self.time_said(turn)
        self.advance(turn, TIME)

    def time_passed(self, turn: Find, at: time) -> None:
        """Arriving before a time already gone by today: said plainly, the time asked again."""
        turn.say("rides.time_passed", time=at, now=turn.now_time())

    def time_said(self, turn: Find) -> None:
        draft = turn.draft
        assert draft.time_mode and draft.at
        turn.say(f"find.time_set_{draft.time_mode.value}", time=draft.at)

    # Purpose and special needs.

    async def on_purpose(self, turn: Find, answer: Press) -> None:
        choice = answer.argument
        if choice not in {p.value for p in Purpose}:
            self.other_step(turn)
            return
        turn.drop()
        turn.change(purpose=Purpose(choice))
        self.advance(turn, PURPOSE)

    async def on_purpose_words(self, turn: Find, answer: Words) -> None:
        purpose = read_purpose(answer.text)
        if purpose is None:
            self.not_understood(turn, answer.text)
            return
        await self.on_purpose(turn, Press(f"purpose:{purpose.value}"))

    async def on_special(self, turn: Find, answer: Press) -> None:
        choice = answer.argument
        if choice in ("ok", "none"):
            if choice == "none":
                turn.change(special_needs=frozenset())
            turn.drop()
            self.advance(turn, SPECIAL)
            return
        if choice not in {s.value for s in SpecialNeed}:
            self.other_step(turn)
            return
        turn.change(special_needs=turn.draft.special_needs ^ {SpecialNeed(choice)})
        turn.redraw(self.question(turn, SPECIAL))

    async def on_special_words(self, turn: Find, answer: Words) -> None:
        """ "non", "rien" → none; "un fauteuil roulant" → that one; then the summary."""
        needs = read_special_needs(answer.text)
        if needs is None:
            self.not_understood(turn, answer.text)
            return
        turn.change(special_needs=needs)
        self.advance(turn, SPECIAL)

    # Summary.

    async def confirm(self, turn: Find, answer: Press) -> None:
        try:
            if self.for_caller:
                turn.change(today=turn.today())
            else:
                turn.change(today=turn.today(), now=turn.now_time())
            new_need = turn.draft.complete()
        except InvalidInput as problem:
            if problem.reason == "time_passed" and turn.draft.at is not None:
                self.time_passed(turn, turn.draft.at)
                problem = InvalidInput("at", "time_passed")
            self.ask_missing(turn, problem)
            return
        turn.drop()
        turn.end()
        if not self.for_caller:
            search = await self.finding.submit(turn.person, new_need)
            turn.notify(search.notices)
            return
        followed = await self.operators.register_need(turn.person, self.caller_of(turn), new_need)
        assert followed.need is not None
        turn.notify(followed.notices)
        turn.reply.outputs.append(TeamCandidates(followed.need, tuple(followed.candidates)))


def when_rows() -> tuple[tuple[Option, ...], ...]:
    return (
        (
            Option("when:today", Text("button.today")),
            Option("when:tomorrow", Text("button.tomorrow")),
        ),
        (Option("when:regular", Text("button.regular")),),
    )


def mode_rows() -> tuple[tuple[Option, ...], ...]:
    return (
        (Option("mode:leave_after", Text("button.leave_after")),),
        (Option("mode:arrive_before", Text("button.arrive_before")),),
    )


def special_rows(selected: frozenset[SpecialNeed]) -> tuple[tuple[Option, ...], ...]:
    return (
        *(
            (Option(f"special:{s.value}", Text(f"special.{s.value}"), checked=s in selected),)
            for s in SpecialNeed
        ),
        (
            Option("special:none", Text("button.no_special")),
            Option("special:ok", Text("button.special_done")),
        ),
    )
