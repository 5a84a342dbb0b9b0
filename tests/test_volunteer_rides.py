"""End to end: a ride with a volunteer driver, on paper (issue 24, items 4 and 5). A member's
ride with a volunteer happens; the passenger gets a receipt, the volunteer the month's
statement (PDF files, read back), the treasurer a CSV; the volunteer gives the allowance up;
the year's figures come out in the préfet's report and in the tax-receipt data."""

from __future__ import annotations

import io
import json
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

import pytest
from pypdf import PdfReader

from bot.places.gazetteer import Gazetteer
from handlers import keyboards as kb
from handlers.ride_paper_notices import GIVE
from tests.conftest import TUS_RATE, RunningBot, paris
from tests.fakebot import FakeUser, SentMessage
from tests.phones import TextingBot
from tests.setups import describe_need, reads, team
from tests.test_ride_life import matched_ride
from tests.test_sms_channel import welcome
from tests.test_volunteers import person_id, volunteer, write_file

RATE = TUS_RATE
PARIS = ZoneInfo("Europe/Paris")
ASSOCIATION: dict[str, Any] = {
    "association_name": "Transport solidaire du Causse",
    "association_address": "2 place de la Mairie, 46230 Lalbenque",
    "association_number": "W463001234",
    "association_phone": "05 65 00 00 00",
}


def pdf_text(message: SentMessage) -> str:
    assert message.document is not None and message.document.filename.endswith(".pdf")
    reader = PdfReader(io.BytesIO(message.document.content))
    return "\n".join(page.extract_text() for page in reader.pages)


def csv_text(message: SentMessage) -> str:
    assert message.document is not None
    return message.document.content.decode("utf-8-sig")


@pytest.fixture
def tus_settings() -> dict[str, Any]:
    """The association's details for its papers, besides the rate (the tus_bot fixture)."""
    return {"tus_eur_per_km": RATE, **ASSOCIATION}


async def a_ride_that_happened(bot: RunningBot) -> tuple[FakeUser, FakeUser, FakeUser]:
    """Marie, a member, asks for Tuesday 9:00 at the doctor in Cahors; Anne's insurance has
    ended (not offered), Bruno accepts; on Wednesday Marie says the ride happened."""
    olga, _, _ = team(bot)
    anne = await volunteer(bot, 601, "Anne", "Cahors")
    bruno = await volunteer(bot, 602, "Bruno", "Cahors", username="bruno_l")
    await write_file(bot, olga, await person_id(bot, anne.id), "20/11/2026")
    await write_file(bot, olga, await person_id(bot, bruno.id), "31/12/2027")
    marie = bot.fake.user(610, "Marie", last_name="Delpech", username="marie_d")
    await describe_need(marie, origin="Lalbenque", destination="Cahors", when="mardi")
    found = marie.last()
    assert "Bruno L." in found.text and "Anne" not in found.text
    await marie.press_doing(kb.NEED, "ask", naming="Bruno L.")
    await bruno.press_doing(kb.INTRO, "yes")
    await bot.run_until(paris("2026-11-25 10:30"))
    assert "a-t-il eu lieu ?" in marie.last().text
    await marie.press_doing(kb.RIDE, "happened")
    return olga, bruno, marie


async def test_the_ride_is_kept_the_passenger_gets_a_receipt(tus_bot: RunningBot) -> None:
    bot = tus_bot
    try:
        olga, bruno, marie = await a_ride_that_happened(bot)
        assert marie.last().text == reads(bot, "paper.receipt_hint")
        [row] = await bot.rows("SELECT * FROM volunteer_rides")
        bruno_id = await person_id(bot, bruno.id)
        assert row["volunteer_id"] == bruno_id and row["ride_date"] == "2026-11-24"
        assert (row["origin_name"], row["destination_name"]) == ("Lalbenque", "Cahors")
        assert row["home_name"] == "Cahors"
        # The participation: the passenger's km there and back at the association's rate.
        assert row["participation_rate"] == RATE
        assert row["participation_cents"] == round(row["passenger_km"] * RATE * 100)
        assert row["allowance_cents"] == round(row["driven_km"] * RATE * 100)
        await marie.command("recu")
        receipt = marie.last()
        participation = f"{row['participation_cents'] / 100:.2f}".replace(".", ",")
        assert receipt.text == (
            f"🧾 Votre reçu du trajet du mardi 24 novembre : participation {participation} €."
        )
        text = pdf_text(receipt)
        print(text)
        assert "Transport solidaire du Causse" in text and "W463001234" in text
        assert "Reçu de trajet n°" in text
        assert "Passager : Marie Delpech" in text
        assert "Conducteur bénévole : Bruno Lafon" in text
        assert "Lalbenque → Cahors, aller et retour" in text
        km = f"{row['passenger_km']:.1f}".replace(".", ",").removesuffix(",0")
        participation = f"{row['participation_cents'] / 100:.2f}".replace(".", ",")
        assert f"Participation : {km} km × 0,30 € = {participation} €" in text
        assert "au plus 0,32 € par km" in text
        # Someone without a ride with a volunteer has no receipt.
        paul = bot.fake.user(611, "Paul", last_name="Roux")
        await paul.command("recu")
        assert "pas encore de trajet avec un conducteur bénévole" in paul.last().text
        bot.assert_clean()
    finally:
        await bot.stop()


