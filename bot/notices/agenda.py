"""Rides and trips over time: the agenda's reminders and questions, to people and the team."""

from __future__ import annotations

from dataclasses import dataclass

from bot.domain import Need, Person, Ride, Trip
from bot.notices.base import NoticeValues


@dataclass(frozen=True, eq=False)
class RideNotice(NoticeValues):
    ride: Ride


class TripsRideStillOn(RideNotice):
    key = "trips.ride_still_on"


class ReminderDriver(RideNotice):
    key = "reminder.driver"


class ReminderPassenger(RideNotice):
    key = "reminder.passenger"


class OutcomeQuestion(RideNotice):
    key = "outcome.question"


class OutcomeCall(RideNotice):
    key = "outcome.call"


@dataclass(frozen=True, eq=False)
class ReminderCall(NoticeValues):
    key = "reminder.call"
    ride: Ride
    person: Person  # whom the team phones


@dataclass(frozen=True, eq=False)
class TripCheckQuestion(NoticeValues):
    key = "tripcheck.question"
    trip: Trip
    days: int


@dataclass(frozen=True, eq=False)
class TripCheckCall(NoticeValues):
    key = "tripcheck.call"
    trip: Trip
    driver: Person
    days: int


@dataclass(frozen=True, eq=False)
class TripCheckPaused(NoticeValues):
    key = "tripcheck.paused"
    trip: Trip


@dataclass(frozen=True, eq=False)
class TripCheckPausedCall(NoticeValues):
    key = "tripcheck.paused_call"
    trip: Trip
    driver: Person


@dataclass(frozen=True, eq=False)
class NeedsExpired(NoticeValues):
    key = "needs.expired"
    need: Need
