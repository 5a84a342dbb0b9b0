"""In-memory adapters of the core's ports (bot/ports.py), for the services' own tests.

Plain dicts and lists, no SQL. They follow the SQLite repositories of storage/ where the
services rely on them:

- values come back as SQLite gives them: times of day to the minute ("%H:%M"), a detour
  rounded to a tenth of a minute, the agenda's and the outbox's moments in UTC to the second
  (bot.agenda.utc_text), a message's parameters and steps through JSON;
- an answer only settles a pending introduction (a withdrawal only an accepted one), a
  need's change of status records an event, scheduling moves the pending agenda entry of the
  same kind and subject, the outbox keeps each chat's order;
- the constraints the schema enforces are checked: a reference to a row that does not exist,
  a second pending introduction for a need, raise `IntegrityError`.

All the repositories of one `MemoryStore` share its tables, as those of one database do; the
unit of work of that store rolls every table back when its transaction raises.
"""

from __future__ import annotations

import contextlib
import copy
import json
from collections.abc import AsyncIterator, Collection, Iterable, Sequence
from dataclasses import dataclass, field
from datetime import date, datetime, time
from typing import Any

from bot.agenda import AgendaEntry, Due, FailedEntry, Kind, Outcome, utc_text
from bot.delivery import (
    JSON,
    SMS,
    Backlog,
    DeliveryStatus,
    InboxEntry,
    InboxStatus,
    OutboxEntry,
    Outgoing,
    Report,
    Step,
    UndeliveredNotice,
)
from bot.domain import (
    OPEN_NEED_STATUSES,
    CloseReason,
    Consent,
    Introduction,
    IntroductionStatus,
    Need,
    NeedStatus,
    NewNeed,
    NewTrip,
    Person,
    PlaceRef,
    RideOutcome,
    TelegramIdentity,
    Trip,
    TripStatus,
)
from bot.matching import (
    Match,
    MatchingParams,
    NeedQuery,
    Point,
    SeatsTaken,
    TripRoute,
    find_matches,
)
from bot.settings import Language

WAITING_STATUSES = (NeedStatus.SEARCHING, NeedStatus.WITH_OPERATORS)
# Messages that are not notices: a failure of theirs is not reported in the digest.
NOT_NOTICES = frozenset(
    {"answerCallbackQuery", "editMessageText", "editMessageReplyMarkup", "deleteMessage"}
)


class IntegrityError(Exception):
    """What SQLite would refuse: a foreign key to nothing, a unique index broken."""


def minute(value: time) -> time:
    """A time of day as stored ("%H:%M")."""
    return value.replace(second=0, microsecond=0)


def utc(moment: datetime) -> datetime:
    """A moment as the agenda and the outbox store it: UTC, to the second."""
    return datetime.fromisoformat(utc_text(moment))


def through_json(value: Any) -> Any:
    return json.loads(json.dumps(value, ensure_ascii=False))


def step_through_json(step: Step | None) -> Step | None:
    return Step.from_json(through_json(step.to_json())) if step else None


@dataclass
class NeedEvent:
    id: int
    need_id: int
    at: datetime
    actor_id: int | None
    kind: str
    detail: str


@dataclass
class AgendaRow:
    id: int
    kind: Kind
    subject_id: int
    due_at: datetime
    created_at: datetime
    status: str = "pending"  # pending, done, failed
    attempts: int = 0
    outcome: str | None = None
    finished_at: datetime | None = None


@dataclass
class OutboxRow:
    id: int
    chat_id: int
    person_id: int | None
    method: str
    params: JSON
    if_unreachable: Step | None
    after_sent: Step | None
    urgent: bool
    topic: str
    next_attempt_at: datetime
    created_at: datetime
    status: DeliveryStatus = DeliveryStatus.PENDING
    attempts: int = 0
    last_error: str | None = None
    finished_at: datetime | None = None
    telegram_message_id: int | None = None
    reported: Report | None = None


@dataclass
class InboxRow:
    update_id: int
    payload: JSON
    received_at: datetime
    status: InboxStatus = InboxStatus.PENDING
    handled_at: datetime | None = None
    error: str | None = None


