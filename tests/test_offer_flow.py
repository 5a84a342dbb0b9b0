"""End to end: drivers register their regular trips by chatting with the bot."""

from __future__ import annotations

import asyncio

from handlers import keyboards as kb
from tests.conftest import RunningBot
from tests.fakebot import FakeUser
from tests.setups import reads


async def test_full_registration_in_french(bot: RunningBot) -> None:
    jeanne = bot.fake.user(
        101, "Jeanne", last_name="Martin", username="jeanne_m", language_code="fr"
    )
    await jeanne.command("start")
    assert jeanne.messages()[0].text.startswith("Bonjour Jeanne !")
    assert jeanne.buttons() == [
        "🚗 Je propose un trajet",
        "🙋 Je cherche un trajet",
        "💶 Voir les aides pour se déplacer",
    ]

    await jeanne.press_doing(kb.START, "offer")
    assert "Avant votre premier trajet" in jeanne.last().text
    await jeanne.press_doing(kb.OFFER, "consent:yes")
    assert "D'où partez-vous ?" in jeanne.last().text
    keyboard = jeanne.reply_keyboard()
    assert keyboard and keyboard[0]["request_location"] is True

    mark = jeanne.mark()
    await jeanne.send("cahors")
    assert jeanne.texts_since(mark)[0] == "📍 Départ : Cahors (46)"
    assert "Où allez-vous ?" in jeanne.last().text
    await jeanne.send("FIGEAC")
    assert "chaque semaine, ou une seule fois ?" in jeanne.last().text
    await jeanne.press_doing(kb.OFFER, "often:weekly")
    assert "Quels jours" in jeanne.last().text
    assert jeanne.buttons()[:4] == ["lun.", "mar.", "mer.", "jeu."]
    await jeanne.press_doing(kb.OFFER, "day:0")
    await jeanne.press_doing(kb.OFFER, "day:2")
    assert jeanne.buttons()[:3] == ["✅ lun.", "mar.", "✅ mer."]  # the keyboard toggles in place
    await jeanne.press_doing(kb.OFFER, "day:4")
    await jeanne.press_doing(kb.OFFER, "days:ok")
    assert "📅 Jours : lundi, mercredi et vendredi" in jeanne.texts_since(mark)
    await jeanne.send("7h30")
    assert "Revenez-vous le même jour ?" in jeanne.last().text
    await jeanne.send("17:45")
    await jeanne.press_doing(kb.OFFER, "seats:3")
    assert "Un mot pour les passagers" in jeanne.last().text
    await jeanne.send("Je passe par Gramat, <pas d'animaux> & merci")
    assert "Comment les passagers pourront-ils vous joindre ?" in jeanne.last().text
    assert "@jeanne_m" in jeanne.last().text
    await jeanne.press_doing(kb.OFFER, "contact:phone")
    keyboard = jeanne.reply_keyboard()
    assert keyboard and keyboard[0]["request_contact"] is True
    await jeanne.send_contact("33612345678")
    assert "Montrer le 06 12 34 56 78" in jeanne.last().text
    await jeanne.press_doing(kb.OFFER, "show:yes")

    summary = jeanne.last().text
    assert "🚗 Cahors (46) → Figeac (46)" in summary
    assert "lundi, mercredi et vendredi, départ à 7h30, retour à 17h45" in summary
    assert "💺 3 places" in summary
    assert "« Je passe par Gramat, <pas d'animaux> & merci »" in summary
    assert "@jeanne_m et téléphone 06 12 34 56 78" in summary
    await jeanne.press_doing(kb.OFFER, "confirm")
    assert "Trajet enregistré !" in jeanne.last().text

    [trip] = await bot.rows("SELECT * FROM trips")
    assert (trip["origin_name"], trip["destination_name"]) == ("Cahors", "Figeac")
    assert trip["weekdays"] == 0b10101 and trip["status"] == "active"
    assert (trip["departure"], trip["return_time"], trip["seats"]) == ("07:30", "17:45", 3)
    assert trip["note"] == "Je passe par Gramat, <pas d'animaux> & merci"
    [person] = await bot.rows("SELECT * FROM people")
    assert person["display_name"] == "Jeanne Martin" and person["telegram_user_id"] == 101
    assert person["phone"] == "+33612345678" and person["phone_visible"] == 1
    assert person["privacy_accepted_at"] and person["phone_consent_at"]
    assert await bot.rows("SELECT * FROM conversation_states") == []
    bot.assert_clean()


