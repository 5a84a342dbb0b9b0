"""Several workers serving one deployment (issue 22, item 3; bot/workers.py): two real
`python -m bot` processes on one database, Telegram played by the fake Bot API over loopback
(tests/workers_cluster.py). What people notice: every chat's answers arrive in order and
none twice; a worker killed with kill -9 loses nothing; the team's digest, due while both
run, is posted once; a message in the outbox is sent once.

On SQLite the workers share one file in WAL mode; with MOBILOT_TEST_DATABASE=postgresql the
same tests run on PostgreSQL (tests/workers_cluster.py, Store).
"""

from __future__ import annotations

import asyncio
import json
import os
from collections import Counter
from collections.abc import AsyncIterator
from datetime import UTC, datetime
from pathlib import Path

import pytest

from bot.agenda import utc_text
from bot.matching import Point
from handlers.deliverer import CONCURRENCY
from tests.conftest import PostgresDatabases
from tests.workers_cluster import OPERATORS, Cluster, Timed, collapse_repeats

# Real processes: a slower test than most, within pytest-timeout's 5 minutes.
PEOPLE = 30
ROUNDS = 8


def target(tmp_path: Path, databases: PostgresDatabases | None) -> str | None:
    """The workers' database: on PostgreSQL, the test's own database of the throwaway
    cluster (tests/conftest.py, database_engine), which every worker process reaches by its
    URL; on SQLite, the file in tmp_path (None: the cluster's default)."""
    if databases is None:
        return None
    return databases.url(tmp_path / "mobilot.sqlite3")


# How long a worker's claims last without renewal. Short where a test kills a worker, so the
# other takes over soon; longer elsewhere, so that a worker slowed by a loaded machine does not
# lose its claims (a message then sent twice is allowed, but not what those tests look at).
KILLED_LEASE_S, CALM_LEASE_S = 2.0, 8.0


@pytest.fixture
async def cluster(
    tmp_path: Path, database_engine: PostgresDatabases | None, request: pytest.FixtureRequest
) -> AsyncIterator[Cluster]:
    lease = KILLED_LEASE_S if "killed" in request.node.name else CALM_LEASE_S
    running = Cluster(tmp_path, lease_s=lease, target=target(tmp_path, database_engine))
    await running.start_api()
    try:
        await running.start_workers(["w1", "w2"])
        yield running
    finally:
        await running.stop()
    for worker in running.workers.values():
        assert "Traceback" not in worker.output(), worker.output()


def expected(rounds: int) -> list[str]:
    from tests.workers_cluster import COMMANDS

    return [COMMANDS[turn % len(COMMANDS)] for turn in range(rounds)]


async def test_two_workers_answer_a_burst_from_many_chats_in_order_and_once(
    cluster: Cluster,
) -> None:
    timed = Timed(cluster)
    people = cluster.people(PEOPLE)
    await cluster.burst(people, ROUNDS)
    await cluster.until_answered(people, ROUNDS)
    await asyncio.sleep(1.0)  # anything sent twice would arrive by now

    for person in people:
        assert cluster.answers(person) == expected(ROUNDS), person
    # Together they keep Telegram's limit for the bot (each its share): 240 answers take
    # at least 8 seconds, never more than 30 in one.
    assert timed.most_in_a_second() <= 30
    assert cluster.fake.errors == []
    store = cluster.store
    assert store.rows("SELECT status, COUNT(*) FROM inbox GROUP BY status") == [
        ("handled", PEOPLE * ROUNDS)
    ]
    # Claimed by chat, by the two workers. On PostgreSQL both take part; on SQLite one
    # worker's back-to-back write transactions may keep the other waiting for the file's
    # write lock (no fairness) for a whole burst: the promises hold, the sharing may not.
    handlers = dict(store.rows("SELECT claimed_by, COUNT(*) FROM inbox GROUP BY claimed_by"))
    assert set(handlers) <= {"w1", "w2"}, handlers
    if store.engine == "postgresql":
        assert set(handlers) == {"w1", "w2"}, handlers
    # One poller at a time polled Telegram.
    assert cluster.poller() in {"w1", "w2"}


