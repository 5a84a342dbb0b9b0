"""The team's side of texting (issue 21): the team gives someone it registered by phone an
SMS channel with their consent (/sms <number> [non]); its posts say how each person is
reached; /stats says what texting cost this month; /mesdonnees says what is kept about a
texter's SMS channel. Driven end to end, the gateway a stand-in (tests/phones.py)."""

from __future__ import annotations

import json
from pathlib import Path

from bot.places.gazetteer import Gazetteer
from handlers import keyboards as kb
from tests.conftest import RunningBot, paris
from tests.phones import NUMBER, TextingBot
from tests.setups import describe_need, team
from tests.test_privacy import registered_by_phone
from tests.test_sms_channel import MARIE, welcome

YVETTE = "06 98 76 54 32"
YVETTE_E164 = "+33698765432"

BY_SMS = "✉️ par SMS"
BY_TELEGRAM = "💬 Telegram"
BY_PHONE = "📞 par téléphone (l'équipe appelle)"


def post_of(bot: RunningBot, need_id: int) -> str:
    """The need's latest post in the team's group, as it reads now."""
    posts = [m for m in bot.operators.messages() if m.text.startswith(f"🆘 Demande n° {need_id}\n")]
    return posts[-1].text


async def test_the_team_gives_a_caller_texts_with_their_consent_and_takes_them_back(
    texting: TextingBot,
) -> None:
    bot = texting
    olga, omar, _ = team(bot)
    await registered_by_phone(olga, "Yvette Roux", YVETTE)
    # No driver: her need goes to the team, who reaches her by phone.
    assert f"👤 Yvette Roux · {YVETTE} · {BY_PHONE}" in post_of(bot, 1)

    await bot.operators.command(olga, "sms", YVETTE)
    assert bot.operators.last().text == (
        f"✉️ C'est noté : Yvette Roux ({YVETTE}) reçoit maintenant les SMS de Mobilot, avec son"
        f" accord donné à Olga Bru. Un premier SMS part vers ce numéro, depuis le {NUMBER}."
    )
    assert bot.inbox(YVETTE) == [
        "Bonjour, ici Mobilot. Comme convenu avec l'équipe, nous vous écrirons par SMS à ce"
        " numéro. Répondez STOP pour ne plus en recevoir."
    ]
    [olga_row] = await bot.rows("SELECT id FROM people WHERE telegram_user_id = ?", olga.id)
    [yvette] = await bot.rows(
        "SELECT id, sms_since, sms_consent_by FROM people WHERE phone = ?", YVETTE_E164
    )
    assert yvette["sms_since"] is not None and yvette["sms_consent_by"] == olga_row["id"]

    # Her need's post now says a text reaches her.
    assert f"👤 Yvette Roux · {YVETTE} · {BY_SMS}" in post_of(bot, 1)
    # Said twice, nothing changes and she gets no second text.
    await bot.operators.command(omar, "sms", "+33 6 98 76 54 32 oui")
    assert bot.operators.last().text == f"Yvette Roux ({YVETTE}) reçoit déjà les SMS de Mobilot."
    assert bot.inbox(YVETTE) == []

    # She texts from that number: she is that person, already agreed, not welcomed again.
    got = await bot.text(YVETTE, "aide")
    assert "cahors demain 9h" in got[0] and "D'accord ?" not in got[0]
    people = await bot.rows("SELECT id, sms_consent_by FROM people WHERE phone = ?", YVETTE_E164)
    assert people == [{"id": yvette["id"], "sms_consent_by": olga_row["id"]}]

    # She tells the team she wants no more texts.
    await bot.operators.command(olga, "sms", f"{YVETTE} non")
    assert bot.operators.last().text == (
        f"📞 C'est noté : Yvette Roux ({YVETTE}) ne reçoit plus de SMS. L'équipe l'appelle quand"
        " il faut le prévenir."
    )
    [after] = await bot.rows("SELECT sms_since FROM people WHERE phone = ?", YVETTE_E164)
    assert after["sms_since"] is None
    await bot.operators.command(olga, "sms", f"{YVETTE} non")
    assert bot.operators.last().text == (
        f"Yvette Roux ({YVETTE}) ne reçoit pas de SMS : l'équipe l'appelle déjà."
    )
    # Her post says the team phones her again; nothing was texted since.
    assert f"👤 Yvette Roux · {YVETTE} · {BY_PHONE}" in post_of(bot, 1)
    assert bot.inbox(YVETTE) == []
    bot.assert_clean()


