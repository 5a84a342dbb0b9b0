"""Each ride with a volunteer driver, on paper (issue 24, item 4).

Once the passenger (or the team, for one without Telegram) says a ride with a volunteer
happened (bot/services/rides.py, `record_outcome`), its record is written in the same
transaction: who, from where to where, the volunteer's whole ride from home and back (the
allowance pays it, at `TUS_EUR_PER_KM`, as the request showed), the passenger's km there and
back and their participation at `TUS_EUR_PER_KM`, never above the legal cap
(`TUS_LEGAL_CAP_EUR_PER_KM`, arrêté of 17 October 2019).

From these records come the passenger's receipt (the "reçu de trajet" associations fill at the
end of each ride), each volunteer's monthly statement (on the first of the month, through the
agenda: Kind.VOLUNTEER_STATEMENTS, with a CSV of all of them for the treasurer), the choice to
give the month's allowance to the association, and at year end the data the association needs
for the tax receipt of a donation of expenses (Cerfa 11580: the km detail, the renunciation,
the amount at the legal scale). Since 2022 a volunteer's km are valued at the employees'
scale (article 83 CGI, 3°, as article 200 CGI refers to it since loi 2022-1157, article 21;
associations.gouv.fr "option pour une réduction d'impôts"): `VOLUNTEER_SCALE_EUR_PER_KM`.
"""

from __future__ import annotations

import enum
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from typing import Protocol

from bot.agenda import NO_SUBJECT, AgendaEntry, Calendar, Due, Kind, Outcome
from bot.clock import Clock
from bot.domain import Person, Ride
from bot.matching import MatchingParams, Point, road_km
from bot.notices import Notice, NoticeValues, to_person, to_team
from bot.ports import Agenda, PeopleRepository, UnitOfWork
from bot.services.volunteers import Volunteer, VolunteerRepository
from bot.territories import Scope, Territories


@dataclass(frozen=True)
class VolunteerRide:
    """One ride a volunteer drove, as recorded the day it was said to have happened."""

    introduction_id: int
    volunteer_id: int
    passenger_id: int
    volunteer_name: str
    passenger_name: str
    ride_date: date
    home: str
    origin: str
    destination: str
    driven_km: int  # home → passenger → destination → passenger → home
    passenger_km: float  # the passenger's there and back
    participation_rate: float
    participation_cents: int
    allowance_rate: float
    allowance_cents: int
    recorded_at: datetime


class VolunteerRideRepository(Protocol):
    async def add(self, ride: VolunteerRide) -> None: ...

    async def get(self, introduction_id: int) -> VolunteerRide | None: ...

    async def of_passenger(self, passenger_id: int) -> list[VolunteerRide]: ...

    async def between(self, start: date, end: date) -> list[VolunteerRide]:
        """Rides from `start` up to `end` excluded, by date."""
        ...

    async def give(self, volunteer_id: int, month: str, now: datetime) -> bool:
        """False when that month was already given."""
        ...

    async def gifts(self, volunteer_id: int | None = None) -> dict[tuple[int, str], datetime]: ...


@dataclass(frozen=True)
class Statement:
    """A volunteer's rides of one month and their allowance."""

    volunteer: Person
    year: int
    month: int
    rides: list[VolunteerRide]
    given_at: datetime | None = None  # when they gave the month's allowance up

    @property
    def key(self) -> str:
        return month_key(self.year, self.month)

    @property
    def km(self) -> int:
        return sum(r.driven_km for r in self.rides)

    @property
    def allowance_cents(self) -> int:
        return sum(r.allowance_cents for r in self.rides)


@dataclass(frozen=True)
class Donation:
    """What a volunteer gave the association in a year: the months given up, their rides,
    the km, the allowance renounced and the km valued at the legal scale."""

    volunteer: Person
    year: int
    rides: list[VolunteerRide]
    given: dict[str, datetime]  # 'YYYY-MM' → when
    scale_eur_per_km: float

    @property
    def km(self) -> int:
        return sum(r.driven_km for r in self.rides)

    @property
    def renounced_cents(self) -> int:
        return sum(r.allowance_cents for r in self.rides)

    @property
    def amount_cents(self) -> int:
        return round(self.km * self.scale_eur_per_km * 100)


