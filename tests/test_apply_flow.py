"""Applying for an aid and /aidepour on Mobilot's engine (bot/conversations/apply.py), with
in-memory ports: people's own words, wrong answers at every step, stale presses, bad files."""

from __future__ import annotations

import json
import sqlite3
from datetime import UTC, datetime
from pathlib import Path

import pytest

from bot.aids.catalogue import load_catalogue
from bot.aids.funders import Funders
from bot.aids.model import Funder, Profile, Situation
from bot.conversations.apply import ApplyFlow
from bot.conversations.engine import Conversations
from bot.conversations.model import Press, Reply, SentFile, Show, Unusable
from bot.conversations.review import Decided, GroupMembers, ReviewFlow
from bot.domain import Person, TelegramIdentity
from bot.places.gazetteer import Gazetteer
from bot.services.aids import AidService
from bot.services.applications import ApplicationService
from bot.services.places import PlaceService
from bot.settings import Settings
from storage.db import _statements, migrations
from tests import test_services
from tests.conftest import DATA, OPERATORS, FakeClock, RunningBot
from tests.memory import MemoryAgenda, MemoryPeople, MemoryStore, MemoryUnitOfWork
from tests.setups import reads
from tests.test_aids_flow import MemoryAidAnswers
from tests.test_applications_service import MemoryApplications, MemoryFiles
from tests.test_conversation_engine import MemoryConversations, Talk, asked, said
from tests.test_services import World

world = test_services.world
FUNDER = -1009876543210
JPEG = b"\xff\xd8\xff\xe0 a photo"
PROFILE = Profile(24, Situation.JOB_SEEKER, "46042", "Cahors", "46")
NOW = datetime(2026, 11, 23, 9, tzinfo=UTC)


class Setup:
    def __init__(self, world: World, gazetteer: Gazetteer) -> None:
        store = MemoryStore()
        self.people = MemoryPeople(store)
        self.files = MemoryFiles()
        self.answers = MemoryAidAnswers()
        clock = FakeClock(NOW)
        catalogue = load_catalogue(DATA / "aids.csv")
        self.applications = ApplicationService(
            catalogue=catalogue,
            funders=Funders((Funder("Lot", FUNDER, frozenset({"lot-permis"})),), None),
            applications=MemoryApplications(),
            people=self.people,
            files=self.files,
            agenda=MemoryAgenda(store),
            clock=clock,
            unit_of_work=MemoryUnitOfWork(store),
            proof_retention_days=90,
            answers=self.answers,
        )
        settings = Settings(_env_file=None, timezone="Europe/Paris")  # type: ignore[call-arg]
        aids = AidService(
            catalogue, self.answers, world.need_rows, world.trip_rows, clock, settings
        )
        places = PlaceService(gazetteer, None)
        flows = [
            ApplyFlow(places, ("46",), self.applications, aids, for_caller=for_caller)
            for for_caller in (False, True)
        ]
        self.store = MemoryConversations()
        self.conversations = Conversations(self.store, flows, clock, UTC)
        self.downloads = 0

    async def person(self, name: str, telegram: int) -> Person:
        return await self.people.add_from_telegram(
            TelegramIdentity(user_id=telegram, first_name=name), "fr", NOW
        )

    def file(self, content: bytes, size: int | None = None, kind: str = "photo") -> SentFile:
        async def download() -> bytes:
            self.downloads += 1
            return content

        ref = f"F{self.downloads}-{len(content)}"
        return SentFile(kind, ref, len(content) if size is None else size, download)


class ApplyTalk(Talk):
    async def start(self, flow: str = "apply", opening: str = "lot-permis") -> Reply:  # type: ignore[override]
        reply = await self.conversations.start(self.person, flow, opening=opening)
        self.replies.append(reply)
        return reply


@pytest.fixture
def setup(world: World, gazetteer: Gazetteer) -> Setup:
    return Setup(world, gazetteer)


def options(reply: Reply) -> list[str]:
    return [option.value for option in asked(reply).options]


