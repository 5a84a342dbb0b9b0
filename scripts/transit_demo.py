"""A run of "when no driver can" for a closing note: the real Application (every handler) on a
SQLite file, the tests' fake Bot API, the tests' Lot-like GTFS feed and a services file.

- a passenger between two villages served by coach line 881 and by no driver sees the coach
  times (and one with a change), the local services, and the team sees them too;
- eight weeks of needs, rides and drivers, then /stats in the group: its chart is saved;
- a TUS association's members and trips, then the year's report for the préfet is saved.

Writes docs/transit/ (transcript, chart, report); not a test.

    uv run python scripts/transit_demo.py
"""

from __future__ import annotations

import asyncio
import importlib
import sys
import tempfile
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from bot.places.gazetteer import Gazetteer  # noqa: E402
from tests.fakebot import FakeUser, SentMessage  # noqa: E402
from tests.transit_feed import write_lot_feed  # noqa: E402

# The tests' helpers, loaded at run time (the test modules are not type-checked as a library).
_conftest = importlib.import_module("tests.conftest")
_find = importlib.import_module("tests.test_find_flow")
DATA, OPERATORS, RunningBot = _conftest.DATA, _conftest.OPERATORS, _conftest.RunningBot
describe_need, driver = _find.describe_need, _find.driver
SERVICES_CSV: str = importlib.import_module("tests.test_transit").SERVICES_CSV

OUT = ROOT / "docs" / "transit"


class Transcript:
    def __init__(self) -> None:
        self.lines: list[str] = []

    def said(self, who: str, text: str) -> None:
        self.lines.append(f"**{who}** → {text}")

    def answered(self, messages: list[SentMessage], where: str = "Mobilot") -> None:
        for message in messages:
            text = message.text.replace("\n", "\n> ")
            buttons = f"\n> [{' | '.join(message.buttons)}]" if message.buttons else ""
            photo = " (image)" if message.photo else ""
            self.lines.append(f"> _{where}{photo}_: {text}{buttons}")
        self.lines.append("")


async def search(
    transcript: Transcript,
    user: FakeUser,
    name: str,
    origin: str,
    destination: str,
    when: str,
    time: str,
) -> None:
    mark = user.mark()
    steps = [
        "/chercher", origin, destination, when, "[🕘 Partir après une heure]", time,
        "[➡️ Pas de retour]", "[🩺 Santé]", "[Aucun]", "[✅ Chercher un conducteur]",
    ]  # fmt: skip
    await describe_need(
        user,
        origin=origin,
        destination=destination,
        when=when,
        mode="🕘 Partir après une heure",
        time=time,
    )
    transcript.said(name, " · ".join(steps))
    replies = user.messages()[mark:]
    # The conversation's questions are the find flow's; what matters here is its answer.
    answer_from = next(
        i for i, m in enumerate(replies) if "conducteur" in m.text and "trouvé" in m.text
    )
    transcript.answered(replies[answer_from:])


async def weeks_of_activity(bot: Any) -> None:
    """Eight weeks: drivers join, some needs find one (and the ride happens), others not."""
    drivers = [await driver(bot, 600, "Jean")]
    people = iter(range(700, 800))
    passengers: list[FakeUser] = []
    for week in range(8):
        if week in (2, 4, 5):
            drivers.append(
                await driver(
                    bot,
                    601 + week,
                    f"Conducteur{week}",
                    origin="Cahors",
                    destination="Figeac",
                    time="7h30",
                )
            )
        for _ in range(1 + week % 3):
            lina = bot.fake.user(next(people), "Lina")
            passengers.append(lina)
            await describe_need(lina)  # Cahors → Figeac: a driver can
            offered = [b for m in lina.messages() for b in m.buttons if b.startswith("🚗")]
            if not offered:
                continue  # every driver's seats are taken that day
            await lina.press(offered[0])
            for d in drivers:
                if d.buttons() and "✅ J'accepte" in d.buttons():
                    await d.press("✅ J'accepte")
        unmet = [
            ("Montcuq-en-Quercy-Blanc", "Cahors"),
            ("Gourdon 46", "Souillac"),
            ("Lalbenque", "Cahors"),
            ("Montcuq-en-Quercy-Blanc", "Cahors"),
        ]
        for origin, destination in unmet[: 2 + week % 3]:
            await describe_need(
                bot.fake.user(next(people), "Paul"), origin=origin, destination=destination
            )
        await bot.later(days=2)
        for user in passengers:
            if "✅ Oui, il a eu lieu" in user.buttons():
                await user.press("✅ Oui, il a eu lieu")
        await bot.later(days=5)