async def test_the_volunteer_gets_the_month_statement_and_gives_it_up(
    tus_bot: RunningBot,
) -> None:
    bot = tus_bot
    try:
        olga, bruno, marie = await a_ride_that_happened(bot)
        [row] = await bot.rows("SELECT driven_km, allowance_cents FROM volunteer_rides")
        driven, allowance = row["driven_km"], row["allowance_cents"]
        euros = f"{allowance / 100:.2f}".replace(".", ",") + " €"
        bruno_mark, team_mark = len(bruno.messages()), len(bot.operators.messages())
        await bot.run_until(paris("2026-12-01 07:59"))
        assert len(bruno.messages()) == bruno_mark  # not before the first of the month
        await bot.run_until(paris("2026-12-01 08:01"))
        [statement] = [m for m in bruno.messages()[bruno_mark:] if m.document is not None]
        assert statement.text == (
            f"📄 Votre relevé de novembre 2026 : 1 trajet, {driven} km, indemnité {euros}."
        )
        assert statement.buttons == ["🎁 Je le donne à l'association"]
        text = pdf_text(statement)
        print(text)
        assert "Relevé de trajets — novembre 2026" in text
        assert "Conducteur bénévole : Bruno Lafon" in text
        assert "Indemnité : 0,30 € par km, comptés depuis chez vous (Cahors) et retour." in text
        assert "Cahors → Lalbenque → Cahors → Lalbenque → Cahors" in text
        assert f"{driven} km" in text and euros in text
        assert f"Total : 1 trajet, {driven} km, indemnité {euros}" in text
        # The treasurer's CSV, in the team's group.
        [table] = [
            m for m in bot.operators.messages()[team_mark:]
            if m.document is not None and m.document.filename == "benevoles-2026-11.csv"
        ]  # fmt: skip
        lines = csv_text(table).splitlines()
        assert lines[0].startswith("mois,n° bénévole,bénévole,date,passager,départ,arrivée")
        assert lines[1].startswith(f"2026-11,{await person_id(bot, bruno.id)},Bruno Lafon,")
        assert f',{driven},"0,30","{euros.removesuffix(" €")}",' in lines[1]
        assert "Marie Delpech,Lalbenque,Cahors,Cahors" in lines[1]
        assert lines[1].endswith(",")  # not given (yet)

        # Marie cannot press Bruno's button (an old message forwarded, a wrong chat).
        give = statement.button("🎁 Je le donne à l'association")
        assert give is not None
        await marie.press_data(give["callback_data"], message=statement)
        assert marie.callback_answers()[-1]["text"] != ""
        assert await bot.rows("SELECT * FROM volunteer_gifts") == []
        # Bruno gives it to the association: asked to confirm, then for good.
        await bruno.press_doing(
            GIVE, "ask", naming="Je le donne à l'association", message=statement
        )
        assert "C'est définitif" in bruno.callback_answers()[-1]["text"]
        assert statement.buttons == ["✅ Oui, je le donne", "↩️ Non, je le garde"]
        await bruno.press_doing(GIVE, "yes", message=statement)
        thanks, renounced = bruno.messages()[-2:]
        assert thanks.text.startswith(
            f"🎁 Merci ! Votre indemnité de novembre 2026 ({euros}) est donnée à l'association."
        )
        assert statement.buttons == []
        # The statement again, with the renunciation, to keep.
        assert renounced.text == (
            f"📄 Votre relevé de novembre 2026 : 1 trajet, {driven} km. Indemnité {euros}"
            " donnée à l'association, merci !"
        )
        assert renounced.buttons == []
        text = pdf_text(renounced)
        print(text)
        assert (
            f"Vous avez donné cette somme ({euros}) à l'association le 1er décembre 2026." in text
        )
        assert (
            "Je soussigné Bruno Lafon certifie renoncer au remboursement des frais ci-dessus et"
            " les laisser à l'association en tant que don." in text.replace("\n", " ")
        )
        assert bot.operators.last().text == (
            f"🎁 Bruno Lafon (n° {await person_id(bot, bruno.id)}) donne son indemnité de"
            f" novembre 2026 à l'association : {euros} ({driven} km)."
        )
        [gift] = await bot.rows("SELECT month FROM volunteer_gifts")
        assert gift["month"] == "2026-11"
        bot.assert_clean()
    finally:
        await bot.stop()


