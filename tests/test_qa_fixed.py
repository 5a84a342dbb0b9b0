"""The QA pass's findings (7 December) that were left open, each fixed with the test that
shows it: forgetting by SMS, a partial /fiche, /sms for someone who texted STOP, the team's
post for a need registered by SMS, and a driver's unclear words while a request waits."""

from __future__ import annotations

from handlers import keyboards as kb
from tests.conftest import RunningBot
from tests.phones import NUMBER, TextingBot
from tests.setups import describe_need, driver, reads, team
from tests.test_privacy import registered_by_phone
from tests.test_sms_channel import welcome
from tests.test_volunteers import person_id, volunteer

MARIE = "06 12 34 56 78"
YVETTE = "06 98 76 54 32"


# 1. OUBLIER by SMS.


async def test_oublier_by_sms_asks_oui_then_erases_everything(texting: TextingBot) -> None:
    bot = texting
    await welcome(bot, MARIE, "figeac mardi 9h", "Marie Dupont")
    for words in ("Cahors", "2", "1", "oui"):
        await bot.text(MARIE, words)
    # Was a new search ("oublier") or a place ("effacer mes données").
    asked = await bot.text(MARIE, "effacer mes données")
    assert asked == [
        "Tout effacer ? Votre nom, votre numéro, vos trajets et vos demandes.\nRépondez OUI ou NON"
    ]
    assert await bot.text(MARIE, "non") == ["Rien n'a été effacé."]
    [kept] = await bot.rows("SELECT display_name FROM people WHERE phone IS NOT NULL")
    assert kept == {"display_name": "Marie Dupont"}
    assert await bot.text(MARIE, "OUBLIER") == asked
    assert await bot.text(MARIE, "oui") == [
        "C'est fait, tout est effacé. Mobilot ne vous écrira plus, sauf si vous lui écrivez."
    ]
    assert await bot.rows("SELECT id FROM people WHERE phone IS NOT NULL") == []
    assert await bot.rows("SELECT id FROM people WHERE display_name = 'Marie Dupont'") == []
    [need] = await bot.rows("SELECT status FROM needs")
    assert need == {"status": "cancelled"}
    # Texting again is a first time: the agreement is asked again.
    assert (await bot.text(MARIE, "bonjour"))[-1].endswith("D'accord ?\nRépondez OUI ou NON")
    bot.assert_clean()


async def test_forget_by_sms_in_the_middle_of_a_question_is_asked_too(
    texting: TextingBot,
) -> None:
    bot = texting
    got = await welcome(bot, MARIE, "figeac mardi 9h", "Marie Dupont")
    assert "D'où partez-vous ?" in got[-1]
    got = await bot.text(MARIE, "forget me")
    assert got[-1].startswith("Tout effacer ?") and got[-1].endswith("Répondez OUI ou NON")
    assert await bot.text(MARIE, "non") == [
        "Rien n'a été effacé.\nReprenons :\nD'où partez-vous ? Ecrivez la commune."
    ]


# 2. A partial /fiche keeps what it does not say.


async def test_a_partial_file_keeps_the_fields_it_does_not_say(tus_bot: RunningBot) -> None:
    bot = tus_bot
    olga, _, _ = team(bot)
    bruno = await volunteer(bot, 602, "Bruno", "Cahors")
    number = await person_id(bot, bruno.id)
    await bot.operators.command(olga, "fiche", f"{number} permis oui assurance 01/01/2028")
    assert "Il faut au moins le permis" not in bot.operators.last().text
    await bot.operators.command(
        olga, "fiche", f"{number} permis oui assurance 31/12/2027 places 3 deambulateur oui"
    )
    assert "🚗 3 places" in bot.operators.last().text
    # A new insurance date only: was reset to 1 place and no walking frame.
    await bot.operators.command(olga, "fiche", f"{number} assurance 31/12/2028")
    card = bot.operators.last().text
    assert "Assurance jusqu'au 31 décembre 2028" in card
    assert "🚗 3 places" in card and "déambulateur : Oui" in card
    await bot.operators.command(olga, "fiche", f"{number} places 2")
    card = bot.operators.last().text
    assert "🚗 2 places" in card and "déambulateur : Oui" in card
    assert "31 décembre 2028" in card
    bot.assert_clean()


