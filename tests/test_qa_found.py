"""What a second pair of eyes found by playing each kind of user (QA pass, 7 December), each
fixed with the test that shows it: the team's volunteer file, a volunteer and an older
passenger who only text."""

from __future__ import annotations

from pathlib import Path

import pytest

from bot.places.gazetteer import Gazetteer
from handlers import keyboards as kb
from handlers.volunteers import FILE as VOLUNTEER_FILE
from tests.conftest import RunningBot
from tests.phones import TextingBot
from tests.setups import describe_need, driver, reads, team
from tests.test_sms_channel import welcome
from tests.test_volunteers import ALLOWANCE_RATE, person_id, volunteer, write_file

GERMAINE = "06 11 22 33 44"
RENE = "06 22 33 44 55"


@pytest.fixture
async def texting(tmp_path: Path, gazetteer: Gazetteer) -> TextingBot:
    running = TextingBot(tmp_path, gazetteer, tus_eur_per_km=ALLOWANCE_RATE)
    await running.start()
    return running


async def test_a_file_with_one_seat_and_an_insurance_to_the_first_reads_right(
    tus_bot: RunningBot,
) -> None:
    bot = tus_bot
    try:
        olga, _, _ = team(bot)
        bruno = await volunteer(bot, 602, "Bruno", "Cahors")
        number = await person_id(bot, bruno.id)
        await bot.operators.command(
            olga, "fiche", f"{number} permis oui assurance 01/01/2028 places 1"
        )
        card = bot.operators.last().text
        # Was "Assurance jusqu'au 1 janvier 2028" and "🚗 1 places".
        assert "🛡 Assurance jusqu'au 1er janvier 2028" in card
        assert "🚗 1 place · fauteuil roulant : Non" in card
        await bot.operators.command(
            olga, "fiche", f"{number} permis oui assurance 31/12/2027 places 3"
        )
        card = bot.operators.last().text
        assert "Assurance jusqu'au 31 décembre 2027" in card and "🚗 3 places ·" in card
        bot.assert_clean()
    finally:
        await bot.stop()


async def test_checking_a_file_the_volunteer_cannot_drive_with_says_so(
    tus_bot: RunningBot,
) -> None:
    bot = tus_bot
    try:
        olga, _, _ = team(bot)
        bruno = await volunteer(bot, 602, "Bruno", "Cahors")
        number = await person_id(bot, bruno.id)
        # The licence not seen: checked, but not "may now be offered" (it was told so).
        await bot.operators.command(olga, "fiche", f"{number} permis non assurance 31/12/2027")
        await bot.operators.press_doing(olga, VOLUNTEER_FILE, "check")
        assert olga.callback_answers()[-1]["text"] == (reads(bot, "qa.checked_no_licence"))
        # The insurance ended last week (today is 23 November 2026).
        await bot.operators.command(olga, "fiche", f"{number} permis oui assurance 20/11/2026")
        await bot.operators.press_doing(olga, VOLUNTEER_FILE, "check")
        assert olga.callback_answers()[-1]["text"] == (reads(bot, "qa.checked_insurance_over"))
        await bot.operators.command(olga, "fiche", f"{number} permis oui assurance 31/12/2027")
        await bot.operators.press_doing(olga, VOLUNTEER_FILE, "check")
        assert olga.callback_answers()[-1]["text"] == (reads(bot, "volunteers.checked"))
        bot.assert_clean()
    finally:
        await bot.stop()


async def test_a_volunteer_who_texts_is_never_told_to_press_a_button(texting: TextingBot) -> None:
    bot = texting
    try:
        got = await welcome(bot, RENE, "benevole", "rene vidal")
        assert "Où habitez-vous" in got[-1]
        await bot.text(RENE, "Lalbenque")
        # Each text is checked by bot.text: no "appuyez", "tapez" or "bouton" on a simple phone.
        got = await bot.text(RENE, "quand je peux")
        assert got[-1] == (  # the days written, not numbered: several cannot be one number
            'Je n\'ai pas compris "quand je peux" comme des jours. Ecrivez par exemple'
            ' "lundi mercredi" ou "en semaine".'
        )
        for said in ("lundi", "1", "2", "non"):
            got = await bot.text(RENE, said)
        assert "C'est juste ? Répondez OUI" in got[-1]
        got = await bot.text(RENE, "non")  # "not right": what to change?
        assert got[-1].startswith("Que faut-il corriger ? Répondez avec un numéro de la liste.")
        got = await bot.text(RENE, "oui")
        assert "C'est noté, merci" in got[-1]
        bot.assert_clean()
    finally:
        await bot.stop()


