"""In-memory adapters of the core's ports (bot/ports.py), for the services' own tests.

They follow the SQLite repositories' rules where the services rely on them (an answer only
changes a pending introduction, scheduling moves a pending agenda entry, the outbox keeps each
chat's order). The unit of work does not roll back: these tests never make a use case fail
half-way.
"""

from __future__ import annotations

import contextlib
from collections.abc import AsyncIterator, Iterable
from datetime import date, datetime, time
from typing import Any

from bot.agenda import AgendaEntry, Due, FailedEntry, Kind, Outcome
from bot.delivery import (
    Backlog,
    DeliveryStatus,
    OutboxEntry,
    Outgoing,
    UndeliveredNotice,
)
from bot.domain import (
    CloseReason,
    Introduction,
    IntroductionStatus,
    Need,
    NeedStatus,
    NewNeed,
    NewTrip,
    Person,
    RideOutcome,
    TelegramIdentity,
    Trip,
    TripStatus,
)
from bot.matching import Point, TripRoute
from bot.settings import Language


class MemoryPeople:
    def __init__(self) -> None:
        self.rows: dict[int, Person] = {}

    def _new_id(self) -> int:
        return len(self.rows) + 1

    async def get(self, person_id: int) -> Person | None:
        return self.rows.get(person_id)

    async def by_telegram_id(self, telegram_user_id: int) -> Person | None:
        return next((p for p in self.rows.values() if p.telegram_user_id == telegram_user_id), None)

    async def by_chat(self, chat_id: int) -> Person | None:
        return await self.by_telegram_id(chat_id) if chat_id > 0 else None

    async def add_from_telegram(
        self, identity: TelegramIdentity, language: Language, now: datetime
    ) -> Person:
        existing = await self.by_telegram_id(identity.user_id)
        if existing is not None:
            return existing
        person = Person(
            id=self._new_id(), display_name=identity.display_name,
            telegram_user_id=identity.user_id, telegram_username=identity.username,
            language=language, created_at=now,
        )  # fmt: skip
        self.rows[person.id] = person
        return person

    async def add_offline(
        self,
        name: str,
        phone: str,
        phone_visible: bool,
        language: Language,
        registered_by: int,
        now: datetime,
    ) -> Person:
        person = Person(
            id=self._new_id(), display_name=name, phone=phone, phone_visible=phone_visible,
            language=language, privacy_accepted_at=now, registered_by=registered_by,
            created_at=now,
        )  # fmt: skip
        self.rows[person.id] = person
        return person

    def _update(self, person_id: int, **changes: Any) -> Person:
        person = self.rows[person_id].model_copy(update=changes)
        self.rows[person_id] = person
        return person

    async def refresh_telegram_identity(
        self, person_id: int, identity: TelegramIdentity, now: datetime
    ) -> Person:
        return self._update(
            person_id, display_name=identity.display_name, telegram_username=identity.username
        )

    async def set_language(self, person_id: int, language: Language, now: datetime) -> Person:
        return self._update(person_id, language=language)

    async def accept_privacy(self, person_id: int, now: datetime) -> Person:
        return self._update(person_id, privacy_accepted_at=now)

    async def set_phone(
        self, person_id: int, phone: str | None, visible: bool, now: datetime
    ) -> Person:
        return self._update(person_id, phone=phone, phone_visible=bool(phone) and visible)

    async def set_unreachable(self, person_id: int, since: datetime | None) -> None:
        self._update(person_id, unreachable_at=since)


class MemoryTrips:
    def __init__(self) -> None:
        self.rows: dict[int, Trip] = {}
        self.checks: dict[int, tuple[datetime | None, datetime | None]] = {}

    async def add(self, driver_id: int, trip: NewTrip, now: datetime) -> Trip:
        stored = Trip(
            **trip.model_dump(), id=len(self.rows) + 1, driver_id=driver_id,
            status=TripStatus.ACTIVE, created_at=now, updated_at=now,
        )  # fmt: skip
        self.rows[stored.id] = stored
        return stored

    async def get(self, trip_id: int) -> Trip | None:
        return self.rows.get(trip_id)

    async def for_driver(self, driver_id: int) -> list[Trip]:
        return [
            t for t in self.rows.values()
            if t.driver_id == driver_id and t.status is not TripStatus.DELETED
        ]  # fmt: skip

    async def set_status(self, trip_id: int, status: TripStatus, now: datetime) -> Trip:
        trip = self.rows[trip_id].model_copy(update={"status": status, "updated_at": now})
        self.rows[trip_id] = trip
        return trip

    async def check_asked(self, trip_id: int, now: datetime) -> None:
        self.checks[trip_id] = (now, self.checks.get(trip_id, (None, None))[1])

    async def confirmed(self, trip_id: int, now: datetime) -> None:
        self.checks[trip_id] = (self.checks.get(trip_id, (None, None))[0], now)

    async def freshness(self, trip_id: int) -> tuple[datetime | None, datetime | None]:
        return self.checks.get(trip_id, (None, None))


