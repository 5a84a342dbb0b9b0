"""The services on their own: in-memory ports (tests/memory.py), a fake clock, no Telegram and
no SQLite. What they decide shows in the notices they return (who is told what, with which
facts and buttons) and in what they store.

The clock starts on Monday 23 November 2026 at 10:00 in Cahors (tests/conftest.py START).
Trips run Cahors → Figeac on working days at 07:30 (65 minutes of road); passengers need to
be in Figeac before 09:00 on Tuesday 24.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta

import pytest

from bot.agenda import Due, Kind, Outcome, Timing
from bot.delivery import BACKOFF, GIVE_UP_AFTER, DeliveryStatus, Outgoing, Step
from bot.domain import (
    IntroductionStatus,
    NeedStatus,
    NewNeed,
    NewTrip,
    Person,
    PlaceRef,
    Purpose,
    RideOutcome,
    TelegramIdentity,
    TimeMode,
    Trip,
    TripStatus,
    Weekday,
)
from bot.matching import MatchingParams
from bot.notices import (
    DRIVER_UNREACHABLE,
    NEED_POST,
    NEED_POST_REFRESH,
    NEED_POSTED,
    Button,
    Notice,
    Offer,
)
from bot.services.delivery import DeliveryService, InboxService
from bot.services.introductions import (
    Answer,
    AnswerResult,
    Ask,
    AskResult,
    IntroductionService,
)
from bot.services.needs import NeedService, Search
from bot.services.people import PeopleService
from bot.services.rides import RecordedOutcome, RideService
from bot.services.trips import TripService
from bot.services.wiring import wire_matching
from bot.services.words import RequestsWaiting, WordsService
from bot.settings import Settings
from tests.conftest import START, FakeClock
from tests.memory import (
    MemoryAgenda,
    MemoryInbox,
    MemoryIntroductions,
    MemoryNeeds,
    MemoryOutbox,
    MemoryPeople,
    MemoryStore,
    MemoryTrips,
    MemoryTripSearch,
    MemoryUnitOfWork,
)

CAHORS = PlaceRef(id="insee:46042", name="Cahors", department="46", lat=44.4475, lon=1.4419)
FIGEAC = PlaceRef(id="insee:46102", name="Figeac", department="46", lat=44.6086, lon=2.0317)
WORKING_DAYS = frozenset(Weekday(d) for d in range(5))
MONDAY, TUESDAY = date(2026, 11, 23), date(2026, 11, 24)
PARIS_WINTER = timedelta(hours=1)  # Europe/Paris is UTC+1 in November


def paris(day: date, hour: int, minute: int = 0, second: int = 0) -> datetime:
    """A wall-clock time in Cahors (winter time), as a UTC moment."""
    return datetime(day.year, day.month, day.day, hour, minute, second, tzinfo=UTC) - PARIS_WINTER


@dataclass
class World:
    clock: FakeClock
    store: MemoryStore
    people: MemoryPeople
    trip_rows: MemoryTrips
    need_rows: MemoryNeeds
    introduction_rows: MemoryIntroductions
    agenda: MemoryAgenda
    outbox: MemoryOutbox
    inbox_rows: MemoryInbox
    search: MemoryTripSearch
    needs: NeedService
    introductions: IntroductionService
    trips: TripService
    delivery: DeliveryService
    inbox: InboxService
    operator: Person
    rides: RideService
    words: WordsService

    async def on_telegram(self, user_id: int, name: str, username: str | None = None) -> Person:
        identity = TelegramIdentity(user_id=user_id, first_name=name, username=username)
        return await self.people.add_from_telegram(identity, "fr", self.clock.now())

    async def by_phone(self, name: str, phone: str = "0612345678") -> Person:
        """Someone who phoned the team: no Telegram."""
        return await self.people.add_offline(
            name, phone, False, "fr", self.operator.id, self.clock.now()
        )

    async def trip(self, driver: Person, weekdays: frozenset[Weekday] = WORKING_DAYS) -> Trip:
        new = NewTrip(
            origin=CAHORS,
            destination=FIGEAC,
            weekdays=weekdays,
            departure=time(7, 30),
            seats=3,
        )
        return (await self.trips.register(driver, new)).trip

    async def submit(self, passenger: Person, day: date = TUESDAY) -> Search:
        new = NewNeed(
            origin=CAHORS,
            destination=FIGEAC,
            travel_date=day,
            time_mode=TimeMode.ARRIVE_BEFORE,
            at=time(9, 0),
            purpose=Purpose.HEALTH,
        )
        return await self.needs.submit(passenger, new)

    async def asked(self, driver: Person, passenger: Person) -> Ask:
        """A trip for the driver, a need for the passenger, and the passenger asking him."""
        trip = await self.trip(driver)
        search = await self.submit(passenger)
        asked = await self.introductions.ask_driver(passenger, search.need.id, trip.id)
        assert asked.result is AskResult.ASKED and asked.introduction is not None
        return asked

    def status(self, need_id: int) -> NeedStatus:
        return self.need_rows.rows[need_id].status

    def scheduled(self, subject_id: int) -> dict[Kind, datetime]:
        return {k: at for k, s, at in self.agenda.scheduled() if s == subject_id}


@pytest.fixture
def world() -> World:
    """The services put together as bot/assembly.py does, on in-memory ports."""
    settings = Settings(_env_file=None, timezone="Europe/Paris")  # type: ignore[call-arg]
    clock = FakeClock(START)
    timing = Timing.from_settings(settings)
    params = MatchingParams.from_settings(settings)
    store = MemoryStore()
    people, trips, needs = MemoryPeople(store), MemoryTrips(store), MemoryNeeds(store)
    introductions, agenda = MemoryIntroductions(store), MemoryAgenda(store)
    outbox, inbox, search = MemoryOutbox(store), MemoryInbox(store), MemoryTripSearch(store)
    uow = MemoryUnitOfWork(store)
    wired = wire_matching(
        needs=needs,
        introductions=introductions,
        trips=trips,
        people=people,
        search=search,
        agenda=agenda,
        unit_of_work=uow,
        params=params,
        clock=clock,
        timing=timing,
    )
    matching, rides = wired.needs, wired.rides
    trip_service, introduction_service = wired.trips, wired.introductions
    # An operator of the team, already known (people registered by phone are theirs).
    operator = Person(id=1, display_name="Olga Bru", telegram_user_id=900, created_at=clock.now())
    people.rows[operator.id] = operator
    return World(
        clock,
        store,
        people,
        trips,
        needs,
        introductions,
        agenda,
        outbox,
        inbox,
        search,
        needs=matching,
        introductions=introduction_service,
        trips=trip_service,
        delivery=DeliveryService(outbox, people, clock, timing.calendar),
        inbox=InboxService(inbox, clock),
        operator=operator,
        rides=rides,
        words=WordsService(
            introduction_service, rides, trip_service, PeopleService(people, clock, "fr")
        ),
    )


def told(notices: Sequence[Notice]) -> list[tuple[str, str]]:
    """(message key, reader) of each notice; the team reads as "team"."""
    return [(n.key, n.to.display_name if n.to else "team") for n in notices]


def instead(notice: Notice) -> list[Notice]:
    """The notices told in its stead if its reader turns out to be unreachable."""
    assert isinstance(notice.if_unreachable, tuple), notice.if_unreachable
    return list(notice.if_unreachable)


# A passenger's need.


async def test_a_need_nobody_can_take_goes_to_the_team(world: World) -> None:
    marie = await world.on_telegram(302, "Marie Dupont", "marie_d")
    search = await world.submit(marie)
    need = search.need
    assert search.candidates == []
    assert told(search.notices) == [("candidates.none", "Marie Dupont"), (NEED_POST, "team")]
    post = search.notices[1]
    assert post.to is None
    assert post.after_sent == Step(NEED_POSTED, {"need_id": need.id})
    assert post.buttons == (Button(Offer.FOLLOW_NEED, need.id),)
    assert post.values["reason"] == "no_match"
    assert post.values["view"].need == need and post.values["view"].passenger == marie
    # Stored: with the team, its history, and its expiry once its day is over.
    assert world.status(need.id) is NeedStatus.WITH_OPERATORS
    assert [e["kind"] for e in await world.need_rows.events(need.id)] == ["created", "no_match"]
    assert world.scheduled(need.id) == {Kind.NEED_EXPIRY: paris(date(2026, 11, 25), 0)}


async def test_a_need_a_driver_can_take_shows_that_driver(world: World) -> None:
    jean = await world.on_telegram(301, "Jean Martin", "jean_m")
    trip = await world.trip(jean)
    marie = await world.on_telegram(302, "Marie Dupont", "marie_d")
    search = await world.submit(marie)
    [found] = search.notices
    assert (found.key, found.to) == ("candidates.found", marie)
    assert found.buttons == (Button(Offer.CHOOSE_DRIVER, search.need.id),)
    [candidate] = found.values["candidates"]
    assert (candidate.driver, candidate.trip) == (jean, trip)
    assert (candidate.match.pickup, candidate.match.dropoff) == (time(7, 30), time(8, 35))
    assert world.status(search.need.id) is NeedStatus.SEARCHING
    assert world.search.indexed == [trip.id]


async def test_nobody_is_offered_their_own_trip_nor_a_ride_already_gone(world: World) -> None:
    marie = await world.on_telegram(302, "Marie Dupont", "marie_d")
    await world.trip(marie)
    assert told((await world.submit(marie)).notices)[0] == ("candidates.none", "Marie Dupont")
    jean = await world.on_telegram(301, "Jean Martin", "jean_m")
    await world.trip(jean)
    # Today: Jean left Cahors at 07:30, it is 10:00.
    today = await world.submit(marie, MONDAY)
    assert today.candidates == [] and told(today.notices)[0][0] == "candidates.none"


async def test_a_new_trip_is_told_once_to_each_passenger_it_can_take(world: World) -> None:
    marie = await world.on_telegram(302, "Marie Dupont", "marie_d")
    search = await world.submit(marie)
    jean = await world.on_telegram(301, "Jean Martin", "jean_m")
    tuesdays = frozenset({Weekday.TUESDAY})
    new = NewTrip(
        origin=CAHORS, destination=FIGEAC, weekdays=tuesdays, departure=time(7, 30), seats=2
    )
    first = await world.trips.register(jean, new)
    [news] = first.notices
    assert (news.key, news.to) == ("candidates.new_driver", marie)
    assert news.buttons == (Button(Offer.CHOOSE_DRIVER, search.need.id),)
    [candidate] = news.values["candidates"]
    assert candidate.trip == first.trip and candidate.driver == jean
    # Paused and resumed, the same trip is not news again; nor is another trip of a driver
    # Marie already knows of; another driver's is.
    await world.trips.change(jean, first.trip.id, "pause")
    resumed = await world.trips.change(jean, first.trip.id, "resume")
    assert resumed.notices == []
    again = await world.trips.register(jean, new)
    assert again.notices == []
    paul = await world.on_telegram(303, "Paul Martin", "paul_m")
    second = await world.trips.register(paul, new)
    assert told(second.notices) == [("candidates.new_driver", "Marie Dupont")]
    assert set(world.store.need_notifications) == {
        (search.need.id, first.trip.id),
        (search.need.id, second.trip.id),
    }


# Asking a driver.


async def test_asking_a_driver_on_telegram(world: World) -> None:
    jean = await world.on_telegram(301, "Jean Martin", "jean_m")
    marie = await world.on_telegram(302, "Marie Dupont", "marie_d")
    asked = await world.asked(jean, marie)
    introduction = asked.introduction
    assert introduction is not None and asked.need is not None
    assert told(asked.notices) == [
        ("intro.request", "Jean Martin"),
        ("intro.asked", "Marie Dupont"),
    ]
    request, word = asked.notices
    assert request.if_unreachable == Step(DRIVER_UNREACHABLE, {"introduction_id": introduction.id})
    assert request.buttons == (Button(Offer.ANSWER_INTRODUCTION, introduction.id),)
    assert request.values["passenger"] == marie and request.values["introduction"] == introduction
    assert dict(word.values) == {
        "name": "Jean M.",
        "deadline": introduction.expires_at,
        "asked_at": introduction.created_at,
    }
    assert introduction.expires_at == introduction.created_at + timedelta(hours=12)
    # Stored: the need waits for the answer, until 12 hours from now at the latest.
    assert world.status(asked.need.id) is NeedStatus.ASKING
    stored = world.introduction_rows.rows[introduction.id]
    assert stored.status is IntroductionStatus.PENDING
    assert stored.expires_at == START + timedelta(hours=12)
    assert world.scheduled(introduction.id)[Kind.INTRODUCTION_TIMEOUT] == stored.expires_at
    # One driver at a time.
    again = await world.introductions.ask_driver(marie, asked.need.id, introduction.trip_id)
    assert again.result is AskResult.BUSY and again.notices == []


async def test_words_choose_a_driver_answer_a_request_and_say_the_ride_happened(
    world: World,
) -> None:
    jean = await world.on_telegram(301, "Jean Martin", "jean_m")
    marie = await world.on_telegram(302, "Marie Dupont", "marie_d")
    assert await world.words.answer(marie, "Jean") is None  # nothing shown yet
    trip = await world.trip(jean)
    search = await world.submit(marie)
    unclear = await world.words.answer(marie, "Paul")
    assert isinstance(unclear, Ask) and unclear.result is AskResult.UNCLEAR
    assert [c.trip.id for c in unclear.candidates] == [trip.id] and unclear.notices == []
    asked = await world.words.answer(marie, "le premier")
    assert isinstance(asked, Ask) and asked.result is AskResult.ASKED
    assert told(asked.notices) == [
        ("intro.request", "Jean Martin"),
        ("intro.asked", "Marie Dupont"),
    ]
    assert world.status(search.need.id) is NeedStatus.ASKING
    # Unclear words while a request waits point the driver to it (not the menu).
    assert await world.words.answer(jean, "peut-être") == RequestsWaiting(count=1)
    answered = await world.words.answer(jean, "oui")
    assert isinstance(answered, Answer) and answered.result is AnswerResult.ACCEPTED
    assert world.status(search.need.id) is NeedStatus.MATCHED
    assert await world.words.answer(jean, "oui") is None  # nothing waits any more
    assert await world.words.answer(marie, "oui") is None  # the ride is still to come
    world.clock.current = paris(TUESDAY, 10)
    said = await world.words.answer(marie, "oui, très bien")
    assert isinstance(said, RecordedOutcome) and said.outcome is RideOutcome.HAPPENED
    assert answered.introduction is not None
    stored = world.introduction_rows.rows[answered.introduction.id]
    assert stored.ride_outcome is RideOutcome.HAPPENED
    assert await world.words.answer(marie, "oui") is None  # told once


async def test_a_driver_registered_by_phone_is_asked_through_the_team(world: World) -> None:
    roger = await world.by_phone("Roger Lafon")
    marie = await world.on_telegram(302, "Marie Dupont", "marie_d")
    asked = await world.asked(roger, marie)
    assert asked.introduction is not None
    assert told(asked.notices) == [
        ("operators.call_driver", "team"),
        ("intro.asked", "Marie Dupont"),
    ]
    call = asked.notices[0]
    assert call.to is None
    assert call.buttons == (Button(Offer.ANSWER_INTRODUCTION, asked.introduction.id),)
    assert call.values["driver"] == roger and call.values["passenger"] == marie
    assert all(n.to != roger for n in asked.notices)


async def test_a_driver_known_to_have_blocked_the_bot_counts_as_a_decline(world: World) -> None:
    jean = await world.on_telegram(301, "Jean Martin", "jean_m")
    trip = await world.trip(jean)
    await world.people.set_unreachable(jean.id, world.clock.now())
    marie = await world.on_telegram(302, "Marie Dupont", "marie_d")
    search = await world.submit(marie)
    asked = await world.introductions.ask_driver(marie, search.need.id, trip.id)
    assert told(asked.notices) == [
        ("intro.unreachable_passenger", "Marie Dupont"),
        ("candidates.no_more", "Marie Dupont"),
        (NEED_POST, "team"),
    ]
    assert asked.introduction is not None
    assert world.introduction_rows.rows[asked.introduction.id].status is IntroductionStatus.EXPIRED
    assert world.status(search.need.id) is NeedStatus.WITH_OPERATORS


async def test_a_driver_found_unreachable_at_delivery_counts_as_a_decline(world: World) -> None:
    jean = await world.on_telegram(301, "Jean Martin", "jean_m")
    paul = await world.on_telegram(303, "Paul Roux", "paul_r")
    marie = await world.on_telegram(302, "Marie Dupont", "marie_d")
    await world.trip(paul)
    asked = await world.asked(jean, marie)  # trip 2: Jean's
    assert asked.introduction is not None and asked.need is not None
    after = await world.introductions.driver_unreachable(asked.introduction.id)
    assert after is not None
    assert told(after.notices) == [
        ("intro.unreachable_passenger", "Marie Dupont"),
        ("candidates.next", "Marie Dupont"),
    ]
    assert [c.driver for c in after.notices[1].values["candidates"]] == [paul]
    assert world.status(asked.need.id) is NeedStatus.SEARCHING
    assert await world.introductions.driver_unreachable(asked.introduction.id) is None  # once


async def test_a_use_case_that_fails_half_way_leaves_nothing_behind(
    world: World, monkeypatch: pytest.MonkeyPatch
) -> None:
    jean = await world.on_telegram(301, "Jean Martin", "jean_m")
    trip = await world.trip(jean)
    marie = await world.on_telegram(302, "Marie Dupont", "marie_d")
    search = await world.submit(marie)

    async def broken(dues: object, now: datetime) -> None:
        raise RuntimeError("disk full")

    monkeypatch.setattr(world.agenda, "schedule", broken)
    with pytest.raises(RuntimeError):
        await world.introductions.ask_driver(marie, search.need.id, trip.id)
    assert world.introduction_rows.rows == {}
    assert world.status(search.need.id) is NeedStatus.SEARCHING
    assert [e["kind"] for e in await world.need_rows.events(search.need.id)] == ["created"]


# The driver's answer.


async def test_an_accepted_ride_gives_each_the_other(world: World) -> None:
    jean = await world.on_telegram(301, "Jean Martin", "jean_m")
    marie = await world.on_telegram(302, "Marie Dupont", "marie_d")
    asked = await world.asked(jean, marie)
    assert asked.introduction is not None and asked.need is not None
    answer = await world.introductions.answer(jean, asked.introduction.id, accept=True)
    assert answer.result is AnswerResult.ACCEPTED
    assert told(answer.notices) == [
        ("intro.accepted_driver", "Jean Martin"),
        ("intro.accepted_passenger", "Marie Dupont"),
    ]
    to_marie = answer.notices[1]
    assert to_marie.values["driver"] == jean and to_marie.values["passenger"] == marie
    assert told(instead(to_marie)) == [
        ("operators.call_passenger_accepted", "team"),
        ("intro.passenger_unreachable_driver", "Jean Martin"),
    ]
    # Stored: matched, the first ride dated, reminders the evening before, a question after.
    introduction_id = asked.introduction.id
    assert world.status(asked.need.id) is NeedStatus.MATCHED
    stored = world.introduction_rows.rows[introduction_id]
    assert (stored.status, stored.ride_date) == (IntroductionStatus.ACCEPTED, TUESDAY)
    scheduled = world.scheduled(introduction_id)
    assert scheduled[Kind.RIDE_REMINDER_PASSENGER] == paris(MONDAY, 18)
    assert scheduled[Kind.RIDE_REMINDER_DRIVER] == paris(MONDAY, 18)
    assert scheduled[Kind.RIDE_OUTCOME_QUESTION] == paris(date(2026, 11, 25), 10)
    # A second press changes nothing.
    again = await world.introductions.answer(jean, introduction_id, accept=False)
    assert again.result is AnswerResult.ALREADY and again.notices == []
    assert world.status(asked.need.id) is NeedStatus.MATCHED


async def test_a_passenger_known_unreachable_is_called_by_the_team(world: World) -> None:
    jean = await world.on_telegram(301, "Jean Martin", "jean_m")
    marie = await world.on_telegram(302, "Marie Dupont", "marie_d")
    asked = await world.asked(jean, marie)
    assert asked.introduction is not None and asked.need is not None
    await world.people.set_unreachable(marie.id, world.clock.now())
    answer = await world.introductions.answer(jean, asked.introduction.id, accept=True)
    assert told(answer.notices) == [
        ("intro.accepted_driver", "Jean Martin"),
        ("operators.call_passenger_accepted", "team"),
        ("intro.passenger_unreachable_driver", "Jean Martin"),
    ]
    assert world.status(asked.need.id) is NeedStatus.MATCHED
    assert Kind.RIDE_REMINDER_PASSENGER in world.scheduled(asked.introduction.id)


async def test_a_driver_registered_by_phone_accepts_through_the_team(world: World) -> None:
    roger = await world.by_phone("Roger Lafon")
    marie = await world.on_telegram(302, "Marie Dupont", "marie_d")
    asked = await world.asked(roger, marie)
    assert asked.introduction is not None and asked.need is not None
    introduction_id = asked.introduction.id
    # Only an operator answers for him, and only for a driver without Telegram.
    mine = await world.introductions.answer(world.operator, introduction_id, accept=True)
    assert mine.result is AnswerResult.NOT_YOURS
    answer = await world.introductions.answer(
        world.operator, introduction_id, accept=True, by_operator=True
    )
    assert answer.result is AnswerResult.ACCEPTED and answer.driver == roger
    assert told(answer.notices) == [
        ("operators.connect_driver", "team"),
        ("intro.accepted_passenger_via_team", "Marie Dupont"),
    ]
    assert told(instead(answer.notices[1])) == [("operators.call_passenger_accepted", "team")]
    assert world.status(asked.need.id) is NeedStatus.MATCHED
    assert {
        Kind.RIDE_REMINDER_PASSENGER,
        Kind.RIDE_REMINDER_DRIVER,
        Kind.RIDE_OUTCOME_QUESTION,
    } <= set(world.scheduled(introduction_id))


async def test_an_operator_does_not_answer_for_a_driver_on_telegram(world: World) -> None:
    jean = await world.on_telegram(301, "Jean Martin", "jean_m")
    marie = await world.on_telegram(302, "Marie Dupont", "marie_d")
    asked = await world.asked(jean, marie)
    assert asked.introduction is not None
    answer = await world.introductions.answer(
        world.operator, asked.introduction.id, accept=True, by_operator=True
    )
    assert answer.result is AnswerResult.NOT_YOURS
    assert world.introduction_rows.rows[asked.introduction.id].status is IntroductionStatus.PENDING


async def test_a_decline_offers_the_next_driver_then_the_team(world: World) -> None:
    paul = await world.on_telegram(303, "Paul Roux", "paul_r")
    jean = await world.on_telegram(301, "Jean Martin", "jean_m")
    marie = await world.on_telegram(302, "Marie Dupont", "marie_d")
    paul_trip = await world.trip(paul)
    asked = await world.asked(jean, marie)
    assert asked.introduction is not None and asked.need is not None
    need_id = asked.need.id
    first = await world.introductions.answer(jean, asked.introduction.id, accept=False)
    assert first.result is AnswerResult.DECLINED
    assert told(first.notices) == [
        ("intro.declined_passenger", "Marie Dupont"),
        ("candidates.next", "Marie Dupont"),
    ]
    assert first.notices[0].values == {"name": "Jean M."}
    assert [c.driver for c in first.notices[1].values["candidates"]] == [paul]  # not Jean again
    assert world.status(need_id) is NeedStatus.SEARCHING

    second_ask = await world.introductions.ask_driver(marie, need_id, paul_trip.id)
    assert second_ask.introduction is not None
    second = await world.introductions.answer(paul, second_ask.introduction.id, accept=False)
    assert told(second.notices) == [
        ("intro.declined_passenger", "Marie Dupont"),
        ("candidates.no_more", "Marie Dupont"),
        (NEED_POST, "team"),
    ]
    post = second.notices[2]
    assert post.values["reason"] == "no_more_drivers"
    assert post.after_sent == Step(NEED_POSTED, {"need_id": need_id})
    assert world.status(need_id) is NeedStatus.WITH_OPERATORS
    kinds = [e["kind"] for e in await world.need_rows.events(need_id)]
    assert kinds == [
        "created",
        "asked_driver",
        "declined",
        "asked_driver",
        "declined",
        "no_more_drivers",
    ]


async def test_a_decline_of_a_need_the_team_has_posted_is_told_in_the_group(
    world: World,
) -> None:
    jean = await world.on_telegram(301, "Jean Martin", "jean_m")
    marie = await world.on_telegram(302, "Marie Dupont", "marie_d")
    search = await world.submit(marie)  # nobody yet: posted
    await world.need_rows.set_operators_post(search.need.id, 555)
    trip = await world.trip(jean)  # "candidates.new_driver" to Marie, who asks him
    asked = await world.introductions.ask_driver(marie, search.need.id, trip.id)
    assert asked.introduction is not None
    answer = await world.introductions.answer(jean, asked.introduction.id, accept=False)
    assert told(answer.notices) == [
        ("operators.driver_refused", "team"),
        (NEED_POST_REFRESH, "team"),
        ("intro.declined_passenger", "Marie Dupont"),
        ("candidates.no_more", "Marie Dupont"),
    ]
    # One word in the group, which says the need is back (issue 23, item 15).
    assert answer.notices[0].values["back_to_team"] is True


async def test_a_request_left_unanswered_expires_and_the_search_goes_on(world: World) -> None:
    jean = await world.on_telegram(301, "Jean Martin", "jean_m")
    marie = await world.on_telegram(302, "Marie Dupont", "marie_d")
    asked = await world.asked(jean, marie)
    assert asked.introduction is not None and asked.need is not None
    world.clock.advance(hours=12)
    [entry] = await world.agenda.due(world.clock.now(), 10)
    assert (entry.kind, entry.subject_id) == (Kind.INTRODUCTION_TIMEOUT, asked.introduction.id)
    assert await world.introductions.time_out(entry) is Outcome.DONE
    assert world.status(asked.need.id) is NeedStatus.SEARCHING
    due = {(e.kind, e.subject_id) for e in await world.agenda.due(world.clock.now(), 10)}
    assert due == {
        (Kind.INTRODUCTION_EXPIRED_DRIVER, asked.introduction.id),
        (Kind.INTRODUCTION_EXPIRED_PASSENGER, asked.introduction.id),
    }
    news = await world.introductions.timed_out(asked.introduction.id)
    assert news is not None
    assert told(news.notices) == [
        ("intro.expired_passenger", "Marie Dupont"),
        ("candidates.no_more", "Marie Dupont"),
        (NEED_POST, "team"),
    ]
    expired = await world.introductions.expiry_news(asked.introduction.id)
    assert expired is not None and told(expired) == [("intro.expired_driver", "Jean Martin")]
    # Too late: the driver's answer changes nothing.
    late = await world.introductions.answer(jean, asked.introduction.id, accept=True)
    assert late.result is AnswerResult.ALREADY


# A passenger who cancels.


async def test_a_cancelled_ride_is_told_to_its_driver(world: World) -> None:
    jean = await world.on_telegram(301, "Jean Martin", "jean_m")
    marie = await world.on_telegram(302, "Marie Dupont", "marie_d")
    asked = await world.asked(jean, marie)
    assert asked.introduction is not None and asked.need is not None
    await world.introductions.answer(jean, asked.introduction.id, accept=True)
    cancelled = await world.needs.cancel(marie, asked.need.id)
    assert told(cancelled.notices) == [("intro.trip_cancelled_driver", "Jean Martin")]
    assert world.status(asked.need.id) is NeedStatus.CANCELLED


async def test_a_cancelled_request_is_withdrawn_from_its_driver(world: World) -> None:
    jean = await world.on_telegram(301, "Jean Martin", "jean_m")
    marie = await world.on_telegram(302, "Marie Dupont", "marie_d")
    asked = await world.asked(jean, marie)
    assert asked.introduction is not None and asked.need is not None
    cancelled = await world.needs.cancel(marie, asked.need.id)
    assert told(cancelled.notices) == [("intro.need_cancelled_driver", "Jean Martin")]
    introduction = world.introduction_rows.rows[asked.introduction.id]
    assert introduction.status is IntroductionStatus.CANCELLED
    late = await world.introductions.answer(jean, asked.introduction.id, accept=True)
    assert late.result is AnswerResult.ALREADY


# Found while writing these tests, and fixed.


async def test_a_cancelled_ride_of_a_driver_who_blocked_the_bot_is_phoned_by_the_team(
    world: World,
) -> None:
    jean = await world.on_telegram(301, "Jean Martin", "jean_m")
    marie = await world.on_telegram(302, "Marie Dupont", "marie_d")
    asked = await world.asked(jean, marie)
    assert asked.introduction is not None and asked.need is not None
    await world.introductions.answer(jean, asked.introduction.id, accept=True)
    await world.people.set_unreachable(jean.id, world.clock.now())
    cancelled = await world.needs.cancel(marie, asked.need.id)
    # The team phones him, as it does a driver registered by phone.
    calls = [n for n in cancelled.notices if n.for_team and "driver" in n.values]
    assert [(n.key, n.values["driver"].id) for n in calls] == [
        ("operators.call_driver_cancelled", jean.id)
    ]
    assert not [n for n in cancelled.notices if n.to is not None and n.to.id == jean.id]


async def test_after_a_decline_a_passenger_who_blocked_the_bot_is_handed_to_the_team(
    world: World,
) -> None:
    jean = await world.on_telegram(301, "Jean Martin", "jean_m")
    paul = await world.on_telegram(303, "Paul Roux", "paul_r")
    marie = await world.on_telegram(302, "Marie Dupont", "marie_d")
    await world.trip(paul)
    asked = await world.asked(jean, marie)
    assert asked.introduction is not None and asked.need is not None
    await world.people.set_unreachable(marie.id, world.clock.now())
    answer = await world.introductions.answer(jean, asked.introduction.id, accept=False)
    assert any(n.for_team for n in answer.notices)
    assert world.status(asked.need.id) is NeedStatus.WITH_OPERATORS


# Delivery: the outbox of notices.


def message(
    chat_id: int,
    text: str,
    *,
    person_id: int | None = None,
    if_unreachable: Step | None = None,
    after_sent: Step | None = None,
    urgent: bool = True,
    topic: str = "message",
) -> Outgoing:
    return Outgoing(
        chat_id,
        "sendMessage",
        {"chat_id": chat_id, "text": text},
        person_id=person_id,
        if_unreachable=if_unreachable,
        after_sent=after_sent,
        urgent=urgent,
        topic=topic,
    )


async def test_a_message_is_for_the_person_of_its_chat(world: World) -> None:
    marie = await world.on_telegram(302, "Marie Dupont", "marie_d")
    await world.delivery.write(message(302, "Bonjour"))
    await world.delivery.write(message(-1001234567890, "À l'équipe"))  # a group: nobody
    await world.delivery.write(message(999, "Inconnu"))
    await world.delivery.write(message(302, "Pour Olga", person_id=world.operator.id))
    entries = await world.delivery.due(10)
    assert [e.person_id for e in entries] == [marie.id, None, None, world.operator.id]
    assert entries[0].params == {"chat_id": 302, "text": "Bonjour"}


async def test_a_sent_message_runs_its_next_step(world: World) -> None:
    step = Step(NEED_POSTED, {"need_id": 3})
    await world.delivery.write(message(-100, "Demande n° 3", after_sent=step))
    [entry] = await world.delivery.due(10)
    assert await world.delivery.sent(entry, 42) == step
    assert await world.delivery.due(10) == []
    backlog = await world.delivery.backlog()
    assert (backlog.pending, backlog.last_sent_at) == (0, START)


async def test_a_failed_message_is_tried_again_after_growing_delays(world: World) -> None:
    await world.delivery.write(message(302, "Bonjour"))
    waits = []
    for _ in range(len(BACKOFF) + 2):
        [entry] = await world.delivery.due(10)
        assert await world.delivery.not_yet(entry, "Bad Gateway")
        at = await world.delivery.next_attempt()
        assert at is not None
        waits.append(at - world.clock.now())
        assert await world.delivery.due(10) == []  # not before its time
        world.clock.current = at
    assert waits[:3] == [timedelta(seconds=1), timedelta(seconds=2), timedelta(seconds=3)]
    assert waits == [*BACKOFF, BACKOFF[-1], BACKOFF[-1]]  # then every five minutes


async def test_a_flood_limit_is_waited_out_as_asked(world: World) -> None:
    await world.delivery.write(message(302, "Bonjour"))
    [entry] = await world.delivery.due(10)
    await world.delivery.not_yet(entry, "flood limit: retry after 0:00:07", timedelta(seconds=7))
    assert await world.delivery.next_attempt() == START + timedelta(seconds=7)


@pytest.mark.parametrize(
    ("failed_at", "retry_at"),
    [
        (paris(MONDAY, 20, 59, 58), paris(TUESDAY, 8)),  # would be 21:00:03: the morning
        (paris(TUESDAY, 3, 0), paris(TUESDAY, 8)),  # in the night: the same morning
        (paris(TUESDAY, 7, 59, 55), paris(TUESDAY, 8, 0)),  # 08:00:00 is morning already
        (paris(MONDAY, 12, 0), paris(MONDAY, 12, 0, 5)),  # in the day: as usual
    ],
)
async def test_a_held_up_reminder_waits_for_the_morning(
    world: World, failed_at: datetime, retry_at: datetime
) -> None:
    world.clock.current = failed_at
    await world.delivery.write(message(302, "Rappel", urgent=False))
    await world.delivery.write(message(303, "Réponse"))  # urgent: never held
    reminder, reply = await world.delivery.due(10)
    await world.delivery.not_yet(reminder, "Bad Gateway", timedelta(seconds=5))
    await world.delivery.not_yet(reply, "Bad Gateway", timedelta(seconds=5))
    assert world.outbox.rows[reminder.id].next_attempt_at == retry_at
    assert world.outbox.rows[reply.id].next_attempt_at == failed_at + timedelta(seconds=5)


async def test_the_morning_is_local_across_a_change_of_time(world: World) -> None:
    # Sunday 28 March 2027, 01:30 in Paris: at 02:00 the clocks go to 03:00 (UTC+2).
    world.clock.current = datetime(2027, 3, 28, 0, 30, tzinfo=UTC)
    await world.delivery.write(message(302, "Rappel", urgent=False))
    [entry] = await world.delivery.due(10)
    await world.delivery.not_yet(entry, "Bad Gateway")
    assert await world.delivery.next_attempt() == datetime(2027, 3, 28, 6, 0, tzinfo=UTC)


async def test_telegram_back_in_the_night_does_not_wake_anyone(world: World) -> None:
    world.clock.current = paris(MONDAY, 20, 59, 58)
    await world.delivery.write(message(302, "Rappel", urgent=False))
    await world.delivery.write(message(303, "Réponse"))
    for entry in await world.delivery.due(10):
        await world.delivery.not_yet(entry, "Bad Gateway", timedelta(seconds=5))
    world.clock.current = paris(MONDAY, 21, 0, 3)
    [reply] = await world.delivery.due(10)
    await world.delivery.sent(reply, 7)
    await world.delivery.telegram_back()
    assert await world.delivery.due(10) == []
    assert await world.delivery.next_attempt() == paris(TUESDAY, 8)


async def test_telegram_back_sends_at_once_what_waited_after_errors(world: World) -> None:
    for chat_id, text in ((302, "Un"), (303, "Deux"), (304, "Trois")):
        await world.delivery.write(message(chat_id, text))
    one, two, three = await world.delivery.due(10)
    await world.delivery.not_yet(one, "Bad Gateway", timedelta(seconds=30))
    await world.delivery.not_yet(two, "flood limit: retry after 0:01:00", timedelta(minutes=1))
    await world.delivery.sent(three, 9)
    await world.delivery.telegram_back()
    # The flood limit is Telegram's order: still waited out.
    assert [e.params["text"] for e in await world.delivery.due(10)] == ["Un"]


async def test_each_chat_gets_its_messages_in_order(world: World) -> None:
    for chat_id, text in ((302, "un"), (302, "deux"), (303, "autre"), (0, "a"), (0, "b")):
        await world.delivery.write(message(chat_id, text))
    first = (await world.delivery.due(10))[0]
    await world.delivery.not_yet(first, "Bad Gateway")
    [a] = [e for e in await world.delivery.due(10) if e.params["text"] == "a"]
    await world.delivery.not_yet(a, "Bad Gateway")
    # "deux" waits behind "un"; chat 0 keeps no order ("b" goes before "a").
    assert [e.params["text"] for e in await world.delivery.due(10)] == ["autre", "b"]
    # What the deliverer waits for is "un"'s retry, not "deux", due in itself.
    for entry in await world.delivery.due(10):
        await world.delivery.sent(entry, None)
    assert await world.delivery.next_attempt() == START + timedelta(seconds=1)
    world.clock.advance(seconds=1)
    assert [e.params["text"] for e in await world.delivery.due(10)] == ["un", "deux", "a"]


async def test_a_message_is_given_up_after_a_day_and_reported(world: World) -> None:
    await world.delivery.write(message(302, "un", topic="reminder"))
    await world.delivery.write(message(302, "deux"))
    [first, _] = await world.delivery.due(10)
    await world.delivery.not_yet(first, "Bad Gateway")
    world.clock.advance(seconds=GIVE_UP_AFTER.total_seconds() - 1)
    [first, _] = await world.delivery.due(10)
    assert await world.delivery.not_yet(first, "Bad Gateway")  # not quite a day
    world.clock.current = world.outbox.rows[first.id].next_attempt_at
    [first, _] = await world.delivery.due(10)
    assert not await world.delivery.not_yet(first, "Bad Gateway")
    assert world.outbox.rows[first.id].status is DeliveryStatus.FAILED
    [undelivered] = await world.delivery.undelivered_since(START)
    assert (undelivered.chat_id, undelivered.topic, undelivered.status, undelivered.error) == (
        302,
        "reminder",
        DeliveryStatus.FAILED,
        "Bad Gateway",
    )
    assert [e.params["text"] for e in await world.delivery.due(10)] == ["deux"]  # unblocked


async def test_a_reader_who_blocked_the_bot_is_marked_and_the_fallback_returned(
    world: World,
) -> None:
    marie = await world.on_telegram(302, "Marie Dupont", "marie_d")
    fallback = Step(DRIVER_UNREACHABLE, {"introduction_id": 4})
    await world.delivery.write(message(302, "Demande", if_unreachable=fallback))
    [entry] = await world.delivery.due(10)
    assert await world.delivery.unreachable(entry, "Forbidden: bot was blocked by the user") == (
        fallback
    )
    assert world.people.rows[marie.id].unreachable_at == START
    assert not world.people.rows[marie.id].reachable
    [undelivered] = await world.delivery.undelivered_since(START)
    assert (undelivered.person_id, undelivered.status) == (marie.id, DeliveryStatus.UNREACHABLE)


async def test_settled_messages_are_forgotten_after_a_week(world: World) -> None:
    await world.delivery.write(message(302, "x"))
    await world.delivery.write(message(303, "y"))
    [sent, waiting] = await world.delivery.due(10)
    await world.delivery.sent(sent, 7)
    await world.delivery.not_yet(waiting, "Bad Gateway")
    world.clock.advance(days=8)
    await world.delivery.prune()
    assert list(world.outbox.rows) == [waiting.id]  # the one still pending stays


# The inbox of updates.


async def test_an_update_is_recorded_once_and_kept_a_while_once_handled(world: World) -> None:
    assert await world.inbox.record([(10, {"update_id": 10}), (11, {"update_id": 11})]) == 2
    assert await world.inbox.record([(10, {"update_id": 10})]) == 0  # Telegram sent it again
    assert [e.update_id for e in await world.inbox.pending(10)] == [10, 11]
    await world.inbox.handled(10)
    await world.inbox.failed(11, "")
    assert await world.inbox.pending(10) == []
    assert world.inbox_rows.rows[11].error == "error"
    world.clock.advance(days=3)
    await world.inbox.prune()
    assert world.inbox_rows.rows == {}


# The agenda as the services use it.


async def test_scheduling_again_moves_the_pending_entry(world: World) -> None:
    later = START + timedelta(hours=2)
    await world.agenda.schedule([Due(Kind.TRIP_CHECK, 7, START)], START)
    await world.agenda.schedule([Due(Kind.TRIP_CHECK, 7, later)], START)
    assert world.agenda.scheduled() == [(Kind.TRIP_CHECK, 7, later)]
    assert not await world.agenda.schedule_once(Due(Kind.TRIP_CHECK, 7, START), START)
    [entry] = await world.agenda.due(later, 10)
    assert await world.agenda.finish(entry.id, Outcome.SENT, later)
    assert not await world.agenda.finish(entry.id, Outcome.SENT, later)
    assert await world.agenda.schedule_once(Due(Kind.TRIP_CHECK, 7, START), START)


async def test_a_trip_nobody_confirms_is_paused_and_its_driver_told(world: World) -> None:
    jean = await world.on_telegram(301, "Jean Martin", "jean_m")
    trip = await world.trip(jean)
    check_at = world.scheduled(trip.id)[Kind.TRIP_CHECK]
    assert check_at == paris(date(2026, 12, 21), 10)  # four weeks on, at 10:00
    world.clock.current = check_at
    [check] = await world.agenda.due(check_at, 10)
    due = await world.trips.check_due(trip.id)
    assert due is not None and told(due.notices) == [("tripcheck.question", "Jean Martin")]
    await world.trips.check_sent(check, Outcome.SENT)
    world.clock.advance(days=7)
    [timeout] = await world.agenda.due(world.clock.now(), 10)
    assert timeout.kind is Kind.TRIP_CHECK_TIMEOUT
    assert await world.trips.pause_unconfirmed(timeout) is Outcome.DONE
    assert world.trip_rows.rows[trip.id].status is TripStatus.PAUSED
    paused = await world.trips.paused_unconfirmed(trip.id)
    assert paused is not None and told(paused.notices) == [("tripcheck.paused", "Jean Martin")]
    assert paused.notices[0].buttons == (Button(Offer.RESUME_TRIP, trip.id),)


async def test_a_reminder_kept_for_the_morning_does_not_hold_back_a_request(
    world: World,
) -> None:
    world.clock.current = paris(MONDAY, 20, 59, 58)
    await world.delivery.write(message(302, "Rappel", urgent=False))
    [reminder] = await world.delivery.due(10)
    await world.delivery.not_yet(reminder, "Bad Gateway", timedelta(seconds=5))  # → 08:00
    await world.delivery.write(message(302, "Demande de covoiturage"))
    await world.delivery.write(message(302, "Autre rappel", urgent=False))
    assert [e.params["text"] for e in await world.delivery.due(10)] == ["Demande de covoiturage"]
    [request] = await world.delivery.due(10)
    await world.delivery.not_yet(request, "Bad Gateway")  # an urgent one waiting holds all
    await world.delivery.write(message(302, "Réponse"))
    assert await world.delivery.due(10) == []
    assert await world.delivery.next_attempt() == world.clock.now() + timedelta(seconds=1)
