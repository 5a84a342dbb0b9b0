"""/signaler as a conversation of the core (bot/conversations/report.py), without Telegram:
whom, what happened, a few words or none, then the team is told; and wrong answers at every
step (a sticker, words where a choice is expected, an old button)."""

from __future__ import annotations

from typing import Any

import pytest

from bot.conversations.engine import Conversations
from bot.conversations.model import Press, Question, Reply, Text, Unusable, Words
from bot.conversations.report import ReportFlow
from bot.domain import Person
from bot.places.gazetteer import Gazetteer
from bot.services.places import PlaceService
from bot.services.trust import TrustService
from tests import test_services
from tests.memory import MemoryPersonReports, MemoryUnitOfWork
from tests.test_conversation_engine import MemoryConversations, asked, said
from tests.test_services import World

# The services on in-memory ports, as for the services' own tests.
world = test_services.world


def engine(world: World, gazetteer: Gazetteer, store: MemoryConversations) -> Conversations:
    trust = TrustService(
        reports=MemoryPersonReports(world.store),
        people=world.people,
        needs=world.need_rows,
        introductions=world.introduction_rows,
        clock=world.clock,
        unit_of_work=MemoryUnitOfWork(world.store),
    )
    flows = [ReportFlow(PlaceService(gazetteer, None), ("46",), trust)]
    return Conversations(store, flows, world.clock, world.clock.now().tzinfo)


class Talk:
    """Someone reporting; presses carry the conversation's current nonce unless given one."""

    def __init__(self, conversations: Conversations, person: Person, store: Any) -> None:
        self.conversations, self.person, self.store = conversations, person, store

    async def start(self) -> Reply:
        return await self.conversations.start(self.person, "report")

    async def answer(self, answer: Any) -> Reply:
        if isinstance(answer, Press) and answer.nonce is None:
            state = await self.store.get(self.person.id)
            answer = Press(answer.value, nonce=state.nonce if state else None)
        reply = await self.conversations.answer(self.person, answer)
        assert reply is not None
        return reply

    async def say(self, text: str) -> Reply:
        return await self.answer(Words(text))

    async def step(self) -> str | None:
        state = await self.store.get(self.person.id)
        return state.step if state else None


@pytest.fixture
def store() -> MemoryConversations:
    return MemoryConversations()


async def introduced(world: World) -> tuple[Person, Person, int]:
    """Jean drives, Marie asked him and he accepted: they may report each other."""
    jean = await world.on_telegram(801, "Jean Martin", "jean_m")
    marie = await world.on_telegram(802, "Marie Dupont")
    ask = await world.asked(jean, marie)
    assert ask.introduction is not None
    await world.introductions.answer(jean, ask.introduction.id, True)
    return jean, marie, ask.introduction.id


def options(question: Question) -> list[tuple[str, Text | str]]:
    return [(option.value, option.label) for option in question.options]


async def test_nobody_to_report_ends_at_once(
    world: World, gazetteer: Gazetteer, store: MemoryConversations
) -> None:
    lina = await world.on_telegram(803, "Lina")
    reply = await Talk(engine(world, gazetteer, store), lina, store).start()
    assert said(reply) == ["privacy.report_nobody"] and reply.ended
    assert store.rows == {}


async def test_a_report_by_the_buttons_reaches_the_team(
    world: World, gazetteer: Gazetteer, store: MemoryConversations
) -> None:
    _, marie, introduction_id = await introduced(world)
    talk = Talk(engine(world, gazetteer, store), marie, store)
    reply = await talk.start()
    assert said(reply) == ["privacy.report_pick"]
    [(value, label)] = options(asked(reply))
    assert value == f"pick:{introduction_id}"
    assert label == Text("privacy.button_report_person", {"name": "Jean M.", "id": 1})
    reply = await talk.answer(Press(value))
    assert reply.drop_choices and said(reply) == ["privacy.report_reason"]
    assert [v for v, _ in options(asked(reply))] == [
        "reason:no_show",
        "reason:behaviour",
        "reason:unsafe",
        "reason:other",
    ]
    assert asked(reply).options[0].label == Text("privacy.reason.no_show")
    reply = await talk.answer(Press("reason:no_show"))
    assert said(reply) == ["privacy.report_words_ask"]
    assert options(asked(reply)) == [("skip", Text("privacy.button_no_words"))]
    reply = await talk.say("Personne au rendez-vous")
    assert said(reply) == ["privacy.report_sent"] and reply.ended
    [to_team] = reply.notices
    assert to_team.to is None and to_team.values["words"] == "Personne au rendez-vous"
    assert store.rows == {}


