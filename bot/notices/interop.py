"""Partner platforms: their journeys for our passengers, and their passengers' bookings and
messages for our drivers."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, time
from typing import TYPE_CHECKING

from bot.domain import Need, Person, Trip
from bot.notices.base import NoticeValues

if TYPE_CHECKING:
    from bot.interop.theirs import TheirJourney


@dataclass(frozen=True, eq=False)
class InteropTheirJourneys(NoticeValues):
    key = "interop.their_journeys"
    journeys: tuple[TheirJourney, ...]
    need: Need


@dataclass(frozen=True, eq=False)
class InteropShareOffer(NoticeValues):
    key = "interop.share_offer"


@dataclass(frozen=True, eq=False)
class InteropBookingRequest(NoticeValues):
    key = "interop.booking_request"
    platform: str
    passenger: str  # the partner's alias of its passenger
    trip: Trip
    leg: str  # "outbound" or "return"
    day: date
    pickup: time
    message: str


@dataclass(frozen=True, eq=False)
class InteropBookingCancelledDriver(NoticeValues):
    key = "interop.booking_cancelled_driver"
    platform: str
    passenger: str
    day: date
    message: str


@dataclass(frozen=True, eq=False)
class InteropMessage(NoticeValues):
    key = "interop.message"
    platform: str
    sender: str
    text: str


@dataclass(frozen=True, eq=False)
class InteropMessageCall(NoticeValues):
    key = "interop.message_call"
    platform: str
    sender: str
    person: Person
    phone: str
    text: str
