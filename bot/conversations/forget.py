"""/oublier (/forgetme): the person erases everything Mobilot keeps about them, once they
said yes to one question. It opens over any conversation in progress (a trip half
registered, a need half described): "non" leaves that one where it was; "oui" erases it with
everything else.

The team's `/oublier <phone>` for someone who phoned, and the question to people inactive
for long (stay, or go), are single presses, not conversations: handlers/privacy.py."""

from __future__ import annotations

from collections.abc import Sequence

from pydantic import BaseModel

from bot.conversations.engine import Flow, On, Turn
from bot.conversations.model import Option, Press, Question, Text, Words
from bot.services.places import PlaceService
from bot.services.privacy import PrivacyService
from bot.understand import read_yes_no

CONFIRM = "confirm"
# Said by the engine when another conversation is opened while the question waits.
BUSY = "forget.busy"


class ForgetDraft(BaseModel):
    """Nothing to remember between the question and its answer."""


Forget = Turn[ForgetDraft]


class ForgetFlow(Flow[ForgetDraft]):
    name = "forget"
    draft_type = ForgetDraft
    button_steps = frozenset({CONFIRM})
    aside = True

    def __init__(
        self, places: PlaceService, territory_departments: Sequence[str], privacy: PrivacyService
    ) -> None:
        super().__init__(places, territory_departments)
        self.privacy = privacy
        self.steps[CONFIRM] = On(press={"forget": self.on_forget}, words=self.on_words)

    async def begin(self, turn: Forget) -> None:
        turn.ask(CONFIRM)

    def question(self, turn: Forget, step: str) -> Question:
        return Question(
            Text("privacy.forget_confirm"),
            (
                (Option("forget:yes", Text("privacy.button_forget")),),
                (Option("forget:no", Text("privacy.button_keep")),),
            ),
        )

    async def on_words(self, turn: Forget, answer: Words) -> None:
        """ "oui" erases, "non" keeps; anything else gets the question again."""
        said = read_yes_no(answer.text)
        if said is None:
            self.not_understood(turn, answer.text)
            return
        await self.on_forget(turn, Press(f"forget:{'yes' if said else 'no'}"))

    async def on_forget(self, turn: Forget, answer: Press) -> None:
        if answer.argument == "no":
            self.cancel(turn)
            return
        if answer.argument != "yes":
            self.other_step(turn)
            return
        forgotten = await self.privacy.forget(turn.person)
        turn.say("privacy.forgotten", replace=True)
        # Those who counted on them are told; they themselves are told nothing more.
        turn.notify(forgotten.notices)
        turn.erased()

    def cancel(self, turn: Forget) -> None:
        """ "Non", or /annuler: nothing erased; what was set aside goes on."""
        turn.say("privacy.forget_cancelled", replace=True)
        turn.end()
