"""Shared fixtures: the gazetteer (loaded once) and a running Mobilot behind the fake Bot API."""

from __future__ import annotations

import asyncio
import socket
import sqlite3
from collections.abc import AsyncIterator, Callable, Iterator
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any
from urllib.parse import unquote

import pytest
from pydantic import SecretStr

from bot.app import AGENDA_JOB, Mobilot, create_bot
from bot.places.gazetteer import Gazetteer
from bot.settings import Settings
from storage.db import Database
from tests import postgres_cluster
from tests.fakebot import FakeBotAPI

DATA = Path(__file__).parent / "data"
# As if a self-hosted Bot API server stood in for Telegram: nothing listens there, the fake
# answers beneath python-telegram-bot and refuses any URL that does not start with it.
API_URL = "http://127.0.0.1:8081"
OPERATORS = -1001234567890


# Monday 23 November 2026, 10:00 in Cahors.
START = datetime(2026, 11, 23, 9, 0, tzinfo=UTC)


class FakeClock:
    """The services' clock, moved by the tests instead of sleeping."""

    def __init__(self, now: datetime = START) -> None:
        self.current = now

    def now(self) -> datetime:
        return self.current

    def advance(self, **delta: float) -> None:
        self.current += timedelta(**delta)


# MOBILOT_TEST_DATABASE=postgresql: every test on a fresh PostgreSQL database of a throwaway
# cluster (tests/postgres_cluster.py), instead of a fresh SQLite file.
ON_POSTGRES = postgres_cluster.wanted()
# SQLite's own, whatever the engine under test (the schema of both is compared).
open_sqlite = Database.open
sqlite_only = pytest.mark.sqlite_only


def pytest_configure(config: pytest.Config) -> None:
    config.addinivalue_line(
        "markers", "sqlite_only(reason): the test is about SQLite itself; skipped on PostgreSQL"
    )


def pytest_collection_modifyitems(config: pytest.Config, items: list[pytest.Item]) -> None:
    if not ON_POSTGRES:
        return
    for item in items:
        marker = item.get_closest_marker("sqlite_only")
        if marker is not None:
            reason = marker.kwargs.get("reason") or (marker.args[0] if marker.args else "")
            item.add_marker(pytest.mark.skip(reason=f"SQLite only: {reason}"))


@pytest.fixture(scope="session")
def postgres() -> Iterator[postgres_cluster.Cluster | None]:
    """The tests' PostgreSQL cluster, with a template database that holds every migration;
    None when the tests run on SQLite."""
    if not ON_POSTGRES:
        yield None
        return
    cluster = postgres_cluster.Cluster()
    cluster.start()
    try:
        cluster.create_template()
        yield cluster
    finally:
        cluster.stop()


class PostgresDatabases:
    """Where a test would open a SQLite file, a PostgreSQL database of its own: the same path
    opened again (a restart) is the same database."""

    def __init__(self, cluster: postgres_cluster.Cluster) -> None:
        self.cluster = cluster
        self.urls: dict[str, str] = {}

    def url(self, path: Path | str) -> str:
        key = str(Path(path).resolve()) if str(path) != ":memory:" else f"memory-{len(self.urls)}"
        if key not in self.urls:
            self.urls[key] = self.cluster.create()
        return self.urls[key]

    def drop(self) -> None:
        for url in self.urls.values():
            self.cluster.drop(url)


@pytest.fixture(autouse=True)
def database_engine(
    postgres: postgres_cluster.Cluster | None, monkeypatch: pytest.MonkeyPatch
) -> Iterator[PostgresDatabases | None]:
    """On PostgreSQL, ``Database.open(path)`` opens the test's PostgreSQL database for that
    path, so the tests that open a database themselves run on the engine under test."""
    if postgres is None:
        yield None
        return
    from storage.postgres import PostgresDatabase

    databases = PostgresDatabases(postgres)

    async def open_on_postgres(path: Path | str) -> Database:
        return await PostgresDatabase.open(databases.url(path))

    monkeypatch.setattr(Database, "open", staticmethod(open_on_postgres))
    yield databases
    databases.drop()


