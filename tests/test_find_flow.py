"""End to end: a person without a car finds a driver, who accepts or declines."""

from __future__ import annotations

from handlers import keyboards as kb
from tests.conftest import RunningBot
from tests.fakebot import FakeUser
from tests.setups import agree_if_asked, describe_need, driver, reads


def everything_seen_by(user: FakeUser) -> str:
    return "\n".join(m.text + " " + " ".join(m.buttons) for m in user.messages())


async def test_from_find_to_a_drivers_contact_in_french(bot: RunningBot) -> None:
    jean = await driver(bot, 301, "Jean", username="jean_m")
    marie = bot.fake.user(302, "Marie", last_name="Delpech", username="marie_d")
    await marie.command("start")
    await marie.press_doing(kb.START, "find")
    await agree_if_asked(marie)
    assert "D'où partez-vous ?" in marie.last().text
    await marie.send("Cahors")
    await marie.send("Figeac")
    assert "Quand ?" in marie.last().text
    assert marie.buttons() == ["Aujourd'hui", "Demain", "🔁 Chaque semaine"]
    mark = marie.mark()
    await marie.send("mardi")
    assert "📅 Le mardi 24 novembre, demain" in marie.texts_since(mark)
    await marie.press_doing(kb.FIND, "mode:arrive_before")
    assert "Avant quelle heure devez-vous arriver ?" in marie.last().text
    await marie.send("9h")
    await marie.press_doing(kb.FIND, "back:none")
    await marie.press_doing(kb.FIND, "purpose:health")
    await marie.press_doing(kb.FIND, "special:wheelchair")
    assert marie.buttons()[0] == "✅ ♿ Fauteuil roulant"
    await marie.press_doing(kb.FIND, "special:ok")
    summary = marie.last().text
    assert "📍 Cahors (46) → Figeac (46)" in summary
    assert "📅 mardi 24 novembre, arrivée avant 9h00" in summary
    assert "🎯 🩺 Santé" in summary and reads(bot, "special.wheelchair") in summary
    await marie.press_doing(kb.FIND, "confirm")

    found = marie.last()
    assert "J'ai trouvé des conducteurs" in found.text
    assert "Jean M. — mardi 24 novembre, prise en charge vers 7h30" in found.text
    assert found.buttons == [
        "🚗 Demander à Jean M. (mar. 7h30)",
        "🤝 Demander plutôt à l'équipe locale",
    ]
    assert "jean_m" not in everything_seen_by(marie)

    await marie.press_doing(kb.NEED, "ask", naming="Jean M.")
    assert marie.last().text.startswith("J'ai envoyé votre demande à Jean M. :")
    request = jean.last()
    assert "Demande de covoiturage" in request.text and "Marie D. aimerait" in request.text
    assert "mardi 24 novembre, prise en charge vers 7h30 à Cahors" in request.text
    assert "🎯 🩺 Santé" in request.text and reads(bot, "special.wheelchair") in request.text
    assert "marie_d" not in everything_seen_by(jean) and "Delpech" not in everything_seen_by(jean)
    accept_button = request.button("✅ J'accepte")
    assert accept_button is not None
    accept = accept_button["callback_data"]

    await marie.press_data(accept, message=found)  # someone else presses the driver's button
    assert marie.callback_answers()[-1]["text"] == reads(bot, "intro.not_yours")
    assert "jean_m" not in everything_seen_by(marie)

    await jean.press_doing(kb.INTRO, "yes")
    assert request.buttons == [] and reads(bot, "intro.state_accepted") in request.text
    assert "Voici comment joindre Marie Delpech : @marie_d" in jean.last().text
    assert "Jean Martin accepte de vous emmener (mardi 24 novembre, vers 7h30)" in marie.last().text
    assert "Contact : @jean_m" in marie.last().text

    await jean.press_data(accept, message=request)  # a double press
    assert jean.callback_answers()[-1]["text"] == reads(bot, "intro.already")
    [need] = await bot.rows("SELECT status, purpose, special_needs, travel_date FROM needs")
    assert need == {
        "status": "matched",
        "purpose": "health",
        "special_needs": "wheelchair",
        "travel_date": "2026-11-24",
    }
    [intro] = await bot.rows("SELECT status FROM introductions")
    assert intro["status"] == "accepted"
    assert bot.operators.messages() == []
    bot.assert_clean()