@dataclass
class MemoryStore:
    """The tables, shared by the repositories built on them."""

    people: dict[int, Person] = field(default_factory=dict)
    trips: dict[int, Trip] = field(default_factory=dict)
    # trip id: (check_asked_at, confirmed_at)
    trip_freshness: dict[int, tuple[datetime | None, datetime | None]] = field(default_factory=dict)
    needs: dict[int, Need] = field(default_factory=dict)
    need_events: list[NeedEvent] = field(default_factory=list)
    # (need id, trip id): when the trip was announced for the need
    need_notifications: dict[tuple[int, int], datetime] = field(default_factory=dict)
    introductions: dict[int, Introduction] = field(default_factory=dict)
    ride_outcome_at: dict[int, datetime] = field(default_factory=dict)
    agenda: dict[int, AgendaRow] = field(default_factory=dict)
    outbox: dict[int, OutboxRow] = field(default_factory=dict)
    inbox: dict[int, InboxRow] = field(default_factory=dict)

    @staticmethod
    def next_id(table: dict[int, Any]) -> int:
        """As SQLite picks a rowid: one more than the largest."""
        return max(table, default=0) + 1

    def require(self, table: dict[int, Any], key: int | None, what: str) -> None:
        if key is not None and key not in table:
            raise IntegrityError(f"FOREIGN KEY constraint failed: no {what} {key}")

    def snapshot(self) -> dict[str, Any]:
        return copy.deepcopy(self.__dict__)

    def restore(self, snapshot: dict[str, Any]) -> None:
        for name, table in snapshot.items():
            current = getattr(self, name)
            current.clear()
            (current.extend if isinstance(current, list) else current.update)(table)


class MemoryUnitOfWork:
    """`transaction()` as storage.db.Database's: one opened inside another joins it; the
    outermost one rolls every table of the store back if its block raises.

    Unlike SQLite, transactions of concurrent tasks do not take turns: these tests run one
    use case at a time.
    """

    def __init__(self, store: MemoryStore) -> None:
        self._store = store
        self._depth = 0

    @property
    def in_transaction(self) -> bool:
        return self._depth > 0

    @contextlib.asynccontextmanager
    async def transaction(self) -> AsyncIterator[MemoryStore]:
        if self._depth:
            yield self._store  # the outer transaction commits or rolls back
            return
        before = self._store.snapshot()
        self._depth = 1
        try:
            yield self._store
        except BaseException:
            self._store.restore(before)
            raise
        finally:
            self._depth = 0


class MemoryPeople:
    def __init__(self, store: MemoryStore) -> None:
        self._store = store
        self.rows = store.people
        self.asked_at: dict[int, datetime] = {}

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
        if existing is not None:  # ON CONFLICT (telegram_user_id) DO NOTHING
            return existing
        person = Person(
            id=self._store.next_id(self.rows),
            display_name=identity.display_name,
            telegram_user_id=identity.user_id,
            telegram_username=identity.username,
            language=language,
            created_at=now,
        )
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
        self._store.require(self.rows, registered_by, "person")
        person = Person(
            id=self._store.next_id(self.rows),
            display_name=name,
            phone=phone,
            phone_visible=phone_visible,
            language=language,
            privacy_accepted_at=now,
            phone_consent_at=now if phone_visible else None,
            registered_by=registered_by,
            created_at=now,
        )
        self.rows[person.id] = person
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
        shared = bool(phone) and visible
        return self._update(
            person_id,
            phone=phone,
            phone_visible=shared,
            phone_consent_at=now if shared else None,
        )

    async def set_unreachable(self, person_id: int, since: datetime | None) -> None:
        if person_id in self.rows:  # an UPDATE of no row changes nothing
            self._update(person_id, unreachable_at=since)

    async def seen(self, person_id: int, now: datetime) -> None:
        if person_id in self.rows:
            self._update(person_id, last_seen_at=now)
            self.asked_at.pop(person_id, None)

    async def offline_with_phone(self, phone: str) -> list[Person]:
        return [
            p
            for p in self.rows.values()
            if p.phone == phone and p.telegram_user_id is None and p.forgotten_at is None
        ]

    async def with_phone(self, phone: str) -> Person | None:
        known = [p for p in self.rows.values() if p.phone == phone and p.forgotten_at is None]
        known.sort(key=lambda p: (p.telegram_user_id is None, p.id))
        return known[0] if known else None

    async def merge(self, into_id: int, from_id: int) -> None:
        for trip in list(self._store.trips.values()):
            if trip.driver_id == from_id:
                self._store.trips[trip.id] = trip.model_copy(update={"driver_id": into_id})
        for need in list(self._store.needs.values()):
            if need.person_id == from_id:
                self._store.needs[need.id] = need.model_copy(update={"person_id": into_id})
        for intro in list(self._store.introductions.values()):
            changes = {}
            if intro.driver_id == from_id:
                changes["driver_id"] = into_id
            if intro.passenger_id == from_id:
                changes["passenger_id"] = into_id
            if changes:
                self._store.introductions[intro.id] = intro.model_copy(update=changes)
        self.rows.pop(from_id, None)

    async def forget(self, person_id: int, now: datetime) -> None:
        self._update(
            person_id,
            display_name="",
            telegram_user_id=None,
            telegram_username=None,
            phone=None,
            phone_visible=False,
            privacy_accepted_at=None,
            phone_consent_at=None,
            unreachable_at=None,
            last_seen_at=None,
            forgotten_at=now,
        )
        self.asked_at.pop(person_id, None)

    async def set_suspended(self, person_id: int, since: datetime | None) -> None:
        if person_id in self.rows:
            self._update(person_id, suspended_at=since)

    async def inactive(self, before: datetime, limit: int) -> list[Person]:
        return [
            p
            for p in self.rows.values()
            if p.forgotten_at is None
            and p.id not in self.asked_at
            and (p.last_seen_at or p.created_at) < before
        ][:limit]

    async def stay_asked(self, person_id: int, now: datetime) -> None:
        self.asked_at[person_id] = now

    async def asked_to_stay_before(self, before: datetime) -> list[Person]:
        return [
            self.rows[i]
            for i, at in sorted(self.asked_at.items())
            if at < before and i in self.rows and self.rows[i].forgotten_at is None
        ]

    async def add_from_sms(self, phone: str, language: Language, now: datetime) -> Person:
        person = Person(
            id=self._store.next_id(self.rows),
            display_name="",
            phone=phone,
            language=language,
            created_at=now,
        )
        self.rows[person.id] = person
        return person

    async def texting_from(self, phone: str) -> Person | None:
        """As SQLite: reached by SMS first, then registered by the team, then on Telegram."""
        known = [p for p in self.rows.values() if p.phone == phone and p.forgotten_at is None]
        known.sort(key=lambda p: (p.sms_since is None, p.telegram_user_id is not None, p.id))
        return known[0] if known else None

    async def set_sms(
        self, person_id: int, since: datetime | None, consent_by: int | None, now: datetime
    ) -> Person:
        return self._update(
            person_id, sms_since=since, sms_consent_by=consent_by, sms_stopped_at=None
        )

    async def set_sms_stopped(self, person_id: int, at: datetime | None, now: datetime) -> Person:
        return self._update(person_id, sms_stopped_at=at)

    async def set_name(self, person_id: int, name: str, now: datetime) -> Person:
        return self._update(person_id, display_name=name)

    def _update(self, person_id: int, **changes: Any) -> Person:
        person = self.rows.get(person_id)
        if person is None:
            raise LookupError(f"no person {person_id}")
        person = person.model_copy(update=changes)
        self.rows[person_id] = person
        return person


