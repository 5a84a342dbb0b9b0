"""The team's dashboard: /stats sends a chart and the axes where needs go unmet; a monthly
report goes to the group."""

from __future__ import annotations

from datetime import UTC, datetime
from zoneinfo import ZoneInfo

from bot.agenda import Calendar
from bot.services.dashboard import DashboardService, NeedFact, NeedOutcome, TripFact
from bot.services.reports import ReportService
from bot.territories import Scope
from handlers import keyboards as kb
from tests.conftest import FakeClock, RunningBot
from tests.memory import MemoryAgenda, MemoryStore, MemoryUnitOfWork
from tests.setups import describe_need, driver, reads, team


async def some_needs(bot: RunningBot) -> None:
    jean = await driver(bot, 501, "Jean")  # Cahors → Figeac, 7h30 on working days
    lina = bot.fake.user(502, "Lina")
    await describe_need(lina)  # Cahors → Figeac: Jean can
    await lina.press_doing(kb.NEED, "ask", naming="Jean M.")
    await jean.press_doing(kb.INTRO, "yes")
    for user_id, name in ((503, "Paul"), (504, "Rose")):
        person = bot.fake.user(user_id, name)
        await describe_need(
            person, origin="Montcuq-en-Quercy-Blanc", destination="Cahors"
        )  # nobody
    await describe_need(bot.fake.user(505, "Yves"), origin="Gourdon 46", destination="Souillac")


async def test_stats_sends_the_chart_and_where_drivers_are_missing(bot: RunningBot) -> None:
    olga, _, nadia = team(bot)
    await some_needs(bot)
    mark = olga.mark()
    await olga.command("stats")
    chart, figures = olga.messages()[mark:]
    assert chart.photo and chart.document is not None
    assert chart.document.content.startswith(b"\x89PNG")
    assert "Où il manque des conducteurs" in chart.text
    lines = chart.text.splitlines()
    assert lines[1] == "• Montcuq-en-Quercy-Blanc → Cahors : 2"
    assert lines[2] == "• Gourdon → Souillac : 1"
    assert "Mobilot en chiffres" in figures.text
    await nadia.command("stats")
    assert nadia.last().text == reads(bot, "operators.only") and not nadia.last().photo
    bot.assert_clean()


async def test_a_monthly_report_goes_to_the_group(bot: RunningBot) -> None:
    await some_needs(bot)
    before = len(bot.operators.messages())
    await bot.run_until(datetime(2026, 12, 1, 7, 30, tzinfo=UTC))  # 8h30 in Cahors
    posted = bot.operators.messages()[before:]
    report = next(m for m in posted if "Bilan de novembre 2026" in m.text)
    assert "Demandes : 4 · résolues : 1 · sans solution : 3" in report.text
    assert "Où il manque des conducteurs (demandes sans solution du mois)" in report.text
    assert "Montcuq-en-Quercy-Blanc → Cahors : 2" in report.text
    assert "Cahors → Figeac" not in report.text  # Jean took that one
    chart = posted[posted.index(report) + 1]
    assert chart.photo and chart.document is not None
    # The next one is on the agenda for the first of January.
    [entry] = await bot.rows(
        "SELECT due_at FROM agenda WHERE kind = 'monthly_report' AND status = 'pending'"
    )
    assert entry["due_at"].startswith("2027-01-01T07:00")
    bot.assert_clean()


class Facts:
    """The dashboard's facts in memory (the port storage/dashboard.py implements)."""

    def __init__(self, needs: list[NeedFact], rides: list[str], trips: list[TripFact]) -> None:
        self._needs, self._rides, self._trips = needs, rides, trips

    async def needs_since(self, since: datetime, scope: Scope | None = None) -> list[NeedFact]:
        return [n for n in self._needs if n.created_at >= since]

    async def rides_happened_since(self, since: datetime, scope: Scope | None = None) -> list[str]:
        return [day for day in self._rides if day >= since.date().isoformat()]

    async def trips(self, scope: Scope | None = None) -> list[TripFact]:
        return self._trips


def at(day: int, month: int = 11) -> datetime:
    return datetime(2026, month, day, 9, 0, tzinfo=UTC)


async def test_the_weeks_and_axes_from_the_facts() -> None:
    needs = [
        NeedFact(at(16), "matched", None, "Cahors", "Figeac"),
        NeedFact(at(17), "closed", "solved_other", "Gramat", "Figeac"),
        NeedFact(at(17), "expired", None, "Montcuq", "Cahors"),
        NeedFact(at(18), "closed", "no_driver", "Montcuq", "Cahors"),
        NeedFact(at(23), "with_operators", None, "Gourdon", "Souillac"),
        NeedFact(at(23), "cancelled", None, "Gourdon", "Souillac"),
        NeedFact(at(23), "searching", None, "Cahors", "Figeac"),
    ]
    trips = [
        TripFact(1, at(2), "active"),
        TripFact(2, at(19), "paused"),
        TripFact(3, at(10), "deleted"),
    ]
    store = MemoryStore()
    service = DashboardService(
        facts=Facts(needs, ["2026-11-17", "2026-11-24"], trips),
        reports=ReportService(None, FakeClock()),  # type: ignore[arg-type]
        clock=FakeClock(),
        calendar=Calendar(ZoneInfo("Europe/Paris")),
        agenda=MemoryAgenda(store),
        unit_of_work=MemoryUnitOfWork(store),
        report_hour=8,
    )
    dashboard = await service.dashboard(weeks=2)
    last_week, this_week = dashboard.weeks
    assert (
        last_week.start.isoformat() == "2026-11-16" and this_week.start.isoformat() == "2026-11-23"
    )
    assert last_week.needs[NeedOutcome.FOUND] == 1
    assert last_week.needs[NeedOutcome.OTHER_WAY] == 1
    assert last_week.needs[NeedOutcome.UNMET] == 2
    assert this_week.needs[NeedOutcome.UNMET] == 1
    assert this_week.needs[NeedOutcome.CANCELLED] == 1
    assert this_week.needs[NeedOutcome.WAITING] == 1
    assert (last_week.rides, this_week.rides) == (1, 1)
    # A removed trip's driver no longer counts; one paused does (they come back).
    assert (last_week.drivers, this_week.drivers) == (2, 2)
    assert [(a.origin, a.destination, a.unmet) for a in dashboard.axes] == [
        ("Montcuq", "Cahors", 2),
        ("Gourdon", "Souillac", 1),
    ]
