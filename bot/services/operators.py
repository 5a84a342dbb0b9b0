"""The local team's follow-up of needs: claim, look for drivers more widely, close."""

from __future__ import annotations

import enum
from dataclasses import dataclass, field

from bot.clock import Clock
from bot.domain import (
    Caller,
    CloseReason,
    IntroductionStatus,
    Need,
    NeedStatus,
    NewNeed,
    NewTrip,
    Person,
    Trip,
)
from bot.matching import MatchingParams
from bot.ports import IntroductionRepository, NeedFollowUp, NeedRepository, PeopleRepository
from bot.services.needs import Candidate, NeedService
from bot.services.trips import TripService


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


class OperatorService:
    def __init__(
        self,
        *,
        needs: NeedRepository,
        follow_up: NeedFollowUp,
        introductions: IntroductionRepository,
        people: PeopleRepository,
        matching: NeedService,
        trips: TripService,
        params: MatchingParams,
        clock: Clock,
    ) -> None:
        self._needs = needs
        self._follow_up = follow_up
        self._introductions = introductions
        self._people = people
        self._matching = matching
        self._trips = trips
        self._relaxed = params.relaxed(2.0)
        self._clock = clock

    async def view(self, need_id: int) -> FollowUp:
        need = await self._needs.get(need_id)
        if need is None:
            return FollowUp(FollowUpResult.NOT_FOUND)
        return await self._view(FollowUpResult.DONE, need)

    async def open_needs(self) -> list[FollowUp]:
        return [
            await self._view(FollowUpResult.DONE, n) for n in await self._follow_up.open_needs()
        ]

    async def posted(self, need_id: int, post_id: int) -> None:
        await self._follow_up.set_operators_post(need_id, post_id)

    async def claim(self, operator: Person, need_id: int) -> FollowUp:
        need = await self._needs.get(need_id)
        if need is None:
            return FollowUp(FollowUpResult.NOT_FOUND)
        if not need.is_open:
            return await self._view(FollowUpResult.CLOSED, need)
        if need.claimed_by == operator.id:
            return await self._view(FollowUpResult.ALREADY_YOURS, need)
        if not await self._follow_up.claim(need.id, operator.id, self._clock.now()):
            fresh = await self._needs.get(need.id)
            assert fresh is not None
            return await self._view(FollowUpResult.TAKEN, fresh)
        fresh = await self._needs.get(need.id)
        assert fresh is not None
        return await self._view(FollowUpResult.DONE, fresh)

    async def wider_candidates(self, need_id: int) -> FollowUp:
        """Drivers with relaxed limits (twice the detour and tolerance), for a phone call."""
        need = await self._needs.get(need_id)
        if need is None:
            return FollowUp(FollowUpResult.NOT_FOUND)
        candidates = await self._matching.candidates(need, self._relaxed, limit=8)
        view = await self._view(FollowUpResult.DONE, need)
        return FollowUp(view.result, view.need, view.passenger, view.claimer, candidates)

    async def close(self, operator: Person, need_id: int, reason: CloseReason) -> FollowUp:
        need = await self._needs.get(need_id)
        if need is None:
            return FollowUp(FollowUpResult.NOT_FOUND)
        if need.status in (NeedStatus.CLOSED, NeedStatus.CANCELLED, NeedStatus.EXPIRED):
            return await self._view(FollowUpResult.CLOSED, need)
        now = self._clock.now()
        for introduction in await self._introductions.for_need(need.id):
            if introduction.status is IntroductionStatus.PENDING:
                await self._introductions.answer(introduction.id, IntroductionStatus.CANCELLED, now)
        closed = await self._follow_up.close(need.id, reason, operator.id, now)
        return await self._view(FollowUpResult.DONE, closed)

    async def register_need(self, operator: Person, caller: Caller, new_need: NewNeed) -> FollowUp:
        """A need phoned in: the caller is recorded, the need is followed by this operator."""
        now = self._clock.now()
        person = await self._people.add_offline(
            caller.name, caller.phone, caller.phone_visible, operator.language, operator.id, now
        )
        need = await self._needs.add(person.id, new_need, NeedStatus.WITH_OPERATORS, now)
        await self._needs.record_event(need.id, now, "registered_by_operator", operator.id)
        await self._follow_up.claim(need.id, operator.id, now)
        fresh = await self._needs.get(need.id)
        assert fresh is not None
        candidates = await self._matching.candidates(fresh, self._relaxed, limit=8)
        return FollowUp(FollowUpResult.DONE, fresh, person, operator, candidates)

    async def register_driver(
        self, operator: Person, caller: Caller, new_trip: NewTrip
    ) -> tuple[Person, Trip]:
        """A driver phoned in: reached through the team, by phone."""
        person = await self._people.add_offline(
            caller.name, caller.phone, caller.phone_visible, operator.language, operator.id,
            self._clock.now(),
        )  # fmt: skip
        return person, await self._trips.register(person, new_trip)

    async def history(self, need_id: int) -> list[dict[str, object]]:
        return await self._follow_up.events(need_id)

    async def _view(self, result: FollowUpResult, need: Need) -> FollowUp:
        passenger = await self._people.get(need.person_id)
        claimer = await self._people.get(need.claimed_by) if need.claimed_by else None
        return FollowUp(result, need, passenger, claimer)