async def test_a_village_on_the_way_matches_one_far_off_does_not(bot: RunningBot) -> None:
    await driver(bot, 311, "Jean", username="jean_m")
    near, far = bot.fake.user(312, "Nina"), bot.fake.user(313, "Fabien")
    await describe_need(near, origin="Livernon")  # near Gramat, about 6 minutes off the road
    assert "Jean M." in near.last().text and "prise en charge vers 8h21" in near.last().text
    await describe_need(far, origin="Rocamadour")  # 40 minutes off: too far for the driver
    assert "Je n'ai pas trouvé de conducteur" in far.last().text
    operators = bot.operators
    posted = operators.last().text
    assert "Demande n° 2" in posted and "Fabien" in posted
    assert (
        "Rocamadour (46) → Figeac (46)" in posted and "Aucun conducteur ne fait ce trajet" in posted
    )
    statuses = await bot.rows("SELECT status FROM needs ORDER BY id")
    assert [row["status"] for row in statuses] == ["searching", "with_operators"]
    bot.assert_clean()


async def test_the_return_leg_and_a_regular_need(bot: RunningBot) -> None:
    jean = bot.fake.user(321, "Jean", last_name="Martin")
    await jean.command("proposer")
    await jean.press_doing(kb.OFFER, "consent:yes")
    await jean.send("Cahors")
    await jean.send("Figeac")
    await jean.send("du lundi au vendredi")
    await jean.send("7h30")
    await jean.send("17h30")
    await jean.press_doing(kb.OFFER, "seats:2")
    await jean.press_doing(kb.OFFER, "skipnote")
    await jean.press_doing(kb.OFFER, "contact:tg")
    await jean.press_doing(kb.OFFER, "confirm")
    lou = bot.fake.user(322, "Lou")
    await lou.command("chercher")
    await agree_if_asked(lou)
    await lou.send("Figeac")
    await lou.send("Cahors")
    await lou.press_doing(kb.FIND, "when:regular")
    await lou.send("lundi jeudi")
    await lou.press_doing(kb.FIND, "mode:leave_after")
    await lou.send("17h")
    await lou.press_doing(kb.FIND, "back:none")
    await lou.press_doing(kb.FIND, "purpose:work")
    await lou.press_doing(kb.FIND, "special:none")
    assert "chaque semaine : lundi et jeudi, départ à partir de 17h00" in lou.last().text
    await lou.press_doing(kb.FIND, "confirm")
    assert "Jean M. — lundi et jeudi, prise en charge vers 17h30" in lou.last().text
    bot.assert_clean()


