"""The conversations of the core (bot/conversations), without Telegram: a person's answers
in their own words, wrong ones at every step, old buttons, and a conversation carried on by
another process or after a restart."""

from __future__ import annotations

from pathlib import Path
from typing import Any, cast

import pytest

from bot.conversations.engine import Conversations
from bot.conversations.model import (
    ConversationState,
    Expect,
    Location,
    Press,
    Question,
    Redraw,
    Reply,
    Say,
    SharedContact,
    Unusable,
    Words,
)
from bot.conversations.offer import OfferFlow
from bot.domain import Person
from bot.places.gazetteer import Gazetteer
from bot.services.consents import ConsentService
from bot.services.people import PeopleService
from bot.services.places import PlaceService
from storage.conversations import SqlConversations
from storage.db import Database
from tests import test_services
from tests.memory import MemoryConsents
from tests.test_services import World

# The services put together on in-memory ports, as for the services' own tests.
world = test_services.world


class MemoryConversations:
    """storage/conversations.py, in memory, stored as JSON as the table does."""

    def __init__(self) -> None:
        self.rows: dict[int, str] = {}

    async def get(self, person_id: int) -> ConversationState | None:
        row = self.rows.get(person_id)
        return ConversationState.model_validate_json(row) if row else None

    async def put(self, person_id: int, state: ConversationState) -> None:
        self.rows[person_id] = state.model_dump_json()

    async def drop(self, person_id: int) -> None:
        self.rows.pop(person_id, None)


def engine(world: World, gazetteer: Gazetteer, store: Any) -> Conversations:
    people = PeopleService(world.people, world.clock, "fr")
    consents = ConsentService(MemoryConsents(world.store), world.clock, world.people)
    places = PlaceService(gazetteer, None)
    flows = [
        OfferFlow(places, ("46",), consents, people, world.trips, cast(Any, None), for_caller=False)
    ]
    return Conversations(store, flows, world.clock, world.clock.now().tzinfo)


def said(reply: Reply) -> list[str]:
    """The message keys of what the reply says and asks, in order."""
    return [
        output.text.key if isinstance(output, Say | Question) else "(redrawn)"
        for output in reply.outputs
    ]


def asked(reply: Reply) -> Question:
    [*_, last] = reply.outputs
    assert isinstance(last, Question), reply.outputs
    return last


def choice(reply: Reply, value: str) -> Press:
    """The press of the choice whose value is `value` under the last question (as a
    channel would send it back, with the conversation's nonce)."""
    values = [option.value for option in asked(reply).options]
    assert value in values, values
    return Press(value)


class Talk:
    """A person talking to the engine; presses carry the conversation's current nonce."""

    def __init__(self, conversations: Conversations, person: Person, store: Any) -> None:
        self.conversations, self.person, self.store = conversations, person, store
        self.replies: list[Reply] = []

    async def start(self) -> Reply:
        reply = await self.conversations.start(self.person, "offer")
        self.replies.append(reply)
        return reply

    async def answer(self, answer: Any) -> Reply:
        if isinstance(answer, Press) and answer.nonce is None:
            state = await self.store.get(self.person.id)
            answer = Press(answer.value, nonce=state.nonce if state else None)
        reply = await self.conversations.answer(self.person, answer)
        assert reply is not None
        self.replies.append(reply)
        return reply

    async def say(self, text: str) -> Reply:
        return await self.answer(Words(text))

    async def step(self) -> str | None:
        state = await self.store.get(self.person.id)
        return state.step if state else None


@pytest.fixture
def store() -> MemoryConversations:
    return MemoryConversations()


async def test_a_trip_offered_in_a_drivers_own_words(
    world: World, gazetteer: Gazetteer, store: MemoryConversations
) -> None:
    paul = await world.on_telegram(501, "Paul", "paul_r")
    talk = Talk(engine(world, gazetteer, store), paul, store)
    reply = await talk.start()
    assert said(reply) == ["offer.consent"]
    reply = await talk.say("oui")
    assert said(reply) == ["offer.intro", "offer.ask_origin"]
    assert asked(reply).expect is Expect.PLACE
    reply = await talk.say("de cahors")
    assert said(reply) == ["steps.origin_set", "offer.ask_destination"]
    reply = await talk.say("figeac")
    assert said(reply)[-1] == "rides.ask_how_often"
    # "en semaine" answers "every week?" and the days at once.
    reply = await talk.say("en semaine")
    assert said(reply) == ["steps.days_set", "offer.ask_time"]
    reply = await talk.say("7h30")
    assert said(reply) == ["offer.time_set", "offer.ask_return"]
    reply = await talk.say("pas de retour")
    assert said(reply) == ["offer.no_return_set", "offer.ask_seats"]
    reply = await talk.say("trois places")
    assert said(reply) == ["offer.seats_set", "offer.ask_note"]
    reply = await talk.say("non")
    assert said(reply) == ["offer.ask_contact"]
    reply = await talk.say("telegram seulement")
    assert said(reply) == ["offer.summary"]
    reply = await talk.say("oui")
    assert said(reply) == ["offer.saved"] and reply.ended
    [trip] = world.trip_rows.rows.values()
    assert (trip.origin.name, trip.destination.name, trip.seats) == ("Cahors", "Figeac", 3)
    assert trip.departure.hour == 7 and trip.return_time is None
    assert len(trip.weekdays) == 5
    assert store.rows == {}  # the conversation is over: nothing of it is kept


