"""/chercher in the core (bot/conversations/find.py), without Telegram: a need in a person's
own words, begun by a whole sentence, wrong answers at every step, old buttons."""

from __future__ import annotations

from datetime import time
from typing import Any, cast

import pytest

from bot.conversations.engine import Conversations
from bot.conversations.find import FindFlow
from bot.conversations.model import Expect, Press, Redraw, Reply, Unusable, Words
from bot.domain import Person
from bot.interop.theirs import SearchWithPartners
from bot.places.gazetteer import Gazetteer
from bot.services.consents import ConsentService
from bot.services.places import PlaceService
from tests import test_services
from tests.memory import MemoryConsents
from tests.test_conversation_engine import MemoryConversations, asked, choice, said
from tests.test_services import World

world = test_services.world


def engine(world: World, gazetteer: Gazetteer, store: Any) -> Conversations:
    consents = ConsentService(MemoryConsents(world.store), world.clock, world.people)
    places = PlaceService(gazetteer, None)
    finding = SearchWithPartners(world.needs, None, serving=False)
    flows = [FindFlow(places, ("46",), consents, finding, cast(Any, None), 24)]
    return Conversations(store, flows, world.clock, world.clock.now().tzinfo)


class Talk:
    def __init__(self, conversations: Conversations, person: Person, store: Any) -> None:
        self.conversations, self.person, self.store = conversations, person, store

    async def start(self, opening: str | None = None) -> Reply:
        words = Words(opening) if opening is not None else None
        return await self.conversations.start(self.person, "find", words=words)

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


async def test_a_need_in_a_persons_own_words(
    world: World, gazetteer: Gazetteer, store: MemoryConversations
) -> None:
    lea = await world.on_telegram(601, "Léa")
    talk = Talk(engine(world, gazetteer, store), lea, store)
    reply = await talk.start()
    assert said(reply) == ["privacy.consent_need"]
    reply = await talk.say("oui")
    assert said(reply) == ["find.intro", "find.ask_origin"]
    # A place said with the day and the time: only what is missing is asked.
    reply = await talk.say("cahors demain 9h")
    assert said(reply) == ["find.date_set_tomorrow", "steps.origin_set", "find.ask_destination"]
    reply = await talk.say("figeac")
    assert said(reply) == ["steps.destination_set", "find.ask_mode"]
    reply = await talk.say("avant")
    assert said(reply) == ["find.time_set_arrive_before", "find.ask_back"]
    reply = await talk.say("retour vers 17h")
    assert said(reply) == ["find.back_set_at", "find.ask_purpose"]
    reply = await talk.say("c'est pour le médecin")
    assert said(reply) == ["find.ask_special"]
    reply = await talk.say("rien")
    assert said(reply) == ["find.summary"]
    assert [o.value for o in asked(reply).rows[0]] == ["confirm"]
    reply = await talk.say("oui")
    assert reply.ended and reply.notices
    [need] = world.need_rows.rows.values()
    assert (need.origin.name, need.destination.name, need.at.hour) == ("Cahors", "Figeac", 9)
    assert (need.way_back.value, need.back_at) == ("at", time(17, 0))
    assert store.rows == {}


async def test_a_whole_sentence_begins_the_search(
    world: World, gazetteer: Gazetteer, store: MemoryConversations
) -> None:
    paul = await world.on_telegram(602, "Paul")
    talk = Talk(engine(world, gazetteer, store), paul, store)
    reply = await talk.start("de gourdon à cahors demain avant 9h")
    # The consent alone first (one short text by SMS); the sentence is read once agreed.
    assert said(reply) == ["privacy.consent_need"]
    # Agreeing without the health questions: the purpose is not asked.
    reply = await talk.answer(choice(reply, "consent:basic"))
    assert said(reply) == [
        "words.request_understood",
        "find.date_set_tomorrow",
        "find.time_set_arrive_before",
        "steps.origin_set",
        "words.namesakes",  # Gourdon (46), or another Gourdon: a button, as when typed alone
        "steps.destination_set",
        "find.ask_back",
    ]
    reply = await talk.answer(choice(reply, "back:none"))
    assert said(reply) == ["find.back_set_none", "privacy.sensitive_skipped", "find.summary"]


