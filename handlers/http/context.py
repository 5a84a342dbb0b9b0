"""What the HTTP routes are given by the assembly."""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from datetime import datetime

from bot.assembly import Core
from bot.delivery import JSON


@dataclass(frozen=True)
class HttpContext:
    core: Core
    # When did a call to Telegram last succeed (None: not since the start).
    last_telegram_success: Callable[[], datetime | None]
    # Records an update (committed when it returns); None when updates come by polling.
    receive_update: Callable[[JSON], Awaitable[int]] | None = None
    webhook_secret: str | None = None
    # Long polling calls Telegram every 30 s at least: silence longer than that is a fault.
    polling: Callable[[], bool] = lambda: False
