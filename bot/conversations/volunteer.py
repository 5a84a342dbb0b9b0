"""/benevole (/volunteer): a volunteer driver of an association says when they can drive and
how far from home (issue 24, item 1). By SMS, "bénévole" opens it (bot/services/texting.py);
its choices are numbered there and the same words are read.

Home (a place), the days (the engine's days), the parts of the day (morning, afternoon,
evening), how far (a radius in km), whether they drive in August, then the summary. What
they declare is matched against members' needs once the team has checked their file
(bot/services/volunteers.py)."""

from __future__ import annotations

import re
from collections.abc import Sequence

from bot.conversations.engine import DAYS, ORIGIN, SUMMARY, Flow, On, Turn, echo
from bot.conversations.model import (
    Days,
    Option,
    Press,
    Question,
    Say,
    Term,
    Text,
    Value,
    Words,
)
from bot.domain import InvalidInput, PlaceRef
from bot.services.consents import TRIP, ConsentService
from bot.services.places import PlaceService
from bot.services.volunteers import (
    MAX_RADIUS,
    PART_BUTTONS,
    PART_CHOICES,
    RADII,
    VolunteerDraft,
    VolunteerService,
)
from bot.understand import MAX_TEXT, fold, read_yes_no

CONSENT, PARTS, RADIUS, AUGUST = "consent", "parts", "radius", "august"
NAME = "volunteer"

# The catalogue's words (literal, so that the catalogues' test finds them).
PART_KEYS = {
    "m": "volunteers.parts_m", "a": "volunteers.parts_a", "e": "volunteers.parts_e",
    "ma": "volunteers.parts_ma", "ae": "volunteers.parts_ae", "me": "volunteers.parts_me",
    "mae": "volunteers.parts_mae",
}  # fmt: skip
EDIT_KEYS = {
    "origin": "volunteers.edit_origin", "days": "volunteers.edit_days",
    "parts": "volunteers.edit_parts", "radius": "volunteers.edit_radius",
    "august": "volunteers.edit_august",
}  # fmt: skip
# Said by the engine for this flow (its name's prefix).
ENGINE_KEYS = ("volunteer.ask_origin", "volunteer.cancelled", "volunteer.busy", "volunteer.lost")

NEXT_STEP = {ORIGIN: DAYS, DAYS: PARTS, PARTS: RADIUS, RADIUS: AUGUST, AUGUST: SUMMARY}
SUMMARY_FIELDS = ("origin", "days", "parts", "radius", "august")

Volunteer = Turn[VolunteerDraft]

_VOLUNTEERING = re.compile(r"\b(?:benevole|benevoles|volunteer|volunteering)\b")


def says_volunteering(text: str) -> bool:
    """ "Bénévole", "je suis conducteur bénévole", "volunteer": someone offering to drive
    for the association, by text."""
    return len(text) <= MAX_TEXT and _VOLUNTEERING.search(fold(text)) is not None


def read_parts(text: str) -> str | None:
    """ "le matin", "après-midi et soir", "toute la journée", "morning": the parts said."""
    folded = fold(text)
    if any(w in folded for w in ("journee", "all day", "toute la", "whole day", "tout le temps")):
        return "mae"
    said = ""
    if "matin" in folded or "morning" in folded:
        said += "m"
    if "apres" in folded or "aprem" in folded or "afternoon" in folded:
        said += "a"
    if "soir" in folded or "evening" in folded:
        said += "e"
    return said if said in PART_CHOICES else None


def read_radius(text: str) -> int | None:
    """ "25", "25 km", "30 kilomètres"."""
    found = re.fullmatch(r"\s*(\d{1,3})\s*(?:km|kms|kilometres?|kilometers?)?\s*\.?\s*", fold(text))
    return int(found.group(1)) if found else None


