"""What the core needs from storage, as small interfaces; `storage/` implements them."""

from __future__ import annotations

from datetime import datetime
from typing import Protocol

from bot.domain import NewTrip, Person, TelegramIdentity, Trip, TripStatus
from bot.settings import Language


class PeopleRepository(Protocol):
    async def get(self, person_id: int) -> Person | None: ...

    async def by_telegram_id(self, telegram_user_id: int) -> Person | None: ...

    async def add_from_telegram(
        self, identity: TelegramIdentity, language: Language, now: datetime
    ) -> Person: ...

    async def refresh_telegram_identity(
        self, person_id: int, identity: TelegramIdentity, now: datetime
    ) -> Person: ...

    async def set_language(self, person_id: int, language: Language, now: datetime) -> Person: ...

    async def accept_privacy(self, person_id: int, now: datetime) -> Person: ...

    async def set_phone(
        self, person_id: int, phone: str | None, visible: bool, now: datetime
    ) -> Person: ...


class TripRepository(Protocol):
    async def add(self, driver_id: int, trip: NewTrip, now: datetime) -> Trip: ...

    async def get(self, trip_id: int) -> Trip | None: ...

    async def for_driver(self, driver_id: int) -> list[Trip]:
        """The driver's trips that are not deleted, oldest first."""
        ...

    async def set_status(self, trip_id: int, status: TripStatus, now: datetime) -> Trip: ...