async def test_the_year_in_the_prefet_report_and_the_tax_receipt_data(
    tus_bot: RunningBot,
) -> None:
    bot = tus_bot
    try:
        olga, bruno, marie = await a_ride_that_happened(bot)
        bruno_id = await person_id(bot, bruno.id)
        [row] = await bot.rows("SELECT * FROM volunteer_rides")
        driven, passenger_km = row["driven_km"], row["passenger_km"]
        # A member of the register and a trip the team wrote by hand, as before.
        await olga.command("tus", "adherent Odette Vialard ; Cajarc")
        await olga.command("tus", "trajet Odette Vialard ; Cajarc ; Figeac ; 20/11")
        [trip] = await bot.rows("SELECT km, participation_cents FROM tus_trips")
        await bot.run_until(paris("2026-12-01 08:01"))
        statement = next(m for m in reversed(bruno.messages()) if m.document is not None)
        await bruno.press_doing(
            GIVE, "ask", naming="Je le donne à l'association", message=statement
        )
        await bruno.press_doing(GIVE, "yes", message=statement)

        # The préfet's report: the association, members, volunteers and their vehicles,
        # trips, km, mean distance, participation, from what was recorded.
        mark = len(bot.operators.messages())
        await olga.command("tus", "rapport 2026")
        [file] = [m for m in bot.operators.messages()[mark:] if m.document is not None]
        assert file.document is not None and file.document.filename == "tus-rapport-2026.txt"
        report = file.document.content.decode("utf-8")
        print(report)
        km = round(trip["km"] + passenger_km, 1)
        assert "Association : Transport solidaire du Causse" in report
        assert "Adresse : 2 place de la Mairie, 46230 Lalbenque" in report
        assert "N° RNA ou SIREN : W463001234" in report
        assert "Adhérents au registre : 1" in report
        assert "Personnes transportées dans l'année : 2" in report
        assert "Trajets : 2\n" in report
        assert f"Kilomètres : {km:.1f}".replace(".", ",") in report
        participation = (trip["participation_cents"] + row["participation_cents"]) / 100
        assert f"{participation:.2f} € en tout".replace(".", ",") in report
        assert f"Distance moyenne d'un trajet : {km / 2:.1f} km".replace(".", ",") in report
        assert f"Dont trajets avec un conducteur bénévole : 1 ({driven} km" in report
        assert "Conducteurs bénévoles : 2" in report  # Anne and Bruno
        assert (
            "Véhicules (ceux des bénévoles) : 2, 6 places pour les passagers en tout,"
            " 0 avec de la place pour un fauteuil roulant"
        ) in report
        assert "  novembre : 2 · " in report

        # The tax-receipt data: the km detail, the renunciation, the amount at the scale.
        mark = len(bot.operators.messages())
        await bot.operators.command(olga, "dons", "2026")
        told, table = bot.operators.messages()[mark:]
        amount = f"{driven * 0.636:.2f}".replace(".", ",") + " €"
        allowance = f"{row['allowance_cents'] / 100:.2f}".replace(".", ",") + " €"
        assert told.text == (
            "🎁 Dons de frais 2026 (pour les reçus fiscaux, Cerfa 11580)\n"
            "Kilomètres au barème des salariés (article 83 du CGI) : 0,636 € par km.\n"
            f"• Bruno Lafon (n° {bruno_id}) : {driven} km, indemnité abandonnée {allowance},"
            f" don au barème {amount}"
        )
        assert table.document is not None and table.document.filename == "dons-benevoles-2026.csv"
        lines = csv_text(table).splitlines()
        print("\n".join(lines))
        assert lines[0] == (
            "année,n° bénévole,bénévole,date,départ,arrivée,domicile du bénévole,km,"
            "indemnité abandonnée €,renonciation le,barème €/km,montant du don €"
        )
        assert lines[1].startswith(
            f"2026,{bruno_id},Bruno Lafon,2026-11-24,Lalbenque,Cahors,Cahors,{driven},"
        )
        assert ",2026-12-01," in lines[1]
        assert lines[2].startswith(f"2026,{bruno_id},Bruno Lafon,total,,,,{driven},")
        assert lines[2].endswith(f'"{amount.removesuffix(" €")}"')
        await bot.operators.command(olga, "dons", "l'an dernier")
        assert "Écrivez une année, par exemple : /dons 2026" in bot.operators.last().text
        await marie.command("dons", "2026")  # only the team
        assert marie.last().text == reads(bot, "operators.only")

        # At year end, the same data comes to the group by itself.
        mark = len(bot.operators.messages())
        await bot.run_until(paris("2027-01-01 08:01"))
        posted = [m for m in bot.operators.messages()[mark:] if m.document is not None]
        assert "dons-benevoles-2026.csv" in [m.document.filename for m in posted if m.document]
        bot.assert_clean()
    finally:
        await bot.stop()


