"""The deliverer under load, against a stand-in Bot API (not a test: prints figures).

    uv run python scripts/bench_deliverer.py [--seconds 40] [--rate 25] [--rtt 0.05]
    uv run python scripts/bench_deliverer.py --before /work/main    # before and after

The stand-in Bot API (the tests' fake, served over loopback HTTP on 127.0.0.1) answers each
call after ``--rtt`` seconds, as Telegram does from a server in Europe. The bot's deliverer
runs in a process of its own (``create_bot`` as deployed: Telegram's limits kept, the
deliverer in the background) on a fresh database, where the load is written to the outbox as
handlers write it:

* the team's group is busy: ``--group-backlog`` messages to it are waiting at the start, and
  one more every 5 seconds (Telegram lets a group have 20 a minute);
* ``--rate`` private messages a second, each to one of ``--chats`` people, for ``--seconds``;
* a stand-in for the agenda's job runs the real agenda tick every ``--tick`` seconds, one
  after the other (as APScheduler with one instance at most), and measures how late each one
  starts.

Printed: the messages per second Telegram accepted during the load (all, and private ones),
the age of the oldest waiting private message (max and p99 of each message's wait, from
written to accepted; one still waiting at the end counts its age then), how late the agenda's
ticks were, and the sends beyond Telegram's limits (none expected). ``--before PATH`` runs the
deliverer of another checkout (with its own ``.venv``) first, then this one, and puts the
figures side by side; ``--root PATH`` runs only that one.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import random
import statistics
import sys
import tempfile
import time
from collections import deque
from collections.abc import Sequence
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]

OPERATORS = -1001234567890
FIRST_CHAT = 10_000
TOKEN = "123456:BENCH"
OVERALL, GROUP = (30, 1.0), (20, 60.0)  # Telegram's limits: messages, in seconds
SENDS = {"sendMessage", "editMessageText", "editMessageReplyMarkup", "sendDocument"}


# -- The stand-in Bot API (this process) -------------------------------------------------------


def stand_in(rtt: float, chats: int) -> Any:
    from scripts.fault_run import FaultyBotAPI

    class SlowBotAPI(FaultyBotAPI):
        """Answers after `rtt`; remembers when each message was accepted, and counts the
        sends beyond Telegram's limits."""

        def __init__(self, **kwargs: Any) -> None:
            super().__init__(**kwargs)
            self.accepted: list[tuple[float, int, str]] = []  # (time, chat, text)
            self.beyond = {"overall": 0, "group": 0}
            self._recent: deque[float] = deque()
            self._group: deque[float] = deque()

        async def do_request(
            self, url: str, method: str, request_data: Any = None, *a: Any, **k: Any
        ) -> tuple[int, bytes]:
            name = url.rsplit("/", 1)[-1]
            if name == "getUpdates":
                return await super().do_request(url, method, request_data, *a, **k)
            parameters = request_data.parameters if request_data is not None else {}
            chat = int(parameters.get("chat_id", 0) or 0)
            if name in SENDS:
                self._count(chat, time.time())
            await asyncio.sleep(rtt)
            status, answer = await super().do_request(url, method, request_data, *a, **k)
            if status == 200 and name == "sendMessage":
                self.accepted.append((time.time(), chat, str(parameters.get("text", ""))))
            return status, answer

        def _count(self, chat: int, now: float) -> None:
            for window, (count, seconds) in ((self._recent, OVERALL), (self._group, GROUP)):
                if window is self._group and chat != OPERATORS:
                    continue
                while window and window[0] <= now - seconds:
                    window.popleft()
                window.append(now)
                if len(window) > count:
                    self.beyond["group" if window is self._group else "overall"] += 1

    fake = SlowBotAPI(token=TOKEN)
    fake.group(OPERATORS, "Équipe Mobilot")
    for n in range(chats):
        user = fake.user(FIRST_CHAT + n, f"Personne{n}")
        user.started = True
    return fake


async def serve_and_run(args: argparse.Namespace, root: Path | None) -> dict[str, Any]:
    import uvicorn

    if str(ROOT) not in sys.path:
        sys.path.insert(0, str(ROOT))
    from scripts.fault_run import free_port, stand_in_app

    fake = stand_in(args.rtt, args.chats)
    port = free_port()
    fake.api_url = f"http://127.0.0.1:{port}"
    server = uvicorn.Server(
        uvicorn.Config(
            stand_in_app(fake),
            host="127.0.0.1",
            port=port,
            log_level="warning",
            lifespan="off",
            access_log=False,
        )
    )
    serving = asyncio.create_task(server.serve())
    while not server.started:
        await asyncio.sleep(0.01)
    folder = Path(tempfile.mkdtemp(prefix="mobilot-bench-deliverer-"))
    code = root or ROOT
    python = str(code / ".venv" / "bin" / "python") if root else sys.executable
    report = folder / "worker.json"
    command = [
        python,
        str(Path(__file__).resolve()),
        "--worker",
        "--code",
        str(code),
        "--api-url",
        fake.api_url,
        "--database",
        str(folder / "mobilot.sqlite3"),
        "--report",
        str(report),
        "--seconds",
        str(args.seconds),
        "--rate",
        str(args.rate),
        "--chats",
        str(args.chats),
        "--group-backlog",
        str(args.group_backlog),
        "--tick",
        str(args.tick),
        "--drain",
        str(args.drain),
        "--seed",
        str(args.seed),
    ]
    try:
        process = await asyncio.create_subprocess_exec(
            *command, cwd=code, stderr=open(folder / "worker.log", "ab")
        )
        await process.wait()
    finally:
        server.should_exit = True
        await serving
    if not report.exists():
        raise RuntimeError(f"the worker failed: see {folder / 'worker.log'}")
    worker = json.loads(report.read_text())
    return figures(worker, fake.accepted, fake.beyond)