class MemoryTrips:
    def __init__(self, store: MemoryStore) -> None:
        self._store = store
        self.rows = store.trips

    async def add(self, driver_id: int, trip: NewTrip, now: datetime) -> Trip:
        self._store.require(self._store.people, driver_id, "person")
        stored = Trip.model_validate(
            {
                **trip.model_dump(),
                "departure": minute(trip.departure),
                "return_time": minute(trip.return_time) if trip.return_time else None,
                "id": self._store.next_id(self.rows),
                "driver_id": driver_id,
                "status": TripStatus.ACTIVE,
                "created_at": now,
                "updated_at": now,
            }
        )
        self.rows[stored.id] = stored
        return stored

    async def get(self, trip_id: int) -> Trip | None:
        return self.rows.get(trip_id)

    async def for_driver(self, driver_id: int) -> list[Trip]:
        return [
            trip
            for _, trip in sorted(self.rows.items())
            if trip.driver_id == driver_id and not trip.ended
        ]

    async def set_status(self, trip_id: int, status: TripStatus, now: datetime) -> Trip:
        trip = self.rows.get(trip_id)
        if trip is None:
            raise LookupError(f"no trip {trip_id}")
        trip = trip.model_copy(update={"status": status, "updated_at": now})
        self.rows[trip_id] = trip
        return trip

    async def set_seats(self, trip_id: int, seats: int, now: datetime) -> Trip:
        trip = self.rows.get(trip_id)
        if trip is None:
            raise LookupError(f"no trip {trip_id}")
        trip = trip.model_copy(update={"seats": seats, "updated_at": now})
        self.rows[trip_id] = trip
        return trip

    async def check_asked(self, trip_id: int, now: datetime) -> None:
        if trip_id in self.rows:
            _, confirmed = await self.freshness(trip_id)
            self._store.trip_freshness[trip_id] = (now, confirmed)

    async def confirmed(self, trip_id: int, now: datetime) -> None:
        if trip_id in self.rows:
            asked, _ = await self.freshness(trip_id)
            self._store.trip_freshness[trip_id] = (asked, now)

    async def freshness(self, trip_id: int) -> tuple[datetime | None, datetime | None]:
        return self._store.trip_freshness.get(trip_id, (None, None))


