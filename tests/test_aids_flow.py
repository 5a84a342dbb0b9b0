"""/aides on Mobilot's engine (bot/conversations/aids.py), without Telegram: answers in a
person's own words, wrong answers at every step, old and forged presses, the answers kept
or not; and, end to end, questions half-answered before the upgrade that go on."""

from __future__ import annotations

import json
import sqlite3
from datetime import datetime
from pathlib import Path
from typing import Any

import pytest

from bot.aids.catalogue import load_catalogue
from bot.aids.model import Profile, Situation
from bot.conversations.aids import AGAIN, AidsFlow, AidsShown
from bot.conversations.engine import Conversations
from bot.conversations.model import (
    Expect,
    Location,
    Press,
    Reply,
    Say,
    Show,
    Term,
    Unusable,
    Words,
)
from bot.domain import Person
from bot.places.gazetteer import Gazetteer
from bot.services.aids import AidService
from bot.services.places import PlaceService
from bot.settings import Settings
from storage.db import _statements, migrations
from tests import test_services
from tests.conftest import DATA, RunningBot
from tests.test_conversation_engine import MemoryConversations, Talk, asked, said
from tests.test_services import World

world = test_services.world


class MemoryAidAnswers:
    """storage/aids.py SqlAidAnswers, in memory: the answers kept, the answers given."""

    def __init__(self) -> None:
        self.kept: dict[int, Profile] = {}
        self.given_: dict[int, Profile] = {}

    async def keep(self, person_id: int, profile: Profile, now: datetime) -> None:
        self.kept[person_id] = profile

    async def get(self, person_id: int) -> Profile | None:
        return self.kept.get(person_id)

    async def give(self, person_id: int, profile: Profile, now: datetime) -> None:
        self.given_[person_id] = profile

    async def given(self, person_id: int) -> Profile | None:
        return self.given_.get(person_id)

    async def forget(self, person_id: int) -> bool:
        return bool(self.kept.pop(person_id, None)) | bool(self.given_.pop(person_id, None))


class Setup:
    def __init__(self, world: World, gazetteer: Gazetteer) -> None:
        settings = Settings(_env_file=None, timezone="Europe/Paris")  # type: ignore[call-arg]
        self.answers = MemoryAidAnswers()
        self.aids = AidService(
            load_catalogue(DATA / "aids.csv"),
            self.answers,
            world.need_rows,
            world.trip_rows,
            world.clock,
            settings,
        )
        self.store = MemoryConversations()
        flow = AidsFlow(PlaceService(gazetteer, None), ("46",), self.aids)
        self.conversations = Conversations(
            self.store, [flow], world.clock, world.clock.now().tzinfo
        )

    def talk(self, person: Person) -> AidsTalk:
        return AidsTalk(self.conversations, person, self.store)


class AidsTalk(Talk):
    async def start(self, opening: str = "") -> Reply:
        reply = await self.conversations.start(self.person, "aids", opening=opening)
        self.replies.append(reply)
        return reply


def shown(reply: Reply) -> AidsShown:
    [*_, last] = reply.outputs
    assert isinstance(last, Show) and isinstance(last.view, AidsShown), reply.outputs
    return last.view


def options(reply: Reply) -> list[str]:
    return [option.value for option in asked(reply).options]


@pytest.fixture
def setup(world: World, gazetteer: Gazetteer) -> Setup:
    return Setup(world, gazetteer)


async def test_the_questions_in_a_persons_own_words(world: World, setup: Setup) -> None:
    lea = await world.on_telegram(601, "Léa")
    talk = setup.talk(lea)
    reply = await talk.start()
    assert said(reply) == ["aids.intro", "aids.ask_age"]
    reply = await talk.say("j'ai 24 ans")
    assert said(reply) == ["aids.ask_situation"]
    assert "situation:job_seeker" in options(reply)
    reply = await talk.say("je cherche du travail")
    assert said(reply) == ["aids.situation_set", "aids.ask_benefits"]
    first = reply.outputs[0]
    assert isinstance(first, Say)
    assert first.text.values == {"situation": Term("aids.situation.job_seeker")}
    assert options(reply) == [f"benefits:{b}" for b in ("rsa", "rqth", "both", "none", "unsaid")]
    reply = await talk.say("aucun des deux")
    assert said(reply) == ["aids.benefits_set", "aids.ask_commune"]
    assert asked(reply).expect is Expect.PLACE  # no commune known: a location button
    reply = await talk.say("Cahors")
    assert reply.ended and await talk.step() is None
    view = shown(reply)
    assert view.kept is False
    assert view.found.profile == Profile(
        24, Situation.JOB_SEEKER, "46042", "Cahors", "46", False, False
    )
    assert view.found.aids[0].id == "lot-permis"
    # Remembered for applying, not kept for next time: that needs her word.
    assert await setup.aids.answers_given(lea.id) == view.found.profile
    assert await setup.aids.kept_answers(lea.id) is None


