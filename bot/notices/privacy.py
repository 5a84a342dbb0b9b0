"""Privacy and trust: reports, suspensions, and asking inactive people whether they stay."""

from __future__ import annotations

from dataclasses import dataclass

from bot.notices.base import NoticeValues


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