async def test_an_application_with_wrong_answers_and_bad_files(setup: Setup) -> None:
    lea = await setup.person("Léa", 501)
    setup.answers.given_[lea.id] = PROFILE
    talk = ApplyTalk(setup.conversations, lea, setup.store)
    reply = await talk.start()
    assert said(reply) == ["aids.apply_intro", "aids.ask_field"]
    assert await talk.step() == "field"
    assert said(await talk.answer(Unusable.STICKER)) == ["common.text_expected"]
    assert said(await talk.say("x" * 301)) == ["aids.answer_too_long"]
    reply = await talk.say("Auto-école du Quercy")
    assert said(reply) == ["aids.ask_proofs"] and options(reply) == ["done", "cancel"]
    # Words or a sticker where papers are wanted: said, with the buttons again.
    assert said(await talk.say("voilà")) == ["aids.proof_expected"]
    assert said(await talk.answer(Unusable.STICKER)) == ["aids.proof_expected"]
    # 12 MB: refused before it is even downloaded; a program named .pdf: by its content.
    reply = await talk.answer(setup.file(b"%PDF-1.4", size=12_000_000, kind="document"))
    assert said(reply) == ["aids.proof_too_big"] and setup.downloads == 0
    reply = await talk.answer(setup.file(b"MZ\x90\x00 a Windows program", kind="document"))
    assert said(reply) == ["aids.proof_wrong_kind"] and setup.files.files == {}
    reply = await talk.answer(setup.file(JPEG))
    assert said(reply) == ["aids.proof_added"] and len(setup.files.files) == 1
    assert asked(reply).text.values["count"] == 1
    # A button of another conversation, or of this one but another step: old buttons.
    stale = await talk.answer(Press("done", nonce="ffffff"))
    assert stale.stale and stale.alert is not None and stale.alert.key == "common.old_button"
    early = await talk.answer(Press("submit"))
    assert early.alert is not None and early.alert.key == "common.old_button"
    assert await talk.step() == "proofs"
    reply = await talk.answer(Press("done"))
    assert reply.drop_choices and said(reply) == ["aids.ask_consent"]
    assert asked(reply).text.values == {"funder": "Département du Lot"}
    reply = await talk.say("ok")
    assert said(reply) == ["common.use_buttons"] and options(reply) == ["submit", "cancel"]
    reply = await talk.answer(Press("submit"))
    assert reply.ended and said(reply) == []
    assert [notice.chat_id for notice in reply.notices][-1] == FUNDER
    assert await talk.step() is None


async def test_given_up_with_a_button_or_cancel_the_papers_go(setup: Setup) -> None:
    lea = await setup.person("Léa", 501)
    talk = ApplyTalk(setup.conversations, lea, setup.store)
    await talk.start()
    await talk.say("Auto-école du Quercy")
    await talk.answer(setup.file(JPEG))
    assert len(setup.files.files) == 1
    reply = await setup.conversations.cancel(lea)
    assert reply is not None and reply.ended and said(reply) == ["aids.given_up"]
    assert setup.files.files == {}
    await talk.start()  # the same aid again: a new draft, given up with its button
    await talk.say("Auto-école")
    await talk.answer(setup.file(JPEG))
    reply = await talk.answer(Press("cancel"))
    assert reply.ended and said(reply) == ["aids.given_up"] and setup.files.files == {}


async def test_an_aid_not_applied_for_here_is_said_on_the_button(setup: Setup) -> None:
    tom = await setup.person("Tom", 505)
    talk = ApplyTalk(setup.conversations, tom, setup.store)
    reply = await talk.start(opening="ft-permis-b")
    assert reply.ended and reply.alert is not None and reply.alert.key == "aids.apply_unavailable"
    assert reply.outputs == [] and await talk.step() is None


