"""The agenda: local times across daylight saving, storage, retries, restarts, a whole week."""

from __future__ import annotations

from collections.abc import AsyncIterator
from datetime import UTC, date, datetime, time, timedelta
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest

from bot.agenda import MAX_ATTEMPTS, Calendar, Due, Kind, Outcome, retry_delay
from bot.places.gazetteer import Gazetteer
from handlers import keyboards as kb
from storage.agenda import SqlAgenda
from storage.db import Database
from tests.conftest import RunningBot, paris
from tests.fakebot import FakeUser, SentMessage
from tests.setups import describe_need, driver, team
from tests.test_ride_life import containing, matched_ride, sent_at

PARIS = ZoneInfo("Europe/Paris")
CALENDAR = Calendar(PARIS)


def said(message: SentMessage, text: str) -> bool:
    """The message says `text`, or did before it was edited."""
    return any(text in version for version in [*message.edits, message.text])


# Local times.


def test_18h_is_18h_in_paris_on_both_sides_of_each_change() -> None:
    assert CALENDAR.at(date(2027, 3, 27), 18) == datetime(2027, 3, 27, 17, 0, tzinfo=UTC)
    assert CALENDAR.at(date(2027, 3, 28), 18) == datetime(2027, 3, 28, 16, 0, tzinfo=UTC)
    assert CALENDAR.at(date(2027, 10, 30), 18) == datetime(2027, 10, 30, 16, 0, tzinfo=UTC)
    assert CALENDAR.at(date(2027, 10, 31), 18) == datetime(2027, 10, 31, 17, 0, tzinfo=UTC)


def test_the_next_8h_comes_once_a_day_across_the_changes() -> None:
    for start in (datetime(2027, 3, 25, 12, tzinfo=UTC), datetime(2027, 10, 28, 12, tzinfo=UTC)):
        moment, seen = start, []
        for _ in range(7):
            moment = CALENDAR.next_at(moment, 8)
            seen.append(moment.astimezone(PARIS))
        assert [m.hour for m in seen] == [8] * 7
        assert [m.date() - seen[0].date() for m in seen] == [timedelta(days=d) for d in range(7)]


def test_the_next_ride_on_a_weekday_skips_one_that_has_left() -> None:
    monday_10h = paris("2026-11-23 10:00")
    assert CALENDAR.next_weekday(monday_10h, 0, time(7, 30)) == date(2026, 11, 30)
    assert CALENDAR.next_weekday(monday_10h, 0, time(14, 0)) == date(2026, 11, 23)
    assert CALENDAR.next_weekday(monday_10h, 3, time(7, 30)) == date(2026, 11, 26)


def test_retries_wait_longer_each_time_then_give_up() -> None:
    delays = [retry_delay(attempt) for attempt in range(1, MAX_ATTEMPTS + 1)]
    assert delays[:-1] == sorted(delays[:-1])  # type: ignore[type-var]
    assert delays[0] == timedelta(minutes=1) and delays[-1] is None


# Storage.


@pytest.fixture
async def agenda(tmp_path: Path) -> AsyncIterator[SqlAgenda]:
    database = await Database.open(tmp_path / "agenda.sqlite3")
    yield SqlAgenda(database)
    await database.close()


async def test_one_pending_entry_per_kind_and_subject_scheduling_again_moves_it(
    agenda: SqlAgenda,
) -> None:
    now = datetime(2026, 11, 23, 9, tzinfo=UTC)
    await agenda.schedule([Due(Kind.TRIP_CHECK, 7, now + timedelta(days=28))], now)
    await agenda.schedule([Due(Kind.TRIP_CHECK, 7, now + timedelta(days=30))], now)
    assert not await agenda.schedule_once(Due(Kind.TRIP_CHECK, 7, now), now)
    entry = await agenda.pending(Kind.TRIP_CHECK, 7)
    assert entry is not None and entry.due_at == now + timedelta(days=30)
    assert await agenda.due(now + timedelta(days=29), 10) == []
    [due] = await agenda.due(now + timedelta(days=30), 10)
    assert due.id == entry.id
    assert await agenda.finish(entry.id, Outcome.SENT, now)
    assert not await agenda.finish(entry.id, Outcome.SENT, now)  # done once only
    # Done, it no longer blocks the next one of its kind.
    await agenda.schedule([Due(Kind.TRIP_CHECK, 7, now + timedelta(days=58))], now)
    assert await agenda.next_due() == now + timedelta(days=58)


