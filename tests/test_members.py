"""End to end: the members of an association and their rides with volunteers (issue 24,
items 3, 6 and 4)."""

from __future__ import annotations

from pathlib import Path

from bot.places.gazetteer import Gazetteer
from handlers import keyboards as kb
from tests.conftest import RunningBot
from tests.fakebot import FakeUser
from tests.setups import agree_if_asked, describe_need, reads, team
from tests.test_volunteer_rides import pdf_text
from tests.test_volunteers import ALLOWANCE_RATE, person_id, three_volunteers

# Item 3: members, their fee, and who asks a volunteer.


async def test_a_member_is_found_and_told_kindly_to_renew(tus_bot: RunningBot) -> None:
    bot = tus_bot
    try:
        olga, _, bruno, claire = await three_volunteers(bot)
        await olga.command("tus", "adherent Marie Delpech ; Lalbenque")
        await olga.command("tus")
        assert "/tus cotisation Nom ; jour" in olga.last().text
        marie = bot.fake.user(610, "Marie", last_name="Delpech", username="marie_d")
        await describe_need(marie, origin="Lalbenque", destination="Cahors", when="mardi")
        mark, seen = bot.operators.mark(), marie.mark()
        await marie.press_doing(kb.NEED, "ask", naming="Bruno L.")
        # Found in the register by her name, and linked; no fee noted yet: said, not refused.
        [member] = await bot.rows("SELECT person_id, fee_paid_on FROM tus_members")
        assert member == {"person_id": await person_id(bot, marie.id), "fee_paid_on": None}
        told = marie.texts_since(seen)[-2:]
        assert "Votre adhésion à l'association est à renouveler" in told[0]
        assert "votre demande part quand même" in told[0]
        assert told[1].startswith("J'ai envoyé votre demande à Bruno L.")
        assert "Demande de transport solidaire" in bruno.last().text
        team_saw = "\n".join(bot.operators.texts_since(mark))
        assert "Marie Delpech (n° " in team_saw and "aucune cotisation n'est notée" in team_saw
        assert "/tus cotisation Marie Delpech" in team_saw
        print("\n".join(told), "\n---\n", team_saw)

        # The team notes the fee: a year, and Marie is no longer told anything.
        await olga.command("tus", "cotisation Marie Delpech ; 02/11")
        assert olga.last().text == (
            "✅ Cotisation notée pour Marie Delpech, payée le 2 novembre 2026 :"
            " adhésion valable jusqu'au 1er novembre 2027."
        )
        await olga.command("tus", "cotisation Marie Delpech ; n'importe")
        assert "Je n'ai pas compris le jour « n'importe »" in olga.last().text
        await olga.command("tus", "cotisation Personne Inconnue")
        assert "Personne Inconnue n'est pas au registre" in olga.last().text
        await bruno.press_doing(kb.INTRO, "no")
        mark = bot.operators.mark()
        seen = marie.mark()
        await marie.press_doing(kb.NEED, "ask", naming="Claire L.")
        assert [t for t in marie.texts_since(seen) if "adhésion" in t] == []
        assert "adhér" not in "\n".join(bot.operators.texts_since(mark))
        assert "Demande de transport solidaire" in claire.last().text
        bot.assert_clean()
    finally:
        await bot.stop()


