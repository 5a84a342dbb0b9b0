"""/chercher (/find): a person without a car describes a need, then sees the drivers; and the
same conversation when the team registers a need for someone who phoned (/demande): the
caller's name, phone and agreement first, then the same questions about "la personne", and
the drivers the team may call.

A need may begin with a whole sentence rather than the command ("cahors demain 9h"): what it
says is kept, what it says that cannot be used is said back, and only what it leaves out is
asked. Hours said rather than a time ("entre 8h et 9h", "demain après-midi") are kept as a
window: a narrow one is searched once "before or after" is known, a wide one is said back and
narrowed by asking."""

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
    Answer,
    Days,
    NeedDraftView,
    Option,
    Press,
    Question,
    Say,
    TeamCandidates,
    Term,
    Text,
    Words,
    date_set,
)
from bot.domain import (
    InvalidInput,
    Missing,
    NeedDraft,
    PlaceRef,
    Purpose,
    SpecialNeed,
    TimeMode,
    WayBack,
)
from bot.interop.theirs import SearchWithPartners
from bot.services import consents as topics
from bot.services.consents import ConsentService
from bot.services.operators import OperatorService
from bot.services.places import PlaceReading, PlaceService, to_ref
from bot.understand import (
    BackWish,
    DayPart,
    Request,
    TimeWish,
    fit_in,
    next_week,
    part_of,
    read_date,
    read_day_and_time,
    read_purpose,
    read_regular_days,
    read_request,
    read_special_needs,
    read_time_wish,
    read_way_back,
    read_weekdays,
    read_yes_no,
    says_next_week,
    says_regular,
    two_places,
    window_minutes,
)

CONSENT = "need_consent"
WHEN, MODE, TIME, PURPOSE, SPECIAL = "when", "mode", "time", "purpose", "special"
# "La semaine prochaine": which day of it.
WEEK = "week"
# "Et le retour ?" (none, at a time, not known yet), and the time of it (issue 23, item 11).
BACK, BACK_TIME = "back", "back_time"
# For health: "did a doctor prescribe it?", where an association's volunteers drive (issue 24).
PRESCRIBED = "prescribed"
NEXT_STEP = {
    ORIGIN: DESTINATION,
    DESTINATION: WHEN,
    WHEN: MODE,
    WEEK: MODE,
    DAYS: MODE,
    MODE: TIME,
    TIME: BACK,
    BACK: PURPOSE,
    BACK_TIME: PURPOSE,
    PURPOSE: SPECIAL,
    SPECIAL: SUMMARY,
}
SUMMARY_FIELDS = ("origin", "destination", "when", "mode", "return", "purpose", "special")
STEP_OF_FIELD = {
    "travel_date": WHEN,
    "draft": WHEN,
    "time_mode": MODE,
    "at": MODE,
    "return": BACK,
    "way_back": BACK,
    "back_at": BACK_TIME,
}
# Whether the purpose and special needs may be asked (a fact of the turn, looked up).
SENSITIVE = "sensitive"
# Hours said as a window no wider than this are searched as they are: "leave after" its
# start, or "arrive before" its end (a driver up to three hours later or earlier still fits,
# bot/matching.py max_wait_minutes). A wider one ("le matin") is narrowed by asking.
NARROW_WINDOW_MINUTES = 180
PART_TERMS = {
    DayPart.MORNING: "find.part_morning",
    DayPart.AFTERNOON: "find.part_afternoon",
    DayPart.EVENING: "find.part_evening",
}
BACK_SET = {WayBack.NONE: "find.back_set_none", WayBack.UNKNOWN: "find.back_set_unknown"}
WINDOW_USED = {
    TimeMode.LEAVE_AFTER: "find.window_used_leave_after",
    TimeMode.ARRIVE_BEFORE: "find.window_used_arrive_before",
}

Find = Turn[NeedDraft]


