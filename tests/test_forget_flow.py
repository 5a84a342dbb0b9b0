# ruff: noqa: F811 (the `world` fixture, imported from tests/test_services.py, is a parameter)
"""/oublier as a conversation of the core (bot/conversations/forget.py), without Telegram:
"oui" and "non" in a person's own words, wrong answers, old and forged presses, and the
conversation it opens over (a trip half registered goes on after "non", goes with "oui")."""

from __future__ import annotations

from typing import Any, cast

import pytest

from bot.conversations.engine import Conversations, Flow
from bot.conversations.forget import ForgetFlow
from bot.conversations.model import Press, Reply, Say, Unusable, Words
from bot.conversations.offer import OfferFlow
from bot.domain import Person
from bot.places.gazetteer import Gazetteer
from bot.services.consents import ConsentService
from bot.services.people import PeopleService
from bot.services.places import PlaceService
from handlers import keyboards as kb
from tests.conftest import RunningBot
from tests.memory import MemoryConsents
from tests.setups import agree_if_asked, reads
from tests.test_conversation_engine import MemoryConversations, asked, said
from tests.test_privacy_services import privacy_of
from tests.test_services import World, told, world  # noqa: F401 (the fixture)

QUESTION = "privacy.forget_confirm"


def engine(world: World, gazetteer: Gazetteer, store: MemoryConversations) -> Conversations:
    people = PeopleService(world.people, world.clock, "fr")
    consents = ConsentService(MemoryConsents(world.store), world.clock, world.people)
    places = PlaceService(gazetteer, None)
    privacy, _ = privacy_of(world)
    flows: list[Flow[Any]] = [
        OfferFlow(places, ("46",), consents, people, world.trips, cast(Any, None)),
        ForgetFlow(places, ("46",), privacy),
    ]
    return Conversations(store, flows, world.clock, world.clock.now().tzinfo)


@pytest.fixture
def store() -> MemoryConversations:
    return MemoryConversations()


async def nonce(store: MemoryConversations, person: Person) -> str | None:
    state = await store.get(person.id)
    return state.nonce if state else None


async def press(
    conversations: Conversations, store: MemoryConversations, person: Person, value: str
) -> Reply:
    reply = await conversations.answer(person, Press(value, await nonce(store, person)))
    assert reply is not None
    return reply


async def say(conversations: Conversations, person: Person, text: str | Unusable) -> Reply:
    reply = await conversations.answer(person, text if isinstance(text, Unusable) else Words(text))
    assert reply is not None
    return reply


async def test_the_question_and_its_two_choices(
    world: World, gazetteer: Gazetteer, store: MemoryConversations
) -> None:
    anne = await world.on_telegram(601, "Anne")
    conversations = engine(world, gazetteer, store)
    reply = await conversations.start(anne, "forget")
    assert said(reply) == [QUESTION]
    assert [o.value for o in asked(reply).options] == ["forget:yes", "forget:no"]
    assert [len(row) for row in asked(reply).rows] == [1, 1]  # one a row
    reply = await press(conversations, store, anne, "forget:no")
    assert said(reply) == ["privacy.forget_cancelled"] and reply.ended and not reply.erased
    [output] = reply.outputs
    assert isinstance(output, Say) and output.replace  # said in place of the question
    assert store.rows == {}
    assert world.people.rows[anne.id].display_name == "Anne"


async def test_wrong_answers_get_a_reason_and_the_same_question(
    world: World, gazetteer: Gazetteer, store: MemoryConversations
) -> None:
    anne = await world.on_telegram(602, "Anne")
    conversations = engine(world, gazetteer, store)
    await conversations.start(anne, "forget")
    reply = await say(conversations, anne, "peut-être")
    assert said(reply) == ["words.not_understood", QUESTION]
    reply = await say(conversations, anne, "x" * 5000)
    assert said(reply) == ["words.not_understood", QUESTION]
    reply = await say(conversations, anne, "🗑")
    assert said(reply) == ["words.not_understood", QUESTION]
    reply = await say(conversations, anne, Unusable.STICKER)
    assert said(reply) == ["common.sticker", QUESTION]
    reply = await say(conversations, anne, Unusable.PHOTO)
    assert said(reply) == ["common.photo", QUESTION]
    reply = await press(conversations, store, anne, "often:weekly")  # another question's
    assert said(reply) == ["common.button_other_step", QUESTION]
    reply = await press(conversations, store, anne, "forget:maybe")  # forged
    assert said(reply) == ["common.button_other_step", QUESTION]
    reply = await press(conversations, store, anne, "forget")
    assert said(reply) == ["common.button_other_step", QUESTION]
    assert (await store.get(anne.id)) is not None  # still asked, nothing erased
    assert world.people.rows[anne.id].forgotten_at is None
    reply = await say(conversations, anne, "non merci")
    assert said(reply) == ["privacy.forget_cancelled"] and reply.ended
    assert world.people.rows[anne.id].forgotten_at is None