@dataclass(frozen=True)
class YearFigures:
    """The year's rides with volunteers, for the préfet's report."""

    rides: list[VolunteerRide]
    volunteers: list[Volunteer]  # the volunteer drivers at the end of the year

    @property
    def km(self) -> float:
        return round(sum(r.passenger_km for r in self.rides), 1)

    @property
    def driven_km(self) -> int:
        return sum(r.driven_km for r in self.rides)

    @property
    def participation_cents(self) -> int:
        return sum(r.participation_cents for r in self.rides)

    @property
    def passengers(self) -> set[int]:
        return {r.passenger_id for r in self.rides}


# Notices: not sentences, files the adapter composes.


@dataclass(frozen=True, eq=False)
class VolunteerStatementReady(NoticeValues):
    """To the volunteer: their month's statement (a PDF), with "I give it to the
    association" unless given already."""

    key = "volunteer_rides.statement"
    worded = False
    statement: Statement


@dataclass(frozen=True, eq=False)
class TeamStatements(NoticeValues):
    """To the team: every statement of the month, one CSV for the treasurer."""

    key = "volunteer_rides.team_statements"
    worded = False
    year: int
    month: int
    statements: list[Statement]


@dataclass(frozen=True, eq=False)
class TeamDonations(NoticeValues):
    """To the team: the year's donations of expenses, the data for each tax receipt."""

    key = "volunteer_rides.team_donations"
    worded = False
    year: int
    donations: list[Donation]


@dataclass(frozen=True, eq=False)
class TeamGift(NoticeValues):
    """To the team: a volunteer gave a month's allowance up."""

    key = "volunteer_rides.team_gift"
    worded = False
    statement: Statement


class GiveResult(enum.StrEnum):
    GIVEN = "given"
    ALREADY = "already"
    NOTHING = "nothing"  # no ride that month (an old or someone else's button)


@dataclass(frozen=True)
class Given:
    result: GiveResult
    statement: Statement | None = None
    notices: list[Notice] = field(default_factory=list)


def month_key(year: int, month: int) -> str:
    return f"{year:04d}-{month:02d}"


def month_of(key: str) -> tuple[int, int] | None:
    """'2026-11' → (2026, 11); None for anything else."""
    year, _, month = key.partition("-")
    if not (year.isdigit() and month.isdigit() and len(year) == 4 and 1 <= int(month) <= 12):
        return None
    return int(year), int(month)


def _month_span(year: int, month: int) -> tuple[date, date]:
    start = date(year, month, 1)
    return start, (start + timedelta(days=32)).replace(day=1)


