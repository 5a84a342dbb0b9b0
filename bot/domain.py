"""Domain models of Mobilot (pydantic), free of any messaging platform."""

from __future__ import annotations

import datetime as dt
import enum
from dataclasses import dataclass
from datetime import date, datetime, time
from typing import Annotated, Any, Self

from pydantic import (
    BaseModel,
    ConfigDict,
    Field,
    StringConstraints,
    ValidationError,
    field_validator,
    model_validator,
)
from pydantic_core import PydanticCustomError

from bot.matching import TimeMode
from bot.phones import parse_phone
from bot.settings import Language
from bot.territories import DEFAULT_TERRITORY

MAX_SEATS = 8
MAX_NOTE_LENGTH = 300
MAX_NAME_LENGTH = 80


class Weekday(enum.IntEnum):
    MONDAY = 0
    TUESDAY = 1
    WEDNESDAY = 2
    THURSDAY = 3
    FRIDAY = 4
    SATURDAY = 5
    SUNDAY = 6


WORKING_DAYS = frozenset(Weekday(d) for d in range(5))


class TripStatus(enum.StrEnum):
    ACTIVE = "active"
    PAUSED = "paused"
    DELETED = "deleted"
    EXPIRED = "expired"  # a one-off trip whose day is over


# A trip in these states is gone for good: neither offered nor changed any more.
ENDED_TRIP_STATUSES = frozenset({TripStatus.DELETED, TripStatus.EXPIRED})


class PlaceRef(BaseModel):
    """A place as stored with a trip: the gazetteer id and a snapshot of what was chosen.

    The snapshot (name, point) is kept so that a trip still reads right if the gazetteer
    changes, and so that a shared location keeps its exact point.
    """

    model_config = ConfigDict(frozen=True)

    id: str
    name: str
    department: str = ""
    lat: float = Field(ge=-90, le=90)
    lon: float = Field(ge=-180, le=180)


class Person(BaseModel):
    """Someone the service knows: on Telegram or not (operators register people who phone)."""

    model_config = ConfigDict(frozen=True)

    id: int
    display_name: str
    telegram_user_id: int | None = None
    telegram_username: str | None = None
    phone: str | None = None
    phone_visible: bool = False
    language: Language = "fr"
    privacy_accepted_at: datetime | None = None
    phone_consent_at: datetime | None = None
    registered_by: int | None = None
    created_at: datetime
    # Telegram refused to deliver to them (they blocked the bot): the team phones instead.
    unreachable_at: datetime | None = None
    last_seen_at: datetime | None = None
    forgotten_at: datetime | None = None
    # The team suspended them: no more matches until it is lifted.
    suspended_at: datetime | None = None
    # Reached by SMS at `phone` since they agreed (by text, or told the team: `sms_consent_by`);
    # they texted STOP (nothing is sent by SMS until START).
    sms_since: datetime | None = None
    sms_consent_by: int | None = None
    sms_stopped_at: datetime | None = None
    # Where they belong (bot/territories.py); None until their first need or trip says.
    territory: str | None = None

    @property
    def has_channel(self) -> bool:
        """Reached on a channel of their own (Telegram, SMS), not only by the team's calls."""
        return self.telegram_user_id is not None or self.by_sms

    @property
    def by_sms(self) -> bool:
        """Written to by SMS (Telegram first, for someone on both)."""
        return self.telegram_user_id is None and self.sms_since is not None and bool(self.phone)

    @property
    def reachable(self) -> bool:
        """Whether a message to them on their channel can arrive."""
        if self.unreachable_at is not None:
            return False
        if self.telegram_user_id is not None:
            return True
        return self.by_sms and self.sms_stopped_at is None

    @property
    def short_name(self) -> str:
        """First name and initial, what others see before an introduction is accepted."""
        parts = self.display_name.split()
        if len(parts) < 2:
            return self.display_name
        return f"{parts[0]} {parts[1][0].upper()}."


class TelegramIdentity(BaseModel):
    """What a chat platform says of its user; the name keeps the one platform we speak now."""

    user_id: int
    first_name: str
    last_name: str | None = None
    username: str | None = None
    language_code: str | None = None

    @property
    def display_name(self) -> str:
        name = " ".join(p for p in (self.first_name, self.last_name) if p).strip()
        return name[:MAX_NAME_LENGTH] or str(self.user_id)


Seats = Annotated[int, Field(ge=1, le=MAX_SEATS)]
Note = Annotated[str, StringConstraints(strip_whitespace=True, max_length=MAX_NOTE_LENGTH)]


