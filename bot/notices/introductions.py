"""Introductions: a passenger, the drivers who can take them, the request, its answer and the
team's calls about it."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import TYPE_CHECKING

from bot.domain import Introduction, Need, Person, Trip
from bot.notices.base import NoticeValues

if TYPE_CHECKING:
    from bot.services.candidates import Candidate


# The passenger and the drivers who can take them.


@dataclass(frozen=True, eq=False)
class DriverChoices(NoticeValues):
    """Drivers for the passenger to choose from (the CHOOSE_DRIVER buttons read them too)."""

    need: Need
    candidates: tuple[Candidate, ...]


class CandidatesFound(DriverChoices):
    key = "candidates.found"


class CandidatesNext(DriverChoices):
    key = "candidates.next"


class CandidatesNewDriver(DriverChoices):
    """A trip registered or resumed fits a need still waiting: one candidate."""

    key = "candidates.new_driver"


@dataclass(frozen=True, eq=False)
class CandidatesNone(NoticeValues):
    key = "candidates.none"


@dataclass(frozen=True, eq=False)
class CandidatesNoMore(NoticeValues):
    key = "candidates.no_more"


@dataclass(frozen=True, eq=False)
class IntroAsked(NoticeValues):
    key = "intro.asked"
    name: str  # the driver's short name
    deadline: datetime
    asked_at: datetime


@dataclass(frozen=True, eq=False)
class DriverDroppedOut(NoticeValues):
    """To the passenger: a driver will not take them (the next ones follow)."""

    name: str  # the driver's short name, or ""


class SeatsCalledOffPassenger(DriverDroppedOut):
    """The driver lowered his seats and can no longer take this passenger."""

    key = "seats.called_off_passenger"


class IntroDeclinedPassenger(DriverDroppedOut):
    key = "intro.declined_passenger"


class IntroExpiredPassenger(DriverDroppedOut):
    key = "intro.expired_passenger"


class IntroUnreachablePassenger(DriverDroppedOut):
    key = "intro.unreachable_passenger"


class RidesFullPassenger(DriverDroppedOut):
    key = "rides.full_passenger"


class RidesWithdrawnPassenger(DriverDroppedOut):
    key = "rides.withdrawn_passenger"


# A driver asked, and what follows an acceptance.


@dataclass(frozen=True, eq=False)
class IntroRequest(NoticeValues):
    key = "intro.request"
    need: Need
    passenger: Person
    introduction: Introduction
    trip: Trip


@dataclass(frozen=True, eq=False)
class Accepted(NoticeValues):
    """An accepted introduction: both people, the need and the ride."""

    need: Need
    introduction: Introduction
    passenger: Person
    driver: Person


class IntroAcceptedDriver(Accepted):
    key = "intro.accepted_driver"


class IntroAcceptedPassenger(Accepted):
    key = "intro.accepted_passenger"


class IntroAcceptedPassengerViaTeam(Accepted):
    key = "intro.accepted_passenger_via_team"


class IntroPassengerUnreachableDriver(Accepted):
    key = "intro.passenger_unreachable_driver"


class OperatorsCallPassengerAccepted(Accepted):
    key = "operators.call_passenger_accepted"


class OperatorsCallPassengerOffline(Accepted):
    key = "operators.call_passenger_offline"


class OperatorsConnectDriver(Accepted):
    key = "operators.connect_driver"


@dataclass(frozen=True, eq=False)
class OperatorsConnectTexter(Accepted):
    """Someone reached by SMS, introduced to someone who shares no phone number: the team
    calls the one who texts and says how to reach the other."""

    key = "operators.connect_texter"
    texter: Person


@dataclass(frozen=True, eq=False)
class IntroTripCancelledDriver(NoticeValues):
    key = "intro.trip_cancelled_driver"
    need: Need
    passenger: Person
    introduction: Introduction


@dataclass(frozen=True, eq=False)
class IntroNeedCancelledDriver(NoticeValues):
    key = "intro.need_cancelled_driver"
    passenger: Person


@dataclass(frozen=True, eq=False)
class IntroExpiredDriver(NoticeValues):
    key = "intro.expired_driver"
    name: str  # the passenger's short name