async def test_an_unreachable_person_is_recorded_as_failed(agenda: SqlAgenda) -> None:
    now = datetime(2026, 11, 23, 9, tzinfo=UTC)
    await agenda.schedule([Due(Kind.RIDE_REMINDER_DRIVER, 3, now)], now)
    [entry] = await agenda.due(now, 10)
    await agenda.finish(entry.id, Outcome.UNREACHABLE, now)
    [failed] = await agenda.failed_since(now - timedelta(days=1))
    assert (failed.kind, failed.subject_id, failed.outcome) == (
        Kind.RIDE_REMINDER_DRIVER,
        3,
        "unreachable",
    )


# Failures, retries, restarts.


async def test_a_message_due_during_an_outage_arrives_once_when_telegram_is_back(
    bot: RunningBot,
) -> None:
    jean, marie = await matched_ride(bot)
    await bot.run_until(paris("2026-11-23 17:59"))
    bot.fake.outage = True
    await bot.run_until(paris("2026-11-23 18:03"))  # tried at 18:00, then again and again
    assert not containing(marie, "Rappel") and not containing(jean, "Rappel")
    bot.fake.outage = False
    assert {e.status for e in bot.fake.take_errors()} == {502}
    await bot.run_until(paris("2026-11-23 20:00"))
    [reminder] = containing(marie, "Rappel")
    assert "2026-11-23 18:03" <= sent_at(reminder) <= "2026-11-23 18:08"  # the next try
    assert len(containing(jean, "Rappel")) == 1
    entries = await bot.rows(
        "SELECT kind, status, attempts, outcome FROM agenda WHERE kind LIKE 'ride_reminder%'"
    )
    assert {(e["status"], e["attempts"], e["outcome"]) for e in entries} == {("done", 1, "sent")}
    sends = await bot.rows("SELECT status, attempts FROM outbox WHERE topic LIKE 'ride_reminder%'")
    assert len(sends) == 2 and all(s["status"] == "sent" and s["attempts"] > 3 for s in sends)
    bot.assert_clean()


async def test_a_long_outage_delays_messages_and_who_blocked_the_bot_is_called_by_the_team(
    bot: RunningBot,
) -> None:
    olga, _, _ = team(bot)
    jean, marie = await matched_ride(bot)
    marie.blocked = True
    await bot.run_until(paris("2026-11-23 17:59"))
    bot.fake.outage = True
    await bot.run_until(paris("2026-11-23 20:30"))
    bot.fake.outage = False
    bot.fake.take_errors()
    assert not containing(jean, "Rappel")
    await bot.run_until(paris("2026-11-23 20:40"))
    [reminder] = containing(jean, "Rappel")  # late, but there, and once
    assert "2026-11-23 20:30" <= sent_at(reminder) <= "2026-11-23 20:40"
    calls = [m for m in bot.operators.messages() if "Rappel à faire par téléphone" in m.text]
    assert len(calls) == 1 and "À appeler : Marie Delpech" in calls[0].text
    # (Held up past midnight, a reminder saying "demain" is not sent at all: issue 23, item
    # 15, tests/test_careful_seats.py.)
    await bot.run_until(paris("2026-11-24 08:00"))
    digest = bot.operators.last()
    assert "⚠️ Messages non remis (24 h) : 1" in digest.text
    assert (
        "• rappel de trajet (passager) — Marie Delpech (Telegram ne lui remet plus les messages)"
    ) in digest.text

    # The day after, Marie is known to have blocked the bot: the team asks her by phone.
    await bot.run_until(paris("2026-11-25 10:00"))
    assert "le trajet a-t-il eu lieu ?" in bot.operators.last().text
    assert "Appelez Marie Delpech" in bot.operators.last().text
    bot.take_blocked_errors()
    bot.assert_clean()


