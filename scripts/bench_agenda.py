"""How the agenda's queries behave with many pending entries (prints figures, asserts nothing).

    uv run python scripts/bench_agenda.py [ENTRIES]

The job asks every 30 seconds what is due now and (in tests) when the next entry falls due;
both go through the index on (status, due_at), so they should stay around a millisecond
whatever the number of pending entries.
"""

from __future__ import annotations

import asyncio
import statistics
import sys
import tempfile
import time
from datetime import UTC, datetime, timedelta
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from bot.agenda import Due, Kind  # noqa: E402
from storage.agenda import SqlAgenda  # noqa: E402
from storage.db import Database  # noqa: E402


async def main(entries: int) -> None:
    with tempfile.TemporaryDirectory() as folder:
        database = await Database.open(Path(folder) / "agenda.sqlite3")
        agenda = SqlAgenda(database)
        now = datetime(2026, 11, 23, 9, tzinfo=UTC)
        kinds = list(Kind)
        started = time.perf_counter()
        await agenda.schedule(
            [
                Due(kinds[i % len(kinds)], i, now + timedelta(minutes=i % 40_000))
                for i in range(entries)
            ],
            now,
        )
        print(f"{entries:,} entries scheduled in {time.perf_counter() - started:.1f} s")
        for name, query in (
            ("due now (100 at most)", lambda: agenda.due(now + timedelta(minutes=10), 100)),
            ("next due", agenda.next_due),
        ):
            timings = []
            for _ in range(50):
                started = time.perf_counter()
                await query()
                timings.append((time.perf_counter() - started) * 1000)
            print(f"{name}: median {statistics.median(timings):.2f} ms, max {max(timings):.2f} ms")
        await database.close()


if __name__ == "__main__":
    asyncio.run(main(int(sys.argv[1]) if len(sys.argv) > 1 else 50_000))