async def test_wrong_answers_at_every_step(world: World, setup: Setup) -> None:
    tom = await world.on_telegram(602, "Tom")
    talk = setup.talk(tom)
    await talk.start()
    for wrong, key in [
        (Words("bof"), "aids.age_not_understood"),
        (Words("x" * 5000), "aids.age_not_understood"),
        (Words("200"), "aids.age_not_understood"),
    ]:
        assert said(await talk.answer(wrong)) == [key]
        assert await talk.step() == "age"
    reply = await talk.answer(Unusable.STICKER)
    assert said(reply) == ["common.sticker", "aids.ask_age"]
    reply = await talk.answer(Location(44.45, 1.44))
    assert said(reply) == ["common.location_not_here", "aids.ask_age"]
    await talk.say("30")
    # The situation: words that say nothing, a photo, a press of another step, a forged value.
    assert said(await talk.say("hmm")) == ["common.use_buttons", "aids.ask_situation"]
    assert said(await talk.answer(Unusable.PHOTO)) == ["common.photo", "aids.ask_situation"]
    reply = await talk.answer(Press("benefits:none"))
    assert said(reply) == ["common.button_other_step", "aids.ask_situation"]
    assert said(await talk.answer(Press("situation:astronaut"))) == ["aids.ask_situation"]
    assert await talk.step() == "situation"
    reply = await talk.answer(Press("situation:employee"))
    assert reply.drop_choices and said(reply) == ["aids.situation_set", "aids.ask_benefits"]
    # RSA or RQTH: the same.
    assert said(await talk.say("peut-être")) == ["common.use_buttons", "aids.ask_benefits"]
    assert said(await talk.answer(Press("benefits:lots"))) == ["aids.ask_benefits"]
    assert said(await talk.answer(Unusable.VOICE)) == ["common.voice", "aids.ask_benefits"]
    reply = await talk.answer(Press("benefits:rqth"))
    assert said(reply) == ["aids.ask_commune"]  # a button says nothing more
    # The commune: too long, unknown, a sticker, a location far away, a pick out of range.
    assert said(await talk.say("x" * 500)) == ["steps.place_too_long"]
    assert said(await talk.say("Zzyzx")) == ["steps.place_unknown"]
    reply = await talk.answer(Unusable.STICKER)
    assert said(reply) == ["steps.place_text_or_location", "aids.ask_commune"]
    assert said(await talk.answer(Location(40.7, -74.0))) == ["steps.location_far"]
    assert said(await talk.answer(Press("pick:7"))) == ["aids.ask_commune"]
    assert said(await talk.answer(Press("known"))) == ["aids.ask_commune"]  # none known
    assert await talk.step() == "commune"
    # A typo: suggestions, then "the first" in words.
    reply = await talk.say("Figeak")
    assert said(reply) == ["steps.place_suggestions"]
    labels = [option.label for option in asked(reply).options]
    assert labels[0] == "Figeac (46)" and options(reply)[0] == "pick:0"
    reply = await talk.say("le premier")
    view = shown(reply)
    assert view.found.profile.commune_name == "Figeac" and view.found.profile.rqth is True
    assert "agefiph-mobilite" in [aid.id for aid in view.found.aids]


async def test_old_and_forged_presses_and_giving_up(world: World, setup: Setup) -> None:
    ana = await world.on_telegram(603, "Ana")
    talk = setup.talk(ana)
    await talk.start()
    old = (await setup.store.get(ana.id)).nonce  # type: ignore[union-attr]
    await talk.say("67")
    reply = await setup.conversations.answer(ana, Press("situation:retired", nonce="ffffff"))
    assert reply is not None and reply.stale and reply.alert is not None
    assert reply.alert.key == "common.old_button" and await talk.step() == "situation"
    cancelled = await setup.conversations.cancel(ana)
    assert cancelled is not None and said(cancelled) == ["aids.cancelled"] and cancelled.ended
    await talk.start()
    # A button of the conversation given up: it cannot act on the new one.
    reply = await setup.conversations.answer(ana, Press("situation:retired", nonce=old))
    assert reply is not None and reply.stale and await talk.step() == "age"
    # Once it is over, no conversation takes a press.
    await setup.conversations.cancel(ana)
    assert await setup.conversations.answer(ana, Press("situation:retired", nonce=old)) is None


