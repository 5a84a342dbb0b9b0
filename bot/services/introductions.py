"""Introductions: a passenger (or the team for them) asks a driver, the driver answers, or
does not in time, or pulls out later; each time, who must hear of it (bot/services/telling.py).
"""

from __future__ import annotations

import enum
from collections.abc import Awaitable, Callable
from dataclasses import dataclass, field, replace
from datetime import date, datetime, time, timedelta
from typing import Protocol

from bot import notices as n
from bot.agenda import AgendaEntry, Due, Kind, Outcome, Timing
from bot.clock import Clock
from bot.domain import Introduction, IntroductionStatus, Missing, Need, NeedStatus, Person, Trip
from bot.geo import km_between
from bot.matching import NO_SEATS_TAKEN, MatchingParams, days_with_seats, ride_days
from bot.notices import Notice, to_person, to_team
from bot.ports import (
    Agenda,
    IntroductionRepository,
    NeedRepository,
    PeopleRepository,
    TripRepository,
    UnitOfWork,
)
from bot.services import telling
from bot.services.candidates import Candidate
from bot.services.needs import MAX_CANDIDATES, NeedService, need_query, trip_route
from bot.services.views import team_view
from bot.services.volunteers import Volunteer, VolunteerCandidate
from bot.understand import read_choice

# A driver asked for a one-off ride must answer this long before it at the latest…
ANSWER_BEFORE_RIDE = timedelta(hours=2)
# …but is always given at least this long.
SHORTEST_ANSWER_DELAY = timedelta(minutes=30)


class AskResult(enum.StrEnum):
    ASKED = "asked"
    NOT_FOUND = "not_found"  # not this person's need, or no such need
    CLOSED = "closed"  # the need is matched, cancelled or expired
    BUSY = "busy"  # a driver is already being asked for this need
    UNAVAILABLE = "unavailable"  # the trip no longer fits (paused, deleted, changed)
    UNCLEAR = "unclear"  # words that name none of the drivers shown (or several)


@dataclass(frozen=True)
class Ask:
    result: AskResult
    need: Need | None = None
    introduction: Introduction | None = None
    candidate: Candidate | None = None
    # For UNAVAILABLE: the drivers who can still take the passenger.
    candidates: list[Candidate] = field(default_factory=list)
    notices: list[Notice] = field(default_factory=list)


class AnswerResult(enum.StrEnum):
    ACCEPTED = "accepted"
    DECLINED = "declined"
    ALREADY = "already"  # answered before (a double press), expired or cancelled
    # Accepting would promise a seat the trip no longer has that day (another passenger
    # was accepted meanwhile): nothing changes, the driver may add a seat or decline.
    FULL = "full"
    NOT_YOURS = "not_yours"
    NOT_FOUND = "not_found"


@dataclass(frozen=True)
class Answer:
    """A driver's answer (or its absence), with what the passenger should hear next."""

    result: AnswerResult
    introduction: Introduction | None = None
    need: Need | None = None
    passenger: Person | None = None
    driver: Person | None = None
    trip: Trip | None = None
    # After a decline or an expiry: the next drivers; empty means the team was told.
    candidates: list[Candidate] = field(default_factory=list)
    notices: list[Notice] = field(default_factory=list)


def way_back_of(chosen: Candidate) -> tuple[int, time, time] | None:
    """The ride back the driver is asked for too, if they can give it: its trip, pickup
    and drop-off."""
    back = chosen.back
    if back is None:
        return None
    return back.trip.id, back.match.pickup, back.match.dropoff


class VolunteerLookup(Protocol):
    """The association's volunteer drivers (bot/services/volunteers.py)."""

    async def get(self, person_id: int) -> Volunteer | None: ...


class ReassignResult(enum.StrEnum):
    ASKED = "asked"
    NOT_FOUND = "not_found"  # no such request, or it is closed
    NOT_VOLUNTEER = "not_volunteer"  # no volunteer with that number
    UNAVAILABLE = "unavailable"  # not free, too far, unchecked, or already asked for it


@dataclass(frozen=True)
class Reassigned:
    result: ReassignResult
    need: Need | None = None
    volunteer: Person | None = None
    notices: list[Notice] = field(default_factory=list)