async def test_a_worker_killed_in_the_middle_loses_nothing_and_repeats_only_what_was_in_flight(
    cluster: Cluster,
) -> None:
    people = cluster.people(PEOPLE)
    await cluster.burst(people, ROUNDS)
    # Once about a third is answered, the poller dies (kill -9: nothing let go).
    while sum(len(p.messages()) for p in people) < PEOPLE * ROUNDS // 3:
        await asyncio.sleep(0.02)
    victim = cluster.poller()
    assert victim is not None
    survivor = "w2" if victim == "w1" else "w1"
    cluster.kill(victim)

    await cluster.until_answered(people, ROUNDS, repeats=False)
    await asyncio.sleep(1.0)

    repeats = 0
    for person in people:
        said, again = collapse_repeats(cluster.answers(person))
        assert said == expected(ROUNDS), person  # in order, nothing lost
        repeats += again
    # At most what was on its way when it died is sent again (one message per chat at once).
    assert repeats <= CONCURRENCY, repeats
    store = cluster.store
    assert store.rows("SELECT status, COUNT(*) FROM inbox GROUP BY status") == [
        ("handled", PEOPLE * ROUNDS)
    ]
    # Each update took effect once: its one answer was written to the outbox once.
    per_chat = Counter(
        chat
        for (chat,) in store.rows("SELECT chat_id FROM outbox WHERE method = 'sendMessage'")
        if chat > 0
    )
    assert per_chat == {person.id: ROUNDS for person in people}
    # The survivor took over polling Telegram.
    assert cluster.poller() == survivor


async def test_the_digest_due_while_both_run_is_posted_once(cluster: Cluster) -> None:
    store = cluster.store
    now = utc_text(datetime.now(UTC))
    store.rows("UPDATE agenda SET due_at = ? WHERE kind = 'digest' AND status = 'pending'", now)
    for _ in range(200):
        if store.value("SELECT COUNT(*) FROM agenda WHERE kind = 'digest' AND status = 'done'"):
            break
        await asyncio.sleep(0.05)
    await asyncio.sleep(2.0)  # both workers ticked several times meanwhile (AGENDA_TICK_S)

    posts = [
        m.text
        for m in cluster.fake.groups[OPERATORS].messages()
        if (m.text or "").startswith("📋 Le point du jour")
    ]
    assert len(posts) == 1, posts
    assert store.rows(
        "SELECT status, COUNT(*) FROM agenda WHERE kind = 'digest' GROUP BY status ORDER BY status"
    ) == [("done", 1), ("pending", 1)]  # and the next one is planned, once


async def test_messages_in_the_outbox_are_sent_once(cluster: Cluster) -> None:
    people = cluster.people(20, first_id=8001)
    for person in people:
        await person.command("aide")  # they started the bot: messages may reach them
    await cluster.until_answered(people, 1)
    now = utc_text(datetime.now(UTC))
    store = cluster.store
    for n in range(10):
        for person in people:
            store.rows(
                "INSERT INTO outbox (chat_id, method, params, next_attempt_at, created_at)"
                " VALUES (?, 'sendMessage', ?, ?, ?)",
                person.id,
                json.dumps({"chat_id": person.id, "text": f"Message {n}"}),
                now,
                now,
            )
    await cluster.until_answered(people, 11)
    await asyncio.sleep(1.5)

    for person in people:
        texts = [m.text for m in person.messages()][1:]
        assert texts == [f"Message {n}" for n in range(10)], person
    senders = dict(
        store.rows(
            "SELECT claimed_by, COUNT(*) FROM outbox WHERE params LIKE '%Message %'"
            " GROUP BY claimed_by"
        )
    )
    assert sum(senders.values()) == 200