async def test_full_registration_in_english_with_a_shared_location(bot: RunningBot) -> None:
    tom = bot.fake.user(102, "Tom", language_code="en-GB")  # no username
    await tom.command("offer")
    assert "Before your first trip" in tom.last().text
    await tom.press_doing(kb.OFFER, "consent:yes")
    mark = tom.mark()
    await tom.send_location(44.7797, 1.7193)  # in Gramat
    assert tom.texts_since(mark)[0] == "📍 From: near Gramat"
    await tom.send("rocamadour")
    await tom.send("Monday to Friday")
    assert "📅 Days: Monday to Friday" in tom.texts_since(mark)
    await tom.send("7:30 am")
    await tom.press_doing(kb.OFFER, "noreturn")
    await tom.send("2")
    await tom.press_doing(kb.OFFER, "skipnote")
    assert "Depending on your Telegram settings, that link may not be enough" in tom.last().text
    await tom.press_doing(kb.OFFER, "contact:tg")
    summary = tom.last().text
    assert "🚗 near Gramat → Rocamadour (46)" in summary
    assert "Monday to Friday, leaving at 07:30, no return" in summary
    assert "💺 2 seats" in summary and reads(bot, "trip.no_note", "en") in summary
    assert "Telegram only: your Telegram profile" in summary
    await tom.press_doing(kb.OFFER, "confirm")
    assert "Trip saved!" in tom.last().text

    [trip] = await bot.rows("SELECT * FROM trips")
    assert trip["origin_id"] == "point:44.7797,1.7193" or trip["origin_id"].startswith("point:")
    assert (round(trip["origin_lat"], 4), round(trip["origin_lon"], 4)) == (44.7797, 1.7193)
    assert trip["destination_name"] == "Rocamadour" and trip["return_time"] is None
    [person] = await bot.rows("SELECT language, phone, phone_visible FROM people")
    assert person == {"language": "en", "phone": None, "phone_visible": 0}
    bot.assert_clean()


async def test_correction_at_the_summary(bot: RunningBot) -> None:
    paul = bot.fake.user(103, "Paul", username="paul")
    await register_trip_until_summary(paul)
    await paul.press_doing(kb.OFFER, "edit:time")
    assert "À quelle heure partez-vous ?" in paul.last().text
    await paul.send("8h")
    assert "départ à 8h00" in paul.last().text  # straight back to the summary
    await paul.press_doing(kb.OFFER, "edit:destination")
    await paul.send("Gramat")
    assert "Cahors (46) → Gramat (46)" in paul.last().text
    await paul.press_doing(kb.OFFER, "edit:return")
    await paul.send("7h")  # before the departure
    assert "Le retour doit être après le départ (8h00)" in paul.last().text
    await paul.send("18h")
    await paul.press_doing(kb.OFFER, "edit:seats")
    await paul.press_doing(kb.OFFER, "seats:1")
    summary = paul.last().text
    assert "départ à 8h00, retour à 18h00" in summary and "💺 1 place" in summary
    await paul.press_doing(kb.OFFER, "confirm")
    [trip] = await bot.rows("SELECT destination_name, departure, return_time, seats FROM trips")
    assert trip == {
        "destination_name": "Gramat",
        "departure": "08:00",
        "return_time": "18:00",
        "seats": 1,
    }
    bot.assert_clean()


