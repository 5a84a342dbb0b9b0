"""End to end: the operators' group follows up what the bot could not solve."""

from __future__ import annotations

from typing import Any

import pytest

from bot.notices import NEED_POST_REFRESH, Notice
from handlers import keyboards as kb
from handlers.notify import Notifier
from tests.conftest import OPERATORS, RunningBot
from tests.setups import describe_need, driver, reads, team


async def test_claim_wider_search_ask_on_behalf_and_the_answer_back(bot: RunningBot) -> None:
    olga, omar, nadia = team(bot)
    jean = await driver(bot, 411, "Jean", username="jean_m")
    lina = bot.fake.user(412, "Lina", last_name="Vern")
    await describe_need(lina, origin="Lacapelle-Marival")  # 20 minutes off Jean's road: no match
    post = bot.operators.last()
    assert "Demande n° 1" in post.text and "Lina Vern" in post.text
    assert reads(bot, "operators.state_open") in post.text
    assert post.buttons == [
        "🙋 Je m'en occupe",
        "🔎 Conducteurs possibles",
        "🔒 Clore",
        "📜 Historique",
    ]

    await bot.operators.press_doing(nadia, kb.OPERATOR, "claim")
    assert nadia.callback_answers()[-1]["text"] == reads(bot, "operators.only")
    await bot.operators.press_doing(olga, kb.OPERATOR, "claim")
    assert olga.callback_answers()[-1]["text"] == reads(bot, "operators.claimed")
    assert "🙋 Suivie par Olga Bru" in post.text  # the same post, edited
    assert "🙋 Je m'en occupe" not in post.buttons  # claimed: the button goes (issue 23, 15)
    await bot.operators.press_data(omar, "op:1:claim", message=post)  # pressed just before
    assert omar.callback_answers()[-1]["text"] == "Olga Bru suit déjà cette demande."

    await bot.operators.press_doing(omar, kb.OPERATOR, "drivers", message=post)
    found = bot.operators.last()
    assert "Conducteurs possibles pour la demande n° 1" in found.text
    assert "Jean M." in found.text and "@jean_m" in found.text  # how to reach him
    await bot.operators.press_doing(omar, kb.OPERATOR, "ask", naming="Demander à Jean M.")
    assert "Lina V. aimerait faire la route avec vous" in jean.last().text
    assert "la demande est partie chez Jean Martin" in bot.operators.last().text
    assert "un conducteur a été sollicité" in post.text

    await jean.press_doing(kb.INTRO, "yes")
    assert (
        "Demande n° 1 : Jean Martin a accepté d'emmener Lina Vern (@jean_m)."
        in bot.operators.last().text
    )
    assert "Jean Martin accepte de vous emmener" in lina.last().text
    assert "un conducteur a accepté" in post.text
    events = await bot.rows("SELECT kind, actor_id FROM need_events WHERE need_id = 1 ORDER BY id")
    assert [e["kind"] for e in events] == [
        "created",
        "no_match",
        "claimed",
        "asked_driver",
        "accepted",
    ]
    bot.assert_clean()