async def test_the_coordinator_sees_the_day_each_morning_in_the_group(
    tus_bot: RunningBot,
) -> None:
    bot = tus_bot
    try:
        olga, _, _ = team(bot)
        bruno = await volunteer(bot, 602, "Bruno", "Cahors", username="bruno_l")
        claire = await volunteer(bot, 603, "Claire", "Pradines")
        await write_file(bot, olga, await person_id(bot, bruno.id), "31/12/2027")
        await write_file(bot, olga, await person_id(bot, claire.id), "31/12/2027")
        marie = bot.fake.user(610, "Marie", last_name="Delpech", username="marie_d")
        await describe_need(marie, origin="Lalbenque", destination="Cahors", when="mardi")
        await marie.press_doing(kb.NEED, "ask", naming="Bruno L.")
        await bruno.press_doing(kb.INTRO, "yes")
        # Paul needs to go where nobody drives: his request goes to the team.
        paul = bot.fake.user(611, "Paul", last_name="Roux")
        await describe_need(paul, origin="Figeac", destination="Toulouse", when="mardi")
        print(paul.last().text, paul.last().buttons)
        mark = len(bot.operators.messages())
        await bot.run_until(paris("2026-11-24 08:01"))
        [day] = [t for t in bot.operators.texts_since(mark) if "La journée des bénévoles" in t]
        print(day)
        today, tomorrow, uncovered, free = day.split("\n\n")[1:]
        assert today.startswith("Aujourd'hui\n• ")
        assert "Marie Delpech : Lalbenque → Cahors, avec Bruno Lafon" in today
        assert tomorrow == "Demain\n• rien"
        assert "Paul Roux : Figeac → Toulouse" in uncovered
        # Claire is free on Tuesday mornings; Bruno drives Marie.
        assert free.startswith("Bénévoles libres aujourd'hui : 1\n• Claire Lafon")
        bot.assert_clean()
    finally:
        await bot.stop()


async def test_my_data_shows_the_rides_and_forget_me_keeps_only_the_accounts(
    tus_bot: RunningBot,
) -> None:
    bot = tus_bot
    try:
        olga, bruno, marie = await a_ride_that_happened(bot)
        await marie.command("mesdonnees")
        summary, document = marie.messages()[-2:]
        assert "🧾 Trajets avec un conducteur bénévole et dons : 1" in summary.text
        assert document.document is not None
        [ride] = json.loads(document.document.content)["volunteer_rides"]
        assert ride["role"] == "passenger" and ride["origin_name"] == "Lalbenque"
        assert "volunteer_name" not in ride  # someone else's name is not hers
        await marie.command("oublier")
        await marie.press_doing(kb.FORGET, "forget:yes")
        [row] = await bot.rows(
            "SELECT passenger_name, volunteer_name, driven_km, participation_cents"
            " FROM volunteer_rides"
        )
        assert row["passenger_name"] == "—" and row["volunteer_name"] == "Bruno Lafon"
        assert row["driven_km"] > 0 and row["participation_cents"] > 0
        bot.assert_clean()
    finally:
        await bot.stop()


async def test_in_english_the_receipt_too(tus_bot: RunningBot) -> None:
    bot = tus_bot
    try:
        olga, bruno, marie = await a_ride_that_happened(bot)
        await marie.command("langue")
        await marie.press_doing(kb.LANGUAGE, "en")
        await marie.command("receipt")
        receipt = marie.last()
        assert receipt.text.startswith("🧾 Your receipt of the ride of Tuesday 24 November")
        text = pdf_text(receipt)
        assert "Ride receipt no." in text and "Passenger: Marie Delpech" in text
        assert "Participation: 38.2 km × €0.30 = €11.46" in text
        bot.assert_clean()
    finally:
        await bot.stop()


