"""What the core needs from storage, as small interfaces; `storage/` implements them, each
repository on both engines through one `Database` interface (SQLite: storage/db.py;
PostgreSQL: storage/postgres.py; the SQL that differs: storage/dialect.py). The classes keep
their `Sqlite…` names from before PostgreSQL.

The ports shared by several features are declared here; the others beside the feature that
owns them. Every port, its owner, and what implements it ("memory": the in-memory one the
services' own tests use; tests/test_port_contracts.py runs the same cases on memory and on
SQLite for those marked *). Paths are under bot/ unless they start with storage/,
handlers/ or tests/.

Declared here
  PeopleRepository*       people (services/people.py)     storage/people.py; tests/memory.py
  TripRepository*         trips (services/trips.py)       storage/trips.py; tests/memory.py
  NeedRepository*         needs (services/needs.py)       storage/needs.py; tests/memory.py
  NeedFollowUp*           team (services/operators.py)   storage/needs.py; tests/memory.py
  IntroductionRepository* introductions                   storage/introductions.py; memory
  TripSearch*             matching (services/needs.py)    storage/trip_search.py; memory
  Agenda*                 scheduled work (bot/agenda.py)  storage/agenda.py; tests/memory.py
  Inbox*                  updates (bot/delivery.py)       storage/inbox.py; tests/memory.py
  Outbox*                 notices (bot/delivery.py)       storage/outbox.py; tests/memory.py
  UnitOfWork*             every use case                  storage/db.py Database; memory

Beside their feature
  ConversationStore*      conversations/engine.py         storage/conversations.py;
                                                          tests/test_conversation_engine.py
  ConsentRepository*      services/consents.py            storage/consents.py; memory
  PrivacyAcceptance       services/consents.py            storage/people.py; memory
  PersonReports*          services/trust.py               storage/trust.py; memory
  DataHolder              services/privacy.py             storage/personal_data.py (one per
                                                          table), storage/sms_channel.py…
  NeedAnonymiser          services/privacy.py             storage/personal_data.py
  TextInbox, TextUsage    services/texts.py               storage/texts.py, storage/outbox.py
  TusRegister             services/tus.py                 storage/tus.py
  VolunteerRepository     services/volunteers.py          storage/volunteers.py
  VolunteerRideRepository services/volunteer_rides.py     storage/volunteer_rides.py
  DashboardFacts          services/dashboard.py           storage/dashboard.py
  Reports                 services/reports.py             storage/reports.py
  AidAnswers*             aids/ports.py                   storage/aids.py;
                                                          tests/test_aids_flow.py
  Applications            aids/ports.py                   storage/aids.py;
                                                          tests/test_applications_service.py
  ProofFiles              aids/ports.py                   storage/aids.py ProofFolder;
                                                          tests/test_applications_service.py
  BookingRepository*      interop/ports.py                storage/interop.py;
  SharedNeeds*            interop/ports.py                  tests/test_interop_core.py
  PartnerClient           interop/ports.py                handlers/http/partner_client.py;
                                                          tests/interop_helpers.py FakePartner
  Timetable               transit/planner.py              storage/transit.py
  Clock                   clock.py                        SystemClock; tests FakeClock
  OnlineLookup            services/places.py              places/geocoder.py
  CommuneLookup           places/local.py                 places/gazetteer.py

Collaborators a service receives (declared in the service that uses them):
  Announcer               services/needs.py, trips.py     services/announcements.py
  VolunteerMatcher        services/needs.py               services/volunteers.py
  VolunteerLookup         services/introductions.py       storage/volunteers.py
  RidesToCome             services/trips.py               services/rides.py
  RideCaller              services/trips.py               services/introductions.py
  PartnerPassengers       services/trips.py               storage/interop.py
"""

from __future__ import annotations

from collections.abc import Collection, Iterable, Sequence
from contextlib import AbstractAsyncContextManager
from datetime import date, datetime, time
from typing import Any, Protocol