async def test_a_report_in_words_and_without_any(
    world: World, gazetteer: Gazetteer, store: MemoryConversations
) -> None:
    _, marie, _ = await introduced(world)
    talk = Talk(engine(world, gazetteer, store), marie, store)
    await talk.start()
    reply = await talk.say("Jean")  # the person's name for their button
    assert said(reply) == ["privacy.report_reason"] and not reply.drop_choices
    reply = await talk.say("2")  # the second reason
    assert said(reply) == ["privacy.report_words_ask"]
    reply = await talk.answer(Press("skip"))
    assert said(reply) == ["privacy.report_sent"] and reply.drop_choices
    [to_team] = reply.notices
    assert to_team.values["words"] == ""


async def test_wrong_answers_point_to_the_buttons(
    world: World, gazetteer: Gazetteer, store: MemoryConversations
) -> None:
    _, marie, introduction_id = await introduced(world)
    talk = Talk(engine(world, gazetteer, store), marie, store)
    first = await talk.start()
    reply = await talk.say("lui")  # words that name nobody offered
    assert said(reply) == ["privacy.report_use_buttons"]
    reply = await talk.answer(Unusable.STICKER)
    assert said(reply) == ["privacy.report_use_buttons"]
    assert await talk.step() == "pick"
    reply = await talk.answer(Press("pick:999"))  # nobody offered: forged or too old
    assert reply.alert == Text("common.old_button") and reply.outputs == []
    reply = await talk.answer(Press("reason:no_show"))  # a choice of a later question
    assert reply.alert == Text("common.old_button") and await talk.step() == "pick"
    reply = await talk.answer(Press(f"pick:{introduction_id}"))
    reply = await talk.say("je ne sais pas")
    assert said(reply) == ["privacy.report_use_buttons"] and await talk.step() == "reason"
    reply = await talk.answer(Press("reason:nonsense"))
    assert reply.alert == Text("common.old_button")
    # The pick's button pressed again, once answered: it does not act twice.
    [pick] = asked(first).options
    reply = await talk.answer(Press(pick.value))
    assert reply.alert == Text("common.old_button") and await talk.step() == "reason"
    reply = await talk.answer(Press("reason:unsafe"))
    reply = await talk.answer(Unusable.PHOTO)
    assert said(reply) == ["privacy.report_use_buttons"] and await talk.step() == "words"
    # A button of an earlier conversation (another nonce).
    reply = await talk.answer(Press("skip", nonce="000000"))
    assert reply.stale and reply.alert == Text("common.old_button")
    assert await talk.step() == "words"
    reply = await talk.say("Conduite dangereuse")
    assert said(reply) == ["privacy.report_sent"]


async def test_cancel_and_the_question_again(
    world: World, gazetteer: Gazetteer, store: MemoryConversations
) -> None:
    _, marie, _ = await introduced(world)
    conversations = engine(world, gazetteer, store)
    talk = Talk(conversations, marie, store)
    await talk.start()
    await talk.say("1")
    again = await conversations.ask_again(marie)
    assert again is not None and said(again) == ["words.back_to_question", "privacy.report_reason"]
    reply = await conversations.cancel(marie)
    assert reply is not None and said(reply) == ["privacy.report_cancelled"] and reply.ended
    assert store.rows == {}
    assert await conversations.answer(marie, Press("reason:other")) is None


async def test_someone_no_longer_reportable_is_not_reported(
    world: World, gazetteer: Gazetteer, store: MemoryConversations
) -> None:
    """The report is checked by the core when it goes: a choice kept from before proves
    nothing."""
    _, marie, introduction_id = await introduced(world)
    talk = Talk(engine(world, gazetteer, store), marie, store)
    await talk.start()
    await talk.answer(Press(f"pick:{introduction_id}"))
    await talk.answer(Press("reason:other"))
    state = await store.get(marie.id)
    assert state is not None and state.draft["introduction_id"] == introduction_id
    state.draft["introduction_id"] = 999
    await store.put(marie.id, state)
    reply = await talk.say("rien")
    assert said(reply) == ["privacy.report_lost"] and reply.notices == [] and reply.ended