class MemoryTripSearch:
    """Every active trip, by id: the prefilter may keep too many (matching decides), never
    too few. `indexed` lists the trips the services asked to (re)index."""

    def __init__(self, store: MemoryStore) -> None:
        self._store = store
        self.indexed: list[int] = []

    async def matches(
        self, need: NeedQuery, params: MatchingParams, limit: int | None = None
    ) -> list[Match]:
        return find_matches(need, self.routes(), params, limit, prefilter=False)

    async def routes_near(
        self, origin: Point, destination: Point, day: date | None = None
    ) -> list[TripRoute]:
        return self.routes(day)

    def routes(self, day: date | None = None) -> list[TripRoute]:
        return [
            TripRoute(
                trip_id=trip.id,
                driver_id=trip.driver_id,
                origin=Point(trip.origin.lat, trip.origin.lon),
                destination=Point(trip.destination.lat, trip.destination.lon),
                weekdays=frozenset(int(day) for day in trip.weekdays),
                departure=trip.departure,
                return_time=trip.return_time,
                date=trip.date,
                seats=trip.seats,
            )
            for _, trip in sorted(self._store.trips.items())
            if trip.status is TripStatus.ACTIVE
            and (day is None or trip.date is None or trip.date == day)
        ]

    async def index(self, trip_id: int) -> None:
        self.indexed.append(trip_id)


class MemoryNeeds:
    """NeedRepository and NeedFollowUp, as storage/needs.py's SqlNeedRepository."""

    def __init__(self, store: MemoryStore) -> None:
        self._store = store
        self.rows = store.needs

    async def add(self, person_id: int, need: NewNeed, status: NeedStatus, now: datetime) -> Need:
        self._store.require(self._store.people, person_id, "person")
        stored = Need.model_validate(
            {
                **need.model_dump(),
                "at": minute(need.at),
                "id": self._store.next_id(self.rows),
                "person_id": person_id,
                "status": status,
                "created_at": now,
                "updated_at": now,
            }
        )
        self.rows[stored.id] = stored
        self._event(stored.id, now, person_id, "created", "")
        return stored

    async def get(self, need_id: int) -> Need | None:
        return self.rows.get(need_id)

    async def for_person(self, person_id: int, limit: int = 10) -> list[Need]:
        """The person's needs, open ones first, then the most recent."""
        mine = [n for n in self.rows.values() if n.person_id == person_id]
        mine.sort(key=lambda n: (n.status in OPEN_NEED_STATUSES, n.id), reverse=True)
        return mine[:limit]

    async def waiting(self) -> list[Need]:
        return [n for _, n in sorted(self.rows.items()) if n.status in WAITING_STATUSES]

    async def waiting_near(
        self, box: tuple[float, float, float, float], weekdays: frozenset[int]
    ) -> list[Need]:
        def inside(place: PlaceRef) -> bool:
            return box[0] <= place.lat <= box[1] and box[2] <= place.lon <= box[3]

        return [
            n
            for n in await self.waiting()
            if inside(n.origin) and inside(n.destination) and n.days & weekdays
        ]

    async def open_needs(self) -> list[Need]:
        return [n for _, n in sorted(self.rows.items()) if n.status in OPEN_NEED_STATUSES]

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
        need = self._updated(need_id, status=status, updated_at=now)
        self._event(need_id, now, actor_id, event or status.value, detail)
        return need

    async def set_operators_post(self, need_id: int, post_id: int) -> None:
        if need_id in self.rows:
            self._updated(need_id, operators_post_id=post_id)

    async def claim(self, need_id: int, operator_id: int, now: datetime) -> bool:
        need = self.rows.get(need_id)
        if need is None or need.claimed_by is not None:
            return False
        self._store.require(self._store.people, operator_id, "person")
        self._updated(need_id, claimed_by=operator_id, updated_at=now)
        self._event(need_id, now, operator_id, "claimed", "")
        return True

    async def close(
        self, need_id: int, reason: CloseReason, operator_id: int, now: datetime
    ) -> Need:
        need = self._updated(
            need_id, status=NeedStatus.CLOSED, closed_reason=reason, updated_at=now
        )
        self._event(need_id, now, operator_id, "closed", reason.value)
        return need

    async def record_event(
        self, need_id: int, now: datetime, kind: str, actor_id: int | None = None, detail: str = ""
    ) -> None:
        self._event(need_id, now, actor_id, kind, detail)

    async def events(self, need_id: int) -> list[dict[str, object]]:
        """As the SQLite rows: `at` is the text stored."""
        return [
            {"at": e.at.isoformat(), "actor_id": e.actor_id, "kind": e.kind, "detail": e.detail}
            for e in self._store.need_events
            if e.need_id == need_id
        ]

    async def created_since(self, since: datetime) -> list[Need]:
        return [n for _, n in sorted(self.rows.items()) if n.created_at > since]

    async def last_event_at(self, need_id: int) -> datetime | None:
        mine = [e.at for e in self._store.need_events if e.need_id == need_id]
        return mine[-1] if mine else None

    async def mark_announced(self, need_id: int, trip_id: int, now: datetime) -> bool:
        self._store.require(self.rows, need_id, "need")
        self._store.require(self._store.trips, trip_id, "trip")
        if (need_id, trip_id) in self._store.need_notifications:
            return False
        self._store.need_notifications[need_id, trip_id] = now
        return True

    async def seen_drivers(self, need_id: int) -> set[int]:
        trips = self._store.trips
        return {
            trips[trip_id].driver_id
            for (seen_need, trip_id) in self._store.need_notifications
            if seen_need == need_id and trip_id in trips
        }

    def _updated(self, need_id: int, **changes: Any) -> Need:
        need = self.rows.get(need_id)
        if need is None:
            raise LookupError(f"no need {need_id}")
        need = need.model_copy(update=changes)
        self.rows[need_id] = need
        return need

    def _event(
        self, need_id: int, now: datetime, actor_id: int | None, kind: str, detail: str
    ) -> None:
        self._store.require(self.rows, need_id, "need")
        self._store.require(self._store.people, actor_id, "person")
        events = self._store.need_events
        events.append(NeedEvent(len(events) + 1, need_id, now, actor_id, kind, detail))


