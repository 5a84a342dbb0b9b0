"""What else the territory offers: public transport, mobility services, on-demand transport
and sharing a ride's cost."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import TYPE_CHECKING

from bot.domain import Need, Person
from bot.notices.base import NoticeValues

if TYPE_CHECKING:
    from bot.transit.catalog import MobilityService
    from bot.transit.ondemand import OnDemandAnswer
    from bot.transit.planner import TransitOption


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