async def test_oui_erases_and_tells_those_who_counted_on_them(
    world: World, gazetteer: Gazetteer, store: MemoryConversations
) -> None:
    jean = await world.on_telegram(603, "Jean Martin", "jean_m")
    marie = await world.on_telegram(604, "Marie Dupont", "marie_d")
    asked_ = await world.asked(jean, marie)
    assert asked_.introduction is not None
    await world.introductions.answer(jean, asked_.introduction.id, True)
    conversations = engine(world, gazetteer, store)
    await conversations.start(marie, "forget")
    reply = await say(conversations, marie, "Oui")
    assert said(reply) == ["privacy.forgotten"] and reply.ended and reply.erased
    assert ("intro.trip_cancelled_driver", "Jean Martin") in told(reply.notices)
    assert all(n.to is None or n.to.id != marie.id for n in reply.notices)
    gone = world.people.rows[marie.id]
    assert gone.display_name == "" and gone.forgotten_at is not None
    assert store.rows == {}


async def test_old_and_stale_presses_never_erase(
    world: World, gazetteer: Gazetteer, store: MemoryConversations
) -> None:
    paul = await world.on_telegram(605, "Paul")
    conversations = engine(world, gazetteer, store)
    await conversations.start(paul, "forget")
    first = await nonce(store, paul)
    await say(conversations, paul, "non")
    # The first question's "yes", pressed once it was answered: no conversation to take it
    # (the channel says "old button").
    assert await conversations.answer(paul, Press("forget:yes", first)) is None
    await conversations.start(paul, "forget")  # asked again: a new nonce
    assert await nonce(store, paul) != first
    reply = await conversations.answer(paul, Press("forget:yes", first))
    assert reply is not None and reply.stale and reply.alert is not None
    assert reply.alert.key == "common.old_button" and reply.outputs == []
    reply = await conversations.answer(paul, Press("forget:yes", None))  # forged, no nonce
    assert reply is not None and reply.stale
    assert world.people.rows[paul.id].forgotten_at is None
    assert (await store.get(paul.id)) is not None  # the question still waits
    # Pressed twice: the second press finds nothing to act on.
    reply = await press(conversations, store, paul, "forget:yes")
    assert reply.erased
    assert await conversations.answer(paul, Press("forget:yes", first)) is None


async def test_it_opens_over_a_trip_half_registered_which_goes_on_after_non(
    world: World, gazetteer: Gazetteer, store: MemoryConversations
) -> None:
    lea = await world.on_telegram(606, "Léa")
    conversations = engine(world, gazetteer, store)
    await conversations.start(lea, "offer")
    await say(conversations, lea, "oui")
    await say(conversations, lea, "Cahors")
    offer = await store.get(lea.id)
    assert offer is not None and offer.step == "destination"

    reply = await conversations.start(lea, "forget")
    assert said(reply) == [QUESTION]
    state = await store.get(lea.id)
    assert state is not None and state.flow == "forget" and state.paused is not None
    # Another door while the question waits: answer it first.
    reply = await conversations.start(lea, "offer")
    assert said(reply) == ["forget.busy"]
    reply = await say(conversations, lea, "Figeac")  # the trip's answer: not this question's
    assert said(reply) == ["words.not_understood", QUESTION]
    reply = await conversations.start(lea, "forget")  # opened again: still over the trip
    reply = await say(conversations, lea, "non")
    # Nothing erased, and the trip's question again.
    assert (
        said(reply)
        == [
            "privacy.forget_cancelled",
            "words.back_to_question",
            "offer.ask_destination",
        ]
        and reply.ended
    )
    assert await store.get(lea.id) == offer  # where she was, with the same buttons
    reply = await say(conversations, lea, "Figeac")
    assert said(reply) == ["steps.destination_set", "rides.ask_how_often"]

    # /annuler while the question waits keeps everything too.
    await conversations.start(lea, "forget")
    cancelled = await conversations.cancel(lea)
    assert cancelled is not None and said(cancelled)[0] == "privacy.forget_cancelled"
    assert said(cancelled)[-1] == "rides.ask_how_often"  # the trip's question again
    resumed = await store.get(lea.id)
    assert resumed is not None and resumed.flow == "offer" and resumed.step == "how_often"
    # The question again after an aside (/aide): the pending one is the trip's.
    again = await conversations.ask_again(lea)
    assert again is not None and said(again)[-1] == "rides.ask_how_often"