class MemoryIntroductions:
    def __init__(self, store: MemoryStore) -> None:
        self._store = store
        self.rows = store.introductions

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
        back: tuple[int, time, time] | None = None,
    ) -> Introduction:
        store = self._store
        store.require(store.needs, need_id, "need")
        store.require(store.trips, trip_id, "trip")
        store.require(store.people, driver_id, "person")
        store.require(store.people, passenger_id, "person")
        if leg not in ("outbound", "return"):
            raise IntegrityError("CHECK constraint failed: leg IN ('outbound', 'return')")
        if any(
            i.need_id == need_id and i.status is IntroductionStatus.PENDING
            for i in self.rows.values()
        ):
            raise IntegrityError("UNIQUE constraint failed: one_pending_introduction")
        introduction = Introduction(
            id=store.next_id(self.rows),
            need_id=need_id,
            trip_id=trip_id,
            driver_id=driver_id,
            passenger_id=passenger_id,
            leg=leg,
            travel_day=travel_day,
            pickup=minute(pickup),
            dropoff=minute(dropoff),
            extra_minutes=round(extra_minutes, 1),
            status=IntroductionStatus.PENDING,
            created_at=now,
            expires_at=expires_at,
            back_trip_id=back[0] if back else None,
            back_pickup=minute(back[1]) if back else None,
            back_dropoff=minute(back[2]) if back else None,
        )
        self.rows[introduction.id] = introduction
        return introduction

    async def get(self, introduction_id: int) -> Introduction | None:
        return self.rows.get(introduction_id)

    async def for_need(self, need_id: int) -> list[Introduction]:
        return [i for _, i in sorted(self.rows.items()) if i.need_id == need_id]

    async def for_driver(self, driver_id: int) -> list[Introduction]:
        return [i for _, i in sorted(self.rows.items()) if i.driver_id == driver_id]

    async def waiting_for_driver(self, driver_id: int) -> list[Introduction]:
        return [
            i
            for _, i in sorted(self.rows.items())
            if i.driver_id == driver_id and i.status is IntroductionStatus.PENDING
        ]

    async def answer(self, introduction_id: int, status: IntroductionStatus, now: datetime) -> bool:
        """Settle a pending introduction; False if it was already settled (a double press)."""
        return self._settle(introduction_id, IntroductionStatus.PENDING, status, now)

    async def withdraw(self, introduction_id: int, now: datetime) -> bool:
        return self._settle(
            introduction_id, IntroductionStatus.ACCEPTED, IntroductionStatus.CANCELLED, now
        )

    async def set_ride_date(self, introduction_id: int, ride_date: date) -> None:
        introduction = self.rows.get(introduction_id)
        if introduction is not None:
            self.rows[introduction_id] = introduction.model_copy(update={"ride_date": ride_date})

    async def record_outcome(
        self, introduction_id: int, outcome: RideOutcome, now: datetime
    ) -> bool:
        introduction = self.rows.get(introduction_id)
        if introduction is None or introduction.ride_outcome is not None:
            return False
        self.rows[introduction_id] = introduction.model_copy(update={"ride_outcome": outcome})
        self._store.ride_outcome_at[introduction_id] = now
        return True

    async def accepted_rides(self) -> list[Introduction]:
        """Accepted, dated, of a need still matched; by pickup time, then id."""
        needs = self._store.needs
        rides = [
            i
            for i in self.rows.values()
            if i.status is IntroductionStatus.ACCEPTED
            and i.ride_date is not None
            and i.need_id in needs
            and needs[i.need_id].status is NeedStatus.MATCHED
        ]
        return sorted(rides, key=lambda i: (i.pickup, i.id))

    async def seats_taken(
        self, trip_ids: Iterable[int], since: date, *, leaving_out: int | None = None
    ) -> dict[int, SeatsTaken]:
        wanted, needs, trips = set(trip_ids), self._store.needs, self._store.trips
        dated: dict[int, dict[date, int]] = {}
        weekly: dict[int, dict[int, int]] = {}
        for i in self.rows.values():
            need = needs.get(i.need_id)
            if (
                i.trip_id not in wanted
                or i.id == leaving_out
                or i.status is not IntroductionStatus.ACCEPTED
                or need is None
                or need.status is not NeedStatus.MATCHED
            ):
                continue
            if need.travel_date is not None:
                if need.travel_date >= since:
                    on = dated.setdefault(i.trip_id, {})
                    on[need.travel_date] = on.get(need.travel_date, 0) + 1
                continue
            every = weekly.setdefault(i.trip_id, {})
            for day in need.days & {int(d) for d in trips[i.trip_id].weekdays}:
                every[day] = every.get(day, 0) + 1
        return {
            trip_id: SeatsTaken(dated.get(trip_id, {}), weekly.get(trip_id, {}))
            for trip_id in set(dated) | set(weekly)
        }

    def _settle(
        self,
        introduction_id: int,
        expected: IntroductionStatus,
        status: IntroductionStatus,
        now: datetime,
    ) -> bool:
        introduction = self.rows.get(introduction_id)
        if introduction is None or introduction.status is not expected:
            return False
        self.rows[introduction_id] = introduction.model_copy(
            update={"status": status, "answered_at": now}
        )
        return True


