"""End to end: people who type their own words where the bot offers buttons."""

from __future__ import annotations

from datetime import date, timedelta

from handlers import keyboards as kb
from tests.conftest import RunningBot
from tests.fakebot import FakeUser
from tests.setups import driver
from tests.test_services import TUESDAY, paris


class Transcript:
    """What a person typed and what the bot answered, in order (for the closing note)."""

    def __init__(self, user: FakeUser, who: str) -> None:
        self.user, self.who = user, who
        self.lines: list[str] = []

    async def say(self, text: str) -> list[str]:
        mark = self.user.mark()
        await self.user.send(text)
        self.lines.append(f"{self.who}: {text}")
        answers = self.user.messages()[mark:]
        for message in answers:
            buttons = f"   [{' | '.join(message.buttons)}]" if message.buttons else ""
            self.lines.append("  Mobilot: " + message.text.replace("\n", "\n           ") + buttons)
        return [m.text for m in answers]

    def text(self) -> str:
        return "\n".join(self.lines)


async def test_an_old_man_in_his_own_words_from_a_sentence_to_a_drivers_yes(
    bot: RunningBot,
) -> None:
    paul = await driver(
        bot, 401, "Paul", username="paul_r", origin="Gourdon", destination="Cahors", time="8h"
    )
    albert = bot.fake.user(402, "Albert", last_name="Vidal", username="albert_v")
    words = Transcript(albert, "Albert")

    said = await words.say("cahors demain 9h")
    assert said[-1].startswith("Avant de chercher un trajet")  # agreed before anything is kept
    said = await words.say("oui")
    assert "📅 Le mardi 24 novembre, demain" in said and "🏁 Arrivée : Cahors (46)" in said
    assert "D'où partez-vous ?" in said[-1]

    said = await words.say("de Gourdon")
    assert "📍 Départ : Gourdon (46)" in said
    assert any("autres lieux possibles" in text for text in said)  # Gourdon (71), (06), (07)
    assert "Qu'est-ce qui compte pour vous ?" in said[-1]

    said = await words.say("je dois y être à 9h")
    assert "🏁 Arrivée avant 9h00" in said and "Et le retour ?" in said[-1]
    said = await words.say("non, pas de retour")
    assert "➡️ Aller simple, sans retour." in said and "C'est pour quoi ?" in said[-1]
    await words.say("c'est pour le médecin")
    said = await words.say("non")
    assert "Votre demande" in said[-1] and "arrivée avant 9h00" in said[-1]
    said = await words.say("oui")
    assert "Paul" in said[-1] and "J'ai trouvé des conducteurs" in said[-1]

    said = await words.say("Paul")
    assert said[-1].startswith("J'ai envoyé votre demande à Paul M.")
    request = paul.last()
    assert "Albert V. aimerait faire la route avec vous" in request.text
    await paul.press_doing(kb.INTRO, "yes")
    assert "Paul Martin accepte de vous emmener" in albert.last().text
    assert "@paul_r" in albert.last().text
    [need] = await bot.rows("SELECT status, purpose, travel_date, time_mode FROM needs")
    assert need == {
        "status": "matched",
        "purpose": "health",
        "travel_date": "2026-11-24",
        "time_mode": "arrive_before",
    }
    assert albert.callback_answers() == []  # not one button pressed
    words.lines.append(f"  (Paul presses « ✅ J'accepte »)\n  Mobilot: {albert.last().text}")
    bot.assert_clean()
    print(words.text())


async def test_another_place_than_the_territorys_namesake(bot: RunningBot) -> None:
    rose = bot.fake.user(403, "Rose")
    await rose.command("chercher")
    await rose.send("oui")  # the consent before a first need
    await rose.send("Gourdon")
    assert "📍 Départ : Gourdon (46)" in rose.texts_since(0)
    await rose.press_doing(kb.FIND, "other:origin")
    assert "Lequel ?" in rose.last().text
    assert "Gourdon (71)" in rose.buttons()
    await rose.send("celui du 71")
    assert "📍 Départ : Gourdon (71)" in rose.messages()[-2].text
    # Back to the question that was waiting: where to.
    assert "Où voulez-vous aller ?" in rose.last().text


