"""End to end: a conversation is Mobilot's, not one process's. It resumes at the same step
after a crash at any point, two instances of the bot over one database carry it on in
turns, and a driver half-way through /proposer when the bot was upgraded goes on where he
was, old buttons included."""

from __future__ import annotations

import json
import sqlite3
from pathlib import Path

import pytest

from bot.app import create_bot
from bot.places.gazetteer import Gazetteer
from handlers import keyboards as kb
from storage.db import _statements, migrations
from tests.conftest import RunningBot
from tests.fakebot import FakeUser

# /proposer, answer by answer (buttons found by what they do, not by their words).
STEPS: list[tuple[str, str]] = [
    ("press", "consent:yes"), ("send", "Cahors"), ("send", "Figeac"), ("press", "often:weekly"),
    ("press", "day:1"), ("press", "day:3"), ("press", "days:ok"), ("send", "7h30"),
    ("send", "17h45"), ("press", "seats:2"), ("send", "Pas d'animaux"), ("press", "contact:tg"),
    ("press", "confirm"),
]  # fmt: skip


async def answer(user: FakeUser, how: str, what: str, kind: str = kb.OFFER) -> None:
    if how == "send":
        await user.send(what)
        return
    await user.press_doing(kind, what)


async def assert_the_trip(bot: RunningBot) -> None:
    [trip] = await bot.rows(
        "SELECT origin_name, destination_name, weekdays, departure, return_time, seats, note"
        " FROM trips"
    )
    assert trip == {
        "origin_name": "Cahors",
        "destination_name": "Figeac",
        "weekdays": 0b1010,
        "departure": "07:30",
        "return_time": "17:45",
        "seats": 2,
        "note": "Pas d'animaux",
    }
    assert await bot.rows("SELECT * FROM conversations") == []


async def test_a_crash_before_any_answer_loses_nothing(bot: RunningBot) -> None:
    rose = bot.fake.user(701, "Rose", username="rose_l")
    await rose.command("proposer")
    for how, what in STEPS:
        await bot.crash_and_restart()
        await answer(rose, how, what)
    assert "Trajet enregistré" in rose.last().text
    await assert_the_trip(bot)
    bot.assert_clean()


async def test_two_instances_over_one_database_carry_on_in_turns(
    bot: RunningBot, gazetteer: Gazetteer
) -> None:
    other = await create_bot(
        bot.settings, request=bot.fake, gazetteer=gazetteer, clock=bot.clock, rate_limit=False
    )
    await other.start()
    instances = [bot.app, other]
    try:
        rose = bot.fake.user(702, "Rose", username="rose_l")
        await rose.command("proposer")
        for turn, (how, what) in enumerate(STEPS):
            serving = instances[turn % 2]
            bot.fake.application = serving.application
            bot.fake.receiver = serving.receive
            await answer(rose, how, what)
        assert "Trajet enregistré" in rose.last().text
        await assert_the_trip(bot)
        # Each instance took its share of the answers.
        handled = {instance.updates.handled for instance in instances}
        assert all(count >= 6 for count in handled), handled
    finally:
        bot.fake.receiver = bot.app.receive
        await other.stop()
    bot.assert_clean()


