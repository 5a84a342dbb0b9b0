"""What the interop side needs from storage and from the partners' APIs."""

from __future__ import annotations

from datetime import date, datetime
from typing import Any, Protocol

from bot.domain import Need
from bot.interop.bookings import Booking, BookingStatus, Dialect
from bot.interop.partners import Partner


class BookingRepository(Protocol):
    async def add(
        self,
        *,
        id: str,
        partner: str,
        driver_id: int,
        trip_id: int,
        leg: str,
        ride_date: date,
        pickup_at: datetime,
        passenger_alias: str,
        status: BookingStatus,
        dialect: Dialect,
        body: dict[str, Any],
        message: str | None,
        now: datetime,
        expires_at: datetime,
    ) -> Booking: ...

    async def get(self, booking_id: str) -> Booking | None: ...

    async def by_number(self, number: int) -> Booking | None: ...

    async def set_status(
        self, number: int, expected: BookingStatus, status: BookingStatus, now: datetime
    ) -> bool:
        """Moves the status only if it is still `expected` (a double press, a race)."""
        ...

    async def confirmed_on(self, trip_id: int, leg: str, ride_date: date) -> int:
        """How many seats confirmed bookings hold on that ride."""
        ...

    async def untold(self, limit: int = 100) -> list[Booking]:
        """Bookings whose status the partner does not know yet, oldest change first."""
        ...

    async def told(self, number: int, status: BookingStatus) -> None: ...

    async def waiting_until(self, now: datetime) -> list[Booking]:
        """Requests still unanswered whose time to answer is over."""
        ...


class SharedNeeds(Protocol):
    """Needs whose owners agreed to show them to other platforms."""

    async def share(self, need_id: int, now: datetime) -> bool: ...

    async def unshare(self, need_id: int) -> bool: ...

    async def is_shared(self, need_id: int) -> bool: ...

    async def open_shared(self) -> list[Need]: ...


class PartnerUnavailable(Exception):
    """A partner did not answer in time, or not as the standard says."""


class PartnerClient(Protocol):
    """A partner's search routes over HTTP (handlers/http/partner_client.py)."""

    async def search(self, partner: Partner, route: str, params: dict[str, str]) -> list[Any]:
        """The decoded JSON array the partner answered; raises PartnerUnavailable."""
        ...

    async def update_booking(self, partner: Partner, booking_id: str, status: str) -> None:
        """PATCH the partner's copy of a booking; raises PartnerUnavailable."""
        ...