async def test_someone_not_in_the_register_and_an_expired_fee(tus_bot: RunningBot) -> None:
    bot = tus_bot
    try:
        olga, _, bruno, _ = await three_volunteers(bot)
        await olga.command("tus", "adherent Odette Vialard ; Cajarc")
        paul = bot.fake.user(611, "Paul", last_name="Roux")
        await describe_need(paul, origin="Lalbenque", destination="Cahors", when="mardi")
        mark, seen = bot.operators.mark(), paul.mark()
        await paul.press_doing(kb.NEED, "ask", naming="Bruno L.")
        assert "sont pour les adhérents de l'association" in paul.texts_since(seen)[-2]
        team_saw = "\n".join(bot.operators.texts_since(mark))
        assert "Paul Roux (n° " in team_saw and "n'est pas au registre des adhérents" in team_saw
        assert "Demande de transport solidaire" in bruno.last().text
        print("\n".join(paul.texts_since(seen)), "\n---\n", team_saw)

        # The team registers him under another spelling and links him by his number.
        paul_id = await person_id(bot, paul.id)
        await olga.command("tus", "adherent Paul-Henri Roux ; Lalbenque")
        await olga.command("tus", "lier Paul-Henri Roux ; 999")
        assert "Je ne trouve pas la personne n° « 999 »" in olga.last().text
        await olga.command("tus", "lier Paul Inconnu ; 12")
        assert "Paul Inconnu n'est pas au registre" in olga.last().text
        await olga.command("tus", f"lier Paul-Henri Roux ; {paul_id}")
        assert olga.last().text == (
            f"✅ C'est noté : l'adhérent Paul-Henri Roux est la personne n° {paul_id} (Paul Roux)."
        )
        await olga.command("tus", f"lier Odette Vialard ; {paul_id}")
        assert "déjà au registre sous le nom Paul-Henri Roux" in olga.last().text
        # His fee was paid more than a year ago: it ran out.
        await olga.command("tus", "cotisation Paul-Henri Roux ; 15/10/2025")
        assert "valable jusqu'au 14 octobre 2026" in olga.last().text
        await bruno.press_doing(kb.INTRO, "no")
        mark, seen = bot.operators.mark(), paul.mark()
        await paul.press_doing(kb.NEED, "ask", naming="Claire L.")
        assert "Votre adhésion à l'association est à renouveler" in paul.texts_since(seen)[-2]
        team_saw = "\n".join(bot.operators.texts_since(mark))
        assert "Son adhésion (Paul-Henri Roux, adhérent n° 2) a pris fin le 14 octobre 2026" in (
            team_saw
        )
        bot.assert_clean()
    finally:
        await bot.stop()


async def test_a_prescribed_medical_transport_is_pointed_to_the_health_insurance(
    tus_bot: RunningBot,
) -> None:
    bot = tus_bot
    try:
        await three_volunteers(bot)
        marie = bot.fake.user(610, "Marie", last_name="Delpech", username="marie_d")
        await marie.command("chercher")
        await agree_if_asked(marie)
        for said in ("Lalbenque", "Cahors", "mardi"):
            await marie.send(said)
        await marie.press_doing(kb.FIND, "mode:arrive_before")
        await marie.send("9h")
        await marie.press_doing(kb.FIND, "back:none")
        await marie.press_doing(kb.FIND, "purpose:health")
        asked = marie.last()
        assert "Ce transport, est-ce qu'un médecin l'a prescrit" in asked.text
        assert asked.buttons == ["Oui", "Non"]
        seen = marie.mark()
        await marie.send("peut-être")
        assert "Je n'ai pas compris « peut-être »" in "\n".join(marie.texts_since(seen))
        assert "un médecin l'a prescrit" in marie.last().text
        seen = marie.mark()
        await marie.send("oui")
        told = next(t for t in marie.texts_since(seen) if "Assurance maladie" in t)
        assert "en VSL (véhicule sanitaire léger) ou en taxi conventionné" in told
        assert "Demandez à votre médecin le bon de transport" in told
        await marie.press_doing(kb.FIND, "special:none")
        await marie.press_doing(kb.FIND, "confirm")
        found = marie.last().text
        # No volunteer offered; the need is kept as prescribed.
        assert "Bruno" not in found and "Claire" not in found
        [need] = await bot.rows("SELECT prescribed, status FROM needs")
        assert need["prescribed"] == 1
        # Not prescribed: the volunteers are offered, the question asked once per request.
        paul = bot.fake.user(611, "Paul", last_name="Roux")
        await describe_need(paul, origin="Lalbenque", destination="Cahors", when="mardi")
        assert "Bruno L." in paul.last().text
        asked_paul = [t for t in paul.texts_since(0) if "un médecin l'a prescrit" in t]
        assert len(asked_paul) == 1
        # Another purpose: not asked.
        lea = bot.fake.user(612, "Léa", last_name="Bos")
        await describe_need(lea, origin="Lalbenque", destination="Cahors", purpose="shopping")
        assert not [t for t in lea.texts_since(0) if "prescrit" in t]
        assert "Bruno L." in lea.last().text
        print(asked.text, "\n---\n", told)
        bot.assert_clean()
    finally:
        await bot.stop()


async def test_without_volunteers_the_health_question_is_not_asked(bot: RunningBot) -> None:
    marie = bot.fake.user(610, "Marie", last_name="Delpech")
    await describe_need(marie)
    assert not [m for m in marie.messages() if "prescrit" in m.text]
    bot.assert_clean()


# Item 6: a volunteer who calls off late, and the team's reassigning.