class MemoryAgenda:
    def __init__(self, store: MemoryStore) -> None:
        self._store = store
        self.rows = store.agenda

    # For the tests (and as SqlAgenda.pending).

    async def pending(self, kind: Kind, subject_id: int) -> AgendaEntry | None:
        row = self._pending_row(kind, subject_id)
        return _agenda_entry(row) if row else None

    def scheduled(self) -> list[tuple[Kind, int, datetime]]:
        """(kind, subject, due at) of every pending entry, by time."""
        rows = sorted(self._pending_rows(), key=lambda r: (r.due_at, r.id))
        return [(r.kind, r.subject_id, r.due_at) for r in rows]

    # The port.

    async def schedule(self, dues: Iterable[Due], now: datetime) -> None:
        """Add entries; one already pending for the same kind and subject is moved instead."""
        for due in dues:
            row = self._pending_row(due.kind, due.subject_id)
            if row is not None:
                row.due_at = utc(due.at)
            else:
                self._add(due, now)

    async def schedule_once(self, due: Due, now: datetime) -> bool:
        if self._pending_row(due.kind, due.subject_id) is not None:
            return False
        self._add(due, now)
        return True

    async def hold(self, entry_id: int, now: datetime) -> bool:
        return any(row.id == entry_id for row in self._pending_rows())  # one process

    async def due(self, now: datetime, limit: int) -> list[AgendaEntry]:
        rows = [r for r in self._pending_rows() if r.due_at <= utc(now)]
        rows.sort(key=lambda r: (r.due_at, r.id))
        return [_agenda_entry(r) for r in rows[:limit]]

    async def next_due(self) -> datetime | None:
        return min((r.due_at for r in self._pending_rows()), default=None)

    async def finish(self, entry_id: int, outcome: str, now: datetime) -> bool:
        row = self.rows.get(entry_id)
        if row is None or row.status != "pending":
            return False
        row.status = "failed" if outcome == Outcome.UNREACHABLE else "done"
        row.outcome, row.finished_at = outcome, utc(now)
        row.attempts += 1
        return True

    async def retry(self, entry_id: int, at: datetime, error: str) -> None:
        row = self.rows.get(entry_id)
        if row is not None and row.status == "pending":
            row.due_at, row.outcome = utc(at), error[:500]
            row.attempts += 1

    async def fail(self, entry_id: int, reason: str, now: datetime) -> None:
        row = self.rows.get(entry_id)
        if row is not None and row.status == "pending":
            row.status, row.outcome, row.finished_at = "failed", reason[:500], utc(now)
            row.attempts += 1

    async def failed_since(self, since: datetime) -> list[FailedEntry]:
        rows = [
            r
            for r in self.rows.values()
            if r.status == "failed" and r.finished_at is not None and r.finished_at > utc(since)
        ]
        rows.sort(key=lambda r: (r.finished_at, r.id))
        return [
            FailedEntry(r.kind, r.subject_id, r.outcome or "", r.finished_at)
            for r in rows
            if r.finished_at is not None
        ]

    def _add(self, due: Due, now: datetime) -> None:
        entry_id = self._store.next_id(self.rows)
        self.rows[entry_id] = AgendaRow(
            entry_id, Kind(due.kind), due.subject_id, utc(due.at), utc(now)
        )

    def _pending_rows(self) -> list[AgendaRow]:
        return [r for _, r in sorted(self.rows.items()) if r.status == "pending"]

    def _pending_row(self, kind: Kind, subject_id: int) -> AgendaRow | None:
        return next(
            (r for r in self._pending_rows() if (r.kind, r.subject_id) == (kind, subject_id)),
            None,
        )


