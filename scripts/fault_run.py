"""Fault runs on the deployed process: `python -m bot`, real long polling over loopback HTTP,
against a Bot API stand-in that injects faults. Prints, per scenario, how many answers were
lost or doubled and how long answers took. Not a test: a measurement (a few minutes).

    uv run python scripts/fault_run.py            # every scenario
    uv run python scripts/fault_run.py kill       # one of: latency calm 429 5xx outage kill

The stand-in is the tests' fake Bot API (tests/fakebot.py) served over HTTP on 127.0.0.1.
Each simulated person sends /start then /aide; each must get exactly one greeting and one
help text. "Lost" counts answers missing at the end, "doubled" answers received twice.
"""

from __future__ import annotations

import asyncio
import json
import os
import random
import signal
import socket
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import Any
from urllib.parse import parse_qsl

import uvicorn
from starlette.applications import Starlette
from starlette.requests import Request
from starlette.responses import Response
from starlette.routing import Route

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from tests.fakebot import FakeBotAPI  # noqa: E402

SENDS = {"sendMessage", "editMessageText", "editMessageReplyMarkup", "answerCallbackQuery"}
_TEXT_PARAMS = {"text", "caption", "callback_query_id", "url", "secret_token"}
GREETING, HELP = "Bonjour", "/proposer"


class _Sent:
    """What the stand-in answered to each chat, with the real time of each send."""

    def __init__(self) -> None:
        self.first_at: dict[int, float] = {}


class FaultyBotAPI(FakeBotAPI):
    def __init__(self, **kwargs: Any) -> None:
        super().__init__(**kwargs)
        self.flood_rate = 0.0  # share of sends answered 429 (retry after 1 or 2 s)
        self.error_rate = 0.0  # share of sends answered 502
        self.sent = _Sent()
        self.injected = 0

    async def do_request(
        self, url: str, method: str, request_data: Any = None, *a: Any, **k: Any
    ) -> tuple[int, bytes]:
        name = url.rsplit("/", 1)[-1]
        if name in SENDS and not self.outage:
            roll = random.random()
            if roll < self.flood_rate:
                self.injected += 1
                wait = random.choice((1, 2))
                flood = {
                    "ok": False,
                    "error_code": 429,
                    "description": f"Too Many Requests: retry after {wait}",
                    "parameters": {"retry_after": wait},
                }
                return 429, json.dumps(flood).encode()
            if roll < self.flood_rate + self.error_rate:
                self.injected += 1
                gateway = {"ok": False, "error_code": 502, "description": "Bad Gateway"}
                return 502, json.dumps(gateway).encode()
        status, answer = await super().do_request(url, method, request_data, *a, **k)
        if status == 200 and name == "sendMessage" and request_data is not None:
            chat = int(request_data.parameters.get("chat_id", 0))
            self.sent.first_at.setdefault(chat, time.monotonic())
        return status, answer


class _Form:
    """A request's fields as python-telegram-bot's RequestData would hold them."""

    def __init__(self, parameters: dict[str, Any]) -> None:
        self.parameters = parameters
        self.contains_files = False
        self.multipart_data: dict[str, Any] = {}


def stand_in_app(fake: FaultyBotAPI) -> Starlette:
    async def call(request: Request) -> Response:
        # python-telegram-bot posts url-encoded fields (no file is sent in these runs).
        form = parse_qsl((await request.body()).decode(), keep_blank_values=True)
        parameters: dict[str, Any] = {}
        for key, value in form:
            text = str(value)
            if key in _TEXT_PARAMS:
                parameters[key] = text
                continue
            try:
                parameters[key] = json.loads(text)
            except ValueError:
                parameters[key] = text
        url = str(request.url).split("?", 1)[0]
        status, body = await fake.do_request(url, "POST", _Form(parameters))
        return Response(body, status_code=status, media_type="application/json")

    return Starlette(routes=[Route("/{path:path}", call, methods=["POST", "GET"])])


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


