"""The team's group: a need's post, the morning digest, the month's report, and the team's
follow-up of needs and drivers' answers."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime
from typing import TYPE_CHECKING

from bot.domain import Introduction, Need, Person
from bot.notices.base import MONTHLY_REPORT, NEED_POST, NEED_POST_REFRESH, TEAM_DIGEST, NoticeValues

if TYPE_CHECKING:
    from bot.services.dashboard import MonthlyReport
    from bot.services.digest import Digest
    from bot.services.views import FollowUp


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