async def matched(bot: RunningBot) -> tuple[FakeUser, FakeUser, FakeUser, FakeUser, FakeUser]:
    """Marie asks for Tuesday morning; Bruno accepts (Claire is free too, Anne's insurance
    ended)."""
    olga, anne, bruno, claire = await three_volunteers(bot)
    marie = bot.fake.user(610, "Marie", last_name="Delpech", username="marie_d")
    await describe_need(marie, origin="Lalbenque", destination="Cahors", when="mardi")
    await marie.press_doing(kb.NEED, "ask", naming="Bruno L.")
    await bruno.press_doing(kb.INTRO, "yes")
    assert "Bruno Lafon accepte de vous emmener" in marie.last().text
    return olga, anne, bruno, claire, marie


async def test_a_volunteer_who_calls_off_late_the_next_is_asked_and_the_team_told(
    tus_bot: RunningBot,
) -> None:
    bot = tus_bot
    try:
        _, _, bruno, claire, marie = await matched(bot)
        [need] = await bot.rows("SELECT id FROM needs")
        await bot.later(hours=10)  # the evening before: the reminder, with its button
        assert "Rappel : vous emmenez quelqu'un demain" in bruno.last().text
        team_mark, seen = bot.operators.mark(), marie.mark()
        await bruno.press_doing(kb.INTRO, "withdraw")
        await bruno.press_doing(kb.INTRO, "withdraw")
        # Claire, the next volunteer free that morning, is asked at once.
        request = claire.last()
        assert "Demande de transport solidaire" in request.text
        assert "Marie D. a besoin d'un transport" in request.text
        told = marie.texts_since(seen)
        assert told[0] == "😕 Bruno L. ne peut finalement plus vous emmener. Désolé !"
        assert told[-1].startswith("J'ai envoyé votre demande à Claire L.")
        team_saw = bot.operators.texts_since(team_mark)
        assert (
            "⚠️ Bruno Lafon ne peut plus emmener Marie Delpech (Lalbenque → Cahors, mardi"
            f" 24 novembre, demande n° {need['id']}). J'ai demandé au bénévole suivant :"
            " Claire Lafon."
        ) in team_saw
        print("\n".join(team_saw))
        await claire.press_doing(kb.INTRO, "yes")
        assert "Claire Lafon accepte de vous emmener" in marie.last().text

        # Claire calls off too: nobody else is free; the team is told and takes over.
        team_mark = bot.operators.mark()
        [accepted] = await bot.rows("SELECT id FROM introductions WHERE status = 'accepted'")
        # (Her acceptance came after the evening's reminder: the button it would carry.)
        await claire.press_data(f"in:{accepted['id']}:withdraw:yes")
        team_text = "\n".join(bot.operators.texts_since(team_mark))
        assert "⚠️ Claire Lafon ne peut plus emmener Marie Delpech" in team_text
        assert "Aucun autre bénévole n'est libre" in team_text
        [row] = await bot.rows("SELECT status FROM needs")
        assert row["status"] == "with_operators"
        print(request.text, "\n---\n", "\n".join(told), "\n---\n", team_text)
        bot.assert_clean()
    finally:
        await bot.stop()


async def test_the_team_reassigns_a_ride_to_another_volunteer(tus_bot: RunningBot) -> None:
    bot = tus_bot
    try:
        olga, anne, bruno, claire, marie = await matched(bot)
        nadia = bot.fake.users[403]  # of team(), no longer in the group
        [need] = await bot.rows("SELECT id FROM needs")
        number = need["id"]
        claire_id, anne_id = await person_id(bot, claire.id), await person_id(bot, anne.id)
        await bot.operators.command(olga, "reassigner")
        assert "par exemple : /reassigner 5 12" in bot.operators.last().text
        await bot.operators.command(olga, "reassigner", f"{number} Claire")
        assert "par exemple : /reassigner 5 12" in bot.operators.last().text
        await bot.operators.command(olga, "reassigner", f"999 {claire_id}")
        assert bot.operators.last().text == "La demande n° 999 n'existe pas ou est fermée."
        await bot.operators.command(olga, "reassigner", f"{number} 9999")
        assert "Il n'y a pas de bénévole n° 9999" in bot.operators.last().text
        await bot.operators.command(olga, "reassigner", f"{number} {anne_id}")
        assert "Anne Lafon ne peut pas faire ce trajet" in bot.operators.last().text
        await nadia.command("reassigner", f"{number} {claire_id}")
        assert nadia.last().text == reads(bot, "operators.only")

        seen, team_mark = marie.mark(), bot.operators.mark()
        await bot.operators.command(olga, "reassigner", f"{number} {claire_id}")
        said = "\n".join(bot.operators.texts_since(team_mark))
        assert (
            f"✅ Demande n° {number} : j'ai demandé à Claire Lafon. Je vous préviens de sa réponse."
        ) in said
        assert f"Demande n° {number} : la demande est partie chez Claire Lafon" in said
        assert bruno.last().text == (
            "L'équipe a confié à un autre bénévole le trajet de Marie D. (Lalbenque → Cahors,"
            " mardi 24 novembre). Vous n'avez plus à le faire. Merci !"
        )
        told = marie.texts_since(seen)
        assert told[0] == "Bruno L. ne vous emmène plus : l'équipe demande à un autre bénévole."
        assert told[1].startswith("J'ai envoyé votre demande à Claire L.")
        assert "Demande de transport solidaire" in claire.last().text
        await claire.press_doing(kb.INTRO, "yes")
        assert "Claire Lafon accepte de vous emmener" in marie.last().text
        rows = await bot.rows("SELECT driver_id, status FROM introductions ORDER BY id")
        assert [r["status"] for r in rows] == ["cancelled", "accepted"]
        assert rows[1]["driver_id"] == claire_id
        print(said, "\n---\n", bruno.last().text, "\n---\n", "\n".join(marie.texts_since(seen)))
        bot.assert_clean()
    finally:
        await bot.stop()