async def register_trip_until_summary(user: FakeUser) -> None:
    await user.command("proposer")
    await user.press_doing(kb.OFFER, "consent:yes")
    await user.send("Cahors")
    await user.send("Figeac")
    await user.press_doing(kb.OFFER, "often:weekly")
    await user.press_doing(kb.OFFER, "days:work")
    await user.press_doing(kb.OFFER, "days:ok")
    await user.send("7h30")
    await user.press_doing(kb.OFFER, "noreturn")
    await user.press_doing(kb.OFFER, "seats:3")
    await user.press_doing(kb.OFFER, "skipnote")
    await user.press_doing(kb.OFFER, "contact:tg")
    assert "Tout est juste ?" in user.last().text


async def test_wrong_input_at_every_step(bot: RunningBot) -> None:
    anne = bot.fake.user(104, "Anne")
    await anne.command("proposer")
    # Consent: words that say neither yes nor no, where buttons are offered.
    await anne.send("peut-être")
    assert "Je n'ai pas compris « peut-être »" in anne.messages()[-2].text
    assert anne.buttons() == ["✅ J'accepte", "Non merci"]
    await anne.press_doing(kb.OFFER, "consent:yes")

    # Origin: a sticker, nonsense, 5,000 characters, a typo, a homonym.
    await anne.send_sticker()
    assert (
        "Joli autocollant" in anne.messages()[-2].text
        or "tapez un nom de commune" in anne.messages()[-2].text
    )
    assert "D'où partez-vous ?" in anne.last().text
    await anne.send("zzzzqqq")
    assert "Je ne trouve pas « zzzzqqq »" in anne.last().text
    await anne.send("x" * 5000)  # 4,096 then the rest, as Telegram's apps send it
    assert "trop long pour un nom de lieu" in anne.messages()[-2].text
    await anne.send("Cahor")
    assert "Vouliez-vous dire" in anne.last().text
    assert "Cahors (46)" in anne.buttons()
    suggestions = anne.last()
    old_pick_button = suggestions.button("Cahors (46)")
    assert old_pick_button is not None
    old_pick = old_pick_button["callback_data"]
    await anne.press_doing(kb.OFFER, "pick", naming="Cahors (46)")
    assert anne.buttons(suggestions) == []  # answered: its buttons are gone

    # Destination: the same place, then a homonym to choose.
    await anne.send("Cahors")
    assert "Le départ et l'arrivée sont le même lieu" in anne.last().text
    await anne.send("Beaumont")
    assert "Plusieurs lieux s'appellent « Beaumont »" in anne.last().text
    choices = anne.buttons()
    assert len(choices) > 2 and choices[-1] == reads(bot, "button.none_of_these")
    await anne.press_doing(kb.OFFER, "retype")
    assert "Où allez-vous ?" in anne.last().text
    await anne.send("Figeac")

    # An old button from an earlier question (a client that still shows it).
    await anne.press_data(old_pick, message=suggestions)
    assert "Ce bouton répond à une question précédente" in anne.messages()[-2].text
    assert "chaque semaine, ou une seule fois ?" in anne.last().text
    await anne.press_doing(kb.OFFER, "often:weekly")
    assert "Quels jours" in anne.last().text

    # Days: none chosen, words that are not days, a photo.
    await anne.press_doing(kb.OFFER, "days:ok")
    assert anne.callback_answers()[-1]["text"] == reads(bot, "steps.days_empty")
    await anne.send("demain")
    assert "Je n'ai pas compris « demain » comme des jours" in anne.last().text
    await anne.send_photo()
    assert "Je ne peux pas regarder les photos" in anne.messages()[-2].text
    await anne.send("lundi et jeudi")

    # Time: nonsense, an impossible time, a sticker.
    for wrong in ("25h99", "demain", "bientôt"):
        await anne.send(wrong)
        assert f"Je n'ai pas compris « {wrong} » comme une heure" in anne.last().text
    await anne.send_sticker()
    assert "À quelle heure partez-vous ?" in anne.last().text
    await anne.send("7h30")

    # Return: before the departure.
    await anne.send("6h")
    assert "Le retour doit être après le départ (7h30)" in anne.last().text
    await anne.send("17h")

    # Seats: zero, too many, words.
    for wrong in ("0", "12", "beaucoup"):
        await anne.send(wrong)
        assert "entre 1 et 8" in anne.last().text
    await anne.send("2")

    # Note: far too long, then a voice message.
    await anne.send("bla " * 100)
    assert "Ce message fait 400 caractères : 300 au plus" in anne.last().text
    await anne.send_voice()
    assert "Je ne peux pas écouter les messages vocaux" in anne.messages()[-2].text
    await anne.send("Départ place de la mairie")

    # Contact: words that are no answer; someone else's contact; a typed number.
    await anne.send("bof")
    assert "Je n'ai pas compris « bof »" in anne.messages()[-2].text
    await anne.send("téléphone")
    await anne.send_contact("33699999999", own=False, first_name="Voisin")
    assert "Ce numéro n'est pas le vôtre" in anne.last().text
    await anne.send("06 12 34 56 78")
    assert "Montrer le 06 12 34 56 78" in anne.last().text
    await anne.send("non")
    assert "Tout est juste ?" in anne.last().text

    # Summary: a photo, then confirm.
    await anne.send_photo()
    assert "Tout est juste ?" in anne.last().text
    await anne.press_doing(kb.OFFER, "confirm")
    [trip] = await bot.rows("SELECT * FROM trips")
    assert (trip["origin_name"], trip["destination_name"], trip["weekdays"]) == (
        "Cahors",
        "Figeac",
        0b1001,
    )
    assert (trip["departure"], trip["return_time"], trip["seats"]) == ("07:30", "17:00", 2)
    assert trip["note"] == "Départ place de la mairie"
    [person] = await bot.rows("SELECT phone FROM people")
    assert person["phone"] is None  # someone else's number was never kept
    bot.assert_clean()


