"""Transport d'Utilité Sociale (Code des transports L3133-1, décret 2019-850): the tools of an
association that runs one — who may be a member, the register of members, trips of at most
100 km with a participation per kilometre, and the yearly activity report for the préfet.

Eligibility by residence asks for "a rural commune or an urban unit of fewer than 12,000
inhabitants". The gazetteer has each commune's population but not INSEE's urban units, so
a documented approximation stands in: a commune counts when it has fewer than 12,000
inhabitants and no commune of 12,000 or more lies within URBAN_NEIGHBOUR_KM (a suburb of a
town belongs to that town's urban unit). The team can always record one of the listed
benefits instead, which makes anyone eligible wherever they live.
"""

from __future__ import annotations

import enum
from collections.abc import Awaitable, Callable
from dataclasses import dataclass, replace
from datetime import date, datetime, timedelta
from typing import TYPE_CHECKING, Protocol

from bot import notices as n
from bot.clock import Clock
from bot.dateparse import parse_day_and_time
from bot.domain import NotWired, Person
from bot.geo import km_between
from bot.notices import Notice, to_person, to_team
from bot.phones import parse_phone
from bot.places.gazetteer import Gazetteer
from bot.places.model import COMMUNE, Place
from bot.ports import PeopleRepository, UnitOfWork
from bot.territories import DEFAULT_TERRITORY, Scope, Territories

if TYPE_CHECKING:
    from bot.services.volunteer_rides import YearFigures

MAX_TRIP_KM = 100.0
URBAN_UNIT_LIMIT = 12_000
URBAN_NEIGHBOUR_KM = 6.0
MAX_NAME = 80


class Benefit(enum.StrEnum):
    """The benefits of article R3133-1 that make a person eligible wherever they live."""

    CSS = "css"  # complémentaire santé solidaire (formerly CMU-C)
    RSA = "rsa"
    ASS = "ass"  # allocation de solidarité spécifique
    ASPA = "aspa"  # minimum vieillesse
    ASI = "asi"  # allocation supplémentaire d'invalidité
    AAH = "aah"  # allocation aux adultes handicapés
    ADA = "ada"  # allocation pour demandeur d'asile
    ATA = "ata"  # allocation temporaire d'attente
    VEUVAGE = "veuvage"  # allocation veuvage
    # Not a benefit but the third way in (R3133-1): resources under the ceiling of the
    # complémentaire santé solidaire, without receiving it (issue 24, item 3).
    RESSOURCES = "ressources"


# The same words in English.
BENEFIT_WORDS = {"resources": Benefit.RESSOURCES}


class Refusal(enum.StrEnum):
    NAME = "name"  # empty or too long
    UNKNOWN_PLACE = "unknown_place"  # not one commune (several, or none)
    NOT_ELIGIBLE = "not_eligible"  # lives in a large urban unit and declared no benefit
    UNKNOWN_BENEFIT = "unknown_benefit"
    UNKNOWN_MEMBER = "unknown_member"
    TOO_FAR = "too_far"  # more than 100 km
    ALREADY_MEMBER = "already_member"
    UNKNOWN_PERSON = "unknown_person"  # no person with that number
    LINKED_ELSEWHERE = "linked_elsewhere"  # the person is already another member


@dataclass(frozen=True)
class Member:
    id: int
    name: str
    phone: str | None
    commune_code: str
    commune_name: str
    eligible_by: str  # "residence" or "benefit"
    benefit: str | None
    joined_at: datetime
    # The person they are (issue 24, item 3), and the day the yearly fee was last paid.
    person_id: int | None = None
    fee_paid_on: date | None = None
    # The territory of the team that wrote them in the register (issue 22): theirs alone.
    territory: str = DEFAULT_TERRITORY

    def paid_until(self) -> date | None:
        """The last day the membership runs: a year after the fee was paid."""
        paid = self.fee_paid_on
        if paid is None:
            return None
        try:
            return paid.replace(year=paid.year + 1) - timedelta(days=1)
        except ValueError:  # paid on 29 February
            return date(paid.year + 1, 2, 28)


@dataclass(frozen=True)
class TusTrip:
    id: int
    member_id: int
    day: date
    origin: str
    destination: str
    km: float
    participation_cents: int


