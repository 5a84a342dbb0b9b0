"""End to end: volunteer drivers of an association (issue 24, items 1 and 2). A volunteer
says when and how far they can drive; the team writes and checks their file; a member's
need is matched against their availability; they are asked like drivers."""

from __future__ import annotations

import json
from pathlib import Path

from bot.places.gazetteer import Gazetteer
from handlers import keyboards as kb
from handlers.volunteers import FILE as VOLUNTEER_FILE
from tests.conftest import TUS_RATE, RunningBot
from tests.fakebot import FakeUser
from tests.phones import TextingBot
from tests.setups import agree_if_asked, describe_need, reads, team
from tests.test_find_flow import everything_seen_by
from tests.test_sms_channel import welcome

PHONE = "06 77 88 99 00"

ALLOWANCE_RATE = TUS_RATE


async def declare(
    user: FakeUser,
    home: str,
    days: str = "mardi jeudi",
    part: str = "m",
    radius: int = 25,
    august: str = "no",
) -> None:
    """/benevole, answered to the end (part of the day: "m" morning, "a" afternoon)."""
    await user.command("benevole")
    await agree_if_asked(user)
    await user.send(home)
    await user.send(days)
    await user.press_doing(kb.OFFER, f"parts:{part}")
    await user.press_doing(kb.OFFER, f"radius:{radius}")
    await user.press_doing(kb.OFFER, f"august:{august}")
    await user.press_doing(kb.OFFER, "confirm")


async def volunteer(
    bot: RunningBot, user_id: int, name: str, home: str, username: str | None = None
) -> FakeUser:
    user = bot.fake.user(user_id, name, last_name="Lafon", username=username)
    await declare(user, home)
    return user


async def write_file(bot: RunningBot, operator: FakeUser, person_id: int, until: str) -> None:
    """The team writes the file in its group, then checks it."""
    await bot.operators.command(
        operator,
        "fiche",
        f"{person_id} permis oui assurance {until} places 3 fauteuil non deambulateur oui"
        " animaux non",
    )
    await bot.operators.press_doing(operator, VOLUNTEER_FILE, "check")


async def person_id(bot: RunningBot, telegram_id: int) -> int:
    [row] = await bot.rows("SELECT id FROM people WHERE telegram_user_id = ?", telegram_id)
    return int(row["id"])


async def three_volunteers(bot: RunningBot) -> tuple[FakeUser, FakeUser, FakeUser, FakeUser]:
    """Anne (insurance ended), Bruno and Claire, all free on Tuesday mornings near Cahors."""
    olga, _, _ = team(bot)
    anne = await volunteer(bot, 601, "Anne", "Cahors")
    bruno = await volunteer(bot, 602, "Bruno", "Cahors", username="bruno_l")
    claire = await volunteer(bot, 603, "Claire", "Pradines")
    await write_file(bot, olga, await person_id(bot, anne.id), "20/11/2026")  # ended last week
    await write_file(bot, olga, await person_id(bot, bruno.id), "31/12/2027")
    await write_file(bot, olga, await person_id(bot, claire.id), "30/06/2027")
    return olga, anne, bruno, claire


# Item 1: availability, by Telegram and by SMS.