async def test_cancel_midway_and_old_buttons_afterwards(bot: RunningBot) -> None:
    marc = bot.fake.user(105, "Marc")
    await marc.command("proposer")
    await marc.press_doing(kb.OFFER, "consent:yes")
    await marc.send("Cajarc")
    await marc.send("Figeac")
    await marc.press_doing(kb.OFFER, "often:weekly")
    days_question = marc.last()
    await marc.command("annuler")
    assert "C'est arrêté : rien n'a été enregistré" in marc.last().text
    assert await bot.rows("SELECT * FROM trips") == []
    assert await bot.rows("SELECT * FROM conversation_states") == []

    await marc.press_doing(kb.OFFER, "day:0", message=days_question)
    assert marc.callback_answers()[-1]["text"].startswith("Ce bouton ne sert plus")
    assert marc.callback_answers()[-1]["show_alert"] is True
    await marc.command("annuler")
    assert "Il n'y a rien en cours à annuler" in marc.last().text

    # A new registration does not ask for consent again.
    await marc.command("proposer")
    assert "D'où partez-vous ?" in marc.last().text
    await marc.press_doing(
        kb.OFFER, "day:0", message=days_question
    )  # still stale: it belongs to the old one
    assert marc.callback_answers()[-1]["text"].startswith("Ce bouton ne sert plus")
    bot.assert_clean()


async def test_refusing_the_privacy_notice_registers_nothing(bot: RunningBot) -> None:
    lea = bot.fake.user(106, "Léa")
    await lea.command("proposer")
    await lea.press_doing(kb.OFFER, "consent:no")
    assert "aucun trajet n'est enregistré" in lea.last().text
    await lea.send("Cahors")  # the conversation is over: no question is pending
    assert "Je n'ai pas compris" in lea.messages()[-2].text
    [person] = await bot.rows("SELECT privacy_accepted_at FROM people")
    assert person["privacy_accepted_at"] is None
    bot.assert_clean()


