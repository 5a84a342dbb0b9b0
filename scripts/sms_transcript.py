"""What a passenger and a driver read when they only text, and what each flow costs.

    uv run --frozen python scripts/sms_transcript.py

Runs the real bot (every handler, a SQLite file in a temporary folder) with the tests' stand-in
for the SMS gateway and Telegram (tests/phones.py), plays a driver who registers a trip by
text, a passenger who finds him by text, the driver's OUI, the evening's reminder and the
question the day after, and prints each text both ways with the segments it costs (GSM-7:
160 characters in one segment, 153 a segment beyond)."""

from __future__ import annotations

import asyncio
import sys
import tempfile
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from bot.places.gazetteer import Gazetteer  # noqa: E402
from handlers.sms.text import segments  # noqa: E402
from tests.conftest import DATA  # noqa: E402
from tests.phones import TextingBot  # noqa: E402
from tests.test_ride_life import paris  # noqa: E402

PAUL, MARIE = "06 45 11 22 33", "06 12 34 56 78"
DRIVER = ["je propose un trajet", "oui", "Paul Durand", "Cahors", "Figeac",
          "du lundi au vendredi", "7h30", "non", "2", "non", "1"]  # fmt: skip
PASSENGER = ["figeac mardi 9h", "oui", "Marie Dupont", "Cahors", "2", "1", "oui", "oui"]


class Costs:
    def __init__(self) -> None:
        self.by_flow: dict[str, tuple[int, int]] = {}

    def add(self, flow: str, texts: int, spent: int) -> None:
        sent, paid = self.by_flow.get(flow, (0, 0))
        self.by_flow[flow] = (sent + texts, paid + spent)


async def main() -> None:
    costs = Costs()
    with tempfile.TemporaryDirectory() as folder:
        bot = TextingBot(Path(folder), Gazetteer.load(("46",), DATA / "local_places.csv"))
        await bot.start()
        try:

            async def talk(flow: str, who: str, phone: str, words: list[str]) -> None:
                for said in words:
                    print(f"{who} > {said}")
                    for text in await bot.text(phone, said):
                        shown(flow, who, text)

            def shown(flow: str, who: str, text: str) -> None:
                count = segments(text)
                costs.add(flow, 1, count)
                print(
                    f"  < [{count} segment{'s' if count > 1 else ''}] "
                    + text.replace("\n", "\n    ")
                )

            print("== A driver registers a trip by text ==")
            await talk("driver registers", "Paul", PAUL, DRIVER)
            print("\n== A passenger finds him by text ==")
            await talk("passenger finds", "Marie", MARIE, PASSENGER)
            print("\n== The driver is asked, and answers by text ==")
            for text in bot.inbox(PAUL):
                shown("driver answers", "Paul", text)
            await talk("driver answers", "Paul", PAUL, ["OUI"])
            for text in bot.inbox(MARIE):
                shown("passenger told", "Marie", text)
            print("\n== The evening before, and the day after ==")
            await bot.run_until(paris("2026-11-23 18:00"))
            for phone, who in ((PAUL, "Paul"), (MARIE, "Marie")):
                for text in bot.inbox(phone):
                    shown("reminders", who, text)
            await bot.run_until(paris("2026-11-25 10:00"))
            for text in bot.inbox(MARIE):
                shown("day after", "Marie", text)
            await talk("day after", "Marie", MARIE, ["oui"])
        finally:
            await bot.stop()
    print("\n== What each flow costs ==")
    print(f"{'flow':<20} {'texts':>6} {'segments':>9}")
    total = (0, 0)
    for flow, (sent, paid) in costs.by_flow.items():
        print(f"{flow:<20} {sent:>6} {paid:>9}")
        total = (total[0] + sent, total[1] + paid)
    print(f"{'all':<20} {total[0]:>6} {total[1]:>9}")


if __name__ == "__main__":
    asyncio.run(main())