async def main() -> None:
    OUT.mkdir(parents=True, exist_ok=True)
    gazetteer = Gazetteer.load(("46",), DATA / "local_places.csv")
    with tempfile.TemporaryDirectory() as folder:
        tmp = Path(folder)
        services = tmp / "services.csv"
        services.write_text(SERVICES_CSV, encoding="utf-8")
        bot = RunningBot(
            tmp,
            gazetteer,
            gtfs_files=str(write_lot_feed(tmp / "lio-lot.zip")),
            services_file=services,
            tus_eur_per_km=0.30,
        )
        # Monday 5 October 2026, 10:00 in Cahors: eight weeks later is the end of November.
        bot.clock.current = datetime(2026, 10, 5, 8, 0, tzinfo=UTC)
        bot.fake.now = bot.clock.current
        await bot.start()
        try:
            transcript = Transcript()
            transcript.lines += [
                "# A passenger between two villages served by a coach and by no driver",
                "",
                "Monday 5 October 2026. Feed: the tests' Lot-like GTFS (line 881 Cahors – Vers –"
                " Saint-Cirq-Lapopie – Cajarc – Figeac on working days; line 875 Lalbenque –"
                " Cahors). No driver is registered.",
                "",
            ]
            odette = bot.fake.user(401, "Odette", last_name="Vialard")
            await odette.command("start")
            group_mark = len(bot.operators.messages())
            await search(
                transcript, odette, "Odette", "Saint-Cirq-Lapopie", "Cajarc", "mardi", "7h"
            )
            transcript.lines += ["## What the team's group got", ""]
            transcript.answered(bot.operators.messages()[group_mark:], "team group")
            transcript.lines += ["## Nothing direct: one change (Lalbenque → Cajarc)", ""]
            andre = bot.fake.user(402, "André", last_name="Cayla")
            await andre.command("start")
            await search(transcript, andre, "André", "Lalbenque", "Cajarc", "mardi", "6h")
            (OUT / "transcript-coach.md").write_text("\n".join(transcript.lines) + "\n")

            # The dashboard, after eight weeks.
            olga = bot.fake.user(450, "Olga", last_name="Bru")
            bot.fake.set_member(OPERATORS, olga.id, "administrator")
            await weeks_of_activity(bot)
            mark = len(bot.operators.messages())
            await bot.operators.command(olga, "stats")
            chart, figures = bot.operators.messages()[mark:]
            if chart.document is None:
                raise SystemExit("/stats sent no chart")
            (OUT / "stats-chart.png").write_bytes(chart.document.content)
            (OUT / "stats-reply.md").write_text(
                f"Caption of the chart:\n\n{chart.text}\n\nThen:\n\n{figures.text}\n"
            )

            # A TUS association's year.
            for args in (
                "adherent Odette Vialard ; Cajarc ; ; 05 65 11 22 33",
                "adherent Marc Issaly ; Pradines ; AAH",
                "adherent Rose Delmas ; Lalbenque",
                "adherent Jeanne Roux ; Cahors",  # refused: Cahors is a town of 20,000
                "trajet Odette Vialard ; Cajarc ; Figeac ; 20/11",
                "trajet Odette Vialard ; Cajarc ; Cahors ; 27/10",
                "trajet Marc Issaly ; Pradines ; Cahors ; 12/11",
                "trajet Rose Delmas ; Lalbenque ; Cahors ; 25/11",
                "trajet Rose Delmas ; Lalbenque ; Toulouse",  # refused: beyond 100 km
                "rapport 2026",
            ):
                mark = len(olga.messages())
                await olga.command("tus", args)
                print(f"/tus {args}\n  → {olga.messages()[-1].text}\n")
            report = next(
                m
                for m in reversed(bot.operators.messages())
                if m.document and m.document.filename == "tus-rapport-2026.txt"
            )
            if report.document is None:
                raise SystemExit("no TUS report")
            (OUT / "tus-rapport-2026.txt").write_bytes(report.document.content)
            bot.assert_clean()
        finally:
            await bot.stop()
    print(f"written in {OUT}")


if __name__ == "__main__":
    asyncio.run(main())