class TusRegister(Protocol):
    async def add_member(
        self,
        name: str,
        phone: str | None,
        commune: Place,
        eligible_by: str,
        benefit: str | None,
        now: datetime,
        operator_id: int,
        territory: str = DEFAULT_TERRITORY,
    ) -> Member: ...

    async def members(self) -> list[Member]: ...

    async def add_trip(
        self,
        member: Member,
        day: date,
        origin: str,
        destination: str,
        km: float,
        cents: int,
        now: datetime,
        operator_id: int,
    ) -> TusTrip: ...

    async def trips_in(self, year: int) -> list[TusTrip]: ...

    async def link(self, member_id: int, person_id: int | None) -> None: ...

    async def fee_paid(self, member_id: int, day: date) -> None: ...


@dataclass(frozen=True)
class Eligibility:
    eligible: bool
    by: str | None  # "residence" or "benefit"
    population: int
    urban_neighbour: Place | None  # the town whose urban unit it likely belongs to


@dataclass(frozen=True)
class Joined:
    name: str
    member: Member | None
    refusal: Refusal | None = None
    eligibility: Eligibility | None = None
    commune: Place | None = None


@dataclass(frozen=True)
class Recorded:
    trip: TusTrip | None
    member: Member | None = None
    refusal: Refusal | None = None
    km: float = 0.0
    eur_per_km: float = 0.0


@dataclass(frozen=True)
class Linked:
    member: Member | None
    person: Person | None = None
    refusal: Refusal | None = None
    other: Member | None = None  # the member the person already is


@dataclass(frozen=True)
class Paid:
    member: Member | None
    refusal: Refusal | None = None


def _phone(typed: str | None) -> str | None:
    return parse_phone(typed) if typed else None


@dataclass(frozen=True)
class YearReport:
    year: int
    members: list[Member]  # everyone in the register at the end of the year
    trips: list[TusTrip]
    eur_per_km: float
    # The rides volunteer drivers made and the volunteers (issue 24, item 5); None without.
    volunteers: YearFigures | None = None

    @property
    def beneficiaries(self) -> int:
        """Members carried (register) and people carried by volunteers (the register is not
        linked to people yet: one person in both counts twice)."""
        carried = len(self.volunteers.passengers) if self.volunteers else 0
        return len({trip.member_id for trip in self.trips}) + carried

    @property
    def trip_count(self) -> int:
        return len(self.trips) + (len(self.volunteers.rides) if self.volunteers else 0)

    @property
    def km(self) -> float:
        rides = self.volunteers.km if self.volunteers else 0.0
        return round(sum(trip.km for trip in self.trips) + rides, 1)

    @property
    def mean_km(self) -> float:
        return round(self.km / self.trip_count, 1) if self.trip_count else 0.0

    @property
    def participation_cents(self) -> int:
        rides = self.volunteers.participation_cents if self.volunteers else 0
        return sum(trip.participation_cents for trip in self.trips) + rides

    def by_month(self) -> list[tuple[int, int, float]]:
        """(month, trips, km) for each month of the year, the volunteers' rides included."""
        rides = self.volunteers.rides if self.volunteers else []
        rows = []
        for month in range(1, 13):
            trips = [t.km for t in self.trips if t.day.month == month]
            trips += [r.passenger_km for r in rides if r.ride_date.month == month]
            rows.append((month, len(trips), round(sum(trips), 1)))
        return rows