def percentile(values: Sequence[float], p: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, round(p * (len(ordered) - 1)))] if ordered else 0.0


def figures(
    worker: dict[str, Any], accepted: list[tuple[float, int, str]], beyond: dict[str, int]
) -> dict[str, Any]:
    began, load_ended, ended = worker["began"], worker["load_ended"], worker["ended"]
    written: dict[str, float] = worker["private"]  # "#n" -> when written
    waits: list[float] = []
    arrived: set[str] = set()
    for at, chat, text in accepted:
        if chat > 0 and text.startswith("#"):
            key = text.split(" ", 1)[0]
            if key in written and key not in arrived:
                arrived.add(key)
                waits.append(at - written[key])
    still = [ended - at for key, at in written.items() if key not in arrived]
    window = [a for a in accepted if began <= a[0] <= load_ended]
    span = max(load_ended - began, 1e-9)
    lateness = worker["tick_lateness"]
    return {
        "messages_per_s": len(window) / span,
        "private_per_s": sum(1 for a in window if a[1] > 0) / span,
        "group_sent": sum(1 for a in accepted if a[1] == OPERATORS),
        "private_written": len(written),
        "private_delivered": len(arrived),
        "private_waiting_at_end": len(still),
        "oldest_wait_max_s": max(waits + still, default=0.0),
        "oldest_wait_p99_s": percentile(waits + still, 0.99),
        "wait_p50_s": statistics.median(waits + still) if waits or still else 0.0,
        "ticks_run": worker["ticks_run"],
        "ticks_planned": worker["ticks_planned"],
        "tick_late_max_s": max(lateness, default=0.0),
        "beyond_overall": beyond["overall"],
        "beyond_group": beyond["group"],
    }


# -- The worker: the bot's deliverer (the checkout under test) ---------------------------------


async def work(args: argparse.Namespace) -> None:
    sys.path.insert(0, str(args.code))
    from pydantic import SecretStr
    from telegram.ext import CallbackContext

    from bot.app import AGENDA_JOB, create_bot
    from bot.delivery import Outgoing
    from bot.places.gazetteer import Gazetteer
    from bot.settings import Settings

    settings = Settings(
        _env_file=None,  # type: ignore[call-arg]
        bot_token=SecretStr(TOKEN),
        telegram_api_url=args.api_url,
        database_path=args.database,
        operator_chat_id=OPERATORS,
        territory_departments=("46",),
    )
    mobilot = await create_bot(settings, gazetteer=Gazetteer.load(("46",)))
    await mobilot.start()  # no polling: the load is written to the outbox here
    application = mobilot.application
    if application.job_queue is None:
        raise SystemExit("the application has no job queue")
    [job] = application.job_queue.get_jobs_by_name(AGENDA_JOB)
    tick = job.callback
    job.schedule_removal()  # run by the stand-in below, to time it
    database, delivery = mobilot.core.database, mobilot.core.delivery
    rng = random.Random(args.seed)

    async def write(messages: list[tuple[int, str]]) -> None:
        async with database.transaction():
            for chat, text in messages:
                await delivery.write(Outgoing(chat, "sendMessage", {"chat_id": chat, "text": text}))
        mobilot.deliverer.wake()

    private: dict[str, float] = {}
    lateness: list[float] = []  # of each tick, when it started
    running: list[float] = []  # the planned time of a tick under way

    async def agenda(start: float) -> None:
        n = 0
        while True:
            planned = start + n * args.tick
            await asyncio.sleep(max(0.0, planned - time.time()))
            lateness.append(max(0.0, time.time() - planned))
            running.append(planned)
            await tick(CallbackContext.from_job(job, application))  # type: ignore[arg-type]
            running.pop()
            # A tick that overran: the ones missed meanwhile are skipped, as APScheduler does.
            n = max(n + 1, int((time.time() - start) / args.tick) + 1)

    mobilot.deliverer.start()
    began = time.time()
    await write([(OPERATORS, f"Équipe {n}") for n in range(args.group_backlog)])
    ticker = asyncio.create_task(agenda(began))
    total = int(args.seconds * args.rate)
    for n in range(total):
        await asyncio.sleep(max(0.0, began + n / args.rate - time.time()))
        key = f"#{n}"
        chat = FIRST_CHAT + rng.randrange(args.chats)
        private[key] = time.time()
        await write([(chat, f"{key} réponse")])
        if n % int(5 * args.rate) == 0 and n:
            await write([(OPERATORS, f"Équipe, encore {n}")])
    load_ended = time.time()
    drain_until = load_ended + args.drain
    while time.time() < drain_until:
        async with database.connection.execute(
            "SELECT COUNT(*) FROM outbox WHERE status = 'pending' AND chat_id > 0"
        ) as cursor:
            row = await cursor.fetchone()
        if row is None or row[0] == 0:
            break
        await asyncio.sleep(0.2)
    ended = time.time()
    ticks_run = len(lateness)
    if running:  # a tick still under way (waiting for the outbox to be empty): the next one
        lateness.append(max(0.0, ended - (running[0] + args.tick)))  # is that late already
    ticker.cancel()
    await asyncio.gather(ticker, return_exceptions=True)
    await mobilot.deliverer.stop()
    await mobilot.stop()
    args.report.write_text(
        json.dumps(
            {
                "began": began,
                "load_ended": load_ended,
                "ended": ended,
                "private": private,
                "tick_lateness": lateness,
                "ticks_run": ticks_run,
                "ticks_planned": int((ended - began) / args.tick) + 1,
            }
        )
    )