def database_before_the_upgrade(path: Path) -> None:
    """A database as the bot left it before its conversations were Mobilot's: Rose's draft
    of /proposer in python-telegram-bot's user data, waiting on the number of seats."""
    connection = sqlite3.connect(path)
    connection.execute(
        "CREATE TABLE schema_migrations (version INTEGER PRIMARY KEY, name TEXT NOT NULL,"
        " applied_at TEXT NOT NULL)"
    )
    for version, name, sql in migrations():
        if version >= 16:
            break
        for statement in _statements(sql):
            connection.execute(statement)
        connection.execute(
            "INSERT INTO schema_migrations VALUES (?, ?, '2026-11-01T00:00:00+00:00')",
            (version, name),
        )
    connection.execute(
        "INSERT INTO people (id, display_name, telegram_user_id, telegram_username, language,"
        " privacy_accepted_at, created_at, updated_at) VALUES (1, 'Rose', 703, 'rose_l', 'fr',"
        " '2026-11-20T09:00:00+00:00', '2026-11-20T09:00:00+00:00', '2026-11-20T09:00:00+00:00')"
    )
    cahors = {
        "id": "insee:46042",
        "name": "Cahors",
        "department": "46",
        "lat": 44.4475,
        "lon": 1.4419,
    }
    figeac = {
        "id": "insee:46102",
        "name": "Figeac",
        "department": "46",
        "lat": 44.6086,
        "lon": 2.0317,
    }
    draft = {
        "origin": cahors,
        "destination": figeac,
        "one_off": False,
        "weekdays": [1, 3],
        "departure": "07:30:00",
        "return_time": "17:45:00",
    }
    session = {
        "nonce": "a1b2c3",
        "draft": draft,
        "choices": [],
        "editing": False,
        "caller": {},
        "others": {},
        "back_to": None,
        "pending": "seats",
    }
    connection.execute(
        "INSERT INTO persisted_data (scope, key, data) VALUES ('user', '703', ?)",
        (json.dumps({"offer": session, "lang_asked": True}),),
    )
    connection.execute(
        "INSERT INTO conversation_states (conversation, chat_key, state)"
        " VALUES ('offer', '[703, 703]', '\"seats\"')"
    )
    connection.commit()
    connection.close()


@pytest.mark.sqlite_only(
    reason="it seeds a SQLite file of an older schema; PostgreSQL support starts after it"
)
async def test_a_draft_begun_before_the_upgrade_goes_on_with_its_old_buttons(
    tmp_path: Path, gazetteer: Gazetteer
) -> None:
    bot = RunningBot(tmp_path, gazetteer)
    database_before_the_upgrade(bot.settings.database_path)
    await bot.start()
    try:
        rose = bot.fake.user(703, "Rose", username="rose_l")
        await rose.command("aide")  # where was I? The question waiting, asked again.
        assert "Combien de places" in rose.last().text
        assert rose.buttons() == ["1", "2", "3", "4"]
        # The seats' button as the bot wrote it before the upgrade: the same draft's nonce.
        mark = rose.mark()
        await rose.press_data("of:a1b2c3:seats:2")
        assert rose.texts_since(mark)[0] == "💺 Places : 2"
        await rose.send("Pas d'animaux")
        await rose.press_doing(kb.OFFER, "contact:tg")
        await rose.press_doing(kb.OFFER, "confirm")
        assert "Trajet enregistré" in rose.last().text
        await assert_the_trip(bot)
        [data] = await bot.rows("SELECT data FROM persisted_data")
        assert json.loads(data["data"]) == {"lang_asked": True}  # the rest of it untouched
        assert await bot.rows("SELECT * FROM conversation_states") == []
        bot.assert_clean()
    finally:
        await bot.stop()


# /chercher, answer by answer: the person's need, then the drivers shown.
FIND_STEPS: list[tuple[str, str]] = [
    ("press", "consent:yes"), ("send", "Cahors"), ("send", "Figeac"), ("press", "when:tomorrow"),
    ("press", "mode:arrive_before"), ("send", "9h"), ("press", "back:none"),
    ("press", "purpose:health"),
    ("press", "special:wheelchair"), ("press", "special:ok"), ("press", "confirm"),
]  # fmt: skip


async def assert_the_need(bot: RunningBot) -> None:
    [need] = await bot.rows(
        "SELECT origin_name, destination_name, travel_date, time_mode, at_time, purpose,"
        " special_needs FROM needs"
    )
    assert need == {
        "origin_name": "Cahors",
        "destination_name": "Figeac",
        "travel_date": "2026-11-24",
        "time_mode": "arrive_before",
        "at_time": "09:00",
        "purpose": "health",
        "special_needs": "wheelchair",
    }
    assert await bot.rows("SELECT * FROM conversations WHERE flow = 'find'") == []


