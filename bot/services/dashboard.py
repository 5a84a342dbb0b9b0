"""The team's dashboard: needs per week by outcome, rides that happened, active drivers, and
the axes (origin → destination) where needs go unmet, so the team knows where to recruit.

The figures are computed here; the chart is drawn by the adapter (handlers/dashboard.py).
A monthly report goes to the group through the agenda.
"""

from __future__ import annotations

import enum
from collections import Counter
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from typing import Protocol

from bot.agenda import NO_SUBJECT, AgendaEntry, Calendar, Due, Kind, Outcome
from bot.clock import Clock
from bot.ports import Agenda, UnitOfWork
from bot.services.reports import ReportService, Statistics
from bot.services.texts import TextMonth, TextService
from bot.territories import Scope

WEEKS = 12
AXES_DAYS = 90
MAX_AXES = 8


class NeedOutcome(enum.StrEnum):
    FOUND = "found"  # a driver took it
    OTHER_WAY = "other_way"  # solved another way (family, TAD, taxi)
    UNMET = "unmet"  # no driver: expired, closed without one, or still with the team
    CANCELLED = "cancelled"
    WAITING = "waiting"  # the person is still choosing, or a driver is being asked


@dataclass(frozen=True)
class NeedFact:
    created_at: datetime
    status: str
    closed_reason: str | None
    origin: str
    destination: str

    @property
    def outcome(self) -> NeedOutcome:
        if self.status == "matched" or self.closed_reason == "solved":
            return NeedOutcome.FOUND
        if self.closed_reason == "solved_other":
            return NeedOutcome.OTHER_WAY
        if self.status == "cancelled" or self.closed_reason == "person_cancelled":
            return NeedOutcome.CANCELLED
        if self.status in ("searching", "asking"):
            return NeedOutcome.WAITING
        return NeedOutcome.UNMET


@dataclass(frozen=True)
class TripFact:
    driver_id: int
    created_at: datetime
    status: str


class DashboardFacts(Protocol):
    async def needs_since(self, since: datetime, scope: Scope | None = None) -> list[NeedFact]: ...

    async def rides_happened_since(
        self, since: datetime, scope: Scope | None = None
    ) -> list[str]: ...

    async def trips(self, scope: Scope | None = None) -> list[TripFact]: ...


@dataclass(frozen=True)
class Week:
    start: date  # a Monday
    needs: dict[NeedOutcome, int]
    rides: int
    drivers: int


@dataclass(frozen=True)
class Axis:
    origin: str
    destination: str
    unmet: int


@dataclass(frozen=True)
class Dashboard:
    weeks: list[Week]
    axes: list[Axis]  # the last AXES_DAYS days, most unmet first


@dataclass(frozen=True)
class Overview:
    statistics: Statistics
    dashboard: Dashboard
    # What texting cost this month, when texts go out (the SMS channel).
    texts: TextMonth | None = None


@dataclass(frozen=True)
class MonthlyReport:
    month: date  # its first day
    needs: dict[NeedOutcome, int]
    rides: int
    drivers: int
    axes: list[Axis]
    dashboard: Dashboard


class DashboardService:
    def __init__(
        self,
        *,
        facts: DashboardFacts,
        reports: ReportService,
        clock: Clock,
        calendar: Calendar,
        agenda: Agenda,
        unit_of_work: UnitOfWork,
        report_hour: int,
        texts: TextService | None = None,
    ) -> None:
        self._texts = texts
        self._facts = facts
        self._reports = reports
        self._clock = clock
        self._calendar = calendar
        self._agenda = agenda
        self._uow = unit_of_work
        self._hour = report_hour

    async def overview(self, scope: Scope | None = None) -> Overview:
        """/stats: the figures, and what the chart shows; one team's (`scope`) or all."""
        # Texts: one team's own territory's month (and its budget), or the deployment's.
        territory = scope.territory if scope is not None else None
        month = await self._texts.month(territory) if self._texts is not None else None
        return Overview(
            await self._reports.statistics(scope), await self.dashboard(scope=scope), month
        )

    async def dashboard(self, weeks: int = WEEKS, scope: Scope | None = None) -> Dashboard:
        today = self._calendar.today(self._clock.now())
        first = today - timedelta(days=today.weekday(), weeks=weeks - 1)
        since = self._calendar.at(first, 0)
        needs = await self._facts.needs_since(min(since, self._axes_since()), scope)
        rides = await self._facts.rides_happened_since(since, scope)
        trips = await self._facts.trips(scope)
        rows = []
        for index in range(weeks):
            start = first + timedelta(weeks=index)
            end = start + timedelta(days=7)
            counted = Counter(
                n.outcome for n in needs if start <= self._calendar.today(n.created_at) < end
            )
            rows.append(
                Week(
                    start,
                    {outcome: counted.get(outcome, 0) for outcome in NeedOutcome},
                    sum(1 for day in rides if start.isoformat() <= day < end.isoformat()),
                    _active_drivers(trips, self._calendar.at(end, 0)),
                )
            )
        axes_since = self._axes_since()
        return Dashboard(rows, unmet_axes([n for n in needs if n.created_at >= axes_since]))

    def _axes_since(self) -> datetime:
        return self._clock.now() - timedelta(days=AXES_DAYS)

    # The monthly report, through the agenda.

    def _next_month_start(self, now: datetime) -> datetime:
        today = self._calendar.today(now)
        first = (today.replace(day=1) + timedelta(days=32)).replace(day=1)
        return self._calendar.at(first, self._hour)

    async def ensure_scheduled(self) -> None:
        """At start-up: the next monthly report is on the agenda (once)."""
        now = self._clock.now()
        due = Due(Kind.MONTHLY_REPORT, NO_SUBJECT, self._next_month_start(now))
        await self._agenda.schedule_once(due, now)

    async def monthly(self, scope: Scope | None = None) -> MonthlyReport:
        """The month just ended; one team's (`scope`) or all."""
        today = self._calendar.today(self._clock.now())
        end = today.replace(day=1)
        start = (end - timedelta(days=1)).replace(day=1)
        since, until = self._calendar.at(start, 0), self._calendar.at(end, 0)
        needs = [n for n in await self._facts.needs_since(since, scope) if n.created_at < until]
        rides = [
            day
            for day in await self._facts.rides_happened_since(since, scope)
            if day < end.isoformat()
        ]
        counted = Counter(n.outcome for n in needs)
        return MonthlyReport(
            start,
            {outcome: counted.get(outcome, 0) for outcome in NeedOutcome},
            len(rides),
            _active_drivers(await self._facts.trips(scope), until),
            unmet_axes(needs),
            await self.dashboard(scope=scope),
        )

    async def reported(self, entry: AgendaEntry, outcome: Outcome) -> None:
        """Done for this month; the next one on the first of the next month."""
        now = self._clock.now()
        async with self._uow.transaction():
            await self._agenda.finish(entry.id, outcome, now)
            due = Due(Kind.MONTHLY_REPORT, NO_SUBJECT, self._next_month_start(now))
            await self._agenda.schedule([due], now)


def _active_drivers(trips: list[TripFact], until: datetime) -> int:
    """Drivers with a trip registered by then and not removed (paused ones count: they
    come back)."""
    return len({t.driver_id for t in trips if t.created_at < until and t.status != "deleted"})


def unmet_axes(needs: list[NeedFact]) -> list[Axis]:
    counted = Counter((n.origin, n.destination) for n in needs if n.outcome is NeedOutcome.UNMET)
    ordered = sorted(counted.items(), key=lambda item: (-item[1], item[0]))
    return [Axis(origin, destination, count) for (origin, destination), count in ordered][:MAX_AXES]