async def test_nothing_is_lost_or_repeated_across_a_crash_and_a_restart(bot: RunningBot) -> None:
    jean, marie = await matched_ride(bot)
    lina = bot.fake.user(312, "Lina", last_name="Vern")
    await describe_need(lina, origin="Lacapelle-Marival", when="mercredi")
    await bot.run_until(paris("2026-11-23 17:30"))
    await bot.crash_and_restart()  # a power cut before the reminders
    await bot.run_until(paris("2026-11-23 18:30"))
    await bot.restart()  # a deploy after them
    await bot.run_until(paris("2026-11-24 09:00"))
    await bot.crash_and_restart()
    await bot.run_until(paris("2026-11-26 12:00"))
    assert len(containing(marie, "Rappel")) == 1 and len(containing(jean, "Rappel")) == 1
    assert len(containing(marie, "a-t-il eu lieu")) == 1
    assert len(containing(lina, "je la ferme")) == 1
    digests = [m for m in bot.operators.messages() if m.text.startswith("📋")]
    assert [sent_at(m) for m in digests] == [
        "2026-11-24 08:00",
        "2026-11-25 08:00",
        "2026-11-26 08:00",
    ]
    reposts = [m for m in bot.operators.messages() if said(m, "Toujours en attente")]
    assert [sent_at(m) for m in reposts] == ["2026-11-24 10:00", "2026-11-25 10:00"]
    bot.assert_clean()


async def test_after_a_long_stop_what_is_overdue_runs_once_and_stale_reminders_are_skipped(
    bot: RunningBot,
) -> None:
    jean, marie = await matched_ride(bot)
    await bot.stop()
    bot.clock.current = paris("2026-11-26 15:00")  # down from Monday to Thursday afternoon
    bot.fake.now = bot.clock.current
    await bot.start()
    await bot.tick()
    assert not containing(marie, "Rappel")  # the ride is gone: no reminder for it
    [question] = containing(marie, "a-t-il eu lieu")
    assert sent_at(question) == "2026-11-26 15:00"
    [digest] = [m for m in bot.operators.messages() if m.text.startswith("📋")]
    await bot.run_until(paris("2026-11-27 08:00"))
    digests = [m for m in bot.operators.messages() if m.text.startswith("📋")]
    assert [sent_at(m) for m in digests] == ["2026-11-26 15:00", "2026-11-27 08:00"]
    bot.assert_clean()


# Daylight saving.


async def _monday_ride(bot: RunningBot, monday: str) -> tuple[FakeUser, FakeUser]:
    jean = await driver(bot, 301, "Jean", username="jean_m")
    marie = bot.fake.user(302, "Marie", last_name="Delpech", username="marie_d")
    await describe_need(marie, when=monday)
    await marie.press_doing(kb.NEED, "ask", naming="Jean M.")
    await jean.press_doing(kb.INTRO, "yes")
    return jean, marie


@pytest.mark.parametrize(
    ("friday", "monday", "sunday", "utc_hour", "digest_utc_hours"),
    [
        ("2027-03-26", "29/03", "2027-03-28", 16, [7, 6, 6]),  # to summer time
        ("2027-10-29", "01/11", "2027-10-31", 17, [6, 7, 7]),  # to winter time
    ],
)
async def test_the_18h_reminder_and_the_8h_digest_keep_their_local_hour_across_the_change(
    tmp_path: Path,
    gazetteer: Gazetteer,
    friday: str,
    monday: str,
    sunday: str,
    utc_hour: int,
    digest_utc_hours: list[int],
) -> None:
    bot = RunningBot(tmp_path, gazetteer)
    bot.clock.current = bot.fake.now = paris(f"{friday} 10:00")
    await bot.start()
    try:
        await _the_18h_reminder(bot, sunday, monday, utc_hour, digest_utc_hours)
    finally:
        await bot.stop()


