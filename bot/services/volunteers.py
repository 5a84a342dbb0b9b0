"""Volunteer drivers of an association (issue 24, items 1 and 2).

A volunteer declares when they can drive (weekdays × morning, afternoon, evening; "not in
August") and how far from home (a radius in km): the conversation is
bot/conversations/volunteer.py. A need is matched against these availabilities as well as
against trips (`candidates`, asked by bot/services/needs.py): a volunteer free that half-day,
whose home is within their radius of the passenger, whose file the team checked and whose
insurance still covers the ride's day, is offered to the passenger like a driver. The ride
counted is the whole one: home → passenger → destination → passenger → home; the allowance
is that distance at `TUS_EUR_PER_KM`.

Asking a volunteer is asking a driver: the same introductions (bot/services/introductions.py),
the same answers, deadline, next candidate on a decline, the team when nobody is left. One ride a
day: a volunteer who already accepted one that day is not offered again. An
introduction points to a trip: each volunteer has one standing row in `trips`, stored
'deleted' so that no search, listing or index ever takes it for a trip (storage/volunteers.py).

The file (licence seen, insurance and its expiry, vehicle) is the team's: written and checked
in the operators' group by a named member on a date, and a reminder goes to the team a month
before the insurance ends (the agenda: Kind.VOLUNTEER_INSURANCE).
"""

from __future__ import annotations

import enum
import re
from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta
from typing import Any, Protocol

from pydantic import BaseModel, ValidationError, field_validator

from bot import notices as n
from bot.agenda import AgendaEntry, Calendar, Due, Kind, Outcome
from bot.clock import Clock
from bot.domain import InvalidInput, Need, Person, PlaceRef, SpecialNeed, Weekday
from bot.matching import Leg, Match, MatchingParams, Point, TimeMode, minutes, road_km
from bot.notices import Notice, to_team
from bot.ports import (
    Agenda,
    IntroductionRepository,
    PeopleRepository,
    TripRepository,
    UnitOfWork,
)
from bot.services.candidates import Candidate
from bot.services.territories import Belonging
from bot.understand import fold

# The parts of a day, as in Mobicoop's solidarity module: morning until noon, afternoon until
# 19:00, evening after.
NOON, SEVEN_PM = time(12, 0), time(19, 0)
RADII = (10, 25, 50)
MAX_RADIUS = 200
# The team is reminded this long before an insurance ends.
INSURANCE_NOTICE = timedelta(days=30)


class Part(enum.IntEnum):
    MORNING = 0
    AFTERNOON = 1
    EVENING = 2


# The choices of the conversation: which parts of the day.
PART_CHOICES: dict[str, frozenset[Part]] = {
    "m": frozenset({Part.MORNING}),
    "a": frozenset({Part.AFTERNOON}),
    "e": frozenset({Part.EVENING}),
    "ma": frozenset({Part.MORNING, Part.AFTERNOON}),
    "ae": frozenset({Part.AFTERNOON, Part.EVENING}),
    "me": frozenset({Part.MORNING, Part.EVENING}),
    "mae": frozenset(Part),
}
# The ones offered as buttons (the others are said in words: "l'après-midi et le soir").
PART_BUTTONS = ("m", "a", "e", "ma", "mae")


def part_of(moment: time) -> Part:
    if moment < NOON:
        return Part.MORNING
    return Part.AFTERNOON if moment < SEVEN_PM else Part.EVENING


def slots_of(days: frozenset[int], parts: frozenset[Part]) -> int:
    return sum(1 << (3 * day + part) for day in days for part in parts)


def slot_days(slots: int) -> frozenset[int]:
    return frozenset(day for day in range(7) if (slots >> (3 * day)) & 0b111)


def slot_parts(slots: int) -> frozenset[Part]:
    return frozenset(p for p in Part if any((slots >> (3 * d + p)) & 1 for d in range(7)))


def parts_code(parts: frozenset[Part]) -> str:
    """The code of these parts of the day, a key of PART_CHOICES ("ma")."""
    code = "".join(c for c, p in zip("mae", Part, strict=True) if p in parts)
    return code if code in PART_CHOICES else "mae"