async def test_the_commune_known_and_the_answers_kept(world: World, setup: Setup) -> None:
    paul = await world.on_telegram(604, "Paul")
    await world.trip(paul)  # he drives from somewhere: that commune is offered
    talk = setup.talk(paul)
    await talk.start()
    await talk.say("19")
    await talk.answer(Press("situation:apprentice"))
    reply = await talk.answer(Press("benefits:unsaid"))
    [known] = asked(reply).options
    assert known.value == "known" and asked(reply).expect is Expect.WORDS
    reply = await talk.say("oui")  # "yes" to the commune offered
    view = shown(reply)
    assert view.found.profile.rsa_or_aah is None and view.found.profile.age == 19
    # "Keep my answers": the answers given are kept; without any, the button is an old one.
    assert await setup.aids.answer_keep(paul, True)
    assert not await setup.aids.answer_keep(await world.on_telegram(605, "Eve"), True)
    # Next time: the aids at once, from the answers kept, and no conversation left open.
    reply = await talk.start()
    again = shown(reply)
    assert again.kept and again.found.profile == view.found.profile and reply.ended
    assert len(reply.outputs) == 1 and await talk.step() is None
    # "Change my answers": the questions again, the commune still offered.
    reply = await talk.start(AGAIN)
    assert said(reply) == ["aids.intro", "aids.ask_age"] and await talk.step() == "age"
    await talk.say("20")
    await talk.say("étudiant")
    reply = await talk.say("je préfère ne pas répondre")
    reply = await talk.answer(Press("known"))
    assert reply.drop_choices and shown(reply).found.profile.age == 20
    assert (await setup.aids.kept_answers(paul.id)) == view.found.profile  # not changed
    assert (await setup.aids.answers_given(paul.id)).age == 20  # type: ignore[union-attr]


# End to end: a person half-way through /aides when the bot was upgraded.


def database_before_the_upgrade(path: Path) -> None:
    """Léa had answered her age and situation (her draft in python-telegram-bot's user
    data, the question waiting in its conversation_states); Jean had finished /aides the
    week before (his answers in the user data, for applying)."""
    connection = sqlite3.connect(path)
    connection.execute(
        "CREATE TABLE schema_migrations (version INTEGER PRIMARY KEY, name TEXT NOT NULL,"
        " applied_at TEXT NOT NULL)"
    )
    for version, name, sql in migrations():
        if version >= 18:
            break
        for statement in _statements(sql):
            connection.execute(statement)
        connection.execute(
            "INSERT INTO schema_migrations VALUES (?, ?, '2026-11-01T00:00:00+00:00')",
            (version, name),
        )
    for pid, name, uid in ((1, "Léa", 711), (2, "Jean", 712)):
        connection.execute(
            "INSERT INTO people (id, display_name, telegram_user_id, language, created_at,"
            " updated_at) VALUES (?, ?, ?, 'fr', '2026-11-20T09:00:00+00:00',"
            " '2026-11-20T09:00:00+00:00')",
            (pid, name, uid),
        )
    lacapelle = {
        "id": "insee:46143",
        "name": "Lacapelle-Marival",
        "department": "46",
        "lat": 44.7286,
        "lon": 1.9264,
    }
    session = {
        "nonce": "c0ffee",
        "age": 24,
        "situation": "job_seeker",
        "benefits": None,
        "known": lacapelle,
        "choices": [],
    }
    connection.execute(
        "INSERT INTO persisted_data (scope, key, data) VALUES ('user', '711', ?)",
        (json.dumps({"aids": session, "lang_asked": True}),),
    )
    connection.execute(
        "INSERT INTO conversation_states (conversation, chat_key, state)"
        " VALUES ('aids', '[711, 711]', '\"benefits\"')"
    )
    profile = {
        "age": 67,
        "situation": "retired",
        "commune_code": "46042",
        "commune_name": "Cahors",
        "department": "46",
        "rsa_or_aah": None,
        "rqth": False,
    }
    connection.execute(
        "INSERT INTO persisted_data (scope, key, data) VALUES ('user', '712', ?)",
        (json.dumps({"aids_profile": profile}),),
    )
    connection.commit()
    connection.close()


@pytest.mark.sqlite_only(
    reason="it seeds a SQLite file of an older schema; PostgreSQL support starts after it"
)
async def test_questions_begun_before_the_upgrade_go_on(
    tmp_path: Path, gazetteer: Gazetteer
) -> None:
    bot = RunningBot(tmp_path, gazetteer)
    database_before_the_upgrade(bot.settings.database_path)
    await bot.start()
    try:
        lea = bot.fake.user(711, "Léa")
        await lea.command("aide")  # where was I? The question waiting, asked again.
        assert "RSA" in lea.last().text
        # The button as the bot wrote it before the upgrade: the same draft's nonce.
        await lea.press_data("ai:c0ffee:benefits:none")
        assert lea.last().buttons == ["📍 Lacapelle-Marival"]
        await lea.press_data("ai:c0ffee:known")
        texts = "\n".join(lea.texts_since(0))
        assert "Voici les aides que vous pourriez avoir à Lacapelle-Marival" in texts
        data = await bot.rows("SELECT data FROM persisted_data ORDER BY key")
        assert [json.loads(row["data"]) for row in data] == [{"lang_asked": True}, {}]
        assert await bot.rows("SELECT * FROM conversation_states") == []
        # Jean's answers went with him: he keeps them, and /mesdonnees shows them.
        [jean] = await bot.rows("SELECT * FROM aid_answers_given WHERE person_id = 2")
        assert jean["age"] == 67 and jean["situation"] == "retired" and jean["rqth"] == 0
        given: Any = await bot.app.core.aids.answers_given(2)
        assert given == Profile(67, Situation.RETIRED, "46042", "Cahors", "46", None, False)
        bot.assert_clean()
    finally:
        await bot.stop()
