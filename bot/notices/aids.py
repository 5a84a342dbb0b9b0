"""Aids: an application's post in its funder's group, and what its applicant and the team hear."""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING

from bot.domain import Person
from bot.notices.base import APPLICATION_POST, NoticeValues

if TYPE_CHECKING:
    from bot.aids.model import Aid, Application


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
