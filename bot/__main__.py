"""`python -m bot`: start Mobilot with long polling until Ctrl-C or SIGTERM; without BOT_TOKEN,
start try mode (a local page where the real bot talks to a stand-in for Telegram).

With WORKERS=N (N > 1) and no WORKER_NAME, it starts N worker processes named w1…wN on the
same database (bot/workers.py), starts again one that dies (under its name: it takes back at
once what it held), and stops them all on Ctrl-C or SIGTERM. With WORKER_NAME set, it is one
worker of N (a process per container: each its own name, all the same WORKERS)."""

from __future__ import annotations

import asyncio
import ctypes
import logging
import os
import signal
import sqlite3
import subprocess
import sys
import time

from pydantic import ValidationError

from bot.settings import SettingFileError, Settings, describe_settings_error

log = logging.getLogger("mobilot")

TRY_MODE = """\
No BOT_TOKEN: Mobilot starts in TRY MODE, without Telegram.
  Open {url} in a browser: a driver, a passenger and the team chat with the real bot
  (a demo territory in the Lot, its own database {database}, a clock you can move).
  Only this computer can open it. Ctrl-C to stop.
To go live on Telegram:
  1. In Telegram, open @BotFather, send /newbot and follow its questions.
  2. Copy the token it gives you into a file named .env beside README.md:
         BOT_TOKEN=123456789:AA...
  3. Start again. The README lists the other settings (OPERATOR_CHAT_ID, TERRITORY_DEPARTMENTS…)."""


class StartupError(Exception):
    """A problem the person deploying the bot can fix; printed as one line, no traceback."""


def load_settings() -> Settings:
    try:
        settings = Settings()
    except ValidationError as error:
        for line in describe_settings_error(error):
            print(line, file=sys.stderr)
        raise SystemExit(2) from None
    return settings


async def run_try(settings: Settings) -> None:
    from bot.try_mode import TryMode
    from handlers.http.server import CannotListen

    for chatty in ("apscheduler", "telegram.ext"):  # their start-up lines would bury the address
        logging.getLogger(chatty).setLevel(logging.WARNING)
    mode = TryMode(settings, settings.try_port)
    stop = asyncio.Event()
    loop = asyncio.get_running_loop()
    for sig in (signal.SIGINT, signal.SIGTERM):
        loop.add_signal_handler(sig, stop.set)
    try:
        await mode.start()
    except CannotListen as error:
        raise StartupError(f"Setting TRY_PORT: {error} (another program uses it?).") from None
    except ValueError as error:
        raise StartupError(f"Setting LOCAL_PLACES_FILE: {error}") from None
    print(TRY_MODE.format(url=mode.url, database=mode.database), flush=True)
    try:
        await stop.wait()
    finally:
        await mode.stop()


def _give_back_loading_memory() -> None:
    """Loading the places and the trips takes about twice the memory they keep; glibc keeps
    the freed pages for the process unless asked to give them back (elsewhere: nothing)."""
    try:
        ctypes.CDLL("libc.so.6").malloc_trim(0)
    except (OSError, AttributeError):
        pass


async def run(settings: Settings) -> None:
    from telegram.error import InvalidToken, NetworkError

    from bot.app import create_bot
    from handlers.http.server import CannotListen

    try:
        mobilot = await create_bot(settings)
    except SettingFileError as error:
        raise StartupError(f"Setting {error.setting}: {error}") from None
    except ValueError as error:  # the only file read at start-up besides the database
        raise StartupError(f"Setting LOCAL_PLACES_FILE: {error}") from None
    except (OSError, sqlite3.Error) as error:
        if settings.database_url is not None:
            raise StartupError(
                f"Setting DATABASE_URL: cannot open the PostgreSQL database ({error})."
            ) from None
        raise StartupError(
            f"Setting DATABASE_PATH: cannot open {settings.database_path} ({error})."
        ) from None
    _give_back_loading_memory()
    application = mobilot.application
    stop = asyncio.Event()
    loop = asyncio.get_running_loop()
    for sig in (signal.SIGINT, signal.SIGTERM):
        loop.add_signal_handler(sig, stop.set)
    try:
        await mobilot.start(background=True, serve_http=True)
    except CannotListen as error:
        await mobilot.stop()
        raise StartupError(f"Setting HTTP_PORT: {error} (another program uses it?).") from None
    except InvalidToken:
        await mobilot.database.close()
        raise StartupError(
            "Setting BOT_TOKEN: Telegram refused this token (ask @BotFather)."
        ) from None
    except NetworkError as error:
        await mobilot.database.close()
        raise StartupError(
            f"Setting TELEGRAM_API_URL: cannot reach {settings.telegram_api_url} ({error})."
        ) from None
    try:
        log.info("Mobilot is running as @%s; Ctrl-C to stop.", application.bot.username)
        await stop.wait()
    finally:
        await mobilot.stop()


# Seconds before a worker that died is started again (a crash loop stays slow).
RESPAWN_AFTER = 1.0


async def migrate(settings: Settings) -> None:
    """The migrations, once, before the workers open the database."""
    from storage.db import Database

    try:
        database = await Database.open(settings.database_path)
    except (OSError, sqlite3.Error) as error:
        raise StartupError(
            f"Setting DATABASE_PATH: cannot open {settings.database_path} ({error})."
        ) from None
    await database.close()


def supervise(settings: Settings) -> int:
    """Start WORKERS worker processes, start again one that dies, stop them all together."""
    asyncio.run(migrate(settings))
    stopping = False

    def stop(signum: int, frame: object) -> None:
        nonlocal stopping
        stopping = True

    signal.signal(signal.SIGINT, stop)
    signal.signal(signal.SIGTERM, stop)

    def spawn(name: str) -> subprocess.Popen[bytes]:
        log.info("starting worker %s", name)
        environment = {**os.environ, "WORKER_NAME": name, "WORKERS": str(settings.workers)}
        return subprocess.Popen([sys.executable, "-m", "bot"], env=environment)

    names = [f"w{number}" for number in range(1, settings.workers + 1)]
    workers = {name: spawn(name) for name in names}
    died: dict[str, float] = {}
    while not stopping:
        time.sleep(0.2)
        for name, process in workers.items():
            if process.poll() is None or stopping:
                continue
            if name not in died:
                log.warning("worker %s stopped (code %s)", name, process.returncode)
                died[name] = time.monotonic()
            elif time.monotonic() - died[name] >= RESPAWN_AFTER:
                del died[name]
                workers[name] = spawn(name)
    for process in workers.values():
        if process.poll() is None:
            process.send_signal(signal.SIGTERM)
    code = 0
    for process in workers.values():
        try:
            process.wait(timeout=30)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait()
        code = code or max(0, process.returncode or 0)
    return code


def main() -> None:
    logging.basicConfig(
        format="%(asctime)s %(levelname)s %(name)s: %(message)s", level=logging.INFO
    )
    logging.getLogger("httpx").setLevel(logging.WARNING)
    settings = load_settings()
    if (
        settings.bot_token is not None
        and settings.workers > 1
        and not os.environ.get("WORKER_NAME")
    ):
        try:
            raise SystemExit(supervise(settings))
        except StartupError as error:
            print(error, file=sys.stderr)
            raise SystemExit(2) from None
    try:
        asyncio.run(run(settings) if settings.bot_token is not None else run_try(settings))
    except StartupError as error:
        print(error, file=sys.stderr)
        raise SystemExit(2) from None
    except KeyboardInterrupt:
        pass


if __name__ == "__main__":
    main()