async def test_a_first_file_still_needs_the_licence_and_the_insurance(
    tus_bot: RunningBot,
) -> None:
    bot = tus_bot
    olga, _, _ = team(bot)
    bruno = await volunteer(bot, 602, "Bruno", "Cahors")
    number = await person_id(bot, bruno.id)
    await bot.operators.command(olga, "fiche", f"{number} places 2")
    assert bot.operators.last().text.startswith("Il faut au moins le permis")
    await bot.operators.command(olga, "fiche", f"{number}")
    assert "📄 Fiche pas encore remplie" in bot.operators.last().text  # nothing saved


# 3. /sms <number> for someone who texted STOP.


async def test_the_team_cannot_turn_texts_back_on_after_a_stop(texting: TextingBot) -> None:
    bot = texting
    olga, _, _ = team(bot)
    await registered_by_phone(olga, "Yvette Roux", YVETTE)
    await bot.operators.command(olga, "sms", YVETTE)
    assert len(bot.inbox(YVETTE)) == 1  # the first text, as she agreed with Olga
    await bot.text(YVETTE, "STOP")
    # Was: "C'est noté : Yvette Roux reçoit maintenant les SMS", and a text she refused.
    await bot.operators.command(olga, "sms", YVETTE)
    assert bot.operators.last().text == (
        f"📵 Yvette Roux ({YVETTE}) a écrit STOP le lundi 23 novembre : Mobilot ne lui envoie"
        " plus de SMS, et l'équipe ne peut pas les remettre. Pour en recevoir à nouveau, cette"
        f" personne doit écrire START au {NUMBER}. D'ici là, l'équipe l'appelle."
    )
    assert bot.inbox(YVETTE) == []
    [row] = await bot.rows("SELECT sms_stopped_at FROM people WHERE display_name = 'Yvette Roux'")
    assert row["sms_stopped_at"] is not None
    # Her own START does it.
    assert await bot.text(YVETTE, "START") == [
        "C'est noté : Mobilot vous écrit de nouveau par SMS. STOP pour arreter."
    ]
    await bot.operators.command(olga, "sms", YVETTE)
    assert "reçoit déjà les SMS" in bot.operators.last().text


# 4. The team's post for a need registered by SMS.


async def test_the_teams_post_says_the_purpose_was_not_asked_by_sms(texting: TextingBot) -> None:
    bot = texting
    team(bot)
    await welcome(bot, MARIE, "figeac mardi 9h", "Marie Dupont")
    for words in ("Cahors", "2", "1", "oui"):
        await bot.text(MARIE, words)
    [post] = [m.text for m in bot.operators.messages() if m.text.startswith("🆘 Demande n° 1")]
    # Was "🎯 Autre": she was never asked why she travels.
    assert "🎯 motif non demandé" in post and "Autre" not in post
    [need] = await bot.rows("SELECT purpose, purpose_asked FROM needs")
    assert need == {"purpose": "other", "purpose_asked": 0}


# 5. A driver's unclear words while a request waits.


async def test_a_driver_who_types_peut_etre_is_pointed_to_the_requests_buttons(
    bot: RunningBot,
) -> None:
    jean = await driver(bot, 301, "Jean")
    marie = bot.fake.user(302, "Marie", last_name="Delpech")
    await describe_need(marie)
    await marie.press_doing(kb.NEED, "ask", naming="Jean M.")
    request = jean.last()
    assert "Demande de covoiturage" in request.text
    # Was the generic "Je n'ai pas compris. Dites-moi où et quand…" and the start menu.
    await jean.send("peut-être")
    assert jean.last().text == (
        "Je n'ai pas compris « peut-être ». Une demande de trajet attend votre réponse :"
        " touchez « ✅ J'accepte » ou « Non, pas cette fois » sous la demande, plus haut."
        " Vous pouvez aussi écrire oui ou non."
    )
    assert jean.last().buttons == []
    await jean.press_doing(kb.INTRO, "yes", message=request)
    assert reads(bot, "intro.state_accepted") in request.text
    # Nothing waits any more: the usual answer.
    await jean.send("peut-être")
    assert "Je n'ai pas compris." in jean.messages()[-2].text
    bot.assert_clean()
