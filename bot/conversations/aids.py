"""/aides (/aids): a few questions (age, situation, RSA or AAH and RQTH, commune), then the
aids the person may be entitled to, most local first, each with how to apply.

The answers given are remembered in Mobilot's own storage (bot/services/aids.py): applying
for one of the aids shown starts from them, and "keep my answers" keeps them for next time,
only if the person says so. With answers kept, /aides shows the aids at once; "change my
answers" asks again. The channel shows the aids found its own way (`AidsShown`). A draft
that cannot be read any more is said by the engine ("aids.lost").
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from pydantic import BaseModel

from bot.aids.model import Profile, Situation
from bot.aids.words import benefits_in, parse_age, situation_in
from bot.conversations.engine import Flow, On, Turn, echo, place_label
from bot.conversations.model import (
    Expect,
    Location,
    Option,
    Press,
    Question,
    Term,
    Text,
    Unusable,
    Words,
)
from bot.domain import PlaceRef
from bot.places.model import PlaceMatch
from bot.services.aids import AidService, Found
from bot.services.places import MAX_PLACE_TEXT, PlaceService, to_ref
from bot.understand import read_choice, read_yes_no

AGE, SITUATION, BENEFITS, COMMUNE = "age", "situation", "benefits", "commune"
# The answer to "RSA or AAH? RQTH?": (rsa_or_aah, rqth), None where not said; in the order
# of the choices.
BENEFIT_ANSWERS: dict[str, tuple[bool | None, bool | None]] = {
    "rsa": (True, False), "rqth": (False, True), "both": (True, True), "none": (False, False),
    "unsaid": (None, None),
}  # fmt: skip
# "Change my answers" (the button under aids shown from answers kept): the questions again.
AGAIN = "again"
MAX_COMMUNE_CHOICES = 6


class AidsDraft(BaseModel):
    age: int | None = None
    situation: Situation | None = None
    benefits: str | None = None
    # The commune the person travels from (their latest need or trip), offered as a button.
    known: PlaceRef | None = None

    def with_(self, **changes: Any) -> AidsDraft:
        return self.model_copy(update=changes)


@dataclass(frozen=True)
class AidsShown:
    """The aids found for the answers: each with how to apply, then whether to keep the
    answers (`kept`: they were kept already, and may be changed)."""

    found: Found
    kept: bool


Aids = Turn[AidsDraft]


class AidsFlow(Flow[AidsDraft]):
    name = "aids"
    draft_type = AidsDraft
    button_steps = frozenset({SITUATION, BENEFITS})

    def __init__(
        self, places: PlaceService, territory_departments: Sequence[str], aids: AidService
    ) -> None:
        super().__init__(places, territory_departments)
        self.aids = aids
        self.steps.update(
            {
                AGE: On(words=self.on_age),
                SITUATION: On(
                    press={"situation": self.on_situation}, words=self.on_situation_words
                ),
                BENEFITS: On(press={"benefits": self.on_benefits}, words=self.on_benefits_words),
                COMMUNE: On(
                    press={"pick": self.on_pick, "known": self.on_known},
                    words=self.on_commune_words,
                    location=self.on_location,
                ),
            }
        )

    async def begin(self, turn: Aids) -> None:
        known = await self.aids.start(turn.person, ask_again=turn.opening == AGAIN)
        if known.found is not None:
            turn.present(AidsShown(known.found, kept=True))
            turn.end()
            return
        turn.change(known=known.place)
        turn.say("aids.intro")
        turn.ask(AGE)

    def question(self, turn: Aids, step: str) -> Question:
        if step == SITUATION:
            rows = tuple(
                (Option(f"situation:{s.value}", Text(f"aids.situation.{s.value}")),)
                for s in Situation
            )
            return Question(Text("aids.ask_situation"), rows)
        if step == BENEFITS:
            rows = tuple(
                (Option(f"benefits:{b}", Text(f"aids.benefit.{b}")),) for b in BENEFIT_ANSWERS
            )
            return Question(Text("aids.ask_benefits"), rows)
        if step == COMMUNE:
            known = turn.draft.known
            if known is None:
                return Question(Text("aids.ask_commune"), expect=Expect.PLACE)
            label = Text("aids.button_known_commune", {"name": known.name})
            return Question(Text("aids.ask_commune"), ((Option("known", label),),))
        return Question(Text("aids.ask_age"))

    def cancel(self, turn: Aids) -> None:
        turn.say("aids.cancelled", clear=True)  # the commune's location button goes too
        turn.end()

    def unexpected_reason(self, step: str, answer: Unusable) -> str:
        if step == COMMUNE:
            return "steps.place_text_or_location"
        return super().unexpected_reason(step, answer)

    # Age.

    async def on_age(self, turn: Aids, answer: Words) -> None:
        if take_age(turn, answer):
            turn.ask(SITUATION)

    # Situation: a button, or the person's words ("je cherche du travail", "retraitée").

    async def on_situation(self, turn: Aids, answer: Press) -> None:
        try:
            situation = Situation(answer.argument)
        except ValueError:
            turn.ask(SITUATION)
            return
        turn.drop()
        self._situation(turn, situation)

    async def on_situation_words(self, turn: Aids, answer: Words) -> None:
        situation = situation_in(answer.text)
        if situation is None:
            self.unexpected(turn, "common.use_buttons")
            return
        self._situation(turn, situation)

    def _situation(self, turn: Aids, situation: Situation) -> None:
        turn.change(situation=situation)
        turn.say("aids.situation_set", situation=Term(f"aids.situation.{situation.value}"))
        turn.ask(BENEFITS)

    # RSA or AAH, RQTH: a button, or words ("j'ai le RSA", "aucun", "je préfère pas").

    async def on_benefits(self, turn: Aids, answer: Press) -> None:
        if answer.argument not in BENEFIT_ANSWERS:
            turn.ask(BENEFITS)
            return
        turn.drop()
        turn.change(benefits=answer.argument)
        turn.ask(COMMUNE)

    async def on_benefits_words(self, turn: Aids, answer: Words) -> None:
        said = benefits_in(answer.text)
        if said is None:
            self.unexpected(turn, "common.use_buttons")
            return
        turn.change(benefits=said)
        turn.say("aids.benefits_set", answer=Term(f"aids.benefit.{said}"))
        turn.ask(COMMUNE)

    # The commune: typed, shared as a location, the one known, or one of the suggestions.

    async def on_commune_words(self, turn: Aids, answer: Words) -> None:
        typed, state, known = answer.text, turn.state, turn.draft.known
        if len(typed) > MAX_PLACE_TEXT:
            turn.say("steps.place_too_long")
            return
        if state.choices:
            # Suggestions are shown: "la deuxième", "Figeac (46)" pick one of them.
            index = read_choice(typed, [place_label(choice) for choice in state.choices])
            if index is not None:
                await self.finish(turn, state.choices[index])
                return
        elif known is not None and read_yes_no(typed) is True:
            await self.finish(turn, known)  # "oui" to the commune offered
            return
        resolution = await self.places.resolve(typed)
        if resolution.unique is not None:
            await self.finish(turn, to_ref(resolution.unique))
            return
        matches = self._closest(resolution.exact, resolution.suggestions)
        if not matches:
            turn.say("steps.place_unknown", text=echo(typed))
            return
        state.choices = [to_ref(match.place) for match in matches]
        rows = tuple((Option(f"pick:{i}", m.place.label),) for i, m in enumerate(matches))
        turn.show(Question(Text("steps.place_suggestions", {"text": echo(typed)}), rows))

    def _closest(
        self, exact: Sequence[PlaceMatch], suggestions: Sequence[PlaceMatch]
    ) -> list[PlaceMatch]:
        """The territory's departments first, exact names before near ones."""
        return sorted(
            [*exact, *suggestions],
            key=lambda m: (m.place.department not in self.territory, not m.exact),
        )[:MAX_COMMUNE_CHOICES]

    async def on_location(self, turn: Aids, answer: Location) -> None:
        place = self.places.from_location(answer.lat, answer.lon)
        if place is None:
            turn.say("steps.location_far")
            return
        await self.finish(turn, place)

    async def on_pick(self, turn: Aids, answer: Press) -> None:
        index, choices = answer.argument, turn.state.choices
        if not index.isascii() or not index.isdigit() or int(index) >= len(choices):
            turn.ask(COMMUNE)
            return
        turn.drop()
        await self.finish(turn, choices[int(index)])

    async def on_known(self, turn: Aids, answer: Press) -> None:
        known = turn.draft.known
        if known is None:
            turn.ask(COMMUNE)
            return
        turn.drop()
        await self.finish(turn, known)

    # The aids found.

    async def finish(self, turn: Aids, place: PlaceRef) -> None:
        draft = turn.draft
        if draft.age is None or draft.situation is None:
            turn.ask(AGE)
            return
        code = place.id.removeprefix("insee:") if place.id.startswith("insee:") else None
        rsa_or_aah, rqth = BENEFIT_ANSWERS.get(draft.benefits or "unsaid", (None, None))
        profile = Profile(
            age=draft.age,
            situation=draft.situation,
            commune_code=code,
            commune_name=place.name,
            department=place.department or None,
            rsa_or_aah=rsa_or_aah,
            rqth=rqth,
        )
        turn.state.choices = []
        found = await self.aids.find(turn.person, profile)
        turn.present(AidsShown(found, kept=False))
        turn.end()


def take_age(turn: Turn[Any], answer: Words) -> bool:
    """The age said ("24", "j'ai 67 ans") into the draft; False (and why said) when the
    words are no age: a time, a date, two numbers."""
    age = parse_age(answer.text)
    if age is None:
        turn.say("aids.age_not_understood")
        return False
    turn.change(age=age)
    return True
