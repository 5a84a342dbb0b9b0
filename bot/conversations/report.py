"""/signaler (/report): after an introduction or a ride, either person can report the other
to the team: whom (among the people they were put in touch with), what happened, and a few
words if they wish. The report goes to the team's group (bot/services/trust.py); the person
reported is not told."""

from __future__ import annotations

from collections.abc import Sequence

from pydantic import BaseModel

from bot.conversations.engine import Flow, On, Turn
from bot.conversations.model import Option, Press, Question, Text, Words
from bot.services.places import PlaceService
from bot.services.trust import REASONS, TrustResult, TrustService
from bot.understand import read_choice

PICK, REASON, WORDS = "pick", "reason", "words"
# How many of the latest introductions are offered to report.
SHOWN = 8


class Offered(BaseModel):
    """Someone offered to report: their introduction, and how their button reads."""

    introduction_id: int
    need_id: int
    name: str


class ReportDraft(BaseModel):
    offered: list[Offered] = []
    introduction_id: int | None = None
    reason: str | None = None


Report = Turn[ReportDraft]


class ReportFlow(Flow[ReportDraft]):
    name = "report"
    draft_type = ReportDraft
    button_steps = frozenset({PICK, REASON})

    def __init__(
        self, places: PlaceService, territory_departments: Sequence[str], trust: TrustService
    ) -> None:
        super().__init__(places, territory_departments)
        self.trust = trust
        self.steps.update(
            {
                PICK: On(press={"pick": self.on_pick}, words=self.on_pick_words),
                REASON: On(press={"reason": self.on_reason}, words=self.on_reason_words),
                WORDS: On(press={"skip": self.on_skip}, words=self.on_words),
            }
        )

    async def begin(self, turn: Report) -> None:
        reportable = (await self.trust.reportable(turn.person))[:SHOWN]
        if not reportable:
            turn.say("privacy.report_nobody")
            turn.end()
            return
        turn.draft = ReportDraft(
            offered=[
                Offered(
                    introduction_id=r.introduction.id,
                    need_id=r.introduction.need_id,
                    name=r.other.short_name,
                )
                for r in reportable
            ]
        )
        turn.ask(PICK)

    def question(self, turn: Report, step: str) -> Question:
        if step == PICK:
            return Question(
                Text("privacy.report_pick"),
                tuple(
                    (
                        Option(
                            f"pick:{o.introduction_id}",
                            Text("privacy.button_report_person", {"name": o.name, "id": o.need_id}),
                        ),
                    )
                    for o in turn.draft.offered
                ),
            )
        if step == REASON:
            return Question(
                Text("privacy.report_reason"),
                tuple(
                    (Option(f"reason:{reason}", Text(f"privacy.reason.{reason}")),)
                    for reason in REASONS
                ),
            )
        return Question(
            Text("privacy.report_words_ask"),
            ((Option("skip", Text("privacy.button_no_words")),),),
        )

    # Whom.

    async def on_pick(self, turn: Report, answer: Press) -> None:
        chosen = answer.argument
        offered = [o for o in turn.draft.offered if str(o.introduction_id) == chosen]
        if not offered:
            self.other_step(turn)
            return
        turn.drop()
        self._picked(turn, offered[0])

    async def on_pick_words(self, turn: Report, answer: Words) -> None:
        """ "1", "le premier", "Jean": one of the people offered."""
        offered = turn.draft.offered
        index = read_choice(answer.text, [o.name for o in offered])
        if index is None:
            self.use_buttons(turn)
            return
        self._picked(turn, offered[index])

    def _picked(self, turn: Report, offered: Offered) -> None:
        turn.draft = turn.draft.model_copy(update={"introduction_id": offered.introduction_id})
        turn.ask(REASON)

    # What happened.

    async def on_reason(self, turn: Report, answer: Press) -> None:
        if answer.argument not in REASONS:
            self.other_step(turn)
            return
        turn.drop()
        self._reason(turn, answer.argument)

    async def on_reason_words(self, turn: Report, answer: Words) -> None:
        """ "1" to "4", "le premier": one of the reasons, by its place among the buttons."""
        index = read_choice(answer.text, list(REASONS))
        if index is None:
            self.use_buttons(turn)
            return
        self._reason(turn, REASONS[index])

    def _reason(self, turn: Report, reason: str) -> None:
        turn.draft = turn.draft.model_copy(update={"reason": reason})
        turn.ask(WORDS)

    # A few words, or none: the report goes.

    async def on_words(self, turn: Report, answer: Words) -> None:
        await self._submit(turn, answer.text)

    async def on_skip(self, turn: Report, answer: Press) -> None:
        turn.drop()
        await self._submit(turn, "")

    async def _submit(self, turn: Report, words: str) -> None:
        draft = turn.draft
        turn.end()
        if draft.introduction_id is None or draft.reason is None:
            turn.say("privacy.report_lost")
            return
        reported = await self.trust.report(turn.person, draft.introduction_id, draft.reason, words)
        done = reported.result is TrustResult.DONE
        turn.say("privacy.report_sent" if done else "privacy.report_lost")
        turn.notify(reported.notices)

    # Anything else.

    def use_buttons(self, turn: Report) -> None:
        turn.say("privacy.report_use_buttons")

    def unexpected(self, turn: Report, reason: str) -> None:
        """A sticker, a photo, a place…: the buttons are the way, as they always were."""
        self.use_buttons(turn)

    def other_step(self, turn: Report) -> None:
        """A button of this report that no longer answers anything: an old button."""
        turn.alert("common.old_button")

    def cancel(self, turn: Report) -> None:
        turn.say("privacy.report_cancelled")
        turn.end()