from bot.agenda import AgendaEntry, Due, FailedEntry
from bot.delivery import (
    JSON,
    Backlog,
    DeliveryStatus,
    InboxEntry,
    OutboxEntry,
    Outgoing,
    Report,
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
from bot.matching import Match, MatchingParams, NeedQuery, Point, SeatsTaken, TripRoute
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

    async def set_unreachable(self, person_id: int, since: datetime | None) -> None: ...

    async def by_chat(self, chat_id: int) -> Person | None: ...

    async def seen(self, person_id: int, now: datetime) -> None: ...

    async def offline_with_phone(self, phone: str) -> list[Person]: ...

    async def with_phone(self, phone: str) -> Person | None: ...

    async def merge(self, into_id: int, from_id: int) -> None: ...

    async def forget(self, person_id: int, now: datetime) -> None: ...

    async def set_suspended(self, person_id: int, since: datetime | None) -> None: ...

    async def inactive(self, before: datetime, limit: int) -> list[Person]: ...

    async def stay_asked(self, person_id: int, now: datetime) -> None: ...

    async def asked_to_stay_before(self, before: datetime) -> list[Person]: ...

    async def add_from_sms(self, phone: str, language: Language, now: datetime) -> Person: ...

    async def texting_from(self, phone: str) -> Person | None: ...

    async def set_sms(
        self, person_id: int, since: datetime | None, consent_by: int | None, now: datetime
    ) -> Person: ...

    async def set_sms_stopped(
        self, person_id: int, at: datetime | None, now: datetime
    ) -> Person: ...

    async def set_name(self, person_id: int, name: str, now: datetime) -> Person: ...


class TripRepository(Protocol):
    async def add(self, driver_id: int, trip: NewTrip, now: datetime) -> Trip: ...

    async def get(self, trip_id: int) -> Trip | None: ...

    async def for_driver(self, driver_id: int) -> list[Trip]:
        """The driver's trips that are not deleted, oldest first."""
        ...

    async def set_status(self, trip_id: int, status: TripStatus, now: datetime) -> Trip: ...

    async def set_seats(self, trip_id: int, seats: int, now: datetime) -> Trip: ...

    async def check_asked(self, trip_id: int, now: datetime) -> None:
        """The driver was just asked whether the trip still runs."""
        ...

    async def confirmed(self, trip_id: int, now: datetime) -> None:
        """The driver said (or showed, by resuming it) that the trip still runs."""
        ...

    async def freshness(self, trip_id: int) -> tuple[datetime | None, datetime | None]:
        """When the driver was last asked, and last confirmed."""
        ...


class NeedRepository(Protocol):
    async def add(
        self, person_id: int, need: NewNeed, status: NeedStatus, now: datetime
    ) -> Need: ...

    async def get(self, need_id: int) -> Need | None: ...

    async def for_person(self, person_id: int, limit: int = 10) -> list[Need]: ...

    async def waiting(self) -> list[Need]: ...

    async def waiting_near(
        self, box: tuple[float, float, float, float], weekdays: frozenset[int]
    ) -> list[Need]:
        """Waiting needs whose two ends lie in the box (min_lat, max_lat, min_lon, max_lon)
        and which fall on one of the weekdays (0 = Monday), by id: the reverse search of a new
        trip (an index, not a scan of every need)."""
        ...

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

    async def mark_announced(self, need_id: int, trip_id: int, now: datetime) -> bool:
        """Remember that this trip was shown or announced for this need; False if it was."""
        ...

    async def seen_drivers(self, need_id: int) -> set[int]:
        """Drivers whose trips were already shown or announced for this need."""
        ...

    async def created_since(self, since: datetime) -> list[Need]: ...

    async def last_event_at(self, need_id: int) -> datetime | None: ...


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
        back: tuple[int, time, time] | None = None,
    ) -> Introduction: ...

    async def get(self, introduction_id: int) -> Introduction | None: ...

    async def for_need(self, need_id: int) -> list[Introduction]: ...

    async def for_driver(self, driver_id: int) -> list[Introduction]: ...
    async def waiting_for_driver(self, driver_id: int) -> list[Introduction]:
        """The driver's requests still without an answer, oldest first."""
        ...

    async def answer(
        self, introduction_id: int, status: IntroductionStatus, now: datetime
    ) -> bool: ...

    async def set_ride_date(self, introduction_id: int, ride_date: date) -> None: ...

    async def withdraw(self, introduction_id: int, now: datetime) -> bool:
        """An accepted introduction called off by its driver; False if it was not accepted."""
        ...

    async def record_outcome(
        self, introduction_id: int, outcome: RideOutcome, now: datetime
    ) -> bool:
        """Whether the ride happened; False if an answer was already recorded."""
        ...

    async def accepted_rides(self) -> list[Introduction]:
        """Accepted introductions of needs still matched (for the rides planned on a day)."""
        ...

    async def seats_taken(
        self, trip_ids: Iterable[int], since: date, *, leaving_out: int | None = None
    ) -> dict[int, SeatsTaken]:
        """Seats each trip has promised to passengers from `since` on (see SeatsTaken)."""
        ...