async def test_a_volunteer_says_when_and_how_far_they_can_drive(tus_bot: RunningBot) -> None:
    bot = tus_bot
    try:
        team(bot)
        bruno = bot.fake.user(602, "Bruno", last_name="Lafon")
        await bruno.command("benevole")
        await agree_if_asked(bruno)
        assert "Où habitez-vous ?" in bruno.last().text
        await bruno.send("Cahors")
        assert "Quels jours pouvez-vous conduire ?" in bruno.last().text
        await bruno.send("mardi et jeudi")
        assert bruno.last().buttons == [
            "🌅 Le matin",
            "☀️ L'après-midi",
            "🌙 Le soir",
            "🌅☀️ Le matin et l'après-midi",
            "🕘 Toute la journée",
        ]
        await bruno.press_doing(kb.OFFER, "parts:m")
        assert bruno.last().buttons == ["10 km", "25 km", "50 km"]
        await bruno.send("mille")
        assert "Je n'ai pas compris « mille »" in bruno.last().text
        await bruno.send("25 km")
        assert reads(bot, "volunteers.ask_august") in bruno.last().text
        await bruno.press_doing(kb.OFFER, "august:no")
        summary = bruno.last().text
        assert "🏠 Chez vous : Cahors" in summary
        assert "📅 mardi et jeudi, 🌅 Le matin" in summary
        assert (
            "📏 Jusqu'à 25 km de chez vous" in summary
            and reads(bot, "volunteers.august_no") in summary
        )
        await bruno.press_doing(kb.OFFER, "confirm")
        assert "C'est noté, merci !" in bruno.last().text
        assert "L'équipe doit d'abord vérifier votre permis" in bruno.last().text
        [row] = await bot.rows("SELECT home_name, radius_km, slots, not_in_august FROM volunteers")
        # Tuesday (1) and Thursday (3) mornings: bits 3 and 9.
        assert row == {"home_name": "Cahors", "radius_km": 25, "slots": 8 + 512, "not_in_august": 1}
        assert "Nouveau conducteur bénévole : Bruno Lafon" in bot.operators.last().text
        # Not a trip anyone sees.
        await bruno.command("mestrajets")
        assert "Cahors → Cahors" not in bruno.last().text
        bot.assert_clean()
    finally:
        await bot.stop()


async def test_by_sms_the_same_conversation_with_numbered_choices(
    tmp_path: Path, gazetteer: Gazetteer
) -> None:
    bot = TextingBot(tmp_path, gazetteer, tus_eur_per_km=ALLOWANCE_RATE)
    await bot.start()
    try:
        got = await welcome(bot, PHONE, "benevole", "rene vidal")
        transcript = list(got)
        while "Où habitez-vous" not in got[-1]:  # the agreement to be shown to passengers
            assert "OUI ou NON" in got[-1]
            got = await bot.text(PHONE, "oui")
            transcript += got
        for said in ("Lalbenque", "lundi mardi", "1", "2", "non"):
            got = await bot.text(PHONE, said)
            transcript += got
        assert "1 Le matin\n2 L'après-midi" in transcript[-4]
        assert "1 10 km\n2 25 km\n3 50 km" in transcript[-3]
        summary = got[-1]
        assert "Chez vous : Lalbenque\nlundi et mardi, Le matin\nJusqu'à 25 km" in summary
        assert "C'est juste ? Répondez OUI" in summary
        got = await bot.text(PHONE, "oui")
        assert "C'est noté, merci" in got[-1]
        [row] = await bot.rows("SELECT person_id, home_name, radius_km, slots FROM volunteers")
        assert row["home_name"] == "Lalbenque" and row["radius_km"] == 25
        assert row["slots"] == 1 + 8  # Monday and Tuesday mornings

        # Once the team checked his file, he is asked by text, and answers OUI.
        olga, _, _ = team(bot)
        await write_file(bot, olga, row["person_id"], "31/12/2027")
        marie = bot.fake.user(610, "Marie", last_name="Delpech", username="marie_d")
        await describe_need(marie, origin="Lalbenque", destination="Cahors", when="mardi")
        await marie.press_doing(kb.NEED, "ask", naming="Rene V.")
        [asked] = bot.inbox(PHONE)
        assert asked.startswith("Transport solidaire : Marie D., Lalbenque - Cahors, mardi 24")
        assert "et retour. 38 km, 11,40 €. Pouvez-vous ?" in asked
        assert asked.endswith("Répondez OUI ou NON")
        got = await bot.text(PHONE, "oui")
        assert "Marie Delpech" in "\n".join(got)
        assert "accepte de vous emmener" in marie.last().text
        print("\n---\n".join([*transcript, *got[:0], asked, *got]))
    finally:
        await bot.stop()


# Item 2: the file, checked by the team; only the team.