async def test_another_place_said_in_words(bot: RunningBot) -> None:
    rose = bot.fake.user(411, "Rose")
    await rose.command("chercher")
    await rose.send("d'accord")  # the consent before a first need
    await rose.send("de Gourdon")
    assert "Où voulez-vous aller ?" in rose.last().text
    await rose.send("non, pas ce Gourdon")
    assert "Lequel ?" in rose.last().text and "Gourdon (06)" in rose.buttons()
    await rose.send("celui du 06")
    assert "📍 Départ : Gourdon (06)" in rose.messages()[-2].text
    assert "Où voulez-vous aller ?" in rose.last().text
    await rose.send("un autre")  # nothing left to offer: taken as a place, not found
    assert "Je ne trouve pas « un autre »" in rose.last().text


async def test_landmarks_postcodes_and_prepositions_without_a_places_file(
    bot: RunningBot,
) -> None:
    # The test territory has no "hôpital de Gourdon" nor "mairie de Gramat" of its own.
    lise = bot.fake.user(404, "Lise")
    await lise.command("chercher")
    await lise.send("oui")  # the consent before a first need
    await lise.send("au Vigan")
    assert "Le Vigan-en-Quercy (46)" in lise.buttons()
    await lise.send("le premier")
    mark = lise.mark()
    await lise.send("mairie de Gramat")
    assert "🏁 Arrivée : Mairie de Gramat (46)" in lise.texts_since(mark)
    await lise.send("en semaine")
    assert "📅 Jours : du lundi au vendredi" in lise.texts_since(mark)
    await lise.send("à partir de 14h")
    assert "🕘 Départ à partir de 14h00" in lise.texts_since(mark)
    await lise.send("pas de retour")
    await lise.send("des courses")
    await lise.send("un fauteuil roulant")
    assert "♿ Fauteuil roulant" in lise.last().text
    await lise.send("changer l'heure")
    assert "Qu'est-ce qui compte pour vous ?" in lise.last().text
    await lise.send("avant 17h")
    assert "Votre demande" in lise.last().text and "arrivée avant 17h00" in lise.last().text
    await lise.send("oui")
    [need] = await bot.rows("SELECT destination_name, weekdays, at_time, purpose FROM needs")
    assert need["destination_name"] == "Mairie de Gramat"
    assert (need["at_time"], need["purpose"]) == ("17:00", "shopping")

    mark = lise.mark()
    await lise.command("chercher")
    await lise.send("46100")
    assert "📍 Départ : Figeac (46)" in lise.texts_since(mark)


async def test_a_driver_types_every_answer(bot: RunningBot) -> None:
    jo = bot.fake.user(405, "Jo")
    await jo.command("proposer")
    for typed in (
        "oui",
        "de Cahors",
        "vers Figeac",
        "ben comme d'habitude, en semaine",
        "7h30",
        "non",
        "trois places",
        "non",
        "mon téléphone",
        "06 12 34 56 78",
        "oui",
    ):
        await jo.send(typed)
    summary = jo.last().text
    assert "Tout est juste ?" in summary and "3 places" in summary
    await jo.send("oui")
    assert "Trajet enregistré" in jo.last().text
    [trip] = await bot.rows("SELECT weekdays, departure, return_time, seats, note FROM trips")
    assert trip == {
        "weekdays": 0b11111,
        "departure": "07:30",
        "return_time": None,
        "seats": 3,
        "note": None,
    }
    [person] = await bot.rows("SELECT phone, phone_visible FROM people")
    assert person == {"phone": "+33612345678", "phone_visible": 1}


async def test_the_pending_question_comes_back_after_an_aside(bot: RunningBot) -> None:
    ines = bot.fake.user(406, "Inès")
    await ines.command("chercher")
    await ines.send("oui")  # the consent before a first need
    await ines.send("Cahors")
    assert "Où voulez-vous aller ?" in ines.last().text
    for aside in ("aide", "mestrajets", "mesdemandes", "start", "confidentialite"):
        await ines.command(aside)
        assert "Où voulez-vous aller ?" in ines.last().text, aside
        assert "Reprenons là où nous en étions" in ines.messages()[-2].text
    await ines.command("langue")
    await ines.press_doing(kb.LANGUAGE, "en")
    assert "Where do you want to go?" in ines.last().text
    await ines.send("Figeac")
    assert "When?" in ines.last().text