async def test_wrong_answers_get_a_reason_and_the_same_question(
    world: World, gazetteer: Gazetteer, store: MemoryConversations
) -> None:
    anne = await world.on_telegram(603, "Anne")
    conversations = engine(world, gazetteer, store)
    talk = Talk(conversations, anne, store)
    reply = await talk.start()
    reply = await talk.say("peut-être")
    assert said(reply) == ["words.not_understood", "privacy.consent_need"]
    reply = await talk.answer(choice(reply, "consent:yes"))
    reply = await talk.answer(Unusable.STICKER)
    assert said(reply) == ["steps.place_text_or_location", "find.ask_origin"]
    assert asked(reply).expect is Expect.PLACE
    await talk.say("Cahors")
    reply = await talk.say("Figeac")
    assert said(reply) == ["steps.destination_set", "find.ask_when"]
    reply = await talk.say("bof")
    assert said(reply) == ["find.when_not_understood"]
    reply = await talk.answer(Press("mode:leave_after"))  # a choice of another question
    assert said(reply) == ["common.button_other_step", "find.ask_when"]
    reply = await talk.answer(Unusable.PHOTO)
    assert said(reply) == ["common.photo", "find.ask_when"]
    reply = await talk.answer(choice(reply, "when:tomorrow"))
    assert said(reply) == ["find.date_set_tomorrow", "find.ask_mode"]
    reply = await talk.say("9h")  # a time without "before" or "after": kept, asked again
    assert said(reply) == ["words.before_or_after"]
    reply = await talk.answer(choice(reply, "mode:leave_after"))
    assert said(reply) == ["find.time_set_leave_after", "find.ask_back"]
    reply = await talk.answer(Press("purpose:work"))  # a choice of the next question
    assert said(reply) == ["common.button_other_step", "find.ask_back"]
    reply = await talk.answer(choice(reply, "back:unknown"))
    assert said(reply) == ["find.back_set_unknown", "find.ask_purpose"]
    reply = await talk.say("euh")
    assert said(reply) == ["words.not_understood", "find.ask_purpose"]
    reply = await talk.answer(choice(reply, "purpose:work"))
    assert said(reply) == ["find.ask_special"]
    reply = await talk.answer(choice(reply, "special:wheelchair"))
    assert isinstance(reply.outputs[0], Redraw)
    [ticked] = [o for o in reply.outputs[0].question.options if o.value == "special:wheelchair"]
    assert ticked.checked
    reply = await talk.answer(Press("special:ok"))
    assert said(reply) == ["find.summary"]
    # An old button of this conversation, or a forged one, changes nothing.
    before = store.rows[anne.id]
    stale = await conversations.answer(anne, Press("confirm", nonce="0ld000"))
    assert stale is not None and stale.stale and stale.outputs == []
    assert store.rows[anne.id] == before
    reply = await talk.answer(Press("edit:mode"))
    assert said(reply) == ["find.ask_mode"]
    reply = await talk.say("avant 10h")
    assert said(reply) == ["find.time_set_arrive_before", "find.summary"]
    assert await talk.step() == "summary"


async def test_a_short_name_in_a_whole_sentence_is_the_commune(
    world: World, gazetteer: Gazetteer, store: MemoryConversations
) -> None:
    # "Brive", as people say it, is Brive-la-Gaillarde (19), next to the Lot: kept, not asked.
    jo = await world.on_telegram(611, "Jo")
    talk = Talk(engine(world, gazetteer, store), jo, store)
    reply = await talk.start("brive demain 9h")
    assert said(reply) == ["privacy.consent_need"]
    reply = await talk.answer(choice(reply, "consent:basic"))
    assert said(reply) == [
        "words.request_understood",
        "find.date_set_tomorrow",
        "steps.destination_set",
        "find.ask_origin",
    ]
    reply = await talk.say("gramat")
    assert said(reply) == ["steps.origin_set", "find.ask_mode"]
    state = await store.get(jo.id)
    assert state is not None and state.draft["destination"]["name"] == "Brive-la-Gaillarde"


async def test_a_short_name_in_doubt_in_a_whole_sentence_is_asked_once_agreed(
    world: World, gazetteer: Gazetteer, store: MemoryConversations
) -> None:
    # Lacapelle-Marival or Lacapelle-Cabanac, both in the Lot: the list, after the consent,
    # then the origin; the day said is kept.
    max_ = await world.on_telegram(612, "Max")
    talk = Talk(engine(world, gazetteer, store), max_, store)
    reply = await talk.start("lacapelle demain 9h")
    assert said(reply) == ["privacy.consent_need"]
    reply = await talk.answer(choice(reply, "consent:basic"))
    assert said(reply) == [
        "words.request_understood",
        "find.date_set_tomorrow",
        "steps.place_suggestions",
    ]
    assert [option.label for option in asked(reply).options][:2] == [
        "Lacapelle-Marival (46)",
        "Lacapelle-Cabanac (46)",
    ]
    reply = await talk.answer(choice(reply, "pick:0"))
    assert said(reply) == ["steps.destination_set", "find.ask_origin"]
    reply = await talk.say("gramat")
    assert said(reply) == ["steps.origin_set", "find.ask_mode"]
