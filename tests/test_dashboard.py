"""The team's dashboard: /stats sends a chart and the axes where needs go unmet; a monthly
report goes to the group."""

from __future__ import annotations

from datetime import UTC, datetime

from tests.conftest import RunningBot
from tests.test_find_flow import describe_need, driver
from tests.test_operators import team


async def some_needs(bot: RunningBot) -> None:
    jean = await driver(bot, 501, "Jean")  # Cahors → Figeac, 7h30 on working days
    lina = bot.fake.user(502, "Lina")
    await describe_need(lina)  # Cahors → Figeac: Jean can
    await lina.press("🚗 Demander à Jean M. (mar. 7h30)")
    await jean.press("✅ J'accepte")
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
    assert nadia.last().text == "Réservé à l'équipe locale de Mobilot." and not nadia.last().photo
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