async def test_decline_then_no_answer_then_the_team(bot: RunningBot) -> None:
    jean = await driver(bot, 331, "Jean", time="7h30")
    paul = await driver(bot, 332, "Paul", time="7h45")
    rose = bot.fake.user(333, "Rose", last_name="Vidal")
    await describe_need(rose)
    # Paul arrives closer to 9:00 (no detour for either): he comes first.
    candidates = rose.last()
    assert candidates.buttons[:2] == [
        "🚗 Demander à Paul M. (mar. 7h45)",
        "🚗 Demander à Jean M. (mar. 7h30)",
    ]
    ask_jean_button = candidates.button("🚗 Demander à Jean M. (mar. 7h30)")
    assert ask_jean_button is not None
    ask_jean = ask_jean_button["callback_data"]
    await rose.press_doing(kb.NEED, "ask", naming="Paul M.")
    await rose.press_data(ask_jean, message=candidates)  # asking a second driver at once
    assert rose.callback_answers()[-1]["text"] == reads(bot, "intro.busy")

    mark = rose.mark()
    await paul.press_doing(kb.INTRO, "no")
    assert reads(bot, "intro.state_declined") in paul.messages()[-2].text
    assert "Je préviens Rose V." in paul.last().text
    assert rose.texts_since(mark)[0] == "Paul M. ne peut pas cette fois."
    assert rose.buttons() == [
        "🚗 Demander à Jean M. (mar. 7h30)",
        "🤝 Demander plutôt à l'équipe locale",
    ]
    await rose.press_doing(kb.NEED, "ask", naming="Jean M.")
    assert "Demande de covoiturage" in jean.last().text

    await bot.later(hours=11)  # not yet
    assert "Demande de covoiturage" in jean.last().text
    mark = rose.mark()
    await bot.later(hours=1, minutes=1)
    assert "a expiré faute de réponse" in jean.last().text
    assert rose.texts_since(mark)[:2] == [
        "Jean M. n'a pas répondu à temps.",
        "Il n'y a pas d'autre conducteur pour l'instant. L'équipe locale est prévenue et va chercher une solution avec vous.",
    ]
    posted = bot.operators.last().text
    assert reads(bot, "operators.reason.no_more_drivers") in posted
    await jean.press_doing(kb.INTRO, "yes")  # too late
    assert jean.callback_answers()[-1]["text"] == reads(bot, "intro.no_longer")
    statuses = await bot.rows("SELECT status FROM introductions ORDER BY id")
    assert [row["status"] for row in statuses] == ["declined", "expired"]
    await bot.later(hours=24)  # nothing fires twice
    assert "Jean M. n'a pas répondu à temps." not in rose.texts_since(mark)[2:]
    bot.assert_clean()


async def test_a_driver_who_blocked_the_bot_counts_as_a_decline(bot: RunningBot) -> None:
    jean = await driver(bot, 341, "Jean")
    jean.blocked = True
    ana = bot.fake.user(342, "Ana")
    await describe_need(ana)
    await ana.press_doing(kb.NEED, "ask", naming="Jean M.")
    assert "Telegram ne remet plus nos messages à Jean M. pour l'instant." in ana.texts_since(0)
    assert "L'équipe locale est prévenue" in ana.last().text
    [intro] = await bot.rows("SELECT status FROM introductions")
    assert intro["status"] == "expired"
    bot.take_blocked_errors()
    bot.assert_clean()


async def test_a_new_trip_is_announced_to_a_waiting_passenger(bot: RunningBot) -> None:
    ana = bot.fake.user(351, "Ana")
    await describe_need(ana, origin="Assier")
    assert "Je n'ai pas trouvé de conducteur" in ana.last().text
    jean = await driver(bot, 352, "Jean")
    announce = ana.last()
    assert "Bonne nouvelle : un conducteur fait maintenant le trajet" in announce.text
    assert announce.buttons == [
        "🚗 Demander à Jean M. (mar. 8h26)",
        "🤝 Demander plutôt à l'équipe locale",
    ]
    await driver(bot, 353, "Jeanne", origin="Cahors", destination="Gramat")  # not on her way
    assert ana.last() is announce
    await ana.press_doing(kb.NEED, "ask", naming="Jean M.")
    assert "Demande de covoiturage" in jean.last().text
    bot.assert_clean()