async def test_a_workers_matching_index_follows_the_trips_another_worker_changes(
    tmp_path: Path,
) -> None:
    """Each worker holds the active trips in memory (storage/trip_search.py); a trip another
    worker registers, pauses or takes back reaches this one's searches."""
    from bot.domain import TripStatus
    from bot.workers import Worker
    from storage.db import Database
    from storage.trip_search import IndexedTripSearch
    from tests.test_trip_search import CAHORS, CAJARC, DEFAULT, FIGEAC, NOW
    from tests.test_trip_search import World as TripWorld

    path = tmp_path / "mobilot.sqlite3"
    first, second = await Database.open(path), await Database.open(path)
    try:
        here = TripWorld(first)
        here.search = IndexedTripSearch(first, DEFAULT, worker=Worker("w1", count=2))
        there = IndexedTripSearch(second, DEFAULT, worker=Worker("w2", count=2))
        await here.search.ensure_index()
        await there.ensure_index()

        async def found_there() -> list[int]:
            routes = await there.routes_near(
                Point(CAJARC.lat, CAJARC.lon), Point(FIGEAC.lat, FIGEAC.lon)
            )
            return [route.trip_id for route in routes]

        trip = await here.trip(CAHORS, FIGEAC)  # registered on w1
        assert await found_there() == [trip]
        await here.trips.set_status(trip, TripStatus.PAUSED, NOW)
        await here.search.index(trip)
        assert await found_there() == []
        await here.trips.set_status(trip, TripStatus.ACTIVE, NOW)
        await here.search.index(trip)
        assert await found_there() == [trip]
        # Alone (WORKERS=1) nothing is logged: one process has nothing to tell.
        alone = TripWorld(first)
        await alone.trip(CAHORS, FIGEAC)
        assert len(await found_there()) == 1
    finally:
        await first.close()
        await second.close()


async def test_claims_leave_a_chat_to_its_worker_until_its_lease_runs_out(
    tmp_path: Path,
) -> None:
    """The claims themselves, two workers on two connections to one file: one chat's
    updates go to one worker at a time, in order; a dead worker's are taken over once its
    lease ran out; a worker that stalled past it neither finishes the update nor runs the
    agenda entry the other took over."""
    from datetime import timedelta

    from bot.agenda import Due, Kind
    from bot.workers import Worker
    from storage.agenda import SqlAgenda
    from storage.db import Database
    from storage.inbox import SqlInbox

    path = tmp_path / "mobilot.sqlite3"
    first, second = await Database.open(path), await Database.open(path)
    lease = timedelta(seconds=30)
    w1, w2 = Worker("w1", 2, lease), Worker("w2", 2, lease)
    try:
        inbox1, inbox2 = SqlInbox(first, w1), SqlInbox(second, w2)
        start = datetime(2026, 11, 23, 9, 0, tzinfo=UTC)
        await inbox1.record(
            [(1, {"update_id": 1}, 501), (2, {"update_id": 2}, 502), (3, {"update_id": 3}, 501)],
            start,
        )
        taken = await inbox1.pending(1, now=start)  # w1 takes chat 501's first update
        assert [e.update_id for e in taken] == [1]
        # w2 gets chat 502, never chat 501's later update while w1 holds the chat.
        assert [e.update_id for e in await inbox2.pending(10, now=start)] == [2]
        assert await inbox2.finish(2, start)
        # w1 dies; once its lease ran out, w2 takes chat 501 over, in order.
        later = start + lease + timedelta(seconds=1)
        assert [e.update_id for e in await inbox2.pending(10, now=later)] == [1, 3]
        assert await inbox2.finish(1, later)
        assert not await inbox1.finish(1, later)  # w1 woke up: handled already, rolled back

        agenda1, agenda2 = SqlAgenda(first, w1), SqlAgenda(second, w2)
        await agenda1.schedule([Due(Kind.DIGEST, 0, start)], start)
        [entry] = [e for e in await agenda1.due(start, 10) if e.kind is Kind.DIGEST]
        assert [e for e in await agenda2.due(start, 10) if e.kind is Kind.DIGEST] == []
        assert [e.id for e in await agenda2.due(later, 10) if e.kind is Kind.DIGEST] == [entry.id]
        assert await agenda2.hold(entry.id, later)
        assert not await agenda1.hold(entry.id, later)  # w1 stalled: it does not run it
    finally:
        await first.close()
        await second.close()