async def test_the_team_writes_and_checks_the_file_and_nobody_else_can(
    tus_bot: RunningBot,
) -> None:
    bot = tus_bot
    try:
        olga, omar, nadia = team(bot)
        bruno = await volunteer(bot, 602, "Bruno", "Cahors")
        bruno_id = await person_id(bot, bruno.id)
        await bot.operators.command(olga, "benevoles")
        listing = bot.operators.last().text
        assert "1 conducteur bénévole" in listing and "Bruno Lafon" in listing
        assert "fiche à vérifier" in listing and "mardi et jeudi, 🌅 Le matin" in listing
        await bot.operators.command(olga, "fiche", f"{bruno_id} permis oui assurance 2027")
        assert "Je n'ai pas compris la date « 2027 »" in bot.operators.last().text
        await bot.operators.command(olga, "fiche", f"{bruno_id} permis oui")
        assert "Il faut au moins le permis" in bot.operators.last().text
        await bot.operators.command(olga, "fiche", "999 permis oui assurance 31/12/2027")
        assert "Il n'y a pas de bénévole n° 999" in bot.operators.last().text
        await bot.operators.command(
            olga,
            "fiche",
            f"{bruno_id} permis oui assurance 31/12/2027 places 3 fauteuil non deambulateur oui"
            " animaux non",
        )
        file = bot.operators.last()
        assert (
            "Fiche enregistrée" in file.text and "Assurance jusqu'au 31 décembre 2027" in file.text
        )
        assert "3 places · fauteuil roulant : Non · déambulateur : Oui" in file.text
        assert "Fiche pas encore vérifiée" in file.text
        # Someone outside the team presses the team's button: refused, nothing checked.
        await bot.operators.press_doing(nadia, VOLUNTEER_FILE, "check", message=file)
        assert nadia.callback_answers()[-1]["text"] == reads(bot, "operators.only")
        [row] = await bot.rows("SELECT checked_on, checked_by FROM volunteers")
        assert row == {"checked_on": None, "checked_by": None}
        # Nor can they read it, in private or in the group.
        await nadia.command("fiche", str(bruno_id))
        assert nadia.last().text == reads(bot, "operators.only")
        await bruno.command("benevoles")
        assert "Lafon" not in bruno.last().text
        # Omar, of the team, checks it: the date and his name are kept.
        await bot.operators.press_doing(omar, VOLUNTEER_FILE, "check", message=file)
        checked = bot.operators.last().text
        assert "✅ Fiche vérifiée le 23 novembre 2026 par Omar Said" in checked
        [row] = await bot.rows("SELECT checked_on, checked_by FROM volunteers")
        assert row == {"checked_on": "2026-11-23", "checked_by": "Omar Said"}
        await bot.operators.command(olga, "benevoles")
        assert reads(bot, "volunteers.state_ok") in bot.operators.last().text
        print(listing, "\n---\n", file.text, "\n---\n", checked)
        bot.assert_clean()
    finally:
        await bot.stop()


# Matching: a member's need, volunteers free that morning within range.


async def test_a_member_is_offered_the_volunteer_who_accepts(tus_bot: RunningBot) -> None:
    bot = tus_bot
    try:
        olga, anne, bruno, claire = await three_volunteers(bot)
        # Claire is free on Tuesday afternoons only: not that morning.
        await declare(claire, "Pradines", days="mardi", part="a")
        # Denis's file is written but nobody checked it yet: not offered.
        denis = await volunteer(bot, 604, "Denis", "Cahors")
        await bot.operators.command(
            olga, "fiche", f"{await person_id(bot, denis.id)} permis oui assurance 31/12/2027"
        )
        marie = bot.fake.user(610, "Marie", last_name="Delpech", username="marie_d")
        await describe_need(marie, origin="Lalbenque", destination="Cahors", when="mardi")
        found = marie.last()
        assert "Bruno L., conducteur bénévole de l'association — mardi 24 novembre" in found.text
        assert "Anne" not in found.text  # her insurance ended
        assert "Claire" not in found.text and "Denis" not in found.text
        await marie.press_doing(kb.NEED, "ask", naming="Bruno L.")
        assert marie.last().text.startswith("J'ai envoyé votre demande à Bruno L.")
        request = bruno.last()
        assert "Demande de transport solidaire" in request.text
        assert "Marie D. a besoin d'un transport" in request.text
        assert "à Lalbenque" in request.text and "à Cahors" in request.text
        [km] = [
            w for w in request.text.split() if w.isdigit() and f"{w} km en tout" in request.text
        ]
        assert f"Indemnité : {int(km) * ALLOWANCE_RATE:.2f} €".replace(".", ",") in request.text
        assert request.buttons[0] == "✅ J'accepte"
        assert "Delpech" not in everything_seen_by(bruno)
        await bruno.press_doing(kb.INTRO, "yes")
        assert "Voici comment joindre Marie Delpech : @marie_d" in bruno.last().text
        assert "Bruno Lafon accepte de vous emmener" in marie.last().text
        assert "@bruno_l" in marie.last().text
        [introduction] = await bot.rows(
            "SELECT i.status, v.person_id FROM introductions i"
            " JOIN volunteers v ON v.trip_id = i.trip_id"
        )
        assert introduction["status"] == "accepted"
        # The evening before, both are reminded as for any ride.
        mark = bruno.mark()
        await bot.later(hours=10)
        assert any("Rappel : vous emmenez quelqu'un demain" in t for t in bruno.texts_since(mark))
        assert any("Lalbenque, pour Cahors" in t for t in bruno.texts_since(mark))
        # One ride a day: Bruno drives Marie on Tuesday, he is not offered to Paul that morning.
        paul = bot.fake.user(611, "Paul", last_name="Roux")
        await describe_need(paul, origin="Lalbenque", destination="Cahors", when="mardi")
        assert "Bruno" not in paul.last().text
        print(found.text, "\n---\n", request.text)
        bot.assert_clean()
    finally:
        await bot.stop()


