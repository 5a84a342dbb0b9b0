"""ANNULER with no conversation open, from a simple phone: the person's newest need that can
still be called off is named, and called off once they say OUI (the driver who had accepted
is told, and the team if it follows the need). On Telegram, /mesdemandes has a button for
each need instead."""

from __future__ import annotations

from collections.abc import Sequence

from pydantic import BaseModel

from bot.conversations.engine import Flow, On, Turn
from bot.conversations.model import Press, Question, Text, Words
from bot.services.needs import NeedService
from bot.services.places import PlaceService
from bot.understand import read_yes_no

CONFIRM = "confirm"


class CancelNeedDraft(BaseModel):
    need_id: int = 0
    origin: str = ""
    destination: str = ""


CancelNeed = Turn[CancelNeedDraft]


class CancelNeedFlow(Flow[CancelNeedDraft]):
    name = "cancel_need"
    draft_type = CancelNeedDraft
    button_steps = frozenset({CONFIRM})

    def __init__(
        self, places: PlaceService, territory_departments: Sequence[str], needs: NeedService
    ) -> None:
        super().__init__(places, territory_departments)
        self.needs = needs
        self.steps[CONFIRM] = On(press={"cancel": self.on_cancel}, words=self.on_words)

    async def begin(self, turn: CancelNeed) -> None:
        cancellable = [need for need, can in await self.needs.listing(turn.person) if can]
        if not cancellable:
            turn.say("sms.nothing_to_cancel")
            turn.end()
            return
        need = cancellable[0]  # the newest
        turn.draft = CancelNeedDraft(
            need_id=need.id, origin=need.origin.name, destination=need.destination.name
        )
        turn.ask(CONFIRM)

    def question(self, turn: CancelNeed, step: str) -> Question:
        draft = turn.draft
        text = Text(
            "sms.cancel_need_confirm", {"origin": draft.origin, "destination": draft.destination}
        )
        return Question(text, self.yes_no("cancel"))

    async def on_words(self, turn: CancelNeed, answer: Words) -> None:
        said = read_yes_no(answer.text)
        if said is None:
            self.not_understood(turn, answer.text)
            return
        await self.on_cancel(turn, Press(f"cancel:{'yes' if said else 'no'}"))

    async def on_cancel(self, turn: CancelNeed, answer: Press) -> None:
        if answer.argument != "yes":
            turn.say("sms.need_kept")
            turn.end()
            return
        cancellation = await self.needs.cancel(turn.person, turn.draft.need_id)
        turn.say("sms.need_cancelled" if cancellation.need is not None else "intro.closed")
        turn.notify(cancellation.notices)
        turn.end()

    def cancel(self, turn: CancelNeed) -> None:
        turn.say("sms.need_kept")
        turn.end()
