"""Statistics and CSV exports for the local team (phones only where their owner agreed)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any, Protocol

from bot.clock import Clock

# The one CSV writer lives in bot/spreadsheet.py; known here by its former names too.
from bot.spreadsheet import csv_bytes as csv_bytes
from bot.spreadsheet import neutralise as neutralise
from bot.territories import Scope

RECENT_DAYS = 30


class Reports(Protocol):
    async def counts(
        self, since: datetime | None, scope: Scope | None = None
    ) -> dict[str, Any]: ...

    async def trips(self, scope: Scope | None = None) -> list[dict[str, Any]]: ...

    async def needs(self, scope: Scope | None = None) -> list[dict[str, Any]]: ...

    async def introductions(self, scope: Scope | None = None) -> list[dict[str, Any]]: ...


@dataclass(frozen=True)
class Figures:
    drivers: int
    active_trips: int
    one_off_trips: int
    needs: int
    accepted: int
    happened: int
    by_status: dict[str, int]
    by_purpose: dict[str, int]


@dataclass(frozen=True)
class Statistics:
    recent: Figures  # the last RECENT_DAYS days
    overall: Figures


@dataclass(frozen=True)
class ExportTable:
    """One CSV file: its name, its table ("trips", "needs", "introductions") and its rows, with
    codes as stored; the adapter words them in the team's language."""

    name: str
    table: str
    rows: list[dict[str, Any]]


class ReportService:
    def __init__(self, reports: Reports, clock: Clock) -> None:
        self._reports = reports
        self._clock = clock

    async def statistics(self, scope: Scope | None = None) -> Statistics:
        """One team's figures (`scope`: its territory), or the whole deployment's."""
        since = self._clock.now() - timedelta(days=RECENT_DAYS)
        recent = await self._reports.counts(since, scope)
        overall = await self._reports.counts(None, scope)
        return Statistics(Figures(**recent), Figures(**overall))

    async def export(self, scope: Scope | None = None) -> list[ExportTable]:
        """One team's rows (`scope`: its territory), or the whole deployment's."""
        stamp = self._clock.now().strftime("%Y-%m-%d")
        return [
            ExportTable(f"mobilot-trips-{stamp}.csv", "trips", await self._reports.trips(scope)),
            ExportTable(f"mobilot-needs-{stamp}.csv", "needs", await self._reports.needs(scope)),
            ExportTable(
                f"mobilot-introductions-{stamp}.csv",
                "introductions",
                await self._reports.introductions(scope),
            ),
        ]