class TusService:
    def __init__(
        self,
        *,
        register: TusRegister,
        gazetteer: Gazetteer,
        clock: Clock,
        unit_of_work: UnitOfWork,
        eur_per_km: float | None,
        road_factor: float,
        volunteer_year: Callable[[int, Scope | None], Awaitable[YearFigures]] | None = None,
        people: PeopleRepository | None = None,
        territories: Territories | None = None,
    ) -> None:
        self._territories = territories
        self._people = people
        self._register = register
        self._gazetteer = gazetteer
        self._clock = clock
        self._uow = unit_of_work
        self.eur_per_km = eur_per_km
        self._road_factor = road_factor
        # The year's rides with volunteer drivers join the préfet's report (issue 24).
        self._volunteer_year = volunteer_year

    @property
    def enabled(self) -> bool:
        return self.eur_per_km is not None

    def rate_of(self, territory: str | None) -> float | None:
        """The rate per km in that territory (its own, else the deployment's)."""
        if self._territories is None:
            return self.eur_per_km
        return self._territories.tus_rate(territory, self.eur_per_km)

    async def _named(self, name: str, scope: Scope | None) -> Member | None:
        """The member of that name in the team's register (`scope`; None: the whole one)."""
        # Compared here, not in SQL: SQLite's lower() folds only ASCII ("Élodie" would be
        # found on PostgreSQL and not on SQLite).
        folded = " ".join(name.split()).lower()
        return next((m for m in await self.members(scope) if m.name.lower() == folded), None)

    def commune(self, text: str) -> Place | None:
        resolution = self._gazetteer.resolve(text)
        place = resolution.unique
        if place is None:
            communes = [m.place for m in resolution.exact if m.place.kind == COMMUNE]
            ours = [p for p in communes if p.department in self._gazetteer.territory_departments]
            # A homonym elsewhere in France: the territory's own commune is the one meant.
            place = communes[0] if len(communes) == 1 else ours[0] if len(ours) == 1 else None
        return place

    def eligibility(self, commune: Place, benefit: Benefit | None) -> Eligibility:
        population = commune.population
        neighbour = self._urban_neighbour(commune)
        by_residence = population < URBAN_UNIT_LIMIT and neighbour is None
        if by_residence:
            return Eligibility(True, "residence", population, None)
        if benefit is not None:
            return Eligibility(True, "benefit", population, neighbour)
        return Eligibility(False, None, population, neighbour)

    def _urban_neighbour(self, commune: Place) -> Place | None:
        if commune.population >= URBAN_UNIT_LIMIT:
            return commune
        for place in self._gazetteer:
            if (
                place.kind == COMMUNE
                and place.commune is None
                and place.population >= URBAN_UNIT_LIMIT
                and abs(place.lat - commune.lat) < 0.1
                and km_between(place.lat, place.lon, commune.lat, commune.lon) <= URBAN_NEIGHBOUR_KM
            ):
                return place
        return None

    async def join(
        self,
        operator: Person,
        name: str,
        commune_text: str,
        benefit_text: str,
        phone: str | None,
        scope: Scope | None = None,
    ) -> Joined:
        """A person joins the association's TUS, if they may: in the register of the team
        that writes them (`scope`, issue 22; None with a single territory)."""
        name = " ".join(name.split())
        if not name or len(name) > MAX_NAME:
            return Joined(name, None, Refusal.NAME)
        commune = self.commune(commune_text)
        if commune is None:
            return Joined(name, None, Refusal.UNKNOWN_PLACE)
        benefit: Benefit | None = None
        if benefit_text.strip():
            typed = benefit_text.strip().lower()
            try:
                benefit = BENEFIT_WORDS.get(typed) or Benefit(typed)
            except ValueError:
                return Joined(name, None, Refusal.UNKNOWN_BENEFIT, commune=commune)
        eligibility = self.eligibility(commune, benefit)
        if not eligibility.eligible:
            return Joined(name, None, Refusal.NOT_ELIGIBLE, eligibility, commune)
        async with self._uow.transaction():
            if await self._named(name, scope) is not None:
                return Joined(name, None, Refusal.ALREADY_MEMBER, eligibility, commune)
            member = await self._register.add_member(
                name,
                phone,
                commune,
                eligibility.by or "residence",
                benefit.value if benefit else None,
                self._clock.now(),
                operator.id,
                scope.territory if scope is not None else DEFAULT_TERRITORY,
            )
        return Joined(name, member, None, eligibility, commune)

    async def record_trip(
        self,
        operator: Person,
        name: str,
        origin_text: str,
        destination_text: str,
        day: date,
        scope: Scope | None = None,
    ) -> Recorded:
        """A member's trip: at most 100 km, the participation at the rate of the member's
        territory (the team's that registered them)."""
        member = await self._named(name, scope)
        rate = self.rate_of(member.territory if member is not None else None)
        if rate is None:
            raise NotWired("no rate per km is set for the TUS")
        if member is None:
            return Recorded(None, refusal=Refusal.UNKNOWN_MEMBER)
        origin, destination = self.commune(origin_text), self.commune(destination_text)
        if origin is None or destination is None:
            return Recorded(None, member, Refusal.UNKNOWN_PLACE)
        km = round(
            km_between(origin.lat, origin.lon, destination.lat, destination.lon)
            * self._road_factor,
            1,
        )
        if km > MAX_TRIP_KM:
            return Recorded(None, member, Refusal.TOO_FAR, km, rate)
        cents = round(km * rate * 100)
        async with self._uow.transaction():
            trip = await self._register.add_trip(
                member,
                day,
                origin.name,
                destination.name,
                km,
                cents,
                self._clock.now(),
                operator.id,
            )
        return Recorded(trip, member, None, km, rate)

    async def year_report(self, year: int, scope: Scope | None = None) -> YearReport:
        """The year's report: of one team's territory (`scope`), or of the whole register."""
        end = datetime(year + 1, 1, 1).date()
        members = [m for m in await self.members(scope) if m.joined_at.date() < end]
        volunteers = await self._volunteer_year(year, scope) if self._volunteer_year else None
        trips = await self._register.trips_in(year)
        if scope is not None:
            theirs = {m.id for m in await self.members(scope)}
            trips = [trip for trip in trips if trip.member_id in theirs]
        rate = self.rate_of(scope.territory) if scope is not None else self.eur_per_km
        return YearReport(year, members, trips, rate or 0, volunteers)

    async def members(self, scope: Scope | None = None) -> list[Member]:
        """The register: one team's members (`scope`), or everyone's."""
        members = await self._register.members()
        return [m for m in members if scope is None or scope.holds(m.territory)]

    # Members and the people they are (issue 24, item 3).

    async def link(self, name: str, person_text: str, scope: Scope | None = None) -> Linked:
        """The team says which person a member is (the person's number, as /benevoles and the
        team's posts show it)."""
        if self._people is None:
            raise NotWired("the TUS register has no people to link")
        member = await self._named(name, scope)
        if member is None:
            return Linked(None, refusal=Refusal.UNKNOWN_MEMBER)
        number = person_text.strip().lstrip("#n°").strip()
        person = await self._people.get(int(number)) if number.isdigit() else None
        another_teams = (
            person is not None
            and scope is not None
            and person.territory is not None
            and not scope.holds(person.territory)
        )
        if person is None or person.forgotten_at is not None or another_teams:
            # Another team's person is no one this team may name: unknown, as a wrong number.
            return Linked(member, refusal=Refusal.UNKNOWN_PERSON)
        async with self._uow.transaction():
            # Linked to another member of this team's register (another team's is theirs).
            other = next((m for m in await self.members(scope) if m.person_id == person.id), None)
            if other is not None and other.id != member.id:
                return Linked(member, person, Refusal.LINKED_ELSEWHERE, other)
            await self._register.link(member.id, person.id)
        return Linked(member, person)

    async def pay_fee(self, name: str, day: date, scope: Scope | None = None) -> Paid:
        """The member paid the year's fee on that day: the membership runs a year."""
        member = await self._named(name, scope)
        if member is None:
            return Paid(None, Refusal.UNKNOWN_MEMBER)
        async with self._uow.transaction():
            await self._register.fee_paid(member.id, day)
        return Paid(await self._named(member.name, scope))

    async def membership(self, person: Person, scope: Scope | None = None) -> Member | None:
        """The member this person is (of one team's association, `scope`): linked before,
        or found by their phone or, failing that, their exact name (then linked, once)."""
        # A person may be a member of several teams' associations: only this one's counts.
        register = await self.members(scope)
        linked = next((m for m in register if m.person_id == person.id), None)
        if linked is not None:
            return linked
        members = [m for m in register if m.person_id is None]
        found = [m for m in members if person.phone and _phone(m.phone) == person.phone]
        if not found:
            name = " ".join(person.display_name.split()).lower()
            found = [m for m in members if m.name.lower() == name]
        if len(found) != 1:
            return None
        await self._register.link(found[0].id, person.id)
        return replace(found[0], person_id=person.id)

    async def ride_asked(
        self, passenger: Person, day: date, volunteer_territory: str | None = None
    ) -> list[Notice]:
        """A person asks a volunteer for a ride: an association that keeps its register
        hears of someone who is not a member, or whose membership ran out by that day, and
        the person is asked kindly to join or renew (the ride is asked all the same). With
        several territories, the association is the volunteer's (`volunteer_territory`): a
        member of another team's association is not one of its own."""
        scope = (
            self._territories.scope(volunteer_territory)
            if self._territories is not None
            and self._territories.several
            and volunteer_territory is not None
            else None
        )
        if not self.enabled or not await self.members(scope):
            return []
        told = scope.territory if scope is not None else None
        member = await self.membership(passenger, scope)
        if member is None:
            return [
                to_team(n.MemberUnknownTeam(passenger), territory=told),
                to_person(passenger, n.MemberJoinPassenger()),
            ]
        until = member.paid_until()
        if until is not None and until >= day:
            return []
        team = (
            n.MemberRenewTeam(passenger, member.id, member.name, until)
            if until is not None
            else n.MemberNoFeeTeam(passenger, member.id, member.name)
        )
        return [to_team(team, territory=told), to_person(passenger, n.MemberRenewPassenger())]


