"""Try mode's assembly: Mobilot without Telegram, on a local page (no BOT_TOKEN).

The real bot (`create_bot`, every handler, the inbox, the outbox and the deliverer, long
polling) is pointed by TELEGRAM_API_URL at a stand-in for the Bot API served by the same HTTP
server as the page, on 127.0.0.1:TRY_PORT. Its SMS channel is on too: SMS_GATEWAY_URL points
at a stand-in for Kannel's sendsms on that same server (handlers/tryout/smsgate.py), which
passes what the page's simple phones type to Mobilot's own HTTP side, served on another
loopback port as a deployed bot serves it (HTTP_PORT), with a secret drawn at each start. Try
mode keeps its own database (TRY_DATABASE, emptied at each start and reset), never
DATABASE_PATH, and a clock the page moves forward.
"""

from __future__ import annotations

import asyncio
import itertools
import secrets
import socket
from dataclasses import dataclass
from datetime import datetime, timedelta
from pathlib import Path
from zoneinfo import ZoneInfo

from pydantic import SecretStr
from starlette.applications import Starlette
from starlette.middleware import Middleware
from starlette.middleware.trustedhost import TrustedHostMiddleware

from bot.app import AGENDA_JOB, Mobilot, create_bot
from bot.domain import NotWired
from bot.languages import LANGUAGES
from bot.places.gazetteer import Gazetteer
from bot.settings import Settings
from handlers.http.server import HttpServer
from handlers.tryout import page, smsgate, standin
from handlers.tryout.botapi import FakeBotAPI
from handlers.tryout.clock import MovableClock
from handlers.tryout.demo import (
    DEPARTMENTS,
    OPERATORS_GROUP,
    SMS_NUMBER,
    TryPerson,
    add_to_telegram,
    seed,
)
from handlers.tryout.smsgate import FakeKannel

HOST = "127.0.0.1"  # loopback only: the page lets anyone play anyone
TRY_DATABASE = Path("data/try.sqlite3")
TOKEN = "4600000001:TRY-MODE-NOT-A-REAL-TOKEN"
BOT_USERNAME = "mobilot_essai_bot"
SMS_USERNAME = "mobilot"
# Moving the clock runs each moment something falls due, in order; a bound against a loop.
MAX_STEPS = 2_000


@dataclass
class _Session:
    standin: FakeBotAPI
    mobilot: Mobilot
    people: list[TryPerson]
    sms: FakeKannel


