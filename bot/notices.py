"""Notices: what the core decides to tell whom, before anyone words it.

A use case returns, beside what happened, the notices it causes: to a person or to the team,
the facts to word it with (domain objects and numbers, never sentences), and the buttons as
neutral offers. Each kind of notice is a frozen dataclass of its values (`NoticeValues`),
bound to its message key: what the wording (handlers/notices.py) reads is checked by mypy,
and a kind without a wording is caught by a test that goes through `KINDS`. The adapter
words each one in its reader's language and puts it in the outbox in the same transaction
(handlers/notices.py); the deliverer sends it.

Who is told, and what happens when someone cannot be reached, is decided here and in the
services: a person registered by phone is reached through the team ("call them, here is the
other one's contact"); a person whose Telegram refuses the message at delivery triggers the
notice's `if_unreachable` (other notices, or a step of the core such as "the driver cannot be
reached: ask the next one").
"""

from __future__ import annotations

import dataclasses
import enum
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import date, datetime, time
from typing import TYPE_CHECKING, Any, ClassVar

from bot.delivery import Step, StepKind
from bot.domain import Introduction, Need, Person, Ride, Trip

if TYPE_CHECKING:  # they name notices themselves: only their types are needed here
    from bot.aids.model import Aid, Application
    from bot.interop.theirs import TheirJourney
    from bot.services.candidates import Candidate
    from bot.services.dashboard import MonthlyReport
    from bot.services.digest import Digest
    from bot.services.views import FollowUp
    from bot.transit.catalog import MobilityService
    from bot.transit.ondemand import OnDemandAnswer
    from bot.transit.planner import TransitOption

# Steps of the core a notice may ask for once sent, or when its reader is unreachable; the
# adapter runs them by these names (bot/delivery.py, Step).
NEED_POSTED = StepKind.NEED_POSTED
DRIVER_UNREACHABLE = StepKind.DRIVER_UNREACHABLE

# Message keys that are not a catalog's sentence but a whole post the adapter composes.
NEED_POST = "team.need_post"
NEED_POST_REFRESH = "team.need_post_refresh"
TEAM_DIGEST = "team.digest"
MONTHLY_REPORT = "team.monthly_report"
APPLICATION_POST = "funder.application_post"

# Every kind of notice, by its message key (filled as the kinds below are declared).
KINDS: dict[str, type[NoticeValues]] = {}


class Offer(enum.StrEnum):
    """Buttons under a notice, in neutral form (the adapter draws them)."""

    ANSWER_INTRODUCTION = "answer_introduction"  # subject: the introduction
    CHOOSE_DRIVER = "choose_driver"  # subject: the need; the drivers are the values' candidates
    FOLLOW_NEED = "follow_need"  # the team's buttons under a need; subject: the need
    WITHDRAW_RIDE = "withdraw_ride"  # a driver calls off a ride; subject: the introduction
    CANCEL_RIDE = "cancel_ride"  # a passenger calls off a ride; subject: the need
    RIDE_OUTCOME = "ride_outcome"  # did it happen? subject: the introduction
    TRIP_CHECK = "trip_check"  # does the trip still run? subject: the trip
    RESUME_TRIP = "resume_trip"  # subject: the trip
    RESUME_CHECKED_TRIP = "resume_checked_trip"  # the team resumes it; subject: the trip
    STAY = "stay"  # an inactive person stays (or is forgotten); subject: the person
    SUSPEND = "suspend"  # the team suspends someone reported; subject: the person
    LIFT = "lift"  # the team lifts a suspension; subject: the person
    REVIEW_APPLICATION = "review_application"  # a funder's buttons; subject: the application
    SHOW_AIDS = "show_aids"  # open /aides; subject: none (0)
    ANSWER_BOOKING = "answer_booking"  # a partner's passenger asks; subject: the booking number
    SHARE_NEED = "share_need"  # show the need to other platforms? subject: the need
    # remind me before the on-demand transport's booking deadline; subject: the need
    REMIND_ON_DEMAND = "remind_on_demand"


@dataclass(frozen=True)
class Button:
    offer: Offer
    subject_id: int