# What the team types after /tus, read the same on every channel.


class Action(enum.StrEnum):
    MEMBER = "member"
    TRIP = "trip"
    REGISTER = "register"
    REPORT = "report"
    LINK = "link"
    FEE = "fee"
    HELP = "help"  # nothing, or words that are none of the above: how to use it


WORDS = {
    "adherent": Action.MEMBER, "adhérent": Action.MEMBER, "adherente": Action.MEMBER,
    "member": Action.MEMBER,
    "trajet": Action.TRIP, "trip": Action.TRIP,
    "registre": Action.REGISTER, "register": Action.REGISTER,
    "rapport": Action.REPORT, "report": Action.REPORT,
    "lier": Action.LINK, "link": Action.LINK,
    "cotisation": Action.FEE, "fee": Action.FEE,
}  # fmt: skip
# The fields a member and a trip need at least (the others may be left out).
LEAST_FIELDS = {Action.MEMBER: 2, Action.TRIP: 3, Action.LINK: 2, Action.FEE: 1}


@dataclass(frozen=True)
class Command:
    """/tus read: what to do, with what.

    `fields`: a member's name ; commune ; benefit ; phone, or a trip's member ; origin ;
    destination ; day, as typed (trimmed). `day`: the trip's day (today unless given);
    None with `unread_day` set when the day typed could not be read. `year`: the report's."""

    action: Action
    fields: tuple[str, ...] = ()
    day: date | None = None
    unread_day: str | None = None
    year: int | None = None

    def field(self, index: int) -> str:
        return self.fields[index] if index < len(self.fields) else ""