class VolunteerDraft(BaseModel):
    """What the volunteer said so far."""

    origin: PlaceRef | None = None  # their home (the engine's place step)
    weekdays: frozenset[Weekday] = frozenset()
    parts: str | None = None  # a key of PART_CHOICES
    radius_km: int | None = None
    not_in_august: bool | None = None

    @field_validator("radius_km")
    @classmethod
    def _radius(cls, value: int | None) -> int | None:
        if value is not None and not 1 <= value <= MAX_RADIUS:
            raise ValueError("radius")
        return value

    @field_validator("parts")
    @classmethod
    def _parts(cls, value: str | None) -> str | None:
        if value is not None and value not in PART_CHOICES:
            raise ValueError("parts")
        return value

    def with_(self, **changes: Any) -> VolunteerDraft:
        try:
            return VolunteerDraft.model_validate({**self.model_dump(), **changes})
        except ValidationError as error:
            raise InvalidInput.from_validation(error) from None

    @property
    def missing(self) -> list[str]:
        missing = ["origin"] if self.origin is None else []
        missing += ["days"] if not self.weekdays else []
        missing += ["parts"] if self.parts is None else []
        missing += ["radius"] if self.radius_km is None else []
        missing += ["august"] if self.not_in_august is None else []
        return missing


@dataclass(frozen=True)
class Availability:
    home: PlaceRef
    radius_km: int
    slots: int
    not_in_august: bool


@dataclass(frozen=True)
class VolunteerFile:
    """What the team wrote of the volunteer: their licence seen, their insurance's end, their
    vehicle."""

    licence_seen: bool
    insurance_until: date
    seats: int
    wheelchair: bool
    walking_frame: bool
    pets: bool


@dataclass(frozen=True)
class FileChange:
    """What one /fiche says: only the fields written; the others stay as the file had them
    (a first file needs the licence and the insurance; seats 1 and "no" for the rest)."""

    licence_seen: bool | None = None
    insurance_until: date | None = None
    seats: int | None = None
    wheelchair: bool | None = None
    walking_frame: bool | None = None
    pets: bool | None = None

    def on(self, file: VolunteerFile | None) -> VolunteerFile | None:
        """The file once changed; None for a first file without licence or insurance."""
        licence = self.licence_seen
        until = self.insurance_until
        if file is not None:
            licence = file.licence_seen if licence is None else licence
            until = file.insurance_until if until is None else until
        if licence is None or until is None:
            return None

        def kept(said: bool | None, was: bool) -> bool:
            return was if said is None else said

        return VolunteerFile(
            licence_seen=licence,
            insurance_until=until,
            seats=self.seats or (file.seats if file is not None else 1),
            wheelchair=kept(self.wheelchair, file is not None and file.wheelchair),
            walking_frame=kept(self.walking_frame, file is not None and file.walking_frame),
            pets=kept(self.pets, file is not None and file.pets),
        )


@dataclass(frozen=True)
class Volunteer:
    person_id: int
    availability: Availability
    trip_id: int
    file: VolunteerFile | None = None
    checked_on: date | None = None
    checked_by: str | None = None

    def may_drive_on(self, day: date) -> bool:
        """The file was checked, the licence seen, the insurance still runs that day."""
        file = self.file
        return (
            file is not None
            and self.checked_on is not None
            and file.licence_seen
            and file.insurance_until >= day
        )

    def carries(self, needs: frozenset[SpecialNeed]) -> bool:
        """Their vehicle has room for what the passenger needs: a wheelchair, a walking
        frame, a pet (as the team wrote it in the file)."""
        file = self.file
        if file is None:
            return False
        return (
            (SpecialNeed.WHEELCHAIR not in needs or file.wheelchair)
            and (SpecialNeed.WALKING_HELP not in needs or file.walking_frame)
            and (SpecialNeed.PET not in needs or file.pets)
        )


class VolunteerRepository(Protocol):
    async def get(self, person_id: int) -> Volunteer | None: ...

    async def all(self) -> list[Volunteer]: ...

    async def save_availability(
        self, person_id: int, availability: Availability, now: datetime
    ) -> Volunteer: ...

    async def save_file(self, person_id: int, file: VolunteerFile, now: datetime) -> None: ...

    async def checked(self, person_id: int, on: date, by: str, now: datetime) -> None: ...


@dataclass(frozen=True)
class VolunteerCandidate(Candidate):
    """A volunteer who can drive the passenger: the whole ride from home and back, and the
    allowance for it."""

    km: int = 0
    allowance_cents: int = 0
    paid: bool = True  # False without a rate per km (TUS_EUR_PER_KM)


@dataclass(frozen=True)
class Saved:
    volunteer: Volunteer
    notices: list[Notice] = field(default_factory=list)