async def test_words_before_any_command_that_say_no_trip(bot: RunningBot) -> None:
    max_ = bot.fake.user(407, "Max")
    await max_.send("je sais pas trop")  # ("bonjour" is greeted back: test_words_understood)
    assert "Cahors demain 9h" in max_.messages()[-2].text
    assert "commandes et des boutons" not in max_.messages()[-2].text
    assert max_.buttons() == [
        "🚗 Je propose un trajet",
        "🙋 Je cherche un trajet",
        "💶 Voir les aides pour se déplacer",
    ]


async def test_in_english_too(bot: RunningBot) -> None:
    kim = bot.fake.user(408, "Kim", language_code="en")
    await kim.send("Figeac tomorrow by 9")
    mark = kim.mark()
    await kim.send("yes")  # the consent before a first need, then the sentence read
    said = kim.texts_since(mark)
    assert "📅 On Tuesday 24 November, tomorrow" in said and "🏁 To: Figeac (46)" in said
    assert "🏁 Arriving by 09:00" in said  # "by 9": the time and "arrive before" at once
    await kim.send("from Cahors")
    assert "And the way back?" in kim.last().text
    await kim.send("no way back")
    assert "What is it for?" in kim.last().text
    await kim.send("a doctor's appointment")
    await kim.send("no")
    await kim.send("yes")
    [need] = await bot.rows("SELECT purpose, time_mode, at_time FROM needs")
    assert need == {"purpose": "health", "time_mode": "arrive_before", "at_time": "09:00"}


async def test_a_driver_answers_a_request_in_words(bot: RunningBot) -> None:
    jean = await driver(bot, 409, "Jean", username="jean_m")
    rose = bot.fake.user(410, "Rose", username="rose_v")
    await rose.send("figeac mardi avant 9h")
    await rose.send("oui")  # the consent before a first need
    await rose.send("depuis Cahors")
    await rose.send("pas de retour")
    await rose.send("santé")
    await rose.send("rien")
    await rose.send("oui")
    await rose.send("le premier")
    assert "Rose aimerait faire la route avec vous" in jean.last().text
    await jean.send("oui")
    assert "✅ Vous avez accepté." in jean.messages()[-2].text
    assert "Voici comment joindre Rose" in jean.last().text
    assert "Jean Martin accepte de vous emmener" in rose.last().text
    [intro] = await bot.rows("SELECT status FROM introductions")
    assert intro["status"] == "accepted"
    await jean.send("oui")  # nothing waits for an answer any more
    assert "Cahors demain 9h" in jean.messages()[-2].text

    await bot.run_until(paris(TUESDAY + timedelta(days=1), 10, 30))  # the day after the ride
    assert "a-t-il eu lieu ?" in rose.last().text
    await rose.send("oui merci")
    assert rose.last().text.startswith("Merci ! Ravi que cela ait marché.")
    [intro] = await bot.rows("SELECT ride_outcome FROM introductions")
    assert intro["ride_outcome"] == "happened"


async def test_a_driver_says_the_trip_still_runs_in_words(bot: RunningBot) -> None:
    jean = await driver(bot, 411, "Jean")
    await bot.run_until(paris(date(2026, 12, 21), 10))
    assert jean.last().text.startswith("🚗 Votre trajet a-t-il toujours lieu ?")
    await jean.send("oui toujours")
    assert jean.last().text.startswith("✅ Merci ! Le trajet reste proposé")
    [trip] = await bot.rows("SELECT status, confirmed_at FROM trips")
    assert trip["status"] == "active" and trip["confirmed_at"] is not None


async def test_a_namesake_in_a_sentence_can_be_changed_too(bot: RunningBot) -> None:
    leo = bot.fake.user(412, "Léo")
    await leo.send("gourdon demain 10h")
    assert "Êtes-vous d'accord ?" in leo.last().text  # the consent first
    await leo.send("oui")
    assert any("autres lieux possibles" in text for text in leo.texts_since(0))
    await leo.send("un autre Gourdon")
    await leo.send("Gourdon (07)")
    assert "🏁 Arrivée : Gourdon (07)" in leo.texts_since(0)
    assert "D'où partez-vous ?" in leo.last().text  # the question that was waiting


async def test_a_language_said_in_words(bot: RunningBot) -> None:
    ann = bot.fake.user(413, "Ann")
    await ann.send("English please")
    assert ann.last().text == "Done, I will speak English with you from now on. 🇬🇧"
    await ann.send("en français")
    assert "je vous parle désormais en français" in ann.last().text
