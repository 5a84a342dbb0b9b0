"""The deployed bot with a region's worth of data (not a test: prints figures).

    uv run python scripts/bench_bot.py [--trips 100000] [--needs 10000] [--people 20]
    uv run python scripts/bench_bot.py --trips 1000000 --postgresql
    uv run python scripts/bench_bot.py --database-url postgresql://…/empty_database

SQLite by default (a fresh file); ``--postgresql`` starts a throwaway PostgreSQL cluster under
/tmp (tests/postgres_cluster.py: Debian's initdb/pg_ctl, fsync off), ``--database-url`` fills
the (empty) database given. The rows go in with one ``executemany`` per table on SQLite and
with ``COPY`` on PostgreSQL, so a million trips take seconds, not minutes.

Fills a database with ``--trips`` active trips (the region workload of
scripts/bench_matching.py) and ``--needs`` open needs waiting for a driver, then starts the
deployed process, ``python -m bot``, with real long polling against the tests' fake Bot API
served over loopback HTTP (as scripts/fault_run.py does). Measures:

* start-up: from the process start to its first ``getUpdates`` (the trip index is loaded);
* from an update to its reply (the first message the bot sends or edits in that chat after
  it), for every step of ``--people`` passengers' searches (the last step runs the matching
  over every trip) and ``--people`` drivers' registrations (the last step looks for the
  waiting needs the new trip can serve among all the open needs), one person at a time;
* the process's resident memory (RSS) after all of it.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import os
import random
import signal
import statistics
import subprocess
import sys
import tempfile
import time as clock
from collections import defaultdict
from collections.abc import Awaitable, Callable, Sequence
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import uvicorn

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from bot.matching import MatchingParams  # noqa: E402
from bot.places.gazetteer import Gazetteer  # noqa: E402
from scripts.bench_matching import REGION, Territory, Workload, add_trips  # noqa: E402
from scripts.fault_run import FaultyBotAPI, free_port, stand_in_app  # noqa: E402
from storage.db import Database  # noqa: E402
from tests.fakebot import FakeUser  # noqa: E402

REPLIES = {"sendMessage", "editMessageText", "editMessageReplyMarkup", "sendDocument"}


class TimedBotAPI(FaultyBotAPI):
    """Remembers when the bot last wrote to each chat."""

    def __init__(self, **kwargs: Any) -> None:
        super().__init__(**kwargs)
        self.replied_at: dict[int, float] = defaultdict(float)

    async def do_request(
        self, url: str, method: str, request_data: Any = None, *a: Any, **k: Any
    ) -> tuple[int, bytes]:
        status, answer = await super().do_request(url, method, request_data, *a, **k)
        name = url.rsplit("/", 1)[-1]
        if status == 200 and name in REPLIES and request_data is not None:
            chat = int(request_data.parameters.get("chat_id", 0) or 0)
            self.replied_at[chat] = clock.monotonic()
        return status, answer


async def fill(path: Path | str, trips: int, needs: int, seed: int) -> None:
    url = str(path) if str(path).startswith("postgresql") else ""
    if url:
        from storage.postgres import PostgresDatabase

        database: Database = await PostgresDatabase.open(url)  # the migrations
    else:
        database = await Database.open(path)
    workload = Workload(
        "region", Territory.load(Gazetteer.load(()), REGION.split(",")), MatchingParams(), False
    )
    rng = random.Random(seed)
    now = datetime.now(UTC).isoformat()
    routes = [workload.trip(rng, n) for n in range(1, trips + 1)]
    trip_rows = [workload.trip_row(r, now) for r in routes]
    if url:
        await database.close()
        copy_trips(url, trip_rows, 1 + trips // 3)
    else:
        await add_trips(database, trip_rows, 1 + trips // 3)
    first_person = 2 + trips // 3
    rows = []
    today = datetime.now(UTC).date()
    for n in range(needs):
        query = workload.need(rng)
        dated = rng.random() < 0.5
        rows.append(
            (
                first_person + n,
                "o",
                "Origine",
                "46",
                query.origin.lat,
                query.origin.lon,
                "d",
                "Destination",
                "46",
                query.destination.lat,
                query.destination.lon,
                (today + timedelta(days=rng.randrange(2, 20))).isoformat() if dated else None,
                0 if dated else sum(1 << d for d in query.weekdays),
                query.mode.value,
                query.at.strftime("%H:%M"),
                "health",
                "searching" if rng.random() < 0.7 else "with_operators",
                now,
                now,
            )
        )
    if url:
        copy_needs(url, [(first_person + n, f"Passager {n}", now, now) for n in range(needs)], rows)
        return
    async with database.transaction() as connection:
        await connection.executemany(
            "INSERT INTO people (id, display_name, created_at, updated_at) VALUES (?, ?, ?, ?)",
            [(first_person + n, f"Passager {n}", now, now) for n in range(needs)],
        )
        await connection.executemany(
            "INSERT INTO needs (person_id, origin_id, origin_name, origin_department,"
            " origin_lat, origin_lon, destination_id, destination_name, destination_department,"
            " destination_lat, destination_lon, travel_date, weekdays, time_mode, at_time,"
            " purpose, status, created_at, updated_at)"
            " VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
            rows,
        )
    await database.close()


TRIP_COLUMNS = (
    "id, driver_id, origin_id, origin_name, origin_department, origin_lat, origin_lon,"
    " destination_id, destination_name, destination_department, destination_lat,"
    " destination_lon, weekdays, departure, return_time, seats, trip_date, created_at,"
    " updated_at, status"
)
NEED_COLUMNS = (
    "person_id, origin_id, origin_name, origin_department, origin_lat, origin_lon,"
    " destination_id, destination_name, destination_department, destination_lat,"
    " destination_lon, travel_date, weekdays, time_mode, at_time, purpose, status, created_at,"
    " updated_at"
)


def _copy(connection: Any, table: str, columns: str, rows: Sequence[Sequence[object]]) -> None:
    with connection.cursor() as cursor:
        with cursor.copy(f"COPY {table} ({columns}) FROM STDIN") as copy:
            for row in rows:
                copy.write_row(row)


def _resequence(connection: Any, table: str) -> None:
    connection.execute(
        f"SELECT setval(pg_get_serial_sequence('{table}', 'id'),"
        f" (SELECT COALESCE(MAX(id), 1) FROM {table}))"
    )


def copy_trips(url: str, rows: Sequence[tuple[object, ...]], drivers: int) -> None:
    """The trips and their drivers, with PostgreSQL's COPY (one statement per table)."""
    import psycopg

    now = datetime(2025, 3, 4, tzinfo=UTC).isoformat()
    with psycopg.connect(url) as connection:
        people = [(n, f"Driver {n}", now, now) for n in range(1, drivers + 1)]
        _copy(connection, "people", "id, display_name, created_at, updated_at", people)
        _copy(connection, "trips", TRIP_COLUMNS, [(*row, "active") for row in rows])
        _resequence(connection, "trips")
        connection.execute("ANALYZE trips")