class FileResult(enum.StrEnum):
    SAVED = "saved"
    CHECKED = "checked"
    UNKNOWN = "unknown"  # no volunteer with that number
    NO_FILE = "no_file"  # checked before anything was written
    INCOMPLETE = "incomplete"  # a first file without the licence or the insurance


@dataclass(frozen=True)
class FileAnswer:
    result: FileResult
    volunteer: Volunteer | None = None
    person: Person | None = None


@dataclass(frozen=True)
class Listed:
    volunteer: Volunteer
    person: Person


class VolunteerService:
    def __init__(
        self,
        *,
        volunteers: VolunteerRepository,
        people: PeopleRepository,
        trips: TripRepository,
        introductions: IntroductionRepository,
        params: MatchingParams,
        eur_per_km: float | None,
        clock: Clock,
        calendar: Calendar,
        agenda: Agenda,
        unit_of_work: UnitOfWork,
        reminder_hour: int,
        belonging: Belonging | None = None,
    ) -> None:
        self._belonging = belonging
        self._volunteers = volunteers
        self._people = people
        self._trips = trips
        self._introductions = introductions
        self._params = params
        self._default_rate = eur_per_km
        self._eur_per_km = eur_per_km or 0.0
        self.paid = eur_per_km is not None
        self._clock = clock
        self._calendar = calendar
        self._agenda = agenda
        self._uow = unit_of_work
        self._reminder_hour = reminder_hour

    # The volunteer's side.

    async def get(self, person_id: int) -> Volunteer | None:
        return await self._volunteers.get(person_id)

    async def declare(self, person: Person, draft: VolunteerDraft) -> Saved:
        """Their availability, kept (again); the team hears of a new volunteer to check."""
        if draft.missing or not (draft.origin and draft.parts and draft.radius_km is not None):
            raise InvalidInput(next(iter(draft.missing), "draft"), "missing")
        availability = Availability(
            home=draft.origin,
            radius_km=draft.radius_km,
            slots=slots_of(frozenset(int(d) for d in draft.weekdays), PART_CHOICES[draft.parts]),
            not_in_august=bool(draft.not_in_august),
        )
        async with self._uow.transaction():
            before = await self._volunteers.get(person.id)
            volunteer = await self._volunteers.save_availability(
                person.id, availability, self._clock.now()
            )
            territory = None
            if self._belonging is not None:  # their home tells where they belong (issue 22)
                territory = await self._belonging.home_known(
                    person.id, volunteer.trip_id, availability.home
                )
        notices = (
            []
            if before is not None
            else [
                to_team(
                    n.VolunteerNewTeam(
                        person,
                        availability.home.name,
                        availability.slots,
                        availability.radius_km,
                        availability.not_in_august,
                    ),
                    territory=territory,
                )
            ]
        )
        return Saved(volunteer, notices)

    # The team's side.

    async def listing(self) -> list[Listed]:
        listed = []
        for volunteer in await self._volunteers.all():
            person = await self._people.get(volunteer.person_id)
            if person is not None and person.forgotten_at is None:
                listed.append(Listed(volunteer, person))
        return listed

    async def write_file(self, person_id: int, written: VolunteerFile | FileChange) -> FileAnswer:
        """The team writes (or corrects) the file: what a /fiche does not say stays as it
        was; it must be checked again after that; the reminder before the insurance ends is
        scheduled (moved, for a new date)."""
        now = self._clock.now()
        async with self._uow.transaction():
            volunteer = await self._volunteers.get(person_id)
            person = await self._people.get(person_id)
            if volunteer is None or person is None:
                return FileAnswer(FileResult.UNKNOWN)
            if isinstance(written, FileChange):
                changed = written.on(volunteer.file)
                if changed is None:
                    return FileAnswer(FileResult.INCOMPLETE, volunteer, person)
                file = changed
            else:
                file = written
            await self._volunteers.save_file(person_id, file, now)
            remind_on = file.insurance_until - INSURANCE_NOTICE
            at = max(self._calendar.at(remind_on, self._reminder_hour), now)
            if file.insurance_until >= self._calendar.today(now):
                await self._agenda.schedule([Due(Kind.VOLUNTEER_INSURANCE, person_id, at)], now)
            volunteer = await self._volunteers.get(person_id)
        return FileAnswer(FileResult.SAVED, volunteer, person)

    async def check(self, person_id: int, operator: Person) -> FileAnswer:
        """A member of the team says the file is right: checked today, by them."""
        now = self._clock.now()
        async with self._uow.transaction():
            volunteer = await self._volunteers.get(person_id)
            person = await self._people.get(person_id)
            if volunteer is None or person is None:
                return FileAnswer(FileResult.UNKNOWN)
            if volunteer.file is None:
                return FileAnswer(FileResult.NO_FILE, volunteer, person)
            today = self._calendar.today(now)
            await self._volunteers.checked(person_id, today, operator.display_name, now)
            volunteer = await self._volunteers.get(person_id)
        return FileAnswer(FileResult.CHECKED, volunteer, person)

    async def insurance_reminder(self, entry: AgendaEntry) -> tuple[Outcome, list[Notice]]:
        """A month before the insurance ends: a word to the team (nothing if the volunteer
        is gone, or a later date was written since)."""
        volunteer = await self._volunteers.get(entry.subject_id)
        person = await self._people.get(entry.subject_id)
        if volunteer is None or volunteer.file is None or person is None:
            return Outcome.SKIPPED, []
        until = volunteer.file.insurance_until
        today = self._calendar.today(self._clock.now())
        if until - INSURANCE_NOTICE > today or until < today:
            return Outcome.SKIPPED, []
        return Outcome.SENT, [to_team(n.VolunteerInsuranceDue(person, until))]

    # Matching.

    async def candidates(self, need: Need, excluded: frozenset[int]) -> list[VolunteerCandidate]:
        """The volunteers who can drive this one-off need: free that half-day, not in
        August if they said so, home within their radius of the passenger, file checked and
        insurance running that day, room in the vehicle for a wheelchair, a walking frame or
        a pet if the passenger needs it. Nearest first."""
        day = need.travel_date
        if day is None or need.prescribed:  # the health insurance pays for that one
            return []
        origin = Point(need.origin.lat, need.origin.lon)
        destination = Point(need.destination.lat, need.destination.lon)
        params = self._params
        leg_km = road_km(origin, destination, params)
        ride_minutes = minutes(leg_km, params)
        if need.time_mode is TimeMode.ARRIVE_BEFORE:
            dropoff = need.at
            pickup = _minus(need.at, ride_minutes)
        else:
            pickup = need.at
            dropoff = _minus(need.at, -ride_minutes)
        slot = 1 << (3 * day.weekday() + part_of(pickup))
        found: list[tuple[float, VolunteerCandidate]] = []
        for volunteer in await self._volunteers.all():
            available = volunteer.availability
            if volunteer.person_id in excluded or volunteer.person_id == need.person_id:
                continue
            if not available.slots & slot or (available.not_in_august and day.month == 8):
                continue
            if not volunteer.may_drive_on(day) or not volunteer.carries(need.special_needs):
                continue
            home = Point(available.home.lat, available.home.lon)
            to_passenger = road_km(home, origin, params)
            if to_passenger > available.radius_km:
                continue
            taken = await self._introductions.seats_taken([volunteer.trip_id], day)
            if volunteer.trip_id in taken and taken[volunteer.trip_id].on(day) > 0:
                continue  # one ride a day: already driving someone that day
            driver = await self._people.get(volunteer.person_id)
            trip = await self._trips.get(volunteer.trip_id)
            if driver is None or trip is None or driver.forgotten_at is not None:
                continue
            km = round(2 * to_passenger + 2 * leg_km)
            match = Match(
                trip_id=trip.id,
                driver_id=driver.id,
                leg=Leg.OUTBOUND,
                weekdays=frozenset({day.weekday()}),
                pickup=pickup,
                dropoff=dropoff,
                extra_minutes=minutes(km, params),
                time_gap_minutes=0.0,
            )
            # At the rate of the volunteer's territory, the association whose team follows
            # them pays it (issue 22), whichever team follows the passenger.
            rate = self._rate_of(driver.territory)
            cents = round(km * rate * 100)
            candidate = VolunteerCandidate(
                match, trip, driver, km=km, allowance_cents=cents, paid=self.paid
            )
            found.append((to_passenger, candidate))
        return [candidate for _, candidate in sorted(found, key=lambda pair: pair[0])]

    def _rate_of(self, territory: str | None) -> float:
        if self._belonging is None:
            return self._eur_per_km
        return self._belonging.territories.tus_rate(territory, self._default_rate) or 0.0

    def allowance(self, candidate: Candidate) -> tuple[int, int] | None:
        """(km, cents) for a volunteer's ride; None for a driver's trip."""
        if isinstance(candidate, VolunteerCandidate):
            return candidate.km, candidate.allowance_cents
        return None