class IntroductionService:
    def __init__(
        self,
        *,
        needs: NeedService,
        need_repository: NeedRepository,
        introductions: IntroductionRepository,
        trips: TripRepository,
        people: PeopleRepository,
        params: MatchingParams,
        clock: Clock,
        agenda: Agenda,
        unit_of_work: UnitOfWork,
        timing: Timing,
        cost_share_eur_per_km: float | None = None,
        membership: Callable[[Person, date, str | None], Awaitable[list[Notice]]] | None = None,
        volunteers: VolunteerLookup | None = None,
    ) -> None:
        self._volunteers = volunteers
        # Whether a passenger asking a volunteer is a member of the association (issue 24).
        self._membership = membership
        self._cost_share = cost_share_eur_per_km
        self._matching = needs
        self._needs = need_repository
        self._introductions = introductions
        self._trips = trips
        self._people = people
        self._params = params
        self._clock = clock
        self._agenda = agenda
        self._uow = unit_of_work
        self._timing = timing
        self._calendar = timing.calendar

    async def ask_driver(
        self, person: Person, need_id: int, trip_id: int, *, as_operator: bool = False
    ) -> Ask:
        """The passenger (or an operator on their behalf) asks the driver of `trip_id`."""
        need = (
            await self._needs.get(need_id)
            if as_operator
            else await self._matching.need_of(person, need_id)
        )
        if need is None:
            return Ask(AskResult.NOT_FOUND)
        if need.status is NeedStatus.ASKING:
            return Ask(AskResult.BUSY, need)
        if not need.is_open:
            return Ask(AskResult.CLOSED, need)
        params = self._params.relaxed(2.0) if as_operator else None
        candidates = await self._matching.candidates(
            need, params, limit=20 if as_operator else MAX_CANDIDATES
        )
        chosen = next((c for c in candidates if c.trip.id == trip_id), None)
        if chosen is None:
            async with self._uow.transaction():
                return await self._unavailable(person, need, candidates, as_operator)
        now = self._clock.now()
        match = chosen.match
        deadline = now + self._timing.answer_delay
        if need.travel_date is not None:
            ride = self._matching.ride_moment(need, match.pickup, now)
            deadline = max(min(deadline, ride - ANSWER_BEFORE_RIDE), now + SHORTEST_ANSWER_DELAY)
        async with self._uow.transaction():
            introduction = await self._introductions.add(
                need_id=need.id,
                trip_id=chosen.trip.id,
                driver_id=chosen.driver.id,
                passenger_id=need.person_id,
                leg=match.leg.value,
                travel_day=min(match.weekdays),
                pickup=match.pickup,
                dropoff=match.dropoff,
                extra_minutes=match.extra_minutes,
                now=now,
                expires_at=deadline,
                back=way_back_of(chosen),
            )
            need = await self._needs.set_status(
                need.id,
                NeedStatus.ASKING,
                now,
                actor_id=person.id,
                event="asked_driver",
                detail=f"introduction {introduction.id}, trip {chosen.trip.id}",
            )
            timeout = Due(Kind.INTRODUCTION_TIMEOUT, introduction.id, deadline)
            await self._agenda.schedule([timeout], now)
            if not chosen.driver.reachable and chosen.driver.has_channel:
                # Known to refuse our messages: as if the driver had declined, at once.
                await self._introductions.answer(introduction.id, IntroductionStatus.EXPIRED, now)
                refused = await self._refused(
                    introduction, "driver_unreachable", n.IntroUnreachablePassenger
                )
                return Ask(
                    AskResult.ASKED, refused.need, introduction, chosen, notices=refused.notices
                )
            passenger = await self._people.get(need.person_id)
            if passenger is None:
                raise Missing(f"person {need.person_id} is gone")
            notices = telling.driver_asked(
                need, introduction, chosen, passenger, by_operator=as_operator
            )
            if self._membership is not None and isinstance(chosen, VolunteerCandidate):
                day = need.travel_date or self._calendar.today(now)
                # The association is the volunteer's, as for the rate (bot/services/volunteers.py).
                association = chosen.driver.territory
                notices = [*await self._membership(passenger, day, association), *notices]
        return Ask(AskResult.ASKED, need, introduction, chosen, notices=notices)

    async def one_waiting(self, driver: Person) -> bool:
        """Whether exactly one request waits for the driver's answer (a yes or no in words
        answers it)."""
        return len(await self._introductions.waiting_for_driver(driver.id)) == 1

    async def waiting_count(self, driver: Person) -> int:
        """How many requests wait for the driver's answer."""
        return len(await self._introductions.waiting_for_driver(driver.id))

    async def answer_waiting(self, driver: Person, accept: bool) -> Answer | None:
        """A driver's yes or no said in words: the answer to the one request waiting for
        them (None when there is none, or several)."""
        waiting = await self._introductions.waiting_for_driver(driver.id)
        if len(waiting) != 1:
            return None
        return await self.answer(driver, waiting[0].id, accept)

    async def ask_by_words(self, person: Person, words: str) -> Ask | None:
        """The passenger names, in words, one of the drivers shown for their newest open
        need ("Jean", "le premier", "oui" when there is one); None when no choice of
        drivers is waiting."""
        waiting = [
            need
            for need in await self._needs.for_person(person.id)
            if need.is_open and need.status is not NeedStatus.ASKING
        ]
        if not waiting:
            return None
        need = max(waiting, key=lambda n: n.id)
        candidates = await self._matching.candidates(need)
        if not candidates:
            return None
        names = [c.driver.short_name for c in candidates]
        index = read_choice(words, names)
        if index is None:
            return Ask(AskResult.UNCLEAR, need, candidates=candidates)
        return await self.ask_driver(person, need.id, candidates[index].trip.id)

    async def _unavailable(
        self, person: Person, need: Need, candidates: list[Candidate], as_operator: bool
    ) -> Ask:
        """The trip chosen no longer fits (paused, deleted, full): the others, or the team."""
        if as_operator:
            return Ask(AskResult.UNAVAILABLE, need, candidates=candidates)
        if candidates:
            await self._matching.shown(need, candidates)
            notice = telling.drivers_for(person, need, candidates, n.CandidatesNext)
            return Ask(AskResult.UNAVAILABLE, need, candidates=candidates, notices=[notice])
        if need.status is not NeedStatus.SEARCHING:  # the team already follows it
            notice = to_person(person, n.CandidatesNoMore())
            return Ask(AskResult.UNAVAILABLE, need, notices=[notice])
        async with self._uow.transaction():
            need = await self._matching.to_operators(need, "no_more_drivers", person.id)
            view = await team_view(self._needs, self._people, need.id)
            notices = telling.nobody_left(person, view, "no_more_drivers")
        return Ask(AskResult.UNAVAILABLE, need, notices=notices)

    async def answer(
        self, driver: Person, introduction_id: int, accept: bool, *, by_operator: bool = False
    ) -> Answer:
        """The driver's answer; an operator answers for a driver who has no Telegram."""
        introduction = await self._introductions.get(introduction_id)
        if introduction is None:
            return Answer(AnswerResult.NOT_FOUND)
        if by_operator:
            offline = await self._people.get(introduction.driver_id)
            if offline is None or offline.telegram_user_id is not None:
                return Answer(AnswerResult.NOT_YOURS)
            driver = offline
        elif introduction.driver_id != driver.id:
            return Answer(AnswerResult.NOT_YOURS)
        status = IntroductionStatus.ACCEPTED if accept else IntroductionStatus.DECLINED
        if accept and introduction.status is IntroductionStatus.PENDING:
            trip = await self._trips.get(introduction.trip_id)
            need = await self._needs.get(introduction.need_id)
            if trip is not None and need is not None and await self._full(introduction, need, trip):
                # The seat went to someone else: this passenger hears it at once, with the
                # next drivers, rather than waiting for a deadline that tells them nothing.
                async with self._uow.transaction():
                    if not await self._introductions.answer(
                        introduction.id, IntroductionStatus.DECLINED, self._clock.now()
                    ):
                        return Answer(
                            AnswerResult.ALREADY, await self._introductions.get(introduction.id)
                        )
                    refused = await self._refused(
                        introduction, "declined", n.RidesFullPassenger, actor_id=driver.id
                    )
                return Answer(
                    AnswerResult.FULL,
                    introduction,
                    refused.need,
                    driver=driver,
                    trip=trip,
                    candidates=refused.candidates,
                    notices=refused.notices,
                )
        async with self._uow.transaction():
            if not await self._introductions.answer(introduction.id, status, self._clock.now()):
                settled = await self._introductions.get(introduction.id)
                return Answer(AnswerResult.ALREADY, settled)
            if accept:
                return await self._accepted(introduction, driver)
            return await self._refused(
                introduction, "declined", n.IntroDeclinedPassenger, actor_id=driver.id
            )

    async def _full(self, introduction: Introduction, need: Need, trip: Trip) -> bool:
        """Whether the trip has no seat left for this ride (others were accepted since)."""
        today = self._calendar.today(self._clock.now())
        taken = (
            await self._introductions.seats_taken([trip.id], today, leaving_out=introduction.id)
        ).get(trip.id, NO_SEATS_TAKEN)
        route, query = trip_route(trip), need_query(need, frozenset())
        days = ride_days(route, query)
        return bool(days) and not days_with_seats(route, query, days, taken)

    async def time_out(self, entry: AgendaEntry) -> Outcome:
        """The agenda's action: a driver who has not answered in time counts as a decline;
        both hear of it right after (two messages, each retried on its own)."""
        now = self._clock.now()
        async with self._uow.transaction():
            introduction = await self._introductions.get(entry.subject_id)
            if introduction is None or not await self._introductions.answer(
                introduction.id, IntroductionStatus.EXPIRED, now
            ):
                await self._agenda.finish(entry.id, Outcome.SKIPPED, now)
                return Outcome.SKIPPED
            need = await self._needs.get(introduction.need_id)
            if need is not None and need.status is NeedStatus.ASKING:
                await self._needs.set_status(
                    need.id,
                    NeedStatus.SEARCHING,
                    now,
                    event="expired",
                    detail=f"introduction {introduction.id}",
                )
            await self._agenda.schedule(
                [
                    Due(Kind.INTRODUCTION_EXPIRED_DRIVER, introduction.id, now),
                    Due(Kind.INTRODUCTION_EXPIRED_PASSENGER, introduction.id, now),
                ],
                now,
            )
            await self._agenda.finish(entry.id, Outcome.DONE, now)
        return Outcome.DONE

    async def timed_out(self, introduction_id: int) -> Answer | None:
        """After a time-out: the passenger's next drivers, or the team (None: nothing to say)."""
        introduction = await self._introductions.get(introduction_id)
        if introduction is None or introduction.status is not IntroductionStatus.EXPIRED:
            return None
        need = await self._needs.get(introduction.need_id)
        if need is None or need.status not in (NeedStatus.SEARCHING, NeedStatus.WITH_OPERATORS):
            return None  # cancelled, closed, or another driver asked meanwhile
        return await self._next_drivers(introduction, need, n.IntroExpiredPassenger)

    async def expiry_news(self, introduction_id: int) -> list[Notice] | None:
        """A word to the driver who let a request expire (None: it did not expire)."""
        introduction = await self._introductions.get(introduction_id)
        if introduction is None or introduction.status is not IntroductionStatus.EXPIRED:
            return None
        driver = await self._people.get(introduction.driver_id)
        passenger = await self._people.get(introduction.passenger_id)
        if driver is None or passenger is None:
            return None
        return telling.request_expired_driver(driver, passenger)

    async def call_off_for_seats(self, driver: Person, introduction_id: int) -> list[Notice]:
        """The driver lowers his seats and calls this passenger off (bot/services/trips.py):
        as a withdrawal, the passenger told why, kindly, with the next drivers."""
        withdrawn = await self.withdraw(driver, introduction_id, told=n.SeatsCalledOffPassenger)
        return withdrawn.notices

    async def withdraw(
        self,
        driver: Person,
        introduction_id: int,
        *,
        told: type[n.DriverDroppedOut] = n.RidesWithdrawnPassenger,
    ) -> Answer:
        """A driver who had accepted can no longer take the passenger: the search goes on."""
        introduction = await self._introductions.get(introduction_id)
        if introduction is None:
            return Answer(AnswerResult.NOT_FOUND)
        if introduction.driver_id != driver.id:
            return Answer(AnswerResult.NOT_YOURS)
        now = self._clock.now()
        async with self._uow.transaction():
            need = await self._needs.get(introduction.need_id)
            gone_by = (
                need is not None
                and need.travel_date is not None
                and self._matching.ride_moment(need, introduction.pickup, now) <= now
            )
            if (
                need is None
                or need.status is not NeedStatus.MATCHED
                or gone_by
                or not await self._introductions.withdraw(introduction.id, now)
            ):
                return Answer(AnswerResult.ALREADY, introduction, need)
            need = await self._needs.set_status(
                need.id,
                NeedStatus.SEARCHING,
                now,
                actor_id=driver.id,
                event="driver_withdrew",
                detail=f"introduction {introduction.id}",
            )
            if await self._volunteer_ride(introduction):
                return await self._next_volunteer(introduction, need, driver, told)
            return await self._next_drivers(introduction, need, told, n.OperatorsDriverWithdrew)

    # A volunteer of the association who calls off late, and the team's reassigning (issue
    # 24, item 6).

    async def _volunteer_ride(self, introduction: Introduction) -> bool:
        if self._volunteers is None:
            return False
        volunteer = await self._volunteers.get(introduction.driver_id)
        return volunteer is not None and volunteer.trip_id == introduction.trip_id

    async def _next_volunteer(
        self,
        introduction: Introduction,
        need: Need,
        driver: Person,
        told: type[n.DriverDroppedOut],
    ) -> Answer:
        """A volunteer calls off a ride they had accepted: the next volunteer free for it is
        asked at once, and the team is told; with nobody, as for any driver (the passenger
        chooses among the drivers left, or the team takes over), the team told too."""
        passenger = await self._people.get(introduction.passenger_id)
        if passenger is None:
            raise Missing(f"person {introduction.passenger_id} is gone")
        candidates = await self._matching.candidates(need)
        following = next((c for c in candidates if isinstance(c, VolunteerCandidate)), None)
        asked = (
            await self.ask_driver(passenger, need.id, following.trip.id)
            if following is not None
            else None
        )
        if following is None or asked is None or asked.result is not AskResult.ASKED:
            answer = await self._next_drivers(introduction, need, told, n.OperatorsDriverWithdrew)
            team = to_team(n.VolunteerCancelledTeam(need, passenger, driver, None))
            return replace(answer, notices=[team, *answer.notices])
        team = to_team(n.VolunteerCancelledTeam(need, passenger, driver, following.driver))
        notices = [team, to_person(passenger, told(driver.short_name)), *asked.notices]
        settled = await self._introductions.get(introduction.id)
        return Answer(
            AnswerResult.DECLINED,
            settled,
            asked.need or need,
            passenger,
            driver,
            candidates=[following],
            notices=notices,
        )

    async def reassign(self, operator: Person, need_id: int, volunteer_id: int) -> Reassigned:
        """The team gives a request to another volunteer: the one who had accepted it (if
        any) is told kindly, the passenger too, and the new one is asked as usual."""
        need = await self._needs.get(need_id)
        if need is None or not (need.is_open or need.status is NeedStatus.MATCHED):
            return Reassigned(ReassignResult.NOT_FOUND)
        volunteer = await self._volunteers.get(volunteer_id) if self._volunteers else None
        person = await self._people.get(volunteer_id) if volunteer else None
        if volunteer is None or person is None:
            return Reassigned(ReassignResult.NOT_VOLUNTEER, need)
        current = [
            i
            for i in await self._introductions.for_need(need.id)
            if i.status in (IntroductionStatus.ACCEPTED, IntroductionStatus.PENDING)
        ]
        if any(i.driver_id == volunteer_id for i in current):
            return Reassigned(ReassignResult.UNAVAILABLE, need, person)
        relaxed = self._params.relaxed(2.0)
        free = [
            c
            for c in await self._matching.candidates(need, relaxed, limit=20)
            if c.trip.id == volunteer.trip_id
        ]
        if not free:
            return Reassigned(ReassignResult.UNAVAILABLE, need, person)
        now = self._clock.now()
        notices: list[Notice] = []
        async with self._uow.transaction():
            passenger = await self._people.get(need.person_id)
            if passenger is None:
                raise Missing(f"person {need.person_id} is gone")
            for before in current:
                if before.status is IntroductionStatus.ACCEPTED:
                    await self._introductions.withdraw(before.id, now)
                else:
                    await self._introductions.answer(before.id, IntroductionStatus.EXPIRED, now)
                gone = await self._people.get(before.driver_id)
                if gone is not None:
                    notices.append(to_person(gone, n.RideReassignedDriver(need, passenger)))
                    notices.append(to_person(passenger, n.RideReassignedPassenger(gone.short_name)))
            if current:
                need = await self._needs.set_status(
                    need.id,
                    NeedStatus.SEARCHING,
                    now,
                    actor_id=operator.id,
                    event="reassigned",
                    detail=f"to volunteer {volunteer_id}",
                )
            asked = await self.ask_driver(operator, need.id, volunteer.trip_id, as_operator=True)
        if asked.result is not AskResult.ASKED:
            return Reassigned(ReassignResult.UNAVAILABLE, need, person, notices)
        return Reassigned(ReassignResult.ASKED, asked.need, person, notices + asked.notices)

    async def driver_unreachable(self, introduction_id: int) -> Answer | None:
        """The driver blocked the bot (or never started it): as if they had declined."""
        introduction = await self._introductions.get(introduction_id)
        async with self._uow.transaction():
            if introduction is None or not await self._introductions.answer(
                introduction.id, IntroductionStatus.EXPIRED, self._clock.now()
            ):
                return None
            return await self._refused(
                introduction, "driver_unreachable", n.IntroUnreachablePassenger
            )

    async def _accepted(self, introduction: Introduction, driver: Person) -> Answer:
        now = self._clock.now()
        need = await self._needs.set_status(
            introduction.need_id,
            NeedStatus.MATCHED,
            now,
            actor_id=driver.id,
            event="accepted",
            detail=f"introduction {introduction.id}",
        )
        await self._schedule_ride(introduction, need, now)
        passenger = await self._people.get(introduction.passenger_id)
        trip = await self._trips.get(introduction.trip_id)
        settled = await self._introductions.get(introduction.id)
        if passenger is None or settled is None:
            raise Missing(f"introduction {introduction.id} lost its passenger or itself")
        notices = telling.accepted(need, settled, passenger, driver)
        if need.wants_back and settled.back_pickup is None:
            # The way there is settled, the way back is not: the team looks for it.
            notices += telling.way_back_left(await team_view(self._needs, self._people, need.id))
        if self._cost_share is not None:
            km = km_between(
                need.origin.lat, need.origin.lon, need.destination.lat, need.destination.lon
            )
            km = round(km * self._params.road_factor)
            notices += telling.cost_share(need, passenger, driver, km, self._cost_share)
        return Answer(
            AnswerResult.ACCEPTED, settled, need, passenger, driver, trip, notices=notices
        )

    async def _refused(
        self,
        introduction: Introduction,
        event: str,
        told: type[n.DriverDroppedOut],
        actor_id: int | None = None,
    ) -> Answer:
        now = self._clock.now()
        need = await self._needs.get(introduction.need_id)
        if need is None:
            raise Missing(f"need {introduction.need_id} is gone")
        if need.status is not NeedStatus.ASKING:  # cancelled meanwhile: nothing to go on with
            return Answer(AnswerResult.DECLINED, introduction, need)
        need = await self._needs.set_status(
            need.id,
            NeedStatus.SEARCHING,
            now,
            actor_id=actor_id,
            event=event,
            detail=f"introduction {introduction.id}",
        )
        return await self._next_drivers(introduction, need, told)

    async def _next_drivers(
        self,
        introduction: Introduction,
        need: Need,
        told: type[n.DriverDroppedOut],
        team_kind: type[n.DriverAnswer] = n.OperatorsDriverRefused,
    ) -> Answer:
        """After a driver drops out: the next ones for the passenger, or else the team (also
        for a passenger without Telegram, who cannot choose a driver alone)."""
        passenger = await self._people.get(introduction.passenger_id)
        choosing = need.status is NeedStatus.SEARCHING
        # Without Telegram, or known to have blocked the bot: the team chooses for them.
        reachable = passenger is not None and passenger.reachable
        candidates = await self._matching.candidates(need) if choosing and reachable else []
        await self._matching.shown(need, candidates)
        view = None
        if not candidates:
            if choosing:
                need = await self._matching.to_operators(need, "no_more_drivers")
            view = await team_view(self._needs, self._people, need.id)
        driver = await self._people.get(introduction.driver_id)
        settled = await self._introductions.get(introduction.id)
        notices = telling.driver_dropped_out(
            need, passenger, driver, candidates, view, told, team_kind
        )
        return Answer(
            AnswerResult.DECLINED,
            settled,
            need,
            passenger,
            driver,
            candidates=candidates,
            notices=notices,
        )

    async def _schedule_ride(self, introduction: Introduction, need: Need, now: datetime) -> None:
        """An accepted ride: a reminder to both the evening before, a question the day after.

        A regular need is followed up for its first ride only: after that, the two people
        know each other.
        """
        if need.travel_date is not None:
            ride_date = need.travel_date
        else:
            ride_date = self._calendar.next_weekday(
                now, introduction.travel_day, introduction.pickup
            )
        await self._introductions.set_ride_date(introduction.id, ride_date)
        calendar, timing = self._calendar, self._timing
        reminder = calendar.at(ride_date - timedelta(days=1), timing.reminder_hour)
        dues = [
            Due(
                Kind.RIDE_OUTCOME_QUESTION,
                introduction.id,
                calendar.at(ride_date + timedelta(days=1), timing.follow_up_hour),
            )
        ]
        if reminder > now:  # accepted later than that: they have just been introduced
            dues += [
                Due(Kind.RIDE_REMINDER_PASSENGER, introduction.id, reminder),
                Due(Kind.RIDE_REMINDER_DRIVER, introduction.id, reminder),
            ]
        await self._agenda.schedule(dues, now)
