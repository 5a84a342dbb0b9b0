"""Telling the passenger's platform what became of its booking (our driver accepted,
declined, or did not answer in time): `PATCH {api_url}/bookings/{id}?status=…`, as the
standard asks of the platform that did not create the booking.

What must be told is in the database (a booking's status and the status the partner last
knew), so nothing is lost on a restart: each round tells what is left, and a partner that
fails is tried again at the next round (logged once until it answers again).
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Awaitable, Callable

from bot.interop.bookings import status_word
from bot.interop.ports import PartnerClient, PartnerUnavailable
from bot.interop.served import PartnerApi

log = logging.getLogger(__name__)

ROUND_SECONDS = 10.0


class PartnerUpdates:
    def __init__(self, api: PartnerApi, client: PartnerClient, timeout_s: float) -> None:
        self._api = api
        self._client = client
        self._timeout = timeout_s
        self._failing: set[str] = set()
        self._task: asyncio.Task[None] | None = None
        # With several workers (bot/workers.py), one tells the partners at a time: the one
        # holding the lease PARTNER_UPDATES (another takes over when it dies).
        self.may_run: Callable[[], Awaitable[bool]] | None = None

    async def run_once(self) -> int:
        """Tell each partner what it does not know yet; returns how many were told."""
        told = 0
        down: set[str] = set()  # failed in this round: its other bookings wait for the next
        for partner, booking in await self._api.to_tell():
            if partner.operator in down:
                continue
            word = status_word(booking.status, booking.dialect)
            try:
                # Not asyncio.wait_for: on Python 3.11 it can swallow stop()'s cancellation.
                async with asyncio.timeout(self._timeout):
                    await self._client.update_booking(partner, booking.id, word)
            except (TimeoutError, PartnerUnavailable) as error:
                if partner.operator not in self._failing:
                    log.warning(
                        "partner %s was not told of booking %s (%s); trying again later",
                        partner.operator,
                        booking.id,
                        str(error) or "timeout",
                    )
                    self._failing.add(partner.operator)
                down.add(partner.operator)
                continue
            self._failing.discard(partner.operator)
            await self._api.told(booking)
            told += 1
        return told

    def start(self) -> None:
        self._task = asyncio.create_task(self._run_forever(), name="partner-updates")

    async def stop(self) -> None:
        if self._task is not None:
            self._task.cancel()
            try:
                await self._task
            except asyncio.CancelledError:
                pass
            self._task = None

    async def _run_forever(self) -> None:
        while True:
            try:
                if self.may_run is None or await self.may_run():
                    await self.run_once()
            except Exception:  # a database hiccup: the next round tries again
                log.exception("telling partners of their bookings failed")
            await asyncio.sleep(ROUND_SECONDS)