class Run:
    def __init__(self, name: str, people: int) -> None:
        self.name = name
        self.port = free_port()
        self.fake = FaultyBotAPI(api_url=f"http://127.0.0.1:{self.port}")
        self.fake.deliver = "polling"
        self.fake.max_poll_wait = 1.0
        self.people = people
        self.folder = Path(tempfile.mkdtemp(prefix=f"mobilot-{name}-"))
        self.bot: subprocess.Popen[bytes] | None = None
        self.asked_at: dict[int, float] = {}

    def start_bot(self) -> None:
        env = {
            **os.environ,
            "BOT_TOKEN": self.fake.token,
            "TELEGRAM_API_URL": self.fake.api_url,
            "DATABASE_PATH": str(self.folder / "mobilot.sqlite3"),
            "OPERATOR_CHAT_ID": "-1001234567890",
            "TERRITORY_DEPARTMENTS": "46",
        }
        self.bot = subprocess.Popen(
            [sys.executable, "-m", "bot"],
            cwd=ROOT,
            env=env,
            stdout=subprocess.DEVNULL,
            stderr=open(self.folder / "bot.log", "ab"),
        )

    def kill_bot(self) -> None:
        if self.bot is None:
            raise SystemExit("the bot is not running")
        self.bot.send_signal(signal.SIGKILL)
        self.bot.wait()

    def stop_bot(self) -> None:
        if self.bot is not None and self.bot.poll() is None:
            self.bot.send_signal(signal.SIGTERM)
            self.bot.wait(timeout=20)

    async def wait_started(self) -> float:
        began = time.monotonic()
        while not self.fake.calls_to("getUpdates"):
            await asyncio.sleep(0.02)
        return time.monotonic() - began

    async def one_by_one(self) -> list[float]:
        """Each person writes once the previous one was answered: the time from an update
        to its answer, without the queue of a burst."""
        delays = []
        self.users = []
        for i in range(self.people):
            user = self.fake.user(2000 + i, f"Q{i}")
            self.users.append(user)
            began = time.monotonic()
            await user.command("start")
            while self._count(user, GREETING) == 0:
                await asyncio.sleep(0.001)
            delays.append((time.monotonic() - began) * 1000)
            await user.command("aide")
            while self._count(user, HELP) == 0:
                await asyncio.sleep(0.001)
            # Below Telegram's 30 messages a second, which the bot's rate limiter keeps to:
            # this measures the way from an update to its answer, not that limit.
            await asyncio.sleep(0.15)
        return sorted(delays)

    async def burst(self) -> None:
        users = [self.fake.user(1000 + i, f"P{i}") for i in range(self.people)]
        for user in users:
            self.asked_at[user.id] = time.monotonic()
            await user.command("start")
            await user.command("aide")
        self.users = users

    async def settle(self, patience: float = 60.0) -> None:
        deadline = time.monotonic() + patience
        while time.monotonic() < deadline:
            if all(self._count(u, GREETING) >= 1 and self._count(u, HELP) >= 1 for u in self.users):
                await asyncio.sleep(2.0)  # let repeats, if any, arrive
                return
            await asyncio.sleep(0.1)

    @staticmethod
    def _count(user: Any, text: str) -> int:
        return sum(text in m.text for m in user.messages())

    def report(self) -> dict[str, Any]:
        lost = doubled = 0
        for user in self.users:
            for text in (GREETING, HELP):
                seen = self._count(user, text)
                lost += seen == 0
                doubled += max(0, seen - 1)
        delays = [
            (self.fake.sent.first_at[u.id] - self.asked_at[u.id]) * 1000
            for u in self.users
            if u.id in self.fake.sent.first_at and u.id in self.asked_at
        ]
        delays.sort()
        return {
            "scenario": self.name,
            "answers expected": 2 * len(self.users),
            "lost": lost,
            "doubled": doubled,
            "faults injected": self.fake.injected,
            "first answer p50 ms": round(statistics.median(delays)) if delays else None,
            "first answer p99 ms": round(delays[min(len(delays) - 1, int(len(delays) * 0.99))])
            if delays
            else None,
        }


async def scenario(name: str, people: int = 30) -> dict[str, Any]:
    run = Run(name, 100 if name == "latency" else people)
    config = uvicorn.Config(
        stand_in_app(run.fake),
        host="127.0.0.1",
        port=run.port,
        log_level="warning",
        lifespan="off",
        access_log=False,
    )
    server = uvicorn.Server(config)
    serving = asyncio.create_task(server.serve())
    while not server.started:
        await asyncio.sleep(0.01)
    run.start_bot()
    startup = await run.wait_started()
    try:
        if name == "latency":
            delays = await run.one_by_one()
            result = run.report()
            result["first answer p50 ms"] = round(statistics.median(delays), 1)
            result["first answer p99 ms"] = round(delays[int(len(delays) * 0.99) - 1], 1)
            result["start-up to first poll s"] = round(startup, 2)
            return result
        if name == "429":
            run.fake.flood_rate = 0.3
        elif name == "5xx":
            run.fake.error_rate = 0.3
        await run.burst()
        if name == "outage":
            run.fake.outage = True
            await asyncio.sleep(30)
            run.fake.outage = False
        elif name == "kill":
            await asyncio.sleep(0.4)  # some updates fetched, some handled, some sent
            run.kill_bot()
            run.start_bot()
        elif name in ("429", "5xx"):
            await asyncio.sleep(60)  # the faults go on for a minute
            run.fake.flood_rate = run.fake.error_rate = 0.0
        await run.settle()
        result = run.report()
        result["start-up to first poll s"] = round(startup, 2)
        return result
    finally:
        run.stop_bot()
        server.should_exit = True
        await serving


async def main(names: list[str]) -> None:
    for name in names:
        result = await scenario(name)
        print(json.dumps(result, ensure_ascii=False), flush=True)


if __name__ == "__main__":
    chosen = sys.argv[1:] or ["latency", "calm", "429", "5xx", "outage", "kill"]
    asyncio.run(main(chosen))
