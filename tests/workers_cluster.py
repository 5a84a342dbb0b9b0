"""Several real Mobilot worker processes on one database, Telegram played by the fake Bot API
served over loopback HTTP (bot/workers.py; tests/test_workers.py, scripts/bench_workers.py).

The test process serves the fake Bot API (`{TELEGRAM_API_URL}/bot{token}/METHOD`) and starts
each worker as `python -m bot` with WORKER_NAME set, long polling: the workers elect their
poller, claim the inbox's updates by chat, the outbox's messages and the agenda's entries.
The people are the fake's: what they send waits in the fake's getUpdates queue.

The database is the one the rest of the suite uses: a SQLite file (WAL mode) by default;
PostgreSQL when MOBILOT_TEST_DATABASE=postgresql: the test's own database of the throwaway
cluster (tests/test_workers.py, target), which the workers get as DATABASE_URL.
"""

from __future__ import annotations

import asyncio
import os
import signal
import sqlite3
import subprocess
import sys
import time
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from starlette.applications import Starlette

from handlers.http.server import HttpServer
from handlers.tryout import standin
from tests.fakebot import FakeBotAPI, FakeUser

ROOT = Path(__file__).resolve().parents[1]
OPERATORS = -1001234567890
# What each command answers (the first words of its one message), to read a chat's answers
# back as the commands they answer.
ANSWERS = {
    "aide": "Comment marche Mobilot",
    "confidentialite": "Vos données et Mobilot",
    "mestrajets": "Vous n'avez pas de trajet",
    "mesdemandes": "Vous n'avez pas de demande",
}
COMMANDS = ("aide", "confidentialite", "mestrajets", "mesdemandes")


def engine() -> str:
    return os.environ.get("MOBILOT_TEST_DATABASE", "sqlite")


class Store:
    """The test's own connection to the workers' database: a few reads and writes."""

    def __init__(self, tmp_path: Path, target: str | None = None) -> None:
        """`target`: a SQLite file or a postgresql:// URL (the benchmark's argument);
        without it, what the suite uses."""
        self.engine = engine()
        self.path = tmp_path / "mobilot.sqlite3"
        self.url = os.environ.get("MOBILOT_TEST_DATABASE_URL", "")
        if target is not None and target.startswith("postgresql"):
            self.engine, self.url = "postgresql", target
        elif target is not None:
            self.engine, self.path = "sqlite", Path(target)
        if self.engine == "postgresql" and not self.url:
            raise RuntimeError("MOBILOT_TEST_DATABASE=postgresql needs MOBILOT_TEST_DATABASE_URL")

    def environment(self) -> dict[str, str]:
        if self.engine == "postgresql":
            return {"DATABASE_URL": self.url}
        return {"DATABASE_PATH": str(self.path)}

    def rows(self, sql: str, *parameters: Any) -> list[tuple[Any, ...]]:
        if self.engine == "postgresql":
            import psycopg

            with psycopg.connect(self.url, autocommit=True) as served:
                cursor = served.execute(sql.replace("%", "%%").replace("?", "%s"), parameters)
                return list(cursor.fetchall()) if cursor.description else []
        connection = sqlite3.connect(self.path, timeout=30)
        try:
            with connection:
                return list(connection.execute(sql, parameters).fetchall())
        finally:
            connection.close()

    def value(self, sql: str, *parameters: Any) -> Any:
        rows = self.rows(sql, *parameters)
        return rows[0][0] if rows else None


@dataclass
class Worker:
    name: str
    process: subprocess.Popen[bytes]
    log: Path

    def output(self) -> str:
        return self.log.read_text(errors="replace")