class TripDraft(BaseModel):
    """A trip being registered, step by step; every change is validated.

    A regular trip runs on `weekdays`; a one-off trip (`one_off`) on its `date` only.
    `today` guards against a date in the past.
    """

    model_config = ConfigDict(frozen=True)

    origin: PlaceRef | None = None
    destination: PlaceRef | None = None
    one_off: bool | None = None  # None: not asked yet
    weekdays: frozenset[Weekday] = frozenset()
    date: dt.date | None = None
    departure: time | None = None
    return_time: time | None = None
    seats: Seats | None = None
    note: Note | None = None
    today: dt.date | None = None
    now: time | None = None  # the local time now, given with `today`

    @field_validator("note")
    @classmethod
    def _empty_note_is_none(cls, value: str | None) -> str | None:
        return value or None

    @model_validator(mode="after")
    def _coherent(self) -> Self:
        if self.origin and self.destination and _same_place(self.origin, self.destination):
            raise PydanticCustomError("same_place", "destination equals origin")
        if self.departure and self.return_time and self.return_time <= self.departure:
            raise PydanticCustomError("return_before_departure", "return must be later")
        if self.date and self.today and self.date < self.today:
            raise PydanticCustomError("date_in_past", "the date has passed")
        if (
            self.one_off
            and self.date is not None
            and self.date == self.today
            and self.now is not None
            and self.departure is not None
            and self.departure <= self.now
        ):
            raise PydanticCustomError("departure_passed", "that time has passed today")
        return self

    def with_(self, **changes: Any) -> TripDraft:
        """A copy with `changes`, validated; raises InvalidInput with a reason code."""
        try:
            return TripDraft.model_validate({**self.model_dump(), **changes})
        except ValidationError as error:
            raise InvalidInput.from_validation(error) from None

    @property
    def missing(self) -> list[str]:
        missing = [name for name in ("origin", "destination") if not getattr(self, name)]
        if self.one_off is None:
            missing.append("one_off")
        elif self.one_off and self.date is None:
            missing.append("date")
        elif not self.one_off and not self.weekdays:
            missing.append("weekdays")
        missing += [name for name in ("departure", "seats") if not getattr(self, name)]
        return missing

    def complete(self) -> NewTrip:
        if self.missing or not (self.origin and self.destination and self.departure and self.seats):
            raise InvalidInput(next(iter(self.missing), "draft"), "missing")
        return NewTrip(
            origin=self.origin,
            destination=self.destination,
            weekdays=self.weekdays if not self.one_off else frozenset(),
            date=self.date if self.one_off else None,
            departure=self.departure,
            return_time=self.return_time,
            seats=self.seats,
            note=self.note,
        )


def _same_place(a: PlaceRef, b: PlaceRef) -> bool:
    return a.id == b.id or (abs(a.lat - b.lat) < 1e-4 and abs(a.lon - b.lon) < 1e-4)


class NewTrip(BaseModel):
    """A trip as offered: regular (on `weekdays`, every week) or one-off (on `date` only;
    its `weekdays` are then the one weekday of that date, filled in)."""

    model_config = ConfigDict(frozen=True)

    origin: PlaceRef
    destination: PlaceRef
    weekdays: frozenset[Weekday] = frozenset()
    date: dt.date | None = None  # a one-off trip; None for a regular one
    departure: time
    return_time: time | None = None
    seats: Seats
    note: Note | None = None

    @model_validator(mode="after")
    def _days(self) -> Self:
        if self.date is not None:
            if self.weekdays and self.weekdays != {Weekday(self.date.weekday())}:
                raise PydanticCustomError("weekday_of_date", "weekdays must be the date's")
            object.__setattr__(self, "weekdays", frozenset({Weekday(self.date.weekday())}))
        elif not self.weekdays:
            raise PydanticCustomError("no_weekdays", "a regular trip needs weekdays")
        return self

    @property
    def one_off(self) -> bool:
        return self.date is not None


class Trip(NewTrip):
    id: int
    driver_id: int
    status: TripStatus
    created_at: datetime
    updated_at: datetime
    territory: str = DEFAULT_TERRITORY

    @property
    def ended(self) -> bool:
        """Deleted by its driver, or a one-off trip whose day is over."""
        return self.status in ENDED_TRIP_STATUSES


class Missing(LookupError):
    """What the code has every reason to find is not there (a row it has just written, the
    need an introduction names, the person a text came from): the storage broke its word,
    not a person's mistake."""


class NotWired(RuntimeError):
    """A part this way of running needs was not given: a setting, a service, the job queue."""


class InvalidInput(ValueError):
    """A value a person gave that the domain refuses; `reason` is a stable code to translate."""

    def __init__(self, field: str, reason: str, **details: Any) -> None:
        super().__init__(f"{field}: {reason}")
        self.field = field
        self.reason = reason
        self.details = details

    @classmethod
    def from_validation(cls, error: ValidationError) -> InvalidInput:
        first = error.errors()[0]
        field = str(first["loc"][0]) if first["loc"] else "draft"
        return cls(field, first["type"], **(first.get("ctx") or {}))


