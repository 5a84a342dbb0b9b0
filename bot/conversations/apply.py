"""Applying for an aid in the bot: the aid's own questions, the proofs as photos or PDF files
(checked by the core: at most 10, 10 MB each, JPEG, PNG or PDF by their content), consent,
then the application goes to its funder's group (bot/services/applications.py).

`for_caller` (/aidepour, /applyfor): the team applies for someone who phoned. The caller's
name and phone, their age, situation and commune, then the aids that can be applied for
here; the rest is the same application, filled by the operator, the caller's consent asked
on the phone. The caller has no Telegram account: every answer reaches them through the team.

A draft that cannot be read any more is said by the engine: "apply.lost", "apply_for.lost".
"""

from __future__ import annotations

from typing import Any

from pydantic import BaseModel, ValidationError

from bot.aids.model import MAX_PROOFS, Aid, Application, Profile, Situation
from bot.aids.words import situation_in
from bot.conversations.aids import take_age
from bot.conversations.caller import take_caller_name, take_caller_phone
from bot.conversations.engine import Flow, On, Turn, echo
from bot.conversations.model import (
    Bullets,
    Option,
    Press,
    Question,
    SentFile,
    Term,
    Text,
    Unusable,
    Value,
    Words,
)
from bot.domain import Caller, PlaceRef
from bot.services.aids import AidService
from bot.services.applications import ApplicationService, Result
from bot.services.places import MAX_PLACE_TEXT, PlaceService, to_ref

# The steps keep the names they had before the engine (storage/migrations/0020).
FIELD, PROOFS, CONSENT = "field", "proofs", "consent"
NAME, PHONE, AGE, SITUATION, COMMUNE, AID = (
    "caller_name",
    "caller_phone",
    "caller_age",
    "caller_situation",
    "caller_commune",
    "caller_aid",
)
# The answer to a proof sent, by what the core made of it.
PROOF_SAID = {
    Result.DONE: "aids.proof_added",
    Result.TOO_BIG: "aids.proof_too_big",
    Result.WRONG_KIND: "aids.proof_wrong_kind",
    Result.TOO_MANY: "aids.proof_too_many",
}
MAX_COMMUNE_CHOICES = 6


class ApplyDraft(BaseModel):
    application_id: int = 0
    aid_id: str = ""
    # For a caller: what they said on the phone, before an aid is chosen.
    age: int | None = None
    situation: Situation | None = None
    place: PlaceRef | None = None
    # The aid's own questions answered, and the papers received, so far.
    answered: int = 0
    proofs: int = 0
    # The aids the caller may apply for here, offered to choose from: id → title.
    offered: dict[str, str] = {}

    def with_(self, **changes: Any) -> ApplyDraft:
        return self.model_copy(update=changes)


Apply = Turn[ApplyDraft]