@dataclass
class Cluster:
    """The fake Bot API, its people and group, and the workers."""

    tmp_path: Path
    lease_s: float = 2.0
    count: int = 2
    target: str | None = None  # a SQLite file or a postgresql:// URL; None: the suite's
    fake: FakeBotAPI = field(init=False)
    store: Store = field(init=False)
    workers: dict[str, Worker] = field(default_factory=dict)
    # Settings every worker gets besides (WEBHOOK_URL, HTTP_PORT…).
    extra: dict[str, str] = field(default_factory=dict)
    _server: HttpServer | None = None

    async def start_api(self) -> None:
        port = free_port()
        api_url = f"http://127.0.0.1:{port}{standin.PATH}"
        self.fake = FakeBotAPI(api_url=api_url)
        self.fake.deliver = "polling"
        self.fake.group(OPERATORS, "Équipe Mobilot")
        app = Starlette(routes=standin.routes(lambda: self.fake))
        self._server = HttpServer(app, "127.0.0.1", port)
        await self._server.start()
        self.store = Store(self.tmp_path, self.target)

    def environment(self, name: str) -> dict[str, str]:
        return {
            "PATH": os.environ.get("PATH", "/usr/bin:/bin"),
            "HOME": str(self.tmp_path),
            "PYTHONPATH": str(ROOT),
            "BOT_TOKEN": self.fake.token,
            "TELEGRAM_API_URL": self.fake.api_url,
            "OPERATOR_CHAT_ID": str(OPERATORS),
            "TERRITORY_DEPARTMENTS": "46",
            "WORKERS": str(self.count),
            "WORKER_NAME": name,
            "WORKER_LEASE_S": str(self.lease_s),
            "AGENDA_TICK_S": "0.5",
            **self.store.environment(),
            **self.extra,
        }

    def spawn(self, name: str, *, supervisor: bool = False) -> Worker:
        """A worker named `name`; `supervisor`: `python -m bot` without WORKER_NAME, which
        starts WORKERS of them itself."""
        log = self.tmp_path / f"{name}-{len(self.workers)}.log"
        environment = self.environment(name)
        if supervisor:
            del environment["WORKER_NAME"]
        with log.open("w") as sink:
            process = subprocess.Popen(
                [sys.executable, "-m", "bot"],
                cwd=self.tmp_path,
                env=environment,
                stdout=sink,
                stderr=sink,
            )
        worker = self.workers[name] = Worker(name, process, log)
        return worker

    async def start_workers(self, names: Sequence[str]) -> None:
        started = [self.spawn(name) for name in names]
        deadline = time.monotonic() + 90
        for worker in started:
            while "Mobilot is running" not in worker.output():
                if worker.process.poll() is not None or time.monotonic() > deadline:
                    raise AssertionError(f"worker {worker.name} did not start:\n{worker.output()}")
                await asyncio.sleep(0.1)

    def kill(self, name: str) -> None:
        """kill -9: no clean stop, nothing let go."""
        worker = self.workers[name]
        worker.process.send_signal(signal.SIGKILL)
        worker.process.wait()

    async def stop(self) -> None:
        for worker in self.workers.values():
            if worker.process.poll() is None:
                worker.process.send_signal(signal.SIGTERM)
        for worker in self.workers.values():
            for _ in range(300):
                if worker.process.poll() is not None:
                    break
                await asyncio.sleep(0.1)
            else:
                worker.process.kill()
                worker.process.wait()
        if self._server is not None:
            await self._server.stop()

    def poller(self) -> str | None:
        holder = self.store.value("SELECT holder FROM leases WHERE name = 'telegram-poller'")
        return str(holder) if holder is not None else None

    # People and what they receive.

    def people(self, count: int, first_id: int = 7001) -> list[FakeUser]:
        return [self.fake.user(first_id + i, f"Personne{i}") for i in range(count)]

    async def burst(self, people: Sequence[FakeUser], rounds: int) -> list[tuple[int, str]]:
        """Every person sends `rounds` commands, all at once; returns (chat, command) in the
        order sent."""
        sent = []
        for turn in range(rounds):
            command = COMMANDS[turn % len(COMMANDS)]
            for person in people:
                await person.command(command)
                sent.append((person.id, command))
        return sent

    def answers(self, person: FakeUser) -> list[str]:
        """The commands this person's answers answer, in the order they arrived."""
        said = []
        for message in person.messages():
            text = message.text or ""
            said.append(next((c for c, start in ANSWERS.items() if text.startswith(start)), text))
        return said

    async def until_answered(
        self,
        people: Sequence[FakeUser],
        rounds: int,
        timeout: float = 120.0,
        *,
        repeats: bool = True,
    ) -> float:
        """Wait until everyone has at least `rounds` answers; returns the seconds it took.
        `repeats=False`: a message sent again after a kill does not count (collapse_repeats)."""

        def count(person: FakeUser) -> int:
            if repeats:
                return len(person.messages())
            return len(collapse_repeats(self.answers(person))[0])

        began = time.monotonic()
        while any(count(person) < rounds for person in people):
            if time.monotonic() - began > timeout:
                missing = sum(max(0, rounds - count(p)) for p in people)
                raise AssertionError(f"{missing} answers still missing after {timeout} s")
            await asyncio.sleep(0.05)
        return time.monotonic() - began


class Timed:
    """When each message reached the fake Telegram, by chat (the fake's sendMessage, timed)."""

    def __init__(self, cluster: Cluster) -> None:
        from handlers.tryout.methods import METHODS

        self.replies: dict[int, list[float]] = {}
        self.all: list[float] = []
        send = METHODS["sendMessage"]

        async def timed(fake: Any, call: Any) -> Any:
            result = await send(fake, call)
            now = time.monotonic()
            self.replies.setdefault(int(call.params["chat_id"]), []).append(now)
            self.all.append(now)
            return result

        cluster.fake.METHODS = {**METHODS, "sendMessage": timed}  # type: ignore[misc]

    def most_in_a_second(self) -> int:
        """The most messages Telegram received within any one second."""
        moments = sorted(self.all)
        most, first = 0, 0
        for last, moment in enumerate(moments):
            while moment - moments[first] >= 1.0:
                first += 1
            most = max(most, last - first + 1)
        return most


def collapse_repeats(said: Sequence[str]) -> tuple[list[str], int]:
    """A message sent again after a kill arrives right after itself (its chat waits for it):
    the answers without those repeats, and how many there were."""
    kept: list[str] = []
    repeats = 0
    for answer in said:
        if kept and kept[-1] == answer:
            repeats += 1
        else:
            kept.append(answer)
    return kept, repeats


def free_port() -> int:
    import socket

    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])
