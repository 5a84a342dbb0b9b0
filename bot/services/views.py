"""What the team sees of a need: the need, its person, who in the team holds it."""

from __future__ import annotations

import enum
from dataclasses import dataclass, field

from bot.domain import Need, Person
from bot.notices import Notice
from bot.ports import NeedRepository, PeopleRepository
from bot.services.candidates import Candidate
from bot.territories import Territory


class FollowUpResult(enum.StrEnum):
    DONE = "done"
    ALREADY_YOURS = "already_yours"
    TAKEN = "taken"  # another operator follows it
    CLOSED = "closed"
    NOT_FOUND = "not_found"


@dataclass(frozen=True)
class FollowUp:
    result: FollowUpResult
    need: Need | None = None
    passenger: Person | None = None
    claimer: Person | None = None
    candidates: list[Candidate] = field(default_factory=list)
    # What the change causes (for the use cases that return a view).
    notices: list[Notice] = field(default_factory=list)
    # Why the need went to the team ("no_match", "no_more_drivers"…), for its post to keep
    # saying so when it is edited (filled by OperatorService.view).
    reason: str | None = None
    # The other team that follows the need, when an operator registered it for a caller of
    # another territory (several territories): theirs to take, not this operator's.
    elsewhere: Territory | None = None


async def team_view(needs: NeedRepository, people: PeopleRepository, need_id: int) -> FollowUp:
    need = await needs.get(need_id)
    if need is None:
        return FollowUp(FollowUpResult.NOT_FOUND)
    passenger = await people.get(need.person_id)
    claimer = await people.get(need.claimed_by) if need.claimed_by else None
    return FollowUp(FollowUpResult.DONE, need, passenger, claimer)