async def test_the_team_applies_for_a_caller_in_their_words(setup: Setup) -> None:
    olga = await setup.person("Olga", 401)
    talk = ApplyTalk(setup.conversations, olga, setup.store)
    reply = await talk.start("apply_for", "")
    assert said(reply) == ["aids.behalf_intro", "behalf.ask_name"]
    assert said(await talk.say("J")) == ["behalf.name_invalid"]
    assert said(await talk.say("Jeanne Mas 0612345678")) == ["behalf.name_without_number"]
    assert said(await talk.say("Jeanne Mas")) == ["behalf.ask_phone"]
    assert said(await talk.say("pas de téléphone")) == ["behalf.phone_invalid"]
    assert said(await talk.say("06 12 34 56 78")) == ["aids.behalf_ask_age"]
    assert said(await talk.say("bof")) == ["aids.age_not_understood"]
    reply = await talk.say("24 ans")
    assert said(reply) == ["aids.behalf_ask_situation"] and "situation:job_seeker" in options(reply)
    assert said(await talk.say("bof")) == ["common.use_buttons"]
    assert said(await talk.answer(Unusable.PHOTO)) == ["common.use_buttons"]
    reply = await talk.say("chômeuse")
    assert said(reply) == ["aids.situation_set", "aids.behalf_ask_commune"]
    assert said(await talk.say("Zzyzxville")) == ["steps.place_unknown"]
    reply = await talk.say("Cahors")
    assert said(reply)[-1] == "aids.behalf_choose"
    assert "aid:lot-permis" in options(reply)
    assert said(await talk.say("le premier")) == ["common.use_buttons"]
    again = await setup.conversations.ask_again(olga)  # after an aside: the aids again
    assert again is not None and said(again) == ["words.back_to_question", "aids.behalf_choose"]
    assert "aid:lot-permis" in options(again)
    reply = await talk.answer(Press("aid:nothing-here"))
    assert reply.alert is not None and reply.alert.key == "aids.apply_unavailable"
    reply = await talk.answer(Press("aid:lot-permis"))
    assert said(reply) == ["aids.apply_intro", "aids.ask_field"]
    await talk.say("Auto-école du Quercy")
    await talk.answer(setup.file(JPEG))
    reply = await talk.answer(Press("done"))
    assert said(reply) == ["aids.ask_consent_caller"]
    assert asked(reply).text.values == {"name": "Jeanne Mas", "funder": "Département du Lot"}
    reply = await talk.answer(Press("submit"))
    assert reply.ended and said(reply) == ["aids.filed_for"]
    assert any(notice.chat_id == FUNDER for notice in reply.notices)


async def test_the_question_again_after_an_aside(setup: Setup) -> None:
    lea = await setup.person("Léa", 501)
    talk = ApplyTalk(setup.conversations, lea, setup.store)
    await talk.start()
    reply = await setup.conversations.ask_again(lea)
    assert reply is not None and said(reply) == ["words.back_to_question", "aids.ask_field"]
    assert asked(reply).text.values == {"question": "Nom de votre auto-école"}
    await talk.say("Auto-école du Quercy")
    await talk.answer(setup.file(JPEG))
    reply = await setup.conversations.ask_again(lea)
    assert reply is not None and said(reply) == ["words.back_to_question", "aids.ask_proofs"]
    assert asked(reply).text.values["count"] == 1


# End to end: a person half-way through applying when the bot was upgraded.