def copy_needs(url: str, people: Sequence[tuple[object, ...]], rows: Sequence[tuple]) -> None:
    import psycopg

    with psycopg.connect(url) as connection:
        _copy(connection, "people", "id, display_name, created_at, updated_at", people)
        _copy(connection, "needs", NEED_COLUMNS, rows)
        for table in ("people", "needs"):
            _resequence(connection, table)
            connection.execute(f"ANALYZE {table}")


def rss_mib(pid: int) -> float:
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith("VmRSS:"):
            return int(line.split()[1]) / 1024
    return float("nan")


class Timer:
    def __init__(self, fake: TimedBotAPI) -> None:
        self.fake = fake
        self.times: dict[str, list[float]] = defaultdict(list)

    async def step(
        self,
        label: str,
        user: FakeUser,
        action: Callable[[], Awaitable[Any]],
        button: str | None = None,
    ) -> None:
        if button is not None:  # a loaded machine may show the last question a bit later
            deadline = clock.monotonic() + 20
            while not any(button in m.buttons for m in user.messages()):
                if clock.monotonic() > deadline:
                    raise TimeoutError(f"no button {button!r}")
                await asyncio.sleep(0.01)
        before = self.fake.replied_at[user.id]
        began = clock.monotonic()
        await action()
        deadline = began + 30
        while self.fake.replied_at[user.id] <= max(before, began):
            if clock.monotonic() > deadline:
                raise TimeoutError(f"no reply to {label!r}")
            await asyncio.sleep(0.0005)
        self.times[label].append((self.fake.replied_at[user.id] - began) * 1000)
        # The whole answer (an edit, then a new question) before the next step; one person
        # at a time, below Telegram's rate.
        last = self.fake.replied_at[user.id]
        while True:
            await asyncio.sleep(0.06)
            if self.fake.replied_at[user.id] == last:
                break
            last = self.fake.replied_at[user.id]