def _agenda_entry(row: AgendaRow) -> AgendaEntry:
    return AgendaEntry(row.id, row.kind, row.subject_id, row.due_at, row.attempts)


class MemoryOutbox:
    def __init__(self, store: MemoryStore) -> None:
        self._store = store
        self.rows = store.outbox

    async def add(self, message: Outgoing, now: datetime) -> int:
        self._store.require(self._store.people, message.person_id, "person")
        entry_id = self._store.next_id(self.rows)
        self.rows[entry_id] = OutboxRow(
            id=entry_id,
            chat_id=message.chat_id,
            person_id=message.person_id,
            method=message.method,
            params=through_json(message.params),
            if_unreachable=step_through_json(message.if_unreachable),
            after_sent=step_through_json(message.after_sent),
            urgent=message.urgent,
            topic=message.topic,
            next_attempt_at=utc(now),
            created_at=utc(now),
        )
        return entry_id

    def _held_back_by(self, row: OutboxRow) -> list[OutboxRow]:
        """Earlier pending messages `row` waits for: same chat (not chat 0), and urgent or
        `row` itself is not (a reminder kept for the morning holds back no request)."""
        if row.chat_id == 0:
            return []
        return [
            e
            for e in self._pending()
            if e.chat_id == row.chat_id and e.id < row.id and (e.urgent or not row.urgent)
        ]

    async def release(self, entry_ids: Collection[int]) -> None:
        return None  # one process: nothing is claimed

    async def due(self, now: datetime, limit: int, skip: Collection[int] = ()) -> list[OutboxEntry]:
        """Pending messages whose time has come, by id, unless an earlier one they wait for
        is waiting for its retry, or their chat is one to skip."""
        moment = utc(now)
        due = [
            _outbox_entry(row)
            for row in self._pending()
            if row.next_attempt_at <= moment
            and row.chat_id not in skip
            and not any(e.next_attempt_at > moment for e in self._held_back_by(row))
        ]
        return due[:limit]

    async def next_attempt(self, skip: Collection[int] = ()) -> datetime | None:
        """The soonest attempt among the messages that wait for nobody."""
        heads = [
            r.next_attempt_at
            for r in self._pending()
            if not self._held_back_by(r) and r.chat_id not in skip
        ]
        return min(heads, default=None)

    async def get(self, entry_id: int) -> OutboxEntry | None:
        row = self.rows.get(entry_id)
        return _outbox_entry(row) if row is not None else None

    async def reported(self, entry_id: int, report: Report, now: datetime) -> bool:
        """As SQLite: only a sent text takes a report, once (after "on its way", one more)."""
        row = self.rows.get(entry_id)
        if (
            row is None
            or row.method != SMS
            or row.status is not DeliveryStatus.SENT
            or row.reported not in (None, Report.ON_ITS_WAY)
        ):
            return False
        row.reported = report
        return True

    async def sent(self, entry_id: int, message_id: int | None, now: datetime) -> None:
        row = self.rows.get(entry_id)
        if row is not None:
            row.status, row.telegram_message_id, row.finished_at = (
                DeliveryStatus.SENT,
                message_id,
                utc(now),
            )
            row.attempts += 1

    async def sent_many(self, sent: Sequence[tuple[int, int | None]], now: datetime) -> None:
        for entry_id, message_id in sent:
            await self.sent(entry_id, message_id, now)

    async def retry(self, entry_id: int, at: datetime, error: str) -> None:
        row = self.rows.get(entry_id)
        if row is not None:
            row.next_attempt_at, row.last_error = utc(at), error[:500]
            row.attempts += 1

    async def hurry(self, now: datetime) -> None:
        """Urgent ones waiting after a failure that was not a flood limit are due now."""
        moment = utc(now)
        for row in self._pending():
            if (
                row.urgent
                and row.attempts > 0
                and row.next_attempt_at > moment
                and row.last_error is not None
                and not row.last_error.lower().startswith("flood limit")  # NOT LIKE
            ):
                row.next_attempt_at = moment

    async def settle(
        self, entry_id: int, status: DeliveryStatus, error: str, now: datetime
    ) -> None:
        row = self.rows.get(entry_id)
        if row is not None:
            row.status, row.last_error, row.finished_at = status, error[:500], utc(now)
            row.attempts += 1

    async def prune(self, before: datetime) -> None:
        """Forget messages settled before `before`."""
        for entry_id in [
            i
            for i, row in self.rows.items()
            if row.status is not DeliveryStatus.PENDING
            and row.finished_at is not None
            and row.finished_at < utc(before)
        ]:
            del self.rows[entry_id]

    async def backlog(self) -> Backlog:
        pending = self._pending()
        sent = [
            r.finished_at
            for r in self.rows.values()
            if r.status is DeliveryStatus.SENT and r.finished_at is not None
        ]
        return Backlog(
            pending=len(pending),
            oldest_pending_at=min((r.created_at for r in pending), default=None),
            last_sent_at=max(sent, default=None),
        )

    async def undelivered_since(self, since: datetime) -> list[UndeliveredNotice]:
        return [
            UndeliveredNotice(
                row.chat_id,
                row.person_id,
                row.topic,
                row.status,
                row.last_error or "",
                row.finished_at,
            )
            for _, row in sorted(self.rows.items())
            if row.status in (DeliveryStatus.UNREACHABLE, DeliveryStatus.FAILED)
            and row.finished_at is not None
            and row.finished_at >= utc(since)
            and row.method not in NOT_NOTICES
        ]

    def _pending(self) -> list[OutboxRow]:
        return [r for _, r in sorted(self.rows.items()) if r.status is DeliveryStatus.PENDING]