async def test_the_sms_command_answers_what_it_cannot_do(texting: TextingBot) -> None:
    bot = texting
    olga, _, nadia = team(bot)
    await bot.operators.command(olga, "sms")
    assert bot.operators.last().text.startswith("Pour écrire par SMS à une personne")
    assert "/sms 06 12 34 56 78 non" in bot.operators.last().text
    await bot.operators.command(olga, "sms", "bonjour")
    assert bot.operators.last().text == (
        "« bonjour » n'est pas un numéro de téléphone. Par exemple : /sms 06 12 34 56 78"
    )
    await bot.operators.command(olga, "sms", "06 11 22 33 44")
    assert bot.operators.last().text.startswith(
        "Personne n'est enregistré avec le 06 11 22 33 44. Enregistrez d'abord sa demande"
    )
    # A landline cannot get texts.
    await registered_by_phone(olga, "Yvette Combes", "05 65 00 00 00")
    await bot.operators.command(olga, "sms", "05 65 00 00 00")
    assert bot.operators.last().text == (
        "Le 05 65 00 00 00 n'est pas un portable : il ne reçoit pas de SMS. L'équipe continue"
        " d'appeler Yvette Combes."
    )
    # Someone on Telegram who gave their number is reached there.
    lina = bot.fake.user(412, "Lina", last_name="Vern")
    await lina.start()
    await bot.rows("UPDATE people SET phone = '+33645112233' WHERE telegram_user_id = 412")
    await bot.operators.command(olga, "sms", "06 45 11 22 33")
    assert bot.operators.last().text.startswith("Lina Vern (06 45 11 22 33) est sur Telegram")
    # Only the team may.
    await bot.operators.command(nadia, "sms", YVETTE)
    assert "équipe" in bot.operators.last().text
    assert await bot.rows("SELECT id FROM people WHERE sms_since IS NOT NULL") == []
    assert bot.network.sent == []
    bot.assert_clean()


async def test_without_a_gateway_the_sms_command_says_so(bot: RunningBot) -> None:
    olga, _, _ = team(bot)
    await registered_by_phone(olga, "Yvette Roux", YVETTE)
    await bot.operators.command(olga, "sms", YVETTE)
    assert bot.operators.last().text == (
        "Les SMS ne sont pas en service ici : la passerelle SMS n'est pas réglée (SMS_GATEWAY_URL)."
    )
    # The post says how she is reached all the same: the team phones her.
    assert f"👤 Yvette Roux · {YVETTE} · {BY_PHONE}" in post_of(bot, 1)


async def test_the_teams_posts_say_how_each_person_is_reached(texting: TextingBot) -> None:
    bot = texting
    olga, _, _ = team(bot)
    # Marie texts, Lina is on Telegram: no driver for either.
    await welcome(bot, MARIE, "figeac vendredi 9h", "Marie Dupont")
    for words in ("Cahors", "2", "1", "oui"):
        await bot.text(MARIE, words)
    lina = bot.fake.user(412, "Lina", last_name="Vern")
    await describe_need(lina)
    assert f"👤 Marie Dupont · {MARIE} · {BY_SMS}" in post_of(bot, 1)
    assert f"👤 Lina Vern · profil Telegram · {BY_TELEGRAM}" in post_of(bot, 2)

    # Olga takes Marie's need and hears nothing for three days: the follow-up says it too.
    await bot.operators.press_doing(olga, kb.OPERATOR, "claim", message=bot.operators.messages()[0])
    await bot.run_until(paris("2026-11-26 12:00"))
    [quiet] = [m for m in bot.operators.messages() if "sans nouvelles" in m.text]
    assert "Marie Dupont" in quiet.text
    assert quiet.text.endswith(f"Pour joindre Marie Dupont : {BY_SMS}")

    # Marie texts STOP: her post says the team must phone.
    await bot.text(MARIE, "STOP")
    assert "· 📵 a écrit STOP : par téléphone (l'équipe appelle)" in post_of(bot, 1)


async def test_an_unreachable_passenger_is_to_be_phoned(texting: TextingBot) -> None:
    """Telegram no longer delivers to Lina: the team's call says it must phone her."""
    from tests.setups import driver

    bot = texting
    team(bot)
    jeanne = await driver(bot, 301, "Jeanne")
    lina = bot.fake.user(412, "Lina", last_name="Vern")
    await describe_need(lina)
    await lina.press_doing(kb.NEED, "ask", naming="Jeanne M.")
    lina.blocked = True
    await jeanne.press_doing(kb.INTRO, "yes")
    call = bot.operators.last().text
    assert "Telegram ne remet pas nos messages à Lina Vern" in call
    assert call.endswith(f"Pour joindre Lina Vern : {BY_PHONE}")