class TryMode:
    def __init__(self, settings: Settings, port: int, database: Path = TRY_DATABASE) -> None:
        self.port = port
        self.url = f"http://{HOST}:{port}"
        self.database = database
        self.clock = MovableClock()
        self.settings = settings.model_copy(
            update={
                "bot_token": SecretStr(TOKEN),
                "telegram_api_url": f"{self.url}{standin.PATH}",
                "database_path": database,
                "database_url": None,  # always its own SQLite file, even beside PostgreSQL
                "operator_chat_id": OPERATORS_GROUP,
                "territory_departments": settings.territory_departments or DEPARTMENTS,
                "http_port": None,  # chosen at the start: Mobilot's HTTP side, for texts
                "http_host": HOST,
                "webhook_url": None,
                # Whatever .env says of a real gateway: the stand-in, with credentials and a
                # secret of this run only.
                "sms_gateway_url": f"{self.url}{smsgate.SENDSMS}",
                "sms_username": SMS_USERNAME,
                "sms_password": SecretStr(secrets.token_urlsafe(16)),
                "sms_number": SMS_NUMBER,
                "sms_secret": SecretStr(secrets.token_urlsafe(24)),
                "sms_callback_url": None,
                "sms_monthly_segments": None,
            }
        )
        self._gazetteer: Gazetteer | None = None
        self._session: _Session | None = None
        self._server: HttpServer | None = None
        self._lock = asyncio.Lock()
        self._ids = itertools.count(3001)
        self.language: str = self.settings.default_language

    # What the page needs (handlers/tryout/page.TryControl).

    @property
    def standin(self) -> FakeBotAPI:
        return self._current.standin

    @property
    def people(self) -> list[TryPerson]:
        return self._current.people

    @property
    def sms(self) -> FakeKannel:
        return self._current.sms

    @property
    def zone(self) -> ZoneInfo:
        return self.settings.zone

    @property
    def default_language(self) -> str:
        return self.settings.default_language

    def now(self) -> datetime:
        return self.clock.now()

    def add_person(self, name: str, operator: bool, language: str) -> TryPerson:
        first, _, last = name.partition(" ")
        user_id = next(self._ids)
        phone = f"+33 6 30 00 {user_id // 100 % 100:02d} {user_id % 100:02d}"
        role = "operator" if operator else "person"
        language = language if language in LANGUAGES else self.default_language
        person = TryPerson(user_id, first, last, None, phone, role, language)
        add_to_telegram(self.standin, person)
        self.people.append(person)
        self.standin.changed()
        return person

    async def move_clock(self, to: datetime) -> None:
        """Live the time until `to`: at every moment something falls due (a reminder, a
        question, the digest, a message waiting for the morning), as the agenda's job would."""
        async with self._lock:
            mobilot = self._current.mobilot
            last: datetime | None = None
            for _ in range(MAX_STEPS):
                dues = [
                    moment
                    for moment in (
                        await mobilot.deps.agenda.next_due(),
                        await mobilot.core.delivery.next_attempt(),
                    )
                    if moment is not None
                ]
                due = min(dues, default=None)
                if due is None or due > to or due == last:  # nothing more, or stuck: on to `to`
                    break
                last = due
                self.clock.move_to(due)
                await self._run_agenda(mobilot)
            self.clock.move_to(to)
            await self._run_agenda(mobilot)
            self.standin.changed()

    async def reset(self, language: str | None = None) -> None:
        """Everything from the start again; the people's Telegram in `language` if given."""
        async with self._lock:
            if language in LANGUAGES:
                self.language = language
            old = self._current
            await old.mobilot.stop()
            await old.sms.close()
            old.standin.wake_waiters()
            self.clock.offset = timedelta()
            self._session = await self._open()
            await self._session.mobilot.start(background=True, serve_http=True)
            # Pages waiting on the old stand-in look again, and see a version they never saw.
            self.standin.version = old.standin.version + 1
            old.standin.changed()

    # Start and stop.

    async def start(self) -> None:
        self._gazetteer = await asyncio.to_thread(
            Gazetteer.load, self.settings.territory_departments, self.settings.local_places_file
        )
        # Mobilot's HTTP side (where the gateway passes texts on): a free loopback port, the
        # same one after each reset.
        self.settings = self.settings.model_copy(update={"http_port": _free_port()})
        self._session = await self._open()
        # Only pages served from this computer's own names: another site cannot reach the page
        # by pointing a name of its own at 127.0.0.1 (DNS rebinding).
        hosts = ["127.0.0.1", "localhost"]
        app = Starlette(
            routes=[
                *standin.routes(lambda: self.standin),
                *smsgate.routes(lambda: self.sms),
                *page.routes(self),
            ],
            middleware=[Middleware(TrustedHostMiddleware, allowed_hosts=hosts)],
        )
        self._server = HttpServer(app, HOST, self.port)
        try:
            await self._server.start()
        except BaseException:
            await self._current.mobilot.stop()
            await self._current.sms.close()
            raise
        try:
            await self._current.mobilot.start(background=True, serve_http=True)
        except BaseException:
            await self.stop()
            raise

    async def stop(self) -> None:
        try:
            if self._session is not None:
                await self._session.mobilot.stop()
                await self._session.sms.close()
        finally:
            if self._server is not None:
                if self._session is not None:  # uvicorn waits for the requests in progress
                    self._session.standin.wake_waiters()
                await self._server.stop()

    @property
    def _current(self) -> _Session:
        if self._session is None:
            raise NotWired("try mode is not started")
        return self._session

    async def _open(self) -> _Session:
        """A new stand-in and an empty database with the demo territory in it."""
        for suffix in ("", "-wal", "-shm"):
            self.database.with_name(self.database.name + suffix).unlink(missing_ok=True)
        fake = FakeBotAPI(
            api_url=self.settings.telegram_api_url,
            token=TOKEN,
            bot_id=int(TOKEN.split(":")[0]),
            bot_username=BOT_USERNAME,
            clock=self.clock.now,
        )
        fake.deliver = "polling"
        fake.max_poll_wait = 25.0
        # The page's language is the territory's, for the team's group too. No rate limiter:
        # Telegram's limits are not the stand-in's, and moving the clock a month sends a
        # month of digests to one group at once.
        settings = self.settings.model_copy(update={"default_language": self.language})
        mobilot = await create_bot(
            settings, clock=self.clock, gazetteer=self._gazetteer, rate_limit=False
        )
        people = await seed(mobilot.core, fake, self.language)
        sms_secret = settings.sms_secret.get_secret_value() if settings.sms_secret else ""
        kannel = FakeKannel(
            username=settings.sms_username,
            password=settings.sms_password.get_secret_value(),
            number=settings.sms_number,
            # Kannel's sms-service get-url, as every territory's (the design notes).
            get_url=f"http://{HOST}:{settings.http_port}/sms/incoming?secret={sms_secret}"
            "&from=%p&to=%P&text=%a&id=%I",
            clock=self.clock.now,
            changed=fake.changed,
        )
        return _Session(fake, mobilot, people, kannel)

    @staticmethod
    async def _run_agenda(mobilot: Mobilot) -> None:
        job_queue = mobilot.application.job_queue
        if job_queue is None:
            raise NotWired("the application has no job queue")
        for job in job_queue.get_jobs_by_name(AGENDA_JOB):
            await job.run(mobilot.application)
        await mobilot.deliverer.flush()


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind((HOST, 0))
        port: int = probe.getsockname()[1]
        return port