async def test_cancelling_tells_the_driver_and_the_team(bot: RunningBot) -> None:
    jean = await driver(bot, 361, "Jean")
    ana = bot.fake.user(362, "Ana", last_name="Roux")
    await describe_need(ana)
    await ana.press_doing(kb.NEED, "ask", naming="Jean M.")
    await jean.press_doing(kb.INTRO, "yes")
    await describe_need(ana, origin="Rocamadour")  # a second need, for the team
    await ana.command("mesdemandes")
    header, second, first = ana.messages()[-3:]
    assert header.text == reads(bot, "needs.header")
    assert "Rocamadour" in second.text and "suivie par l'équipe locale" in second.text
    assert "un conducteur a accepté" in first.text
    await ana.press_doing(kb.NEED, "cancel", message=first)
    await ana.press_doing(kb.NEED, "cancel", message=first)
    assert first.text.startswith("❌ Demande annulée.")
    assert "Ana R. a annulé le trajet (mardi 24 novembre, vers 7h30)" in jean.last().text
    await ana.press_doing(kb.NEED, "cancel", message=second)
    await ana.press_doing(kb.NEED, "cancel", message=second)
    assert "Ana Roux a annulé sa demande n° 2" in bot.operators.last().text
    await ana.press_data("nd:1:cancel:yes", message=first)  # an old button, again
    assert ana.callback_answers()[-1]["text"].startswith("Cette demande n'existe plus")
    bot.assert_clean()


async def test_english_and_bad_input_at_every_step(bot: RunningBot) -> None:
    await driver(bot, 371, "John", username="john")  # registered in French, read in English below
    kim = bot.fake.user(372, "Kim", language_code="en")
    await kim.command("find")
    await agree_if_asked(kim)
    await kim.send_sticker()
    assert "Where do you leave from?" in kim.last().text
    await kim.send("Nowhereville")
    assert "I cannot find \u201cNowhereville\u201d" in kim.last().text
    await kim.send("Cahors")
    await kim.send("Cahors")
    assert "The start and the destination are the same place" in kim.last().text
    await kim.send("Figeac")
    await kim.send("whenever")
    assert "I did not understand \u201cwhenever\u201d as a day" in kim.last().text
    await kim.send("yesterday")
    assert "has already passed" in kim.last().text
    await kim.send("tuesday 9am")  # a day and a time at once
    await kim.send("soonish")
    assert "I did not understand “soonish”" in kim.messages()[-2].text
    await kim.send("arrive")  # the time came with the day
    assert "Arriving by 09:00" in kim.messages()[-2].text and "way back?" in kim.last().text
    await kim.send_photo()
    assert "And the way back?" in kim.last().text
    await kim.send("no return")
    assert "One way, no way back." in kim.messages()[-2].text
    await kim.send_photo()
    assert "What is it for?" in kim.last().text
    await kim.press_doing(kb.FIND, "purpose:health")
    await kim.press_doing(kb.FIND, "special:pet")
    await kim.press_doing(kb.FIND, "special:ok")
    summary = kim.last().text
    assert (
        "Tuesday 24 November, arriving by 09:00" in summary
        and reads(bot, "special.pet", "en") in summary
    )
    await kim.press_doing(kb.FIND, "edit:mode")
    await kim.press_doing(kb.FIND, "mode:leave_after")
    await kim.send("25h99")
    assert "I did not understand \u201c25h99\u201d as a time" in kim.last().text
    await kim.send("7:00")
    assert "leaving from 07:00" in kim.last().text
    await kim.press_doing(kb.FIND, "confirm")
    assert "John M. — Tuesday 24 November, pickup around 07:30" in kim.last().text
    bot.assert_clean()


async def test_a_restart_in_the_middle_of_a_need_loses_nothing(bot: RunningBot) -> None:
    await driver(bot, 381, "Jean")
    eva = bot.fake.user(382, "Eva")
    await eva.command("chercher")
    await agree_if_asked(eva)
    await eva.send("Cahors")
    await eva.send("Figeac")
    await eva.send("demain 9h")
    await bot.crash_and_restart()
    await eva.press_doing(kb.FIND, "mode:arrive_before")
    await eva.press_doing(kb.FIND, "back:none")
    await eva.press_doing(kb.FIND, "purpose:shopping")
    await eva.press_doing(kb.FIND, "special:none")
    assert "mardi 24 novembre, arrivée avant 9h00" in eva.last().text
    await eva.press_doing(kb.FIND, "confirm")
    assert "Jean M." in eva.last().text
    bot.assert_clean()


