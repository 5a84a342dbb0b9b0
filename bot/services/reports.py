"""Statistics and CSV exports for the local team (phones only where their owner agreed)."""

from __future__ import annotations

import csv
import io
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any, Protocol

from bot.clock import Clock

RECENT_DAYS = 30


class Reports(Protocol):
    async def counts(self, since: datetime | None) -> dict[str, Any]: ...

    async def trips(self) -> list[dict[str, Any]]: ...

    async def needs(self) -> list[dict[str, Any]]: ...

    async def introductions(self) -> list[dict[str, Any]]: ...


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
class ExportFile:
    name: str
    content: bytes


class ReportService:
    def __init__(self, reports: Reports, clock: Clock) -> None:
        self._reports = reports
        self._clock = clock

    async def statistics(self) -> Statistics:
        recent = await self._reports.counts(self._clock.now() - timedelta(days=RECENT_DAYS))
        overall = await self._reports.counts(None)
        return Statistics(Figures(**recent), Figures(**overall))

    async def export(self) -> list[ExportFile]:
        stamp = self._clock.now().strftime("%Y-%m-%d")
        return [
            ExportFile(f"mobilot-trips-{stamp}.csv", _csv(await self._reports.trips())),
            ExportFile(f"mobilot-needs-{stamp}.csv", _csv(await self._reports.needs())),
            ExportFile(
                f"mobilot-introductions-{stamp}.csv", _csv(await self._reports.introductions())
            ),
        ]


def _csv(rows: list[dict[str, Any]]) -> bytes:
    """UTF-8 with a byte-order mark, so that a spreadsheet opens accents right."""
    buffer = io.StringIO()
    if rows:
        writer = csv.DictWriter(buffer, fieldnames=list(rows[0]))
        writer.writeheader()
        writer.writerows(rows)
    return ("\ufeff" + buffer.getvalue()).encode("utf-8")