@dataclass(frozen=True, eq=False)
class NoticeValues:
    """The values of one kind of notice. A kind is a subclass that sets `key` (its message
    key); a subclass without one only shares its fields with the kinds built on it."""

    key: ClassVar[str]
    # False for a kind that is not a message but an action of the adapter.
    worded: ClassVar[bool] = True

    def __init_subclass__(cls, **kwargs: object) -> None:
        super().__init_subclass__(**kwargs)
        key = cls.__dict__.get("key")
        if key is None:
            return
        if key in KINDS:
            raise TypeError(f"two kinds of notice for {key!r}: {KINDS[key]} and {cls}")
        KINDS[key] = cls

    def fields(self) -> dict[str, object]:
        """The values by name, as they are (for a catalog sentence that shows them plainly)."""
        return {f.name: getattr(self, f.name) for f in dataclasses.fields(self)}

    # Equal when of the same kind with equal values (each kind is declared with eq=False, so
    # that this one serves them all), or to a dict of the same values.

    def __eq__(self, other: object) -> bool:
        if isinstance(other, Mapping):
            return dict(self.fields()) == dict(other)
        if not isinstance(other, NoticeValues) or type(other) is not type(self):
            return NotImplemented
        return self.fields() == other.fields()

    def __hash__(self) -> int:
        return hash((type(self), *self.fields().values()))

    # Read as a mapping of the values by name, as when values were a dict (older tests).

    def keys(self) -> list[str]:
        return [f.name for f in dataclasses.fields(self)]

    def __contains__(self, name: object) -> bool:
        return name in self.keys()

    def __getitem__(self, name: str) -> Any:
        """The value named `name`, typed as any: each kind has its own fields."""
        if name not in self.keys():
            raise KeyError(name)
        return getattr(self, name)


@dataclass(frozen=True)
class Notice:
    # The reader; None is the team (the operators' group).
    to: Person | None
    values: NoticeValues
    buttons: tuple[Button, ...] = ()
    # Told instead when Telegram refuses the message at delivery: notices (worded now,
    # sent only then), or a step of the core.
    if_unreachable: tuple[Notice, ...] | Step = ()
    after_sent: Step | None = None
    # With `to` None: a group other than the team's (a funder's reviewers).
    chat_id: int | None = None
    # With `to` None: whose team is told; None: the territory of what the notice is about
    # (`team_territory`).
    territory: str | None = None

    @property
    def key(self) -> str:
        return self.values.key

    @property
    def for_team(self) -> bool:
        return self.to is None


def to_team(
    values: NoticeValues, buttons: tuple[Button, ...] = (), territory: str | None = None
) -> Notice:
    return Notice(None, values, buttons, territory=territory)


def team_territory(notice: Notice) -> str | None:
    """Whose team a notice to the team goes to (issue 22): the one it names, else the
    territory of the need it is about, else of the person or trip it names; None when it is
    about no one (the first territory's team is told)."""
    if notice.territory is not None:
        return notice.territory
    return territory_of_values(notice.values)


def territory_of_values(values: object) -> str | None:
    found: dict[str, str] = {}
    for item in dataclasses.fields(values) if dataclasses.is_dataclass(values) else ():
        value = getattr(values, item.name)
        # a team view (FollowUp) or anything else about one need
        view_need = (
            None if isinstance(value, Need | Person | Trip) else getattr(value, "need", None)
        )
        if isinstance(value, Need):
            found.setdefault("need", value.territory)
        elif isinstance(view_need, Need):
            found.setdefault("need", view_need.territory)
        elif isinstance(value, Person) and value.territory is not None:
            found.setdefault("person", value.territory)
        elif isinstance(value, Trip):
            found.setdefault("trip", value.territory)
    for kind in ("need", "person", "trip"):
        if kind in found:
            return found[kind]
    return None


def to_person(person: Person, values: NoticeValues, buttons: tuple[Button, ...] = ()) -> Notice:
    return Notice(person, values, buttons)


# The kinds of notices. Shapes shared by several kinds come first, without a key.

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


# The team.


@dataclass(frozen=True, eq=False)
class NeedPost(NoticeValues):
    """The need's whole post in the group, with its buttons."""

    key = NEED_POST
    view: FollowUp
    reason: str


@dataclass(frozen=True, eq=False)
class NeedPostRefresh(NoticeValues):
    """Not a message: the need's post is brought up to date (edited in place)."""

    key = NEED_POST_REFRESH
    worded = False
    need_id: int
    # What the post must show, read by the core after the change; None: read when written.
    view: FollowUp | None = None


@dataclass(frozen=True, eq=False)
class TeamDigest(NoticeValues):
    """Not a sentence: the morning digest the adapter composes for the team."""

    key = TEAM_DIGEST
    worded = False
    digest: Digest
    today: date


@dataclass(frozen=True, eq=False)
class TeamMonthlyReport(NoticeValues):
    """Not a sentence: the month's report (its text, then its chart) for the team."""

    key = MONTHLY_REPORT
    worded = False
    report: MonthlyReport