async def test_an_older_passenger_who_says_merci_is_asked_oui_or_non_again(
    texting: TextingBot,
) -> None:
    bot = texting
    try:
        await driver(bot, 301, "Jeanne", username="jeanne_m")
        await welcome(bot, GERMAINE, "figeac demain 9h", "germaine vidal")
        await bot.text(GERMAINE, "Cahors")
        await bot.text(GERMAINE, "2")
        await bot.text(GERMAINE, "1")  # no way back
        [offered] = await bot.text(GERMAINE, "oui")
        assert "Jeanne M." in offered and offered.endswith("Répondez OUI ou NON")
        # Was "Répondez avec le numéro du conducteur choisi.", when no number was shown.
        assert await bot.text(GERMAINE, "merci") == [
            "Je n'ai pas compris. Je demande à ce conducteur ? Répondez OUI ou NON"
        ]
        assert await bot.text(GERMAINE, "oui") == [
            "J'ai demandé à Jeanne M., je vous écris dès sa réponse."
        ]
        bot.assert_clean()
    finally:
        await bot.stop()


async def test_a_thank_you_with_a_smiley_does_not_start_a_new_search(texting: TextingBot) -> None:
    bot = texting
    try:
        await welcome(bot, GERMAINE, "figeac demain 9h", "germaine vidal")
        await bot.text(GERMAINE, "Cahors")
        await bot.text(GERMAINE, "2")
        await bot.text(GERMAINE, "1")  # no way back
        assert "Pas de conducteur" in (await bot.text(GERMAINE, "oui"))[-1]
        # Was "Cherchons un conducteur. ANNULER pour arreter. D'où partez-vous ?"
        assert await bot.text(GERMAINE, "Merci beaucoup 😊") == [
            "Avec plaisir ! Ecrivez AIDE si besoin."
        ]
        assert await bot.text(GERMAINE, "merci !") == ["Avec plaisir ! Ecrivez AIDE si besoin."]
        bot.assert_clean()
    finally:
        await bot.stop()


async def test_a_volunteer_who_texts_benevole_is_welcomed_as_a_driver(texting: TextingBot) -> None:
    bot = texting
    try:
        # Was the passengers' welcome: "... le donnons au conducteur qui vous prend", then a
        # second consent after the name.
        [welcomed] = await bot.text(RENE, "benevole")
        assert welcomed.startswith(
            "Bonjour, ici Mobilot. Nous gardons votre nom, votre numéro et vos trajets"
        )
        assert "conducteur qui vous prend" not in welcomed
        await bot.text(RENE, "oui")
        got = await bot.text(RENE, "rene vidal")
        assert "Merci Rene" in got[-1] and "Où habitez-vous ?" in got[-1]
        bot.assert_clean()
    finally:
        await bot.stop()


async def test_a_texter_asked_to_agree_to_a_search_reads_it_in_two_texts_without_commands(
    texting: TextingBot,
) -> None:
    bot = texting
    try:
        # Someone who came to drive agreed to keep their trips, not their needs: when their
        # words start a search, the search's own consent is asked, by SMS.
        await welcome(bot, RENE, "benevole", "rene vidal")
        await bot.text(RENE, "annuler")
        # Each text is checked by bot.text: GSM-7, two segments at most, no "/confidentialite".
        [asked] = await bot.text(RENE, "peut-etre")
        assert asked.startswith("Mobilot garde votre demande (motif, besoins si vous voulez)")
        assert "1 J'accepte\n2 Oui, sans motif ni aide\n3 Non merci" in asked
        assert await bot.text(RENE, "3") == [
            "C'est noté : rien n'est enregistré. Ecrivez-nous quand vous voulez, par ex. :"
            " cahors demain 9h."
        ]
        bot.assert_clean()
    finally:
        await bot.stop()