async def _the_18h_reminder(
    bot: RunningBot, sunday: str, monday: str, utc_hour: int, digest_utc_hours: list[int]
) -> None:
    jean, marie = await _monday_ride(bot, monday)
    await bot.run_until(paris(f"{sunday} 17:59"))
    assert not containing(marie, "Rappel")
    await bot.run_until(paris(f"{sunday} 23:59"))
    [reminder] = containing(marie, "Rappel")
    assert sent_at(reminder) == f"{sunday} 18:00"
    assert reminder.date.astimezone(UTC).hour == utc_hour
    assert len(containing(jean, "Rappel")) == 1
    digests = [m for m in bot.operators.messages() if m.text.startswith("📋")]
    assert [m.date.astimezone(PARIS).strftime("%a %H:%M") for m in digests] == [
        "Sat 08:00",
        "Sun 08:00",
    ]
    await bot.run_until(paris(f"{sunday} 08:00") + timedelta(days=1))
    digests = [m for m in bot.operators.messages() if m.text.startswith("📋")]
    assert [m.date.astimezone(UTC).hour for m in digests] == digest_utc_hours
    bot.assert_clean()


async def test_messages_held_up_by_an_outage_arrive_late_and_their_chains_go_on(
    bot: RunningBot,
) -> None:
    jean = await driver(bot, 301, "Jean")
    await bot.run_until(paris("2026-11-24 07:59"))
    bot.fake.outage = True  # Telegram down the whole morning
    await bot.run_until(paris("2026-11-24 13:00"))
    assert not [m for m in bot.operators.messages() if m.text.startswith("📋")]
    bot.fake.outage = False
    bot.fake.take_errors()
    await bot.run_until(paris("2026-11-24 13:10"))
    [late] = [m for m in bot.operators.messages() if m.text.startswith("📋")]
    assert "2026-11-24 13:00" <= sent_at(late) <= "2026-11-24 13:05"
    await bot.run_until(paris("2026-11-25 08:00"))
    digests = [m for m in bot.operators.messages() if m.text.startswith("📋")]
    assert len(digests) == 2 and sent_at(digests[1]) == "2026-11-25 08:00"

    await bot.run_until(paris("2026-12-21 09:59"))
    bot.fake.outage = True  # and on the day Jean's trip is checked
    await bot.run_until(paris("2026-12-21 16:00"))
    assert not containing(jean, "toujours lieu ?")
    bot.fake.outage = False
    bot.fake.take_errors()
    await bot.run_until(paris("2026-12-21 16:10"))
    [question] = containing(jean, "toujours lieu ?")
    assert "2026-12-21 16:00" <= sent_at(question) <= "2026-12-21 16:05"
    await bot.run_until(paris("2026-12-28 09:59"))
    [trip] = await bot.rows("SELECT status FROM trips")
    assert trip == {"status": "active"}
    await bot.run_until(paris("2026-12-28 10:00"))  # a week after the question, unanswered
    [trip] = await bot.rows("SELECT status FROM trips")
    assert trip == {"status": "paused"}
    bot.assert_clean()


async def test_a_reminder_that_cannot_reach_its_person_goes_to_the_team(bot: RunningBot) -> None:
    jean, marie = await matched_ride(bot)
    marie.blocked = True
    await bot.run_until(paris("2026-11-23 18:00"))
    call = bot.operators.last()
    assert call.text.startswith("📞 Rappel à faire par téléphone (demande n° 1)")
    assert "À appeler : Marie Delpech — pas de numéro enregistré" in call.text
    assert len(containing(jean, "Rappel")) == 1
    bot.take_blocked_errors()
    bot.assert_clean()
