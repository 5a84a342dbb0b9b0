"""A partner's booking of one of our drivers, and the order its status moves in.

The standard's order is WAITING_CONFIRMATION → CONFIRMED → COMPLETED_PENDING_VALIDATION →
VALIDATED, CANCELLED last; a status never goes back. Its proposals are understood too:
INITIATED before the wait (PR #50), the wait split into WAITING_DRIVER_CONFIRMATION and
WAITING_PASSENGER_CONFIRMATION (PR #51), VALIDATED renamed COMPLETED (PR #48). A partner is
answered in the words it used: one that posted WAITING_CONFIRMATION reads the alpha's.
"""

from __future__ import annotations

import enum
from dataclasses import dataclass
from datetime import date, datetime
from typing import Any


class BookingStatus(enum.StrEnum):
    INITIATED = "INITIATED"
    WAITING_DRIVER_CONFIRMATION = "WAITING_DRIVER_CONFIRMATION"
    WAITING_PASSENGER_CONFIRMATION = "WAITING_PASSENGER_CONFIRMATION"
    CONFIRMED = "CONFIRMED"
    COMPLETED_PENDING_VALIDATION = "COMPLETED_PENDING_VALIDATION"
    VALIDATED = "VALIDATED"
    CANCELLED = "CANCELLED"


class Dialect(enum.StrEnum):
    ALPHA = "alpha"  # WAITING_CONFIRMATION (and INITIATED, PR #50, which keeps it)
    SPLIT = "split"  # WAITING_DRIVER_/WAITING_PASSENGER_CONFIRMATION (PR #51)


ALIASES = {
    "WAITING_CONFIRMATION": BookingStatus.WAITING_DRIVER_CONFIRMATION,
    "COMPLETED": BookingStatus.VALIDATED,
}
RANK = {
    BookingStatus.INITIATED: 0,
    BookingStatus.WAITING_DRIVER_CONFIRMATION: 1,
    BookingStatus.WAITING_PASSENGER_CONFIRMATION: 1,
    BookingStatus.CONFIRMED: 2,
    BookingStatus.COMPLETED_PENDING_VALIDATION: 3,
    BookingStatus.VALIDATED: 4,
    BookingStatus.CANCELLED: 5,
}
WAITING = frozenset(
    {
        BookingStatus.INITIATED,
        BookingStatus.WAITING_DRIVER_CONFIRMATION,
        BookingStatus.WAITING_PASSENGER_CONFIRMATION,
    }
)
# What a new booking may say: the passenger has asked, the driver has not answered.
OPENING = frozenset({"WAITING_CONFIRMATION", "WAITING_DRIVER_CONFIRMATION", "INITIATED"})


def read_status(word: str) -> BookingStatus | None:
    if word in ALIASES:
        return ALIASES[word]
    try:
        return BookingStatus(word)
    except ValueError:
        return None


def dialect_of(word: str) -> Dialect:
    return (
        Dialect.SPLIT
        if word.startswith("WAITING_") and word != "WAITING_CONFIRMATION"
        else (Dialect.ALPHA)
    )


def status_word(status: BookingStatus, dialect: Dialect) -> str:
    if dialect is Dialect.ALPHA and status in (
        BookingStatus.WAITING_DRIVER_CONFIRMATION,
        BookingStatus.WAITING_PASSENGER_CONFIRMATION,
    ):
        return "WAITING_CONFIRMATION"
    return status.value


class Move(enum.StrEnum):
    OK = "ok"
    ALREADY = "status_already_set"
    BACKWARDS = "status_goes_back"
    DRIVER_ONLY = "only_the_driver_confirms"
    NOT_CONFIRMED = "not_confirmed_yet"


def partner_move(current: BookingStatus, wanted: BookingStatus) -> Move:
    """Whether the passenger's platform may set `wanted` now."""
    if RANK[wanted] == RANK[current]:
        return Move.ALREADY
    if RANK[wanted] < RANK[current]:
        return Move.BACKWARDS
    if wanted is BookingStatus.CANCELLED:
        return Move.OK
    if current in WAITING:
        # Our driver answers in Telegram: nobody confirms for them.
        return Move.DRIVER_ONLY if wanted is BookingStatus.CONFIRMED else Move.NOT_CONFIRMED
    return Move.OK


@dataclass(frozen=True)
class Booking:
    """As stored: the partner's Booking object frozen at creation, and its status now."""

    number: int  # ours, short, for the driver's buttons
    id: str  # the partner's UUID
    partner: str  # the operator that booked
    driver_id: int
    trip_id: int
    leg: str
    ride_date: date
    pickup_at: datetime
    passenger_alias: str
    status: BookingStatus
    dialect: Dialect
    body: dict[str, Any]
    message: str | None
    created_at: datetime
    updated_at: datetime
    expires_at: datetime

    @property
    def waiting(self) -> bool:
        return self.status in WAITING
