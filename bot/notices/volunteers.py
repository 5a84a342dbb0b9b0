"""Volunteer drivers of an association and its members: the request, the team's checks, the
membership."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from bot.domain import Introduction, Need, Person
from bot.notices.base import NoticeValues


@dataclass(frozen=True, eq=False)
class VolunteerRequest(NoticeValues):
    """A volunteer asked to drive a member: the whole ride from home and back, and the
    allowance for it (the same answer buttons as a driver's request)."""

    key = "volunteers.request"
    need: Need
    passenger: Person
    introduction: Introduction
    km: int
    allowance_cents: int
    # False when the territory set no rate per km (TUS_EUR_PER_KM): no sum is shown.
    paid: bool = True


@dataclass(frozen=True, eq=False)
class VolunteerNewTeam(NoticeValues):
    """Someone declared themself a volunteer driver: the team checks their file."""

    key = "volunteers.new_team"
    person: Person
    home: str  # the commune's name
    slots: int  # bit (3 * weekday + part of the day): bot/services/volunteers.py
    radius_km: int
    not_in_august: bool


@dataclass(frozen=True, eq=False)
class VolunteerInsuranceDue(NoticeValues):
    """A month before a volunteer's insurance ends, to the team."""

    key = "volunteers.insurance_due"
    person: Person
    until: date


@dataclass(frozen=True, eq=False)
class MemberUnknownTeam(NoticeValues):
    """To the team: someone who is not in the association's register asks a volunteer."""

    key = "members.team_unknown"
    person: Person


@dataclass(frozen=True, eq=False)
class MemberJoinPassenger(NoticeValues):
    """To that person, kindly: the rides are for members; the team will tell them how."""

    key = "members.passenger_join"


@dataclass(frozen=True, eq=False)
class MemberRenewTeam(NoticeValues):
    """To the team: a member whose yearly fee ran out (or was never noted) asks a volunteer."""

    key = "members.team_renew"
    person: Person
    member_id: int
    member_name: str
    until: date


@dataclass(frozen=True, eq=False)
class MemberNoFeeTeam(NoticeValues):
    """To the team: a member with no fee noted at all asks a volunteer."""

    key = "members.team_no_fee"
    person: Person
    member_id: int
    member_name: str


@dataclass(frozen=True, eq=False)
class MemberRenewPassenger(NoticeValues):
    """To the member, kindly: time to renew the membership (the ride is asked anyway)."""

    key = "members.passenger_renew"


@dataclass(frozen=True, eq=False)
class VolunteerCancelledTeam(NoticeValues):
    """To the team: a volunteer called off a ride they had accepted; `next_driver` is the
    volunteer now asked (None: nobody else is free)."""

    key = "members.volunteer_cancelled"
    need: Need
    passenger: Person
    driver: Person
    next_driver: Person | None


@dataclass(frozen=True, eq=False)
class RideReassignedDriver(NoticeValues):
    """To a volunteer: the team gave the ride they had accepted to another volunteer."""

    key = "members.reassigned_driver"
    need: Need
    passenger: Person


@dataclass(frozen=True, eq=False)
class RideReassignedPassenger(NoticeValues):
    """To the passenger: the team asks another volunteer to drive them."""

    key = "members.reassigned_passenger"
    name: str  # the volunteer who no longer drives them