class FindFlow(CallerSteps[NeedDraft]):
    """`for_caller`: the team registers a need for someone who phoned (the subject is the
    caller, the person answering is the operator)."""

    draft_type = NeedDraft
    button_steps = frozenset({CONSENT, MODE, WEEK, BACK, PURPOSE, PRESCRIBED, SPECIAL, SUMMARY})
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
        ask_prescribed: bool = False,
    ) -> None:
        """`ask_prescribed`: volunteers of an association drive, who never take a medical
        transport a doctor prescribed (the health insurance pays for it)."""
        super().__init__(places, territory_departments)
        self.ask_prescribed = ask_prescribed
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
                WEEK: On(press={"when": self.on_when}, words=self.on_week_words),
                MODE: On(press={"mode": self.on_mode}, words=self.on_mode_words),
                TIME: On(words=self.on_time_words),
                BACK: On(press={"back": self.on_back}, words=self.on_back_words),
                BACK_TIME: On(press={"back": self.on_back}, words=self.on_back_time_words),
                PURPOSE: On(press={"purpose": self.on_purpose}, words=self.on_purpose_words),
                PRESCRIBED: On(
                    press={"prescribed": self.on_prescribed},
                    words=self.read_yes_no_as("prescribed", self.on_prescribed),
                ),
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
        if isinstance(answer, Words) and await self._whole_trip_at_origin(turn, answer):
            return
        await super().take(turn, answer)

    async def _whole_trip_at_origin(self, turn: Find, answer: Words) -> bool:
        """At "D'où partez-vous ?", with nothing known yet, a whole trip in one message
        ("cahors figeac chaque semaine", "de Gourdon à Cahors jeudi 9h") is read as it would
        have been as a first message: someone who said "bonjour" first answers that way."""
        draft = turn.draft
        if self.for_caller or turn.state.step != ORIGIN or draft.destination is not None:
            return False
        request = read_request(answer.text, turn.today())
        if request is None or request.destination is None:
            return False
        places = await self.request_places(request)
        taken = {step for step, _, reading in places if reading and reading.taken}
        if taken != {ORIGIN, DESTINATION}:
            return False
        await self._take_request(turn, request, places)
        return True

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
        if await self.needs_consent(turn):
            # The consent alone first (a short text on a simple phone); the sentence is kept
            # and read back once agreed (`on_consent`), so nothing said is lost.
            turn.state.said_first = (opening.text, turn.today())
            turn.ask(CONSENT)
            return
        await self._take_request(turn, request, await self.request_places(request))

    async def _take_request(
        self,
        turn: Find,
        request: Request,
        places: list[tuple[str, str, PlaceReading | None]],
    ) -> None:
        turn.say("words.request_understood")
        if request.weekdays:
            # "Gourdon Cahors lundi et jeudi 8h": every week, on those days.
            turn.change(regular=True, travel_date=None, weekdays=request.weekdays)
            turn.say("steps.days_set", days=Days(frozenset(request.weekdays)))
        elif request.regular:
            turn.change(regular=True, travel_date=None)  # which days: asked in their turn
        elif request.day is not None:
            try:
                turn.change(travel_date=request.day, regular=False, today=turn.today())
                turn.say(date_set("find.date_set", request.day, turn.today()), date=request.day)
            except InvalidInput:
                turn.say("words.day_gone_by", date=request.day)  # asked at its own step
        self.take_wish(turn, request.wish)
        if turn.draft.time_mode is not None and turn.draft.at is not None:
            self.time_said(turn)
        if request.back is not None:
            self.take_back(turn, request.back)
        state = turn.state
        # A place with several meanings ("lacapelle", a short name shared nearby) is offered
        # to choose from, as it would be typed alone; only one list at a time.
        to_choose: tuple[str, str, PlaceReading] | None = None
        for step, typed, reading in places:
            if reading is None or reading.taken is None:
                if (
                    to_choose is None
                    and reading is not None
                    and self.closest_first(reading.resolution)
                ):
                    to_choose = (step, typed, reading)
                    continue
                turn.say("words.place_not_kept", text=echo(typed))
                continue
            place = to_ref(reading.taken, reading.name)
            try:
                turn.change(**{step: place})
            except InvalidInput:
                turn.say("steps.same_place")
                continue
            turn.say(f"steps.{step}_set", place=place)
            state.others = {**state.others, step: [to_ref(p) for p in reading.others]}
            self.offer_others(turn, step, place)
        if request.unused:
            turn.say("words.part_not_used", text=echo(request.unused))
        await self.sensitive_allowed(turn)
        if to_choose is not None:
            step, typed, reading = to_choose
            self.offer_places(turn, step, typed, reading.resolution)
            self._then_origin(turn, step)
            return
        if turn.draft.origin is None:
            turn.ask(ORIGIN)
            return
        self.advance(turn, ORIGIN)

    def _then_origin(self, turn: Find, step: str) -> None:
        """Once the place offered at `step` is chosen, the origin is asked if still unknown
        (the destination comes after it in the steps)."""
        missing = step != ORIGIN and turn.draft.origin is None
        turn.state.back_to = ORIGIN if missing else None

    async def request_places(self, request: Request) -> list[tuple[str, str, PlaceReading | None]]:
        """The places a sentence names, each with its words as typed: "de Gourdon à Cahors",
        "Gourdon → Cahors", or "Gourdon Cahors" (two places with nothing between, tried
        each way when the words name no one place)."""
        named = [(ORIGIN, request.origin), (DESTINATION, request.destination)]
        said = [(step, typed) for step, typed in named if typed]
        if request.origin is not None or request.destination is None:
            return [(step, typed, await self.places.understand(typed)) for step, typed in said]
        whole = await self.places.understand(request.destination)
        if whole.taken is None:
            for origin, destination in two_places(request.destination):
                first = await self.places.understand(origin, online=False)
                if first.taken is None:
                    continue
                second = await self.places.understand(destination, online=False)
                if second.taken is not None:
                    return [(ORIGIN, origin, first), (DESTINATION, destination, second)]
        return [(DESTINATION, request.destination, whole)]

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
        said_first, turn.state.said_first = turn.state.said_first, None
        # Begun with a whole sentence ("cahors demain 9h"): read now, as of the day it was said.
        request = read_request(said_first[0], said_first[1]) if said_first else None
        if request is not None:
            await self._take_request(turn, request, await self.request_places(request))
            return
        turn.say("find.intro")
        turn.ask(ORIGIN)

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
        if step == WEEK:
            return Question(Text("find.ask_next_week"), week_rows(turn.today()))
        if step == DAYS:
            return self.days_question(turn, "find.ask_days")
        if step == MODE:
            return Question(Text("find.ask_mode"), mode_rows())
        if step == TIME:
            if draft.window is not None:
                # "Le matin": too wide to search with, said back before asking a time in it.
                turn.reply.outputs.append(Say(self.window_text(draft.window, "wide")))
            mode = (draft.time_mode or TimeMode.LEAVE_AFTER).value
            return Question(Text(f"find.ask_time_{mode}"))
        if step == BACK and draft.way_back is WayBack.AT and draft.back_at is None:
            # A way back was said ("aller-retour") without its time: the time is asked.
            turn.state.step = BACK_TIME
            return self.question(turn, BACK_TIME)
        if step == BACK:
            return Question(Text("find.ask_back", self.back_places(draft)), back_rows())
        if step == BACK_TIME:
            return Question(Text("find.ask_back_time", self.back_places(draft)), back_time_rows())
        if step == PURPOSE:
            options = [Option(f"purpose:{p.value}", Text(f"purpose.{p.value}")) for p in Purpose]
            return Question(
                Text("find.ask_purpose"),
                tuple(tuple(options[i : i + 2]) for i in range(0, len(options), 2)),
            )
        if step == PRESCRIBED:
            return Question(Text("members.ask_prescribed"), self.yes_no("prescribed"))
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
        turn.change(purpose=Purpose.OTHER, special_needs=frozenset(), purpose_asked=False)
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
            if self.next_step.get(step) == WHEN and turn.draft.regular and not turn.draft.weekdays:
                turn.ask(DAYS)  # "chaque semaine" said: which days, not "when?"
                return
        if state.editing and step in (WHEN, WEEK, DAYS) and turn.draft.window is not None:
            # The day corrected with hours ("jeudi matin"): the time in them is asked
            # before the summary.
            turn.ask(MODE if turn.draft.time_mode is None else TIME)
            return
        super().advance(turn, step)

    @staticmethod
    def _answered(draft: NeedDraft, step: str) -> bool:
        if step == ORIGIN:
            return draft.origin is not None
        if step == DESTINATION:
            return draft.destination is not None
        if step == WHEN:
            return draft.travel_date is not None or (draft.regular and bool(draft.weekdays))
        if step == MODE:
            return draft.time_mode is not None
        if step == TIME:
            return draft.time_mode is not None and draft.at is not None
        if step == BACK:
            return draft.way_back is not None and (
                draft.way_back is not WayBack.AT or draft.back_at is not None
            )
        return False

    async def place_with_more(self, turn: Find, typed: str) -> tuple[str, PlaceReading] | None:
        """ "cahors demain 9h": the place, and the day and time said with it ("lacapelle
        demain 9h": the day kept, the places named so to choose from)."""
        words = typed.split()
        for cut in range(len(words) - 1, 0, -1):
            parsed = read_day_and_time(" ".join(words[cut:]), turn.today())
            if parsed is None:
                continue
            place = " ".join(words[:cut])
            reading = await self.places.understand(place)
            if reading.taken is None and not self.closest_first(reading.resolution):
                return None
            day, wish = parsed
            try:
                turn.change(travel_date=day, regular=False, today=turn.today())
            except InvalidInput:
                return None  # a past day: asked again at its own step
            self.take_wish(turn, wish)
            turn.say(date_set("find.date_set", day, turn.today()), date=day)
            return place, reading
        return None

    def take_wish(self, turn: Find, wish: TimeWish | None) -> None:
        """A time, a "before" or "after", or hours: a time said after hours ("le matin",
        then "9") is read in them; hours are kept until they can be used."""
        if wish is None:
            return
        if wish.mode is not None:
            turn.change(time_mode=wish.mode)
        window = turn.draft.window
        if wish.at is not None:
            turn.change(at=fit_in(wish.at, window) if window else wish.at, window=None)
        elif wish.window is not None:
            start, end = wish.window
            at = turn.draft.at
            if at is not None and start <= at <= end:
                return  # the time already given lies in these hours
            turn.change(window=wish.window, at=None)
            if not self.use_window(turn) and turn.draft.time_mode is None:
                # Said back now; once "before or after" is known, a wide one is narrowed.
                turn.reply.outputs.append(Say(self.window_text(wish.window, "noted")))

    def use_window(self, turn: Find) -> bool:
        """Hours narrow enough, once "before or after" is known, become the time searched
        (said plainly: "between 8 and 9: a departure from 8"). Whether they did."""
        draft = turn.draft
        window, mode = draft.window, draft.time_mode
        if window is None or mode is None or window_minutes(window) > NARROW_WINDOW_MINUTES:
            return False
        start, end = window
        turn.change(at=start if mode is TimeMode.LEAVE_AFTER else end, window=None)
        turn.say(WINDOW_USED[mode], start=start, end=end)
        return True

    @staticmethod
    def window_text(window: tuple[time, time], how: str) -> Text:
        """ "Noté pour le matin", "Entre 8h00 et 11h00, c'est large…" (`how`: noted, wide)."""
        part = part_of(window)
        if part is not None:
            key = "find.window_noted_part" if how == "noted" else "find.window_wide_part"
            return Text(key, {"part": Term(PART_TERMS[part])})
        key = "find.window_noted_between" if how == "noted" else "find.window_wide_between"
        return Text(key, {"start": window[0], "end": window[1]})

    # When.

    async def on_when(self, turn: Find, answer: Press) -> None:
        choice = answer.argument
        today = turn.today()
        if choice == "regular":
            turn.drop()
            turn.change(regular=True, travel_date=None)
            turn.ask(DAYS)
            return
        if choice in ("today", "tomorrow"):
            turn.drop()
            self._set_date(turn, today + timedelta(days=1) if choice == "tomorrow" else today)
            return
        try:
            day = date.fromisoformat(choice)  # a day of next week, pressed
        except ValueError:
            self.other_step(turn)
            return
        turn.drop()
        self._set_date(turn, day)

    async def on_when_words(self, turn: Find, answer: Words) -> None:
        typed = answer.text
        if says_next_week(typed):
            turn.ask(WEEK)
            return
        regular = read_regular_days(typed)
        if regular is not None:
            # "lundi et jeudi 8h", "tous les mardis": every week, the time kept.
            turn.change(regular=True, travel_date=None, weekdays=regular[0])
            turn.say("steps.days_set", days=Days(frozenset(regular[0])))
            self.take_wish(turn, regular[1])
            self.advance(turn, DAYS)
            return
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
        self._set_date(turn, day, wish)

    async def on_week_words(self, turn: Find, answer: Words) -> None:
        """Which day of next week: "jeudi" is next week's, a date is that date."""
        typed = answer.text
        week = next_week(turn.today())
        days = read_weekdays(typed)
        if days is not None and len(days) == 1:
            [weekday] = days
            self._set_date(turn, week[weekday])
            return
        day = read_date(typed, turn.today())
        if day is None:
            turn.show(
                Question(
                    Text("find.when_not_understood", {"text": echo(typed)}),
                    week_rows(turn.today()),
                )
            )
            return
        self._set_date(turn, day)

    def _set_date(self, turn: Find, day: date, wish: TimeWish | None = None) -> None:
        try:
            turn.change(travel_date=day, regular=False, weekdays=frozenset(), today=turn.today())
        except InvalidInput:
            turn.show(Question(Text("find.date_in_past", {"date": day}), when_rows()))
            return
        turn.say(date_set("find.date_set", day, turn.today()), date=day)
        self.take_wish(turn, wish)
        self.advance(turn, WHEN)

    # Time.

    async def on_mode(self, turn: Find, answer: Press) -> None:
        choice = answer.argument
        if choice not in (TimeMode.LEAVE_AFTER.value, TimeMode.ARRIVE_BEFORE.value):
            self.other_step(turn)
            return
        turn.drop()
        turn.change(time_mode=TimeMode(choice))
        if self.use_window(turn):
            # Hours came with the day ("demain entre 8h et 9h"): now they say the time.
            self.advance(turn, TIME)
            return
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
        if wish.window is not None:
            # "entre 8h et 9h": kept, and "before or after" asked again.
            self.take_wish(turn, wish)
            turn.ask(MODE)
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
        if wish.at is None and self.use_window(turn):
            self.advance(turn, TIME)
            return
        if wish.at is not None or (turn.draft.at is not None and not turn.state.editing):
            self.time_said(turn)
            self.advance(turn, TIME)
            return
        self.advance(turn, MODE)

    async def on_time_words(self, turn: Find, answer: Words) -> None:
        wish = read_time_wish(answer.text)
        if wish is None or not wish.said:
            turn.say("steps.time_not_understood", text=echo(answer.text))
            return
        before = turn.draft
        try:
            # The time now first, so that a time gone by is refused before anything is said.
            turn.change(at=None, today=turn.today(), now=turn.now_time())
            self.take_wish(turn, wish)
        except InvalidInput:
            turn.draft = before
            tried = wish.at if wish.at is not None else wish.window[1] if wish.window else None
            if tried is not None:
                self.time_passed(turn, tried)
            return
        if turn.draft.at is None:
            # Hours too wide to search with ("le matin"): a time in them is asked.
            turn.ask(TIME)
            return
        if wish.at is not None:
            self.time_said(turn)
        self.advance(turn, TIME)

    def time_passed(self, turn: Find, at: time) -> None:
        """Arriving before a time already gone by today: said plainly, the time asked again."""
        turn.say("rides.time_passed", time=at, now=turn.now_time())

    def time_said(self, turn: Find) -> None:
        draft = turn.draft
        if not (draft.time_mode and draft.at):
            raise Missing("the draft has no time yet")
        turn.say(f"find.time_set_{draft.time_mode.value}", time=draft.at)

    # The way back.

    @staticmethod
    def back_places(draft: NeedDraft) -> dict[str, str]:
        return {
            "origin": draft.origin.name if draft.origin else "…",
            "destination": draft.destination.name if draft.destination else "…",
        }

    async def on_back(self, turn: Find, answer: Press) -> None:
        choice = answer.argument
        if choice not in ("none", "at", "unknown"):
            self.other_step(turn)
            return
        turn.drop()
        if choice == "at":
            turn.change(way_back=WayBack.AT, back_at=None)
            turn.ask(BACK_TIME)
            return
        self.take_back(turn, BackWish(WayBack(choice)))
        self.advance(turn, BACK)

    async def on_back_words(self, turn: Find, answer: Words) -> None:
        """ "retour vers 17h", "pas de retour", "je ne sais pas encore", "oui"."""
        wish = read_way_back(answer.text)
        if wish is None and read_yes_no(answer.text) is True:
            wish = BackWish(None)  # "oui": its time is asked
        if wish is None:
            turn.show(
                Question(Text("find.back_not_understood", {"text": echo(answer.text)}), back_rows())
            )
            return
        self.after_back(turn, wish)

    async def on_back_time_words(self, turn: Find, answer: Words) -> None:
        """The time of the way back ("17h", "vers 17h30"), or after all none or not known."""
        wish = read_way_back(answer.text)
        if wish is None or wish.kind is None:
            turn.show(
                Question(
                    Text("find.back_time_not_understood", {"text": echo(answer.text)}),
                    back_time_rows(),
                )
            )
            return
        self.after_back(turn, wish)

    def after_back(self, turn: Find, wish: BackWish) -> None:
        if not self.take_back(turn, wish):
            turn.ask(BACK_TIME)
            return
        self.advance(turn, BACK)

    def take_back(self, turn: Find, wish: BackWish) -> bool:
        """Keep what was said of the way back and say it back; False when its time is still
        to ask (none said, or one before the way there)."""
        if wish.kind is None:
            turn.change(way_back=WayBack.AT, back_at=None)
            return False
        if wish.kind is not WayBack.AT or wish.at is None:
            turn.change(way_back=wish.kind, back_at=None)
            turn.say(BACK_SET[wish.kind])
            return True
        going = turn.draft.at
        if going is not None and wish.at <= going:
            turn.change(way_back=WayBack.AT, back_at=None)
            turn.say("find.back_before_going", time=wish.at, going=going)
            return False
        turn.change(way_back=WayBack.AT, back_at=wish.at)
        turn.say("find.back_set_at", time=wish.at)
        return True

    # Purpose and special needs.

    async def on_purpose(self, turn: Find, answer: Press) -> None:
        choice = answer.argument
        if choice not in {p.value for p in Purpose}:
            self.other_step(turn)
            return
        turn.drop()
        turn.change(purpose=Purpose(choice), purpose_asked=True)
        if choice != Purpose.HEALTH:
            turn.change(prescribed=None)
        elif self.ask_prescribed and turn.draft.prescribed is None:
            turn.ask(PRESCRIBED)  # once: a correction of the purpose does not ask again
            return
        self.advance(turn, PURPOSE)

    async def on_prescribed(self, turn: Find, answer: Press) -> None:
        """Prescribed by a doctor: the health insurance pays a VSL or a taxi conventionné,
        said plainly; the search goes on without the association's volunteers."""
        if answer.argument not in ("yes", "no"):
            self.other_step(turn)
            return
        turn.drop()
        turn.change(prescribed=answer.argument == "yes")
        if answer.argument == "yes":
            turn.say("members.prescribed_elsewhere")
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
        followed = await self.operators.register_need(
            turn.person, self.caller_of(turn), new_need, turn.state.team
        )
        if followed.need is None:
            raise Missing("the registered need is not in its follow-up")
        turn.notify(followed.notices)
        if followed.elsewhere is not None:
            # Told where it went, rather than left wondering why their group has nothing.
            turn.say(
                "qaregion.registered_for_team", id=followed.need.id, team=followed.elsewhere.name
            )
            return
        turn.reply.outputs.append(TeamCandidates(followed.need, tuple(followed.candidates)))


def when_rows() -> tuple[tuple[Option, ...], ...]:
    return (
        (
            Option("when:today", Text("button.today")),
            Option("when:tomorrow", Text("button.tomorrow")),
        ),
        (Option("when:regular", Text("button.regular")),),
    )


def week_rows(today: date) -> tuple[tuple[Option, ...], ...]:
    """The days of next week, two a row."""
    days = [
        Option(f"when:{day.isoformat()}", Text("find.day_choice", {"date": day}))
        for day in next_week(today)
    ]
    return tuple(tuple(days[i : i + 2]) for i in range(0, len(days), 2))


def back_rows() -> tuple[tuple[Option, ...], ...]:
    return (
        (Option("back:none", Text("button.back_none")),),
        (Option("back:at", Text("button.back_at")),),
        (Option("back:unknown", Text("button.back_unknown")),),
    )


def back_time_rows() -> tuple[tuple[Option, ...], ...]:
    """While the time of the way back is asked: still free to say none, or not known yet."""
    return (
        (Option("back:unknown", Text("button.back_unknown")),),
        (Option("back:none", Text("button.back_none")),),
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