async def test_a_need_described_with_a_crash_before_every_answer(bot: RunningBot) -> None:
    lea = bot.fake.user(711, "Léa", username="lea_m")
    await lea.command("chercher")
    for how, what in FIND_STEPS:
        await bot.crash_and_restart()
        await answer(lea, how, what, kb.FIND)
    await assert_the_need(bot)
    bot.assert_clean()


def database_with_a_need_before_the_upgrade(path: Path) -> None:
    """Léa's draft of /chercher in python-telegram-bot's user data, waiting on "leave after
    or arrive before?", as the bot left it before /chercher was Mobilot's."""
    database_before_the_upgrade(path)
    connection = sqlite3.connect(path)
    cahors = {
        "id": "insee:46042",
        "name": "Cahors",
        "department": "46",
        "lat": 44.4475,
        "lon": 1.4419,
    }
    figeac = {
        "id": "insee:46102",
        "name": "Figeac",
        "department": "46",
        "lat": 44.6086,
        "lon": 2.0317,
    }
    connection.execute(
        "INSERT INTO people (id, display_name, telegram_user_id, telegram_username, language,"
        " privacy_accepted_at, created_at, updated_at) VALUES (2, 'Léa', 713, 'lea_m', 'fr',"
        " '2026-11-20T09:00:00+00:00', '2026-11-20T09:00:00+00:00', '2026-11-20T09:00:00+00:00')"
    )
    for topic in ("need", "health"):
        connection.execute(
            "INSERT INTO consents (person_id, topic, version, given_at)"
            " VALUES (2, ?, '2026-12-01', '2026-11-20T09:00:00+00:00')",
            (topic,),
        )
    draft = {
        "origin": cahors,
        "destination": figeac,
        "travel_date": "2026-11-24",
        "regular": False,
        "weekdays": [],
    }
    session = {
        "nonce": "d4e5f6",
        "draft": draft,
        "choices": [],
        "editing": False,
        "caller": {},
        "others": {},
        "back_to": None,
        "pending": "mode",
    }
    connection.execute(
        "INSERT INTO persisted_data (scope, key, data) VALUES ('user', '713', ?)",
        (json.dumps({"find": session, "lang_asked": True}),),
    )
    connection.execute(
        "INSERT INTO conversation_states (conversation, chat_key, state)"
        " VALUES ('find', '[713, 713]', '\"mode\"')"
    )
    connection.commit()
    connection.close()


@pytest.mark.sqlite_only(
    reason="it seeds a SQLite file of an older schema; PostgreSQL support starts after it"
)
async def test_a_need_begun_before_the_upgrade_goes_on_with_its_old_buttons(
    tmp_path: Path, gazetteer: Gazetteer
) -> None:
    bot = RunningBot(tmp_path, gazetteer)
    database_with_a_need_before_the_upgrade(bot.settings.database_path)
    await bot.start()
    try:
        lea = bot.fake.user(713, "Léa", username="lea_m")
        await lea.command("aide")  # where was I? The question waiting, asked again.
        assert len(lea.buttons()) == 2
        # The button as the bot wrote it before the upgrade: the same draft's nonce.
        await lea.press_data("fd:d4e5f6:mode:arrive_before")
        for how, what in FIND_STEPS[5:]:
            await answer(lea, how, what, kb.FIND)
        await assert_the_need(bot)
        rows = await bot.rows("SELECT data FROM persisted_data WHERE key = '713'")
        assert json.loads(rows[0]["data"]) == {"lang_asked": True}  # the rest of it untouched
        assert await bot.rows("SELECT * FROM conversation_states") == []
        bot.assert_clean()
    finally:
        await bot.stop()