async def test_close_with_a_reason_and_list_open_needs(bot: RunningBot) -> None:
    olga, _, nadia = team(bot)
    paul = bot.fake.user(421, "Paul", last_name="Cros")
    await describe_need(paul, origin="Rocamadour")
    await describe_need(paul, origin="Gramat")
    await paul.command("langue")
    await paul.press_doing(kb.LANGUAGE, "en")  # he reads the team's answer in his language
    await olga.command("ouvertes")
    listing = olga.last().text
    assert "Demandes ouvertes : 2" in listing and "Rocamadour → Figeac" in listing

    post = bot.operators.messages()[0]
    await bot.operators.press_doing(olga, kb.OPERATOR, "close", message=post)
    assert reads(bot, "close.no_driver") in post.buttons
    for _ in range(2):  # back and forth twice
        await bot.operators.press_doing(olga, kb.OPERATOR, "back", message=post)
        assert post.buttons == [
            "🙋 Je m'en occupe",
            "🔎 Conducteurs possibles",
            "🔒 Clore",
            "📜 Historique",
        ]
        await bot.operators.press_doing(olga, kb.OPERATOR, "close", message=post)
    await bot.operators.press_doing(olga, kb.OPERATOR, "back", message=post)
    await bot.operators.press_doing(olga, kb.OPERATOR, "close", message=post)
    await bot.operators.press_doing(olga, kb.OPERATOR, "close:solved_other", message=post)
    assert "🔒 Close : ✅ Résolue autrement" in post.text
    assert post.buttons == ["📜 Historique"]  # its diary stays readable
    assert (
        "The local team closed your request (Rocamadour → Figeac): ✅ Solved another way"
        in paul.last().text
    )
    await bot.operators.press_data(olga, "op:1:close:no_driver", message=post)  # again
    assert olga.callback_answers()[-1]["text"] == reads(bot, "operators.closed")

    await bot.operators.command(olga, "ouvertes")
    assert "Demandes ouvertes : 1" in bot.operators.last().text
    # No driver found: a kind word, and what the person can still do.
    second = bot.operators.messages()[1]
    await bot.operators.press_doing(olga, kb.OPERATOR, "close", message=second)
    await bot.operators.press_doing(olga, kb.OPERATOR, "close:no_driver", message=second)
    assert paul.last().text.startswith("😔 Sorry: the local team found no driver")
    assert "Gramat → Figeac" in paul.last().text and "ask again" in paul.last().text
    await bot.operators.command(olga, "ouvertes")
    assert "Aucune demande ouverte" in bot.operators.last().text
    await nadia.command("ouvertes")
    assert nadia.last().text == reads(bot, "operators.only")
    [need] = await bot.rows("SELECT status, closed_reason FROM needs WHERE id = 1")
    assert need == {"status": "closed", "closed_reason": "solved_other"}
    assert bot.fake.command_names(scope={"type": "chat", "chat_id": OPERATORS}) == [
        "ouvertes",
        "stats",
        "export",
    ]
    bot.assert_clean()


async def test_a_forged_operator_button_does_nothing(bot: RunningBot) -> None:
    _, _, nadia = team(bot)
    ana = bot.fake.user(431, "Ana")
    await describe_need(ana, origin="Rocamadour")
    post = bot.operators.last()
    for data in ("op:1:claim", "op:1:close:solved", "op:1:drivers", "op:1:ask:1"):
        await bot.operators.press_data(nadia, data, message=post)
        assert nadia.callback_answers()[-1]["text"] == reads(bot, "operators.only")
    [need] = await bot.rows("SELECT status, claimed_by FROM needs")
    assert need == {"status": "with_operators", "claimed_by": None}
    bot.assert_clean()