async def test_a_decline_goes_to_the_next_volunteer_and_nobody_left_to_the_team(
    tus_bot: RunningBot,
) -> None:
    bot = tus_bot
    try:
        olga, anne, bruno, claire = await three_volunteers(bot)
        marie = bot.fake.user(610, "Marie", last_name="Delpech", username="marie_d")
        await describe_need(marie, origin="Lalbenque", destination="Cahors", when="mardi")
        found = marie.last()
        assert "Bruno L." in found.text and "Claire L." in found.text and "Anne" not in found.text
        await marie.press_doing(kb.NEED, "ask", naming="Bruno L.")
        await bruno.press_doing(kb.INTRO, "no")
        following = marie.last()
        assert "Claire L." in following.text and "Bruno" not in following.text
        await marie.press_doing(kb.NEED, "ask", naming="Claire L.")
        assert "Demande de transport solidaire" in claire.last().text
        mark = bot.operators.mark()
        await claire.press_doing(kb.INTRO, "no")
        posted = "\n".join(bot.operators.texts_since(mark))
        assert "Marie Delpech" in posted and "Lalbenque" in posted
        [need] = await bot.rows("SELECT status FROM needs")
        assert need["status"] == "with_operators"
        bot.assert_clean()
    finally:
        await bot.stop()


# The reminder a month before an insurance ends.


async def test_the_team_is_reminded_once_a_month_before_an_insurance_ends(
    tus_bot: RunningBot,
) -> None:
    bot = tus_bot
    try:
        olga, _, _ = team(bot)
        bruno = await volunteer(bot, 602, "Bruno", "Cahors")
        await write_file(bot, olga, await person_id(bot, bruno.id), "15/01/2027")
        mark = bot.operators.mark()
        await bot.later(days=21)  # 14 December: not yet
        assert not any("finit le" in t for t in bot.operators.texts_since(mark))
        await bot.later(days=3)  # past 16 December
        reminders = [t for t in bot.operators.texts_since(mark) if "finit le" in t]
        assert reminders == [
            "⚠️ L'assurance de Bruno Lafon (bénévole n° "
            f"{await person_id(bot, bruno.id)}) finit le 15 janvier 2027. Demandez la"
            " nouvelle attestation, puis écrivez la date avec /fiche "
            f"{await person_id(bot, bruno.id)}."
        ]
        await bot.later(days=40)
        assert len([t for t in bot.operators.texts_since(mark) if "finit le" in t]) == 1
        bot.assert_clean()
    finally:
        await bot.stop()


# /mesdonnees and /oublier.