class MemoryTripSearch:
    """Every active trip: the prefilter only ever narrows what matching then checks."""

    def __init__(self, trips: MemoryTrips) -> None:
        self._trips = trips

    async def routes_near(self, origin: Point, destination: Point) -> list[TripRoute]:
        return [
            TripRoute(
                trip_id=t.id,
                driver_id=t.driver_id,
                origin=Point(t.origin.lat, t.origin.lon),
                destination=Point(t.destination.lat, t.destination.lon),
                weekdays=frozenset(int(d) for d in t.weekdays),
                departure=t.departure,
                return_time=t.return_time,
            )  # fmt: skip
            for t in self._trips.rows.values()
            if t.status is TripStatus.ACTIVE
        ]

    async def index(self, trip_id: int) -> None:
        return None


class MemoryNeeds:
    """NeedRepository and NeedFollowUp."""

    def __init__(self) -> None:
        self.rows: dict[int, Need] = {}
        self.history: list[tuple[int, str, int | None]] = []
        self.announced: set[tuple[int, int]] = set()

    async def add(self, person_id: int, need: NewNeed, status: NeedStatus, now: datetime) -> Need:
        stored = Need(
            **need.model_dump(), id=len(self.rows) + 1, person_id=person_id, status=status,
            created_at=now, updated_at=now,
        )  # fmt: skip
        self.rows[stored.id] = stored
        self.history.append((stored.id, "created", person_id))
        return stored

    async def get(self, need_id: int) -> Need | None:
        return self.rows.get(need_id)

    async def for_person(self, person_id: int, limit: int = 10) -> list[Need]:
        mine = [n for n in self.rows.values() if n.person_id == person_id]
        return sorted(mine, key=lambda n: n.id, reverse=True)[:limit]

    async def waiting(self) -> list[Need]:
        waiting = (NeedStatus.SEARCHING, NeedStatus.WITH_OPERATORS)
        return [n for n in self.rows.values() if n.status in waiting]

    async def set_status(
        self,
        need_id: int,
        status: NeedStatus,
        now: datetime,
        *,
        actor_id: int | None = None,
        event: str | None = None,
        detail: str = "",
    ) -> Need:
        need = self.rows[need_id].model_copy(update={"status": status, "updated_at": now})
        self.rows[need_id] = need
        self.history.append((need_id, event or status.value, actor_id))
        return need

    async def record_event(
        self, need_id: int, now: datetime, kind: str, actor_id: int | None = None, detail: str = ""
    ) -> None:
        self.history.append((need_id, kind, actor_id))

    async def mark_announced(self, need_id: int, trip_id: int, now: datetime) -> bool:
        if (need_id, trip_id) in self.announced:
            return False
        self.announced.add((need_id, trip_id))
        return True

    async def created_since(self, since: datetime) -> list[Need]:
        return [n for n in self.rows.values() if n.created_at >= since]

    async def last_event_at(self, need_id: int) -> datetime | None:
        need = self.rows.get(need_id)
        return need.updated_at if need else None

    async def open_needs(self) -> list[Need]:
        return [n for n in self.rows.values() if n.is_open]

    async def set_operators_post(self, need_id: int, post_id: int) -> None:
        self.rows[need_id] = self.rows[need_id].model_copy(update={"operators_post_id": post_id})

    async def claim(self, need_id: int, operator_id: int, now: datetime) -> bool:
        need = self.rows[need_id]
        if need.claimed_by is not None:
            return False
        self.rows[need_id] = need.model_copy(update={"claimed_by": operator_id})
        return True

    async def close(
        self, need_id: int, reason: CloseReason, operator_id: int, now: datetime
    ) -> Need:
        need = self.rows[need_id].model_copy(
            update={"status": NeedStatus.CLOSED, "closed_reason": reason}
        )
        self.rows[need_id] = need
        return need

    async def events(self, need_id: int) -> list[dict[str, object]]:
        return [{"kind": kind} for nid, kind, _ in self.history if nid == need_id]