def _minus(at: time, spent: float) -> time:
    moment = datetime.combine(date(2000, 1, 3), at) - timedelta(minutes=round(spent))
    if moment.date() != date(2000, 1, 3):
        return time(0, 0) if spent > 0 else time(23, 59)
    return moment.time()


# The team's words for a file: "/fiche 12 permis oui assurance 31/12/2027 places 3 fauteuil
# non deambulateur oui animaux non" (English: licence, insurance, seats, wheelchair, frame,
# pets). Read here, in the core, like the TUS commands.

_FIELD_WORDS = {
    "permis": "licence", "licence": "licence", "license": "licence",
    "assurance": "insurance", "insurance": "insurance", "assure": "insurance",
    "places": "seats", "place": "seats", "seats": "seats", "sieges": "seats",
    "fauteuil": "wheelchair", "wheelchair": "wheelchair",
    "deambulateur": "frame", "frame": "frame", "rollator": "frame",
    "animaux": "pets", "animal": "pets", "pets": "pets", "chien": "pets",
}  # fmt: skip
_YES = {"oui", "yes", "o", "y", "ok", "vu", "seen"}
_NO = {"non", "no", "n"}


class FileProblem(enum.StrEnum):
    NUMBER = "number"  # no volunteer number first
    DATE = "date"  # the insurance's end unreadable
    MISSING = "missing"  # the licence or the insurance not said
    WORD = "word"  # a word that is none of the fields
    SEATS = "seats"  # a number of seats out of 1 to 8


