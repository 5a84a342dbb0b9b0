"""End to end: what careful users typed and the bot lost, changed or refused (issue 23, items
9 and 10). Monday 23 November 2026, 10:00 in Paris."""

from __future__ import annotations

from handlers import keyboards as kb
from tests.conftest import RunningBot
from tests.fakebot import FakeUser
from tests.phones import TextingBot
from tests.setups import agree_if_asked, driver
from tests.test_own_words import Transcript
from tests.test_sms_channel import welcome


async def finish(user: FakeUser) -> None:
    """No way back, the purpose, no special need, and "search"."""
    await user.press_doing(kb.FIND, "back:none")
    await user.press_doing(kb.FIND, "purpose:health")
    await user.press_doing(kb.FIND, "special:none")
    await user.press_doing(kb.FIND, "confirm")


async def the_need(bot: RunningBot) -> dict[str, object]:
    [need] = await bot.rows(
        "SELECT origin_name, destination_name, travel_date, weekdays, time_mode, at_time AS at"
        " FROM needs"
    )
    return need


async def ask(user: FakeUser, mode: str) -> None:
    await user.press_doing(kb.FIND, f"mode:{mode}")


# Item 9: lost or changed without a word.


async def test_arrows_between_two_places_keep_both(bot: RunningBot) -> None:
    lea = bot.fake.user(2301, "Léa")
    words = Transcript(lea, "Léa")
    await words.say("figeac -> cahors demain 8h")
    assert lea.has_button(kb.FIND, "consent:yes")  # the consent first, the sentence kept
    said = await words.say("oui")
    assert "📍 Départ : Figeac (46)" in said and "🏁 Arrivée : Cahors (46)" in said
    assert "📅 Le mardi 24 novembre, demain" in said
    assert "Qu'est-ce qui compte pour vous ?" in lea.last().text  # neither place asked again
    await ask(lea, "leave_after")
    await finish(lea)
    assert await the_need(bot) == {
        "origin_name": "Figeac",
        "destination_name": "Cahors",
        "travel_date": "2026-11-24",
        "weekdays": 0,
        "time_mode": "leave_after",
        "at": "08:00",
    }

    tom = bot.fake.user(2302, "Tom")
    await Transcript(tom, "Tom").say("Gourdon → Cahors mardi 8h")
    said = await Transcript(tom, "Tom").say("oui")
    assert "📍 Départ : Gourdon (46)" in said and "🏁 Arrivée : Cahors (46)" in said
    print(words.text())
    bot.assert_clean()


async def test_two_places_and_two_days_are_a_trip_every_week(bot: RunningBot) -> None:
    await driver(bot, 2303, "Paul", origin="Gourdon", destination="Cahors", time="7h45")
    rene = bot.fake.user(2304, "René")
    words = Transcript(rene, "René")
    await words.say("Gourdon Cahors lundi et jeudi 8h")
    said = await words.say("oui")  # the consent before a first need
    assert "📅 Jours : lundi et jeudi" in said
    assert "📍 Départ : Gourdon (46)" in said and "🏁 Arrivée : Cahors (46)" in said
    assert not any("jeudi 26 novembre" in text for text in said)  # not a one-off Thursday
    await ask(rene, "leave_after")
    await finish(rene)
    assert await the_need(bot) == {
        "origin_name": "Gourdon",
        "destination_name": "Cahors",
        "travel_date": None,
        "weekdays": 9,
        "time_mode": "leave_after",
        "at": "08:00",
    }
    print(words.text())
    bot.assert_clean()


async def test_what_the_bot_cannot_use_is_said(bot: RunningBot) -> None:
    ines = bot.fake.user(2305, "Inès")
    words = Transcript(ines, "Inès")
    await words.say("Blablaville → Cahors demain 9h")
    said = await words.say("oui")  # the consent before a first need
    assert "Je n'ai pas reconnu le lieu « Blablaville » : je vous le redemande." in said
    assert "🏁 Arrivée : Cahors (46)" in said
    assert "D'où partez-vous ?" in ines.last().text

    noe = bot.fake.user(2306, "Noé")
    await Transcript(noe, "Noé").say("Cahors demain vers 25h avec mon chien Zorglub")
    said = await Transcript(noe, "Noé").say("oui")
    assert "📅 Le mardi 24 novembre, demain" in said and "🏁 Arrivée : Cahors (46)" in said
    assert any("Je n'ai pas utilisé « vers 25h avec mon chien Zorglub »" in t for t in said)
    print(words.text())
    bot.assert_clean()


# Item 10: refused today, understood tomorrow.


async def test_a_first_sentence_with_a_morning_and_a_greeting(bot: RunningBot) -> None:
    ana = bot.fake.user(2307, "Ana")
    words = Transcript(ana, "Ana")
    await words.say("je voudrais aller à cahors demain matin")
    said = await words.say("oui")  # the consent before a first need
    assert "📅 Le mardi 24 novembre, demain" in said and "🏁 Arrivée : Cahors (46)" in said
    assert "🕘 Noté : le matin. Je vous demande l'heure juste après." in said
    await words.say("Gramat")
    await ask(ana, "arrive_before")
    assert "Vous avez dit le matin : il me faut une heure plus précise." in ana.texts_since(0)
    said = await words.say("9h")
    assert "🏁 Arrivée avant 9h00" in said

    max_ = bot.fake.user(2308, "Max")
    said = await Transcript(max_, "Max").say("Bonjour !")
    assert said[-1].startswith("Bonjour ! Je trouve des conducteurs")
    assert "Je n'ai pas compris" not in said[-1]
    assert max_.buttons() == [
        "🚗 Je propose un trajet",
        "🙋 Je cherche un trajet",
        "💶 Voir les aides pour se déplacer",
    ]
    print(words.text())
    bot.assert_clean()