@pytest.fixture(scope="session")
def gazetteer() -> Gazetteer:
    return Gazetteer.load(("46",), DATA / "local_places.csv")


class RunningBot:
    """The real Application with every handler, on a real SQLite file (or a PostgreSQL
    database, MOBILOT_TEST_DATABASE=postgresql), and the fake Bot API."""

    # Set by the autouse fixture when the tests run on PostgreSQL.
    databases: PostgresDatabases | None = None

    def __init__(
        self, tmp_path: Path, gazetteer: Gazetteer, *, rate_limit: bool = False, **settings: Any
    ) -> None:
        self.tmp_path = tmp_path
        # Telegram's limits, kept by the deliverer's budget on the tests' clock (not the real
        # one): off unless a test is about them.
        self.rate_limit = rate_limit
        self.gazetteer = gazetteer
        self.fake = FakeBotAPI(api_url=API_URL)
        settings.setdefault("territory_departments", ("46",))
        self.settings = Settings(
            _env_file=None,  # type: ignore[call-arg]
            bot_token=SecretStr(self.fake.token),
            telegram_api_url=API_URL,
            database_path=tmp_path / "mobilot.sqlite3",
            database_url=(
                SecretStr(self.databases.url(tmp_path / "mobilot.sqlite3"))
                if self.databases is not None
                else None
            ),
            operator_chat_id=OPERATORS,
            **settings,
        )
        self.mobilot: Mobilot | None = None
        self.clock = FakeClock()
        self.operators = self.fake.group(OPERATORS, "Équipe Mobilot")
        self.fake.now = self.clock.current
        # No network call inside a write transaction (bot/outside.py): every Bot API call
        # that reaches the fake (membership checks, file downloads) is made outside one.
        self.called_in_transaction: list[str] = []
        self.fake.before_call.append(self._outside_transactions)

    def _outside_transactions(self, method: str) -> None:
        if self.mobilot is not None and self.mobilot.database.in_transaction:
            self.called_in_transaction.append(method)

    @property
    def app(self) -> Mobilot:
        assert self.mobilot is not None
        return self.mobilot

    async def start(self, *, background: bool = False, serve_http: bool = False) -> None:
        self.mobilot = await create_bot(
            self.settings,
            request=self.fake,
            gazetteer=self.gazetteer,
            clock=self.clock,
            rate_limit=self.rate_limit,
        )
        self.fake.attach(self.mobilot.application)
        self.fake.receiver = self.mobilot.receive
        await self.mobilot.start(background=background, serve_http=serve_http)

    async def stop(self) -> None:
        if self.mobilot is not None:
            await self.mobilot.stop()
            self.mobilot = None
        assert self.called_in_transaction == [], "Bot API called inside a write transaction"

    async def restart(self) -> None:
        await self.stop()
        await self.start()

    async def crash_and_restart(self) -> None:
        """Restart from what is on disk right now, as after a power cut: no clean shutdown."""
        if self.settings.database_url is not None:
            # PostgreSQL: every connection dropped, what they had in flight rolled back by
            # the server, nothing more written by this process; then the same database.
            from storage.postgres import PostgresDatabase

            database = self.app.database
            assert isinstance(database, PostgresDatabase)
            await database.sever()
            assert self.databases is not None
            self.databases.cluster.cut(self.settings.database_url.get_secret_value())
            await self.stop()
            await self.start()
            return
        crashed = self.tmp_path / f"after-crash-{len(list(self.tmp_path.iterdir()))}.sqlite3"
        source = sqlite3.connect(self.settings.database_path)
        target = sqlite3.connect(crashed)
        source.backup(target)
        source.close()
        target.close()
        await self.stop()
        self.settings = self.settings.model_copy(update={"database_path": crashed})
        await self.start()

    async def later(self, **delta: float) -> None:
        """Let time pass, running the agenda's job at every moment something falls due (as
        the job queue would within its tick), then at the end."""
        await self.run_until(self.clock.current + timedelta(**delta))

    async def run_until(self, target: datetime) -> None:
        for _ in range(100_000):
            dues = [
                moment
                for moment in (
                    await self.app.deps.agenda.next_due(),
                    await self.app.core.delivery.next_attempt(),
                )
                if moment is not None
            ]
            next_due = min(dues, default=None)
            if next_due is None or next_due > target:
                break
            self._set_time(max(self.clock.current, next_due))
            await self.tick()
        else:
            raise AssertionError("the agenda keeps having something due")
        self._set_time(target)
        await self.tick()

    async def tick(self) -> None:
        job_queue = self.app.application.job_queue
        assert job_queue is not None
        [job] = job_queue.get_jobs_by_name(AGENDA_JOB)
        await job.run(self.app.application)
        await self.app.settle()

    def _set_time(self, moment: datetime) -> None:
        self.clock.current = moment
        self.fake.now = moment

    async def rows(self, sql: str, *parameters: Any) -> list[dict[str, Any]]:
        async with self.app.database.connection.execute(sql, parameters) as cursor:
            return [dict(row) for row in await cursor.fetchall()]

    def take_blocked_errors(self) -> None:
        """Writing to a user who blocked the bot (or never started it) is refused, as the test
        wanted."""
        self.fake.errors = [
            e
            for e in self.fake.errors
            if "blocked" not in e.description and "initiate" not in e.description
        ]

    def assert_clean(self) -> None:
        """Telegram refused nothing and no handler raised."""
        assert self.fake.errors == []
        assert self.fake.exceptions == []
        allowed = (f"{API_URL}/bot{self.fake.token}/", f"{API_URL}/file/bot{self.fake.token}/")
        assert all(unquote(url).startswith(allowed) for url in self.fake.urls)


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