async def test_stats_say_what_texting_cost_this_month(tmp_path: Path, gazetteer: Gazetteer) -> None:
    bot = TextingBot(tmp_path, gazetteer, sms_monthly_segments=3)
    await bot.start()
    try:
        olga, _, _ = team(bot)
        # Thursday: "mardi" is tomorrow, said so in a longer text (issue 23, item 18).
        await welcome(bot, MARIE, "figeac jeudi 9h", "Marie Dupont")
        assert await bot.text(MARIE, "Cahors") == []  # over the budget: through the team
        assert "Budget SMS du mois atteint" in bot.operators.last().text
        await olga.command("stats")
        stats = olga.last().text
        assert (
            "✉️ SMS ce mois-ci\nEnvoyés : 3 (segments : 3 sur 3 prévus)\n"
            "Passés par l'équipe, budget atteint : 1\n"
            "⚠️ Budget du mois atteint : les messages aux personnes par SMS passent par l'équipe."
        ) in stats
        # A new month: the budget is whole again, and so are the counts.
        await bot.run_until(paris("2026-12-01 09:00"))
        await olga.command("stats")
        stats = olga.last().text
        assert "Envoyés : 0 (segments : 0 sur 3 prévus)" in stats
        assert "Passés par l'équipe, budget atteint : 0" in stats and "⚠️" not in stats
    finally:
        await bot.stop()


async def test_stats_without_a_budget(texting: TextingBot) -> None:
    bot = texting
    olga, _, _ = team(bot)
    await welcome(bot, MARIE, "figeac mardi 9h", "Marie Dupont")
    await olga.command("stats")
    sent = bot.segments_to(MARIE)
    assert f"Envoyés : 3 (segments : {sent}, sans limite)" in olga.last().text


async def test_my_data_says_what_is_kept_about_the_sms_channel(texting: TextingBot) -> None:
    bot = texting
    olga, _, _ = team(bot)
    await olga.start()
    # Marie agreed by text; the team hands her data over (she has no Telegram).
    await welcome(bot, MARIE, "figeac mardi 9h", "Marie Dupont")
    await olga.command("mesdonnees", MARIE)
    summary = olga.messages()[-2].text
    assert (
        "✉️ Le lundi 23 novembre, vous avez écrit à Mobilot par SMS et accepté ses SMS à ce numéro."
    ) in summary
    assert "sms_channel" not in summary
    # She texts STOP: said too.
    await bot.text(MARIE, "STOP")
    await olga.command("mesdonnees", MARIE)
    summary = olga.messages()[-2].text
    assert "📵 Vous avez écrit STOP le lundi 23 novembre : Mobilot ne vous envoie plus de SMS." in (
        summary
    )
    # Yvette agreed with Olga on the phone.
    await registered_by_phone(olga, "Yvette Roux", YVETTE)
    await bot.operators.command(olga, "sms", YVETTE)
    await olga.command("mesdonnees", YVETTE)
    summary = olga.messages()[-2].text
    assert (
        "✉️ Le lundi 23 novembre, vous avez dit à Olga Bru, de l'équipe, que Mobilot peut vous"
        " écrire par SMS à ce numéro."
    ) in summary
    document = olga.last().document
    assert document is not None
    exported = json.loads(document.content)
    [channel] = exported["sms_channel"]
    assert channel["number"] == YVETTE_E164 and channel["consent_given_to"] == "Olga Bru"
    assert channel["stopped_at"] is None and channel["since"]
    # Someone on Telegram only has nothing of the kind.
    await olga.command("mesdonnees")
    assert "✉️" not in olga.messages()[-2].text


def test_every_outcome_of_the_sms_command_has_an_answer() -> None:
    from bot.services.texts import TeamSms
    from handlers.sms_team import ANSWERS, read_sms_command

    assert set(ANSWERS) == set(TeamSms)
    assert read_sms_command(["06", "12", "34", "56", "78", "NON"]) == ("06 12 34 56 78", False)
    assert read_sms_command(["+33612345678", "oui."]) == ("+33612345678", True)
    assert read_sms_command([]) == ("", True)


async def test_the_teams_list_of_drivers_says_how_each_is_reached(texting: TextingBot) -> None:
    from tests.setups import driver
    from tests.test_sms_channel import sms_driver

    bot = texting
    olga, _, _ = team(bot)
    await sms_driver(bot)  # Paul Durand, by text only
    await driver(bot, 301, "Jeanne", username="jeanne_m")
    lina = bot.fake.user(412, "Lina", last_name="Vern")
    await describe_need(lina, origin="Lacapelle-Marival")  # off their road: to the team
    await bot.operators.press_doing(olga, kb.OPERATOR, "drivers")
    listing = bot.operators.last().text
    assert "📞 06 45 11 22 33 · ✉️ par SMS" in listing
    assert f"📞 @jeanne_m · {BY_TELEGRAM}" in listing