def database_before_the_upgrade(path: Path) -> None:
    """Léa had answered the aid's question and sent no paper yet (her session in
    python-telegram-bot's user data, the step waiting in its conversation_states); Olga was
    applying for Jeanne, who phoned, and had typed her age."""
    connection = sqlite3.connect(path)
    connection.execute(
        "CREATE TABLE schema_migrations (version INTEGER PRIMARY KEY, name TEXT NOT NULL,"
        " applied_at TEXT NOT NULL)"
    )
    for version, name, sql in migrations():
        if version >= 20:
            break
        for statement in _statements(sql):
            connection.execute(statement)
        connection.execute(
            "INSERT INTO schema_migrations VALUES (?, ?, '2026-11-01T00:00:00+00:00')",
            (version, name),
        )
    for pid, name, uid in ((1, "Léa", 711), (2, "Olga", 712), (3, "Régine", 713)):
        connection.execute(
            "INSERT INTO people (id, display_name, telegram_user_id, language, created_at,"
            " updated_at) VALUES (?, ?, ?, 'fr', '2026-11-20T09:00:00+00:00',"
            " '2026-11-20T09:00:00+00:00')",
            (pid, name, uid),
        )
    connection.execute(
        "INSERT INTO aid_applications (id, aid_id, person_id, status, aid_title, answers,"
        " created_at, updated_at) VALUES (1, 'lot-permis', 1, 'draft',"
        " 'Coup de pouce permis du Lot', '[\"Auto-école du Quercy\"]',"
        " '2026-11-20T09:00:00+00:00', '2026-11-20T09:00:00+00:00')"
    )
    connection.execute(
        "INSERT INTO aid_applications (id, aid_id, person_id, status, aid_title, funder_name,"
        " funder_chat_id, answers, created_at, submitted_at, updated_at) VALUES (2, 'lot-permis',"
        " 1, 'to_process', 'Coup de pouce permis du Lot', 'Département du Lot', ?, '[]',"
        " '2026-11-19T09:00:00+00:00', '2026-11-19T09:00:00+00:00', '2026-11-19T09:00:00+00:00')",
        (FUNDER,),
    )
    review = {"application_id": 2, "post_chat_id": None, "post_message_id": None, "post_html": ""}
    connection.execute(
        "INSERT INTO persisted_data (scope, key, data) VALUES ('user', '713', ?)",
        (json.dumps({"aid_review": review}),),
    )
    connection.execute(
        "INSERT INTO conversation_states (conversation, chat_key, state)"
        " VALUES ('aid_review', '[713]', '\"amount\"')"
    )
    lea = {
        "nonce": "c0ffee",
        "application_id": 1,
        "aid_id": "lot-permis",
        "caller": {},
        "age": None,
        "situation": None,
        "choices": [],
    }
    olga = {
        "nonce": "bada55",
        "application_id": 0,
        "aid_id": "",
        "age": 24,
        "situation": None,
        "caller": {"name": "Jeanne Mas", "phone": "+33612345678"},
        "choices": [],
    }
    for uid, name, session, step in (
        (711, "apply", lea, "proofs"),
        (712, "apply_for", olga, "caller_situation"),
    ):
        connection.execute(
            "INSERT INTO persisted_data (scope, key, data) VALUES ('user', ?, ?)",
            (str(uid), json.dumps({name: session, "lang_asked": True})),
        )
        connection.execute(
            "INSERT INTO conversation_states (conversation, chat_key, state) VALUES (?, ?, ?)",
            (name, json.dumps([uid, uid]), json.dumps(step)),
        )
    connection.commit()
    connection.close()


@pytest.mark.sqlite_only(
    reason="it seeds a SQLite file of an older schema; PostgreSQL support starts after it"
)
async def test_applications_begun_before_the_upgrade_go_on(
    tmp_path: Path, gazetteer: Gazetteer
) -> None:
    bot = RunningBot(
        tmp_path, gazetteer, aids_file=DATA / "aids.csv", funders_file=DATA / "funders.csv"
    )
    database_before_the_upgrade(bot.settings.database_path)
    await bot.start()
    try:
        lea = bot.fake.user(711, "Léa")
        await lea.send_photo(content=JPEG)
        assert "Papiers reçus : 1" in lea.last().text
        # The button as the bot wrote it before the upgrade: the same draft's nonce.
        await lea.press_data("ap:c0ffee:done")
        assert lea.last().buttons == ["✅ Envoyer ma demande", "Abandonner la demande"]
        olga = bot.fake.user(712, "Olga")
        bot.fake.set_member(OPERATORS, olga.id, "member")
        await olga.command("aide")  # where was I? The question waiting, asked again.
        assert olga.last().text == reads(bot, "aids.behalf_ask_situation", name="Jeanne Mas")
        await olga.press_data("ap:bada55:situation:job_seeker")
        assert olga.last().text == reads(bot, "aids.behalf_ask_commune")
        # Régine was asked the amount of application 2: her answer is taken.
        regine = bot.fake.user(713, "Régine")
        bot.fake.set_member(FUNDER, regine.id, "member")
        await regine.send("300")
        assert regine.last().text.startswith("C'est enregistré")
        [decided] = await bot.rows("SELECT status, amount_cents FROM aid_applications WHERE id = 2")
        assert decided == {"status": "validated", "amount_cents": 30000}
        data = await bot.rows("SELECT data FROM persisted_data ORDER BY key")
        assert [json.loads(row["data"]) for row in data] == [{"lang_asked": True}] * 2
        assert await bot.rows("SELECT * FROM conversation_states") == []
        flows = await bot.rows("SELECT flow, step FROM conversations ORDER BY person_id")
        assert flows == [
            {"flow": "apply", "step": "consent"},
            {"flow": "apply_for", "step": "caller_commune"},
        ]
        bot.assert_clean()
    finally:
        await bot.stop()


# The funder's review (bot/conversations/review.py).