class Agenda(Protocol):
    """What is due when (bot/agenda.py), kept in the database."""

    async def schedule(self, dues: Iterable[Due], now: datetime) -> None: ...

    async def schedule_once(self, due: Due, now: datetime) -> bool: ...

    async def due(self, now: datetime, limit: int) -> list[AgendaEntry]: ...

    async def next_due(self) -> datetime | None: ...

    async def hold(self, entry_id: int, now: datetime) -> bool:
        """In the caller's transaction: whether this worker still holds the entry, pending
        (and holds it until that transaction ends); False when another worker took it over
        or it is done (bot/workers.py)."""
        ...

    async def finish(self, entry_id: int, outcome: str, now: datetime) -> bool: ...

    async def retry(self, entry_id: int, at: datetime, error: str) -> None: ...

    async def fail(self, entry_id: int, reason: str, now: datetime) -> None: ...

    async def failed_since(self, since: datetime) -> list[FailedEntry]: ...


class UnitOfWork(Protocol):
    """Writes made inside `transaction()` (by any repository) commit or roll back together."""

    def transaction(self) -> AbstractAsyncContextManager[Any]: ...


class TripSearch(Protocol):
    """Matching over every active trip (an index kept in step with the trips)."""

    async def matches(
        self, need: NeedQuery, params: MatchingParams, limit: int | None = None
    ) -> list[Match]:
        """Exactly ``bot.matching.find_matches(need, every active trip, params, limit)``,
        seats aside: the index knows the routes, not the seats taken (NeedService counts
        them on what this returns)."""
        ...

    async def routes_near(
        self, origin: Point, destination: Point, day: date | None = None
    ) -> list[TripRoute]:
        """Active trips whose search area may hold both points, by trip id (a superset:
        the caller decides); with a `day`, one-off trips of other days may be left out."""
        ...

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


class Inbox(Protocol):
    """Updates as received, until they are handled (bot/delivery.py)."""

    async def record(self, updates: Iterable[tuple[int, JSON, int]], now: datetime) -> int:
        """Store updates (id, payload, chat) not seen before; returns how many were new."""
        ...

    async def pending(
        self, limit: int, after: int | None = None, now: datetime | None = None
    ) -> list[InboxEntry]:
        """The first pending updates; with `now`, claimed by this worker (bot/workers.py)."""
        ...

    async def finish(self, update_id: int, now: datetime, error: str | None = None) -> bool:
        """False when the update was not pending any more (handled by another worker)."""
        ...

    async def prune(self, before: datetime) -> None: ...


class Outbox(Protocol):
    """Messages to send, in order, until each is sent or settled (bot/delivery.py)."""

    async def add(self, message: Outgoing, now: datetime) -> int: ...

    async def due(self, now: datetime, limit: int, skip: Collection[int] = ()) -> list[OutboxEntry]:
        """Pending messages whose time has come, oldest first, skipping those behind a
        message to the same chat that must wait, and those to the chats in `skip`; claimed by
        this worker (bot/workers.py) until sent, settled or released."""
        ...

    async def release(self, entry_ids: Collection[int]) -> None:
        """Claimed by `due` but not sent now: other workers may take them."""
        ...

    async def next_attempt(self, skip: Collection[int] = ()) -> datetime | None: ...

    async def sent(self, entry_id: int, message_id: int | None, now: datetime) -> None: ...

    async def sent_many(self, sent: Sequence[tuple[int, int | None]], now: datetime) -> None:
        """Several messages delivered, (id, message id) each, recorded at once."""
        ...

    async def retry(self, entry_id: int, at: datetime, error: str) -> None: ...

    async def hurry(self, now: datetime) -> None:
        """Urgent messages waiting after a server or network failure (not a flood limit)
        are due now; the others keep their time (a reminder held for the morning stays so)."""
        ...

    async def settle(
        self, entry_id: int, status: DeliveryStatus, error: str, now: datetime
    ) -> None: ...

    async def backlog(self) -> Backlog: ...

    async def prune(self, before: datetime) -> None: ...

    async def undelivered_since(self, since: datetime) -> list[UndeliveredNotice]: ...

    async def get(self, entry_id: int) -> OutboxEntry | None: ...

    async def reported(self, entry_id: int, report: Report, now: datetime) -> bool:
        """A text's delivery report, kept; False when one was already kept (repeated)."""
        ...
