"""What each agenda entry does, decided in the core (bot/services/scheduled.py), without
Telegram: on the in-memory ports, one call per entry returns the notices and records it."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import timedelta
from typing import Any

import pytest

from bot.agenda import MAX_ATTEMPTS, NO_SUBJECT, AgendaEntry, Kind, Outcome, Timing
from bot.delivery import (
    DriverUnreachable,
    NeedPosted,
    SendMessages,
    Step,
    StepKind,
    Steps,
    WordedMessage,
)
from bot.matching import MatchingParams
from bot.notices import (
    NEED_POST,
    NEED_POST_REFRESH,
    NEED_POSTED,
    TEAM_DIGEST,
)
from bot.services.agenda import AgendaService
from bot.services.operators import OperatorService
from bot.services.scheduled import ScheduledWork
from bot.settings import Settings
from tests.memory import MemoryUnitOfWork, step_through_json
from tests.test_services import World, told, world

__all__ = ["world"]  # the fixture, used by name


@dataclass
class FakeDigest:
    """The digest's use case, as far as the agenda needs it."""

    sent_with: list[Outcome] = field(default_factory=list)

    async def digest(self) -> str:
        return "the day's digest"

    async def sent(self, entry: AgendaEntry, outcome: Outcome) -> None:
        self.sent_with.append(outcome)


def assemble(world: World, *, team: bool = True, digest: Any = None) -> ScheduledWork:
    settings = Settings(_env_file=None, timezone="Europe/Paris")  # type: ignore[call-arg]
    timing = Timing.from_settings(settings)
    uow = MemoryUnitOfWork(world.store)
    operators = OperatorService(
        needs=world.need_rows,
        follow_up=world.need_rows,
        introductions=world.introduction_rows,
        people=world.people,
        matching=world.needs,
        trips=world.trips,
        params=MatchingParams.from_settings(settings),
        clock=world.clock,
        agenda=world.agenda,
        unit_of_work=uow,
        timing=timing,
    )
    return ScheduledWork(
        agenda=AgendaService(world.agenda, world.clock),
        unit_of_work=uow,
        clock=world.clock,
        calendar=timing.calendar,
        team_chat=team,
        introductions=world.introductions,
        needs=world.needs,
        trips=world.trips,
        rides=world.rides,
        operators=operators,
        digest=digest or FakeDigest(),  # type: ignore[arg-type]
        dashboard=None,  # type: ignore[arg-type]
        privacy=None,  # type: ignore[arg-type]
        applications=None,  # type: ignore[arg-type]
    )


async def pending(world: World, kind: Kind, subject_id: int) -> AgendaEntry:
    found = await world.agenda.pending(kind, subject_id)
    assert found is not None, (kind, subject_id)
    return found


def outcome_of(world: World, entry: AgendaEntry) -> str | None:
    return world.agenda.rows[entry.id].outcome


async def test_an_unanswered_request_tells_the_driver_then_the_passenger(world: World) -> None:
    work = assemble(world)
    jean = await world.on_telegram(301, "Jean Martin", "jean_m")
    marie = await world.on_telegram(302, "Marie Dupont", "marie_d")
    asked = await world.asked(jean, marie)
    assert asked.introduction is not None
    introduction_id = asked.introduction.id
    world.clock.advance(hours=48)
    timeout = await pending(world, Kind.INTRODUCTION_TIMEOUT, introduction_id)
    done = await work.carry_out(timeout)
    assert (done.outcome, done.notices) == (Outcome.DONE, [])
    assert outcome_of(world, timeout) == Outcome.DONE

    driver = await work.carry_out(
        await pending(world, Kind.INTRODUCTION_EXPIRED_DRIVER, introduction_id)
    )
    assert driver.outcome is Outcome.SENT
    assert [to for _, to in told(driver.notices)] == ["Jean Martin"]
    passenger_entry = await pending(world, Kind.INTRODUCTION_EXPIRED_PASSENGER, introduction_id)
    passenger = await work.carry_out(passenger_entry)
    assert passenger.outcome is Outcome.SENT
    assert "Marie Dupont" in [to for _, to in told(passenger.notices)]
    assert outcome_of(world, passenger_entry) == Outcome.SENT
    # Once done, an entry is never carried out twice.
    assert await world.agenda.pending(Kind.INTRODUCTION_EXPIRED_PASSENGER, introduction_id) is None