async def test_the_afternoon_is_said_back_never_taken_as_noon(bot: RunningBot) -> None:
    eve = bot.fake.user(2309, "Ève")
    words = Transcript(eve, "Ève")
    await words.say("cahors demain après-midi")
    said = await words.say("oui")  # the consent before a first need
    assert not any("12h00" in text for text in said)
    assert "🕘 Noté : l'après-midi. Je vous demande l'heure juste après." in said
    await words.say("Gourdon")
    mark = eve.mark()
    await ask(eve, "leave_after")
    assert "Vous avez dit l'après-midi : il me faut une heure plus précise." in eve.texts_since(
        mark
    )
    said = await words.say("3h")  # in the afternoon: 15:00
    assert "🕘 Départ à partir de 15h00" in said
    await finish(eve)
    assert (await the_need(bot))["at"] == "15:00"
    print(words.text())
    bot.assert_clean()


async def test_days_said_at_the_day_step(bot: RunningBot) -> None:
    zoe = bot.fake.user(2310, "Zoé")
    words = Transcript(zoe, "Zoé")
    await zoe.command("chercher")
    await agree_if_asked(zoe)
    await words.say("Gramat (Lot)")
    said = await words.say("12 rue de la République, Cahors")
    assert "🏁 Arrivée : 12 rue de la République, Cahors (46)" in said
    said = await words.say("après-demain matin")
    assert "📅 Le mercredi 25 novembre" in said and "🕘 Noté : le matin." in said[1]
    await ask(zoe, "leave_after")
    said = await words.say("le matin")  # still too wide: asked again
    assert said[0] == "Vous avez dit le matin : il me faut une heure plus précise."
    said = await words.say("entre 8h et 9h")
    assert "🕘 Entre 8h00 et 9h00 : je cherche un départ à partir de 8h00." in said
    await finish(zoe)
    assert await the_need(bot) == {
        "origin_name": "Gramat",
        "destination_name": "12 rue de la République, Cahors",
        "travel_date": "2026-11-25",
        "weekdays": 0,
        "time_mode": "leave_after",
        "at": "08:00",
    }
    print(words.text())
    bot.assert_clean()


async def test_tonight_in_three_days_and_next_week(bot: RunningBot) -> None:
    for user_id, typed, shown in (
        (2311, "ce soir", "📅 Le lundi 23 novembre, aujourd'hui"),
        (2312, "dans 3 jours", "📅 Le jeudi 26 novembre"),
    ):
        user = bot.fake.user(user_id, "Jo")
        await user.command("chercher")
        await agree_if_asked(user)
        await user.send("Gramat")
        await user.send("Cahors")
        said = await Transcript(user, "Jo").say(typed)
        assert shown in said and "Qu'est-ce qui compte pour vous ?" in said[-1]

    ugo = bot.fake.user(2313, "Ugo")
    words = Transcript(ugo, "Ugo")
    await ugo.command("chercher")
    await agree_if_asked(ugo)
    await ugo.send("Gramat")
    await ugo.send("Cahors")
    said = await words.say("la semaine prochaine")
    assert said[-1].startswith("Quel jour de la semaine prochaine ?")
    assert ugo.buttons()[0] == "lundi 30 novembre" and len(ugo.buttons()) == 7
    said = await words.say("jeudi")  # next week's, not this week's
    assert "📅 Le jeudi 3 décembre" in said
    said = await words.say("8h-9h")  # before "leave after or arrive before"
    assert "🕘 Noté : entre 8h00 et 9h00." in said
    mark = ugo.mark()
    await ask(ugo, "arrive_before")
    assert "🏁 Entre 8h00 et 9h00 : je cherche une arrivée avant 9h00." in ugo.texts_since(mark)
    await finish(ugo)
    need = await the_need(bot)
    assert need["travel_date"] == "2026-12-03" and need["at"] == "09:00"

    # A day of next week pressed rather than typed.
    ida = bot.fake.user(2314, "Ida")
    await ida.command("chercher")
    await agree_if_asked(ida)
    await ida.send("Gramat")
    await ida.send("Cahors")
    await ida.send("next week")
    await ida.press_doing(kb.FIND, "when:2026-12-01")
    assert any(t.startswith("📅 Le mardi 1") for t in ida.texts_since(0))  # ("1er": item 18)
    bot.assert_clean()


async def test_a_simple_phone_gets_the_same_reading(texting: TextingBot) -> None:
    got = await welcome(texting, "06 11 22 33 44", "Gourdon → Cahors mardi 8h", "odile")
    assert "Merci Odile" in got[-1]
    assert "D'où partez-vous ?" not in got[-1] and "Où allez-vous ?" not in got[-1]
    assert "Partir après une heure" in got[-1]
    got = await texting.text("06 11 22 33 44", "1")
    assert "Et le retour, le meme jour ?" in got[-1]
    got = await texting.text("06 11 22 33 44", "1")
    assert "Gourdon - Cahors, mardi 24 novembre, départ à partir de 8h00" in got[-1]