class VolunteerFlow(Flow[VolunteerDraft]):
    name = NAME
    draft_type = VolunteerDraft
    next_step = NEXT_STEP
    button_steps = frozenset({CONSENT, AUGUST, SUMMARY})
    summary_fields = SUMMARY_FIELDS

    def __init__(
        self,
        places: PlaceService,
        territory_departments: Sequence[str],
        consents: ConsentService,
        volunteers: VolunteerService,
    ) -> None:
        super().__init__(places, territory_departments)
        self.consents, self.volunteers = consents, volunteers
        self.steps.update(
            {
                CONSENT: On(press={"consent": self.on_consent}, words=self.on_consent_words),
                PARTS: On(press={"parts": self.on_parts}, words=self.on_parts_words),
                RADIUS: On(press={"radius": self.on_radius}, words=self.on_radius_words),
                AUGUST: On(press={"august": self.on_august}, words=self.on_august_words),
            }
        )

    async def begin(self, turn: Volunteer) -> None:
        person = turn.person
        if person.privacy_accepted_at is None or await self.consents.to_ask(person, TRIP):
            turn.ask(CONSENT)
            return
        await self._intro(turn)

    async def _intro(self, turn: Volunteer) -> None:
        known = await self.volunteers.get(turn.person.id)
        turn.say("volunteers.intro_again" if known is not None else "volunteers.intro")
        turn.ask(ORIGIN)

    def question(self, turn: Volunteer, step: str) -> Question:
        draft = turn.draft
        if step == CONSENT:
            return Question(
                Text("offer.consent"),
                (
                    (Option("consent:yes", Text("button.accept_privacy")),),
                    (Option("consent:no", Text("button.refuse_privacy")),),
                ),
            )
        if step == ORIGIN:
            return self.place_question(step)
        if step == DAYS:
            return self.days_question(turn, "volunteers.ask_days")
        if step == PARTS:
            return Question(
                Text("volunteers.ask_parts"),
                tuple((Option(f"parts:{code}", Text(PART_KEYS[code])),) for code in PART_BUTTONS),
            )
        if step == RADIUS:
            return Question(
                Text("volunteers.ask_radius", {"max": MAX_RADIUS}),
                (tuple(Option(f"radius:{km}", f"{km} km") for km in RADII),),
            )
        if step == AUGUST:
            return Question(Text("volunteers.ask_august"), self.yes_no("august"))
        if step == SUMMARY:
            values: dict[str, Value] = {
                "home": draft.origin.name if draft.origin else "…",
                "days": Days(frozenset(int(d) for d in draft.weekdays)),
                "parts": Term(PART_KEYS[draft.parts or "m"]),
                "radius": draft.radius_km or 0,
                "august": Term(
                    "volunteers.august_no" if draft.not_in_august else "volunteers.august_yes"
                ),
            }
            edits = [Option(f"edit:{f}", Text(EDIT_KEYS[f])) for f in SUMMARY_FIELDS]
            return Question(
                Text("volunteers.summary", values),
                (
                    (Option("confirm", Text("volunteers.confirm")),),
                    *(tuple(edits[i : i + 2]) for i in range(0, len(edits), 2)),
                    (Option("cancel", Text("button.cancel_registration")),),
                ),
            )
        raise ValueError(step)

    def set_place(self, turn: Volunteer, step: str, place: PlaceRef) -> None:
        """The engine's place step, said as their home rather than a departure."""
        super().set_place(turn, step, place)
        turn.reply.outputs = [
            Say(Text("volunteers.home_set", output.text.values), clear_keyboard=True)
            if isinstance(output, Say) and output.text.key == "steps.origin_set"
            else output
            for output in turn.reply.outputs
        ]

    # Consent.

    async def on_consent(self, turn: Volunteer, answer: Press) -> None:
        turn.drop()
        if answer.argument != "yes":
            turn.say("offer.consent_refused")
            turn.end()
            return
        turn.person = await self.consents.give(turn.person, TRIP)
        await self._intro(turn)

    async def on_consent_words(self, turn: Volunteer, answer: Words) -> None:
        said = read_yes_no(answer.text)
        if said is None:
            self.not_understood(turn, answer.text)
            return
        await self.on_consent(turn, Press(f"consent:{'yes' if said else 'no'}"))

    # The parts of the day.

    async def on_parts(self, turn: Volunteer, answer: Press) -> None:
        if answer.argument not in PART_CHOICES:
            self.other_step(turn)
            return
        turn.drop()
        self._set_parts(turn, answer.argument)

    async def on_parts_words(self, turn: Volunteer, answer: Words) -> None:
        parts = read_parts(answer.text)
        if parts is None:
            self.not_understood(turn, answer.text)
            return
        self._set_parts(turn, parts)

    def _set_parts(self, turn: Volunteer, parts: str) -> None:
        turn.change(parts=parts)
        turn.say("volunteers.parts_set", parts=Term(PART_KEYS[parts]))
        self.advance(turn, PARTS)

    # How far.

    async def on_radius(self, turn: Volunteer, answer: Press) -> None:
        if not answer.argument.isdigit():
            self.other_step(turn)
            return
        turn.drop()
        self._set_radius(turn, answer.argument)

    async def on_radius_words(self, turn: Volunteer, answer: Words) -> None:
        self._set_radius(turn, answer.text)

    def _set_radius(self, turn: Volunteer, typed: str) -> None:
        km = read_radius(typed)
        try:
            if km is None:
                raise ValueError(typed)
            turn.change(radius_km=km)
        except (ValueError, InvalidInput):
            text = Text("volunteers.radius_invalid", {"text": echo(typed), "max": MAX_RADIUS})
            turn.show(Question(text, self.question(turn, RADIUS).rows))
            return
        turn.say("volunteers.radius_set", km=km)
        self.advance(turn, RADIUS)

    # August.

    async def on_august(self, turn: Volunteer, answer: Press) -> None:
        if answer.argument not in ("yes", "no"):
            self.other_step(turn)
            return
        turn.drop()
        turn.change(not_in_august=answer.argument == "no")
        self.advance(turn, AUGUST)

    async def on_august_words(self, turn: Volunteer, answer: Words) -> None:
        said = read_yes_no(answer.text)
        if said is None and "pas en aout" in fold(answer.text):
            said = False
        if said is None:
            self.not_understood(turn, answer.text)
            return
        await self.on_august(turn, Press(f"august:{'yes' if said else 'no'}"))

    # The summary.

    async def confirm(self, turn: Volunteer, answer: Press) -> None:
        if turn.draft.missing:
            self.ask_missing(turn, InvalidInput(turn.draft.missing[0], "missing"))
            return
        turn.drop()
        saved = await self.volunteers.declare(turn.person, turn.draft)
        turn.end()
        turn.say("volunteers.saved", clear=True)
        turn.notify(saved.notices)
