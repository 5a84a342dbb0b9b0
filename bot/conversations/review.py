"""A funder's reviewer validates an application (the amount) or rejects it for another reason
(their words): pressed under the application's post in the funder's group ("ar:<id>:validate",
"ar:<id>:reason:other"), asked and answered in the reviewer's private chat. An amount
above the aid's ceiling, or far from its usual grants, is asked to be confirmed before
anything is decided or anyone told (a new amount may be typed instead).

Who may decide is the core's call (bot/services/applications.py): only a member of the
funder's group, which the channel knows (`GroupMembers`; on Telegram getChatMember, asked
outside the update's transaction, bot/outside.py). Another conversation's command sets the
review aside, nothing changed; the post is shown decided by the channel (`Decided`). The
engine says "review.busy" and "review.lost".
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable, Sequence
from dataclasses import dataclass
from typing import Any

from pydantic import BaseModel

from bot.aids.amounts import parse_amount
from bot.aids.model import MAX_OTHER_REASON, Application, Frequency, RejectReason
from bot.conversations.engine import Flow, On, Turn
from bot.conversations.model import Money, Option, Press, Question, Text, Unusable, Value, Words
from bot.domain import Person
from bot.services.applications import AmountCheck, ApplicationService, Done, Result
from bot.services.places import PlaceService
from bot.understand import read_yes_no

AMOUNT, OTHER, CONFIRM = "amount", "other", "confirm_amount"
# How the review was opened (Turn.opening is "<action>:<application>"), and what it asks.
STEP_OF = {"validate": AMOUNT, "reason:other": OTHER}
# Why a reviewer cannot decide, by what the core said.
REFUSED = {Result.NOT_MEMBER: "aids.reviewers_only", Result.DECIDED: "aids.already_decided"}


def refusal_key(done: Done) -> str:
    return REFUSED.get(done.result, "common.old_button")


class GroupMembers:
    """Whether a person belongs to a group, as the channel knows it (set by the Telegram
    assembly); nobody, until then."""

    def __init__(self) -> None:
        self.check: Callable[[Person, int], Awaitable[bool]] | None = None

    async def __call__(self, person: Person, chat_id: int) -> bool:
        return self.check is not None and await self.check(person, chat_id)


@dataclass(frozen=True)
class Decided:
    """The application decided: its post in the group (`post`, as the channel gave it when
    the button was pressed) shows the decision, without buttons."""

    application: Application
    reviewer: Person
    post: dict[str, Any]


class ReviewDraft(BaseModel):
    application_id: int = 0
    title: str = ""
    post: dict[str, Any] = {}
    # An unusual amount typed, waiting for the reviewer to confirm it (cents, how often),
    # and why it is unusual: the aid's ceiling it is above, the usual grant it is far from.
    cents: int = 0
    frequency: Frequency = Frequency.ONCE
    most: int | None = None
    usual: int | None = None


Review = Turn[ReviewDraft]


class ReviewFlow(Flow[ReviewDraft]):
    name = "review"
    draft_type = ReviewDraft

    def __init__(
        self,
        places: PlaceService,
        territory_departments: Sequence[str],
        applications: ApplicationService,
        members: GroupMembers,
    ) -> None:
        super().__init__(places, territory_departments)
        self.applications, self.members = applications, members
        self.steps.update(
            {
                AMOUNT: On(words=self.on_amount),
                OTHER: On(words=self.on_other),
                CONFIRM: On(
                    press={"grant": self.on_grant, "retype": self.on_retype},
                    words=self.on_confirm_words,
                ),
            }
        )

    def membership(self, turn: Review) -> Callable[[int], Awaitable[bool]]:
        async def check(chat_id: int) -> bool:
            return await self.members(turn.person, chat_id)

        return check

    async def begin(self, turn: Review) -> None:
        action, _, number = turn.opening.rpartition(":")
        step = STEP_OF.get(action)
        if step is None or not number.isascii() or not number.isdigit():
            turn.alert("common.old_button")
            turn.end()
            return
        allowed = await self.applications.may_review(int(number), self.membership(turn))
        if allowed.result is not Result.DONE or allowed.application is None:
            turn.alert(refusal_key(allowed))
            turn.end()
            return
        application = allowed.application
        turn.draft = ReviewDraft(
            application_id=application.id, title=application.aid_title, post=turn.given
        )
        turn.alert("aids.review_in_private")
        turn.ask(step)

    def question(self, turn: Review, step: str) -> Question:
        draft = turn.draft
        if step == CONFIRM:
            return self.confirm_question(draft)
        key = "aids.ask_amount" if step == AMOUNT else "aids.ask_other_reason"
        values: dict[str, Value] = {
            "id": draft.application_id,
            "title": draft.title,
            "most": MAX_OTHER_REASON,
        }
        return Question(Text(key, values))

    def confirm_question(self, draft: ReviewDraft) -> Question:
        """ "5 000 € once is more than this aid's most (600 €): grant it?" """
        amount = Money(draft.cents, draft.frequency.value)
        values: dict[str, Value] = {
            "id": draft.application_id,
            "title": draft.title,
            "amount": amount,
            "most": Money(draft.most or 0),
            "usual": Money(draft.usual or 0),
        }
        above = draft.most is not None
        key = "aidcheck.confirm_above_most" if above else "aidcheck.confirm_unusual"
        rows = (
            (Option("grant", Text("aidcheck.button_grant", {"amount": amount})),),
            (Option("retype", Text("aidcheck.button_other_amount")),),
        )
        return Question(Text(key, values), rows)

    async def on_amount(self, turn: Review, answer: Words) -> None:
        parsed = parse_amount(answer.text)
        if parsed is None:
            turn.say("aids.amount_not_understood")
            return
        cents, frequency = parsed
        done = await self.applications.validate(
            turn.person, turn.draft.application_id, cents, frequency, self.membership(turn)
        )
        if done.result is Result.UNUSUAL_AMOUNT and done.check is not None:
            self.to_confirm(turn, done.check)
            return
        self.decided(turn, done)

    def to_confirm(self, turn: Review, check: AmountCheck) -> None:
        """Nothing decided, nobody told: the reviewer is asked to confirm first."""
        turn.draft = turn.draft.model_copy(
            update={
                "cents": check.cents,
                "frequency": check.frequency,
                "most": check.most,
                "usual": check.usual,
            }
        )
        turn.ask(CONFIRM)

    async def on_grant(self, turn: Review, answer: Press) -> None:
        turn.drop()
        await self.grant(turn)

    async def grant(self, turn: Review) -> None:
        draft = turn.draft
        if not draft.cents:
            turn.ask(AMOUNT)
            return
        done = await self.applications.validate(
            turn.person,
            draft.application_id,
            draft.cents,
            draft.frequency,
            self.membership(turn),
            confirmed=True,
        )
        self.decided(turn, done)

    async def on_retype(self, turn: Review, answer: Press) -> None:
        turn.drop()
        turn.ask(AMOUNT)

    async def on_confirm_words(self, turn: Review, answer: Words) -> None:
        """ "oui", "non", or another amount typed at once."""
        said = read_yes_no(answer.text)
        if said is True:
            await self.grant(turn)
        elif said is False:
            turn.ask(AMOUNT)
        elif parse_amount(answer.text) is not None:
            await self.on_amount(turn, answer)
        else:
            turn.say("common.use_buttons")
            turn.ask(CONFIRM)

    async def on_other(self, turn: Review, answer: Words) -> None:
        done = await self.applications.reject(
            turn.person,
            turn.draft.application_id,
            RejectReason.OTHER,
            answer.text,
            self.membership(turn),
        )
        if done.result is Result.TOO_LONG:
            turn.say("aids.other_too_long", most=MAX_OTHER_REASON)
            return
        self.decided(turn, done)

    def decided(self, turn: Review, done: Done) -> None:
        turn.end()
        if done.result is not Result.DONE or done.application is None:
            turn.say(refusal_key(done))
            return
        turn.say("aids.decision_recorded", id=done.application.id)
        if turn.draft.post:
            turn.present(Decided(done.application, turn.person, turn.draft.post))
        turn.notify(done.notices)

    def cancel(self, turn: Review) -> None:
        turn.say("aids.review_cancelled")
        turn.end()

    def set_aside(self, turn: Review) -> None:
        turn.say("aids.review_set_aside", id=turn.draft.application_id)
        turn.end()

    def unexpected(self, turn: Review, reason: str) -> None:
        if turn.state.step == CONFIRM:
            turn.say("common.use_buttons")
            turn.ask(CONFIRM)
            return
        turn.say("common.text_expected")

    def unexpected_reason(self, step: str, answer: Unusable) -> str:
        return "common.text_expected"