async def test_a_reminder_of_nothing_is_skipped(world: World) -> None:
    work = assemble(world)
    await world.agenda.schedule([_due(Kind.RIDE_REMINDER_DRIVER, 999, world)], world.clock.now())
    entry = await pending(world, Kind.RIDE_REMINDER_DRIVER, 999)
    skipped = await work.carry_out(entry)
    assert (skipped.outcome, skipped.notices) == (Outcome.SKIPPED, [])
    assert outcome_of(world, entry) == Outcome.SKIPPED


async def test_a_trip_check_asks_the_driver_and_sets_the_deadline(world: World) -> None:
    work = assemble(world)
    jean = await world.on_telegram(301, "Jean Martin", "jean_m")
    trip = await world.trip(jean)
    entry = await pending(world, Kind.TRIP_CHECK, trip.id)
    asked = await work.carry_out(entry)
    assert asked.outcome is Outcome.SENT
    assert told(asked.notices) == [("tripcheck.question", "Jean Martin")]
    assert outcome_of(world, entry) == Outcome.SENT
    assert Kind.TRIP_CHECK_TIMEOUT in world.scheduled(trip.id)


async def test_a_trip_check_to_a_driver_out_of_reach_without_a_team_is_unreachable(
    world: World,
) -> None:
    work = assemble(world, team=False)
    jean = await world.on_telegram(301, "Jean Martin", "jean_m")
    trip = await world.trip(jean)
    await world.people.set_unreachable(jean.id, world.clock.now())
    entry = await pending(world, Kind.TRIP_CHECK, trip.id)
    asked = await work.carry_out(entry)
    assert asked.outcome is Outcome.UNREACHABLE  # nobody, not even the team, can be told
    assert Kind.TRIP_CHECK_TIMEOUT in world.scheduled(trip.id)


async def test_a_trip_check_given_up_is_asked_again_the_next_morning(world: World) -> None:
    work = assemble(world)
    jean = await world.on_telegram(301, "Jean Martin", "jean_m")
    trip = await world.trip(jean)
    for attempt in range(1, MAX_ATTEMPTS + 1):
        entry = await pending(world, Kind.TRIP_CHECK, trip.id)
        still = await work.failed(entry, "RuntimeError: the disk is full")
        assert still is (attempt < MAX_ATTEMPTS)
        world.clock.advance(hours=4)
    # The chain goes on: a new question is on the agenda.
    assert Kind.TRIP_CHECK in world.scheduled(trip.id)


async def test_an_unclaimed_need_is_posted_again_by_the_core(world: World) -> None:
    work = assemble(world)
    marie = await world.on_telegram(302, "Marie Dupont", "marie_d")
    need = (await world.submit(marie)).need
    await work._operators.posted(need.id, 555)
    world.clock.advance(days=2)
    entry = await pending(world, Kind.NEED_REPOST, need.id)
    reposted = await work.carry_out(entry)
    assert reposted.outcome is Outcome.SENT
    [post] = reposted.notices
    assert (post.key, post.to, post.values["reason"]) == (NEED_POST, None, "unclaimed")
    assert post.after_sent == Step(NEED_POSTED, {"need_id": need.id, "old_post_id": 555})
    assert post.after_sent.payload() == NeedPosted(need.id, 555)
    assert Kind.NEED_REPOST in world.scheduled(need.id)  # looked at again later


async def test_an_unclaimed_need_without_a_team_group_is_unreachable(world: World) -> None:
    work = assemble(world, team=False)
    marie = await world.on_telegram(302, "Marie Dupont", "marie_d")
    need = (await world.submit(marie)).need
    await work._operators.posted(need.id, 555)
    world.clock.advance(days=2)
    entry = await pending(world, Kind.NEED_REPOST, need.id)
    assert (await work.carry_out(entry)).outcome is Outcome.UNREACHABLE


async def test_a_need_expired_refreshes_its_post_with_what_it_shows_now(world: World) -> None:
    work = assemble(world)
    marie = await world.on_telegram(302, "Marie Dupont", "marie_d")
    need = (await world.submit(marie)).need
    await work._operators.posted(need.id, 555)
    world.clock.advance(days=30)
    expired = await work.carry_out(await pending(world, Kind.NEED_EXPIRY, need.id))
    assert expired.outcome is Outcome.DONE
    [refresh] = expired.notices
    assert refresh.key == NEED_POST_REFRESH
    # The view comes with the notice: the adapter reads nothing while it writes.
    view = refresh.values["view"]
    assert view.need.id == need.id and not view.need.is_open