class Review:
    def __init__(self, setup: Setup) -> None:
        self.members: set[tuple[int, int]] = set()

        async def check(person: Person, chat_id: int) -> bool:
            return (person.id, chat_id) in self.members

        self.group = GroupMembers()
        self.group.check = check
        self.store = MemoryConversations()
        places = PlaceService.__new__(PlaceService)
        flow = ReviewFlow(places, ("46",), setup.applications, self.group)
        self.conversations = Conversations(self.store, [flow], FakeClock(NOW), UTC)

    async def open(self, person: Person, opening: str) -> Reply:
        return await self.conversations.start(
            person, "review", opening=opening, given={"chat_id": FUNDER, "message_id": 7}
        )


async def submitted_by(setup: Setup, name: str, telegram: int) -> int:
    person = await setup.person(name, telegram)
    setup.answers.given_[person.id] = PROFILE
    talk = ApplyTalk(setup.conversations, person, setup.store)
    await talk.start()
    await talk.say("Auto-école du Quercy")
    await talk.answer(setup.file(JPEG))
    await talk.answer(Press("done"))
    reply = await talk.answer(Press("submit"))
    assert reply.ended
    return 1


async def test_a_review_validated_in_a_reviewers_own_words(setup: Setup) -> None:
    number = await submitted_by(setup, "Léa", 501)
    review = Review(setup)
    regine, nadia = await setup.person("Régine", 601), await setup.person("Nadia", 602)
    review.members.add((regine.id, FUNDER))
    # Not of the funder's group, a forged number, an unknown action: said on the button.
    reply = await review.open(nadia, f"validate:{number}")
    assert reply.ended and reply.alert is not None and reply.alert.key == "aids.reviewers_only"
    for opening in ("validate:999", "validate:x", f"publish:{number}"):
        reply = await review.open(regine, opening)
        assert reply.ended and reply.alert is not None
        assert reply.alert.key == "common.old_button"
    reply = await review.open(regine, f"validate:{number}")
    assert reply.alert is not None and reply.alert.key == "aids.review_in_private"
    assert said(reply) == ["aids.ask_amount"]
    talk = Talk(review.conversations, regine, review.store)
    assert said(await talk.say("beaucoup")) == ["aids.amount_not_understood"]
    assert said(await talk.answer(Unusable.STICKER)) == ["common.text_expected"]
    reply = await talk.say("50 € par mois")
    assert reply.ended and said(reply)[0] == "aids.decision_recorded"
    [*_, view] = reply.outputs
    assert isinstance(view, Show) and isinstance(view.view, Decided)
    assert view.view.post == {"chat_id": FUNDER, "message_id": 7}
    assert view.view.application.amount_cents == 5000 and reply.notices
    reply = await review.open(regine, f"reason:other:{number}")  # decided: no more
    assert reply.alert is not None and reply.alert.key == "aids.already_decided"


async def test_a_rejection_typed_set_aside_or_cancelled(setup: Setup) -> None:
    number = await submitted_by(setup, "Léa", 501)
    review = Review(setup)
    regine = await setup.person("Régine", 601)
    review.members.add((regine.id, FUNDER))
    talk = Talk(review.conversations, regine, review.store)
    reply = await review.open(regine, f"reason:other:{number}")
    assert said(reply) == ["aids.ask_other_reason"]
    aside = await review.conversations.set_aside(regine)  # /chercher, say
    assert aside is not None and aside.ended and said(aside) == ["aids.review_set_aside"]
    await review.open(regine, f"reason:other:{number}")
    cancelled = await review.conversations.cancel(regine)
    assert cancelled is not None and said(cancelled) == ["aids.review_cancelled"]
    await review.open(regine, f"reason:other:{number}")
    assert said(await talk.say("x" * 81)) == ["aids.other_too_long"]
    # Régine leaves the group meanwhile: her words decide nothing.
    review.members.clear()
    reply = await talk.say("Vous habitez hors du Lot")
    assert reply.ended and said(reply) == ["aids.reviewers_only"] and not reply.notices
    review.members.add((regine.id, FUNDER))
    await review.open(regine, f"reason:other:{number}")
    reply = await talk.say("Vous habitez hors du Lot")
    assert reply.ended and said(reply)[0] == "aids.decision_recorded"