class Purpose(enum.StrEnum):
    HEALTH = "health"
    WORK = "work"
    SHOPPING = "shopping"
    ADMIN = "admin"
    FAMILY = "family"
    OTHER = "other"


class SpecialNeed(enum.StrEnum):
    WHEELCHAIR = "wheelchair"
    WALKING_HELP = "walking_help"
    COMPANION = "companion"
    PET = "pet"
    LUGGAGE = "luggage"


class NeedStatus(enum.StrEnum):
    SEARCHING = "searching"  # matches shown, the person has not chosen yet
    ASKING = "asking"  # a driver has been asked and has not answered yet
    MATCHED = "matched"  # a driver accepted: both have each other's contact
    WITH_OPERATORS = "with_operators"  # nothing matched (or the person asked): the team follows
    CANCELLED = "cancelled"
    EXPIRED = "expired"
    CLOSED = "closed"


OPEN_NEED_STATUSES = frozenset({NeedStatus.SEARCHING, NeedStatus.ASKING, NeedStatus.WITH_OPERATORS})


class WayBack(enum.StrEnum):
    """The passenger's way back, asked with the need (issue 23, item 11): none, at a time
    (`back_at`, leaving the destination for the origin the same day), or not known yet."""

    NONE = "none"
    AT = "at"
    UNKNOWN = "unknown"


class NeedDraft(BaseModel):
    """A need being described, step by step; `today` guards against dates in the past."""

    model_config = ConfigDict(frozen=True)

    origin: PlaceRef | None = None
    destination: PlaceRef | None = None
    travel_date: date | None = None
    weekdays: frozenset[Weekday] = frozenset()
    regular: bool = False
    time_mode: TimeMode | None = None
    at: time | None = None
    purpose: Purpose | None = None
    special_needs: frozenset[SpecialNeed] = frozenset()
    # False: the purpose and special needs were not asked (no consent to them, or by SMS).
    purpose_asked: bool = True
    # The way back: None until asked; AT with `back_at` (None while the time is asked).
    way_back: WayBack | None = None
    back_at: time | None = None
    # A health trip a doctor prescribed (issue 24): None until asked, asked only then.
    prescribed: bool | None = None
    # Hours said rather than a time ("entre 8h et 9h", "le matin"), until "before or after"
    # and a time within them are known: the draft's only, never the need's.
    window: tuple[time, time] | None = None
    today: date | None = None
    # The local time now, given with `today`: arriving before a time already gone by today
    # cannot be, and no driver would be found for it.
    now: time | None = None

    @model_validator(mode="after")
    def _coherent(self) -> Self:
        if self.origin and self.destination and _same_place(self.origin, self.destination):
            raise PydanticCustomError("same_place", "destination equals origin")
        if self.travel_date and self.today and self.travel_date < self.today:
            raise PydanticCustomError("date_in_past", "the date has passed")
        if (
            self.travel_date is not None
            and self.travel_date == self.today
            and not self.regular
            and self.now is not None
            and self.at is not None
            and self.time_mode is TimeMode.ARRIVE_BEFORE
            and self.at <= self.now
        ):
            raise PydanticCustomError("time_passed", "that time has passed today")
        return self

    def with_(self, **changes: Any) -> NeedDraft:
        try:
            return NeedDraft.model_validate({**self.model_dump(), **changes})
        except ValidationError as error:
            raise InvalidInput.from_validation(error) from None

    @property
    def missing(self) -> list[str]:
        missing = [name for name in ("origin", "destination") if not getattr(self, name)]
        if not (self.travel_date or (self.regular and self.weekdays)):
            missing.append("when")
        missing += [name for name in ("time_mode", "at") if not getattr(self, name)]
        if self.way_back is WayBack.AT and self.back_at is None:
            missing.append("back_at")
        if not self.purpose:
            missing.append("purpose")
        return missing

    def complete(self) -> NewNeed:
        if self.missing or not (
            self.origin and self.destination and self.time_mode and self.at and self.purpose
        ):
            raise InvalidInput(next(iter(self.missing), "draft"), "missing")
        return NewNeed(
            origin=self.origin,
            destination=self.destination,
            travel_date=None if self.regular else self.travel_date,
            weekdays=self.weekdays if self.regular else frozenset(),
            time_mode=self.time_mode,
            at=self.at,
            purpose=self.purpose,
            special_needs=self.special_needs,
            purpose_asked=self.purpose_asked,
            way_back=self.way_back or WayBack.NONE,
            back_at=self.back_at if self.way_back is WayBack.AT else None,
            prescribed=bool(self.prescribed),
        )