async def test_wrong_answers_get_a_reason_and_the_same_question(
    world: World, gazetteer: Gazetteer, store: MemoryConversations
) -> None:
    anne = await world.on_telegram(502, "Anne")
    talk = Talk(engine(world, gazetteer, store), anne, store)
    await talk.start()
    reply = await talk.say("peut-être")
    assert said(reply) == ["words.not_understood", "offer.consent"]
    reply = await talk.answer(choice(reply, "consent:yes"))
    reply = await talk.answer(Unusable.STICKER)
    assert said(reply) == ["steps.place_text_or_location", "offer.ask_origin"]
    reply = await talk.say("x" * 5000)
    assert said(reply) == ["steps.place_too_long"]
    reply = await talk.say("zzzzqqq")
    assert said(reply) == ["steps.place_unknown"] and asked(reply).expect is Expect.PLACE
    reply = await talk.say("Cahors")
    assert said(reply) == ["steps.origin_set", "offer.ask_destination"]
    reply = await talk.say("cahors")  # the same place at both ends
    assert said(reply) == ["steps.same_place"]
    assert await talk.step() == "destination"
    reply = await talk.answer(Location(44.7797, 1.7193))  # a shared point in Gramat
    assert said(reply) == ["steps.destination_set", "rides.ask_how_often"]
    reply = await talk.answer(Press("date:today"))  # a choice of another question
    assert said(reply) == ["common.button_other_step", "rides.ask_how_often"]
    reply = await talk.answer(choice(reply, "often:weekly"))
    assert said(reply) == ["offer.ask_days"]
    reply = await talk.answer(choice(reply, "days:ok"))  # no day chosen yet
    assert reply.alert is not None and reply.alert.key == "steps.days_empty"
    reply = await talk.answer(choice(talk.replies[-2], "day:1"))
    assert isinstance(reply.outputs[0], Redraw)
    [tuesday] = [o for o in reply.outputs[0].question.options if o.value == "day:1"]
    assert tuesday.checked
    reply = await talk.answer(Press("days:ok"))
    assert said(reply) == ["steps.days_set", "offer.ask_time"]
    reply = await talk.say("25h99")
    assert said(reply) == ["steps.time_not_understood"]
    assert await talk.step() == "time"
    await talk.say("8h")
    await talk.say("7h")  # a return before the departure
    assert said(talk.replies[-1]) == ["offer.return_before_departure"]
    await talk.say("18h")
    reply = await talk.say("12")
    assert said(reply) == ["offer.seats_invalid"]
    reply = await talk.answer(choice(reply, "seats:2"))
    assert said(reply) == ["offer.seats_set", "offer.ask_note"]
    reply = await talk.answer(SharedContact("+33612345678", own=True))  # not asked here
    assert said(reply) == ["common.contact_not_here", "offer.ask_note"]


async def test_an_old_or_forged_button_changes_nothing(
    world: World, gazetteer: Gazetteer, store: MemoryConversations
) -> None:
    anne = await world.on_telegram(503, "Anne")
    conversations = engine(world, gazetteer, store)
    talk = Talk(conversations, anne, store)
    await talk.start()
    before = store.rows[anne.id]
    reply = await conversations.answer(anne, Press("consent:yes", nonce="0ld000"))
    assert reply is not None and reply.stale and reply.alert is not None
    assert reply.alert.key == "common.old_button" and reply.outputs == []
    assert store.rows[anne.id] == before
    # Nobody's conversation: the channel says it is an old button.
    stranger = await world.on_telegram(504, "Luc")
    assert await conversations.answer(stranger, Press("consent:yes", nonce="abc123")) is None


async def test_two_processes_carry_on_one_conversation_in_turns(
    world: World, gazetteer: Gazetteer, tmp_path: Path
) -> None:
    """Each answer is taken by another process (another engine, another connection to the
    same database): none is lost, the draft is whole at the end."""
    path = tmp_path / "shared.sqlite3"
    first = await Database.open(path)
    await first.migrate()
    second = await Database.open(path)
    paul = await world.on_telegram(505, "Paul", "paul_r")
    await first.connection.execute(
        "INSERT INTO people (id, display_name, telegram_user_id, language, created_at, updated_at)"
        " VALUES (?, 'Paul', 505, 'fr', '2026-11-23T09:00:00+00:00', '2026-11-23T09:00:00+00:00')",
        (paul.id,),
    )
    await first.connection.commit()
    stores = [SqlConversations(first, world.clock), SqlConversations(second, world.clock)]
    engines = [engine(world, gazetteer, store) for store in stores]
    answers: list[Any] = [
        "oui",
        "Cahors",
        "Figeac",
        "lundi et jeudi",
        "7h30",
        "17h",
        "2",
        "Je passe par Gramat",
        "non",
        "oui",
    ]
    talks = [Talk(e, paul, s) for e, s in zip(engines, stores, strict=True)]
    await talks[0].start()
    for turn, words in enumerate(answers):
        reply = await talks[(turn + 1) % 2].say(words)
    assert said(reply) == ["offer.saved"]
    [trip] = world.trip_rows.rows.values()
    assert trip.note == "Je passe par Gramat" and trip.seats == 2
    assert sorted(trip.weekdays) == [0, 3] and trip.return_time is not None
    assert await stores[0].get(paul.id) is None
    await first.close()
    await second.close()