async def test_my_data_shows_the_file_and_forget_me_erases_it(tus_bot: RunningBot) -> None:
    bot = tus_bot
    try:
        olga, _, _ = team(bot)
        bruno = await volunteer(bot, 602, "Bruno", "Cahors")
        await write_file(bot, olga, await person_id(bot, bruno.id), "31/12/2027")
        await bruno.command("mesdonnees")
        summary, document = bruno.messages()[-2:]
        assert "🤝 Fiche de conducteur bénévole : 1" in summary.text
        assert "🚗 Trajets : 0" in summary.text  # the row introductions point to is no trip
        assert document.document is not None
        data = json.loads(document.document.content)
        [file] = data["volunteer"]
        assert file["home_name"] == "Cahors" and file["insurance_until"] == "2027-12-31"
        assert file["checked_by"] == "Olga Bru" and file["radius_km"] == 25
        assert data["trips"] == []
        await bruno.command("oublier")
        await bruno.press_doing(kb.FORGET, "forget:yes")
        assert await bot.rows("SELECT * FROM volunteers") == []
        await bot.operators.command(olga, "benevoles")
        assert "Aucun conducteur bénévole" in bot.operators.last().text
        bot.assert_clean()
    finally:
        await bot.stop()


async def test_in_english_too(tus_bot: RunningBot) -> None:
    bot = tus_bot
    try:
        team(bot)
        ruth = bot.fake.user(620, "Ruth", last_name="Lee", language_code="en")
        await ruth.command("volunteer")
        await agree_if_asked(ruth)
        assert "Where do you live?" in ruth.last().text
        await ruth.send("Figeac")
        await ruth.send("every day")
        assert reads(bot, "volunteers.ask_parts", "en") in ruth.last().text
        await ruth.send("afternoon and evening")
        assert "How many kilometres from home" in ruth.last().text
        await ruth.send("40")
        await ruth.press_doing(kb.OFFER, "august:yes")
        summary = ruth.last().text
        assert "🏠 Home: Figeac" in summary and "Up to 40 km from home" in summary
        assert reads(bot, "volunteers.august_yes", "en") in summary
        await ruth.send("yes")
        assert "Noted, thank you!" in ruth.last().text
        [row] = await bot.rows("SELECT radius_km, slots, not_in_august FROM volunteers")
        afternoons_evenings = sum(0b110 << (3 * day) for day in range(7))
        assert row == {"radius_km": 40, "slots": afternoons_evenings, "not_in_august": 0}
        bot.assert_clean()
    finally:
        await bot.stop()


async def test_without_a_rate_per_km_no_sum_is_promised(bot: RunningBot) -> None:
    olga, _, _ = team(bot)
    bruno = await volunteer(bot, 602, "Bruno", "Cahors")
    await write_file(bot, olga, await person_id(bot, bruno.id), "31/12/2027")
    marie = bot.fake.user(610, "Marie", last_name="Delpech", username="marie_d")
    await describe_need(marie, origin="Lalbenque", destination="Cahors", when="mardi")
    await marie.press_doing(kb.NEED, "ask", naming="Bruno L.")
    request = bruno.last().text
    assert "km en tout" in request
    assert "Indemnité : selon le barème de l'association" in request and "€" not in request
    bot.assert_clean()


async def test_a_wheelchair_goes_only_with_a_volunteer_whose_car_has_room(
    tus_bot: RunningBot,
) -> None:
    bot = tus_bot
    try:
        olga, _, _ = team(bot)
        bruno = await volunteer(bot, 602, "Bruno", "Cahors")
        claire = await volunteer(bot, 603, "Claire", "Pradines")
        await write_file(bot, olga, await person_id(bot, bruno.id), "31/12/2027")  # no wheelchair
        await bot.operators.command(
            olga,
            "fiche",
            f"{await person_id(bot, claire.id)} permis oui assurance 31/12/2027 fauteuil oui",
        )
        await bot.operators.press_doing(olga, VOLUNTEER_FILE, "check")
        marie = bot.fake.user(610, "Marie", last_name="Delpech")
        await marie.command("chercher")
        await agree_if_asked(marie)
        for said in ("Lalbenque", "Cahors", "mardi"):
            await marie.send(said)
        await marie.press_doing(kb.FIND, "mode:arrive_before")
        await marie.send("9h")
        await marie.press_doing(kb.FIND, "back:none")
        await marie.press_doing(kb.FIND, "purpose:health")
        await marie.press_doing(
            kb.FIND, "prescribed:no"
        )  # no doctor prescribed it (tests/test_members.py)
        await marie.press_doing(kb.FIND, "special:wheelchair")
        await marie.press_doing(kb.FIND, "special:ok")
        await marie.press_doing(kb.FIND, "confirm")
        found = marie.last().text
        assert "Claire L." in found and "Bruno" not in found
        bot.assert_clean()
    finally:
        await bot.stop()