class NewNeed(BaseModel):
    model_config = ConfigDict(frozen=True)

    origin: PlaceRef
    destination: PlaceRef
    travel_date: date | None = None  # a one-off need; else `weekdays` for a regular one
    weekdays: frozenset[Weekday] = frozenset()
    time_mode: TimeMode
    at: time
    purpose: Purpose
    special_needs: frozenset[SpecialNeed] = frozenset()
    # False: never asked (no consent to it, or by SMS): OTHER and none stand for "not said".
    purpose_asked: bool = True
    way_back: WayBack = WayBack.NONE
    back_at: time | None = None  # with WayBack.AT: leaving the destination around then
    # A medical transport a doctor prescribed: the health insurance pays for it (a VSL, a
    # taxi conventionné), so no volunteer of the association is offered (issue 24).
    prescribed: bool = False

    @property
    def wants_back(self) -> bool:
        """A way back was asked for (at a time, or not known yet)."""
        return self.way_back is not WayBack.NONE

    @property
    def days(self) -> frozenset[int]:
        """The weekdays the need is about (the one of its date, or its regular days)."""
        if self.travel_date is not None:
            return frozenset({self.travel_date.weekday()})
        return frozenset(int(day) for day in self.weekdays)


class CloseReason(enum.StrEnum):
    SOLVED = "solved"  # a driver was found
    SOLVED_OTHER = "solved_other"  # solved another way (family, taxi, transport à la demande)
    NO_DRIVER = "no_driver"
    PERSON_CANCELLED = "person_cancelled"


class Need(NewNeed):
    id: int
    person_id: int
    status: NeedStatus
    created_at: datetime
    updated_at: datetime
    # The operators' follow-up: their post about it, who claimed it, how it was closed.
    operators_post_id: int | None = None
    claimed_by: int | None = None
    # Whose team follows it: its person's territory (bot/services/territories.py).
    territory: str = DEFAULT_TERRITORY
    closed_reason: CloseReason | None = None

    @property
    def is_open(self) -> bool:
        return self.status in OPEN_NEED_STATUSES


class IntroductionStatus(enum.StrEnum):
    PENDING = "pending"
    ACCEPTED = "accepted"
    DECLINED = "declined"
    EXPIRED = "expired"  # no answer in time, or the driver could not be reached
    CANCELLED = "cancelled"  # called off: the need cancelled or closed, or the driver withdrew


class RideOutcome(enum.StrEnum):
    """What the passenger says of the ride the day after."""

    HAPPENED = "happened"
    NOT_HAPPENED = "not_happened"
    NO_SHOW = "no_show"  # the driver did not come


class Introduction(BaseModel):
    """A passenger asked a driver: the driver's answer decides whether contacts are shared."""

    model_config = ConfigDict(frozen=True)

    id: int
    need_id: int
    trip_id: int
    driver_id: int
    passenger_id: int
    leg: str
    travel_day: int  # the weekday matched
    pickup: time
    dropoff: time
    extra_minutes: float
    status: IntroductionStatus
    created_at: datetime
    expires_at: datetime
    answered_at: datetime | None = None
    ride_date: date | None = None  # the first ride, once accepted
    ride_outcome: RideOutcome | None = None
    # The passenger's way back with the same driver, when the request covers it too: the
    # trip that brings them back, and its pickup (at the need's destination) and drop-off.
    back_trip_id: int | None = None
    back_pickup: time | None = None
    back_dropoff: time | None = None


class Caller(BaseModel):
    """Someone who phoned the team, as the operator types them in."""

    name: Annotated[str, StringConstraints(strip_whitespace=True, min_length=2, max_length=80)]
    phone: str
    phone_visible: bool = False
    # The operator confirmed that the person agreed to what Mobilot keeps (bot/services/
    # consents.py); nothing is stored without it.
    agreed: bool = False

    @field_validator("phone")
    @classmethod
    def _phone(cls, value: str) -> str:
        parsed = parse_phone(value)
        if parsed is None:
            raise PydanticCustomError("phone", "not a phone number")
        return parsed


class Consent(BaseModel):
    """A person agreed to a text (its topic and version), themselves or through the team."""

    model_config = ConfigDict(frozen=True)

    id: int
    person_id: int
    topic: str
    version: str
    given_at: datetime
    confirmed_by: int | None = None


@dataclass(frozen=True)
class Ride:
    """An accepted introduction with everything a message about it shows.

    Here, beside the records it gathers, so that the services that find rides, those that
    say who is told about them (bot/services/telling.py) and the notices that carry them
    can all name it without importing each other."""

    introduction: Introduction
    need: Need
    passenger: Person
    driver: Person
    trip: Trip | None
    ride_date: date
