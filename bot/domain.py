"""Domain models of Mobilot (pydantic), free of any messaging platform."""

from __future__ import annotations

import enum
from datetime import datetime, time
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

from bot.settings import Language

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
    """A regular trip being registered, step by step; every change is validated."""

    model_config = ConfigDict(frozen=True)

    origin: PlaceRef | None = None
    destination: PlaceRef | None = None
    weekdays: frozenset[Weekday] = frozenset()
    departure: time | None = None
    return_time: time | None = None
    seats: Seats | None = None
    note: Note | None = None

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
        return self

    def with_(self, **changes: Any) -> TripDraft:
        """A copy with `changes`, validated; raises InvalidInput with a reason code."""
        try:
            return TripDraft.model_validate({**self.model_dump(), **changes})
        except ValidationError as error:
            raise InvalidInput.from_validation(error) from None

    @property
    def missing(self) -> list[str]:
        required = ("origin", "destination", "weekdays", "departure", "seats")
        return [name for name in required if not getattr(self, name)]

    def complete(self) -> NewTrip:
        if self.missing:
            raise InvalidInput(self.missing[0], "missing")
        assert self.origin and self.destination and self.departure and self.seats
        return NewTrip(
            origin=self.origin,
            destination=self.destination,
            weekdays=self.weekdays,
            departure=self.departure,
            return_time=self.return_time,
            seats=self.seats,
            note=self.note,
        )


def _same_place(a: PlaceRef, b: PlaceRef) -> bool:
    return a.id == b.id or (abs(a.lat - b.lat) < 1e-4 and abs(a.lon - b.lon) < 1e-4)


class NewTrip(BaseModel):
    model_config = ConfigDict(frozen=True)

    origin: PlaceRef
    destination: PlaceRef
    weekdays: frozenset[Weekday] = Field(min_length=1)
    departure: time
    return_time: time | None = None
    seats: Seats
    note: Note | None = None


class Trip(NewTrip):
    id: int
    driver_id: int
    status: TripStatus
    created_at: datetime
    updated_at: datetime


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