async def passenger(timer: Timer, user: FakeUser) -> None:
    step = timer.step
    await step("/start", user, lambda: user.command("start"))
    await step("/aide", user, lambda: user.command("aide"))
    await step("/chercher", user, lambda: user.command("chercher"))
    agree = "✅ J'accepte"  # the consent before a first need (not asked by older checkouts)
    if any(agree in m.buttons for m in user.messages()):
        await step("button", user, lambda: user.press(agree), agree)
    await step("typed origin", user, lambda: user.send("Cahors"))
    await step("typed destination", user, lambda: user.send("Figeac"))
    await step("typed day", user, lambda: user.send("mardi"))
    await step(
        "button",
        user,
        lambda: user.press("🏁 Arriver avant une heure"),
        "🏁 Arriver avant une heure",
    )
    await step("typed time", user, lambda: user.send("9h"))
    await step("button", user, lambda: user.press("➡️ Pas de retour"), "➡️ Pas de retour")
    await step("button", user, lambda: user.press("🩺 Santé"), "🩺 Santé")
    await step("button", user, lambda: user.press("Aucun"), "Aucun")
    await step(
        "search (matching)",
        user,
        lambda: user.press("✅ Chercher un conducteur"),
        "✅ Chercher un conducteur",
    )


async def driver(timer: Timer, user: FakeUser) -> None:
    step = timer.step
    await step("/proposer", user, lambda: user.command("proposer"))
    if "✅ J'accepte" in user.buttons():
        await step("button", user, lambda: user.press("✅ J'accepte"), "✅ J'accepte")
    await step("typed origin", user, lambda: user.send("Gramat"))
    await step("typed destination", user, lambda: user.send("Cahors"))
    weekly = "🔁 Chaque semaine"  # asked since one-off trips (not by older checkouts)
    if any(weekly in m.buttons for m in user.messages()):
        await step("button", user, lambda: user.press(weekly), weekly)
    await step("button", user, lambda: user.press("Lun → ven"), "Lun → ven")
    await step("button", user, lambda: user.press("✔️ Valider les jours"), "✔️ Valider les jours")
    await step("typed time", user, lambda: user.send("7h30"))
    await step("button", user, lambda: user.press("Pas de retour"), "Pas de retour")
    await step("button", user, lambda: user.press("3"), "3")
    await step("button", user, lambda: user.press("Passer"), "Passer")
    await step("button", user, lambda: user.press("Telegram seulement"), "Telegram seulement")
    await step(
        "register (announce)",
        user,
        lambda: user.press("✅ Enregistrer ce trajet"),
        "✅ Enregistrer ce trajet",
    )


def percentile(values: Sequence[float], p: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, round(p * (len(ordered) - 1)))]


async def run(args: argparse.Namespace) -> dict[str, Any]:
    folder = Path(tempfile.mkdtemp(prefix="mobilot-bench-"))
    database: Path | str = folder / "mobilot.sqlite3"
    cluster = None
    if args.postgresql and not args.database_url:
        from tests.postgres_cluster import Cluster as PostgresCluster

        cluster = PostgresCluster()
        cluster.start()
        database = cluster.create(template=None)
    elif args.database_url:
        database = args.database_url
    try:
        return await measure(args, folder, database)
    finally:
        if cluster is not None:
            cluster.stop()


