"""What the HTTP routes are given by the assembly."""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from contextlib import AbstractAsyncContextManager
from dataclasses import dataclass, field
from datetime import datetime

from bot.assembly import Core
from bot.delivery import JSON, Report
from bot.notices import Notice


@dataclass(frozen=True)
class Telling:
    """How a route's use case and the messages it causes commit together: inside
    `recording()`, `write` puts the notices in the outbox; `wake` sends them now."""

    recording: Callable[[], AbstractAsyncContextManager[None]]
    write: Callable[[list[Notice]], Awaitable[int]]
    wake: Callable[[], None]


@dataclass(frozen=True)
class HttpContext:
    core: Core
    # When did a call to Telegram last succeed (None: not since the start).
    last_telegram_success: Callable[[], datetime | None]
    # Records an update (committed when it returns); None when updates come by polling.
    receive_update: Callable[[JSON], Awaitable[int]] | None = None
    webhook_secret: str | None = None
    # Territories' own bots: by territory, what records their updates and their secret.
    territory_webhooks: dict[str, tuple[Callable[[JSON], Awaitable[int]], str]] = field(
        default_factory=dict
    )
    # Long polling calls Telegram every 30 s at least: silence longer than that is a fault.
    polling: Callable[[], bool] = lambda: False
    # For the partners' API, whose bookings and messages reach people in Telegram.
    telling: Telling | None = None
    # The SMS gateway's calls (handlers/http/sms.py); None without SMS.
    sms: SmsRoutes | None = None


@dataclass(frozen=True)
class SmsRoutes:
    secret: str
    receive: Callable[[str | None, str, str, str], Awaitable[bool]]
    reported: Callable[[int, Report, str], Awaitable[None]]