async def test_oui_over_a_trip_half_registered_erases_it_too(
    world: World, gazetteer: Gazetteer, store: MemoryConversations
) -> None:
    lea = await world.on_telegram(607, "Léa")
    conversations = engine(world, gazetteer, store)
    await conversations.start(lea, "offer")
    await say(conversations, lea, "oui")
    offer_nonce = await nonce(store, lea)
    await conversations.start(lea, "forget")
    reply = await press(conversations, store, lea, "forget:yes")
    assert reply.erased and store.rows == {}
    # The trip's old buttons find nothing any more.
    assert await conversations.answer(lea, Press("often:weekly", offer_nonce)) is None


# End to end, on Telegram.


async def test_oublier_in_the_middle_of_a_trip_and_non_typed(bot: RunningBot) -> None:
    lea = bot.fake.user(611, "Léa")
    await lea.command("proposer")
    await lea.press_doing(kb.OFFER, "consent:yes")
    await lea.send("Cahors")
    await lea.command("oublier")
    assert "Tout effacer ?" in lea.last().text
    assert lea.last().buttons == ["🗑 Oui, tout effacer", "Non, garder"]
    await lea.send("Figeac")  # the trip's answer, while the question waits
    assert "Tout effacer ?" in lea.last().text
    await lea.command("chercher")  # another door: answer the question first
    assert "tout effacer ?" in lea.last().text and "/annuler" in lea.last().text
    mark = lea.mark()
    await lea.send("non")
    assert lea.texts_since(mark)[0] == reads(bot, "privacy.forget_cancelled")
    assert "Où allez-vous ?" in lea.last().text  # the trip's question again
    await lea.send("Figeac")  # the trip goes on where it was
    assert "Chaque semaine" in " ".join(lea.last().buttons)
    [row] = await bot.rows("SELECT flow, step FROM conversations")
    assert (row["flow"], row["step"]) == ("offer", "how_often")
    bot.assert_clean()


async def test_oublier_while_describing_a_need_and_oui_typed(bot: RunningBot) -> None:
    marie = bot.fake.user(612, "Marie")
    await marie.command("chercher")
    await agree_if_asked(marie)
    await marie.send("Cahors")  # a need half described (python-telegram-bot's conversation)
    await marie.command("forgetme")
    assert "Tout effacer ?" in marie.last().text
    question = marie.last()
    await marie.send("oui")
    assert "Mobilot a effacé tout ce qui vous concerne" in marie.last().text
    button = question.button("🗑 Oui, tout effacer")
    assert button is not None
    await marie.press_data(str(button["callback_data"]), message=question)  # pressed after
    assert marie.callback_answers()[-1]["text"].startswith("Ce bouton")
    assert await bot.rows("SELECT * FROM conversations") == []
    assert await bot.rows("SELECT * FROM conversation_states WHERE chat_key LIKE '%612%'") == []
    [person] = await bot.rows("SELECT * FROM people WHERE id = 1")
    assert person["forgotten_at"] and person["telegram_user_id"] is None
    bot.assert_clean()


async def test_the_confirmation_buttons_from_before_the_upgrade_still_act(
    bot: RunningBot,
) -> None:
    paul = bot.fake.user(613, "Paul")
    await paul.command("aide")
    await paul.press_data("pv:forget:no")  # "Non, garder", sent before the upgrade
    assert paul.last().text == reads(bot, "privacy.forget_cancelled")
    await paul.press_data("pv:forget:yes:99")  # someone else's
    assert paul.callback_answers()[-1]["text"].startswith("Ce bouton")
    [person] = await bot.rows("SELECT id, forgotten_at FROM people")
    assert person["forgotten_at"] is None
    await paul.press_data(f"pv:forget:yes:{person['id']}")  # their own: erased as before
    assert "Mobilot a effacé tout ce qui vous concerne" in paul.last().text
    [person] = await bot.rows("SELECT forgotten_at FROM people")
    assert person["forgotten_at"]
    bot.assert_clean()