async def test_place_day_and_time_typed_at_once(bot: RunningBot) -> None:
    await driver(bot, 391, "Jean")
    odile = bot.fake.user(392, "Odile")
    await odile.command("chercher")
    await agree_if_asked(odile)
    await odile.send("cahors demain 9h")
    assert "📅 Le mardi 24 novembre, demain" in odile.texts_since(0)
    assert "📍 Départ : Cahors (46)" in odile.texts_since(0)
    await odile.send("Figeac")
    assert reads(bot, "find.ask_mode") in odile.last().text  # the day is not asked again
    await odile.press_doing(kb.FIND, "mode:arrive_before")
    assert "🏁 Arrivée avant 9h00" in odile.messages()[-2].text  # nor the time
    await odile.press_doing(kb.FIND, "back:none")
    await odile.press_doing(kb.FIND, "purpose:admin")
    await odile.press_doing(kb.FIND, "special:none")
    await odile.press_doing(kb.FIND, "confirm")
    assert "Jean M. — mardi 24 novembre" in odile.last().text
    bot.assert_clean()


async def test_a_driver_types_a_whole_request_the_consent_comes_first_then_the_reading(
    bot: RunningBot,
) -> None:
    # Paul agreed to the drivers' text only: the passengers' one is asked before anything
    # else, and what he typed is read back once he agrees, none of it lost.
    paul = await driver(bot, 393, "Paul")
    mark = paul.mark()
    await paul.send("cahors demain 9h")
    assert paul.has_button(kb.FIND, "consent:yes")
    asked = "\n".join(paul.texts_since(mark))
    assert "Cahors" not in asked and "novembre" not in asked
    mark = paul.mark()
    await paul.press_doing(kb.FIND, "consent:yes")
    read = paul.texts_since(mark)
    assert read[0] == reads(bot, "words.request_understood")
    assert "📅 Le mardi 24 novembre, demain" in read and "🏁 Arrivée : Cahors (46)" in read
    assert reads(bot, "find.ask_origin") in paul.last().text
    await paul.send("Figeac")
    assert reads(bot, "find.ask_mode") in paul.last().text  # the day is not asked again
    await paul.press_doing(kb.FIND, "mode:arrive_before")
    await paul.press_doing(kb.FIND, "back:none")  # nor the time
    await paul.press_doing(kb.FIND, "purpose:shopping")
    await paul.press_doing(kb.FIND, "special:none")
    summary = paul.last().text
    assert "📍 Figeac (46) → Cahors (46)" in summary
    assert "📅 mardi 24 novembre, arrivée avant 9h00" in summary
    await paul.press_doing(kb.FIND, "confirm")
    [need] = await bot.rows("SELECT destination_name, travel_date, at_time FROM needs")
    assert need == {"destination_name": "Cahors", "travel_date": "2026-11-24", "at_time": "09:00"}
    bot.assert_clean()


async def test_five_thousand_characters_anywhere_get_an_answer(bot: RunningBot) -> None:
    kim = bot.fake.user(395, "Kim")
    await kim.command("chercher")
    await agree_if_asked(kim)
    await kim.send("Cahors")
    await kim.send("Figeac")
    await kim.send("x" * 5000)  # at "when": Telegram's apps send 4,096, then the rest
    answer = kim.messages()[-2].text
    assert "comme un jour" in answer and len(answer) < 1200
    assert kim.last().text.startswith("Votre message était très long")  # the rest: no answer
    await kim.send("mardi")
    await kim.press_doing(kb.FIND, "mode:leave_after")
    await kim.send("y" * 5000)  # at "time"
    assert "comme une heure" in kim.messages()[-2].text
    bot.assert_clean()