@dataclass(frozen=True, eq=False)
class OperatorsBackToTeam(NoticeValues):
    key = "operators.back_to_team"
    need: Need
    reason: str  # operators.reason.<reason>


@dataclass(frozen=True, eq=False)
class OperatorsDriverAsked(NoticeValues):
    key = "operators.driver_asked"
    need: Need
    driver: Person
    deadline: datetime
    asked_at: datetime


@dataclass(frozen=True, eq=False)
class OperatorsCallDriver(NoticeValues):
    key = "operators.call_driver"
    need: Need
    driver: Person
    passenger: Person
    introduction: Introduction
    deadline: datetime
    asked_at: datetime


@dataclass(frozen=True, eq=False)
class DriverAnswer(NoticeValues):
    """A driver's answer to a need the team has posted."""

    need: Need
    driver: Person
    passenger: Person | None
    # Nobody else can take the passenger: the need is back with the team (said in the same
    # message, so that the group gets one message, not two in a row).
    back_to_team: bool = False


class OperatorsDriverAccepted(DriverAnswer):
    key = "operators.driver_accepted"


class OperatorsDriverRefused(DriverAnswer):
    key = "operators.driver_refused"


class OperatorsDriverWithdrew(DriverAnswer):
    key = "operators.driver_withdrew"


@dataclass(frozen=True, eq=False)
class OperatorsCallDriverCancelled(NoticeValues):
    key = "operators.call_driver_cancelled"
    need: Need
    passenger: Person
    driver: Person
    introduction: Introduction


@dataclass(frozen=True, eq=False)
class OperatorsNeedCancelled(NoticeValues):
    key = "operators.need_cancelled"
    need: Need
    passenger: Person


@dataclass(frozen=True, eq=False)
class OperatorsPersonToldClosed(NoticeValues):
    key = "operators.person_told_closed"
    need: Need
    reason: str  # a CloseReason's value


@dataclass(frozen=True, eq=False)
class ClaimedQuiet(NoticeValues):
    """A claimed need without news for `days`."""

    view: FollowUp
    days: int


class OperatorsClaimedQuiet(ClaimedQuiet):
    key = "operators.claimed_quiet"


class OperatorsClaimedQuietGroup(ClaimedQuiet):
    key = "operators.claimed_quiet_group"


# Rides and trips over time (the agenda's reminders and questions).


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


# Privacy and trust.


@dataclass(frozen=True, eq=False)
class PrivacyReportTeam(NoticeValues):
    key = "privacy.report_team"
    reporter: str
    reported: str
    reason: str  # privacy.reason.<reason>
    words: str  # the reporter's own, or ""
    id: int  # the need


@dataclass(frozen=True, eq=False)
class TeamDid(NoticeValues):
    """The team hears what one of them did to someone."""

    name: str
    operator: str


class PrivacySuspendedTeam(TeamDid):
    key = "privacy.suspended_team"


class PrivacyLiftedTeam(TeamDid):
    key = "privacy.lifted_team"


class PrivacyTeamForgot(TeamDid):
    key = "privacy.team_forgot"


@dataclass(frozen=True, eq=False)
class PrivacySuspendedPerson(NoticeValues):
    key = "privacy.suspended_person"


@dataclass(frozen=True, eq=False)
class PrivacyLiftedPerson(NoticeValues):
    key = "privacy.lifted_person"


@dataclass(frozen=True, eq=False)
class PrivacyStayQuestion(NoticeValues):
    key = "privacy.stay_question"
    days: int


@dataclass(frozen=True, eq=False)
class PrivacyStayCall(NoticeValues):
    key = "privacy.stay_call"
    name: str
    phone: str  # shown, or "—"
    days: int


# What else the territory offers.


@dataclass(frozen=True, eq=False)
class TransitOptions(NoticeValues):
    key = "transit.options"
    need: Need
    options: tuple[TransitOption, ...]


@dataclass(frozen=True, eq=False)
class TransitServices(NoticeValues):
    key = "transit.services"
    services: tuple[MobilityService, ...]
    found_driver: bool


@dataclass(frozen=True, eq=False)
class TransitForTeam(NoticeValues):
    key = "transit.for_team"
    need: Need
    options: tuple[TransitOption, ...]
    services: tuple[MobilityService, ...]
    on_demand: tuple[OnDemandAnswer, ...] = ()