async def test_statistics_and_csv_exports(bot: RunningBot) -> None:
    olga, _, nadia = team(bot)
    await driver(bot, 441, "Jean", username="jean_m")
    jeanne = await driver(bot, 442, "Jeanne")
    # Jean agreed to show his phone; Jeanne's number is kept hidden.
    await bot.rows("UPDATE people SET phone = '+33611111111', phone_visible = 1 WHERE id = 1")
    await bot.rows("UPDATE people SET phone = '+33622222222', phone_visible = 0 WHERE id = 2")
    lina = bot.fake.user(443, "Lina")
    await describe_need(lina)
    await lina.press_doing(kb.NEED, "ask", naming="Jeanne M.")
    await jeanne.press_doing(kb.INTRO, "yes")
    await describe_need(lina, origin="Rocamadour", purpose="shopping")  # for the team

    await olga.command("stats")
    text = olga.last().text
    assert "Les 30 derniers jours" in text and "Depuis le début" in text
    assert text.count("🚗 Conducteurs : 2 · trajets actifs : 2") == 2
    assert (
        "🙋 Demandes : 2 (✅ un conducteur a accepté : 1, 🤝 suivie par l'équipe locale : 1)"
        in text
        or (
            "🙋 Demandes : 2 (🤝 suivie par l'équipe locale : 1, ✅ un conducteur a accepté : 1)"
            in text
        )
    )
    assert "🩺 Santé : 1" in text and "🛒 Courses : 1" in text
    assert "Mises en relation acceptées : 1" in text

    await olga.command("export")
    assert olga.last().text == reads(bot, "export.sent")
    files = {
        m.document.filename: m.document.content.decode("utf-8-sig")
        for m in bot.operators.messages()
        if m.document
    }
    trips = files["mobilot-trips-2026-11-23.csv"]
    assert "06 11 11 11 11" in trips and "06 22 22 22 22" not in trips  # only with consent
    needs = files["mobilot-needs-2026-11-23.csv"]
    assert needs.splitlines()[0].startswith("n°,personne,téléphone,départ,arrivée,date,jours")
    assert reads(bot, "privacy.event.created") in needs and "aucun conducteur trouvé" in needs
    assert "Rocamadour" in needs
    introductions = files["mobilot-introductions-2026-11-23.csv"]
    assert "Jeanne Martin,Lina,aller,mar,07:30" in introductions
    assert ",acceptée,2026-11-23 10:00," in introductions  # local time, to the minute

    await nadia.command("stats")
    await nadia.command("export")
    assert [m.text for m in nadia.messages()[-2:]] == ["Réservé à l'équipe locale de Mobilot."] * 2
    bot.assert_clean()


