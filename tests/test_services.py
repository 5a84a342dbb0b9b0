"""The services on their own: in-memory ports (tests/memory.py), a fake clock, no Telegram and
no SQLite. What they decide shows in the notices they return (who is told what) and in what
they store."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta

import pytest

from bot.agenda import Calendar, Kind, Timing
from bot.delivery import GIVE_UP_AFTER, DeliveryStatus, Outgoing, Step
from bot.domain import (
    NeedStatus,
    NewNeed,
    NewTrip,
    Person,
    PlaceRef,
    Purpose,
    TelegramIdentity,
    TimeMode,
    Weekday,
)
from bot.matching import MatchingParams
from bot.notices import DRIVER_UNREACHABLE, NEED_POST, NEED_POSTED, Notice, Offer
from bot.services.announcements import AnnouncementService
from bot.services.delivery import DeliveryService
from bot.services.introductions import AnswerResult, AskResult, IntroductionService
from bot.services.needs import NeedService
from bot.services.trips import TripService
from bot.settings import Settings
from tests.conftest import START, FakeClock
from tests.memory import (
    MemoryAgenda,
    MemoryIntroductions,
    MemoryNeeds,
    MemoryOutbox,
    MemoryPeople,
    MemoryTrips,
    MemoryTripSearch,
    MemoryUnitOfWork,
)

CAHORS = PlaceRef(id="insee:46042", name="Cahors", department="46", lat=44.4475, lon=1.4419)
FIGEAC = PlaceRef(id="insee:46102", name="Figeac", department="46", lat=44.6086, lon=2.0317)
TUESDAY = date(2026, 11, 24)


@dataclass
class World:
    clock: FakeClock
    people: MemoryPeople
    trips_store: MemoryTrips
    needs_store: MemoryNeeds
    introductions_store: MemoryIntroductions
    agenda: MemoryAgenda
    outbox: MemoryOutbox
    needs: NeedService
    introductions: IntroductionService
    trips: TripService
    delivery: DeliveryService

    async def person(self, user_id: int, name: str, username: str | None = None) -> Person:
        identity = TelegramIdentity(user_id=user_id, first_name=name, username=username)
        return await self.people.add_from_telegram(identity, "fr", self.clock.now())

    async def by_phone(self, name: str, phone: str, visible: bool) -> Person:
        return await self.people.add_offline(name, phone, visible, "fr", 1, self.clock.now())

    async def trip(self, driver: Person) -> None:
        trip = NewTrip(
            origin=CAHORS, destination=FIGEAC, weekdays=frozenset(Weekday(d) for d in range(5)),
            departure=time(7, 30), seats=3,
        )  # fmt: skip
        await self.trips.register(driver, trip)

    async def need(self, passenger: Person) -> list[Notice]:
        need = NewNeed(
            origin=CAHORS, destination=FIGEAC, travel_date=TUESDAY,
            time_mode=TimeMode.ARRIVE_BEFORE, at=time(9, 0), purpose=Purpose.HEALTH,
        )  # fmt: skip
        return (await self.needs.submit(passenger, need)).notices


@pytest.fixture
def world() -> World:
    settings = Settings(_env_file=None)  # type: ignore[call-arg]
    clock = FakeClock(START)
    timing = Timing.from_settings(settings)
    params = MatchingParams.from_settings(settings)
    people, trips, needs = MemoryPeople(), MemoryTrips(), MemoryNeeds()
    introductions, agenda, outbox, uow = (
        MemoryIntroductions(), MemoryAgenda(), MemoryOutbox(), MemoryUnitOfWork(),
    )  # fmt: skip
    need_service = NeedService(
        needs=needs, introductions=introductions, trips=trips, people=people,
        search=MemoryTripSearch(trips), params=params, clock=clock, agenda=agenda,
        unit_of_work=uow, timing=timing,
    )  # fmt: skip
    announcements = AnnouncementService(
        needs=need_service, need_repository=needs, introductions=introductions, trips=trips,
        people=people, params=params, clock=clock,
    )  # fmt: skip
    return World(
        clock, people, trips, needs, introductions, agenda, outbox,
        needs=need_service,
        introductions=IntroductionService(
            needs=need_service, need_repository=needs, introductions=introductions,
            trips=trips, people=people, params=params, clock=clock, agenda=agenda,
            unit_of_work=uow, timing=timing,
        ),
        trips=TripService(
            trips, MemoryTripSearch(trips), clock, people=people, agenda=agenda,
            unit_of_work=uow, timing=timing, announcer=announcements,
        ),
        delivery=DeliveryService(outbox, people, clock, Calendar(settings.zone)),
    )  # fmt: skip


def told(notices: list[Notice]) -> list[tuple[str, str]]:
    """(message key, reader) of each notice; the team reads as "team"."""
    return [(n.key, n.to.display_name if n.to else "team") for n in notices]


# Needs and drivers.


async def test_a_need_nobody_can_take_goes_to_the_team(world: World) -> None:
    marie = await world.person(302, "Marie", "marie_d")
    notices = await world.need(marie)
    assert told(notices) == [("candidates.none", "Marie"), (NEED_POST, "team")]
    post = notices[1]
    assert post.after_sent == Step(NEED_POSTED, {"need_id": 1})
    assert [b.offer for b in post.buttons] == [Offer.FOLLOW_NEED]
    assert world.needs_store.rows[1].status is NeedStatus.WITH_OPERATORS


async def test_a_need_a_driver_can_take_shows_the_driver(world: World) -> None:
    jean = await world.person(301, "Jean Martin", "jean_m")
    await world.trip(jean)
    marie = await world.person(302, "Marie", "marie_d")
    [found] = await world.need(marie)
    assert (found.key, found.to) == ("candidates.found", marie)
    [candidate] = found.values["candidates"]
    assert candidate.driver == jean and candidate.trip.id == 1


async def test_a_new_trip_is_announced_to_who_waits_for_it(world: World) -> None:
    marie = await world.person(302, "Marie", "marie_d")
    await world.need(marie)
    jean = await world.person(301, "Jean Martin", "jean_m")
    trip = NewTrip(
        origin=CAHORS, destination=FIGEAC, weekdays=frozenset({Weekday(1)}),
        departure=time(7, 30), seats=2,
    )  # fmt: skip
    registered = await world.trips.register(jean, trip)
    assert told(registered.notices) == [("candidates.new_driver", "Marie")]
    again = await world.trips.register(jean, trip)  # the same need is told once per trip
    assert told(again.notices) == [("candidates.new_driver", "Marie")]
    assert len(world.needs_store.announced) == 2


# Asking a driver.


async def test_asking_a_driver_on_telegram(world: World) -> None:
    jean = await world.person(301, "Jean Martin", "jean_m")
    await world.trip(jean)
    marie = await world.person(302, "Marie", "marie_d")
    await world.need(marie)
    asked = await world.introductions.ask_driver(marie, 1, 1)
    assert asked.result is AskResult.ASKED
    assert told(asked.notices) == [("intro.request", "Jean Martin"), ("intro.asked", "Marie")]
    request = asked.notices[0]
    assert request.if_unreachable == Step(DRIVER_UNREACHABLE, {"introduction_id": 1})
    assert [b.offer for b in request.buttons] == [Offer.ANSWER_INTRODUCTION]
    assert (Kind.INTRODUCTION_TIMEOUT, 1) in [(k, s) for k, s, _ in world.agenda.pending()]


async def test_a_driver_without_telegram_is_asked_through_the_team(world: World) -> None:
    roger = await world.by_phone("Roger Lafon", "0612345678", visible=False)
    await world.trip(roger)
    marie = await world.person(302, "Marie", "marie_d")
    await world.need(marie)
    asked = await world.introductions.ask_driver(marie, 1, 1)
    assert told(asked.notices) == [("operators.call_driver", "team"), ("intro.asked", "Marie")]
    assert asked.notices[0].values["driver"] == roger


async def test_a_driver_known_to_have_blocked_the_bot_counts_as_a_decline(world: World) -> None:
    jean = await world.person(301, "Jean Martin", "jean_m")
    await world.trip(jean)
    await world.people.set_unreachable(jean.id, world.clock.now())
    marie = await world.person(302, "Marie", "marie_d")
    await world.need(marie)
    asked = await world.introductions.ask_driver(marie, 1, 1)
    keys = told(asked.notices)
    assert ("intro.unreachable_passenger", "Marie") in keys
    assert ("candidates.no_more", "Marie") in keys and (NEED_POST, "team") in keys
    assert not [k for k in keys if k[1] == "Jean Martin"]


# The driver's answer.


async def asked_for(world: World, driver: Person, passenger: Person) -> None:
    await world.trip(driver)
    await world.need(passenger)
    await world.introductions.ask_driver(passenger, 1, 1)


async def test_an_accepted_ride_gives_both_their_contacts(world: World) -> None:
    jean = await world.person(301, "Jean Martin", "jean_m")
    marie = await world.person(302, "Marie", "marie_d")
    await asked_for(world, jean, marie)
    answer = await world.introductions.answer(jean, 1, accept=True)
    assert answer.result is AnswerResult.ACCEPTED
    assert told(answer.notices) == [
        ("intro.accepted_driver", "Jean Martin"),
        ("intro.accepted_passenger", "Marie"),
    ]
    instead = answer.notices[1].if_unreachable
    assert isinstance(instead, tuple)
    assert told(list(instead)) == [
        ("operators.call_passenger_accepted", "team"),
        ("intro.passenger_unreachable_driver", "Jean Martin"),
    ]
    assert world.needs_store.rows[1].status is NeedStatus.MATCHED
    kinds = {k for k, _, _ in world.agenda.pending()}
    assert {Kind.RIDE_REMINDER_PASSENGER, Kind.RIDE_REMINDER_DRIVER} <= kinds


async def test_a_passenger_known_unreachable_is_called_by_the_team(world: World) -> None:
    jean = await world.person(301, "Jean Martin", "jean_m")
    marie = await world.person(302, "Marie", "marie_d")
    await asked_for(world, jean, marie)
    await world.people.set_unreachable(marie.id, world.clock.now())
    answer = await world.introductions.answer(jean, 1, accept=True)
    assert told(answer.notices) == [
        ("intro.accepted_driver", "Jean Martin"),
        ("operators.call_passenger_accepted", "team"),
        ("intro.passenger_unreachable_driver", "Jean Martin"),
    ]


async def test_a_driver_without_telegram_accepts_through_the_team(world: World) -> None:
    roger = await world.by_phone("Roger Lafon", "0612345678", visible=False)
    marie = await world.person(302, "Marie", "marie_d")
    await asked_for(world, roger, marie)
    olga = await world.person(401, "Olga Bru")
    mine = await world.introductions.answer(olga, 1, accept=True)
    assert mine.result is AnswerResult.NOT_YOURS  # not the driver, and not as the team
    answer = await world.introductions.answer(olga, 1, accept=True, by_operator=True)
    assert told(answer.notices) == [
        ("operators.connect_driver", "team"),
        ("intro.accepted_passenger_via_team", "Marie"),
    ]


async def test_a_decline_offers_the_next_driver_or_the_team(world: World) -> None:
    jean = await world.person(301, "Jean Martin", "jean_m")
    paul = await world.person(303, "Paul Martin", "paul_m")
    marie = await world.person(302, "Marie", "marie_d")
    await world.trip(paul)
    await asked_for(world, jean, marie)  # trips 1 (Paul) and 2 (Jean); Marie asked Paul
    first = await world.introductions.answer(paul, 1, accept=False)
    assert told(first.notices) == [
        ("intro.declined_passenger", "Marie"),
        ("candidates.next", "Marie"),
    ]
    await world.introductions.ask_driver(marie, 1, 2)
    second = await world.introductions.answer(jean, 2, accept=False)
    assert told(second.notices) == [
        ("intro.declined_passenger", "Marie"),
        ("candidates.no_more", "Marie"),
        (NEED_POST, "team"),
    ]
    assert world.needs_store.rows[1].status is NeedStatus.WITH_OPERATORS
    again = await world.introductions.answer(jean, 2, accept=True)  # an old button
    assert again.result is AnswerResult.ALREADY and again.notices == []


# Delivery.


async def test_a_message_is_tried_again_after_growing_delays(world: World) -> None:
    marie = await world.person(302, "Marie", "marie_d")
    await world.delivery.write(Outgoing(302, "sendMessage", {"chat_id": 302, "text": "Bonjour"}))
    [entry] = await world.delivery.due(10)
    assert entry.person_id == marie.id  # found from the chat
    waits = []
    for _ in range(4):
        await world.delivery.not_yet(entry, "Bad Gateway")
        at = await world.delivery.next_attempt()
        assert at is not None
        waits.append((at - world.clock.now()).total_seconds())
        world.clock.current = at
        [entry] = await world.delivery.due(10)
    assert waits == [1, 2, 3, 5]
    await world.delivery.not_yet(entry, "flood", timedelta(seconds=7))  # a 429's retry_after
    assert await world.delivery.next_attempt() == world.clock.now() + timedelta(seconds=7)


async def test_a_held_up_reminder_waits_for_the_morning(world: World) -> None:
    world.clock.current = datetime(2026, 11, 23, 19, 59, 58, tzinfo=UTC)  # 20:59:58 in Paris
    await world.delivery.write(
        Outgoing(302, "sendMessage", {"chat_id": 302, "text": "Rappel"}, urgent=False)
    )
    await world.delivery.write(Outgoing(303, "sendMessage", {"chat_id": 303, "text": "Oui"}))
    for entry in await world.delivery.due(10):
        await world.delivery.not_yet(entry, "Bad Gateway", timedelta(seconds=5))
    reminder, reply = (world.outbox.rows[1]["next"], world.outbox.rows[2]["next"])
    assert reminder == datetime(2026, 11, 24, 7, 0, tzinfo=UTC)  # 08:00 in Paris
    assert reply == datetime(2026, 11, 23, 20, 0, 3, tzinfo=UTC)


async def test_a_chat_keeps_its_order_and_a_message_is_given_up_after_a_day(
    world: World,
) -> None:
    for text in ("un", "deux"):
        await world.delivery.write(Outgoing(302, "sendMessage", {"chat_id": 302, "text": text}))
    await world.delivery.write(Outgoing(303, "sendMessage", {"chat_id": 303, "text": "autre"}))
    first = (await world.delivery.due(10))[0]
    await world.delivery.not_yet(first, "Bad Gateway")
    assert [e.params["text"] for e in await world.delivery.due(10)] == ["autre"]
    world.clock.advance(seconds=GIVE_UP_AFTER.total_seconds())
    [first, _, _] = await world.delivery.due(10)
    assert not await world.delivery.not_yet(first, "Bad Gateway")
    [undelivered] = await world.delivery.undelivered_since(START)
    assert undelivered.status is DeliveryStatus.FAILED and undelivered.chat_id == 302


async def test_a_reader_who_blocked_the_bot_is_marked_and_the_fallback_returned(
    world: World,
) -> None:
    marie = await world.person(302, "Marie", "marie_d")
    fallback = Step("send", {"chat_id": -100, "text": "Appelez Marie"})
    await world.delivery.write(
        Outgoing(302, "sendMessage", {"chat_id": 302, "text": "x"}, if_unreachable=fallback)
    )
    [entry] = await world.delivery.due(10)
    assert await world.delivery.unreachable(entry, "Forbidden: bot was blocked") == fallback
    assert world.people.rows[marie.id].unreachable_at == world.clock.now()
    assert not world.people.rows[marie.id].reachable


async def test_settled_messages_are_forgotten_after_a_week(world: World) -> None:
    await world.delivery.write(Outgoing(302, "sendMessage", {"chat_id": 302, "text": "x"}))
    await world.delivery.write(Outgoing(303, "sendMessage", {"chat_id": 303, "text": "y"}))
    [sent, _] = await world.delivery.due(10)
    await world.delivery.sent(sent, 7)
    world.clock.advance(days=8)
    await world.delivery.prune()
    assert list(world.outbox.rows) == [2]  # the one still pending stays
