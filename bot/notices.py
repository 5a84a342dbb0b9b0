"""Notices: what the core decides to tell whom, before anyone words it.

A use case returns, beside what happened, the notices it causes: to a person or to the team,
a message key, the facts to word it with (domain objects and numbers, never sentences), and
the buttons as neutral offers. The adapter words each one in its reader's language and puts
it in the outbox in the same transaction (handlers/notices.py); the deliverer sends it.

Who is told, and what happens when someone cannot be reached, is decided here and in the
services: a person registered by phone is reached through the team ("call them, here is the
other one's contact"); a person whose Telegram refuses the message at delivery triggers the
notice's `if_unreachable` (other notices, or a step of the core such as "the driver cannot be
reached: ask the next one").
"""

from __future__ import annotations

import enum
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

from bot.delivery import Step, StepKind
from bot.domain import Person

# Steps of the core a notice may ask for once sent, or when its reader is unreachable: typed
# in bot/delivery.py (NeedPosted, DriverUnreachable, SendMessages), each with one runner.
NEED_POSTED = StepKind.NEED_POSTED
DRIVER_UNREACHABLE = StepKind.DRIVER_UNREACHABLE

# Message keys that are not a catalog's sentence but a whole post the adapter composes.
NEED_POST = "team.need_post"  # values: view, reason
# values: need_id, and view (what the post must show, read by the core after the change)
NEED_POST_REFRESH = "team.need_post_refresh"
TEAM_DIGEST = "team.digest"  # values: digest, today
MONTHLY_REPORT = "team.monthly_report"  # values: report (its text, then its chart)


class Offer(enum.StrEnum):
    """Buttons under a notice, in neutral form (the adapter draws them)."""

    ANSWER_INTRODUCTION = "answer_introduction"  # subject: the introduction
    CHOOSE_DRIVER = "choose_driver"  # subject: the need; the drivers are values["candidates"]
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


@dataclass(frozen=True)
class Button:
    offer: Offer
    subject_id: int


@dataclass(frozen=True)
class Notice:
    key: str
    # The reader; None is the team (the operators' group).
    to: Person | None
    values: Mapping[str, Any] = field(default_factory=dict)
    buttons: tuple[Button, ...] = ()
    # Told instead when Telegram refuses the message at delivery: notices (worded now,
    # sent only then), or a step of the core.
    if_unreachable: tuple[Notice, ...] | Step = ()
    after_sent: Step | None = None
    # With `to` None: a group other than the team's (a funder's reviewers).
    chat_id: int | None = None

    @property
    def for_team(self) -> bool:
        return self.to is None


def to_team(key: str, buttons: tuple[Button, ...] = (), **values: Any) -> Notice:
    return Notice(key, None, values, buttons)


def to_person(person: Person, key: str, buttons: tuple[Button, ...] = (), **values: Any) -> Notice:
    return Notice(key, person, values, buttons)