# -- Command line ------------------------------------------------------------------------------

ROWS = (
    ("messages per second sustained", "messages_per_s", "≥ 25", "{:.1f}"),
    ("  of which private", "private_per_s", "", "{:.1f}"),
    ("oldest waiting private message, max (s)", "oldest_wait_max_s", "< 5", "{:.2f}"),
    ("oldest waiting private message, p99 (s)", "oldest_wait_p99_s", "< 5", "{:.2f}"),
    ("private message wait, median (s)", "wait_p50_s", "", "{:.2f}"),
    ("private messages still waiting at the end", "private_waiting_at_end", "0", "{:d}"),
    ("team group messages sent", "group_sent", "", "{:d}"),
    ("agenda ticks run", "ticks_run", "", "{:d}"),
    ("  of those planned", "ticks_planned", "", "{:d}"),
    ("agenda tick lateness, max (s)", "tick_late_max_s", "< 1", "{:.2f}"),
    ("sends beyond 30 in a second", "beyond_overall", "0", "{:d}"),
    ("sends beyond 20 a minute to the group", "beyond_group", "0", "{:d}"),
)


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n", 1)[0])
    parser.add_argument("--seconds", type=float, default=40.0, help="of steady load")
    parser.add_argument("--rate", type=float, default=25.0, help="private messages a second")
    parser.add_argument("--chats", type=int, default=500)
    parser.add_argument("--group-backlog", type=int, default=200)
    parser.add_argument("--rtt", type=float, default=0.05, help="the Bot API's round trip (s)")
    parser.add_argument("--tick", type=float, default=1.0, help="the agenda's period (s)")
    parser.add_argument("--drain", type=float, default=15.0, help="at most, after the load")
    parser.add_argument("--seed", type=int, default=46)
    parser.add_argument("--json", type=Path, help="also write the figures there")
    parser.add_argument("--root", type=Path, help="only the deliverer of another checkout")
    parser.add_argument("--before", type=Path, help="another checkout first, then this one")
    # The worker's own (run by the above in a process of its own).
    parser.add_argument("--worker", action="store_true", help=argparse.SUPPRESS)
    parser.add_argument("--code", type=Path, help=argparse.SUPPRESS)
    parser.add_argument("--api-url", help=argparse.SUPPRESS)
    parser.add_argument("--database", type=Path, help=argparse.SUPPRESS)
    parser.add_argument("--report", type=Path, help=argparse.SUPPRESS)
    args = parser.parse_args(argv)
    if args.worker:
        asyncio.run(work(args))
        return 0
    runs: list[tuple[str, Path | None]] = (
        [("before", args.before.resolve()), ("after", None)]
        if args.before
        else [(str(args.root), args.root.resolve())]
        if args.root
        else [("this checkout", None)]
    )
    results = {label: asyncio.run(serve_and_run(args, root)) for label, root in runs}
    print(
        f"{args.seconds:g} s of {args.rate:g} private messages a second to {args.chats} people,"
        f" {args.group_backlog} waiting for the team's group, a {args.rtt * 1000:g} ms round trip"
    )
    labels = list(results)
    print(f"{'':<44}{'target':>8}" + "".join(f"{label[-14:]:>16}" for label in labels))
    for title, key, target, shape in ROWS:
        cells = "".join(f"{shape.format(results[label][key]):>16}" for label in labels)
        print(f"{title:<44}{target:>8}{cells}")
    if args.json:
        args.json.write_text(json.dumps(results[labels[-1]]))
    last = results[labels[-1]]
    ok = (
        last["private_delivered"] > 0
        and last["private_waiting_at_end"] == 0
        and last["beyond_overall"] + last["beyond_group"] == 0
    )
    if not ok:
        print("FAILED: private messages left waiting, or sends beyond Telegram's limits")
    return 0 if ok else 1


if __name__ == "__main__":
    raise SystemExit(main())