async def test_the_digest_goes_to_the_team_only_when_it_has_a_group(world: World) -> None:
    digest = FakeDigest()
    await world.agenda.schedule([_due(Kind.DIGEST, NO_SUBJECT, world)], world.clock.now())
    entry = await pending(world, Kind.DIGEST, NO_SUBJECT)
    nothing = await assemble(world, team=False, digest=digest).carry_out(entry)
    assert (nothing.outcome, nothing.notices, digest.sent_with) == (Outcome.SKIPPED, [], [])

    await world.agenda.schedule([_due(Kind.DIGEST, NO_SUBJECT, world)], world.clock.now())
    entry = await pending(world, Kind.DIGEST, NO_SUBJECT)
    sent = await assemble(world, digest=digest).carry_out(entry)
    assert sent.outcome is Outcome.SENT
    [notice] = sent.notices
    assert (notice.key, notice.to, notice.values["digest"]) == (
        TEAM_DIGEST,
        None,
        "the day's digest",
    )
    assert digest.sent_with == [Outcome.SENT]


async def test_a_digest_given_up_still_schedules_the_next_one(world: World) -> None:
    digest = FakeDigest()
    work = assemble(world, digest=digest)
    await world.agenda.schedule([_due(Kind.DIGEST, NO_SUBJECT, world)], world.clock.now())
    entry = await pending(world, Kind.DIGEST, NO_SUBJECT)
    entry = AgendaEntry(entry.id, entry.kind, entry.subject_id, entry.due_at, MAX_ATTEMPTS)
    assert not await work.failed(entry, "RuntimeError")
    assert digest.sent_with == [Outcome.UNREACHABLE]


def test_every_kind_of_entry_has_its_work(world: World) -> None:
    work = assemble(world)
    assert set(work._work) == set(Kind)


# Steps the deliverer runs: typed, one runner for each kind.


def test_a_step_is_typed_and_stored_as_before() -> None:
    posted = NeedPosted(3, 555).step()
    assert posted == Step(NEED_POSTED, {"need_id": 3, "old_post_id": 555})
    assert posted.to_json() == {"name": "need_posted", "values": {"need_id": 3, "old_post_id": 555}}
    assert step_through_json(posted) == posted
    assert DriverUnreachable(4).step().payload() == DriverUnreachable(4)
    with pytest.raises(ValueError):
        Step("no_such_step", {})  # type: ignore[arg-type]


def test_steps_stored_before_the_upgrade_are_still_read() -> None:
    # A button answered too late: one message as the step's values (before the list).
    old = Step.from_json({"name": "send", "values": {"chat_id": 302, "text": "Trop tard"}})
    assert old is not None and old.payload() == SendMessages((WordedMessage(302, "Trop tard"),))
    listed = Step.from_json(
        {
            "name": "send",
            "values": {
                "messages": [
                    {"chat_id": -100, "text": "Appelez", "reply_markup": {"inline_keyboard": []}},
                ]
            },
        }
    )
    assert listed is not None
    assert listed.payload() == SendMessages(
        (WordedMessage(-100, "Appelez", {"inline_keyboard": []}),)
    )
    reposted = Step.from_json({"name": "need_posted", "values": {"need_id": 7}})
    assert reposted is not None and reposted.payload() == NeedPosted(7)
    assert Step.from_json({"name": "gone_since", "values": {}}) is None


async def test_the_steps_need_exactly_one_runner_each() -> None:
    ran: list[object] = []

    async def run(step: Any, message_id: int | None) -> None:
        ran.append((step, message_id))

    steps = Steps().on(NeedPosted, run).on(DriverUnreachable, run)
    with pytest.raises(ValueError, match="send"):
        steps.check()
    with pytest.raises(ValueError, match="two runners"):
        steps.on(NeedPosted, run)
    steps.on(SendMessages, run).check()
    await steps.run(NeedPosted(3).step(), 42)
    assert ran == [(NeedPosted(3), 42)]
    assert {kind.value for kind in StepKind} == {"send", "need_posted", "driver_unreachable"}


def _due(kind: Kind, subject_id: int, world: World) -> Any:
    from bot.agenda import Due

    return Due(kind, subject_id, world.clock.now() - timedelta(minutes=1))