class MemoryIntroductions:
    def __init__(self) -> None:
        self.rows: dict[int, Introduction] = {}

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
    ) -> Introduction:
        introduction = Introduction(
            id=len(self.rows) + 1, need_id=need_id, trip_id=trip_id, driver_id=driver_id,
            passenger_id=passenger_id, leg=leg, travel_day=travel_day, pickup=pickup,
            dropoff=dropoff, extra_minutes=extra_minutes, status=IntroductionStatus.PENDING,
            created_at=now, expires_at=expires_at,
        )  # fmt: skip
        self.rows[introduction.id] = introduction
        return introduction

    async def get(self, introduction_id: int) -> Introduction | None:
        return self.rows.get(introduction_id)

    async def for_need(self, need_id: int) -> list[Introduction]:
        return [i for i in self.rows.values() if i.need_id == need_id]

    async def answer(self, introduction_id: int, status: IntroductionStatus, now: datetime) -> bool:
        introduction = self.rows.get(introduction_id)
        if introduction is None or introduction.status is not IntroductionStatus.PENDING:
            return False
        self.rows[introduction_id] = introduction.model_copy(
            update={"status": status, "answered_at": now}
        )
        return True

    async def set_ride_date(self, introduction_id: int, ride_date: date) -> None:
        self.rows[introduction_id] = self.rows[introduction_id].model_copy(
            update={"ride_date": ride_date}
        )

    async def withdraw(self, introduction_id: int, now: datetime) -> bool:
        introduction = self.rows.get(introduction_id)
        if introduction is None or introduction.status is not IntroductionStatus.ACCEPTED:
            return False
        self.rows[introduction_id] = introduction.model_copy(
            update={"status": IntroductionStatus.CANCELLED}
        )
        return True

    async def record_outcome(
        self, introduction_id: int, outcome: RideOutcome, now: datetime
    ) -> bool:
        introduction = self.rows[introduction_id]
        if introduction.ride_outcome is not None:
            return False
        self.rows[introduction_id] = introduction.model_copy(update={"ride_outcome": outcome})
        return True

    async def accepted_rides(self) -> list[Introduction]:
        return [i for i in self.rows.values() if i.status is IntroductionStatus.ACCEPTED]


class MemoryAgenda:
    def __init__(self) -> None:
        self.entries: dict[int, dict[str, Any]] = {}

    def pending(self) -> list[tuple[Kind, int, datetime]]:
        return sorted(
            (e["kind"], e["subject_id"], e["due_at"])
            for e in self.entries.values()
            if e["status"] == "pending"
        )

    async def schedule(self, dues: Iterable[Due], now: datetime) -> None:
        for due in dues:
            for entry in self.entries.values():
                if entry["status"] == "pending" and (entry["kind"], entry["subject_id"]) == (
                    due.kind, due.subject_id,
                ):  # fmt: skip
                    entry["due_at"] = due.at
                    break
            else:
                await self.schedule_once(due, now)

    async def schedule_once(self, due: Due, now: datetime) -> bool:
        if any(
            e["status"] == "pending" and (e["kind"], e["subject_id"]) == (due.kind, due.subject_id)
            for e in self.entries.values()
        ):
            return False
        entry_id = len(self.entries) + 1
        self.entries[entry_id] = {
            "kind": due.kind, "subject_id": due.subject_id, "due_at": due.at,
            "status": "pending", "attempts": 0, "outcome": None, "finished_at": None,
        }  # fmt: skip
        return True

    async def due(self, now: datetime, limit: int) -> list[AgendaEntry]:
        due = [
            AgendaEntry(i, e["kind"], e["subject_id"], e["due_at"], e["attempts"])
            for i, e in self.entries.items()
            if e["status"] == "pending" and e["due_at"] <= now
        ]
        return sorted(due, key=lambda e: (e.due_at, e.id))[:limit]

    async def next_due(self) -> datetime | None:
        times = [e["due_at"] for e in self.entries.values() if e["status"] == "pending"]
        return min(times, default=None)

    async def finish(self, entry_id: int, outcome: str, now: datetime) -> bool:
        entry = self.entries[entry_id]
        if entry["status"] != "pending":
            return False
        entry.update(
            status="failed" if outcome == Outcome.UNREACHABLE else "done",
            outcome=outcome, finished_at=now, attempts=entry["attempts"] + 1,
        )  # fmt: skip
        return True

    async def retry(self, entry_id: int, at: datetime, error: str) -> None:
        entry = self.entries[entry_id]
        entry.update(due_at=at, attempts=entry["attempts"] + 1, outcome=error)

    async def fail(self, entry_id: int, reason: str, now: datetime) -> None:
        self.entries[entry_id].update(status="failed", outcome=reason, finished_at=now)

    async def failed_since(self, since: datetime) -> list[FailedEntry]:
        return [
            FailedEntry(e["kind"], e["subject_id"], e["outcome"], e["finished_at"])
            for e in self.entries.values()
            if e["status"] == "failed" and e["finished_at"] >= since
        ]