async def test_a_volunteer_who_only_texts_has_the_statement_printed_by_the_team(
    tmp_path: Path, gazetteer: Gazetteer
) -> None:
    bot = TextingBot(tmp_path, gazetteer, tus_eur_per_km=RATE, **ASSOCIATION)
    await bot.start()
    try:
        phone = "06 77 88 99 00"
        got = await welcome(bot, phone, "benevole", "rene vidal")
        while "Où habitez-vous" not in got[-1]:
            got = await bot.text(phone, "oui")
        for said in ("Lalbenque", "lundi mardi", "1", "2", "non", "oui"):
            await bot.text(phone, said)
        olga, omar, nadia = team(bot)
        [row] = await bot.rows("SELECT person_id FROM volunteers")
        await write_file(bot, olga, row["person_id"], "31/12/2027")
        marie = bot.fake.user(610, "Marie", last_name="Delpech", username="marie_d")
        await describe_need(marie, origin="Lalbenque", destination="Cahors", when="mardi")
        await marie.press_doing(kb.NEED, "ask", naming="Rene V.")
        await bot.text(phone, "oui")
        await bot.run_until(paris("2026-11-25 10:30"))
        await marie.press_doing(kb.RIDE, "happened")
        mark = len(bot.operators.messages())
        await bot.run_until(paris("2026-12-01 08:01"))
        [printed] = [
            m for m in bot.operators.messages()[mark:]
            if m.document is not None and m.document.filename.startswith("releve-")
        ]  # fmt: skip
        assert printed.text.startswith("📄 Relevé de novembre 2026 de Rene Vidal")
        assert "qui n'a pas Telegram : à imprimer et à lui donner." in printed.text
        text = pdf_text(printed)
        print(text)
        assert "Lalbenque → Cahors → Lalbenque (Marie Delpech)" in text
        assert "Total : 1 trajet, 38 km, indemnité 11,40 €" in text
        assert "Dites-le à l'équipe." in text and "sous ce fichier" not in text
        # René says on the phone he gives it: the team records it (only the team may).
        assert printed.buttons == ["🎁 Rene V. le donne à l'association"]
        await bot.operators.press_doing(
            nadia, GIVE, "ask", naming="Rene V. le donne à l'association", message=printed
        )
        assert nadia.callback_answers()[-1]["text"] == reads(bot, "operators.only")
        await bot.operators.press_doing(
            omar, GIVE, "ask", naming="Rene V. le donne à l'association", message=printed
        )
        assert omar.callback_answers()[-1]["text"] == (
            "Rene Vidal donne son indemnité de novembre 2026 (11,40 €) à l'association ?"
            " C'est définitif."
        )
        mark = len(bot.operators.messages())
        await bot.operators.press_doing(omar, GIVE, "yes", message=printed)
        assert printed.buttons == []
        [signed] = [m for m in bot.operators.messages()[mark:] if m.document is not None]
        assert signed.text.startswith("📄 Relevé de novembre 2026 de Rene Vidal (n° 1), avec sa")
        assert "à imprimer, à faire signer et à garder" in signed.text
        assert reads(bot, "paper.signature") in pdf_text(signed)
        assert "🎁 Rene Vidal (n° 1) donne son indemnité de novembre 2026" in (
            bot.operators.last().text
        )
        [gift] = await bot.rows("SELECT volunteer_id, month FROM volunteer_gifts")
        assert gift == {"volunteer_id": row["person_id"], "month": "2026-11"}
        bot.assert_clean()
    finally:
        await bot.stop()


async def test_a_ride_with_an_ordinary_driver_is_not_a_volunteer_ride(tus_bot: RunningBot) -> None:
    bot = tus_bot
    try:
        jean, marie = await matched_ride(bot)
        await bot.run_until(paris("2026-11-25 10:30"))
        await marie.press_doing(kb.RIDE, "happened")
        assert marie.last().text.startswith("Merci ! Ravi que cela ait marché.")
        assert await bot.rows("SELECT * FROM volunteer_rides") == []
        await marie.command("recu")
        assert "pas encore de trajet avec un conducteur bénévole" in marie.last().text
        bot.assert_clean()
    finally:
        await bot.stop()