class VolunteerRideService:
    def __init__(
        self,
        *,
        rides: VolunteerRideRepository,
        volunteers: VolunteerRepository,
        people: PeopleRepository,
        params: MatchingParams,
        eur_per_km: float | None,
        legal_cap_eur_per_km: float,
        scale_eur_per_km: float,
        clock: Clock,
        calendar: Calendar,
        agenda: Agenda,
        unit_of_work: UnitOfWork,
        statement_hour: int,
        territories: Territories | None = None,
    ) -> None:
        self._territories = territories
        self._legal_cap = legal_cap_eur_per_km
        self._default_rate = eur_per_km
        self._rides = rides
        self._volunteers = volunteers
        self._people = people
        self._params = params
        self._rate = eur_per_km or 0.0
        self._participation_rate = min(self._rate, legal_cap_eur_per_km)
        self.scale_eur_per_km = scale_eur_per_km
        self._clock = clock
        self._calendar = calendar
        self._agenda = agenda
        self._uow = unit_of_work
        self._hour = statement_hour

    # The record, when a ride happened (in the transaction of the answer).

    async def record(self, ride: Ride) -> VolunteerRide | None:
        """Keep the ride on paper if its driver drove as a volunteer (None otherwise)."""
        volunteer = await self._volunteers.get(ride.driver.id)
        if volunteer is None or volunteer.trip_id != ride.introduction.trip_id:
            return None
        before = await self._rides.get(ride.introduction.id)
        if before is not None:
            return before
        need = ride.need
        params = self._params
        origin = Point(need.origin.lat, need.origin.lon)
        destination = Point(need.destination.lat, need.destination.lon)
        home = volunteer.availability.home
        allowance_rate, participation_rate = self._rates(ride.driver.territory)
        leg_km = road_km(origin, destination, params)
        to_passenger = road_km(Point(home.lat, home.lon), origin, params)
        driven_km = round(2 * to_passenger + 2 * leg_km)  # as the request showed it
        passenger_km = round(2 * leg_km, 1)
        paper = VolunteerRide(
            introduction_id=ride.introduction.id,
            volunteer_id=ride.driver.id,
            passenger_id=ride.passenger.id,
            volunteer_name=ride.driver.display_name,
            passenger_name=ride.passenger.display_name,
            ride_date=ride.ride_date,
            home=home.name,
            origin=need.origin.name,
            destination=need.destination.name,
            driven_km=driven_km,
            passenger_km=passenger_km,
            participation_rate=participation_rate,
            participation_cents=round(passenger_km * participation_rate * 100),
            allowance_rate=allowance_rate,
            allowance_cents=round(driven_km * allowance_rate * 100),
            recorded_at=self._clock.now(),
        )
        await self._rides.add(paper)
        return paper

    def _rates(self, territory: str | None) -> tuple[float, float]:
        """(allowance, participation) per km for a volunteer of that territory. A ride is
        priced where its volunteer belongs, not where its passenger does: the association
        whose volunteer drove pays the allowance and keeps the participation, and its team
        follows the volunteer (their file, statements and donations)."""
        if self._territories is None:
            return self._rate, self._participation_rate
        rate = self._territories.tus_rate(territory, self._default_rate) or 0.0
        return rate, min(rate, self._legal_cap)

    async def _in_scope(self, person_id: int, scope: Scope | None) -> bool:
        """Whether a volunteer is of the team's territory (`scope`; None: everyone)."""
        if scope is None:
            return True
        person = await self._people.get(person_id)
        return person is not None and scope.holds(person.territory)

    # The passenger's receipt.

    async def receipt(
        self, passenger: Person, introduction_id: int | None = None
    ) -> VolunteerRide | None:
        """The passenger's last ride with a volunteer (or the one asked for, if theirs)."""
        rides = await self._rides.of_passenger(passenger.id)
        if introduction_id is not None:
            rides = [r for r in rides if r.introduction_id == introduction_id]
        return rides[-1] if rides else None

    # The volunteer's monthly statement.

    async def statement(self, volunteer: Person, year: int, month: int) -> Statement:
        start, end = _month_span(year, month)
        rides = [r for r in await self._rides.between(start, end) if r.volunteer_id == volunteer.id]
        given = (await self._rides.gifts(volunteer.id)).get((volunteer.id, month_key(year, month)))
        return Statement(volunteer, year, month, rides, given)

    async def statements(
        self, year: int, month: int, scope: Scope | None = None
    ) -> list[Statement]:
        start, end = _month_span(year, month)
        rides = await self._rides.between(start, end)
        gifts = await self._rides.gifts()
        found = []
        for volunteer_id in sorted({r.volunteer_id for r in rides}):
            person = await self._people.get(volunteer_id)
            if person is None or (scope is not None and not scope.holds(person.territory)):
                continue
            mine = [r for r in rides if r.volunteer_id == volunteer_id]
            given = gifts.get((volunteer_id, month_key(year, month)))
            found.append(Statement(person, year, month, mine, given))
        return found

    async def give(self, volunteer: Person, key: str) -> Given:
        """ "Je le donne à l'association": the month's allowance given up, for good."""
        month = month_of(key)
        if month is None:
            return Given(GiveResult.NOTHING)
        async with self._uow.transaction():
            statement = await self.statement(volunteer, *month)
            if not statement.rides:
                return Given(GiveResult.NOTHING)
            if not await self._rides.give(volunteer.id, key, self._clock.now()):
                return Given(GiveResult.ALREADY, statement)
            statement = await self.statement(volunteer, *month)
        # The statement again, with the renunciation (to keep, or printed and signed), and the
        # team told.
        notices = [
            to_person(volunteer, VolunteerStatementReady(statement)),
            to_team(TeamGift(statement), territory=volunteer.territory),
        ]
        return Given(GiveResult.GIVEN, statement, notices)

    # The year: donations (tax receipts) and the préfet's figures.

    async def donations(self, year: int, scope: Scope | None = None) -> list[Donation]:
        """The year's donations of one team's volunteers (`scope`), or of all of them."""
        rides = await self._rides.between(date(year, 1, 1), date(year + 1, 1, 1))
        gifts = await self._rides.gifts()
        found = []
        for volunteer_id in sorted({r.volunteer_id for r in rides}):
            given = {
                key: at
                for (who, key), at in gifts.items()
                if who == volunteer_id and key.startswith(f"{year:04d}-")
            }
            person = await self._people.get(volunteer_id)
            if not given or person is None:
                continue
            if scope is not None and not scope.holds(person.territory):
                continue
            mine = [
                r
                for r in rides
                if r.volunteer_id == volunteer_id and r.ride_date.strftime("%Y-%m") in given
            ]
            found.append(Donation(person, year, mine, given, self.scale_eur_per_km))
        return found

    async def donations_told(
        self, year: int, scope: Scope | None = None, team: str | None = None
    ) -> list[Notice]:
        """The team asks for a year's donations (/dons): its own volunteers' (`scope`; None:
        everyone's), to its own group (`team`'s; None: the first team's)."""
        return [to_team(TeamDonations(year, await self.donations(year, scope)), territory=team)]

    async def year_figures(self, year: int, scope: Scope | None = None) -> YearFigures:
        """The year's rides and volunteers: one team's (`scope`), or everyone's."""
        rides = await self._rides.between(date(year, 1, 1), date(year + 1, 1, 1))
        rides = [r for r in rides if await self._in_scope(r.volunteer_id, scope)]
        volunteers = [
            v for v in await self._volunteers.all() if await self._in_scope(v.person_id, scope)
        ]
        return YearFigures(rides, volunteers)

    # The first of each month, through the agenda.

    def _next_month_start(self, now: datetime) -> datetime:
        today = self._calendar.today(now)
        first = (today.replace(day=1) + timedelta(days=32)).replace(day=1)
        return self._calendar.at(first, self._hour)

    async def ensure_scheduled(self) -> None:
        now = self._clock.now()
        due = Due(Kind.VOLUNTEER_STATEMENTS, NO_SUBJECT, self._next_month_start(now))
        await self._agenda.schedule_once(due, now)

    async def monthly(self, entry: AgendaEntry, team: bool) -> tuple[Outcome, list[Notice]]:
        """Last month's statement to each volunteer who drove, all of them to the team (a
        CSV); in January, last year's donations too. The next one is scheduled."""
        now = self._clock.now()
        today = self._calendar.today(now)
        last = today.replace(day=1) - timedelta(days=1)
        notices: list[Notice] = []
        statements = await self.statements(last.year, last.month)
        for statement in statements:
            if statement.volunteer.forgotten_at is None:  # forgotten: the accounts only
                notices.append(to_person(statement.volunteer, VolunteerStatementReady(statement)))
        territories = self._territories
        if territories is not None and territories.several:
            # each team its own volunteers' statements and donations, in its group (issue 22)
            teams: list[tuple[Scope | None, str | None]] = [
                (territories.scope(t), t) for t in territories.teams
            ]
        else:
            teams = [(None, None)]
        for scope, territory in teams if team else []:
            theirs = await self.statements(last.year, last.month, scope)
            if theirs:
                notices.append(
                    to_team(TeamStatements(last.year, last.month, theirs), territory=territory)
                )
            donations = await self.donations(last.year, scope) if last.month == 12 else []
            if last.month == 12 and (donations or scope is None):  # a team without: nothing
                notices.append(to_team(TeamDonations(last.year, donations), territory=territory))
        outcome = Outcome.SENT if notices else Outcome.SKIPPED
        # Done first: scheduling moves a pending entry of the same kind, this one included.
        await self._agenda.finish(entry.id, outcome, now)
        await self._agenda.schedule(
            [Due(Kind.VOLUNTEER_STATEMENTS, NO_SUBJECT, self._next_month_start(now))], now
        )
        return outcome, notices