async def test_a_need_and_a_driver_registered_by_phone_are_matched(bot: RunningBot) -> None:
    olga, omar, nadia = team(bot)
    # A driver phoned Omar: registered with the same questions as /proposer.
    await omar.command("conducteur")
    assert "Enregistrons le trajet régulier d'un conducteur" in omar.messages()[-2].text
    await omar.send("Roger Lafon")
    await omar.send("pas de téléphone")
    assert "n'est pas un numéro de téléphone" in omar.last().text
    await omar.send("06 12 34 56 78")
    assert "accepte-t-elle que le 06 12 34 56 78 soit donné" in omar.last().text
    await omar.press_doing(kb.OFFER, "shows:yes")
    await omar.press_doing(kb.OFFER, "agreed:yes")
    await omar.send("Cahors")
    await omar.send("Figeac")
    await omar.press_doing(kb.OFFER, "often:weekly")
    assert "Quels jours la personne fait-elle ce trajet ?" in omar.last().text
    await omar.press_doing(kb.OFFER, "days:work")
    await omar.press_doing(kb.OFFER, "days:ok")
    assert "À quelle heure la personne part-elle ?" in omar.last().text
    await omar.send("7h30")
    assert "La personne revient-elle le même jour ?" in omar.last().text
    await omar.press_doing(kb.OFFER, "noreturn")
    assert "Combien de places la personne peut-elle offrir ?" in omar.last().text
    await omar.press_doing(kb.OFFER, "seats:3")
    await omar.press_doing(kb.OFFER, "skipnote")
    summary = omar.last().text
    assert "Le trajet de la personne" in summary and "vous" not in summary
    assert "👤 Roger Lafon · 📞 06 12 34 56 78 (donné lors d'une mise en relation)" in summary
    assert "📞 téléphone 06 12 34 56 78" in summary
    await omar.press_doing(kb.OFFER, "confirm")
    assert "Trajet de Roger Lafon enregistré" in omar.last().text

    # A passenger phoned Olga.
    await olga.command("demande")
    await olga.send("Yvette Combes")
    await olga.send("05 65 00 00 00")
    await olga.press_doing(kb.FIND, "shows:no")
    await olga.press_doing(kb.FIND, "agreed:yes")
    await olga.send("Cahors")
    await olga.send("Figeac")
    await olga.send("mardi")
    assert reads(bot, "behalf_need.ask_mode") in olga.last().text
    await olga.press_doing(kb.FIND, "mode:arrive_before")
    assert "Avant quelle heure la personne doit-elle arriver ?" in olga.last().text
    await olga.send("9h")
    await olga.press_doing(kb.FIND, "back:none")
    await olga.press_doing(kb.FIND, "purpose:health")
    assert "La personne a-t-elle un besoin particulier ?" in olga.last().text
    await olga.press_doing(kb.FIND, "special:walking_help")
    await olga.press_doing(kb.FIND, "special:ok")
    assert "👤 Yvette Combes · 📞 05 65 00 00 00 (gardé par l'équipe)" in olga.messages()[-2].text
    assert "La demande de la personne" in olga.last().text
    await olga.press_doing(kb.FIND, "confirm")
    post = bot.operators.last()
    assert "Demande n° 1" in post.text and "Yvette Combes" in post.text
    assert "🙋 Suivie par Olga Bru" in post.text
    found = olga.last()
    assert "Roger L." in found.text and "06 12 34 56 78" in found.text  # how to reach him

    await olga.press_doing(kb.OPERATOR, "ask", naming="Demander à Roger L.")
    call = bot.operators.last()
    assert "À appeler" in call.text and "Roger Lafon (sans Telegram) : 06 12 34 56 78" in call.text
    await bot.operators.press_doing(nadia, kb.INTRO, "yes", message=call)
    assert nadia.callback_answers()[-1]["text"] == reads(bot, "intro.not_yours")
    mark = bot.operators.mark()
    await bot.operators.press_doing(omar, kb.INTRO, "yes", message=call)  # after calling Roger
    assert reads(bot, "intro.state_accepted") in call.text
    said = bot.operators.texts_since(mark)
    assert (
        said[0]
        == "✅ Demande n° 1 : Roger Lafon a accepté d'emmener Yvette Combes (06 12 34 56 78)."
    )
    # Neither has Telegram: the team puts them in touch. Yvette did not agree to share her
    # number, so it is not passed on: the team arranges the meeting with each of them.
    assert "Roger Lafon (06 12 34 56 78) emmène Yvette Combes" in said[1]
    assert "Numéro d'Yvette Combes à donner à Roger Lafon : numéro non partagé" in said[1]
    assert "Pour joindre Yvette Combes : 05 65 00 00 00" in said[1]
    assert "Dites à Yvette Combes (05 65 00 00 00) que Roger Lafon l'emmène" in said[2]
    assert "Contact de Roger Lafon : 06 12 34 56 78" in said[2]
    assert "un conducteur a accepté" in post.text
    people = await bot.rows(
        "SELECT p.display_name, p.telegram_user_id, p.phone, p.phone_visible,"
        " r.display_name AS registered_by FROM people p JOIN people r ON r.id = p.registered_by"
        " WHERE p.telegram_user_id IS NULL ORDER BY p.id"
    )
    assert people == [
        {
            "display_name": "Roger Lafon",
            "telegram_user_id": None,
            "phone": "+33612345678",
            "phone_visible": 1,
            "registered_by": "Omar Said",
        },
        {
            "display_name": "Yvette Combes",
            "telegram_user_id": None,
            "phone": "+33565000000",
            "phone_visible": 0,
            "registered_by": "Olga Bru",
        },
    ]
    bot.assert_clean()


async def test_only_operators_register_people(bot: RunningBot) -> None:
    _, _, nadia = team(bot)
    await nadia.command("demande")
    assert nadia.last().text == reads(bot, "operators.only")
    await nadia.command("conducteur")
    assert nadia.last().text == reads(bot, "operators.only")
    await nadia.send("Roger")
    assert "Je n'ai pas compris" in nadia.messages()[-2].text
    bot.assert_clean()