@dataclass(frozen=True)
class FileCommand:
    person_id: int | None
    file: FileChange | None = None
    problem: FileProblem | None = None
    word: str = ""


def read_file_command(typed: str) -> FileCommand:
    """What follows /fiche: the volunteer's number, then the fields in any order (only those
    that change); with the number alone, the file is only shown."""
    words = typed.replace(";", " ").replace(",", " ").split()
    if not words or not words[0].lstrip("#").isdigit():
        return FileCommand(None, problem=FileProblem.NUMBER)
    person_id = int(words[0].lstrip("#"))
    if len(words) == 1:
        return FileCommand(person_id)
    values: dict[str, str] = {}
    rest = words[1:]
    i = 0
    while i < len(rest):
        name = _FIELD_WORDS.get(_fold_word(rest[i]))
        if name is None or i + 1 >= len(rest):
            return FileCommand(person_id, problem=FileProblem.WORD, word=rest[i])
        values[name] = rest[i + 1]
        i += 2
    until = None
    if "insurance" in values:
        until = _read_date(values["insurance"])
        if until is None:
            return FileCommand(person_id, problem=FileProblem.DATE, word=values["insurance"])
    flags: dict[str, bool | None] = {}
    for name in ("licence", "wheelchair", "frame", "pets"):
        if name not in values:
            flags[name] = None  # not said: stays as the file has it
            continue
        said = _fold_word(values[name])
        if said not in _YES | _NO:
            return FileCommand(person_id, problem=FileProblem.WORD, word=values[name])
        flags[name] = said in _YES
    seats_text = values.get("seats")
    if seats_text is not None and (not seats_text.isdigit() or not 1 <= int(seats_text) <= 8):
        return FileCommand(person_id, problem=FileProblem.SEATS, word=seats_text)
    file = FileChange(
        licence_seen=flags["licence"],
        insurance_until=until,
        seats=int(seats_text) if seats_text is not None else None,
        wheelchair=flags["wheelchair"],
        walking_frame=flags["frame"],
        pets=flags["pets"],
    )
    return FileCommand(person_id, file)


def _fold_word(word: str) -> str:
    return fold(word)


def _read_date(text: str) -> date | None:
    """ "31/12/2027", "31-12-2027", "2027-12-31", "31/12/27"."""
    found = re.fullmatch(r"(\d{4})-(\d{1,2})-(\d{1,2})", text)
    if found:
        year, month, day = (int(g) for g in found.groups())
    else:
        found = re.fullmatch(r"(\d{1,2})[/.-](\d{1,2})[/.-](\d{2}|\d{4})", text)
        if not found:
            return None
        day, month, year = (int(g) for g in found.groups())
        year += 2000 if year < 100 else 0
    try:
        return date(year, month, day)
    except ValueError:
        return None