async def test_a_restart_in_the_middle_loses_nothing(bot: RunningBot) -> None:
    rose = bot.fake.user(107, "Rose")
    await rose.command("proposer")
    await rose.press_doing(kb.OFFER, "consent:yes")
    await rose.send("Lacapelle-Marival")
    await rose.send("Figeac")
    await rose.press_doing(kb.OFFER, "often:weekly")
    await rose.press_doing(kb.OFFER, "day:1")
    await rose.press_doing(kb.OFFER, "day:3")
    await bot.crash_and_restart()  # the toggled days are kept too
    await rose.press_doing(kb.OFFER, "days:ok")
    assert "📅 Jours : mardi et jeudi" in rose.messages()[-2].text
    await rose.send("8h15")
    await bot.restart()  # and a clean restart
    await rose.press_doing(kb.OFFER, "noreturn")
    await rose.press_doing(kb.OFFER, "seats:4")
    await rose.press_doing(kb.OFFER, "skipnote")
    await rose.press_doing(kb.OFFER, "contact:tg")
    assert "Lacapelle-Marival (46) → Figeac (46)" in rose.last().text
    await rose.press_doing(kb.OFFER, "confirm")
    [trip] = await bot.rows("SELECT origin_name, weekdays, departure, seats FROM trips")
    assert trip == {
        "origin_name": "Lacapelle-Marival",
        "weekdays": 0b1010,
        "departure": "08:15",
        "seats": 4,
    }
    bot.assert_clean()


async def test_two_drivers_at_once_do_not_mix(bot: RunningBot) -> None:
    a, b = bot.fake.user(108, "Alain"), bot.fake.user(109, "Béa")
    await a.command("proposer")
    await b.command("proposer")
    await a.press_doing(kb.OFFER, "consent:yes")
    await b.press_doing(kb.OFFER, "consent:yes")
    await a.send("Cahors")
    await b.send("Figeac")
    await a.send("Cajarc")
    await b.send("Gramat")
    assert "📍 Départ : Cahors (46)" in a.texts_since(0)
    assert "📍 Départ : Figeac (46)" in b.texts_since(0)
    assert "🏁 Arrivée : Gramat (46)" in b.texts_since(0)
    bot.assert_clean()


async def test_the_territory_comes_first_among_similar_names(bot: RunningBot) -> None:
    eli = bot.fake.user(110, "Éli")
    await eli.command("proposer")
    await eli.press_doing(kb.OFFER, "consent:yes")
    for typed, first in (
        ("lacapelle", "Lacapelle-Marival (46)"),
        ("St Cirq", "Saint-Cirq-Lapopie (46)"),
        ("le vigan", "Le Vigan-en-Quercy (46)"),
    ):
        await eli.send(typed)
        assert eli.buttons()[0] == first, (typed, eli.buttons())
        await eli.press_doing(kb.OFFER, "retype")
    await eli.send("hôpital")
    assert "Centre hospitalier de Cahors" in " ".join(eli.buttons()[:3]), eli.buttons()
    bot.assert_clean()


async def test_a_double_tap_on_the_menu_asks_once(bot: RunningBot) -> None:
    """Both presses leave before the first is answered (the menu still has its buttons in
    each): one consent question, whose buttons work."""
    lea = bot.fake.user(131, "Léa")
    await lea.command("start")
    menu = lea.last()
    mark = lea.mark()
    await asyncio.gather(
        lea.press_doing(kb.START, "offer", message=menu),
        lea.press_doing(kb.START, "offer", message=menu),
    )
    asked = [text for text in lea.texts_since(mark) if "Avant votre premier trajet" in text]
    assert len(asked) == 1
    assert menu.buttons == []
    # Once more on the same message, its buttons gone: still the one question.
    await lea.press_data("st:offer", message=menu)
    assert len(lea.messages()) == mark + 1
    await lea.press_doing(kb.OFFER, "consent:yes")
    assert "D'où partez-vous ?" in lea.last().text
    assert all(answer["text"] is None for answer in lea.callback_answers())
    bot.assert_clean()