async def test_a_decline_comes_back_to_the_group_and_english_in_private(bot: RunningBot) -> None:
    olga, omar, _ = team(bot)
    jean = await driver(bot, 451, "Jean", username="jean_m")
    lina = bot.fake.user(452, "Lina")
    await describe_need(lina, origin="Lacapelle-Marival")
    post = bot.operators.last()
    await bot.operators.press_doing(omar, kb.OPERATOR, "drivers", message=post)
    await bot.operators.press_doing(omar, kb.OPERATOR, "ask", naming="Demander à Jean M.")
    await jean.press_doing(kb.INTRO, "no")
    said = [m.text for m in bot.operators.messages()]
    # One message, no second full post (issue 23, item 15).
    assert said[-1] == (
        "↩️ Demande n° 1 : Jean Martin ne peut pas emmener Lina (refus ou pas de réponse).\n"
        "📌 Plus d'autre conducteur possible : la demande revient à l'équipe."
    )
    assert not said[-2].startswith("↩️")
    assert "Jean M. ne peut pas cette fois." in lina.texts_since(0)
    assert reads(bot, "operators.state_open") in post.text and post.buttons
    await olga.command("langue")
    await olga.press_doing(kb.LANGUAGE, "en")
    await olga.command("open")  # in private, in her own language
    assert "Open requests: 1" in olga.last().text
    bot.assert_clean()


async def test_a_rolled_back_update_leaves_the_team_post_and_its_memory_as_they_were(
    bot: RunningBot, monkeypatch: pytest.MonkeyPatch
) -> None:
    """What the Notifier remembers of a post changes only once the edit commits: a claim
    whose update fails after the edit was written leaves the post as it was, and the same
    claim, once it works, edits it (no stale memory saying it is shown already)."""
    olga, _, _ = team(bot)
    lina = bot.fake.user(412, "Lina", last_name="Vern")
    await describe_need(lina, origin="Lacapelle-Marival")
    post = bot.operators.last()
    assert reads(bot, "operators.state_open") in post.text
    notifiers: list[Notifier] = []
    write = Notifier.write
    failing = True

    async def write_then_fail(self: Notifier, context: Any, notices: list[Notice]) -> int:
        notifiers.append(self)
        written = await write(self, context, notices)
        if failing and any(n.key == NEED_POST_REFRESH for n in notices):
            raise RuntimeError("the disk is full")  # after the edit went to the outbox
        return written

    monkeypatch.setattr(Notifier, "write", write_then_fail)
    text_before = post.text
    await bot.operators.press_doing(olga, kb.OPERATOR, "claim")
    [notifier] = set(notifiers)
    assert post.text == text_before  # the edit was rolled back with the claim
    assert 1 not in notifier._shown  # nothing remembered as shown
    [need] = await bot.rows("SELECT claimed_by FROM needs")
    assert need == {"claimed_by": None}
    failing = False
    await bot.operators.press_doing(olga, kb.OPERATOR, "claim", message=post)
    assert "🙋 Suivie par Olga Bru" in post.text  # edited once it worked
    assert "Suivie par Olga Bru" in notifier._shown[1][0]  # remembered once committed
    bot.fake.exceptions.clear()


async def test_a_callers_name_with_a_number_is_asked_again(bot: RunningBot) -> None:
    """A phone typed with the name would travel with it into every post of the team, whatever
    the person agreed to about their number: the name alone is asked for."""
    _, omar, _ = team(bot)
    for opening in ("conducteur", "demande"):
        await omar.command(opening)
        for typed in ("Yvette Combes 0565000000", "06 12 34 56 78"):
            await omar.send(typed)
            assert "Le nom seul, sans numéro" in omar.last().text
        await omar.send("Yvette Combes")
        assert omar.last().text.startswith("Numéro de téléphone d'Yvette Combes")
        await omar.command("annuler")
    bot.assert_clean()