async def eventually(check: Callable[[], bool], timeout: float = 5.0) -> None:
    """Wait (really) until `check()` holds: for tests of the background tasks."""
    for _ in range(int(timeout / 0.01)):
        if check():
            return
        await asyncio.sleep(0.01)
    raise AssertionError(f"still not so after {timeout} s")


@pytest.fixture(autouse=True)
def _running_bots_engine(database_engine: PostgresDatabases | None) -> Iterator[None]:
    RunningBot.databases = database_engine
    yield
    RunningBot.databases = None


@pytest.fixture
async def bot(tmp_path: Path, gazetteer: Gazetteer) -> AsyncIterator[RunningBot]:
    running = RunningBot(tmp_path, gazetteer)
    await running.start()
    yield running
    await running.stop()


# -- Shared set-ups (issue 26 item 6): each was copied in several test files. ----------------

# What an association running a Transport d'Utilité Sociale pays back per kilometre, in €.
TUS_RATE = 0.30


def paris(text: str) -> datetime:
    """ "2026-11-23 18:00" in Cahors, as a UTC moment."""
    from zoneinfo import ZoneInfo  # (imports of this block stay in it: fewer merge conflicts)

    return datetime.fromisoformat(text).replace(tzinfo=ZoneInfo("Europe/Paris")).astimezone(UTC)


@pytest.fixture
def tus_settings() -> dict[str, Any]:
    """The settings of `tus_bot`: a test module that needs more overrides this fixture."""
    return {"tus_eur_per_km": TUS_RATE}


@pytest.fixture
async def tus_bot(
    tmp_path: Path, gazetteer: Gazetteer, tus_settings: dict[str, Any]
) -> AsyncIterator[RunningBot]:
    """Mobilot for an association that drives its members (volunteers, a rate per km)."""
    running = RunningBot(tmp_path, gazetteer, **tus_settings)
    await running.start()
    yield running
    await running.stop()


@pytest.fixture
async def texting(tmp_path: Path, gazetteer: Gazetteer) -> AsyncIterator[Any]:
    """Mobilot reached by SMS as well (tests/phones.py: the gateway's stand-in)."""
    from tests.phones import TextingBot  # it builds on RunningBot, above

    running = TextingBot(tmp_path, gazetteer)
    await running.start()
    yield running
    await running.stop()