async def test_python_m_bot_with_workers_starts_them_and_starts_again_one_killed(
    tmp_path: Path, database_engine: PostgresDatabases | None
) -> None:
    """`WORKERS=2 python -m bot`: two workers, w1 and w2; one killed is started again under
    its name and takes back what it held; Ctrl-C (SIGTERM) stops them all."""
    import signal

    running = Cluster(tmp_path, target=target(tmp_path, database_engine))
    await running.start_api()
    try:
        supervisor = running.spawn("supervisor", supervisor=True)
        for _ in range(900):
            if supervisor.output().count("Mobilot is running") >= 2:
                break
            await asyncio.sleep(0.1)
        output = supervisor.output()
        assert "starting worker w1" in output and "starting worker w2" in output, output
        children = _children(supervisor.process.pid)
        assert len(children) == 2

        people = running.people(5)
        await running.burst(people, 2)
        await running.until_answered(people, 2)
        for child in children:
            with_w1 = Path(f"/proc/{child}/environ").read_bytes().split(b"\0")
            if b"WORKER_NAME=w1" in with_w1:
                os.kill(child, signal.SIGKILL)
        for _ in range(300):
            if supervisor.output().count("starting worker w1") == 2:
                break
            await asyncio.sleep(0.1)
        assert supervisor.output().count("starting worker w1") == 2
        await running.burst(people, 4)
        # The message on its way when w1 died may come twice: count each answer once.
        await running.until_answered(people, 6, repeats=False)
        for person in people:
            assert collapse_repeats(running.answers(person))[0] == expected(2) + expected(4)
        supervisor.process.send_signal(signal.SIGTERM)
        assert supervisor.process.wait(timeout=60) == 0
        assert all(not Path(f"/proc/{child}").exists() for child in _children_now(children))
    finally:
        await running.stop()


def _children(pid: int) -> list[int]:
    found: list[int] = []
    for task in Path(f"/proc/{pid}/task").iterdir():
        found += [int(n) for n in (task / "children").read_text().split()]
    return found


def _children_now(pids: list[int]) -> list[int]:
    return [pid for pid in pids if Path(f"/proc/{pid}").exists()]


async def test_with_a_webhook_both_workers_receive_on_one_port_and_every_chat_is_answered_in_order(
    tmp_path: Path, database_engine: PostgresDatabases | None
) -> None:
    """WEBHOOK_URL: Telegram posts to whichever worker the port leads to (both listen on
    HTTP_PORT); each records, and the chats are still answered in order, once."""
    from tests.workers_cluster import free_port

    port = free_port()
    running = Cluster(
        tmp_path,
        target=target(tmp_path, database_engine),
        extra={
            "WEBHOOK_URL": "https://mobilot.example.org/telegram",
            "HTTP_PORT": str(port),
        },
    )
    await running.start_api()
    try:
        await running.start_workers(["w1", "w2"])
        running.fake.deliver = "webhook"
        running.fake.webhook_target = f"http://127.0.0.1:{port}/telegram"
        people = running.people(10)
        await running.burst(people, 4)  # each update posted, answered 200 once recorded
        await running.until_answered(people, 4)
        await asyncio.sleep(1.0)
        for person in people:
            assert running.answers(person) == expected(4)
        assert set(running.fake.webhook_answers) == {200}
        assert running.poller() is None  # nobody polls
    finally:
        await running.stop()