async def test_a_volunteer_asked_by_sms_who_answers_unclearly_is_asked_oui_or_non_again(
    texting: TextingBot,
) -> None:
    bot = texting
    try:
        olga, _, _ = team(bot)
        await welcome(bot, RENE, "benevole", "rene vidal")
        for said in ("Lalbenque", "mardi", "1", "2", "non", "oui"):
            await bot.text(RENE, said)
        [row] = await bot.rows("SELECT person_id FROM volunteers")
        await write_file(bot, olga, row["person_id"], "31/12/2027")
        marie = bot.fake.user(610, "Marie", last_name="Delpech", username="marie_d")
        await describe_need(marie, origin="Lalbenque", destination="Cahors", when="mardi")
        await marie.press_doing(kb.NEED, "ask", naming="Rene V.")
        [asked] = bot.inbox(RENE)
        assert asked.endswith("Pouvez-vous ?\nRépondez OUI ou NON")
        # Was the start of a passenger's search (its consent), which then took his NON.
        assert await bot.text(RENE, "peut-etre") == [
            "Je n'ai pas compris. Une demande de trajet attend votre réponse : pouvez-vous ?"
            " Répondez OUI ou NON"
        ]
        assert await bot.text(RENE, "non") == ["Vous avez décliné."]
        assert any("Rene V. ne peut pas cette fois" in m.text for m in marie.messages())
        bot.assert_clean()
    finally:
        await bot.stop()


async def test_a_driver_who_types_a_number_of_seats_is_not_sent_looking_for_a_ride(
    tus_bot: RunningBot,
) -> None:
    from tests.test_careful_seats import two_passengers_on_two_seats

    bot = tus_bot
    try:
        jean, _, _ = await two_passengers_on_two_seats(bot)
        await jean.command("mestrajets")
        await jean.press_doing(kb.TRIP, "seats")
        mark = jean.mark()
        # He types the number instead of touching it. Was a passenger's search "for Tuesday
        # 1 December", starting with its whole consent text.
        await jean.send("1")
        said = "\n".join(jean.texts_since(mark))
        assert "Cherchons un conducteur" not in said and "Avant de chercher" not in said
        assert "Je n'ai pas compris" in said
        [trip] = await bot.rows("SELECT seats FROM trips WHERE driver_id = 1")
        assert trip["seats"] == 2
        bot.assert_clean()
    finally:
        await bot.stop()


async def test_an_old_call_off_button_calls_nobody_off_once_the_seats_are_lowered(
    tus_bot: RunningBot,
) -> None:
    from tests.test_careful_seats import two_passengers_on_two_seats

    bot = tus_bot
    try:
        jean, marie, lou = await two_passengers_on_two_seats(bot)
        await jean.command("mestrajets")
        await jean.press_doing(kb.TRIP, "seats")
        await jean.press_doing(kb.TRIP, "seats:1")
        question = jean.last()
        lou_button = question.button("❌ Ne plus prendre Lou G.")
        keep_button = question.button("💺 Garder 2 places")
        assert lou_button is not None and keep_button is not None
        await jean.press_doing(kb.TRIP, "seatsoff", naming="Marie D.")
        assert "💺 C'est noté : 1 place pour ce trajet." in jean.last().text  # was "1 place(s)"
        mark = lou.mark()
        # The question's old buttons, pressed again (a double tap, a scroll up).
        await jean.press_data(lou_button["callback_data"], message=question)
        assert jean.callback_answers()[-1]["text"] == (reads(bot, "common.old_button"))
        assert lou.texts_since(mark) == []  # was told Jean no longer takes her
        listed_mark = jean.mark()
        await jean.command("mestrajets")
        assert "Lou Garric" in "\n".join(jean.texts_since(listed_mark))
        await jean.press_data(keep_button["callback_data"], message=question)
        assert "vous gardez 1 place. Personne" in jean.last().text  # was "1 places"
        # Keeping rewrites the message as it already reads: Telegram's "not modified",
        # which handlers/replies.py edit() expects and ignores.
        assert all("not modified" in e.description for e in bot.fake.errors)
        assert bot.fake.exceptions == []
    finally:
        await bot.stop()


@pytest.mark.parametrize("seats", ["99", "0", "-1", "trois"])
async def test_a_file_with_a_wrong_number_of_seats_says_from_1_to_8(
    tus_bot: RunningBot, seats: str
) -> None:
    bot = tus_bot
    try:
        olga, _, _ = team(bot)
        bruno = await volunteer(bot, 602, "Bruno", "Cahors")
        number = await person_id(bot, bruno.id)
        await bot.operators.command(
            olga, "fiche", f"{number} permis oui assurance 31/12/2027 places {seats}"
        )
        # Was "Je n'ai pas compris « 99 ». Mots possibles : permis, assurance, places…"
        assert bot.operators.last().text == (
            f"Le nombre de places va de 1 à 8 : « {seats} » ne convient pas. Par exemple : places 3"
        )
        [row] = await bot.rows("SELECT seats FROM volunteers")
        assert row["seats"] is None  # nothing written
        bot.assert_clean()
    finally:
        await bot.stop()
