"""Telegram having a bad day, on demand: the stand-in's fault injection.

`inject("sendMessage", 429, retry_after=3)` makes the next such call answer "Too Many
Requests" (502, 500, 403... as asked), `outage = True` makes every call but getUpdates answer
502 Bad Gateway as when Telegram is down, and `hold("getChatMember")` makes the next such call
wait until it is released (a slow Telegram, without sleeps). python-telegram-bot reads each
answer as it would read Telegram's (RetryAfter, NetworkError, Forbidden...).
"""

from __future__ import annotations

import asyncio
import json
from collections.abc import Callable
from dataclasses import dataclass, field
from http import HTTPStatus
from typing import Any

from handlers.tryout.methods import ApiError, FakeError, answer_error

JSONDict = dict[str, Any]


@dataclass
class Fault:
    """An error the fake answers instead of a method's result (FakeBotAPI.inject)."""

    method: str
    status: int
    description: str
    retry_after: int | None
    times: int
    match: Callable[[JSONDict], bool] | None = None
    hits: int = 0


@dataclass
class Hold:
    """Calls that wait until the test lets them go (FakeBotAPI.hold): a slow Telegram."""

    method: str
    times: int
    match: Callable[[JSONDict], bool] | None = None
    hits: int = 0
    entered: asyncio.Event = field(default_factory=asyncio.Event)
    released: asyncio.Event = field(default_factory=asyncio.Event)

    def release(self) -> None:
        self.released.set()


class FaultInjection:
    """What FakeBotAPI answers instead of a method's result, when asked to fail or to wait."""

    errors: list[FakeError]

    def __init__(self) -> None:
        # Faults to answer instead of the method's result (see inject).
        self.faults: list[Fault] = []
        # While True, every method but getUpdates answers 502 Bad Gateway, as when Telegram
        # is down (python-telegram-bot raises NetworkError).
        self.outage = False
        # Calls held until released (see hold).
        self.holds: list[Hold] = []

    def inject(
        self,
        method: str,
        status: int = 502,
        *,
        retry_after: int | None = None,
        times: int = 1,
        match: Callable[[JSONDict], bool] | None = None,
    ) -> Fault:
        """The next `times` calls of `method` (whose parameters `match`) fail: 429 with
        `retry_after` (seconds), 502 Bad Gateway, or any other status."""
        if status == 429:
            description = f"Too Many Requests: retry after {retry_after or 1}"
        elif status == 502:
            description = "Bad Gateway"
        else:
            description = f"Error {status}"
        fault = Fault(method, status, description, retry_after, times, match)
        self.faults.append(fault)
        return fault

    def hold(
        self, method: str, *, times: int = 1, match: Callable[[JSONDict], bool] | None = None
    ) -> Hold:
        """The next `times` calls of `method` (whose parameters `match`) wait until
        `hold.release()`; `hold.entered` is set once one of them is waiting."""
        held = Hold(method, times, match)
        self.holds.append(held)
        return held

    async def _faulted(self, name: str, params: JSONDict) -> tuple[int, bytes] | None:
        """Waits while the call is held; then the fault's or the outage's answer, if any
        (recorded in `errors`), or None for the method to answer."""
        held = self._hold_for(name, params)
        if held is not None:
            held.entered.set()
            await held.released.wait()
        fault = self._fault_for(name, params)
        if fault is not None:
            self.errors.append(FakeError(name, fault.status, fault.description, params))
            return self._answer_fault(fault)
        if self.outage:
            self.errors.append(FakeError(name, 502, "Bad Gateway (fake outage)", params))
            return answer_error(ApiError(HTTPStatus.BAD_GATEWAY, "Bad Gateway"))
        return None

    def _hold_for(self, name: str, params: JSONDict) -> Hold | None:
        for held in self.holds:
            if (
                held.times > 0
                and held.method == name
                and (held.match is None or held.match(params))
            ):
                held.times -= 1
                held.hits += 1
                return held
        return None

    def _fault_for(self, name: str, params: JSONDict) -> Fault | None:
        for fault in self.faults:
            if (
                fault.times > 0
                and fault.method == name
                and (fault.match is None or fault.match(params))
            ):
                fault.times -= 1
                fault.hits += 1
                return fault
        return None

    @staticmethod
    def _answer_fault(fault: Fault) -> tuple[int, bytes]:
        body: JSONDict = {
            "ok": False, "error_code": fault.status, "description": fault.description,
        }  # fmt: skip
        if fault.status == 429:
            body["parameters"] = {"retry_after": fault.retry_after or 1}
        return fault.status, json.dumps(body).encode()
