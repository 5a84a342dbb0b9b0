"""What a notice is: its values (`NoticeValues`, every kind in `KINDS`), its reader (a
person, or a team: `to_person`, `to_team`, `team_territory`) and its buttons (`Offer`)."""

from __future__ import annotations

import dataclasses
import enum
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any, ClassVar

from bot.delivery import Step, StepKind
from bot.domain import Need, Person, Trip

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