async def measure(args: argparse.Namespace, folder: Path, database: Path | str) -> dict[str, Any]:
    t0 = clock.perf_counter()
    await fill(database, args.trips, args.needs, args.seed)
    filled = clock.perf_counter() - t0
    port = free_port()
    fake = TimedBotAPI(api_url=f"http://127.0.0.1:{port}")
    fake.deliver = "polling"
    fake.max_poll_wait = 1.0
    config = uvicorn.Config(
        stand_in_app(fake),
        host="127.0.0.1",
        port=port,
        log_level="warning",
        lifespan="off",
        access_log=False,
    )
    server = uvicorn.Server(config)
    serving = asyncio.create_task(server.serve())
    while not server.started:
        await asyncio.sleep(0.01)
    env = {
        **os.environ,
        "BOT_TOKEN": fake.token,
        "TELEGRAM_API_URL": fake.api_url,
        **(
            {"DATABASE_URL": str(database)}
            if str(database).startswith("postgresql")
            else {"DATABASE_PATH": str(database)}
        ),
        "OPERATOR_CHAT_ID": "-1001234567890",
        "TERRITORY_DEPARTMENTS": "46",
    }
    root = args.root or ROOT
    # another checkout (to compare before and after in one run) runs with its own packages
    python = str(root / ".venv" / "bin" / "python") if args.root else sys.executable
    began = clock.monotonic()
    bot = subprocess.Popen(
        [python, "-m", "bot"],
        cwd=root,
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=open(folder / "bot.log", "ab"),
    )
    try:
        while not fake.calls_to("getUpdates"):
            if bot.poll() is not None:
                raise RuntimeError(f"the bot stopped: see {folder / 'bot.log'}")
            await asyncio.sleep(0.005)
        startup = clock.monotonic() - began
        rss_started = rss_mib(bot.pid)
        timer = Timer(fake)
        for n in range(args.people):
            await passenger(timer, fake.user(5000 + n, f"Passager{n}"))
            await driver(timer, fake.user(6000 + n, f"Conducteur{n}", last_name="Martin"))
        rss = rss_mib(bot.pid)
    finally:
        bot.send_signal(signal.SIGTERM)
        bot.wait(timeout=30)
        server.should_exit = True
        await serving
    every = [t for times in timer.times.values() for t in times]
    return {
        "filled": filled,
        "startup": startup,
        "rss_started": rss_started,
        "rss": rss,
        "times": timer.times,
        "every": every,
    }


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n", 1)[0])
    parser.add_argument("--trips", type=int, default=100_000)
    parser.add_argument("--needs", type=int, default=10_000)
    parser.add_argument("--people", type=int, default=20)
    parser.add_argument("--seed", type=int, default=46)
    parser.add_argument(
        "--database-url", default="", help="an empty PostgreSQL database to fill and serve"
    )
    parser.add_argument(
        "--postgresql", action="store_true", help="on a throwaway PostgreSQL cluster under /tmp"
    )
    parser.add_argument("--json", type=Path, help="also write the figures there")
    parser.add_argument(
        "--root", type=Path, help="start the bot of another checkout (its .venv), to compare"
    )
    args = parser.parse_args(argv)
    result = asyncio.run(run(args))
    if args.json:
        every = result["every"]
        figures = {
            "startup_s": result["startup"],
            "rss_mib": result["rss"],
            "p50_ms": statistics.median(every),
            "p99_ms": percentile(every, 0.99),
        }
        args.json.write_text(json.dumps(figures))
    engine = "PostgreSQL" if args.postgresql or args.database_url else "SQLite"
    print(
        f"database ({engine}): {args.trips:,} active trips, {args.needs:,} open needs"
        f" (filled in {result['filled']:.1f} s)"
    )
    print(f"start-up to the first poll: {result['startup']:.2f} s")
    print(f"RSS: {result['rss_started']:.0f} MiB at start, {result['rss']:.0f} MiB after the run")
    print(f"{'step':<24} {'count':>5} {'p50 ms':>8} {'p99 ms':>8}")
    rows = sorted(result["times"].items()) + [("every update", result["every"])]
    for label, times in rows:
        print(
            f"{label:<24} {len(times):>5} {statistics.median(times):>8.1f}"
            f" {percentile(times, 0.99):>8.1f}"
        )
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