# Item 4: a card to print for a member without a smartphone.


async def test_the_team_prints_a_members_card_with_the_number_hours_and_next_rides(
    tmp_path: Path, gazetteer: Gazetteer
) -> None:
    bot = RunningBot(
        tmp_path,
        gazetteer,
        tus_eur_per_km=ALLOWANCE_RATE,
        association_name="Transport solidaire du Causse",
        association_phone="05 65 00 00 00",
        association_hours="du lundi au vendredi, de 9h à 12h",
        sms_number="06 12 34 56 78",
    )
    await bot.start()
    try:
        olga, _, _, _, marie = await matched(bot)
        nadia = bot.fake.users[403]
        marie_id = await person_id(bot, marie.id)
        await bot.operators.command(olga, "carte")
        assert bot.operators.last().text == reads(bot, "members.card_usage")
        await bot.operators.command(olga, "carte", "9999")
        assert bot.operators.last().text == "Il n'y a personne avec le n° 9999."
        await nadia.command("carte", str(marie_id))
        assert nadia.last().text == reads(bot, "operators.only")
        await bot.operators.command(olga, "carte", str(marie_id))
        card = bot.operators.last()
        assert card.text == "🪪 La carte de Marie Delpech, à imprimer."
        assert card.document is not None and card.document.filename == f"carte-{marie_id}.pdf"
        text = pdf_text(card)
        assert "Transport solidaire du Causse" in text
        assert "Carte de Marie Delpech" in text
        assert "Pour un transport, appelez le 05 65 00 00 00" in text
        assert "Ou envoyez un SMS au 06 12 34 56 78" in text
        assert "On vous répond : du lundi au vendredi, de 9h à 12h" in text
        assert reads(bot, "members.card_rides") in text
        [ride] = [line for line in text.splitlines() if line.startswith("•")]
        assert ride.startswith("• mardi 24 novembre à ")
        assert ride.endswith(": Lalbenque → Cahors, avec Bruno L.")
        # Someone with nothing planned: said plainly.
        await bot.operators.command(olga, "carte", str(await person_id(bot, 602)))
        assert reads(bot, "members.card_no_rides") in pdf_text(bot.operators.last())
        print(text)
        bot.assert_clean()
    finally:
        await bot.stop()


async def test_resources_under_the_css_ceiling_make_a_town_dweller_eligible(
    tus_bot: RunningBot,
) -> None:
    bot = tus_bot
    try:
        olga, _, _ = team(bot)
        await olga.command("tus", "adherent Jeanne Roux ; Cahors")
        assert "ressources" in olga.last().text  # the ways in, said when refused
        await olga.command("tus", "adherent Jeanne Roux ; Cahors ; ressources")
        assert olga.last().text == (
            "✅ Inscription au registre faite pour Jeanne Roux (n° 1) : habite Cahors, a des"
            " ressources sous le plafond de la complémentaire santé solidaire."
        )
        await olga.command("tus", "adherent Lucie Bos ; Pradines ; resources")
        assert "Inscription au registre faite pour Lucie Bos" in olga.last().text
        rows = await bot.rows("SELECT name, eligible_by, benefit FROM tus_members ORDER BY id")
        assert rows == [
            {"name": "Jeanne Roux", "eligible_by": "benefit", "benefit": "ressources"},
            {"name": "Lucie Bos", "eligible_by": "benefit", "benefit": "ressources"},
        ]
        bot.assert_clean()
    finally:
        await bot.stop()