def _outbox_entry(row: OutboxRow) -> OutboxEntry:
    return OutboxEntry(
        id=row.id,
        chat_id=row.chat_id,
        person_id=row.person_id,
        method=row.method,
        params=through_json(row.params),
        if_unreachable=row.if_unreachable,
        after_sent=row.after_sent,
        attempts=row.attempts,
        urgent=row.urgent,
        next_attempt_at=row.next_attempt_at,
        created_at=row.created_at,
        topic=row.topic,
    )


class MemoryInbox:
    def __init__(self, store: MemoryStore) -> None:
        self._store = store
        self.rows = store.inbox

    async def record(self, updates: Iterable[tuple[int, JSON, int]], now: datetime) -> int:
        new = 0
        for update_id, payload, _chat in updates:
            if update_id not in self.rows:  # ON CONFLICT (update_id) DO NOTHING
                self.rows[update_id] = InboxRow(update_id, through_json(payload), utc(now))
                new += 1
        return new

    async def pending(
        self, limit: int, after: int | None = None, now: datetime | None = None
    ) -> list[InboxEntry]:
        rows = [
            r
            for i, r in sorted(self.rows.items())
            if r.status is InboxStatus.PENDING and (after is None or i > after)
        ]
        return [
            InboxEntry(r.update_id, through_json(r.payload), r.received_at) for r in rows[:limit]
        ]

    async def finish(self, update_id: int, now: datetime, error: str | None = None) -> bool:
        row = self.rows.get(update_id)
        if row is None or row.status is not InboxStatus.PENDING:
            return False
        row.status = InboxStatus.FAILED if error else InboxStatus.HANDLED
        row.handled_at, row.error = utc(now), error
        return True

    async def prune(self, before: datetime) -> None:
        """Forget handled updates received before `before`."""
        for update_id in [
            i
            for i, row in self.rows.items()
            if row.status is not InboxStatus.PENDING and row.received_at < utc(before)
        ]:
            del self.rows[update_id]


class MemoryConsents:
    """storage/consents.py's SqlConsents."""

    def __init__(self, store: MemoryStore) -> None:
        self._store = store
        self.rows: list[Consent] = []

    async def add(
        self, person_id: int, topic: str, version: str, now: datetime, confirmed_by: int | None
    ) -> Consent:
        self._store.require(self._store.people, person_id, "person")
        self._store.require(self._store.people, confirmed_by, "person")
        consent = Consent(
            id=len(self.rows) + 1,
            person_id=person_id,
            topic=topic,
            version=version,
            given_at=now,
            confirmed_by=confirmed_by,
        )
        self.rows.append(consent)
        return consent

    async def latest(self, person_id: int, topic: str) -> Consent | None:
        found = [c for c in self.rows if c.person_id == person_id and c.topic == topic]
        return found[-1] if found else None

    async def for_person(self, person_id: int) -> list[Consent]:
        return [c for c in self.rows if c.person_id == person_id]


class MemoryPersonReports:
    """storage/trust.py's SqlPersonReports."""

    def __init__(self, store: MemoryStore) -> None:
        self._store = store
        # (reporter, reported, introduction, reason, words)
        self.rows: list[tuple[int, int, int | None, str, str]] = []

    async def add(
        self,
        reporter_id: int,
        reported_id: int,
        introduction_id: int | None,
        reason: str,
        words: str,
        now: datetime,
    ) -> int:
        self._store.require(self._store.people, reporter_id, "person")
        self._store.require(self._store.people, reported_id, "person")
        self.rows.append((reporter_id, reported_id, introduction_id, reason, words))
        return len(self.rows)

    async def never_matched_with(self, person_id: int) -> set[int]:
        reported = {b for a, b, *_ in self.rows if a == person_id}
        return reported | {a for a, b, *_ in self.rows if b == person_id}