def read_command(typed: str, today: date) -> Command:
    """ "adherent Odette Vialard ; Cajarc ; ; 05 65 11 22 33", "trajet Odette Vialard ;
    Cajarc ; Figeac ; 20/11", "registre", "rapport 2026" (English words too)."""
    word, _, rest = typed.strip().partition(" ")
    action = WORDS.get(word.lower(), Action.HELP)
    fields = tuple(part.strip() for part in rest.split(";"))
    if len(fields) < LEAST_FIELDS.get(action, 0):
        return Command(Action.HELP)
    if action in (Action.MEMBER, Action.LINK):
        return Command(action, fields)
    if action is Action.FEE:
        return _fee(fields, today)
    if action is Action.TRIP:
        return _trip(fields, today)
    if action is Action.REPORT:
        year_text = rest.strip()
        year = int(year_text) if year_text.isdigit() and len(year_text) == 4 else today.year - 1
        return Command(action, year=year)
    return Command(action)


def _trip(fields: tuple[str, ...], today: date) -> Command:
    day_text = fields[3] if len(fields) > 3 else ""
    if not day_text:
        return Command(Action.TRIP, fields, day=today)
    parsed = parse_day_and_time(day_text, today)
    if parsed is None:
        return Command(Action.TRIP, fields, unread_day=day_text)
    day = parsed[0]
    if day > today + timedelta(days=7):
        # "20/11" said on the 23rd is the trip just made, not next year's date.
        day = date(day.year - 1, day.month, min(day.day, 28 if day.month == 2 else 31))
    return Command(Action.TRIP, fields, day=day)


def _fee(fields: tuple[str, ...], today: date) -> Command:
    """ "cotisation Odette Vialard ; 02/11": paid that day (today unless said; never later)."""
    day_text = fields[1] if len(fields) > 1 else ""
    if not day_text:
        return Command(Action.FEE, fields, day=today)
    parsed = parse_day_and_time(day_text, today)
    if parsed is None:
        return Command(Action.FEE, fields, unread_day=day_text)
    day = parsed[0]
    if day > today:
        day = date(day.year - 1, day.month, min(day.day, 28 if day.month == 2 else 31))
    return Command(Action.FEE, fields, day=day)