async def test_one_conversation_at_a_time_whichever_is_first(bot: RunningBot) -> None:
    ugo = bot.fake.user(396, "Ugo")
    await ugo.command("chercher")
    await agree_if_asked(ugo)
    await ugo.send("Cahors")
    await ugo.command("proposer")
    assert "Vous êtes en train de décrire une demande" in ugo.last().text
    await ugo.send("Figeac")  # the search goes on
    assert "Quand ?" in ugo.last().text
    bot.assert_clean()


async def test_a_commune_said_by_its_short_name_in_a_whole_request(bot: RunningBot) -> None:
    # "brive" is Brive-la-Gaillarde (19), next to the Lot, as when typed alone.
    odile = bot.fake.user(396, "Odile")
    await odile.send("brive demain 9h")
    await agree_if_asked(odile)
    texts = odile.texts_since(0)
    assert "📅 Le mardi 24 novembre, demain" in texts
    assert "🏁 Arrivée : Brive-la-Gaillarde (19)" in texts
    assert not any("brive" in text for text in texts)  # never "not recognised"
    assert reads(bot, "find.ask_origin") in odile.last().text
    await odile.send("Gramat")
    assert reads(bot, "find.ask_mode") in odile.last().text  # the day is not asked again
    # Alone as an answer, the same: "villefranche" is Villefranche-de-Rouergue (12), the
    # Yonne's village of that name one press away.
    jo = bot.fake.user(397, "Jo")
    await jo.command("chercher")
    await agree_if_asked(jo)
    await jo.send("Gramat")
    await jo.send("villefranche")
    assert "🏁 Arrivée : Villefranche-de-Rouergue (12)" in jo.texts_since(0)
    await jo.press_doing(kb.FIND, "other:destination")
    assert "Villefranche (89)" in jo.buttons()
    bot.assert_clean()


async def test_a_short_name_in_doubt_in_a_whole_request_is_asked(bot: RunningBot) -> None:
    # Lacapelle-Marival and Lacapelle-Cabanac are both in the Lot: the list, not a guess,
    # whether the sentence comes first or answers "D'où partez-vous ?"; the day is kept.
    lise = bot.fake.user(398, "Lise")
    await lise.send("lacapelle demain 9h")
    await agree_if_asked(lise)
    assert lise.buttons()[:2] == ["Lacapelle-Marival (46)", "Lacapelle-Cabanac (46)"]
    await lise.press_doing(kb.FIND, "pick", naming="Lacapelle-Cabanac (46)")
    assert "🏁 Arrivée : Lacapelle-Cabanac (46)" in lise.texts_since(0)
    assert reads(bot, "find.ask_origin") in lise.last().text
    await lise.send("Figeac")
    assert reads(bot, "find.ask_mode") in lise.last().text
    rose = bot.fake.user(400, "Rose")
    await rose.command("chercher")
    await agree_if_asked(rose)
    await rose.send("lacapelle demain 9h")
    assert "📅 Le mardi 24 novembre, demain" in rose.texts_since(0)
    assert rose.buttons()[:2] == ["Lacapelle-Marival (46)", "Lacapelle-Cabanac (46)"]
    await rose.press_doing(kb.FIND, "pick", naming="Lacapelle-Marival (46)")
    assert "📍 Départ : Lacapelle-Marival (46)" in rose.texts_since(0)
    await rose.send("Figeac")
    assert reads(bot, "find.ask_mode") in rose.last().text  # the day is not asked again
    bot.assert_clean()


async def test_words_that_are_no_places_are_not_read_as_places(bot: RunningBot) -> None:
    paul = bot.fake.user(399, "Paul")
    await paul.send("rdv demain 9h")
    await agree_if_asked(paul)
    texts = paul.texts_since(0)
    assert reads(bot, "words.place_not_kept", text="rdv") in texts
    assert not any("Arrivée" in text for text in texts)
    assert reads(bot, "find.ask_origin") in paul.last().text
    bot.assert_clean()