class ApplyFlow(Flow[ApplyDraft]):
    draft_type = ApplyDraft

    def __init__(
        self,
        places: PlaceService,
        territory_departments: Any,
        applications: ApplicationService,
        aids: AidService,
        *,
        for_caller: bool = False,
    ) -> None:
        super().__init__(places, territory_departments)
        self.applications, self.aids = applications, aids
        self.for_caller = for_caller
        self.name = "apply_for" if for_caller else "apply"
        self.steps.update(
            {
                FIELD: On(words=self.on_answer),
                PROOFS: On(
                    press={"done": self.on_done, "cancel": self.on_give_up}, file=self.on_proof
                ),
                CONSENT: On(press={"submit": self.on_submit, "cancel": self.on_give_up}),
                NAME: On(words=self.on_name),
                PHONE: On(words=self.on_phone),
                AGE: On(words=self.on_age),
                SITUATION: On(
                    press={"situation": self.on_situation}, words=self.on_situation_words
                ),
                COMMUNE: On(press={"pick": self.on_pick}, words=self.on_commune),
                AID: On(press={"aid": self.on_aid}),
            }
        )

    async def begin(self, turn: Apply) -> None:
        if self.for_caller:
            turn.say("aids.behalf_intro")
            turn.ask(NAME)
            return
        started = await self.applications.start_from_answers(turn.person, turn.opening)
        if started.result is not Result.DONE or started.application is None or not started.aid:
            turn.alert("aids.apply_unavailable")
            turn.end()
            return
        turn.change(application_id=started.application.id, aid_id=started.aid.id)
        turn.say("aids.apply_intro", title=started.aid.in_language(turn.person.language).title)
        self.next(turn, started.application, started.aid, started.count)

    def question(self, turn: Apply, step: str) -> Question:
        caller = turn.state.caller
        if step == FIELD:
            return Question(Text("aids.ask_field", {"question": self._field(turn)}))
        if step == PROOFS:
            return self._proofs_question(turn, turn.draft.proofs)
        if step == CONSENT:
            aid = self._aid(turn)
            funder = aid.funder_name if aid else ""
            if self.for_caller:
                text = Text(
                    "aids.ask_consent_caller", {"name": caller.get("name", ""), "funder": funder}
                )
            else:
                text = Text("aids.ask_consent", {"funder": funder})
            return Question(text, submit_rows())
        if step == NAME:
            return Question(Text("behalf.ask_name"))
        if step == PHONE:
            return Question(Text("behalf.ask_phone", {"name": caller.get("name", "")}))
        if step == AGE:
            return Question(Text("aids.behalf_ask_age", {"name": caller.get("name", "")}))
        if step == SITUATION:  # the caller's, in the third person: the operator answers
            rows = tuple(
                (Option(f"situation:{s.value}", Text(f"aids.behalf_situation.{s.value}")),)
                for s in Situation
            )
            return Question(
                Text("aids.behalf_ask_situation", {"name": caller.get("name", "")}), rows
            )
        if step == AID:
            rows = tuple((Option(f"aid:{i}", title),) for i, title in turn.draft.offered.items())
            return Question(Text("aids.behalf_choose", {"name": caller.get("name", "")}), rows)
        return Question(Text("aids.behalf_ask_commune"))

    def _aid(self, turn: Apply) -> Aid | None:
        """The aid applied for, in the language of whoever is applying (or filing)."""
        aid = self.applications.catalogue.get(turn.draft.aid_id)
        return aid.in_language(turn.person.language) if aid else None

    def _field(self, turn: Apply) -> str:
        aid = self._aid(turn)
        fields = aid.fields if aid else ()
        return fields[turn.draft.answered] if turn.draft.answered < len(fields) else ""

    def _proofs_question(self, turn: Apply, count: int, key: str = "aids.ask_proofs") -> Question:
        aid = self._aid(turn)
        proofs = Bullets(tuple(aid.proofs) if aid else (), "aids.proofs_any")
        values: dict[str, Value] = {"proofs": proofs, "count": count, "most": MAX_PROOFS}
        return Question(Text(key, values), proofs_rows())

    def next(self, turn: Apply, application: Application, aid: Aid, count: int) -> None:
        """The aid's next own question, else the proofs."""
        answered = len(application.answers)
        aid = aid.in_language(turn.person.language)
        turn.change(answered=answered, proofs=count)
        if answered < len(aid.fields):
            turn.state.step = FIELD
            turn.show(Question(Text("aids.ask_field", {"question": aid.fields[answered]})))
            return
        turn.state.step = PROOFS
        turn.show(self._proofs_question(turn, count))

    # The aid's own questions.

    async def on_answer(self, turn: Apply, answer: Words) -> None:
        done = await self.applications.answer(turn.person, turn.draft.application_id, answer.text)
        if done.result is Result.TOO_LONG:
            turn.say("aids.answer_too_long")
            return
        if done.result is not Result.DONE or done.application is None or done.aid is None:
            self.gone(turn)
            return
        self.next(turn, done.application, done.aid, 0)

    # The proofs.

    async def on_proof(self, turn: Apply, answer: SentFile) -> None:
        added = await self.applications.add_proof(
            turn.person, turn.draft.application_id, answer.size, answer.ref, answer.download
        )
        if added.result is Result.NOT_DRAFT or added.result not in PROOF_SAID:
            self.gone(turn)
            return
        turn.change(proofs=added.count)
        values: dict[str, Value] = {"count": added.count, "most": MAX_PROOFS}
        turn.show(Question(Text(PROOF_SAID[added.result], values), proofs_rows()))

    async def on_done(self, turn: Apply, answer: Press) -> None:
        turn.drop()
        turn.ask(CONSENT)

    async def on_submit(self, turn: Apply, answer: Press) -> None:
        turn.drop()
        submitted = await self.applications.submit(turn.person, turn.draft.application_id)
        if submitted.result is Result.NO_PROOF:
            turn.state.step = PROOFS
            turn.show(Question(Text("aids.no_proof"), proofs_rows()))
            return
        if submitted.result is not Result.DONE:
            self.gone(turn)
            return
        turn.end()
        if self.for_caller:
            turn.say("aids.filed_for", name=turn.state.caller.get("name", ""))
        turn.notify(submitted.notices)

    async def on_give_up(self, turn: Apply, answer: Press) -> None:
        turn.drop()
        await self.give_up(turn)

    async def give_up(self, turn: Apply) -> None:
        application_id = turn.state.draft.get("application_id") or 0
        if application_id:
            await self.applications.forget_draft(turn.person, int(application_id))
        turn.say("aids.given_up")
        turn.end()

    def cancel(self, turn: Apply) -> None:
        turn.say("aids.given_up")
        turn.end()

    def gone(self, turn: Apply) -> None:
        turn.say("aids.apply_unavailable")
        turn.end()

    # The caller, when the team applies for someone who phoned.

    async def on_name(self, turn: Apply, answer: Words) -> None:
        turn.state.caller = {}
        if take_caller_name(turn, answer):
            turn.ask(PHONE)

    async def on_phone(self, turn: Apply, answer: Words) -> None:
        if take_caller_phone(turn, answer):
            turn.ask(AGE)

    async def on_age(self, turn: Apply, answer: Words) -> None:
        if take_age(turn, answer):
            turn.ask(SITUATION)

    async def on_situation(self, turn: Apply, answer: Press) -> None:
        try:
            situation = Situation(answer.argument)
        except ValueError:
            self.other_step(turn)
            return
        turn.drop()
        turn.change(situation=situation)
        turn.ask(COMMUNE)

    async def on_situation_words(self, turn: Apply, answer: Words) -> None:
        situation = situation_in(answer.text)
        if situation is None:
            turn.say("common.use_buttons")
            return
        turn.change(situation=situation)
        said = Term(f"aids.behalf_situation.{situation.value}")
        turn.say("aids.situation_set", situation=said)
        turn.ask(COMMUNE)

    async def on_commune(self, turn: Apply, answer: Words) -> None:
        typed = answer.text
        if len(typed) > MAX_PLACE_TEXT:
            turn.say("steps.place_too_long")
            return
        resolution = await self.places.resolve(typed)
        if resolution.unique is not None:
            await self.aids_here(turn, to_ref(resolution.unique))
            return
        matches = [*resolution.exact, *resolution.suggestions][:MAX_COMMUNE_CHOICES]
        if not matches:
            turn.say("steps.place_unknown", text=echo(typed))
            return
        turn.state.choices = [to_ref(match.place) for match in matches]
        rows = tuple((Option(f"pick:{i}", m.place.label),) for i, m in enumerate(matches))
        turn.show(Question(Text("steps.place_suggestions", {"text": echo(typed)}), rows))

    async def on_pick(self, turn: Apply, answer: Press) -> None:
        index, choices = answer.argument, turn.state.choices
        if not index.isascii() or not index.isdigit() or int(index) >= len(choices):
            self.other_step(turn)
            return
        turn.drop()
        await self.aids_here(turn, choices[int(index)])

    def profile(self, turn: Apply) -> Profile | None:
        draft = turn.draft
        place = draft.place
        if place is None or draft.age is None:
            return None
        code = place.id.removeprefix("insee:") if place.id.startswith("insee:") else None
        return Profile(
            age=draft.age,
            situation=draft.situation or Situation.OTHER,
            commune_code=code,
            commune_name=place.name,
            department=place.department or None,
        )

    async def aids_here(self, turn: Apply, place: PlaceRef) -> None:
        """The aids the caller may apply for here (the others: as /aides shows them)."""
        turn.state.choices = []
        turn.change(place=place)
        profile = self.profile(turn)
        if profile is None:
            turn.ask(AGE)
            return
        found = self.aids.found(profile)  # the caller's answers: not the operator's own
        here = [aid for aid in found.aids if aid.apply_here]
        lang = turn.person.language
        elsewhere = tuple(aid.in_language(lang).title for aid in found.aids if not aid.apply_here)
        if elsewhere:
            turn.say("aids.behalf_elsewhere", aids=Bullets(elsewhere))
        if not here:
            turn.say("aids.behalf_none_here")
            turn.end()
            return
        turn.change(offered={aid.id: aid.in_language(lang).title for aid in here})
        turn.ask(AID)

    async def on_aid(self, turn: Apply, answer: Press) -> None:
        profile = self.profile(turn)
        try:
            caller = Caller(**turn.state.caller)
        except (ValidationError, TypeError):
            self.gone(turn)
            return
        if profile is None:
            self.gone(turn)
            return
        filed = await self.applications.file_for(
            turn.person, caller, answer.argument, profile, turn.state.team
        )
        if filed.result is not Result.DONE or filed.application is None or filed.aid is None:
            turn.alert("aids.apply_unavailable")
            return
        turn.drop()
        turn.change(application_id=filed.application.id, aid_id=filed.aid.id)
        turn.say("aids.apply_intro", title=filed.aid.in_language(turn.person.language).title)
        self.next(turn, filed.application, filed.aid, 0)

    # Anything else.

    def unexpected(self, turn: Apply, reason: str) -> None:
        step = turn.state.step
        if step == PROOFS:
            turn.show(Question(Text("aids.proof_expected"), proofs_rows()))
        elif step == CONSENT:
            turn.show(Question(Text("common.use_buttons"), submit_rows()))
        elif step in (SITUATION, AID):
            turn.say("common.use_buttons")
        else:
            turn.say("common.text_expected")

    def unexpected_reason(self, step: str, answer: Unusable) -> str:
        return "common.text_expected"

    def other_step(self, turn: Apply) -> None:
        """A button of this application that answers no question now: an old button."""
        turn.alert("common.old_button")


def proofs_rows() -> tuple[tuple[Option, ...], ...]:
    return (
        (Option("done", Text("aids.button_proofs_done")),),
        (Option("cancel", Text("aids.button_give_up")),),
    )


def submit_rows() -> tuple[tuple[Option, ...], ...]:
    return (
        (Option("submit", Text("aids.button_submit")),),
        (Option("cancel", Text("aids.button_give_up")),),
    )
