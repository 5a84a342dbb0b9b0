"""The local team's follow-up of needs: claim, look for drivers more widely, close."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, replace
from datetime import datetime

from bot.agenda import AgendaEntry, Due, Kind, Outcome, Timing
from bot.clock import Clock
from bot.domain import (
    Caller,
    CloseReason,
    IntroductionStatus,
    InvalidInput,
    Missing,
    Need,
    NeedStatus,
    NewNeed,
    NewTrip,
    Person,
)
from bot.matching import MatchingParams
from bot.notices import NeedPostRefresh, Notice, OperatorsPersonToldClosed, to_person
from bot.ports import (
    Agenda,
    IntroductionRepository,
    NeedFollowUp,
    NeedRepository,
    PeopleRepository,
    UnitOfWork,
)
from bot.services import telling
from bot.services.consents import NEED as NEED_CONSENT
from bot.services.consents import SENSITIVE, TRIP, VERSIONS, ConsentRepository
from bot.services.needs import NeedService
from bot.services.territories import Belonging
from bot.services.trips import Registered, TripService
from bot.services.views import FollowUp, FollowUpResult
from bot.territories import Scope


@dataclass(frozen=True)
class DiaryLine:
    at: datetime
    kind: str  # an event of the need (created, claimed, asked_driver, accepted, closed…)
    actor: Person | None
    detail: str


@dataclass(frozen=True)
class Diary:
    need: Need
    lines: list[DiaryLine]


# The need's history events that say why it came to the team, and how its post says it.
POST_REASONS = {
    "no_match": "no_match",
    "no_more_drivers": "no_more_drivers",
    "asked_operators": "asked_operators",
    "registered_by_operator": "on_behalf",
    "registered_by_other_team": "on_behalf_other_team",
}


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
        agenda: Agenda,
        unit_of_work: UnitOfWork,
        timing: Timing,
        consents: ConsentRepository | None = None,
        belonging: Belonging | None = None,
    ) -> None:
        self._consents = consents
        self._belonging = belonging
        self._needs = needs
        self._follow_up = follow_up
        self._introductions = introductions
        self._people = people
        self._matching = matching
        self._trips = trips
        self._relaxed = params.relaxed(2.0)
        self._clock = clock
        self._agenda = agenda
        self._uow = unit_of_work
        self._timing = timing

    async def view(self, need_id: int) -> FollowUp:
        """The need as its post shows it, with why it came to the team (the post keeps its
        facts when it is edited: a claim, a driver's answer)."""
        need = await self._needs.get(need_id)
        if need is None:
            return FollowUp(FollowUpResult.NOT_FOUND)
        view = await self._view(FollowUpResult.DONE, need)
        reasons = [
            POST_REASONS[event["kind"]]
            for event in await self._follow_up.events(need.id)
            if event["kind"] in POST_REASONS
        ]
        return replace(view, reason=reasons[-1] if reasons else None)

    async def with_views(self, notices: Sequence[Notice]) -> list[Notice]:
        """The notices, each need's post to refresh carrying what the post must show now
        (read once, after the change that caused them): the adapter only draws it. A need
        refreshed twice in one go is refreshed once."""
        out: list[Notice] = []
        refreshed: set[int] = set()
        for notice in notices:
            values = notice.values
            if not isinstance(values, NeedPostRefresh):
                out.append(notice)
                continue
            if values.need_id in refreshed:
                continue
            refreshed.add(values.need_id)
            view = values.view or await self.view(values.need_id)
            if view.need is None or view.need.operators_post_id is None:
                continue  # never posted, or gone: nothing to edit
            out.append(replace(notice, values=replace(values, view=view)))
        return out

    async def open_needs(self, scope: Scope | None = None) -> list[FollowUp]:
        """The needs still open; one team's (`scope`: its territory) or all."""
        return [
            await self._view(FollowUpResult.DONE, n)
            for n in await self._follow_up.open_needs()
            if scope is None or scope.holds(n.territory)
        ]

    async def posted(self, need_id: int, post_id: int) -> None:
        """The need's post in the group; unclaimed, it is posted again after a while."""
        now = self._clock.now()
        async with self._uow.transaction():
            await self._follow_up.set_operators_post(need_id, post_id)
            await self._schedule_repost(need_id, now)

    async def to_repost(self, entry: AgendaEntry) -> FollowUp | None:
        """A need to post again because nobody claimed it; None when there is nothing to do
        now (closed or claimed; or the bot is asking a driver, then it looks again later)."""
        need = await self._needs.get(entry.subject_id)
        if need is None or not need.is_open or need.claimed_by is not None:
            return None
        if need.status is not NeedStatus.WITH_OPERATORS:
            now = self._clock.now()
            async with self._uow.transaction():
                await self._agenda.finish(entry.id, Outcome.SKIPPED, now)
                await self._schedule_repost(need.id, now)
            return None
        return await self._view(FollowUpResult.DONE, need)

    async def reposted(self, entry: AgendaEntry, post_id: int | None) -> None:
        """Posted again (`post_id`, the new post) or not (None: the group refused it, tried
        again a day later all the same)."""
        now = self._clock.now()
        async with self._uow.transaction():
            await self._agenda.finish(
                entry.id, Outcome.SENT if post_id else Outcome.UNREACHABLE, now
            )
            if post_id is not None:
                await self.posted(entry.subject_id, post_id)
            else:
                await self._schedule_repost(entry.subject_id, now)

    async def repost_written(self, entry: AgendaEntry, written: bool) -> None:
        """The new post is on its way (its id is recorded once it is sent), or the team
        cannot be written to: in both cases it is looked at again after a while."""
        now = self._clock.now()
        async with self._uow.transaction():
            await self._agenda.finish(
                entry.id, Outcome.SENT if written else Outcome.UNREACHABLE, now
            )
            await self._schedule_repost(entry.subject_id, now)

    async def _schedule_repost(self, need_id: int, now: datetime) -> None:
        repost = Due(Kind.NEED_REPOST, need_id, now + self._timing.repost_after)
        await self._agenda.schedule([repost], now)

    async def to_remind_claimer(self, entry: AgendaEntry) -> FollowUp | None:
        """A claimed need without news for a while: its operator is reminded. With news
        since, the reminder moves to that long after the news."""
        need = await self._needs.get(entry.subject_id)
        if need is None or not need.is_open or need.claimed_by is None:
            return None
        now = self._clock.now()
        quiet = self._timing.claimed_quiet
        last_news = await self._needs.last_event_at(need.id) or need.updated_at
        if last_news + quiet > now:
            async with self._uow.transaction():
                await self._agenda.finish(entry.id, Outcome.SKIPPED, now)
                later = Due(Kind.CLAIMED_REMINDER, need.id, last_news + quiet)
                await self._agenda.schedule([later], now)
            return None
        view = await self._view(FollowUpResult.DONE, need)
        days = round(quiet.total_seconds() / 86400)
        return FollowUp(
            view.result,
            view.need,
            view.passenger,
            view.claimer,
            notices=telling.claimed_quiet(view, days),
        )

    async def claimer_reminded(self, entry: AgendaEntry, outcome: Outcome) -> None:
        now = self._clock.now()
        async with self._uow.transaction():
            await self._agenda.finish(entry.id, outcome, now)
            again = Due(Kind.CLAIMED_REMINDER, entry.subject_id, now + self._timing.claimed_quiet)
            await self._agenda.schedule([again], now)

    async def claim(self, operator: Person, need_id: int) -> FollowUp:
        need = await self._needs.get(need_id)
        if need is None:
            return FollowUp(FollowUpResult.NOT_FOUND)
        if not need.is_open:
            return await self._view(FollowUpResult.CLOSED, need)
        if need.claimed_by == operator.id:
            return await self._view(FollowUpResult.ALREADY_YOURS, need)
        if not await self._claim(need.id, operator.id):
            fresh = await self._needs.get(need.id)
            if fresh is None:
                raise Missing(f"need {need.id} is gone")
            return await self._view(FollowUpResult.TAKEN, fresh)
        fresh = await self._needs.get(need.id)
        if fresh is None:
            raise Missing(f"need {need.id} is gone")
        view = await self._view(FollowUpResult.DONE, fresh)
        return FollowUp(
            view.result,
            view.need,
            view.passenger,
            view.claimer,
            notices=[telling.refresh_post(fresh)],
        )

    async def wider_candidates(self, need_id: int) -> FollowUp:
        """Drivers with relaxed limits (twice the detour and tolerance), for a phone call."""
        need = await self._needs.get(need_id)
        if need is None:
            return FollowUp(FollowUpResult.NOT_FOUND)
        candidates = await self._matching.candidates(
            need, self._relaxed, limit=8, include_full=True
        )
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
        view = await self._view(FollowUpResult.DONE, closed)
        notices = [telling.refresh_post(closed)]
        if view.passenger is not None and reason is not CloseReason.PERSON_CANCELLED:
            notices.append(
                to_person(view.passenger, OperatorsPersonToldClosed(closed, reason.value))
            )
        return FollowUp(view.result, view.need, view.passenger, view.claimer, notices=notices)

    async def register_need(
        self, operator: Person, caller: Caller, new_need: NewNeed, team: str | None = None
    ) -> FollowUp:
        """A need phoned in: the caller is recorded, the need is followed by this operator,
        unless it is another team's (`team`: the operator's, with several territories): then
        it waits in that team's group for one of them to take it, with no drivers to call
        shown to an operator who could not ask them."""
        now = self._clock.now()
        async with self._uow.transaction():
            person = await self._add_caller(operator, caller, NEED_CONSENT, SENSITIVE)
            need = await self._matching.record(person.id, new_need, NeedStatus.WITH_OPERATORS)
            elsewhere = (
                self._belonging.followed_elsewhere(team, need.territory)
                if self._belonging is not None
                else None
            )
            event = "registered_by_operator" if elsewhere is None else "registered_by_other_team"
            await self._needs.record_event(need.id, now, event, operator.id)
            if elsewhere is None:
                await self._claim(need.id, operator.id)
            fresh = await self._needs.get(need.id)
            if fresh is None:
                raise Missing(f"need {need.id} is gone")
            claimer = operator if elsewhere is None else None
            candidates = (
                await self._matching.candidates(fresh, self._relaxed, limit=8, include_full=True)
                if elsewhere is None
                else []
            )
            view = FollowUp(FollowUpResult.DONE, fresh, person, claimer)
            notices = telling.need_to_team(view, POST_REASONS[event])
            notices += telling.alternatives_to_team(fresh, await self._matching.alternatives(fresh))
        return FollowUp(
            FollowUpResult.DONE, fresh, person, claimer, candidates, notices, elsewhere=elsewhere
        )

    async def register_driver(
        self, operator: Person, caller: Caller, new_trip: NewTrip
    ) -> tuple[Person, Registered]:
        """A driver phoned in: reached through the team, by phone."""
        async with self._uow.transaction():
            person = await self._add_caller(operator, caller, TRIP)
            return person, await self._trips.register(person, new_trip)

    async def _add_caller(self, operator: Person, caller: Caller, *topics: str) -> Person:
        """Someone who phoned, with the operator's word that they agreed (who and when)."""
        if not caller.agreed:
            raise InvalidInput("agreed", "missing")
        now = self._clock.now()
        # Someone who phoned before, or who uses Telegram with this number, is the same person.
        person = await self._people.with_phone(caller.phone) or await self._people.add_offline(
            caller.name, caller.phone, caller.phone_visible, operator.language, operator.id, now
        )
        if self._consents is not None:
            for topic in topics:
                await self._consents.add(person.id, topic, VERSIONS[topic], now, operator.id)
        return person

    async def _claim(self, need_id: int, operator_id: int) -> bool:
        """Claim the need; without news for a while, its operator will be reminded."""
        now = self._clock.now()
        async with self._uow.transaction():
            if not await self._follow_up.claim(need_id, operator_id, now):
                return False
            reminder = Due(Kind.CLAIMED_REMINDER, need_id, now + self._timing.claimed_quiet)
            await self._agenda.schedule([reminder], now)
        return True

    async def history(self, need_id: int) -> list[dict[str, object]]:
        return await self._follow_up.events(need_id)

    async def diary(self, need_id: int) -> Diary | None:
        """The need's history as the team reads it under its post: who did what, when."""
        need = await self._needs.get(need_id)
        if need is None:
            return None
        lines = []
        for event in await self._follow_up.events(need_id):
            actor_id = event.get("actor_id")
            actor = await self._people.get(int(str(actor_id))) if actor_id is not None else None
            at = event["at"]
            moment = at if isinstance(at, datetime) else datetime.fromisoformat(str(at))
            lines.append(
                DiaryLine(moment, str(event["kind"]), actor, str(event.get("detail") or ""))
            )
        return Diary(need, lines)

    async def _view(self, result: FollowUpResult, need: Need) -> FollowUp:
        passenger = await self._people.get(need.person_id)
        claimer = await self._people.get(need.claimed_by) if need.claimed_by else None
        return FollowUp(result, need, passenger, claimer)
