"""The coordinator's day (issue 24, item 6): each morning, in the team's group, today's and
tomorrow's rides with their volunteer driver, the requests not yet covered, and the
volunteers free today (Kind.COORDINATOR_DAY, at DIGEST_HOUR, through the agenda). Nothing is
posted by an association without volunteer drivers."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta

from bot.agenda import NO_SUBJECT, AgendaEntry, Calendar, Due, Kind, Outcome
from bot.clock import Clock
from bot.domain import Person, Ride
from bot.notices import Notice, NoticeValues, to_team
from bot.ports import Agenda, PeopleRepository
from bot.services.operators import OperatorService
from bot.services.rides import RideService
from bot.services.views import FollowUp
from bot.services.volunteers import Volunteer, VolunteerRepository
from bot.territories import Scope, Territories


@dataclass(frozen=True)
class FreeVolunteer:
    volunteer: Volunteer
    person: Person


@dataclass(frozen=True)
class CoordinatorDay:
    today: date
    rides_today: list[Ride]  # with a volunteer driver
    rides_tomorrow: list[Ride]
    uncovered: list[FollowUp]  # requests the team still has to find someone for
    free: list[FreeVolunteer]  # may drive today, and not driving yet


@dataclass(frozen=True, eq=False)
class TeamCoordinatorDay(NoticeValues):
    """Not a sentence: the morning's post the adapter composes for the team."""

    key = "coordinator.day"
    worded = False
    day: CoordinatorDay


class CoordinatorService:
    def __init__(
        self,
        *,
        rides: RideService,
        operators: OperatorService,
        volunteers: VolunteerRepository,
        people: PeopleRepository,
        agenda: Agenda,
        clock: Clock,
        calendar: Calendar,
        hour: int,
        territories: Territories | None = None,
    ) -> None:
        self._territories = territories
        self._rides = rides
        self._operators = operators
        self._volunteers = volunteers
        self._people = people
        self._agenda = agenda
        self._clock = clock
        self._calendar = calendar
        self._hour = hour

    async def ensure_scheduled(self) -> None:
        now = self._clock.now()
        at = self._calendar.next_at(now, self._hour)
        await self._agenda.schedule_once(Due(Kind.COORDINATOR_DAY, NO_SUBJECT, at), now)

    async def day(self, scope: Scope | None = None) -> CoordinatorDay | None:
        """Today as the coordinator sees it: of one team's volunteers and requests (`scope`),
        or of everyone's; None without any volunteer driver."""
        volunteers = []
        people: dict[int, Person] = {}
        for volunteer in await self._volunteers.all():
            person = await self._people.get(volunteer.person_id)
            if scope is not None and (person is None or not scope.holds(person.territory)):
                continue  # another team's volunteer
            volunteers.append(volunteer)
            if person is not None:
                people[volunteer.person_id] = person
        if not volunteers:
            return None
        today = self._calendar.today(self._clock.now())
        standing = {v.trip_id for v in volunteers}

        async def rides_on(day: date) -> list[Ride]:
            rides = await self._rides.planned_on(day)
            mine = [r for r in rides if r.introduction.trip_id in standing]
            return sorted(mine, key=lambda r: r.introduction.pickup)

        rides_today = await rides_on(today)
        busy = {r.driver.id for r in rides_today}
        free = []
        for volunteer in volunteers:
            slots_today = (volunteer.availability.slots >> (3 * today.weekday())) & 0b111
            august = volunteer.availability.not_in_august and today.month == 8
            if not slots_today or august or not volunteer.may_drive_on(today):
                continue
            if volunteer.person_id in busy:
                continue
            person = people.get(volunteer.person_id)
            if person is not None and person.forgotten_at is None:
                free.append(FreeVolunteer(volunteer, person))
        uncovered = [view for view in await self._operators.open_needs(scope) if view.need]
        return CoordinatorDay(
            today, rides_today, await rides_on(today + timedelta(days=1)), uncovered, free
        )

    async def next_rides(self, person_id: int, days: int = 28) -> list[tuple[date, Ride]]:
        """A passenger's rides in the next `days` days, each with its day, soonest first (for
        the card printed for a member without a smartphone, issue 24, item 4)."""
        today = self._calendar.today(self._clock.now())
        found = []
        for ahead in range(days):
            day = today + timedelta(days=ahead)
            for ride in await self._rides.planned_on(day):
                if ride.passenger.id == person_id:
                    found.append((day, ride.introduction.pickup, ride))
        return [(day, ride) for day, _, ride in sorted(found, key=lambda item: item[:2])]

    async def morning(self, entry: AgendaEntry, team: bool) -> tuple[Outcome, list[Notice]]:
        """The morning's post; the next one tomorrow at the same hour."""
        now = self._clock.now()
        notices: list[Notice] = []
        territories = self._territories
        if team and territories is not None and territories.several:
            # each team its own volunteers' day, in its own group (issue 22)
            for territory in territories.teams:
                day = await self.day(territories.scope(territory))
                if day is not None:
                    notices.append(to_team(TeamCoordinatorDay(day), territory=territory))
        elif team:
            day = await self.day()
            notices = [to_team(TeamCoordinatorDay(day))] if day is not None else []
        outcome = Outcome.SENT if notices else Outcome.SKIPPED
        await self._agenda.finish(entry.id, outcome, now)
        at = self._calendar.next_at(now, self._hour)
        await self._agenda.schedule([Due(Kind.COORDINATOR_DAY, NO_SUBJECT, at)], now)
        return outcome, notices