class MemoryOutbox:
    def __init__(self) -> None:
        self.rows: dict[int, dict[str, Any]] = {}

    async def add(self, message: Outgoing, now: datetime) -> int:
        entry_id = len(self.rows) + 1
        self.rows[entry_id] = {
            "message": message, "status": DeliveryStatus.PENDING, "attempts": 0,
            "next": now, "created": now, "error": "", "finished": None, "message_id": None,
        }  # fmt: skip
        return entry_id

    def _entry(self, entry_id: int) -> OutboxEntry:
        row = self.rows[entry_id]
        message: Outgoing = row["message"]
        return OutboxEntry(
            id=entry_id, chat_id=message.chat_id, person_id=message.person_id,
            method=message.method, params=message.params,
            if_unreachable=message.if_unreachable, after_sent=message.after_sent,
            attempts=row["attempts"], urgent=message.urgent, next_attempt_at=row["next"],
            created_at=row["created"],
        )  # fmt: skip

    def _pending(self) -> list[int]:
        return sorted(i for i, r in self.rows.items() if r["status"] is DeliveryStatus.PENDING)

    def _heads(self) -> list[int]:
        """The first pending message of each chat (chat 0 keeps no order)."""
        seen: set[int] = set()
        heads = []
        for entry_id in self._pending():
            chat = self.rows[entry_id]["message"].chat_id
            if chat == 0 or chat not in seen:
                heads.append(entry_id)
                seen.add(chat)
        return heads

    async def due(self, now: datetime, limit: int) -> list[OutboxEntry]:
        waiting: set[int] = set()
        due = []
        for entry_id in self._pending():
            row = self.rows[entry_id]
            chat = row["message"].chat_id
            if chat != 0 and chat in waiting:
                continue
            if row["next"] > now:
                waiting.add(chat)
                continue
            due.append(self._entry(entry_id))
        return due[:limit]

    async def next_attempt(self) -> datetime | None:
        return min((self.rows[i]["next"] for i in self._heads()), default=None)

    async def sent(self, entry_id: int, message_id: int | None, now: datetime) -> None:
        self.rows[entry_id].update(status=DeliveryStatus.SENT, message_id=message_id, finished=now)
        self.rows[entry_id]["attempts"] += 1

    async def retry(self, entry_id: int, at: datetime, error: str) -> None:
        row = self.rows[entry_id]
        row.update(next=at, error=error, attempts=row["attempts"] + 1)

    async def hurry(self, now: datetime) -> None:
        for entry_id in self._pending():
            row = self.rows[entry_id]
            if row["attempts"] and row["next"] > now and not row["error"].startswith("flood"):
                row["next"] = now

    async def settle(
        self, entry_id: int, status: DeliveryStatus, error: str, now: datetime
    ) -> None:
        row = self.rows[entry_id]
        row.update(status=status, error=error, finished=now, attempts=row["attempts"] + 1)

    async def prune(self, before: datetime) -> None:
        for entry_id in [
            i for i, r in self.rows.items() if r["finished"] and r["finished"] < before
        ]:
            del self.rows[entry_id]

    async def backlog(self) -> Backlog:
        pending = self._pending()
        sent = [r["finished"] for r in self.rows.values() if r["status"] is DeliveryStatus.SENT]
        return Backlog(
            len(pending),
            min((self.rows[i]["created"] for i in pending), default=None),
            max(sent, default=None),
        )

    async def undelivered_since(self, since: datetime) -> list[UndeliveredNotice]:
        return [
            UndeliveredNotice(
                r["message"].chat_id,
                r["message"].person_id,
                r["message"].topic,
                r["status"],
                r["error"],
                r["finished"],
            )  # fmt: skip
            for r in self.rows.values()
            if r["status"] in (DeliveryStatus.UNREACHABLE, DeliveryStatus.FAILED)
            and r["finished"] >= since
        ]


class MemoryUnitOfWork:
    @contextlib.asynccontextmanager
    async def transaction(self) -> AsyncIterator[None]:
        yield
