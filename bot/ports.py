"""What the core needs from storage, as small interfaces; `storage/` implements them."""

from __future__ import annotations

from datetime import datetime, time
from typing import Protocol

from bot.domain import (
    CloseReason,
    Introduction,
    IntroductionStatus,
    Need,
    NeedStatus,
    NewNeed,
    NewTrip,
    Person,
    TelegramIdentity,
    Trip,
    TripStatus,
)
from bot.matching import Point, TripRoute
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

    async def add_offline(
        self,
        name: str,
        phone: str,
        phone_visible: bool,
        language: Language,
        registered_by: int,
        now: datetime,
    ) -> Person: ...

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


class NeedRepository(Protocol):
    async def add(
        self, person_id: int, need: NewNeed, status: NeedStatus, now: datetime
    ) -> Need: ...

    async def get(self, need_id: int) -> Need | None: ...

    async def for_person(self, person_id: int, limit: int = 10) -> list[Need]: ...

    async def waiting(self) -> list[Need]: ...

    async def set_status(
        self,
        need_id: int,
        status: NeedStatus,
        now: datetime,
        *,
        actor_id: int | None = None,
        event: str | None = None,
        detail: str = "",
    ) -> Need: ...

    async def record_event(
        self, need_id: int, now: datetime, kind: str, actor_id: int | None = None, detail: str = ""
    ) -> None: ...

    async def mark_announced(self, need_id: int, trip_id: int, now: datetime) -> bool: ...


class IntroductionRepository(Protocol):
    async def add(
        self,
        *,
        need_id: int,
        trip_id: int,
        driver_id: int,
        passenger_id: int,
        leg: str,
        travel_day: int,
        pickup: time,
        dropoff: time,
        extra_minutes: float,
        now: datetime,
        expires_at: datetime,
    ) -> Introduction: ...

    async def get(self, introduction_id: int) -> Introduction | None: ...

    async def for_need(self, need_id: int) -> list[Introduction]: ...

    async def answer(
        self, introduction_id: int, status: IntroductionStatus, now: datetime
    ) -> bool: ...

    async def due(self, now: datetime) -> list[Introduction]: ...


class TripSearch(Protocol):
    """Active trips whose search area holds both points (a spatial index)."""

    async def routes_near(self, origin: Point, destination: Point) -> list[TripRoute]: ...

    async def index(self, trip_id: int) -> None: ...


class NeedFollowUp(Protocol):
    """What the operators' follow-up needs beyond NeedRepository."""

    async def open_needs(self) -> list[Need]: ...

    async def set_operators_post(self, need_id: int, post_id: int) -> None: ...

    async def claim(self, need_id: int, operator_id: int, now: datetime) -> bool: ...

    async def close(
        self, need_id: int, reason: CloseReason, operator_id: int, now: datetime
    ) -> Need: ...

    async def events(self, need_id: int) -> list[dict[str, object]]: ...