@dataclass(frozen=True, eq=False)
class TransitOnDemand(NoticeValues):
    """On-demand transport for the need, each with its deadline to book (or the next date
    still possible); a button offers the reminder when there is time for it."""

    key = "flex.on_demand"
    need: Need
    answers: tuple[OnDemandAnswer, ...]
    remind_at: datetime | None  # when the reminder would come (None: no button)


@dataclass(frozen=True, eq=False)
class TransitOnDemandReminder(NoticeValues):
    key = "flex.reminder"
    need: Need
    answers: tuple[OnDemandAnswer, ...]


@dataclass(frozen=True, eq=False)
class CostShare(NoticeValues):
    """The territory's guide to sharing a ride's cost, with its distance."""

    need: Need
    km: int
    eur_per_km: float


class TransitCostShare(CostShare):
    key = "transit.cost_share"


@dataclass(frozen=True, eq=False)
class TransitCostShareCall(CostShare):
    key = "transit.cost_share_call"
    person: Person  # whom the team phones


# Partner platforms.


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


# Aids.


@dataclass(frozen=True, eq=False)
class ApplicationPost(NoticeValues):
    """An application's whole post in its funder's group, with its buttons."""

    key = APPLICATION_POST
    application: Application
    aid: Aid
    person: Person
    proofs: int
    filer: Person | None


@dataclass(frozen=True, eq=False)
class AidsSubmitted(NoticeValues):
    key = "aids.submitted"
    title: str
    funder: str
    id: int


@dataclass(frozen=True, eq=False)
class Validated(NoticeValues):
    title: str
    amount: int  # cents
    id: int


class AidsValidatedOnce(Validated):
    key = "aids.validated_once"


class AidsValidatedMonthly(Validated):
    key = "aids.validated_monthly"


class AidsValidatedQuarterly(Validated):
    key = "aids.validated_quarterly"


@dataclass(frozen=True, eq=False)
class Rejected(NoticeValues):
    title: str
    reason: str  # aids.reason.<reason>
    other: str  # the reviewer's own reason, or ""
    id: int


class AidsRejected(Rejected):
    key = "aids.rejected"


class AidsRejectedOther(Rejected):
    key = "aids.rejected_other"


@dataclass(frozen=True, eq=False)
class AidsGroupValidated(NoticeValues):
    key = "aids.group_validated"
    id: int
    reviewer: str
    amount: int  # cents
    frequency: str


@dataclass(frozen=True, eq=False)
class AidsGroupRejected(NoticeValues):
    key = "aids.group_rejected"
    id: int
    reviewer: str
    reason: str
    other: str


@dataclass(frozen=True, eq=False)
class AidsReviewWaiting(NoticeValues):
    key = "aids.review_waiting"
    id: int
    title: str
    days: int


@dataclass(frozen=True, eq=False)
class AidsToReview(NoticeValues):
    """The team's weekly look at the catalogue: the aids still shown whose check is older
    than six months, or was never made (bot/services/aids.py)."""

    key = "aidcheck.to_review"
    aids: tuple[Aid, ...]


@dataclass(frozen=True, eq=False)
class AidsCallPerson(NoticeValues):
    """The team phones someone who cannot be written to, and says `message` for us."""

    key = "aids.call_person"
    name: str
    phone: str
    message: NoticeValues


# Texts (SMS).


@dataclass(frozen=True, eq=False)
class AboutTexter(NoticeValues):
    """The team, about someone reached by SMS (and the text at stake, if any)."""

    person: Person
    text: str = ""


@dataclass(frozen=True, eq=False)
class SmsStoppedTeam(AboutTexter):
    """Someone texted STOP: no more texts; the team may phone them."""

    key = "operators.sms_stopped"


@dataclass(frozen=True, eq=False)
class SmsStoppedMessage(AboutTexter):
    """A notice for someone who texted STOP: the team says it by phone, if it matters."""

    key = "operators.sms_stopped_message"


@dataclass(frozen=True, eq=False)
class SmsThroughTeam(AboutTexter):
    """A text the month's budget cannot pay for: the team passes it on by phone."""

    key = "operators.sms_over_budget"


@dataclass(frozen=True, eq=False)
class SmsUndelivered(AboutTexter):
    """The gateway says a text never reached the phone: the team phones instead."""

    key = "operators.sms_undelivered"


# Volunteer drivers of an association (bot/services/volunteers.py).


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


@dataclass(frozen=True, eq=False)
class SmsTeamAgreed(NoticeValues):
    """To someone the team registered: texts reach them from now on, as they told the team
    (STOP to stop them)."""

    key = "smsteam.person_agreed"
